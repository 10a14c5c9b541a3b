"""Where the files cleaner ships beside its code are: the default rules and the credit vocabulary.

A leaf module (it imports nothing of cleaner's), so that both the rule loader and the captions
grammar can find the shipped files without importing each other.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_rules_dir() -> Path | None:
    """The shipped rules folder: inside the installed package (``cleaner/_rules``), or the
    checkout's ``rules/``; None when neither is there (a broken install)."""
    packaged = resources.files("cleaner") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "rules"
    return checkout if checkout.is_dir() else None
