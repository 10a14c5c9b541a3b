"""The Spark engine's work on the executors: plain functions over plain values, no pyspark here.

Every function that decides something about the output is the local engine's own function
(:func:`cleaner.stages.clean_one`, :func:`cleaner.stages.finish_one`,
:func:`cleaner.stages.as_duplicate`, :func:`cleaner.dedup.boilerplate.find_boilerplate`,
:func:`cleaner.dedup.minhash.estimated_jaccard`, the readers); this module only adapts them to
rows, so both engines give the same answer. :mod:`cleaner.spark.core` moves the rows between
them. Keeping pyspark out of here lets the tests check each piece against the local engine
without starting a JVM, and keeps the executors' per-row work free of py4j.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import json
import pickle
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.captions.templates import CaptionTemplates, TemplateCollector, learn_templates
from cleaner.dedup.boilerplate import (
    BoilerplateIndex,
    ParagraphCollector,
    find_boilerplate,
)
from cleaner.dedup.documents import Duplicate
from cleaner.dedup.minhash import PARAGRAPH_SKETCH, estimated_jaccard
from cleaner.document import Document
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import Cleaner
from cleaner.readers import (
    ReadOptions,
    SourceFile,
    _jsonl_lines,
    read_jsonl,
    read_text_file,
    record_to_document,
)
from cleaner.records import Reject, dumps, output_record
from cleaner.rules import RuleSet
from cleaner.stages import Cleaned, Dropped, as_duplicate, bad_input_warning, finish_one, site_passes
from cleaner.stats import RunStats

# A document's place in input order: its file's index in the high bits, its line (or record
# number) in the file in the low ones, so a whole file's documents sort together and in order.
POSITION_BITS = 32
MAX_IN_FILE = 1 << POSITION_BITS
# Signatures travel as little-endian uint32 bytes: the same bytes on every executor.
SIG_DTYPE = np.dtype("<u4")
PICKLE_PROTOCOL = 5

Item = Document | Reject
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
    read: ReadOptions = field(default_factory=ReadOptions)
    dedup: bool = True
    duplicate_threshold: float = 0.8
    boilerplate_min_docs: int = 5
    boilerplate_threshold: float = 0.8
    boilerplate_min_share: float = 0.5
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
_cleaners: dict[str, Cleaner] = {}
_finishing: dict[str, list[Pass]] = {}


def cleaner_for(settings: Settings) -> Cleaner:
    """The run's :class:`Cleaner` in this worker process, built on first use."""
    cleaner = _cleaners.get(settings.token)
    if cleaner is None:
        cleaner = _cleaners[settings.token] = Cleaner(settings.rules, settings.languages)
        warm_up()
    return cleaner


def finishing_passes(settings: Settings, finishing: Finishing) -> list[Pass]:
    """Stage 3's passes, exactly as :func:`cleaner.runner.run` builds them (none: no boilerplate)."""
    passes = _finishing.get(finishing.token)
    if passes is None:
        cleaner = cleaner_for(settings)
        passes = site_passes(finishing.index, finishing.templates, cleaner.passes)
        _finishing[finishing.token] = passes
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
        items = _jsonl_lines(io.BytesIO(unit.data), unit.name, options)
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
        yield lineno, Reject(f"{name}:{lineno}", name, "unreadable", detail, line=lineno)
        return
    with stream:
        if start > 0:
            stream.seek(start - 1)
            if stream.readline() != b"\n":  # start is inside a line: it is the previous chunk's
                lineno += 1
        while stream.tell() < end:
            try:
                raw = stream.readline()
            except OSError as e:
                detail = f"cannot read past line {lineno - 1}: {e}"
                yield lineno, Reject(f"{name}:{lineno}", name, "unreadable", detail, line=lineno)
                return
            if not raw:
                return
            item = parse_line(raw, name, lineno, options)
            if item is not None:
                yield lineno, item
            lineno += 1


def parse_line(raw: bytes, name: str, lineno: int, options: ReadOptions) -> Item | None:
    """One raw JSONL line as :func:`cleaner.readers.read_jsonl` takes it (None: a blank line)."""
    if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        detail = f"line is not UTF-8 (byte {e.start})"
        return Reject(f"{name}:{lineno}", name, "invalid-json", detail, line=lineno)
    return record_to_document(line, name, lineno, options)


def record_to_item(record: dict[str, Any], name: str, lineno: int, options: ReadOptions) -> Item:
    """A DataFrame row's fields as a document, through the very JSONL reader's rules.

    The row goes through JSON so that every check of :func:`cleaner.readers.record_to_document`
    (an id that is a string or an integer, a text that is a string...) applies unchanged;
    values JSON has no type for (dates, decimals) arrive as their ``str()``.
    """
    import json

    return record_to_document(json.dumps(record, default=str), name, lineno, options)


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
    paragraph count, payload (the pickled result without its signatures, and ``extra``).
    """
    from cleaner.stages import clean_one

    original = item.id
    result = clean_one(item, cleaner_for(settings), sketch=settings.dedup)
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
        payload,
        shapes,
    )


def stage_one(items: Iterable[tuple[int, Item, Any]], settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Stage 1 over one partition (``mapPartitions``)."""
    for position, item, extra in items:
        yield stage_one_row(position, item, extra, settings)


