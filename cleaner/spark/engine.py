"""``cleaner run --engine spark``: the local engine's run, as a Spark job.

The driver lists the input exactly as the local engine does (:func:`cleaner.readers.list_sources`)
and plans read tasks: a batch of article files, a whole JSONL file (gzipped ones cannot be
split), or a byte range of a large plain JSONL file (line numbers from a first, cheap pass that
counts newlines per range). Executors read with the local readers, so ids, sources and
bad-input rejects are the same, and every document gets an explicit ``position`` (file index
times 2**32 plus its line or record number): the order the local engine reads in.

The run is configured by the Python API's :class:`cleaner.Cleaner` (built from the options, as
the local engine builds it); stages 1 to 3 are :mod:`cleaner.spark.core`. Records and rejects
are sorted by position and written with :func:`cleaner.records.dumps`, so the files are
byte-identical to the local engine's; the statistics are the same :class:`~cleaner.stats.RunStats`.

Paths are read by the executors' Python: with a cluster, SOURCE and DEST must be on a
filesystem every node mounts at the same path. For HDFS or S3, read with Spark and call
:func:`cleaner.spark.api.clean_dataframe` in your own job.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cleaner.api import Cleaner
from cleaner.decoding import GZIP_MAGIC
from cleaner.dedup.documents import document_lsh
from cleaner.dedup.minhash import DOCUMENT_SKETCH, PARAGRAPH_SKETCH
from cleaner.options import RunError, RunOptions
from cleaner.readers import ReadOptions, SourceFile, list_sources
from cleaner.settings import run_settings
from cleaner.shards import shard_name
from cleaner.spark import core, tasks
from cleaner.spark.tasks import ReadUnit, Settings
from cleaner.stats import RunStats
from cleaner.writers import open_jsonl

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

MIN_SPLIT_BYTES = 1 << 20
MAX_SPLIT_BYTES = 64 << 20
MAX_FILES_PER_SPLIT = 2000
MAX_WARNINGS = 1000
# What ParagraphCollector keeps per paragraph (group code, document number, signature): the
# local engine reports it as index_bytes, and so does this one.
INDEX_BYTES_PER_PARAGRAPH = (
    np.dtype(np.int32).itemsize + np.dtype(np.int64).itemsize + PARAGRAPH_SKETCH.num_perm * 4
)
_TO_EOF = 1 << 62


def settings_for(cleaner: Cleaner) -> Settings:
    """What the executors need of a :class:`cleaner.Cleaner` (its rules, languages, fields and
    dedup thresholds), with the LSH bands the local engine uses (``document_lsh``)."""
    dedup = cleaner.dedup
    bands: tuple[tuple[int, int], ...] = ()
    if dedup.enabled:
        lsh = document_lsh(dedup.duplicate_threshold, DOCUMENT_SKETCH.num_perm)
        bands = tuple((int(start), int(end)) for start, end in lsh.hashranges)
    return Settings(
        rules=cleaner.rules, languages=cleaner.languages, read=cleaner.read, dedup=dedup, bands=bands
    )


def run_spark(
    options: RunOptions,
    *,
    master: str | None = None,
    single_file: bool = True,
    warn: Callable[[str], None] = lambda _: None,
    spark: SparkSession | None = None,
    split_bytes: int | None = None,
    max_warnings: int = MAX_WARNINGS,
) -> RunStats:
    """Run cleaner over ``options.sources`` on Spark; the same files and counts as :func:`run`.

    ``single_file``: DEST is one JSONL file (the driver streams the sorted records into it);
    otherwise a folder of ``part-NNNNN.jsonl`` files written by the executors, in input order.
    ``spark``: a session to use (and leave running); by default one is started for ``master``
    and stopped at the end. ``split_bytes``: the read tasks' size (default: the input over four
    tasks per core, between 1 and 64 MiB). At most ``max_warnings`` warnings are passed on.
    """
    _refuse_unsupported(options)
    stats = RunStats()
    files = list_sources(options.sources, stats.skipped_files)
    cleaner = Cleaner.from_options(options)  # rule errors before Spark starts
    settings = settings_for(cleaner)
    stats.settings = run_settings(options, cleaner.rules, engine="spark")
    session, owned = (spark, False) if spark is not None else _start(master)
    frames: list[DataFrame] = []
    try:
        sc = session.sparkContext
        settings_bc = sc.broadcast(settings)
        partitions = plan_reads(sc, files, split_bytes)
        read = options.read

        def read_partition(units: list[ReadUnit]) -> Iterator[tuple[int, Any, None]]:
            return _read(units, read)

        items = sc.parallelize(partitions, max(1, len(partitions))).flatMap(read_partition)
        s1 = core.stage_one(session, items, settings_bc)
        frames.append(s1)
        stats.documents_in = s1.count()
        if options.dedup.enabled:
            from pyspark.sql import functions as sf

            paragraphs = _scalar(s1.where("cleaned").agg(sf.sum("paragraphs")))
            stats.index_paragraphs = paragraphs
            stats.index_bytes = paragraphs * INDEX_BYTES_PER_PARAGRAPH
        decided = core.decide(session, s1, settings)
        rows = core.finish(session, s1, decided, settings_bc, tasks.engine_rows)
        out = session.createDataFrame(rows, output_schema(), verifySchema=False).persist()
        frames.append(out)
        if options.destination is not None:
            _write(out.where("record"), options.destination, single_file)
        if options.rejects is not None:
            _write(out.where("not record"), options.rejects, single_file=True)
        for part in out.select("reason", "rules", "chars").rdd.mapPartitions(tasks.partial_stats).collect():
            stats.merge(part)
        _pass_warnings(out, warn, max_warnings)
    finally:
        for frame in frames:
            with contextlib.suppress(Exception):
                frame.unpersist()
        if owned:
            session.stop()
    return stats


def _scalar(frame: DataFrame) -> int:
    """The one number a one-row aggregate holds (a sum over no rows is null: 0)."""
    row = frame.first()
    return int(row[0]) if row is not None and row[0] is not None else 0


def _start(master: str | None) -> tuple[SparkSession, bool]:
    from cleaner.spark.session import get_session

    return get_session(master)


def _refuse_unsupported(options: RunOptions) -> None:
    """Options of the local engine this one does not have (yet): an error, never ignored."""
    if options.state is not None:
        raise RunError("--state is not supported with --engine spark (yet); use the local engine")
    if options.shard_size is not None or options.resume:
        raise RunError(
            "--shard-size and --resume belong to the local engine; with --engine spark use --part-files"
        )
    if options.observer is not None:
        raise RunError("--report is not supported with --engine spark (yet); use the local engine")


def output_schema() -> StructType:
    from pyspark.sql import types as st

    return st.StructType(
        [
            st.StructField("position", st.LongType(), False),
            st.StructField("record", st.BooleanType(), False),
            st.StructField("line", st.StringType(), False),
            st.StructField("reason", st.StringType(), True),
            st.StructField("rules", st.ArrayType(st.StringType(), False), False),
            st.StructField("chars", st.LongType(), False),
            st.StructField("warnings", st.ArrayType(st.StringType(), False), False),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Reading


def plan_reads(
    sc: SparkContext, files: list[SourceFile], split_bytes: int | None = None
) -> list[list[ReadUnit]]:
    """The read tasks, in input order: one list of :class:`ReadUnit` per partition.

    Small files are batched up to ``split_bytes`` (and at most MAX_FILES_PER_SPLIT files) per
    task; a plain JSONL file larger than that is cut into byte ranges, whose first line numbers
    come from a Spark job that counts the newlines of every range but the last.
    """
    total = sum(source.size() for source in files)
    if split_bytes is None:
        split_bytes = min(MAX_SPLIT_BYTES, max(MIN_SPLIT_BYTES, total // max(1, sc.defaultParallelism * 4)))
    slots: list[list[ReadUnit] | tuple[int, SourceFile, int]] = []
    batch: list[ReadUnit] = []
    batch_bytes = 0
    for index, source in enumerate(files):
        if index >= 1 << 31:
            raise RunError("more than 2**31 input files; concatenate them into JSONL files")
        if source.path is None:  # standard input: only the driver can read it
            data = sys.stdin.buffer.read()
            unit = ReadUnit("bytes", index, source.name, data=data)
            size = len(data)
        elif not source.is_jsonl:
            unit = ReadUnit("text", index, source.name, _abs(source.path))
            size = source.size()
        else:
            size = source.size()
            if size > split_bytes and _is_plain(source.path):
                if batch:
                    slots.append(batch)
                    batch, batch_bytes = [], 0
                slots.append((index, source, size))
                continue
            unit = ReadUnit("jsonl", index, source.name, _abs(source.path))
        batch.append(unit)
        batch_bytes += size
        if batch_bytes >= split_bytes or len(batch) >= MAX_FILES_PER_SPLIT:
            slots.append(batch)
            batch, batch_bytes = [], 0
    if batch:
        slots.append(batch)
    ranges: list[tuple[str, int, int]] = []  # every range but a file's last: its newlines
    for slot in slots:
        if isinstance(slot, tuple):
            _, src, size = slot
            ranges.extend(
                (_abs(src.path), start, start + split_bytes) for start in range(0, size, split_bytes)[:-1]
            )
    counts = iter(
        sc.parallelize(ranges, len(ranges)).map(lambda r: tasks.count_newlines(*r)).collect()
        if ranges
        else []
    )
    partitions: list[list[ReadUnit]] = []
    for slot in slots:
        if isinstance(slot, list):
            partitions.append(slot)
            continue
        index, src, size = slot
        starts = range(0, size, split_bytes)
        before = 0
        for k, start in enumerate(starts):
            end = start + split_bytes if k < len(starts) - 1 else _TO_EOF
            partitions.append([ReadUnit("chunk", index, src.name, _abs(src.path), start, end, 1 + before)])
            if k < len(starts) - 1:
                before += next(counts)
    return partitions


def _abs(path: Path | None) -> str:
    assert path is not None
    return str(path.absolute())


def _is_plain(path: Path) -> bool:
    """A JSONL file that can be cut into byte ranges: readable and not gzipped."""
    try:
        with path.open("rb") as stream:
            return stream.read(2) != GZIP_MAGIC
    except OSError:
        return False


def _read(units: Iterable[ReadUnit], options: ReadOptions) -> Iterator[tuple[int, Any, None]]:
    for unit in units:
        for position, item in tasks.read_unit(unit, options):
            yield position, item, None


# ---------------------------------------------------------------------------------------------
# Writing


def _write(frame: DataFrame, destination: str, single_file: bool) -> None:
    """The lines of ``frame`` in position order: one file (via the driver) or a folder of parts."""
    ordered = frame.orderBy("position").select("line")
    if single_file:
        _write_file(destination, (row.line for row in ordered.toLocalIterator()))
    else:
        _write_parts(ordered, Path(destination))


def _write_file(destination: str, lines: Iterable[str]) -> None:
    """With the local engine's writer: a file that appears whole at the end, or standard output."""
    with open_jsonl(destination) as writer:
        assert writer is not None
        for line in lines:
            writer.write_line(line)


