"""Readers: turn the command line's sources into documents, in a stable order.

A source is a ``.txt`` file (one article, in any encoding :mod:`cleaner.decoding` can tell, gzipped
or not), a ``.jsonl`` or ``.jsonl.gz`` file (one record per line), ``-`` (JSONL on standard input),
or a folder, walked recursively in sorted order for all of those (symlinked folders are followed
once; a link loop is not walked twice). Input that cannot be read becomes a
:class:`~cleaner.records.Reject` with a reason, never an exception: one bad file must not stop
an ETL run.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import json
import math
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.decoding import GZIP_MAGIC, DecodeError, decode_bytes
from cleaner.document import Document
from cleaner.layout import split_paragraphs
from cleaner.records import Reason, Reject

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
STDIN = "-"


# A document larger than this (a text file's bytes, unpacked; a JSONL line's bytes) is rejected
# ``too-large`` unread: a news article is a few kilobytes, and a multi-megabyte "article" is a
# scraper's mistake (a whole feed, a binary blob) that would cost a hundred times its size in
# memory while the passes work on it.
MAX_DOC_BYTES = 8 * 1024 * 1024
# Containers nested deeper than this in a record are refused: real records are a few levels
# deep, and deeply nested values exhaust the recursion of pickle and json on their way through
# the workers, the spill and the writers.
MAX_DEPTH = 64


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    max_doc_bytes: int = MAX_DOC_BYTES


@dataclass
class ReadCounter:
    """How many input bytes the readers have consumed so far (for the progress line)."""

    done: int = 0


@dataclass
class SourceFile:
    """One input file and the name it goes by in records (relative to the folder given)."""

    path: Path | None  # None for standard input
    name: str

    def size(self) -> int:
        try:
            return self.path.stat().st_size if self.path is not None else 0
        except OSError:
            return 0

    @property
    def is_jsonl(self) -> bool:
        return self.path is None or self.name.endswith(JSONL_SUFFIXES) or self.name.endswith(".jsonl.gz")


def _is_input(name: str) -> bool:
    return name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)


def printable_name(name: str) -> str:
    r"""A file name safe to write into UTF-8 JSON: undecodable bytes become U+FFFD.

    >>> printable_name(b"caf\xe9.txt".decode("utf-8", "surrogateescape"))
    'caf�.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _walk(root: Path, skipped: list[str] | None) -> list[SourceFile]:
    """Every input file below ``root``, sorted by path; symlinked folders once each (no loops)."""
    found: list[tuple[tuple[str, ...], SourceFile]] = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = Path(dirpath).stat()
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop or a second link to one folder
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames.sort()
        for filename in filenames:
            path = Path(dirpath) / filename
            rel = path.relative_to(root)
            if _is_input(filename):
                found.append((rel.parts, SourceFile(path, printable_name(rel.as_posix()))))
            elif skipped is not None:
                skipped.append(printable_name(str(path)))
    return [source for _, source in sorted(found, key=lambda item: item[0])]


def list_sources(sources: Iterable[str], skipped: list[str] | None = None) -> list[SourceFile]:
    """Expand the command line's sources into files, folders walked in sorted order."""
    files: list[SourceFile] = []
    for source in sources:
        if source == STDIN:
            files.append(SourceFile(None, STDIN))
            continue
        path = Path(source)
        if path.is_dir():
            files.extend(_walk(path, skipped))
        else:
            files.append(SourceFile(path, printable_name(path.name)))
    return files


def read_sources(
    sources: Iterable[SourceFile],
    options: ReadOptions = ReadOptions(),
    counter: ReadCounter | None = None,
) -> Iterator[Document | Reject]:
    """Every document of every source, in order; unreadable input as rejects."""
    counter = counter or ReadCounter()
    for source in sources:
        base = counter.done
        if source.is_jsonl:
            yield from read_jsonl(source, options, counter)
        else:
            yield read_text_file(source, options.max_doc_bytes)
        counter.done = base + source.size()


