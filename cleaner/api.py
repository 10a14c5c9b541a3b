"""cleaner as a Python library: one document (:func:`clean_text`), or a corpus (:class:`Cleaner`).

A :class:`Cleaner` is the configuration of a run (rules, languages, dedup and its thresholds,
the fields read) and owns the run's stages (:class:`Stages`): ``cleaner run`` builds one from
its options and adds what a command line needs on top (files, worker processes, progress,
shards, ``--state``); the Spark engine takes its rules, fields and thresholds from one. So
:meth:`Cleaner.clean` over a file's records gives the very lines ``cleaner run`` writes for it.

>>> from cleaner import Cleaner
>>> cleaner = Cleaner(dedup=False)
>>> [r.text for r in cleaner.clean(["Advertisement\\nThe council met on Tuesday evening."])]
['The council met on Tuesday evening.']
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias

from cleaner.captions.templates import CaptionTemplates, TemplateCollector, learn_templates
from cleaner.dedup.boilerplate import BoilerplateIndex, ParagraphCollector, find_boilerplate
from cleaner.dedup.documents import DocumentIndex, Duplicate
from cleaner.document import Document
from cleaner.layout import split_paragraphs
from cleaner.options import DedupOptions, RunOptions
from cleaner.passes import Pass
from cleaner.passes.content import DEFAULT_CONTENT_MODE
from cleaner.pipeline import MAX_ROUNDS, CleaningSetup
from cleaner.readers import ReadOptions, mapping_to_document
from cleaner.records import Reason, Record, Reject
from cleaner.rules import RuleSet, load_rules
from cleaner.spill import Spill
from cleaner.stages import Item, Rendered, clean_one, finishing_passes, rename, render, unique_id
from cleaner.stats import RunStats
from cleaner.workers import Accounted, Placement, WorkerPool, account, clean_all, finish_all, stage_pool

__all__ = ["Cleaner", "Rejected", "Result", "Stages", "clean_text"]

Result: TypeAlias = Record | Reject
"""What :meth:`Cleaner.clean` yields for each input document."""
DocumentInput: TypeAlias = Mapping[str, Any] | str
RulesArg: TypeAlias = str | Path | Iterable[str | Path] | RuleSet | None

logger = logging.getLogger("cleaner")


class Rejected(Exception):  # noqa: N818 - it reads as what happened: cleaner.Rejected
    """:func:`clean_text`'s document is not kept (empty, or not in ``lang``); ``reject`` says why."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(f"{reject.reason}: {reject.detail}")
        self.reject = reject


def _rules_of(rules: RulesArg) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    if rules is None:
        return load_rules()
    if isinstance(rules, str | Path):
        return load_rules([Path(rules)])
    return load_rules(Path(p) for p in rules)


def _languages_of(languages: str | Iterable[str] | None) -> frozenset[str]:
    if languages is None:
        return frozenset()
    if isinstance(languages, str):
        languages = languages.split(",")
    return frozenset(code.strip() for code in languages if code.strip())


