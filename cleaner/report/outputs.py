"""A finished run read back: its records and rejects, found by id, reviewed without the input.

A record's ``removed`` list is exact both ways (:mod:`cleaner.document`): replayed on the input's
paragraphs it gives ``text``, and un-applied in reverse on ``text``'s paragraphs it gives the
input's back. So ``cleaner diff OUT.jsonl --id X`` rebuilds the review item a re-run would have
made (:func:`record_item`) from the one line, and prints the same diff.

Finding a record is a **scan, not an index**: cleaner writes every record starting with
``{"id":`` and the id's JSON (:func:`cleaner.records.dumps`), so one bytes search for that
prefix after a line break, over the memory-mapped file, finds it at memory speed (tens of
milliseconds for 40 MB) and parses that line only. There is no index to build or to keep in step
with the file. A record written by another tool (other spacing) is found by the id's JSON string
anywhere in a line, each such line parsed and checked. Gzip files are decompressed whole first.

Rejected documents come from the rejects file: their line carries the reason, the input's
``text`` (cleaner writes it for every document it could read) and ``duplicate_of`` for a
near-duplicate, whose kept twin is then looked up in the output file.
"""

from __future__ import annotations

import gzip
import json
import mmap
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cleaner.decoding import GZIP_MAGIC
from cleaner.document import AppliedEdit, replay, unapply
from cleaner.layout import PARAGRAPH_SEPARATOR
from cleaner.records import Reason, ReportItem, dumps
from cleaner.stages import url_host

FileKind = Literal["output", "rejects", "input"]

# The id at the start of a line as cleaner writes it: ``{"id":"..."`` (the JSON string captured).
_LEADING_ID = re.compile(rb'(?m)^\{"id":("(?:[^"\\\n]|\\.)*")')
_NO_REMOVALS = b'"removed":[]'


class RecordError(ValueError):
    """A record whose ``removed`` list does not un-apply on its text (edited, or too old)."""


def paragraphs(text: str) -> list[str]:
    """A record's ``text`` as its paragraphs (none for "")."""
    return text.split(PARAGRAPH_SEPARATOR) if text else []


def input_lines(record: Mapping[str, Any]) -> list[str]:
    """The input paragraphs of an output record: its ``removed`` un-applied on its ``text``.

    Checked both ways: replaying ``removed`` on the result must give ``text`` again, so a record
    edited by hand, or written before edits said ``dropped``, is an error rather than a wrong diff.
    """
    text = record.get("text")
    removed = record.get("removed")
    if not isinstance(text, str) or not isinstance(removed, list):
        raise RecordError("not an output record (no text or removed list)")
    try:
        edits = [AppliedEdit.from_json(entry) for entry in removed]
        output = paragraphs(text)
        lines = unapply(output, edits)
        if replay(lines, edits) != output:
            raise ValueError("replaying the un-applied edits does not give the text back")
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise RecordError(f"the removed list does not un-apply on the text: {e}") from e
    return lines


def record_item(record: dict[str, Any]) -> ReportItem:
    """The review item of an output record, as the run that wrote it made it (input included).

    Raises :class:`RecordError` when the input cannot be rebuilt.
    """
    return ReportItem(
        str(record.get("id", "")), str(record.get("source", "")), tuple(input_lines(record)), record, None
    )


def reject_item(reject: dict[str, Any]) -> ReportItem:
    """The review item of a reject line: the input's text when the run could read it."""
    text = reject.get("text")
    lines: tuple[str, ...] | None
    if isinstance(text, str):
        lines = tuple(paragraphs(text))
    else:
        bad = str(reject.get("reason", "")) in {r.value for r in Reason if r.bad_input}
        lines = None if bad else ()
    return ReportItem(str(reject.get("id", "")), str(reject.get("source", "")), lines, None, reject)


def site_of(source: str, data: Mapping[str, Any] | None) -> str:
    """Where a document comes from, for a reviewer: its URL's host, else its source (the file).

    >>> site_of("feed.jsonl", {"url": "https://www.harbourgazette.example/a"}), site_of("a.txt", {})
    ('harbourgazette.example', 'a.txt')
    """
    return url_host((data or {}).get("url")) or source


def _json_string(text: str, ascii_only: bool) -> bytes:
    if ascii_only:
        return json.dumps(text).encode("ascii")
    return dumps({"": text})[4:-1].encode("utf-8")  # records.dumps's own escaping of a string


@dataclass
class Line:
    """One line of a records file: where it starts and ends."""

    start: int
    end: int


