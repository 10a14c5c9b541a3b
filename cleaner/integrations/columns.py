"""A result as flat columns, the same for every row: what a table (Arrow, pandas) can hold.

A table needs one schema for all rows, so a kept document and a rejected one give the same
columns: the record contract's (docs/design.md), then ``reason``, ``detail`` and
``duplicate_of``, which are None for a kept document; a rejected one has None (or empty lists)
in the record's columns. ``removed`` entries all carry the same keys (``replacement`` and ``to``
None where the JSONL line leaves them out), so Arrow infers one struct type.
"""

from __future__ import annotations

from typing import Any

from cleaner.records import Record, Reject

RECORD_COLUMNS = (
    "id",
    "source",
    "title",
    "text",
    "captions",
    "lang",
    "lang_prob",
    "removed",
    "notes",
    "reason",
    "detail",
    "duplicate_of",
)
EDIT_KEYS = ("pass", "rule", "text", "replacement", "to", "line", "at")


def record_columns(result: Record | Reject) -> dict[str, Any]:
    """The columns of one result, in :data:`RECORD_COLUMNS` order.

    >>> from cleaner.records import Reason
    >>> record_columns(Reject("b", "in.jsonl", Reason.EMPTY, "nothing left"))["reason"]
    'empty'
    """
    if isinstance(result, Reject):
        return {
            "id": result.id,
            "source": result.source,
            "title": None,
            "text": None,
            "captions": [],
            "lang": None,
            "lang_prob": None,
            "removed": [],
            "notes": [],
            "reason": str(result.reason),
            "detail": result.detail,
            "duplicate_of": result.duplicate_of,
        }
    removed = [edit.to_dict() for edit in result.removed]
    return {
        "id": result.id,
        "source": result.source,
        "title": result.title,
        "text": result.text,
        "captions": list(result.captions),
        "lang": result.lang,
        "lang_prob": result.lang_prob,
        "removed": [{key: entry.get(key) for key in EDIT_KEYS} for entry in removed],
        "notes": list(result.notes),
        "reason": None,
        "detail": None,
        "duplicate_of": None,
    }