def text_id(name: str) -> str:
    """The id of a text file: its path relative to the input folder, without its extension.

    >>> text_id("world/2022/000_russia.txt")
    'world/2022/000_russia'
    """
    for suffix in TEXT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _os_error(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    return e.strerror or str(e)


def read_text_file(source: SourceFile, max_bytes: int = MAX_DOC_BYTES) -> Document | Reject:
    """One article; any encoding :func:`~cleaner.decoding.decode_bytes` can tell."""
    assert source.path is not None
    doc_id = text_id(source.name)
    try:
        with source.path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            # a huge file is not read at all (nor is a buffer of the limit's size made for it)
            data = b"" if size > max_bytes else f.read()
    except OSError as e:
        return Reject(doc_id, source.name, Reason.UNREADABLE, _os_error(e))
    if size > max_bytes or len(data) > max_bytes:
        return Reject(doc_id, source.name, Reason.TOO_LARGE, f"more than --max-doc-bytes {max_bytes}")
    try:
        decoded = decode_bytes(data, max_bytes)
    except DecodeError as e:
        return Reject(doc_id, source.name, e.reason, e.detail)
    doc = Document(doc_id, source.name, split_paragraphs(decoded.text))
    if decoded.encoding != "utf-8":
        doc.notes.append(f"decoded as {decoded.encoding}")
    return doc


def _open_jsonl(source: SourceFile, stack: contextlib.ExitStack[bool | None]) -> IO[bytes]:
    """The raw byte lines of a JSONL source, unpacked when gzipped (whatever its name says)."""
    if source.path is None:
        return sys.stdin.buffer
    stream = stack.enter_context(source.path.open("rb"))
    if stream.peek(2)[:2] == GZIP_MAGIC:
        unpacked = gzip.GzipFile(fileobj=stream)
        stack.callback(unpacked.close)
        return unpacked  # type: ignore[return-value]  # GzipFile is a binary file object
    return stream


def read_jsonl(
    source: SourceFile, options: ReadOptions, counter: ReadCounter | None = None
) -> Iterator[Document | Reject]:
    """The records of one JSONL source; a bad line is a reject naming the file and line.

    Lines are decoded one by one, so one line in another encoding costs that line only.
    """
    with contextlib.ExitStack() as stack:
        try:
            stream = _open_jsonl(source, stack)
        except OSError as e:
            yield Reject(source.name, source.name, Reason.UNREADABLE, _os_error(e))
            return
        raw_file = stream.fileobj if isinstance(stream, gzip.GzipFile) else stream
        base = counter.done if counter is not None else 0
        for item in read_jsonl_stream(stream, source.name, options):
            if counter is not None and source.path is not None:
                counter.done = base + raw_file.tell()
            yield item


def read_jsonl_stream(stream: IO[bytes], name: str, options: ReadOptions) -> Iterator[Document | Reject]:
    """The records of an open JSONL byte stream (see :func:`read_jsonl`), lines numbered from 1."""
    lineno = 0
    while True:
        lineno += 1
        try:
            raw, size = read_bounded_line(stream, options.max_doc_bytes)
            if size > options.max_doc_bytes:
                yield too_large_line(name, lineno, size, options.max_doc_bytes)
                continue
        except (OSError, EOFError, zlib.error) as e:
            yield unreadable_line(name, lineno, e)
            return
        if not raw:
            return
        item = parse_jsonl_line(raw, name, lineno, options)
        if item is not None:
            yield item


def read_bounded_line(stream: IO[bytes], limit: int) -> tuple[bytes, int]:
    """The next line of ``stream`` (b"" at its end) and its size in bytes, reading at most
    ``limit`` + 1 bytes of it into memory: a longer line (a too-large document) comes back cut,
    its rest read past a block at a time, so one huge line costs no more memory than the limit.

    Every engine reads JSONL lines through this function, the whole-file reader and the Spark
    engine's byte ranges alike, so both reject the same lines with the same sizes.

    >>> import io
    >>> stream = io.BytesIO(b"short\\n" + b"x" * 10 + b"\\nnext")
    >>> read_bounded_line(stream, 8), read_bounded_line(stream, 8), read_bounded_line(stream, 8)
    ((b'short\\n', 6), (b'xxxxxxxxx', 11), (b'next', 4))
    """
    raw = stream.readline(limit + 1)
    if len(raw) <= limit or raw.endswith(b"\n"):
        return raw, len(raw)
    return raw, len(raw) + _skip_line(stream)  # too large: the rest is read past, not kept


def _skip_line(stream: IO[bytes], block: int = 1 << 20) -> int:
    """Read past the rest of a line, a block at a time; returns how many bytes it had."""
    skipped = 0
    while chunk := stream.readline(block):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def too_large_line(name: str, lineno: int, size: int, limit: int) -> Reject:
    """The reject of a JSONL line longer than ``--max-doc-bytes``."""
    detail = f"line of {size} bytes, more than --max-doc-bytes {limit}"
    return Reject(f"{name}:{lineno}", name, Reason.TOO_LARGE, detail, line=lineno)


def unreadable_line(name: str, lineno: int, error: Exception) -> Reject:
    """The reject of a JSONL file that cannot be read from line ``lineno`` on."""
    detail = f"cannot read past line {lineno - 1}: {error}"
    return Reject(f"{name}:{lineno}", name, Reason.UNREADABLE, detail, line=lineno)


def parse_jsonl_line(raw: bytes, name: str, lineno: int, options: ReadOptions) -> Document | Reject | None:
    """One raw line of a JSONL file as a document or a reject (None: a blank line).

    Every engine reads a line through this function, whatever splits the file into lines.
    """
    if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        return None
    if len(raw) > options.max_doc_bytes:
        return too_large_line(name, lineno, len(raw), options.max_doc_bytes)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        detail = f"line is not UTF-8 (byte {e.start})"
        return Reject(f"{name}:{lineno}", name, Reason.INVALID_JSON, detail, line=lineno)
    return record_to_document(line, name, lineno, options)


class _NonFinite:
    """Collects the NaN and infinities of one record while it is parsed (they become null)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def constant(self, name: str) -> None:
        self.seen.append(name)

    def number(self, text: str) -> float | None:
        value = float(text)
        if math.isfinite(value):
            return value
        self.seen.append(text)  # 1e400: valid JSON, but no double holds it
        return None


# A JSON \u escape of a UTF-16 surrogate: the only way a lone surrogate gets into decoded text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def record_problem(record: Any, precheck: str | None = None) -> str | None:
    """Why a parsed record cannot travel through a run, or None.

    Every place a record's values go (pickling to workers, the spill, the JSON writers, the
    report, Spark rows) needs strings that encode as UTF-8 and nesting its recursion can
    follow; a record is checked once, here, so none of them has to. ``precheck`` (the line the
    record was parsed from) skips the walk when the line cannot hold a surrogate or deep nesting.
    """
    if precheck is not None:
        deep = precheck.count("[") + precheck.count("{") > MAX_DEPTH
        if not deep and not _SURROGATE_ESCAPE.search(precheck):
            return None
    stack: list[tuple[Any, int, str]] = [(record, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            if (found := _SURROGATE.search(value)) is not None:
                code = ascii(found.group())[1:-1]
                return f"lone surrogate {code} in {where or 'the record'} (not UTF-8 text)"
        elif isinstance(value, Mapping | list | tuple):
            if depth >= MAX_DEPTH:
                return f"{where or 'the record'} is nested deeper than {MAX_DEPTH} levels"
            pairs = value.items() if isinstance(value, Mapping) else enumerate(value)
            for key, inner in pairs:
                inside = where or f"field {key!r}"  # the top-level field is name enough
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"lone surrogate in a field name of {where or 'the record'} (not UTF-8 text)"
                stack.append((inner, depth + 1, inside))
    return None


def record_to_document(line: str, name: str, lineno: int, options: ReadOptions) -> Document | Reject:
    """One JSONL line as a document; every field but the text passes through untouched.

    The record must be one every later step can carry (:func:`record_problem`), else it is a
    reject. ``NaN`` and ``Infinity`` are not JSON (RFC 8259): they are read as null, with a note,
    so the output is strict JSON and the article is not lost for a metadata number.
    """
    fallback_id = f"{name}:{lineno}"
    non_finite = _NonFinite()
    try:
        record: Any = json.loads(line, parse_constant=non_finite.constant, parse_float=non_finite.number)
    except json.JSONDecodeError as e:
        return Reject(fallback_id, name, Reason.INVALID_JSON, e.msg, line=lineno)
    except RecursionError:
        detail = f"nested deeper than {MAX_DEPTH} levels"
        return Reject(fallback_id, name, Reason.INVALID_JSON, detail, line=lineno)
    if not isinstance(record, dict):
        return Reject(fallback_id, name, Reason.INVALID_JSON, "not a JSON object", line=lineno)
    return mapping_to_document(record, name, lineno, options, line, non_finite.seen)


def mapping_to_document(
    record: Mapping[str, Any],
    name: str,
    lineno: int,
    options: ReadOptions,
    line: str | None = None,
    non_finite: list[str] | None = None,
) -> Document | Reject:
    """A record already parsed (a JSONL line's object, or any mapping the Python API is given)
    as a document; every field but the text passes through untouched.

    The record must be one every later step can carry (:func:`record_problem`), else it is a
    reject. ``line``: the JSONL line it was parsed from (spares the check when the line cannot
    hold a problem); ``non_finite``: the NaN and infinities the parse turned into null. A mapping
    given directly has its non-finite floats turned into null here (on a copy), noted alike.
    """
    fallback_id = f"{name}:{lineno}"
    problem = record_problem(record, line)
    if problem is not None:
        return Reject(fallback_id, name, Reason.INVALID_JSON, problem, line=lineno)
    notes: list[str] = []
    if line is None:
        non_finite = []
        record = _finite(record, non_finite)
    if non_finite:
        notes.append(f"{', '.join(sorted(set(non_finite)))} is not JSON: written as null")
    raw_id = record.get(options.id_field)
    if isinstance(raw_id, str) and raw_id:
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        doc_id = fallback_id
        if options.id_field in record:
            shown = (
                "an empty string"
                if raw_id == ""
                else f"{json.dumps(raw_id, default=repr)[:40]}, not a string"
            )
            notes.append(f"id {shown}: used {fallback_id!r} instead")
    src = record.get("source")
    source = src if isinstance(src, str) and src else name
    text = record.get(options.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return Reject(
            doc_id, source, Reason.MISSING_TEXT, f"field {options.text_field!r} is {what}", line=lineno
        )
    fields = {k: v for k, v in record.items() if k != options.text_field}
    title = record.get(options.title_field)
    doc = Document(doc_id, source, split_paragraphs(text), fields=fields)
    doc.notes.extend(notes)
    if isinstance(title, str) and title.strip():
        doc.title = title
        doc.title_from_input = True
    _carry_earlier_run(record, doc)
    return doc


def _finite(value: Any, seen: list[str]) -> Any:
    """``value`` with every NaN and infinity replaced by None (a copy where one was found)."""
    if isinstance(value, float) and not math.isfinite(value):
        seen.append(repr(value).replace("inf", "Infinity").replace("nan", "NaN"))
        return None
    if isinstance(value, Mapping):
        items = {k: _finite(v, seen) for k, v in value.items()}
        return items if any(items[k] is not value[k] for k in items) else value
    if isinstance(value, list | tuple):
        values = [_finite(v, seen) for v in value]
        return values if any(a is not b for a, b in zip(values, value, strict=True)) else value
    return value


def _carry_earlier_run(record: Mapping[str, Any], doc: Document) -> None:
    """A record cleaner already cleaned keeps its captions and its headline decisions.

    Cleaning cleaner's own output again must change nothing: its captions are not in its text
    any more, and a paragraph equal to the title that survived the first run is the author's.
    """
    captions = record.get("captions")
    if isinstance(captions, list):
        doc.captions = [c for c in captions if isinstance(c, str) and c]
    removed = record.get("removed")
    if isinstance(removed, list):
        doc.earlier_title_rules = frozenset(
            e["rule"]
            for e in removed
            if isinstance(e, dict) and e.get("pass") == "title" and isinstance(e.get("rule"), str)
        )
