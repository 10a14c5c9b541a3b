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
import os
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


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"


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
            yield read_text_file(source)
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


def read_text_file(source: SourceFile) -> Document | Reject:
    """One article; any encoding :func:`~cleaner.decoding.decode_bytes` can tell."""
    assert source.path is not None
    doc_id = text_id(source.name)
    try:
        data = source.path.read_bytes()
    except OSError as e:
        return Reject(doc_id, source.name, Reason.UNREADABLE, _os_error(e))
    try:
        decoded = decode_bytes(data)
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
            raw = stream.readline()
        except (OSError, EOFError, zlib.error) as e:
            yield unreadable_line(name, lineno, e)
            return
        if not raw:
            return
        item = parse_jsonl_line(raw, name, lineno, options)
        if item is not None:
            yield item


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
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        detail = f"line is not UTF-8 (byte {e.start})"
        return Reject(f"{name}:{lineno}", name, Reason.INVALID_JSON, detail, line=lineno)
    return record_to_document(line, name, lineno, options)


def record_to_document(line: str, name: str, lineno: int, options: ReadOptions) -> Document | Reject:
    """One JSONL line as a document; every field but the text passes through untouched."""
    fallback_id = f"{name}:{lineno}"
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as e:
        return Reject(fallback_id, name, Reason.INVALID_JSON, e.msg, line=lineno)
    if not isinstance(record, dict):
        return Reject(fallback_id, name, Reason.INVALID_JSON, "not a JSON object", line=lineno)
    return mapping_to_document(record, name, lineno, options)


def mapping_to_document(
    record: Mapping[str, Any], name: str, lineno: int, options: ReadOptions
) -> Document | Reject:
    """A record already parsed (a JSONL line's object, or any mapping the Python API is given)
    as a document; every field but the text passes through untouched."""
    fallback_id = f"{name}:{lineno}"
    raw_id = record.get(options.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else fallback_id
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
    if isinstance(title, str) and title.strip():
        doc.title = title
        doc.title_from_input = True
    _carry_earlier_run(record, doc)
    return doc


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
