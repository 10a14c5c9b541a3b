"""The record contract (see docs/design.md): what one output line and one reject line hold.

Field order is fixed so that the same input always gives byte-identical JSON: the contract
fields first, then the input record's other fields in their own order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from cleaner.document import AppliedEdit, Document
from cleaner.language import Language

CONTRACT_FIELDS = ("id", "source", "title", "text", "captions", "lang", "lang_prob", "removed")
# Written after the contract fields when a document has them (the content pass fills the first two).
OPTIONAL_FIELDS = ("byline", "published", "notes")


class Reason(StrEnum):
    """Why a document is not in the output: the ``reason`` of a reject line, a stable id."""

    EMPTY = "empty"  # no text in the input, or none left after cleaning
    LANGUAGE = "language"  # not one of the languages ``--lang`` keeps
    NEAR_DUPLICATE = "near-duplicate"  # an earlier document says the same
    UNREADABLE = "unreadable"  # the file or line could not be read
    BINARY = "binary"  # the file holds binary data, not text
    INVALID_JSON = "invalid-json"  # a JSONL line that is not a JSON object
    MISSING_TEXT = "missing-text"  # a JSONL record without a string text field
    TOO_LARGE = "too-large"  # a document larger than ``--max-doc-bytes``

    @property
    def bad_input(self) -> bool:
        """The input itself was bad, as opposed to a cleaning decision (``--strict`` fails)."""
        return self in BAD_INPUT_REASONS


# Rejects that mean the input itself was bad (as opposed to a cleaning decision).
BAD_INPUT_REASONS = frozenset(
    {Reason.UNREADABLE, Reason.BINARY, Reason.INVALID_JSON, Reason.MISSING_TEXT, Reason.TOO_LARGE}
)


@dataclass(frozen=True)
class Reject:
    """A document that is not in the output, and why; with its input's ``url`` and ``text`` when
    it had them, so that a rejects file can be reviewed without the input (``cleaner diff``)."""

    id: str
    source: str
    reason: Reason
    detail: str = ""
    duplicate_of: str | None = None
    line: int | None = None
    url: str | None = None
    text: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reject:
        """The reject of a reject line (parsed JSON)."""
        return cls(
            data["id"],
            data["source"],
            Reason(data["reason"]),
            data.get("detail", ""),
            data.get("duplicate_of"),
            data.get("line"),
            data.get("url"),
            data.get("text"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The reject line as a dict, keys in the line's order (``reason`` is a :class:`Reason`,
        a ``str``)."""
        out: dict[str, Any] = {"id": self.id, "source": self.source, "reason": self.reason}
        out["detail"] = self.detail
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        if self.line is not None:
            out["line"] = self.line
        if self.url is not None:
            out["url"] = self.url
        if self.text is not None:
            out["text"] = self.text
        return out

    def to_json(self) -> str:
        """The reject line ``cleaner run --rejects`` writes for this document (no newline).

        >>> Reject("a", "in.jsonl", Reason.EMPTY, "the input holds no text").to_json()
        '{"id":"a","source":"in.jsonl","reason":"empty","detail":"the input holds no text"}'
        """
        return dumps(self.to_dict())


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


