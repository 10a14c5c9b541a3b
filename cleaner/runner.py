"""A whole run, in the stages DESIGN.md describes.

1. **Clean** each document (per-document passes to a fixed point, language) and compute its
   signatures: a pure function per document. Cleaned documents are spilled to a temporary
   file; only signatures stay in memory, in the two indexes.
2. **Group and decide** over the whole input, so no decision depends on the order of work:
   duplicate documents (components of verified LSH pairs; the first in input order is kept),
   then the site boilerplate among the kept documents' paragraphs (grouped by source and band).
3. **Finish** each spilled document: remove its site's boilerplate, run the passes again to a
   fixed point (removing a footer can expose share buttons above it), write it or its reject.

Kept apart from the CLI so that it can be called from Python (and tested) without click.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import urlsplit

import numpy as np

from cleaner.dedup.boilerplate import (
    BOILERPLATE_MIN_DOCS,
    BOILERPLATE_MIN_SHARE,
    BOILERPLATE_THRESHOLD,
    BoilerplateIndex,
    ParagraphCollector,
    RemoveSiteBoilerplate,
    find_boilerplate,
    paragraph_signatures,
)
from cleaner.dedup.documents import DOCUMENT_THRESHOLD, DocumentIndex, Duplicate
from cleaner.dedup.minhash import DOCUMENT_SKETCH, signature
from cleaner.dedup.state import load_state, save_state, state_settings
from cleaner.document import Document
from cleaner.language import Language, detect_language
from cleaner.passes import Pass
from cleaner.passes.normalize import normalize_fragment
from cleaner.pipeline import Cleaner, run_passes
from cleaner.readers import ReadOptions, list_sources, read_sources
from cleaner.records import Reject, output_record
from cleaner.report.model import ReportItem
from cleaner.stats import RunStats
from cleaner.writers import JsonlWriter, open_jsonl

# Rejects that mean the input itself was bad (as opposed to a cleaning decision).
BAD_INPUT_REASONS = frozenset({"unreadable", "invalid-json", "missing-text"})


@dataclass
class RunOptions:
    sources: list[str]
    destination: str | None  # None: decide and report, write no output file
    rejects: str | None = None
    rules: list[Path] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    read: ReadOptions = field(default_factory=ReadOptions)
    dedup: bool = True
    duplicate_threshold: float = DOCUMENT_THRESHOLD
    boilerplate_min_docs: int = BOILERPLATE_MIN_DOCS
    boilerplate_threshold: float = BOILERPLATE_THRESHOLD
    boilerplate_min_share: float = BOILERPLATE_MIN_SHARE
    state: Path | None = None
    observer: Callable[[ReportItem], None] | None = None


def document_group(doc: Document) -> str:
    """The source a document's site boilerplate is counted in.

    The host of its ``url`` field, else its ``source`` field, else the folder it was read from.

    >>> document_group(Document("a", "x.jsonl", [], fields={"url": "https://www.example.com/a"}))
    'example.com'
    >>> document_group(Document("world/a", "world/a.txt", []))
    'world'
    """
    url = doc.fields.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    source = doc.fields.get("source")
    if isinstance(source, str) and source:
        return source
    if doc.source.endswith(".txt"):
        return str(PurePosixPath(doc.source).parent)
    return doc.source


@dataclass
class Cleaned:
    """A document after stage 1: cleaned, with its language and its signatures."""

    doc: Document
    lang: Language
    doc_sig: np.ndarray | None = None
    paragraph_sigs: np.ndarray | None = None


@dataclass
class Dropped:
    """A document stage 1 rejected, with its input paragraphs for the review report."""

    reject: Reject
    input_lines: tuple[str, ...] | None = None


def clean_one(doc: Document, cleaner: Cleaner, sketch: bool = True) -> Cleaned | Dropped:
    """Stage 1 for one document: passes to a fixed point, language, signatures. Pure.

    This is the expensive part of a run and depends on nothing but its arguments, so it can run
    in any process.
    """
    if doc.title is not None:
        doc.title = normalize_fragment(doc.title)
    run_passes(doc, cleaner.passes, cleaner.max_rounds)
    if not doc.lines:
        reject = Reject(doc.id, doc.source, "empty", "no article text left after cleaning")
        return Dropped(reject, doc.input_lines)
    lang = detect_language(doc.text)
    if cleaner.languages and lang.code not in cleaner.languages:
        wanted = ",".join(sorted(cleaner.languages))
        detail = f"detected {lang.code} ({lang.prob:.2f}); wanted {wanted}"
        return Dropped(Reject(doc.id, doc.source, "language", detail), doc.input_lines)
    doc.group = document_group(doc)
    if not sketch:
        return Cleaned(doc, lang)
    return Cleaned(doc, lang, signature(doc.text, DOCUMENT_SKETCH), paragraph_signatures(doc))


class _Spill:
    """Stage 1's results in input order, on disk, so memory does not grow with the input."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="cleaner-spill-")  # noqa: SIM115 - lives as long as the run
        self.count = 0

    def write(self, item: Cleaned | Dropped) -> None:
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Cleaned | Dropped]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._file.close()


