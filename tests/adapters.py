"""What the adapter tests share: importing the adapter's package, or skipping without it.

Outside CI a missing optional package skips its adapter's tests; in CI (``CI=true``, or
``CLEANER_REQUIRE_ADAPTERS=1`` as .ci/run sets it) the import fails the run instead, so the
adapters are never silently untested there.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

REQUIRED = os.environ.get("CLEANER_REQUIRE_ADAPTERS") == "1" or os.environ.get("CI") == "true"


def require(name: str) -> ModuleType:
    """The package ``name``: imported (CI), or the whole test module skipped without it."""
    if REQUIRED:
        return importlib.import_module(name)
    module: ModuleType = pytest.importorskip(name)
    return module