class Cleaner:
    """A configured cleaner: built once (rules are loaded and compiled here), used many times.

    ``rules``: rules files or folders layered over the defaults (as ``--rules``), or a loaded
    :class:`~cleaner.rules.RuleSet`. ``languages``: keep only these (``"en,de"`` or a list; as
    ``--lang``). ``dedup`` and the thresholds: as ``--no-dedup``, ``--dup-threshold``,
    ``--boilerplate-min-docs``, ``--boilerplate-min-share``. ``text_field``, ``id_field``,
    ``title_field``: the fields a mapping is read from (as ``--text-field``...). ``content``:
    the content pass's mode (as ``--content``: ``off``, ``conservative``, ``balanced``, ``aggressive``).

    :attr:`stats` holds the counts of the last :meth:`clean` (those of ``cleaner run --stats``).
    """

    def __init__(
        self,
        rules: RulesArg = None,
        *,
        languages: str | Iterable[str] | None = None,
        dedup: bool = True,
        duplicate_threshold: float = DedupOptions.duplicate_threshold,
        boilerplate_min_docs: int = DedupOptions.boilerplate_min_docs,
        boilerplate_min_share: float = DedupOptions.boilerplate_min_share,
        boilerplate_threshold: float = DedupOptions.boilerplate_threshold,
        text_field: str = "text",
        id_field: str = "id",
        title_field: str = "title",
        max_rounds: int = MAX_ROUNDS,
        content: str = DEFAULT_CONTENT_MODE,
    ) -> None:
        self.setup = CleaningSetup(_rules_of(rules), _languages_of(languages), max_rounds, content)
        self.dedup = DedupOptions(
            dedup, duplicate_threshold, boilerplate_min_docs, boilerplate_threshold, boilerplate_min_share
        )
        self.read = ReadOptions(text_field=text_field, id_field=id_field, title_field=title_field)
        self.stats = RunStats()

    @classmethod
    def from_options(cls, options: RunOptions) -> Cleaner:
        """The cleaner of a ``cleaner run`` (its rules, languages, fields and dedup)."""
        dedup, read = options.dedup, options.read
        return cls(
            options.rules,
            languages=options.languages,
            dedup=dedup.enabled,
            duplicate_threshold=dedup.duplicate_threshold,
            boilerplate_min_docs=dedup.boilerplate_min_docs,
            boilerplate_min_share=dedup.boilerplate_min_share,
            boilerplate_threshold=dedup.boilerplate_threshold,
            text_field=read.text_field,
            id_field=read.id_field,
            title_field=read.title_field,
            content=options.content,
        )

    @property
    def rules(self) -> RuleSet:
        return self.setup.rules

    @property
    def languages(self) -> frozenset[str]:
        return self.setup.languages

    def __repr__(self) -> str:
        langs = ",".join(sorted(self.languages)) or "any"
        return f"Cleaner({len(self.rules)} rules, languages={langs}, dedup={self.dedup.enabled})"

    def items(self, documents: Iterable[DocumentInput], source: str = "-") -> Iterator[Item]:
        """The documents to clean, as ``cleaner run`` reads a JSONL file named ``source``.

        A mapping is read like a JSONL record (any :class:`~collections.abc.Mapping`: a dict, a
        lazy row); a string is a document's text. A document without an id is named
        ``<source>:<n>`` (n counted from 1, as lines are). Anything else is an ``invalid-json``
        reject, so that one bad value does not stop a job.
        """
        for n, document in enumerate(documents, 1):
            if isinstance(document, str):
                yield Document(f"{source}:{n}", source, split_paragraphs(document))
            elif isinstance(document, Mapping):
                yield mapping_to_document(document, source, n, self.read)
            else:
                detail = f"a {type(document).__name__}, not a mapping or a string"
                yield Reject(f"{source}:{n}", source, Reason.INVALID_JSON, detail, line=n)

    def clean_document(self, document: DocumentInput, source: str = "-") -> Result:
        """One document through the per-document stages only (no duplicates, no site boilerplate).

        >>> Cleaner().clean_document({"id": "a", "text": "Share this article\\nRain is due."}).text
        'Rain is due.'
        """
        (item,) = self.items([document], source)
        rendered = render(clean_one(item, self.setup, sketch=False), outcome=True)
        assert rendered.outcome is not None
        return rendered.outcome

    def clean(
        self, documents: Iterable[DocumentInput], *, source: str = "-", jobs: int = 1
    ) -> Iterator[Result]:
        """Clean ``documents``; yield each one's :class:`Record` or :class:`Reject`, in input order.

        With dedup (the default), duplicate documents and site boilerplate are decided over all
        of ``documents``, as ``cleaner run`` decides them: the input is read once, the cleaned
        documents wait in a temporary file, and results come once the last document was read.
        Without dedup the results stream: each is yielded as soon as its document is cleaned.
        ``jobs`` > 1 cleans in that many processes with dedup (forked: call it from a script's
        main thread); the streaming mode cleans in this process. :attr:`stats` is reset when
        the iteration starts and complete when it ends.
        """
        stages = Stages(self, warn=logger.warning)
        self.stats = stages.stats
        items = stages.unique_ids(self.items(documents, source))
        if not self.dedup.enabled:
            yield from stages.stream(items)
            return
        try:
            stages.clean(items, jobs)
            passes = stages.decide()
            for rendered in stages.finish(passes, jobs, outcome=True):
                assert rendered.outcome is not None
                yield rendered.outcome
        finally:
            stages.close()


def _ignore(_message: str) -> None:
    pass


