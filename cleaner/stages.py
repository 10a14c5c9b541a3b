"""The per-document stages of a run, as pure functions: the same code in every engine.

:func:`clean_one` is stage 1 (passes to a fixed point, language, signatures); :func:`finish`
is stage 3 (the duplicate decision, or the site's boilerplate removed and the document settled
again) and :func:`render` turns its result into the line to write. Between them, the ids made
unique (:func:`unique_id`, :func:`rename`). They depend on nothing but their arguments, so the
local engine runs them in worker processes (:mod:`cleaner.workers`) and the Spark engine in its
executors; the global decisions between them live in :mod:`cleaner.dedup`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import overload
from urllib.parse import urlsplit

import numpy as np

from cleaner.captions.templates import CaptionTemplates, Shape, template_candidates
from cleaner.dedup.boilerplate import BoilerplateIndex, RemoveSiteBoilerplate, paragraph_signatures
from cleaner.dedup.documents import Duplicate
from cleaner.dedup.repeats import document_signature, remember_signatures
from cleaner.document import Document
from cleaner.language import Language, detect_language
from cleaner.layout import render as render_paragraphs
from cleaner.passes import Pass
from cleaner.passes.captions import MoveCaptions
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.records import Reason, Record, Reject, ReportItem, dumps
from cleaner.stats import RunStats
from cleaner.textfix import normalize_fragment

Item = Document | Reject  # what a reader yields: a document, or the reject of bad input


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
    """A document that is not in the output, with its input paragraphs and its ``url`` (so that
    its reject line can be reviewed, and counted under its site, without the input)."""

    reject: Reject
    input_lines: tuple[str, ...] | None = None
    url: str | None = None

    def full_reject(self) -> Reject:
        """The reject with the input's ``url`` and ``text``, so that it can be reviewed from the
        rejects file alone (what every engine writes)."""
        if self.url is None and not self.input_lines:
            return self.reject
        text = render_paragraphs(list(self.input_lines)) if self.input_lines else None
        return replace(self.reject, url=self.url, text=text)

    @classmethod
    def of(cls, reject: Reject, doc: Document) -> Dropped:
        url = doc.fields.get("url")
        return cls(reject, doc.input_lines, url if isinstance(url, str) and url else None)


def url_host(url: object) -> str:
    """The site of a URL: its host without ``www.``; "" when there is none.

    >>> url_host("https://www.example.com/a"), url_host("not a url"), url_host(None)
    ('example.com', '', '')
    """
    if not isinstance(url, str) or not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.")


def document_group(doc: Document) -> str:
    """The source a document's site boilerplate is counted in.

    The host of its ``url`` field, else its ``source`` field, else the folder it was read from.

    >>> document_group(Document("a", "x.jsonl", [], fields={"url": "https://www.example.com/a"}))
    'example.com'
    >>> document_group(Document("world/a", "world/a.txt", []))
    'world'
    """
    host = url_host(doc.fields.get("url"))
    if host:
        return host
    source = doc.fields.get("source")
    if isinstance(source, str) and source:
        return source
    if doc.source.endswith(".txt"):
        return str(PurePosixPath(doc.source).parent)
    return doc.source


def clean_one(item: Document | Reject, cleaner: CleaningSetup, sketch: bool = True) -> Cleaned | Dropped:
    """Stage 1 for one input item: passes to a fixed point, language, signatures."""
    if isinstance(item, Reject):
        return Dropped(item)
    doc = item
    if not doc.input_lines:
        return Dropped.of(Reject(doc.id, doc.source, Reason.EMPTY, "the input holds no text"), doc)
    if doc.title is not None:
        doc.title = normalize_fragment(doc.title)
    run_passes(doc, cleaner.passes, cleaner.max_rounds)
    if not doc.lines:
        reject = Reject(doc.id, doc.source, Reason.EMPTY, "no article text left after cleaning")
        return Dropped.of(reject, doc)
    lang = detect_language(doc.text)
    if cleaner.languages and lang.code not in cleaner.languages:
        wanted = ",".join(sorted(cleaner.languages))
        detail = f"detected {lang.code} ({lang.prob:.2f}); wanted {wanted}"
        return Dropped.of(Reject(doc.id, doc.source, Reason.LANGUAGE, detail), doc)
    doc.group = document_group(doc)
    if not sketch:
        return Cleaned(doc, lang)
    paragraph_sigs = paragraph_signatures(doc)  # first: the document's signature reuses its hashes
    return Cleaned(doc, lang, document_signature(doc.lines), paragraph_sigs, template_candidates(doc))


def note_warnings(doc: Document) -> list[str]:
    """The notes of a document (decoded as..., renamed...) as warning lines."""
    return [f"{doc.source}: {note}" for note in doc.notes]


def unique_id(original: str, taken: Container[str], start: int = 2) -> tuple[str, int]:
    """The first ``original#k`` with ``k >= start`` not ``taken``, and its ``k``.

    >>> unique_id("x", {"x", "x#2"})
    ('x#3', 3)
    """
    k = start
    while f"{original}#{k}" in taken:
        k += 1
    return f"{original}#{k}", k


@overload
def rename(item: Document, new_id: str) -> tuple[Document, str | None]: ...
@overload
def rename(item: Reject, new_id: str) -> tuple[Reject, str | None]: ...
@overload
def rename(item: Item, new_id: str) -> tuple[Item, str | None]: ...
def rename(item: Item, new_id: str) -> tuple[Item, str | None]:
    """``item`` under ``new_id``, and the warning that says so: for a document None, since the
    note it gets is said with its other notes (:func:`note_warnings`), once."""
    original = item.id
    said = f"duplicate id {original!r}, renamed {new_id!r}"
    if isinstance(item, Document):
        item.id = new_id
        item.notes.append(said)
        return item, None
    item = dataclasses.replace(item, id=new_id)
    return item, f"{item.source}: {said}"


def as_duplicate(result: Cleaned, duplicate: Duplicate) -> Dropped:
    """The reject of a document the duplicate decision dropped."""
    doc = result.doc
    detail = f"estimated Jaccard {duplicate.similarity:.2f} with {duplicate.of}"
    reject = Reject(doc.id, doc.source, Reason.NEAR_DUPLICATE, detail, duplicate_of=duplicate.of)
    return Dropped.of(reject, doc)


def finishing_passes(
    boilerplate: BoilerplateIndex, templates: CaptionTemplates, setup: CleaningSetup
) -> list[Pass]:
    """Stage 3's passes: the site's (its boilerplate, then the captions pass given the caption
    templates: what stage 2 learned), then the run's own; none when stage 2 learned nothing
    (every document is settled already)."""
    if not len(boilerplate) and not len(templates):
        return []
    return [RemoveSiteBoilerplate(boilerplate), MoveCaptions(setup.rules, templates), *setup.passes]


# How many of :func:`finishing_passes`'s passes are the site's.
SITE_STEPS = 2


def finish_one(result: Cleaned, passes: list[Pass], max_rounds: int) -> Cleaned | Dropped:
    """Stage 3 for one document: remove the site's boilerplate and template captions, settle again.

    ``passes`` is :func:`finishing_passes`'s list; the rest run only when the site's passes changed
    something.
    """
    doc = result.doc
    result.caption_shapes = ()
    if result.paragraph_sigs is not None:
        remember_signatures(doc.lines, result.paragraph_sigs)  # stage 1 computed them already
        result.paragraph_sigs = None
    before = len(doc.applied)
    run_passes(doc, passes[:SITE_STEPS], 1)
    if len(doc.applied) == before:
        return result  # nothing of the site's boilerplate here: the document is settled already
    run_passes(doc, passes, max_rounds)
    if not doc.lines:
        return Dropped.of(Reject(doc.id, doc.source, Reason.EMPTY, "only site boilerplate left"), doc)
    return result


def finish(
    result: Cleaned | Dropped, duplicate: Duplicate | None, passes: list[Pass], max_rounds: int
) -> Cleaned | Dropped:
    """Stage 3 for one stage-1 result: the duplicate decision, else the site's boilerplate
    (``passes`` from :func:`finishing_passes`, empty when there is none)."""
    if isinstance(result, Cleaned):
        if duplicate is not None:
            return as_duplicate(result, duplicate)
        if passes:
            return finish_one(result, passes, max_rounds)
    return result


@dataclass
class Rendered:
    """A document at the end of stage 3, as the line to write and the counts to add.

    Rendering happens where the document was finished (a worker process, an executor), so the
    writer only writes lines. ``report`` is kept only for a run's observer (a review report).
    """

    line: str | None = None
    reject_line: str | None = None
    reason: Reason | None = None
    warning: str | None = None
    removals: Counter[str] = field(default_factory=Counter)
    chars_removed: int = 0
    report: ReportItem | None = None
    outcome: Record | Reject | None = None


def render(result: Cleaned | Dropped, keep: bool = False, outcome: bool = False) -> Rendered:
    """The output line (or reject line) of a finished document; ``keep``: its report item too;
    ``outcome``: the :class:`Record` or :class:`Reject` itself (for the Python API)."""
    if isinstance(result, Dropped):
        reject = result.full_reject()
        data = reject.to_dict()
        return Rendered(
            reject_line=dumps(data),
            reason=reject.reason,
            warning=bad_input_warning(reject),
            report=ReportItem(reject.id, reject.source, result.input_lines, None, data) if keep else None,
            outcome=reject if outcome else None,
        )
    doc = result.doc
    made = Record.from_document(doc, result.lang)
    record = made.to_dict()
    counts = RunStats()
    counts.count_edits(doc.applied)
    return Rendered(
        line=dumps(record),
        removals=counts.removals,
        chars_removed=counts.chars_removed,
        report=ReportItem(doc.id, doc.source, doc.input_lines, record, None) if keep else None,
        outcome=made if outcome else None,
    )


def bad_input_warning(reject: Reject) -> str | None:
    """The one line a bad input gets on stderr (``file:line: reason: detail``); None for a
    reject that is a cleaning decision."""
    if not reject.reason.bad_input:
        return None
    where = f"{reject.source}:{reject.line}" if reject.line is not None else reject.source
    return f"{where}: {reject.reason}: {reject.detail}"
