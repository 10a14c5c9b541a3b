"""The per-document stages of a run, as pure functions: the same code in every engine.

:func:`clean_one` is stage 1 (passes to a fixed point, language, signatures) and
:func:`finish_one` stage 3 (remove the site's boilerplate, settle again). They depend on nothing
but their arguments, so the local engine runs them in worker processes and a distributed engine
can run them in its executors; the global decisions between them live in :mod:`cleaner.dedup`.
"""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from cleaner.captions.templates import CaptionTemplates, MoveTemplateCaptions, Shape, template_candidates
from cleaner.dedup.boilerplate import BoilerplateIndex, RemoveSiteBoilerplate, paragraph_signatures
from cleaner.dedup.documents import Duplicate
from cleaner.dedup.minhash import DOCUMENT_SKETCH, signature
from cleaner.dedup.repeats import remember_signatures
from cleaner.document import Document
from cleaner.language import Language, detect_language
from cleaner.passes import Pass
from cleaner.passes.normalize import normalize_fragment
from cleaner.pipeline import Cleaner, run_passes
from cleaner.records import Reject, dumps, output_record
from cleaner.stats import RunStats

# Rejects that mean the input itself was bad (as opposed to a cleaning decision).
BAD_INPUT_REASONS = frozenset({"unreadable", "binary", "invalid-json", "missing-text"})


@dataclass
class Cleaned:
    """A document after stage 1: cleaned, with its language and its signatures."""

    doc: Document
    lang: Language
    doc_sig: np.ndarray | None = None
    paragraph_sigs: np.ndarray | None = None
    caption_shapes: tuple[Shape, ...] = ()


@dataclass
class Dropped:
    """A document that is not in the output, with its input paragraphs for the review report."""

    reject: Reject
    input_lines: tuple[str, ...] | None = None


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
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.")
    source = doc.fields.get("source")
    if isinstance(source, str) and source:
        return source
    if doc.source.endswith(".txt"):
        return str(PurePosixPath(doc.source).parent)
    return doc.source


def clean_one(item: Document | Reject, cleaner: Cleaner, sketch: bool = True) -> Cleaned | Dropped:
    """Stage 1 for one input item: passes to a fixed point, language, signatures."""
    if isinstance(item, Reject):
        return Dropped(item)
    doc = item
    if not doc.input_lines:
        return Dropped(Reject(doc.id, doc.source, "empty", "the input holds no text"), doc.input_lines)
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
    return Cleaned(
        doc, lang, signature(doc.text, DOCUMENT_SKETCH), paragraph_signatures(doc), template_candidates(doc)
    )


@dataclass(frozen=True)
class Accounted:
    """What the main process needs of a stage-1 result; the result itself travels pickled.

    The id (for unique ids), the signatures and caption shapes (for the indexes of stage 2) and
    the notes to print.
    """

    id: str
    group: str | None = None
    doc_sig: np.ndarray | None = None
    paragraph_sigs: np.ndarray | None = None
    warnings: tuple[str, ...] = ()
    caption_shapes: tuple[Shape, ...] = ()


def account(result: Cleaned | Dropped) -> Accounted:
    if isinstance(result, Dropped):
        return Accounted(result.reject.id)
    doc = result.doc
    warnings = tuple(f"{doc.source}: {note}" for note in doc.notes)
    return Accounted(
        doc.id, doc.group, result.doc_sig, result.paragraph_sigs, warnings, result.caption_shapes
    )


def clean_and_pickle(
    item: Document | Reject, cleaner: Cleaner, sketch: bool = True, keep_doc_sig: bool = False
) -> tuple[Accounted, bytes]:
    """Stage 1 where it runs (a worker process): the result pickled for the spill, as it will
    be stored, and what the main process needs of it. The document signature goes to the index
    only, unless ``keep_doc_sig`` (a resumable spill rebuilds the index from itself)."""
    result = clean_one(item, cleaner, sketch)
    accounted = account(result)
    if isinstance(result, Cleaned) and not keep_doc_sig:
        result.doc_sig = None
    return accounted, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def as_duplicate(result: Cleaned, duplicate: Duplicate) -> Dropped:
    """The reject of a document the duplicate decision dropped."""
    doc = result.doc
    detail = f"estimated Jaccard {duplicate.similarity:.2f} with {duplicate.of}"
    reject = Reject(doc.id, doc.source, "near-duplicate", detail, duplicate_of=duplicate.of)
    return Dropped(reject, doc.input_lines)