def _no_fields() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Record:
    """A kept document: one line of ``cleaner run``'s output, typed and immutable.

    The fields are the record contract's (docs/design.md); ``notes`` is empty when the line has
    none; ``fields`` holds the input record's other fields, passed through in their order (a
    read-only mapping). :meth:`to_dict` and :meth:`to_json` give the output line exactly.

    >>> record = Record("a", "in.jsonl", "Headline", "Body.", fields={"url": "https://x.example/a"})
    >>> record.to_json()
    '{"id":"a","source":"in.jsonl","title":"Headline","text":"Body.","captions":[],"lang":null,\
"lang_prob":null,"removed":[],"url":"https://x.example/a"}'
    """

    id: str
    source: str
    title: str | None
    text: str
    captions: tuple[str, ...] = ()
    lang: str | None = None
    lang_prob: float | None = None
    removed: tuple[AppliedEdit, ...] = ()
    notes: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=_no_fields, hash=False)
    # The page's byline and dateline as written (the content pass), written after ``removed``.
    byline: str | None = None
    published: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.fields, MappingProxyType):  # read-only, and a copy of the caller's
            object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def __reduce__(self) -> tuple[type[Record], tuple[Any, ...]]:
        """Pickled with its fields as a dict (a read-only mapping cannot be pickled), made again
        read-only on the way in: a record rendered in a worker process (``Cleaner.clean`` with
        ``jobs``) travels back to the caller's."""
        values = [getattr(self, f.name) for f in fields(self)]
        return Record, tuple(dict(v) if isinstance(v, MappingProxyType) else v for v in values)

    @classmethod
    def from_document(cls, doc: Document, lang: Language | None) -> Record:
        """The record of a cleaned document (``lang``: its detected language, if any)."""
        taken = {*CONTRACT_FIELDS, "notes"} if doc.notes else set(CONTRACT_FIELDS)
        taken |= {name for name in ("byline", "published") if getattr(doc, name) is not None}
        return cls(
            doc.id,
            doc.source,
            doc.title,
            doc.text,
            tuple(doc.captions),
            lang.code if lang else None,
            lang.prob if lang else None,
            tuple(doc.applied),
            tuple(doc.notes),
            MappingProxyType({k: v for k, v in doc.fields.items() if k not in taken}),
            doc.byline,
            doc.published,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """The record of an output line (parsed JSON): ``to_dict`` gives ``data`` back.

        ``notes`` are cleaner's when they follow ``removed`` as a list of strings; any other
        field, a ``notes`` elsewhere included, is a passed-through field.

        >>> line = '{"id":"a","source":"s","title":null,"text":"Body.","captions":[],"lang":"en",' \\
        ...        '"lang_prob":1.0,"removed":[],"notes":["decoded as cp1252"],"url":"u"}'
        >>> record = Record.from_dict(json.loads(line))
        >>> record.notes, dict(record.fields), record.to_json() == line
        (('decoded as cp1252',), {'url': 'u'}, True)
        """
        rest = [key for key in data if key not in CONTRACT_FIELDS]
        found: dict[str, str] = {}
        for name in ("byline", "published"):
            if rest and rest[0] == name and isinstance(data[name], str):
                found[name], rest = data[name], rest[1:]
        notes: tuple[str, ...] = ()
        if rest and rest[0] == "notes":
            value = data["notes"]
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                notes, rest = tuple(value), rest[1:]
        return cls(
            data["id"],
            data["source"],
            data["title"],
            data["text"],
            tuple(data["captions"]),
            data["lang"],
            data["lang_prob"],
            tuple(AppliedEdit.from_dict(entry) for entry in data["removed"]),
            notes,
            {key: data[key] for key in rest},
            found.get("byline"),
            found.get("published"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The output line as a dict: the contract's fields in order, ``notes`` when there are
        any, then the passed-through fields (one named like a contract field is not repeated)."""
        record: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "text": self.text,
            "captions": list(self.captions),
            "lang": self.lang,
            "lang_prob": self.lang_prob,
            "removed": [edit.to_dict() for edit in self.removed],
        }
        if self.byline is not None:
            record["byline"] = self.byline
        if self.published is not None:
            record["published"] = self.published
        if self.notes:
            record["notes"] = list(self.notes)
        for key, value in self.fields.items():
            record.setdefault(key, value)
        return record

    def to_json(self) -> str:
        """The line ``cleaner run`` writes for this document (without the newline)."""
        return dumps(self.to_dict())


def output_record(doc: Document, lang: Language | None) -> dict[str, Any]:
    """The output line of a kept document (:meth:`Record.to_dict`)."""
    return Record.from_document(doc, lang).to_dict()


# Valid in JSON strings, but line breaks to str.splitlines() and to some JSONL readers.
_LINE_BREAKING = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line (without the newline): UTF-8 as is, no spaces wasted, stable, strict.

    Characters that some readers take for line breaks are escaped, so one record is one line
    for every JSONL reader. ``NaN`` and infinities raise ``ValueError`` instead of being
    written as the bare words Python's json writes and no strict JSON parser reads (RFC 8259);
    the readers turn them into null before a record gets here.
    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if "\u2028" in line or "\u2029" in line or "\x85" in line:  # rare; translate is slow on long text
        line = line.translate(_LINE_BREAKING)
    return line
