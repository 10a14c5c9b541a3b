"""A whole run, in the stages DESIGN.md describes.

1. **Clean** each document (per-document passes to a fixed point, language) and compute its
   signatures: a pure function per document (:func:`cleaner.stages.clean_one`), run in
   ``jobs`` worker processes. Cleaned documents are spilled to disk in input order; only the
   signatures stay in memory, in the two indexes.
2. **Group and decide** over the whole input, so no decision depends on the order of work:
   duplicate documents (components of verified LSH pairs; the first in input order is kept),
   then the site boilerplate among the kept documents' paragraphs (grouped by source and band).
3. **Finish** each spilled document (:func:`cleaner.stages.finish_one`: remove its site's
   boilerplate, run the passes again to a fixed point) and write it or its reject, in order.

Kept apart from the CLI so that it can be called from Python (and tested) without click.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.captions.templates import CaptionTemplates, TemplateCollector, learn_templates
from cleaner.dedup.boilerplate import (
    BOILERPLATE_MIN_DOCS,
    BOILERPLATE_MIN_SHARE,
    BOILERPLATE_THRESHOLD,
    BoilerplateIndex,
    ParagraphCollector,
    find_boilerplate,
)
from cleaner.dedup.documents import DOCUMENT_THRESHOLD, DocumentIndex
from cleaner.dedup.state import load_state, save_state, state_settings
from cleaner.document import Document
from cleaner.passes import Pass
from cleaner.pipeline import Cleaner
from cleaner.progress import Progress
from cleaner.readers import ReadCounter, ReadOptions, SourceFile, list_sources, read_sources
from cleaner.records import Reject, output_record
from cleaner.report.model import ReportItem
from cleaner.rules import rule_files
from cleaner.shards import ShardedWriter, finished_shards
from cleaner.spill import Spill
from cleaner.stages import Accounted, Dropped, Rendered, account, site_passes
from cleaner.stats import RunStats
from cleaner.workers import clean_all, finish_all
from cleaner.writers import DeferInterrupts, JsonlWriter, open_jsonl

WORK_DIR = "_work"


class RunError(Exception):
    """A run that cannot start or go on (the message is one line for the user)."""


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
    jobs: int = 1
    shard_size: int | None = None
    resume: bool = False
    progress: bool = False


def run(options: RunOptions, warn: Callable[[str], None] = lambda _: None) -> RunStats:
    """Run cleaner over ``options.sources``; ``warn`` receives one line per bad input or notice."""
    cleaner = Cleaner.from_options(options.rules, options.languages)
    stats = RunStats()
    files = list_sources(options.sources, stats.skipped_files)
    documents = DocumentIndex(options.duplicate_threshold)
    known_boilerplate = BoilerplateIndex(threshold=options.boilerplate_threshold)
    known_templates = CaptionTemplates()
    settings = state_settings(options.duplicate_threshold, options.boilerplate_threshold)
    if options.state is not None:
        load_state(options.state, documents, known_boilerplate, settings, known_templates)
    collector = ParagraphCollector()
    shapes = TemplateCollector()
    work = _work_dir(options, files)
    spill = Spill(work / "spill.bin" if work is not None else None)
    seen_ids: set[str] = set()
    try:
        # Stage 1: clean, detect language, sketch; index the signatures, spill the documents.
        for result in spill.recover() if options.resume else ():
            _account(
                account(result), spill.count - 1, documents, (collector, shapes), seen_ids, options.dedup
            )
        resumed = spill.count
        counter = ReadCounter()
        progress = Progress(sum(f.size() for f in files)) if options.progress else None
        items = _unique_ids(read_sources(files, options.read, counter), seen_ids, warn, skip=resumed)
        # A resumable spill keeps the document signatures: the indexes are rebuilt from it.
        results = clean_all(items, cleaner, options.jobs, sketch=options.dedup, keep_doc_sig=work is not None)
        for accounted, blob in results:
            _account(accounted, spill.count, documents, (collector, shapes), seen_ids, options.dedup)
            for warning in accounted.warnings:
                warn(warning)
            spill.append_blob(blob)
            if progress is not None:
                progress.update(spill.count, counter.done)
        if progress is not None:
            progress.close()
        stats.documents_in = spill.count
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
        templates = learn_templates(shapes, options.boilerplate_min_docs, exclude=frozenset(duplicates))
        templates.merge(known_templates)
        finishing: list[Pass] = site_passes(boilerplate, templates, cleaner.passes)
        # Stage 3: finish and write, in input order.
        tasks = ((blob, duplicates.get(n)) for n, blob in enumerate(spill.blobs()))
        keep = options.observer is not None
        with (
            DeferInterrupts() as commit_together,
            _output(options, work) as out,
            open_jsonl(options.rejects) as rejects,
        ):
            for rendered in finish_all(tasks, finishing, cleaner.max_rounds, options.jobs, keep):
                _emit(rendered, out, rejects, stats, options.observer, warn)
            commit_together.hold()  # the renames of output and rejects, as one step
        if options.state is not None:
            save_state(options.state, documents, set(duplicates), boilerplate, settings, templates)
    finally:
        spill.close()
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    return stats


def _account(
    accounted: Accounted,
    number: int,
    documents: DocumentIndex,
    site: tuple[ParagraphCollector, TemplateCollector],
    seen_ids: set[str],
    dedup: bool,
) -> None:
    """Stage 1's sequential step: the signatures and caption shapes go to the indexes (not to
    the spill file)."""
    seen_ids.add(accounted.id)
    if accounted.group is not None and dedup:
        assert accounted.doc_sig is not None and accounted.paragraph_sigs is not None
        documents.add(accounted.id, number, accounted.doc_sig)
        site[0].add(accounted.group, number, accounted.paragraph_sigs)
        site[1].add(accounted.group, number, accounted.caption_shapes)


def _unique_ids(
    items: Iterable[Document | Reject], seen: set[str], warn: Callable[[str], None], skip: int = 0
) -> Iterator[Document | Reject]:
    """Make every id unique (``id#2``, ``id#3``...), saying so; skip what a resumed run has."""
    for n, item in enumerate(items):
        if n < skip:
            continue
        original = item.id
        if original in seen:
            k = 2
            while f"{original}#{k}" in seen:
                k += 1
            new = f"{original}#{k}"
            if isinstance(item, Document):
                item.id = new
                item.notes.append(f"id {original!r} was already used; renamed {new!r}")
            else:
                item = Reject(new, item.source, item.reason, item.detail, item.duplicate_of, item.line)
            warn(f"{item.source}: duplicate id {original!r}, renamed {new!r}")
        seen.add(item.id)
        yield item


def _emit(
    rendered: Rendered,
    out: JsonlWriter | ShardedWriter | None,
    rejects: JsonlWriter | None,
    stats: RunStats,
    observer: Callable[[ReportItem], None] | None,
    warn: Callable[[str], None],
) -> None:
    if rendered.line is None:
        assert rendered.reject_line is not None
        stats.rejected[rendered.reason] += 1
        if rendered.warning is not None:
            warn(rendered.warning)
        if rejects is not None:
            rejects.write_line(rendered.reject_line)
    else:
        stats.add_removals(rendered.removals, rendered.chars_removed)
        stats.documents_out += 1
        if out is not None:
            out.write_line(rendered.line)
    if observer is None or rendered.item is None:
        return
    item = rendered.item
    if isinstance(item, Dropped):
        reject = item.reject
        observer(ReportItem(reject.id, reject.source, item.input_lines, None, reject.to_json()))
    else:
        observer(ReportItem(item.doc.id, item.doc.source, item.doc.input_lines, rendered.record, None))


@contextlib.contextmanager
def _output(options: RunOptions, work: Path | None) -> Iterator[JsonlWriter | ShardedWriter | None]:
    if options.shard_size is None or options.destination is None:
        with open_jsonl(options.destination) as writer:
            yield writer
        return
    assert work is not None
    done = finished_shards(work, options.shard_size) if options.resume else frozenset()
    sharded = ShardedWriter(Path(options.destination), options.shard_size, work, done)
    try:
        yield sharded
    except BaseException:
        sharded.abort()
        raise
    sharded.commit()


def _work_dir(options: RunOptions, files: list[SourceFile]) -> Path | None:
    """``DEST/_work`` for sharded runs: the spill and progress ``--resume`` continues from."""
    if options.shard_size is None or options.destination is None:
        if options.resume:
            raise RunError("--resume needs --shard-size (only sharded runs keep their progress)")
        return None
    work = Path(options.destination) / WORK_DIR
    fingerprint = _fingerprint(options, files)
    stamp = work / "run.json"
    if options.resume:
        if any(f.path is None for f in files):
            raise RunError("--resume cannot replay standard input; read from files")
        try:
            previous = json.loads(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise RunError(f"{work}: nothing to resume (no stopped run there)") from None
        if previous != fingerprint:
            raise RunError(
                f"{work}: the input, rules or options changed since that run; run without --resume"
            )
        return work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    stamp.write_text(json.dumps(fingerprint, indent=2, sort_keys=True), encoding="utf-8")
    return work


def _fingerprint(options: RunOptions, files: list[SourceFile]) -> dict[str, Any]:
    """What must not change for ``--resume`` to be correct: input files, rules, options."""
    rules = hashlib.sha256()
    for path in options.rules:
        for rule_file in rule_files(path):
            rules.update(rule_file.read_bytes())
    sources = []
    for source in files:
        st = source.path.stat() if source.path is not None else None
        sources.append([source.name, st.st_size if st else 0, st.st_mtime_ns if st else 0])
    return {
        "cleaner": __version__,
        "sources": sources,
        "rules": rules.hexdigest(),
        "languages": sorted(options.languages),
        "read": [options.read.text_field, options.read.id_field, options.read.title_field],
        "dedup": [
            options.dedup,
            options.duplicate_threshold,
            options.boilerplate_min_docs,
            options.boilerplate_threshold,
            options.boilerplate_min_share,
        ],
        "shard_size": options.shard_size,
        "state": str(options.state) if options.state else None,
    }


def clean_record(record: dict[str, Any], cleaner: Cleaner | None = None) -> dict[str, Any]:
    """Clean one record in Python, without dedup: its output record, or its reject (library use)."""
    from cleaner.readers import record_to_document
    from cleaner.records import dumps
    from cleaner.stages import clean_one

    item = record_to_document(dumps(record), "-", 1, ReadOptions())
    result = clean_one(item, cleaner or Cleaner.from_options(), sketch=False)
    if isinstance(result, Dropped):
        return result.reject.to_json()
    return output_record(result.doc, result.lang)
