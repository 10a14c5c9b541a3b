"""The Spark engine's work on the executors: plain functions over plain values, no pyspark here.

Every function that decides something about the output is the local engine's own function
(:func:`cleaner.stages.clean_one`, :func:`cleaner.stages.finish`, :func:`cleaner.stages.render`,
:func:`cleaner.stages.rename`, :func:`cleaner.dedup.boilerplate.find_boilerplate`,
:func:`cleaner.dedup.minhash.estimated_jaccard`, the readers); this module only adapts them to
rows, so both engines give the same answer. :mod:`cleaner.spark.core` moves the rows between
them. Keeping pyspark out of here lets the tests check each piece against the local engine
without starting a JVM, and keeps the executors' per-row work free of py4j.
"""

from __future__ import annotations

import io
import json
import pickle
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from cleaner import stages
from cleaner.captions.templates import CaptionTemplates, TemplateCollector, learn_templates
from cleaner.dedup.boilerplate import BoilerplateIndex, ParagraphCollector, find_boilerplate
from cleaner.dedup.documents import Duplicate
from cleaner.dedup.minhash import PARAGRAPH_SKETCH, estimated_jaccard
from cleaner.language import warm_up
from cleaner.options import DedupOptions
from cleaner.passes import Pass
from cleaner.passes.content import DEFAULT_CONTENT_MODE
from cleaner.pipeline import CleaningSetup
from cleaner.readers import (
    ReadOptions,
    SourceFile,
    parse_jsonl_line,
    read_bounded_line,
    read_jsonl,
    read_jsonl_stream,
    read_text_file,
    record_to_document,
    too_large_line,
    unreadable_line,
)
from cleaner.records import Reason, Reject, output_record
from cleaner.rules import RuleSet
from cleaner.stages import (
    Cleaned,
    Dropped,
    Item,
    finishing_passes,
    note_warnings,
    rename,
    render,
    unique_id,
)
from cleaner.stats import RunStats

# A document's place in input order: its file's index in the high bits, its line (or record
# number) in the file in the low ones, so a whole file's documents sort together and in order.
POSITION_BITS = 32
MAX_IN_FILE = 1 << POSITION_BITS
# Signatures travel as little-endian uint32 bytes: the same bytes on every executor.
SIG_DTYPE = np.dtype("<u4")
PICKLE_PROTOCOL = 5

Result = Cleaned | Dropped


