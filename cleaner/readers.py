"""Readers: turn the command line's sources into documents, in a stable order.

A source is a ``.txt`` file (one article), a ``.jsonl`` or ``.jsonl.gz`` file (one record per
line), ``-`` (JSONL on standard input), or a folder, walked recursively in sorted order for all of
those. Input that cannot be read becomes a :class:`~cleaner.records.Reject` with a reason, never
an exception: one bad file must not stop an ETL run.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.document import Document
from cleaner.layout import split_paragraphs
from cleaner.records import Reject

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
STDIN = "-"


@dataclass(frozen=True)
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"


@dataclass
class SourceFile:
    """One input file and the name it goes by in records (relative to the folder given)."""

    path: Path | None  # None for standard input
    name: str

    @property
    def is_jsonl(self) -> bool:
        return self.path is None or self.name.endswith(JSONL_SUFFIXES)


def _is_input(path: Path) -> bool:
    return path.name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)


def list_sources(sources: Iterable[str], skipped: list[str] | None = None) -> list[SourceFile]:
    """Expand the command line's sources into files, folders walked in sorted order."""
    files: list[SourceFile] = []
    for source in sources:
        if source == STDIN:
            files.append(SourceFile(None, STDIN))
            continue
        path = Path(source)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file()),
                key=lambda p: p.relative_to(path).parts,
            )
            for p in found:
                if _is_input(p):
                    files.append(SourceFile(p, p.relative_to(path).as_posix()))
                elif skipped is not None:
                    skipped.append(str(p))
        else:
            files.append(SourceFile(path, path.name))
    return files


def read_sources(
    sources: Iterable[SourceFile], options: ReadOptions = ReadOptions()
) -> Iterator[Document | Reject]:
    """Every document of every source, in order; unreadable input as rejects."""
    for source in sources:
        if source.is_jsonl:
            yield from read_jsonl(source, options)
        else:
            yield read_text_file(source)


def text_id(name: str) -> str:
    """The id of a text file: its path relative to the input folder, without its extension.

    >>> text_id("world/2022/000_russia.txt")
    'world/2022/000_russia'
    """
    for suffix in TEXT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def read_text_file(source: SourceFile) -> Document | Reject:
    assert source.path is not None
    doc_id = text_id(source.name)
    try:
        data = source.path.read_bytes()
    except OSError as e:
        return Reject(doc_id, source.name, "unreadable", e.strerror or str(e))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return Reject(doc_id, source.name, "unreadable", f"not UTF-8 (byte {e.start})")
    return Document(doc_id, source.name, split_paragraphs(text))


def _open_jsonl(source: SourceFile) -> IO[str]:
    if source.path is None:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline="\n")
    if source.name.endswith(".gz"):
        return gzip.open(source.path, "rt", encoding="utf-8-sig", newline="\n")
    return source.path.open("r", encoding="utf-8-sig", newline="\n")


def read_jsonl(source: SourceFile, options: ReadOptions) -> Iterator[Document | Reject]:
    """The records of one JSONL source; a bad line is a reject naming the file and line."""
    try:
        stream = _open_jsonl(source)
    except OSError as e:
        yield Reject(source.name, source.name, "unreadable", e.strerror or str(e))
        return
    with stream:
        lineno = 0
        while True:
            lineno += 1
            try:
                line = stream.readline()
            except (OSError, UnicodeDecodeError, EOFError) as e:
                yield Reject(f"{source.name}:{lineno}", source.name, "unreadable", str(e), line=lineno)
                return
            if not line:
                return
            if line.strip():
                yield record_to_document(line, source.name, lineno, options)


def record_to_document(line: str, name: str, lineno: int, options: ReadOptions) -> Document | Reject:
    """One JSONL line as a document; every field but the text passes through untouched."""
    fallback_id = f"{name}:{lineno}"
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as e:
        return Reject(fallback_id, name, "invalid-json", e.msg, line=lineno)
    if not isinstance(record, dict):
        return Reject(fallback_id, name, "invalid-json", "not a JSON object", line=lineno)
    raw_id = record.get(options.id_field)
    doc_id = str(raw_id) if isinstance(raw_id, str | int) and str(raw_id) else fallback_id
    src = record.get("source")
    source = src if isinstance(src, str) and src else name
    text = record.get(options.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return Reject(doc_id, source, "missing-text", f"field {options.text_field!r} is {what}", line=lineno)
    fields = {k: v for k, v in record.items() if k != options.text_field}
    title = record.get(options.title_field)
    doc = Document(doc_id, source, split_paragraphs(text), fields=fields)
    if isinstance(title, str) and title.strip():
        doc.title = title
        doc.title_from_input = True
    return doc
