"""A whole run, in the stages docs/design.md describes.

1. **Clean** each document (per-document passes to a fixed point, language) and compute its
   signatures: a pure function per document (:func:`cleaner.stages.clean_one`), run in
   ``jobs`` worker processes. Cleaned documents are spilled to disk in input order; only the
   signatures stay in memory, in the two indexes.
2. **Group and decide** over the whole input, so no decision depends on the order of work:
   duplicate documents (components of verified LSH pairs; the first in input order is kept),
   then the site boilerplate among the kept documents' paragraphs (grouped by source and band).
3. **Finish** each spilled document (:func:`cleaner.stages.finish`: the duplicate decision, or
   its site's boilerplate removed and the passes run again to a fixed point), render it
   (:func:`cleaner.stages.render`) and write it or its reject, in order.

Kept apart from the CLI so that it can be called from Python (and tested) without click.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.atomic import DeferInterrupts
from cleaner.dedup.boilerplate import BoilerplateIndex, ParagraphCollector, find_boilerplate
from cleaner.dedup.documents import DocumentIndex
from cleaner.dedup.state import load_state, save_state, state_settings
from cleaner.options import RunError, RunOptions
from cleaner.pipeline import CleaningSetup
from cleaner.progress import Progress
from cleaner.readers import ReadCounter, ReadOptions, SourceFile, list_sources, read_sources
from cleaner.records import ReportItem, output_record
from cleaner.rules import rule_files
from cleaner.shards import ShardedWriter, finished_shards
from cleaner.spill import Spill
from cleaner.stages import Dropped, Item, Rendered, finishing_passes, rename, unique_id
from cleaner.stats import RunStats
from cleaner.workers import Accounted, account, clean_all, finish_all, stage_pool
from cleaner.writers import JsonlWriter, open_jsonl

__all__ = ["RunError", "RunOptions", "clean_record", "run"]

WORK_DIR = "_work"


def run(options: RunOptions, warn: Callable[[str], None] = lambda _: None) -> RunStats:
    """Run cleaner over ``options.sources``; ``warn`` receives one line per bad input or notice."""
    setup = CleaningSetup.from_options(options.rules, options.languages)
    dedup = options.dedup
    stats = RunStats()
    files = list_sources(options.sources, stats.skipped_files)
    documents = DocumentIndex(dedup.duplicate_threshold)
    known_boilerplate = BoilerplateIndex(threshold=dedup.boilerplate_threshold)
    settings = state_settings(dedup.duplicate_threshold, dedup.boilerplate_threshold)
    if options.state is not None:
        load_state(options.state, documents, known_boilerplate, settings)
    collector = ParagraphCollector()
    work = _work_dir(options, files)
    spill = Spill(work / "spill.bin" if work is not None else None)
    seen_ids: set[str] = set()
    # One pool for stages 1 and 3, started before the indexes grow (see cleaner.workers).
    pool = stage_pool(setup, options.jobs, sketch=dedup.enabled, keep_doc_sig=work is not None)
    try:
        # Stage 1: clean, detect language, sketch; index the signatures, spill the documents.
        for result in spill.recover() if options.resume else ():
            _account(account(result), spill.count - 1, documents, collector, seen_ids, dedup.enabled)
        resumed = spill.count
        counter = ReadCounter()
        progress = Progress(sum(f.size() for f in files)) if options.progress else None
        items = _unique_ids(read_sources(files, options.read, counter), seen_ids, warn, skip=resumed)
        # A resumable spill keeps the document signatures: the indexes are rebuilt from it.
        for accounted, blob in clean_all(items, pool):
            _account(accounted, spill.count, documents, collector, seen_ids, dedup.enabled)
            for warning in accounted.warnings:
                warn(warning)
            spill.append_blob(blob)
            if progress is not None:
                progress.update(spill.count, counter.done)
        if progress is not None:
            progress.close()
        stats.documents_in = spill.count
        stats.index_bytes = collector.nbytes() + documents.nbytes()  # the whole signature index
        stats.index_paragraphs = collector.count()
        # Stage 2: duplicate documents, then site boilerplate among the kept ones.
        duplicates = documents.decide() if dedup.enabled else {}
        boilerplate = find_boilerplate(
            collector,
            dedup.boilerplate_min_docs,
            dedup.boilerplate_threshold,
            dedup.boilerplate_min_share,
            exclude=frozenset(duplicates),
        )
        del collector
        boilerplate.merge(known_boilerplate)
        finishing = finishing_passes(boilerplate, setup)
        # Stage 3: finish and write, in input order.
        tasks = ((blob, duplicates.get(n)) for n, blob in enumerate(spill.blobs()))
        keep = options.observer is not None
        with (
            DeferInterrupts() as commit_together,
            _output(options, work) as out,
            open_jsonl(options.rejects) as rejects,
        ):
            for rendered in finish_all(tasks, finishing, setup.max_rounds, pool, keep):
                _emit(rendered, out, rejects, stats, options.observer, warn)
            commit_together.hold()  # the renames of output and rejects, as one step
        if options.state is not None:
            save_state(options.state, documents, set(duplicates), boilerplate, settings)
    finally:
        pool.close()
        spill.close()
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    return stats


def _account(
    accounted: Accounted,
    number: int,
    documents: DocumentIndex,
    collector: ParagraphCollector,
    seen_ids: set[str],
    dedup: bool,
) -> None:
    """Stage 1's sequential step: the signatures go to the indexes (not to the spill file)."""
    seen_ids.add(accounted.id)
    if accounted.group is not None and dedup:
        assert accounted.doc_sig is not None and accounted.paragraph_sigs is not None
        documents.add(accounted.id, number, accounted.doc_sig)
        collector.add(accounted.group, number, accounted.paragraph_sigs)


def _unique_ids(
    items: Iterable[Item], seen: set[str], warn: Callable[[str], None], skip: int = 0
) -> Iterator[Item]:
    """Make every id unique (``id#2``, ``id#3``...), saying so; skip what a resumed run has."""
    for n, item in enumerate(items):
        if n < skip:
            continue
        if item.id in seen:
            item, warning = rename(item, unique_id(item.id, seen)[0])
            warn(warning)
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
    stats.add_outcome(rendered.reason, rendered.removals, rendered.chars_removed)
    if rendered.line is None:
        assert rendered.reject_line is not None
        if rendered.warning is not None:
            warn(rendered.warning)
        if rejects is not None:
            rejects.write_line(rendered.reject_line)
    elif out is not None:
        out.write_line(rendered.line)
    if observer is not None and rendered.report is not None:
        observer(rendered.report)


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
        "dedup": options.dedup.fingerprint(),
        "shard_size": options.shard_size,
        "state": str(options.state) if options.state else None,
    }


def clean_record(record: dict[str, Any], setup: CleaningSetup | None = None) -> dict[str, Any]:
    """Clean one record in Python, without dedup: its output record, or its reject (library use)."""
    from cleaner.readers import record_to_document
    from cleaner.records import dumps
    from cleaner.stages import clean_one

    item = record_to_document(dumps(record), "-", 1, ReadOptions())
    result = clean_one(item, setup or CleaningSetup.from_options(), sketch=False)
    if isinstance(result, Dropped):
        return result.reject.to_json()
    return output_record(result.doc, result.lang)