@dataclass(frozen=True)
class Settings:
    """What every executor needs to clean like the driver would: broadcast once per run.

    The rules travel loaded (a :class:`~cleaner.rules.RuleSet`), not as paths: an executor on
    another machine cannot read the driver's ``--rules`` folder, and the defaults it has
    installed might be another version's.
    """

    rules: RuleSet
    languages: frozenset[str] = frozenset()
    content: str = DEFAULT_CONTENT_MODE
    read: ReadOptions = field(default_factory=ReadOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    bands: tuple[tuple[int, int], ...] = ()  # document_lsh(threshold, num_perm).hashranges
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class Finishing:
    """Stage 3's extra input: the site boilerplate and caption templates found in stage 2
    (broadcast once per run)."""

    index: BoilerplateIndex
    templates: CaptionTemplates = field(default_factory=CaptionTemplates)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


# Built once per Python worker and run (Spark reuses its Python workers between tasks).
_setups: dict[str, CleaningSetup] = {}
_finishing: dict[str, list[Pass]] = {}


def setup_for(settings: Settings) -> CleaningSetup:
    """The run's :class:`~cleaner.pipeline.CleaningSetup` in this worker process, built on first use."""
    setup = _setups.get(settings.token)
    if setup is None:
        setup = _setups[settings.token] = CleaningSetup(
            settings.rules, settings.languages, content=settings.content
        )
        warm_up()
    return setup


def passes_for(settings: Settings, finishing: Finishing) -> list[Pass]:
    """Stage 3's passes (:func:`cleaner.stages.finishing_passes`), built once per worker."""
    passes = _finishing.get(finishing.token)
    if passes is None:
        passes = _finishing[finishing.token] = finishing_passes(
            finishing.index, finishing.templates, setup_for(settings)
        )
    return passes


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class ReadUnit:
    """One read task's share of the input, planned on the driver.

    ``kind`` is ``text`` (one article file), ``jsonl`` (a whole JSONL file, gzipped or small),
    ``chunk`` (the lines of a plain JSONL file that start in ``[start, end)``; ``first_line`` is
    the number of the line that starts at ``start`` or would) or ``bytes`` (standard input, read
    by the driver and shipped as ``data``).
    """

    kind: str
    file_index: int
    name: str
    path: str | None = None
    start: int = 0
    end: int = 0
    first_line: int = 1
    data: bytes = b""


def read_unit(unit: ReadUnit, options: ReadOptions) -> Iterator[tuple[int, Item]]:
    """The documents (and bad-input rejects) of one unit with their positions, in input order."""
    base = unit.file_index << POSITION_BITS
    if unit.kind == "text":
        assert unit.path is not None
        yield base, read_text_file(SourceFile(Path(unit.path), unit.name))
        return
    if unit.kind == "chunk":
        assert unit.path is not None
        for lineno, item in read_chunk(unit.path, unit.name, unit.start, unit.end, unit.first_line, options):
            yield base + _in_file(lineno, unit.name), item
        return
    if unit.kind == "jsonl":
        assert unit.path is not None
        items: Iterator[Item] = read_jsonl(SourceFile(Path(unit.path), unit.name), options)
    elif unit.kind == "bytes":
        items = read_jsonl_stream(io.BytesIO(unit.data), unit.name, options)
    else:  # pragma: no cover - planned by the engine
        raise ValueError(f"unknown read unit {unit.kind!r}")
    for number, item in enumerate(items):
        yield base + _in_file(number, unit.name), item


def _in_file(number: int, name: str) -> int:
    if number >= MAX_IN_FILE:
        raise ValueError(f"{name}: more than {MAX_IN_FILE - 1} lines in one file")
    return number


def count_newlines(path: str, start: int, end: int, block: int = 1 << 23) -> int:
    """How many ``\\n`` bytes ``path`` holds in ``[start, end)``: a chunk's share of line numbers."""
    count = 0
    with Path(path).open("rb") as stream:
        stream.seek(start)
        left = end - start
        while left > 0:
            data = stream.read(min(block, left))
            if not data:
                break
            count += data.count(b"\n")
            left -= len(data)
    return count


def read_chunk(
    path: str, name: str, start: int, end: int, first_line: int, options: ReadOptions
) -> Iterator[tuple[int, Item]]:
    """The lines of a plain JSONL file that start in ``[start, end)``, numbered from ``first_line``.

    A line belongs to the chunk it starts in, so chunks cut anywhere read every line once.
    Each line is read as :func:`cleaner.readers.read_jsonl` reads it (the tests compare them).
    """
    lineno = first_line
    try:
        stream = Path(path).open("rb")  # noqa: SIM115 - closed below, after the generator ends
    except OSError as e:
        detail = e.strerror or str(e)
        yield lineno, Reject(f"{name}:{lineno}", name, Reason.UNREADABLE, detail, line=lineno)
        return
    with stream:
        if start > 0:
            stream.seek(start - 1)
            if stream.readline() != b"\n":  # start is inside a line: it is the previous chunk's
                lineno += 1
        while stream.tell() < end:
            try:
                # bounded as read_jsonl reads: a huge line is measured, never held whole
                raw, size = read_bounded_line(stream, options.max_doc_bytes)
            except OSError as e:
                yield lineno, unreadable_line(name, lineno, e)
                return
            if not raw:
                return
            if size > options.max_doc_bytes:
                yield lineno, too_large_line(name, lineno, size, options.max_doc_bytes)
                lineno += 1
                continue
            item = parse_jsonl_line(raw, name, lineno, options)
            if item is not None:
                yield lineno, item
            lineno += 1


def record_to_item(record: dict[str, Any], name: str, lineno: int, options: ReadOptions) -> Item:
    """A DataFrame row's fields as a document, through the very JSONL reader's rules.

    The row goes through JSON so that every check of :func:`cleaner.readers.record_to_document`
    (an id that is a string or an integer, a text that is a string...) applies unchanged;
    values JSON has no type for (dates, decimals) arrive as their ``str()``.
    """
    try:
        line = json.dumps(record, default=str)
    except (ValueError, RecursionError) as e:  # a circular or too deeply nested value
        detail = f"row cannot be written as JSON: {type(e).__name__}"
        return Reject(f"{name}:{lineno}", name, Reason.INVALID_JSON, detail, line=lineno)
    return record_to_document(line, name, lineno, options)


# ---------------------------------------------------------------------------------------------
# Stage 1


def id_family(doc_id: str) -> str:
    """The id without its ``#<number>`` suffixes: renaming never leaves a family.

    Renaming turns ``x`` into ``x#k``, and a new name can only collide with an id of the same
    family, so the local engine's sequential renaming can be replayed one family at a time.

    >>> id_family("story#2#3"), id_family("a#b"), id_family("x")
    ('story', 'a#b', 'x')
    """
    while (match := _SUFFIX.fullmatch(doc_id)) is not None:
        doc_id = match.group(1)
    return doc_id


_SUFFIX = re.compile(r"(.*)#[0-9]+", re.DOTALL)


def stage_one_row(position: int, item: Item, extra: Any, settings: Settings) -> tuple[Any, ...]:
    """Stage 1 for one item: :func:`cleaner.stages.clean_one`, as a row for Spark.

    Row: position, id, id family, cleaned?, group, document signature, paragraph signatures,
    paragraph count, caption shapes (JSON, for the site's caption templates), payload (the
    pickled result without its signatures and shapes, and ``extra``).
    """
    from cleaner.stages import clean_one

    original = item.id
    result = clean_one(item, setup_for(settings), sketch=settings.dedup.enabled)
    doc_sig = paragraph_sigs = shapes = None
    paragraphs = 0
    group = None
    if isinstance(result, Cleaned):
        group = result.doc.group
        shapes = json.dumps(result.caption_shapes) if result.caption_shapes else None
        result.caption_shapes = ()
        if result.doc_sig is not None and result.paragraph_sigs is not None:
            doc_sig = np.asarray(result.doc_sig, dtype=SIG_DTYPE).tobytes()
            paragraph_sigs = np.asarray(result.paragraph_sigs, dtype=SIG_DTYPE).tobytes()
            paragraphs = len(result.paragraph_sigs)
        result.doc_sig = result.paragraph_sigs = None
    payload = pickle.dumps((result, extra), protocol=PICKLE_PROTOCOL)
    return (
        position,
        original,
        id_family(original),
        isinstance(result, Cleaned),
        group,
        doc_sig,
        paragraph_sigs,
        paragraphs,
        shapes,
        payload,
    )


def stage_one(items: Iterable[tuple[int, Item, Any]], settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Stage 1 over one partition (``mapPartitions``)."""
    for position, item, extra in items:
        yield stage_one_row(position, item, extra, settings)


# ---------------------------------------------------------------------------------------------
# Stage 2


def rename_family(members: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """The renames :func:`cleaner.runner.run` makes in one id family (:func:`cleaner.stages.unique_id`),
    in input order.

    Yields (position, new id, original id) for every occurrence after the first of an id.

    >>> list(rename_family([(0, "x"), (1, "x#2"), (2, "x"), (3, "x")]))
    [(2, 'x#3', 'x'), (3, 'x#4', 'x')]
    """
    seen: set[str] = set()
    next_k: dict[str, int] = {}  # where the search for a free suffix resumes (seen only grows)
    for position, original in sorted(members):
        new = original
        if original in seen:
            new, k = unique_id(original, seen, next_k.get(original, 2))
            next_k[original] = k + 1
            yield position, new, original
        seen.add(new)


def band_rows(
    position: int, doc_sig: bytes, bands: Iterable[tuple[int, int]]
) -> Iterator[tuple[int, bytes, int]]:
    """(band, band key, position) for each LSH band of a document signature.

    ``bands`` is datasketch's ``MinHashLSH`` hashranges (``document_lsh(threshold, num_perm)``); two documents
    share a bucket exactly when MinHashLSH would put them in one (its key is the same values'
    bytes, byte-swapped).
    """
    sig = np.frombuffer(doc_sig, dtype=SIG_DTYPE)
    for band, (start, end) in enumerate(bands):
        yield band, sig[start:end].tobytes(), position


def bucket_pairs(members: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Every candidate pair (earlier, later) of one LSH bucket."""
    ordered = sorted(set(members))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def verified(sig_a: bytes, sig_b: bytes, threshold: float) -> bool:
    """The local engine's check of an LSH candidate: estimated Jaccard >= threshold."""
    return similarity(sig_a, sig_b) >= threshold


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    return estimated_jaccard(np.frombuffer(sig_a, dtype=SIG_DTYPE), np.frombuffer(sig_b, dtype=SIG_DTYPE))


def group_boilerplate(
    group: str, docs: Iterable[tuple[int, bytes]], settings: Settings
) -> list[tuple[str, bytes, int]]:
    """:func:`cleaner.dedup.boilerplate.find_boilerplate` over one source's kept documents.

    Its buckets, components and shares never cross sources, so running it per source, with the
    source's documents added in input order, gives the rows of the whole run's index for it.
    """
    collector = ParagraphCollector()
    for position, sigs in sorted(docs):
        array = np.frombuffer(sigs, dtype=SIG_DTYPE).reshape(-1, PARAGRAPH_SKETCH.num_perm)
        collector.add(group, position, array.astype(np.uint32))
    index = find_boilerplate(
        collector,
        settings.dedup.boilerplate_min_docs,
        settings.dedup.boilerplate_threshold,
        settings.dedup.boilerplate_min_share,
    )
    reps = index.reps.get(group)
    if reps is None:
        return []
    counts = index.doc_counts[group]
    return [
        (group, np.asarray(sig, dtype=SIG_DTYPE).tobytes(), n) for sig, n in zip(reps, counts, strict=True)
    ]


def shape_rows(group: str, position: int, shapes: str) -> list[tuple[tuple[str, str], tuple[int, str]]]:
    """One document's caption shapes (stage 1's JSON) as ((source, shape), (position, name)) rows."""
    return [((group, shape), (position, name)) for shape, name in json.loads(shapes)]


def group_templates(
    key: tuple[str, str], docs: Iterable[tuple[int, str]], settings: Settings
) -> list[tuple[str, str, int]]:
    """:func:`cleaner.captions.templates.learn_templates` for one (source, shape): its row, if a template."""
    group, shape = key
    collector = TemplateCollector()
    for position, name in sorted(docs):
        collector.add(group, position, [(shape, name)])
    templates = learn_templates(collector, settings.dedup.boilerplate_min_docs)
    return [(group, shape, n) for shape, n in templates.shapes.get(group, {}).items()]


def boilerplate_index(rows: Iterable[tuple[str, bytes, int]], threshold: float) -> BoilerplateIndex:
    """The run's index from :func:`group_boilerplate`'s rows (on the driver)."""
    index = BoilerplateIndex(threshold=threshold)
    for group, sig, docs in rows:
        index.add(group, np.frombuffer(sig, dtype=SIG_DTYPE).astype(np.uint32), docs)
    return index


# ---------------------------------------------------------------------------------------------
# Stage 3


def finish(
    payload: bytes,
    paragraph_sigs: bytes | None,
    new_id: str | None,
    original_id: str | None,
    duplicate_of: str | None,
    duplicate_similarity: float | None,
    settings: Settings,
    finishing: Finishing,
) -> tuple[Result, Any, list[str]]:
    """Stage 3 for one document (:func:`cleaner.stages.finish`), and its warnings but the last
    (:func:`cleaner.stages.render` says whether the input was bad).

    The rename (``id#2``, :func:`cleaner.stages.rename`) happens here rather than before stage 1:
    cleaning never looks at the id, so renaming after it gives the same document, and the ids
    are only known once the whole input has been read.
    """
    result, extra = pickle.loads(payload)
    warnings: list[str] = []
    if new_id is not None:
        assert original_id is not None
        if isinstance(result, Cleaned):
            result.doc, warning = rename(result.doc, new_id)
        else:
            reject, warning = rename(result.reject, new_id)
            result = replace(result, reject=reject)
        if warning is not None:  # (a document's note is said with its other notes)
            warnings.append(warning)
    duplicate = None
    passes = passes_for(settings, finishing)
    if isinstance(result, Cleaned):
        warnings.extend(note_warnings(result.doc))
        if duplicate_of is not None:
            assert duplicate_similarity is not None
            duplicate = Duplicate(duplicate_of, duplicate_similarity)
        elif passes and paragraph_sigs is not None:  # stage 1's signatures spare finish_one computing them
            sigs = np.frombuffer(paragraph_sigs, dtype=SIG_DTYPE).reshape(-1, PARAGRAPH_SKETCH.num_perm)
            result.paragraph_sigs = sigs.astype(np.uint32)
    result = stages.finish(result, duplicate, passes, setup_for(settings).max_rounds)
    return result, extra, warnings


def finish_rows(
    rows: Iterable[Any], settings: Settings, finishing: Finishing
) -> Iterator[tuple[Result, Any, list[str], int]]:
    """Stage 3 over one partition of rows (position, payload, paragraph_sigs, new_id, original_id,
    duplicate_of, similarity)."""
    for row in rows:
        result, extra, warnings = finish(
            row.payload,
            row.paragraph_sigs,
            row.new_id,
            row.original_id,
            row.duplicate_of,
            row.similarity,
            settings,
            finishing,
        )
        yield result, extra, warnings, row.position


def engine_rows(rows: Iterable[Any], settings: Settings, finishing: Finishing) -> Iterator[tuple[Any, ...]]:
    """Stage 3 for the CLI engine: (position, record?, JSONL line, reason, rules, chars, warnings).

    The line is :func:`cleaner.stages.render`'s, as the local engine writes it, so the files are
    byte-identical. (Plain strings only: the JVM unpickles these rows.)
    """
    for result, _extra, warnings, position in finish_rows(rows, settings, finishing):
        rendered = render(result)
        if rendered.warning is not None:
            warnings.append(rendered.warning)
        rules = list(rendered.removals.elements())
        if rendered.line is None:
            assert rendered.reject_line is not None and rendered.reason is not None
            yield position, False, rendered.reject_line, rendered.reason.value, rules, 0, warnings
        else:
            yield position, True, rendered.line, None, rules, rendered.chars_removed, warnings


def partial_stats(rows: Iterable[Any]) -> Iterator[RunStats]:
    """One partition's share of :class:`~cleaner.stats.RunStats` (rows: reason, rules, chars)."""
    stats = RunStats()
    for row in rows:
        stats.add_outcome(row.reason, Counter(row.rules), row.chars)
    yield stats


def api_rows(
    rows: Iterable[Any], settings: Settings, finishing: Finishing
) -> Iterator[tuple[int, bool, tuple[Any, ...]]]:
    """Stage 3 for :func:`cleaner.spark.api.clean_dataframe`: typed values, not JSON lines.

    Records: the contract fields of :func:`cleaner.records.output_record` (``removed`` entries
    as tuples with None where ``to_json`` leaves a key out), then the passed-through columns.
    Rejects: the fields of :meth:`cleaner.records.Reject.to_json`, None where it leaves one out.
    """
    for result, extra, _warnings, position in finish_rows(rows, settings, finishing):
        if isinstance(result, Dropped):
            r = result.full_reject()
            yield (
                position,
                False,
                (r.id, r.source, r.reason.value, r.detail, r.duplicate_of, r.line, r.url, r.text),
            )
            continue
        record = output_record(result.doc, result.lang)
        removed = [
            (
                e["pass"],
                e["rule"],
                e["text"],
                e.get("replacement"),
                e.get("to"),
                e.get("dropped"),
                e["line"],
                e["at"],
            )
            for e in record["removed"]
        ]
        lang_prob = record["lang_prob"]
        values = (
            record["id"],
            record["source"],
            record["title"],
            record["text"],
            record["captions"],
            record["lang"],
            float(lang_prob) if lang_prob is not None else None,
            removed,
            record.get("byline"),
            record.get("published"),
            record.get("notes"),
        )
        yield position, True, values + tuple(extra)
