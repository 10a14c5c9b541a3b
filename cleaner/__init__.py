"""cleaner: boilerplate cleaning for scraped news text, every removal explained.

One article::

    >>> import cleaner
    >>> record = cleaner.clean_text("Storm Closes Harbour\\nShare this article\\nThe harbour closed at noon.")
    >>> record.title, record.text
    ('Storm Closes Harbour', 'The harbour closed at noon.')

A corpus, with duplicate documents and site boilerplate decided as ``cleaner run`` decides them::

    >>> c = cleaner.Cleaner(languages="en")
    >>> docs = [{"id": "a", "text": "The harbour closed at noon as the storm came in from the west."},
    ...         {"id": "b", "text": "The harbour closed at noon as the storm came in from the west."}]
    >>> [type(r).__name__ for r in c.clean(docs)], c.stats.documents_out
    (['Record', 'Reject'], 1)

The names below are imported on first use, so ``import cleaner`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AppliedEdit",
    "Cleaner",
    "Reason",
    "Record",
    "Reject",
    "Rejected",
    "Result",
    "__version__",
    "clean_text",
]

if TYPE_CHECKING:
    from cleaner.api import Cleaner, Rejected, Result, clean_text
    from cleaner.document import AppliedEdit
    from cleaner.records import Reason, Record, Reject

_HOMES = {
    "Cleaner": "cleaner.api",
    "Rejected": "cleaner.api",
    "Result": "cleaner.api",
    "clean_text": "cleaner.api",
    "AppliedEdit": "cleaner.document",
    "Reason": "cleaner.records",
    "Record": "cleaner.records",
    "Reject": "cleaner.records",
}


if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is an error there

    def __getattr__(name: str) -> Any:
        """The public names, imported when first asked for (PEP 562)."""
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(home), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