class Stages:
    """The three stages of a run over one input (docs/design.md), shared by ``cleaner run`` and
    :meth:`Cleaner.clean`: stage 1 into a spill file and the dedup indexes (:meth:`clean`),
    stage 2 (:meth:`decide`), stage 3 in input order (:meth:`finish`). Counts go to
    :attr:`stats`; warnings (renamed ids, notes, bad input) to ``warn``.

    The runner gives its own spill (a resumable one for sharded runs) and indexes (loaded from
    ``--state``: documents, boilerplate, caption templates); ``keep_doc_sig`` keeps the document
    signatures in the spill (for ``--resume``).
    """

    def __init__(
        self,
        cleaner: Cleaner,
        spill: Spill | None = None,
        *,
        documents: DocumentIndex | None = None,
        known_boilerplate: BoilerplateIndex | None = None,
        known_templates: CaptionTemplates | None = None,
        keep_doc_sig: bool = False,
        warn: Callable[[str], None] = _ignore,
    ) -> None:
        dedup = cleaner.dedup
        self.cleaner = cleaner
        self._spill = spill
        self.documents = documents if documents is not None else DocumentIndex(dedup.duplicate_threshold)
        self.known = known_boilerplate or BoilerplateIndex(threshold=dedup.boilerplate_threshold)
        self.collector = ParagraphCollector()
        self.known_templates = known_templates or CaptionTemplates()
        self.shapes = TemplateCollector()
        self.seen_ids: set[str] = set()
        self.keep_doc_sig = keep_doc_sig
        self.warn = warn
        self.stats = RunStats()
        self.duplicates: dict[int, Duplicate] = {}
        self.boilerplate = BoilerplateIndex(threshold=dedup.boilerplate_threshold)
        self.templates = CaptionTemplates()
        self._pool: WorkerPool | None = None  # one for stages 1 and 3 (see cleaner.workers)
        self._placed: Placement | None = None  # which of its workers cleaned which document

    @property
    def spill(self) -> Spill:
        if self._spill is None:
            self._spill = Spill()
        return self._spill

    def _workers(self, jobs: int) -> WorkerPool:
        """The worker processes of stages 1 and 3: started in stage 1, before the indexes grow,
        so stage 3's workers never held them."""
        if self._pool is None or self._pool.jobs != jobs:
            self._close_pool()
            sketch = self.cleaner.dedup.enabled
            self._pool = stage_pool(self.cleaner.setup, jobs, sketch=sketch, keep_doc_sig=self.keep_doc_sig)
        return self._pool

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._placed = None  # the next pool's workers cleaned nothing

    def close(self) -> None:
        """Let go of the workers (ended, if a stage was interrupted) and the spill file."""
        self._close_pool()
        if self._spill is not None:
            self._spill.close()

    def unique_ids(self, items: Iterable[Item], skip: int = 0) -> Iterator[Item]:
        """Make every id unique (``id#2``, ``id#3``...), saying so; skip what a resumed run has."""
        seen = self.seen_ids
        for n, item in enumerate(items):
            if n < skip:
                continue
            if item.id in seen:
                item, warning = rename(item, unique_id(item.id, seen)[0])
                if warning is not None:  # (a document's note is said with its other notes)
                    self.warn(warning)
            seen.add(item.id)
            yield item

    def recover(self) -> int:
        """Stage 1's results a stopped run left in the spill, accounted again; how many."""
        for result in self.spill.recover():
            self._account(account(result), self.spill.count - 1)
        return self.spill.count

    def clean(self, items: Iterable[Item], jobs: int = 1, on_each: Callable[[], None] | None = None) -> None:
        """Stage 1: clean, detect language, sketch; index the signatures, spill the documents."""
        spill = self.spill
        pool = self._workers(jobs)
        self._placed = Placement(first=spill.count)  # (a resumed run's recovered ones: no worker)
        for accounted, blob in clean_all(items, pool, self._placed):
            self._account(accounted, spill.count)
            for warning in accounted.warnings:
                self.warn(warning)
            spill.append_blob(blob)
            if on_each is not None:
                on_each()
        self.stats.documents_in = spill.count
        self.stats.index_bytes = self.collector.nbytes()
        self.stats.index_paragraphs = self.collector.count()

    def _account(self, accounted: Accounted, number: int) -> None:
        """Stage 1's sequential step: the signatures and caption shapes go to the indexes (not to
        the spill file)."""
        self.seen_ids.add(accounted.id)
        if accounted.group is not None and self.cleaner.dedup.enabled:
            assert accounted.doc_sig is not None and accounted.paragraph_sigs is not None
            self.documents.add(accounted.id, number, accounted.doc_sig)
            self.collector.add(accounted.group, number, accounted.paragraph_sigs)
            self.shapes.add(accounted.group, number, accounted.caption_shapes)

    def decide(self) -> list[Pass]:
        """Stage 2: duplicate documents, then site boilerplate and caption templates among the
        kept ones (and those already known); returns stage 3's passes."""
        dedup = self.cleaner.dedup
        self.duplicates = self.documents.decide() if dedup.enabled else {}
        found = find_boilerplate(
            self.collector,
            dedup.boilerplate_min_docs,
            dedup.boilerplate_threshold,
            dedup.boilerplate_min_share,
            exclude=frozenset(self.duplicates),
        )
        self.collector = ParagraphCollector()  # let go of the paragraph signatures
        found.merge(self.known)
        self.boilerplate = found
        templates = learn_templates(
            self.shapes, dedup.boilerplate_min_docs, exclude=frozenset(self.duplicates)
        )
        self.shapes = TemplateCollector()
        templates.merge(self.known_templates)
        self.templates = templates
        return finishing_passes(found, templates, self.cleaner.setup)

    def finish(
        self, passes: list[Pass], jobs: int = 1, keep: bool = False, outcome: bool = False
    ) -> Iterator[Rendered]:
        """Stage 3, in input order: each document finished and rendered, its counts added."""
        duplicates = self.duplicates
        tasks = ((blob, duplicates.get(n)) for n, blob in enumerate(self.spill.blobs()))
        rounds = self.cleaner.setup.max_rounds
        pool = self._workers(jobs)  # (before the placement: a new pool has none)
        for rendered in finish_all(tasks, passes, rounds, pool, keep, outcome, self._placed):
            self.stats.add_outcome(rendered.reason, rendered.removals, rendered.chars_removed)
            if rendered.warning is not None:
                self.warn(rendered.warning)
            yield rendered
        self._close_pool()  # the last stage that needs them

    def stream(self, items: Iterable[Item]) -> Iterator[Result]:
        """All three stages per document, without dedup (stage 2 has nothing to decide): each
        result as soon as its document is cleaned."""
        setup = self.cleaner.setup
        for item in items:
            result = clean_one(item, setup, sketch=False)
            for warning in account(result).warnings:
                self.warn(warning)
            self.stats.documents_in += 1
            rendered = render(result, outcome=True)
            self.stats.add_outcome(rendered.reason, rendered.removals, rendered.chars_removed)
            if rendered.warning is not None:
                self.warn(rendered.warning)
            assert rendered.outcome is not None
            yield rendered.outcome