# Stage 3 opens with the site's passes: its boilerplate, then its caption templates.
SITE_PASSES = 2


def site_passes(boilerplate: BoilerplateIndex, templates: CaptionTemplates, passes: list[Pass]) -> list[Pass]:
    """Stage 3's passes: the site's (what stage 2 learned), then ``passes``; none when stage 2
    learned nothing (every document is settled already)."""
    if not len(boilerplate) and not len(templates):
        return []
    return [RemoveSiteBoilerplate(boilerplate), MoveTemplateCaptions(templates), *passes]


def finish_one(result: Cleaned, passes: list[Pass], max_rounds: int) -> Cleaned | Dropped:
    """Stage 3 for one document: remove the site's boilerplate and template captions, settle again.

    ``passes`` is :func:`site_passes`'s list; the rest run only when the site's passes changed
    something.
    """
    doc = result.doc
    result.caption_shapes = ()
    if result.paragraph_sigs is not None:
        remember_signatures(doc.lines, result.paragraph_sigs)  # stage 1 computed them already
        result.paragraph_sigs = None
    before = len(doc.applied)
    run_passes(doc, passes[:SITE_PASSES], 1)
    if len(doc.applied) == before:
        return result  # nothing of the site's boilerplate here: the document is settled already
    run_passes(doc, passes, max_rounds)
    if not doc.lines:
        return Dropped(Reject(doc.id, doc.source, "empty", "only site boilerplate left"), doc.input_lines)
    return result


@dataclass
class Rendered:
    """A document at the end of stage 3, as the line to write and the counts to add.

    Rendering happens where the document was finished (a worker process), so the main process
    only writes lines. ``item`` and ``record`` are kept only for a review report's observer.
    """

    line: str | None = None
    reject_line: str | None = None
    reason: str = ""
    warning: str | None = None
    removals: Counter[str] = field(default_factory=Counter)
    chars_removed: int = 0
    item: Cleaned | Dropped | None = None
    record: dict[str, Any] | None = None


def render(result: Cleaned | Dropped, keep: bool = False) -> Rendered:
    """The output line (or reject line) of a finished document; ``keep`` the objects too."""
    if isinstance(result, Dropped):
        reject = result.reject
        return Rendered(
            reject_line=dumps(reject.to_json()),
            reason=reject.reason,
            warning=bad_input_warning(reject),
            item=result if keep else None,
        )
    record = output_record(result.doc, result.lang)
    counts = RunStats()
    counts.count_edits(result.doc.applied)
    return Rendered(
        line=dumps(record),
        removals=counts.removals,
        chars_removed=counts.chars_removed,
        item=result if keep else None,
        record=record if keep else None,
    )


def bad_input_warning(reject: Reject) -> str | None:
    """The one line a bad input gets on stderr (``file:line: reason: detail``); None for a
    reject that is a cleaning decision."""
    if reject.reason not in BAD_INPUT_REASONS:
        return None
    where = f"{reject.source}:{reject.line}" if reject.line is not None else reject.source
    return f"{where}: {reject.reason}: {reject.detail}"


def finish_and_render(
    blob: bytes, duplicate: Duplicate | None, passes: list[Pass], max_rounds: int, keep: bool = False
) -> Rendered:
    """Stage 3 for one spilled stage-1 result (pickled): the duplicate decision, the site's
    boilerplate (``passes``, empty when there is none), the line to write."""
    result: Cleaned | Dropped = pickle.loads(blob)
    if isinstance(result, Cleaned):
        if duplicate is not None:
            result = as_duplicate(result, duplicate)
        elif passes:
            result = finish_one(result, passes, max_rounds)
    return render(result, keep)