def _write_parts(ordered: DataFrame, destination: Path) -> None:
    """Spark writes the parts beside DEST; they are renamed ``part-00000.jsonl``... in order and
    the folder replaces DEST only once complete (a failed run leaves DEST as it was)."""
    parent = destination.absolute().parent
    tmp = parent / f".{destination.name}.spark-{uuid.uuid4().hex}"
    try:
        ordered.write.text(str(tmp))
        number = 0
        for part in sorted(tmp.iterdir()):
            if part.name.startswith("."):  # Hadoop's .crc files
                part.unlink()
            elif part.name.startswith("part-"):
                if part.stat().st_size == 0:
                    part.unlink()
                    continue
                part.rename(tmp / shard_name(number))
                number += 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if destination.is_dir():
        old = parent / f".{destination.name}.old-{uuid.uuid4().hex}"
        destination.rename(old)
        tmp.rename(destination)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(destination)


def _pass_warnings(out: DataFrame, warn: Callable[[str], None], limit: int) -> None:
    """The local engine's warnings (renamed ids, notes, bad input), the first ``limit`` of them."""
    from pyspark.sql import functions as sf

    noisy = out.where(sf.size("warnings") > 0)
    shown = 0
    for row in noisy.orderBy("position").select("warnings").limit(limit).toLocalIterator():
        for message in row.warnings:
            if shown < limit:
                warn(message)
            shown += 1
    if shown >= limit:
        total = _scalar(noisy.agg(sf.sum(sf.size("warnings"))))
        if total > limit:
            warn(f"{total - limit} more warnings not shown (the Spark engine passes on the first {limit})")
