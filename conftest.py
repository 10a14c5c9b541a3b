"""The doctests run over the whole package (``--doctest-modules``): an adapter whose package
(an optional extra) is not installed is left out of that collection. Its tests in tests/ say
so as a skip, or fail in CI (``CLEANER_REQUIRE_ADAPTERS=1``)."""

from __future__ import annotations

import importlib.util

collect_ignore = [
    f"cleaner/integrations/{name}.py"
    for name in ("datatrove", "datasets", "pandas")
    if importlib.util.find_spec(name) is None
]
