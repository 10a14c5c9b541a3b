"""The record contract (see docs/design.md): what one output line and one reject line hold.

Field order is fixed so that the same input always gives byte-identical JSON: the contract
fields first, then the input record's other fields in their own order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cleaner.document import Document
from cleaner.language import Language

CONTRACT_FIELDS = ("id", "source", "title", "text", "captions", "lang", "lang_prob", "removed")


class Reason(StrEnum):
    """Why a document is not in the output: the ``reason`` of a reject line, a stable id."""

    EMPTY = "empty"  # no text in the input, or none left after cleaning
    LANGUAGE = "language"  # not one of the languages ``--lang`` keeps
    NEAR_DUPLICATE = "near-duplicate"  # an earlier document says the same
    UNREADABLE = "unreadable"  # the file or line could not be read
    BINARY = "binary"  # the file holds binary data, not text
    INVALID_JSON = "invalid-json"  # a JSONL line that is not a JSON object
    MISSING_TEXT = "missing-text"  # a JSONL record without a string text field

    @property
    def bad_input(self) -> bool:
        """The input itself was bad, as opposed to a cleaning decision (``--strict`` fails)."""
        return self in BAD_INPUT_REASONS


# Rejects that mean the input itself was bad (as opposed to a cleaning decision).
BAD_INPUT_REASONS = frozenset({Reason.UNREADABLE, Reason.BINARY, Reason.INVALID_JSON, Reason.MISSING_TEXT})


@dataclass(frozen=True)
class Reject:
    """A document that is not in the output, and why."""

    id: str
    source: str
    reason: Reason
    detail: str = ""
    duplicate_of: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "source": self.source, "reason": self.reason}
        out["detail"] = self.detail
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass(frozen=True)
class ReportItem:
    """One document of a run as a review sees it: its input paragraphs and its output record or
    its reject line (what the run's observer receives, built where the record is rendered).

    ``input_lines`` are the paragraphs the input was split into (see :mod:`cleaner.layout`);
    replaying ``record["removed"]`` on them gives ``record["text"]``. They are ``None`` for
    input that could not be read at all.
    """

    id: str
    source: str
    input_lines: tuple[str, ...] | None
    record: dict[str, Any] | None = None
    reject: dict[str, Any] | None = None


def output_record(doc: Document, lang: Language | None) -> dict[str, Any]:
    """The output line of a kept document."""
    record: dict[str, Any] = {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "text": doc.text,
        "captions": list(doc.captions),
        "lang": lang.code if lang else None,
        "lang_prob": lang.prob if lang else None,
        "removed": [edit.to_json() for edit in doc.applied],
    }
    if doc.notes:
        record["notes"] = list(doc.notes)
    for key, value in doc.fields.items():
        record.setdefault(key, value)
    return record


# Valid in JSON strings, but line breaks to str.splitlines() and to some JSONL readers.
_LINE_BREAKING = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline): UTF-8 as is, no spaces wasted, stable.

    Characters that some readers take for line breaks are escaped, so one record is one line
    for every JSONL reader.
    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in line or "\u2029" in line or "\x85" in line:  # rare; translate is slow on long text
        line = line.translate(_LINE_BREAKING)
    return line