@functools.lru_cache(maxsize=8)
def _shared_cleaner(rules: tuple[str, ...] | None, languages: frozenset[str]) -> Cleaner:
    return Cleaner(rules, languages=languages, dedup=False)


def clean_text(
    text: str,
    *,
    title: str | None = None,
    rules: str | Path | Iterable[str | Path] | None = None,
    lang: str | Iterable[str] | None = None,
    id: str = "-",
    source: str = "-",
    fields: Mapping[str, Any] | None = None,
) -> Record:
    """Clean one article's text: the per-document stages of ``cleaner run`` (no corpus stages:
    duplicates and site boilerplate need a corpus, see :class:`Cleaner`).

    ``title``: the headline, when the scraper kept it apart. ``rules``: rules files or folders
    layered over the defaults. ``lang``: keep only these languages. ``id``, ``source`` and
    ``fields`` (passed through) go into the record. Raises :class:`Rejected` when the document
    is not kept (nothing left, or another language). Rules are loaded once per distinct
    ``rules`` and ``lang``; for full control, build a :class:`Cleaner`.

    >>> record = clean_text("Rain Is Due\\nAdvertisement\\nRain is due on Tuesday, forecasters said.")
    >>> record.title, record.text, [e.rule for e in record.removed]
    ('Rain Is Due', 'Rain is due on Tuesday, forecasters said.', ['junk.advertisement', 'title.first-line'])
    """
    if isinstance(rules, str | Path):
        rules = [rules]
    key = tuple(str(p) for p in rules) if rules is not None else None
    cleaner = _shared_cleaner(key, _languages_of(lang))
    document: dict[str, Any] = {**(fields or {}), "id": id, "source": source, "text": text}
    if title is not None:
        document["title"] = title
    result = cleaner.clean_document(document, source)
    if isinstance(result, Reject):
        raise Rejected(result)
    return result
