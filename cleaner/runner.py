"""A whole run: read every source, clean every document, write records and rejects, count.

Kept apart from the CLI so that it can be called from Python (and tested) without click.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.document import Document
from cleaner.pipeline import Cleaner, clean_document
from cleaner.passes.normalize import normalize_fragment
from cleaner.readers import ReadOptions, list_sources, read_sources
from cleaner.records import Reject, output_record
from cleaner.stats import RunStats
from cleaner.writers import open_jsonl

# Rejects that mean the input itself was bad (as opposed to a cleaning decision).
BAD_INPUT_REASONS = frozenset({"unreadable", "invalid-json", "missing-text"})


@dataclass
class RunOptions:
    sources: list[str]
    destination: str
    rejects: str | None = None
    rules: list[Path] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    read: ReadOptions = field(default_factory=ReadOptions)


def process(doc: Document, cleaner: Cleaner) -> tuple[dict[str, object] | None, Reject | None, Document]:
    """Clean one document: its output record, or its reject."""
    if doc.title is not None:
        doc.title = normalize_fragment(doc.title)
    doc, lang, reject = clean_document(doc, cleaner)
    if reject is not None:
        return None, reject, doc
    return output_record(doc, lang), None, doc


def run(options: RunOptions, warn: Callable[[str], None] = lambda _: None) -> RunStats:
    """Run cleaner over ``options.sources``; ``warn`` receives one line per bad input."""
    cleaner = Cleaner.from_options(options.rules, options.languages)
    stats = RunStats()
    files = list_sources(options.sources, stats.skipped_files)
    with open_jsonl(options.destination) as out, open_jsonl(options.rejects) as rejects:
        assert out is not None
        for item in read_sources(files, options.read):
            stats.documents_in += 1
            if isinstance(item, Reject):
                _reject(item, stats, rejects, warn)
                continue
            record, reject, doc = process(item, cleaner)
            if reject is not None:
                _reject(reject, stats, rejects, warn)
                continue
            assert record is not None
            stats.count_edits(doc.applied)
            out.write(record)
            stats.documents_out += 1
    return stats


def _reject(reject: Reject, stats: RunStats, rejects: object, warn: Callable[[str], None]) -> None:
    stats.rejected[reject.reason] += 1
    if reject.reason in BAD_INPUT_REASONS:
        where = f"{reject.source}:{reject.line}" if reject.line is not None else reject.source
        warn(f"{where}: {reject.reason}: {reject.detail}")
    if rejects is not None:
        rejects.write(reject.to_json())  # type: ignore[attr-defined]


def iter_cleaned(docs: Iterable[Document], cleaner: Cleaner) -> Iterable[tuple[dict[str, object] | None, Reject | None]]:
    """Clean documents one by one (the library entry point used by tests and notebooks)."""
    for doc in docs:
        record, reject, _ = process(doc, cleaner)
        yield record, reject