def run(options: RunOptions, warn: Callable[[str], None] = lambda _: None) -> RunStats:
    """Run cleaner over ``options.sources``; ``warn`` receives one line per bad input."""
    cleaner = Cleaner.from_options(options.rules, options.languages)
    stats = RunStats()
    files = list_sources(options.sources, stats.skipped_files)
    documents = DocumentIndex(options.duplicate_threshold)
    known_boilerplate = BoilerplateIndex(threshold=options.boilerplate_threshold)
    settings = state_settings(options.duplicate_threshold, options.boilerplate_threshold)
    if options.state is not None:
        load_state(options.state, documents, known_boilerplate, settings)
    collector = ParagraphCollector()
    spill = _Spill()
    try:
        # Stage 1: clean, detect language, sketch; index the signatures, spill the documents.
        for number, item in enumerate(read_sources(files, options.read)):
            stats.documents_in += 1
            result = Dropped(item) if isinstance(item, Reject) else clean_one(item, cleaner, options.dedup)
            if isinstance(result, Cleaned) and options.dedup:
                _index(result, number, documents, collector)
            spill.write(result)
        stats.index_bytes = collector.nbytes()
        stats.index_paragraphs = collector.count()
        # Stage 2: duplicate documents, then site boilerplate among the kept ones.
        duplicates = documents.decide() if options.dedup else {}
        boilerplate = find_boilerplate(
            collector,
            options.boilerplate_min_docs,
            options.boilerplate_threshold,
            options.boilerplate_min_share,
            exclude=frozenset(duplicates),
        )
        del collector
        boilerplate.merge(known_boilerplate)
        finishing: list[Pass] = (
            [RemoveSiteBoilerplate(boilerplate), *cleaner.passes] if len(boilerplate) else []
        )
        # Stage 3: finish and write, in input order.
        with open_jsonl(options.destination) as out, open_jsonl(options.rejects) as rejects:
            for number, result in enumerate(spill):
                if isinstance(result, Cleaned) and number in duplicates:
                    result = _duplicate(result, duplicates[number])
                if isinstance(result, Cleaned) and finishing:
                    result = _finish(result, finishing, cleaner.max_rounds)
                if isinstance(result, Dropped):
                    _reject(result.reject, stats, rejects, warn)
                    if options.observer is not None:
                        r = result.reject
                        options.observer(ReportItem(r.id, r.source, result.input_lines, None, r.to_json()))
                    continue
                record = output_record(result.doc, result.lang)
                stats.count_edits(result.doc.applied)
                if out is not None:
                    out.write(record)
                stats.documents_out += 1
                if options.observer is not None:
                    doc = result.doc
                    options.observer(ReportItem(doc.id, doc.source, doc.input_lines, record, None))
        if options.state is not None:
            save_state(options.state, documents, set(duplicates), boilerplate, settings)
    finally:
        spill.close()
    return stats


def _index(result: Cleaned, number: int, documents: DocumentIndex, collector: ParagraphCollector) -> None:
    """Stage 1's sequential step: the signatures go to the indexes, not to the spill file."""
    assert result.doc_sig is not None and result.paragraph_sigs is not None
    documents.add(result.doc.id, number, result.doc_sig)
    collector.add(result.doc.group, number, result.paragraph_sigs)
    result.doc_sig = result.paragraph_sigs = None


def _duplicate(result: Cleaned, duplicate: Duplicate) -> Dropped:
    doc = result.doc
    detail = f"estimated Jaccard {duplicate.similarity:.2f} with {duplicate.of}"
    reject = Reject(doc.id, doc.source, "near-duplicate", detail, duplicate_of=duplicate.of)
    return Dropped(reject, doc.input_lines)


def _finish(result: Cleaned, passes: list[Pass], max_rounds: int) -> Cleaned | Dropped:
    """Stage 3 for one document: remove the site's boilerplate, settle again."""
    doc = result.doc
    run_passes(doc, passes, max_rounds)
    if not doc.lines:
        return Dropped(Reject(doc.id, doc.source, "empty", "only site boilerplate left"), doc.input_lines)
    return result


def _reject(
    reject: Reject, stats: RunStats, rejects: JsonlWriter | None, warn: Callable[[str], None]
) -> None:
    stats.rejected[reject.reason] += 1
    if reject.reason in BAD_INPUT_REASONS:
        where = f"{reject.source}:{reject.line}" if reject.line is not None else reject.source
        warn(f"{where}: {reject.reason}: {reject.detail}")
    if rejects is not None:
        rejects.write(reject.to_json())


def clean_record(record: dict[str, Any], cleaner: Cleaner | None = None) -> dict[str, Any]:
    """Clean one record in Python, without dedup: its output record, or its reject (library use)."""
    from cleaner.readers import record_to_document
    from cleaner.records import dumps

    item = record_to_document(dumps(record), "-", 1, ReadOptions())
    if isinstance(item, Reject):
        return item.to_json()
    result = clean_one(item, cleaner or Cleaner.from_options(), sketch=False)
    if isinstance(result, Dropped):
        return result.reject.to_json()
    return output_record(result.doc, result.lang)