class RecordFile:
    """A JSONL file of records or rejects, searched as bytes (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self.path.open("rb") as f:
            gzipped = f.read(2) == GZIP_MAGIC
            f.seek(0)
            if gzipped:
                self.data: bytes | mmap.mmap = gzip.decompress(f.read())
            elif self.path.stat().st_size == 0:
                self.data = b""
            else:
                self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def close(self) -> None:
        if isinstance(self.data, mmap.mmap):
            self.data.close()

    def __enter__(self) -> RecordFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _line_at(self, pos: int) -> Line:
        start = self.data.rfind(b"\n", 0, pos) + 1
        end = self.data.find(b"\n", pos)
        return Line(start, len(self.data) if end < 0 else end)

    def load(self, line: Line) -> dict[str, Any] | None:
        """The JSON object on ``line``, or None when it is not one."""
        try:
            value = json.loads(self.data[line.start : line.end])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def find(self, doc_id: str) -> dict[str, Any] | None:
        """The record whose ``id`` is ``doc_id``: a scan that stops at it (None if absent)."""
        data = self.data
        for ascii_only in (False, True):
            prefix = b'{"id":' + _json_string(doc_id, ascii_only) + b","
            if data[: len(prefix)] == prefix:
                record = self.load(self._line_at(0))
                if record is not None and record.get("id") == doc_id:
                    return record
            pos = data.find(b"\n" + prefix)
            while pos >= 0:
                record = self.load(self._line_at(pos + 1))
                if record is not None and record.get("id") == doc_id:
                    return record
                pos = data.find(b"\n" + prefix, pos + 1)
        for ascii_only in (False, True):  # written by another tool: the id anywhere in a line
            needle = _json_string(doc_id, ascii_only)
            pos = data.find(needle)
            while pos >= 0:
                line = self._line_at(pos)
                record = self.load(line)
                if record is not None and record.get("id") == doc_id:
                    return record
                pos = data.find(needle, line.end)
        return None

    def ids(self) -> Iterator[tuple[str, Line, bool]]:
        """Every record's id, line and whether it has removals, without parsing the records.

        Lines that do not start the way cleaner writes a record are parsed instead.
        """
        data = self.data
        pos = 0
        size = len(data)
        while pos < size:
            end = data.find(b"\n", pos)
            end = size if end < 0 else end
            line = Line(pos, end)
            pos = end + 1
            if line.end == line.start:
                continue
            match = _LEADING_ID.match(data, line.start, line.end)
            if match is not None:
                doc_id = json.loads(match.group(1))
            else:
                record = self.load(line)
                if record is None or "id" not in record:
                    continue
                doc_id = str(record["id"])
            changed = data.find(_NO_REMOVALS, line.start, line.end) < 0
            yield doc_id, line, changed

    def matching(self, *needles: bytes) -> Iterator[tuple[Line, dict[str, Any]]]:
        """The records whose line holds every one of ``needles`` (a cheap test before parsing)."""
        data = self.data
        first = needles[0] if needles else b""
        pos = 0
        while True:
            hit = data.find(first, pos) if first else pos
            if hit < 0 or hit >= len(data):
                return
            line = self._line_at(hit)
            pos = line.end + 1
            if all(data.find(n, line.start, line.end) >= 0 for n in needles[1:]):
                record = self.load(line)
                if record is not None:
                    yield line, record


def rule_needle(rule: str) -> bytes:
    """The bytes every record with a removal by ``rule`` holds."""
    return b'"rule":' + _json_string(rule, False)


def text_needle(text: str) -> bytes:
    """The bytes a record holding ``text`` inside a string holds (cleaner's escaping)."""
    return _json_string(text, False)[1:-1]


def sniff(path: str | Path) -> FileKind:
    """Whether ``path`` is a run's output (records with ``removed``), its rejects (lines with a
    ``reason`` and no ``removed``) or input to clean (anything else: text, raw JSONL, folders).
    """
    path = Path(path)
    if not path.is_file():
        return "input"
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
        with gzip.open(path, "rb") if gzipped else path.open("rb") as f:
            for _ in range(100):
                line = f.readline()
                if not line:
                    break
                if line.strip():
                    record = json.loads(line)
                    break
            else:
                return "input"
    except (OSError, ValueError, EOFError):
        return "input"
    if not line or not isinstance(record, dict):
        return "input"
    if isinstance(record.get("removed"), list) and isinstance(record.get("text"), str):
        return "output"
    if "reason" in record and "removed" not in record and "id" in record:
        return "rejects"
    return "input"