# ---------------------------------------------------------------------------------------------
# Stage 2


def rename_family(members: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """The renames :func:`cleaner.runner._unique_ids` makes in one id family, in input order.

    Yields (position, new id, original id) for every occurrence after the first of an id.

    >>> list(rename_family([(0, "x"), (1, "x#2"), (2, "x"), (3, "x")]))
    [(2, 'x#3', 'x'), (3, 'x#4', 'x')]
    """
    seen: set[str] = set()
    next_k: dict[str, int] = {}  # where the search for a free suffix resumes (seen only grows)
    for position, original in sorted(members):
        new = original
        if original in seen:
            k = next_k.get(original, 2)
            while f"{original}#{k}" in seen:
                k += 1
            next_k[original] = k + 1
            new = f"{original}#{k}"
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
        settings.boilerplate_min_docs,
        settings.boilerplate_threshold,
        settings.boilerplate_min_share,
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
    templates = learn_templates(collector, settings.boilerplate_min_docs)
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
    """Stage 3 for one document, as :func:`cleaner.runner.run` does it, and its warnings.

    The rename (``id#2``) happens here rather than before stage 1: cleaning never looks at the
    id, so renaming after it gives the same document, and the ids are only known once the
    whole input has been read.
    """
    result, extra = pickle.loads(payload)
    warnings: list[str] = []
    if new_id is not None:
        assert original_id is not None
        result = _renamed(result, new_id, original_id)
        source = result.doc.source if isinstance(result, Cleaned) else result.reject.source
        warnings.append(f"{source}: duplicate id {original_id!r}, renamed {new_id!r}")
    if isinstance(result, Cleaned):
        warnings.extend(f"{result.doc.source}: {note}" for note in result.doc.notes)
        if duplicate_of is not None:
            assert duplicate_similarity is not None
            result = as_duplicate(result, Duplicate(duplicate_of, duplicate_similarity))
    if isinstance(result, Cleaned):
        passes = finishing_passes(settings, finishing)
        if passes:
            if paragraph_sigs is not None:  # stage 1's signatures spare finish_one computing them
                sigs = np.frombuffer(paragraph_sigs, dtype=SIG_DTYPE).reshape(-1, PARAGRAPH_SKETCH.num_perm)
                result.paragraph_sigs = sigs.astype(np.uint32)
            result = finish_one(result, passes, cleaner_for(settings).max_rounds)
    if isinstance(result, Dropped) and (warning := bad_input_warning(result.reject)) is not None:
        warnings.append(warning)
    return result, extra, warnings


def _renamed(result: Result, new_id: str, original: str) -> Result:
    if isinstance(result, Cleaned):
        result.doc.id = new_id
        result.doc.notes.append(f"id {original!r} was already used; renamed {new_id!r}")
        return result
    return Dropped(dataclasses.replace(result.reject, id=new_id), result.input_lines)


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

    The line is :func:`cleaner.records.dumps` of the very record or reject the local engine
    writes, so the files are byte-identical.
    """
    for result, _extra, warnings, position in finish_rows(rows, settings, finishing):
        if isinstance(result, Dropped):
            reject = result.reject
            yield position, False, dumps(reject.to_json()), reject.reason, [], 0, warnings
            continue
        record = output_record(result.doc, result.lang)
        rules = [edit.rule for edit in result.doc.applied]
        chars = sum(len(edit.text) for edit in result.doc.applied)
        yield position, True, dumps(record), None, rules, chars, warnings


def partial_stats(rows: Iterable[Any]) -> Iterator[RunStats]:
    """One partition's share of :class:`~cleaner.stats.RunStats` (rows: record?, reason, rules, chars)."""
    stats = RunStats()
    for row in rows:
        if row.record:
            stats.documents_out += 1
            stats.removals.update(row.rules)
            stats.chars_removed += row.chars
        else:
            stats.rejected[row.reason] += 1
    yield stats


def merge_stats(into: RunStats, part: RunStats) -> RunStats:
    into.documents_out += part.documents_out
    into.rejected.update(part.rejected)
    into.removals.update(part.removals)
    into.chars_removed += part.chars_removed
    return into


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
            r = result.reject
            yield position, False, (r.id, r.source, r.reason, r.detail, r.duplicate_of, r.line)
            continue
        record = output_record(result.doc, result.lang)
        removed = [
            (e["pass"], e["rule"], e["text"], e.get("replacement"), e.get("to"), e["line"], e["at"])
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
            record.get("notes"),
        )
        yield position, True, values + tuple(extra)
