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

The stages themselves are the Python API's (:class:`cleaner.api.Stages`, run by
:meth:`cleaner.Cleaner.clean` too), so a run and the API give the same records; this module adds
what a run over files needs: listing them, worker processes, progress, the output files (whole,
or as shards that ``--resume`` continues) and ``--state``. Kept apart from the CLI so that it
can be called from Python (and tested) without click.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.api import Cleaner, Stages
from cleaner.atomic import DeferInterrupts
from cleaner.captions.templates import CaptionTemplates
from cleaner.dedup.boilerplate import BoilerplateIndex
from cleaner.dedup.documents import DocumentIndex
from cleaner.dedup.state import load_state, save_state, state_lock, state_settings
from cleaner.options import RunError, RunOptions
from cleaner.pausepoints import PausePoint
from cleaner.progress import Progress
from cleaner.readers import ReadCounter, SourceFile, list_sources, read_sources
from cleaner.records import ReportItem
from cleaner.rules import rule_files
from cleaner.settings import run_settings
from cleaner.shards import ShardedWriter, file_sha256, finished_shards
from cleaner.spill import Spill
from cleaner.stages import Rendered
from cleaner.stats import RunStats
from cleaner.writers import JsonlWriter, open_jsonl

__all__ = ["RunError", "RunOptions", "run"]

WORK_DIR = "_work"


def run(options: RunOptions, warn: Callable[[str], None] = lambda _: None) -> RunStats:
    """Run cleaner over ``options.sources``; ``warn`` receives one line per bad input or notice.

    The stages are the Python API's (:class:`cleaner.api.Stages` of a :class:`cleaner.Cleaner`);
    this adds the files, worker processes, progress, output files, shards and ``--state``.
    """
    cleaner = Cleaner.from_options(options)
    dedup = options.dedup
    documents = DocumentIndex(dedup.duplicate_threshold)
    known_boilerplate = BoilerplateIndex(threshold=dedup.boilerplate_threshold)
    known_templates = CaptionTemplates()
    settings = state_settings(dedup.duplicate_threshold, dedup.boilerplate_threshold)
    skipped: list[str] = []
    files = list_sources(options.sources, skipped)
    with contextlib.ExitStack() as locked:
        if options.state is not None:  # held from loading the state to saving it
            locked.enter_context(state_lock(options.state, warn))
            load_state(options.state, documents, known_boilerplate, settings, known_templates)
        known = (known_boilerplate, known_templates)
        return _run_locked(options, warn, cleaner, documents, known, settings, files, skipped)


def _run_locked(
    options: RunOptions,
    warn: Callable[[str], None],
    cleaner: Cleaner,
    documents: DocumentIndex,
    known: tuple[BoilerplateIndex, CaptionTemplates],
    settings: dict[str, Any],
    files: list[SourceFile],
    skipped: list[str],
) -> RunStats:
    work = _work_dir(options, files)
    spill = Spill(work / "spill.bin" if work is not None else None)
    stages = Stages(
        cleaner,
        spill,
        documents=documents,
        known_boilerplate=known[0],
        known_templates=known[1],
        keep_doc_sig=work is not None,  # a resumable spill rebuilds the indexes from itself
        warn=warn,
    )
    stats = stages.stats
    stats.settings = run_settings(options, cleaner.rules)
    stats.skipped_files.extend(skipped)
    try:
        # Stage 1: clean, detect language, sketch; index the signatures, spill the documents.
        resumed = stages.recover() if options.resume else 0
        counter = ReadCounter()
        progress = Progress(sum(f.size() for f in files)) if options.progress else None
        items = stages.unique_ids(read_sources(files, options.read, counter), skip=resumed)
        spilled = PausePoint("stage1")

        def on_each() -> None:
            if progress is not None:
                progress.update(spill.count, counter.done)
            spilled.reached()

        stages.clean(items, options.jobs, on_each)
        if progress is not None:
            progress.close()
        # Stage 2: duplicate documents, then site boilerplate among the kept ones.
        finishing = stages.decide()
        # Stage 3: finish and write, in input order.
        keep = options.observer is not None
        with (
            DeferInterrupts() as commit_together,
            _output(options, work) as out,
            open_jsonl(options.rejects) as rejects,
        ):
            written = PausePoint("stage3")
            for rendered in stages.finish(finishing, options.jobs, keep):
                _emit(rendered, out, rejects, options.observer)
                written.reached()
            # From here the outputs are committed as one step: the side files and the state
            # first (a failure there leaves DEST and the rejects as they were), then the renames.
            commit_together.hold()
            PausePoint("commit").reached()
            if options.before_commit is not None:
                options.before_commit(stats)
            if options.state is not None:
                save_state(
                    options.state,
                    documents,
                    set(stages.duplicates),
                    stages.boilerplate,
                    settings,
                    stages.templates,
                )
    finally:
        stages.close()  # the workers (ended, if a stage was interrupted), and the spill
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)
    return stats


def _emit(
    rendered: Rendered,
    out: JsonlWriter | ShardedWriter | None,
    rejects: JsonlWriter | None,
    observer: Callable[[ReportItem], None] | None,
) -> None:
    if rendered.line is None:
        assert rendered.reject_line is not None
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
    destination = Path(options.destination)
    done = finished_shards(destination, work, options.shard_size) if options.resume else {}
    sharded = ShardedWriter(destination, options.shard_size, work, done)
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
        # The content, not its size and time: a file rewritten in place within the clock's
        # resolution, or restored with its old time, must not resume a spill of other text.
        digest = file_sha256(source.path) if source.path is not None else None
        sources.append([source.name, digest])
    return {
        "cleaner": __version__,
        "sources": sources,
        "rules": rules.hexdigest(),
        "languages": sorted(options.languages),
        "content": options.content,
        "read": [
            options.read.text_field,
            options.read.id_field,
            options.read.title_field,
            options.read.max_doc_bytes,
        ],
        "dedup": options.dedup.fingerprint(),
        "shard_size": options.shard_size,
        "state": str(options.state) if options.state else None,
    }
