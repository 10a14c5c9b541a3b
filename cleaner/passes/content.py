"""The article in page text: each paragraph judged article or not from what it is, not from lists.

Whole-page text (what a browser's "select all" or html-text gives) and the output of
readability-style extractors carry menus, link lists, bylines, datelines, widgets and footers
that no phrase list can name. This pass describes every paragraph by its shape and its
neighbourhood (:mod:`cleaner.content.features`: length, sentence punctuation, stop-word share
for the document's language, capitalisation, digits, separators, runs of short lines, position
relative to the main block of prose, the neighbours' features, repetition in the page) and lets
a small shipped model (:mod:`cleaner.content.model`) give the probability that it belongs to
the article. A paragraph below the mode's threshold is removed, with the rule id that says
where it stood and what it looked like:

- ``content.byline`` / ``content.dateline``: "By Ana Ruiz, Staff Writer", "Published: 4 Feb
  2025", "5 min read": moved to the record's ``byline`` / ``published`` (the first of each).
- ``content.navigation``: before the main block of prose (menus, breadcrumbs, search boxes).
- ``content.boilerplate-block``: after it (related stories, comment widgets, footers).
- ``content.link-run``: inside it, in a run of short lines (a link list, a share bar).
- ``content.aside``: inside it, alone (a widget's label, a newsletter prompt).

Safe by construction: a paragraph that reads as prose (PROSE_SAFE_WORDS words or more, a
sentence ending, the stop words of running text) is never removed, whatever the model says; a
document whose paragraphs are nearly all prose (an extractor's output, a clean article) is left
alone unless the model is sure; and the pass decides once per document (its own removals would
otherwise change the neighbourhoods it judged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

import numpy as np

from cleaner.content.features import (
    FEATURE_NAMES,
    PageFeatures,
    document_features,
    is_byline,
    is_dateline,
    main_block,
    tabular_rows,
)
from cleaner.content.model import shipped_model
from cleaner.document import Document, Edit, MoveTarget
from cleaner.passes.title import headline_key, is_prose_line

ContentMode = Literal["off", "conservative", "balanced", "aggressive"]
CONTENT_MODES: tuple[ContentMode, ...] = ("off", "conservative", "balanced", "aggressive")
DEFAULT_CONTENT_MODE: ContentMode = "balanced"


@dataclass(frozen=True)
class Thresholds:
    """P(article) under which a paragraph goes: a short one (under LONG_WORDS words), a longer
    one, and protected prose outside the main block (0: never).

    ``guarded``: the article's own lines are protected beyond its prose (the lines between
    prose paragraphs, the sentences inside the main block), and only pages in a trusted
    language are judged (see :func:`decide` and :class:`FindContent`)."""

    short: float
    long: float
    outside_prose: float = 0.0
    guarded: bool = True
    # P(article) under which a sentence goes (LONG_WORDS words or more, a sentence ending, the
    # stop words of running text; see sentences): None, the mode's ``long`` threshold.
    sentence: float | None = None
    # P(article) under which a short paragraph inside the article goes (in the model's main
    # block and between its first and last prose paragraph: a list item, a subheading, a pro or
    # a con): None, the mode's ``short`` threshold.
    short_inside: float | None = None


# Chosen on the 'tune' sites of wcxb-dev (bench/training/train_content.py), never on the held-out ones:
# conservative keeps lost paragraphs near zero and never removes prose; balanced is the best
# shingle F1 on 'tune' with lost_paras under .01 (it removes fragments the model doubts and
# prose outside the main block when the model is sure, but a sentence, or a short line inside
# the article, only when the model is as sure as the conservative mode asks: FAQ answers, notes
# and short paragraphs read as sentences, and a list's items stand between the article's prose,
# where menus and link lists do not); aggressive trades more paragraphs for precision and
# judges everything.
THRESHOLDS: dict[str, Thresholds] = {
    "conservative": Thresholds(short=0.3, long=0.1),
    "balanced": Thresholds(short=0.6, long=0.3, outside_prose=0.3, sentence=0.1, short_inside=0.3),
    "aggressive": Thresholds(short=0.5, long=0.2, outside_prose=0.1, guarded=False),
}
LONG_WORDS = 8
# The languages (as guessed from stop words) of the pages the shipped model was trained on
# (wcxb-dev: 99% English). On other languages it removed real article text (list items,
# product facts, short paragraphs), so the conservative mode judges only pages in these.
TRUSTED_LANGUAGES: frozenset[str | None] = frozenset({"en"})
# Prose that is never removed: this many words, a sentence ending, and (language known) at
# least PROSE_SAFE_STOP_SHARE of stop words.
PROSE_SAFE_WORDS = 25
PROSE_SAFE_STOP_SHARE = 0.25
# A long paragraph this rich in stop words is prose even when it does not end a sentence (it
# ends in a footnote mark, a link, an emoji): running text, not a menu.
PROSE_RICH_STOP_SHARE = 0.3
# A run of at most this many unprotected paragraphs between two protected ones stands inside
# the article (a subheading, a list item, a short sentence, a short table): kept.
SANDWICH = 3
# A sentence inside the main block of prose with this many words and this share of stop words
# is the article's (see inner_sentences).
SENTENCE_WORDS = 10
SENTENCE_STOP_SHARE = 0.35
# Documents shorter than this are left alone: too little context to judge a paragraph by.
MIN_LINES = 4
# A document whose prose stands between at least this many lines above it and this many below
# it (menus, then footers), more than FRAME_SHORT_SHARE of them short lines, is a page even when
# its headline was not found in the body: an extractor's output or a scraped article has at
# most a few lines around its prose, and an article's own lines above its first long paragraph
# (an introduction of shorter sentences, a list it announces) are mostly not short.
PAGE_MARGIN = 8
FRAME_SHORT_SHARE = 0.5
# In the conservative mode only a page is judged: a document whose headline stood in the body
# under a page title, or stands there again below the first line (the page title was the
# headline). An article as an extractor or a scraper left it (headline, maybe its repeat right
# below, then prose) is left alone: its short lines (a list, a table, code, a rating) are the
# author's.
LINK_RUN = 3
# Consecutive lines that read as datelines or bylines above the prose: this many are a
# schedule (see in_schedule), not the page's date and author.
SCHEDULE_ROWS = 3

RULE_IDS = (
    "content.byline",
    "content.dateline",
    "content.navigation",
    "content.boilerplate-block",
    "content.link-run",
    "content.aside",
)
_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


def headline_position(doc: Document) -> int | None:
    """Where the article starts: the line that followed the headline the title pass took from
    the body of a whole page (None when the headline was the first line, or not found)."""
    for edit in doc.applied:
        if edit.rule == "title.headline":
            return edit.line
    return None


def protected(features: PageFeatures) -> np.ndarray:
    """The paragraphs that read as prose: never removed, whatever the model says."""
    m = features.matrix
    long = features.words >= PROSE_SAFE_WORDS
    prose = long & (m[:, _COL["ends_sentence"]] > 0)
    if features.lang is not None:
        stop_share = m[:, _COL["stop_share"]]
        prose &= stop_share >= PROSE_SAFE_STOP_SHARE
        prose |= long & (stop_share >= PROSE_RICH_STOP_SHARE)
    return prose


def inner_sentences(features: PageFeatures, block: tuple[int, int] | None = None) -> np.ndarray:
    """Shorter sentences inside the main block of prose (between its first and last prose
    paragraph): SENTENCE_WORDS words or more, rich in stop words, ending a sentence or
    announcing what follows (a colon before code, a table, a list). An article's own.

    ``block``: the main block as the model's scores outline it (:func:`main_block`); when
    given, a sentence must stand inside it too. The prose of an author's box, a newsletter
    prompt or a related story's teaser below the article extends the run of prose paragraphs,
    not the block of likely article text, and its short sentences are not the article's."""
    m = features.matrix
    ends = (m[:, _COL["ends_sentence"]] > 0) | (m[:, _COL["ends_colon"]] > 0)
    inside = m[:, _COL["in_main"]] > 0
    if block is not None:
        idx = np.arange(len(inside))
        inside = inside & (idx >= block[0]) & (idx <= block[1])
    rich = m[:, _COL["stop_share"]] >= SENTENCE_STOP_SHARE
    out: np.ndarray = inside & ends & rich & (features.words >= SENTENCE_WORDS)
    return out


def sentences(features: PageFeatures) -> np.ndarray:
    """The paragraphs that read as a sentence of running text: LONG_WORDS words or more, a
    sentence ending and SENTENCE_STOP_SHARE of stop words (a menu item, a link, a teaser's
    headline or a table cell has none of the three or few stop words)."""
    m = features.matrix
    out: np.ndarray = (
        (features.words >= LONG_WORDS)
        & (m[:, _COL["ends_sentence"]] > 0)
        & (m[:, _COL["stop_share"]] >= SENTENCE_STOP_SHARE)
    )
    return out


def sandwiched(safe: np.ndarray, limit: int = SANDWICH) -> np.ndarray:
    """The paragraphs in a run of at most ``limit`` unprotected ones between two protected
    paragraphs: inside the article's prose (its subheadings, list items, short sentences).

    >>> sandwiched(np.array([True, False, True, False, False, False, False, True])).tolist()
    [False, True, False, False, False, False, False, False]
    """
    out = np.zeros(len(safe), dtype=bool)
    at = np.flatnonzero(safe)
    for left, right in zip(at[:-1].tolist(), at[1:].tolist(), strict=True):
        if 1 < right - left <= limit + 1:
            out[left + 1 : right] = True
    return out


def decide(
    features: PageFeatures,
    scores: np.ndarray,
    mode: str,
    tables: np.ndarray | Callable[[np.ndarray], np.ndarray] | None = None,
    block: tuple[int, int] | None = None,
) -> np.ndarray:
    """Which paragraphs to remove: below the mode's threshold and not protected prose (in the
    balanced and aggressive modes, protected prose outside the main block goes when the model
    is sure).

    ``tables``: the cells of tables printed one per line (:func:`tabular_rows`). In the guarded
    modes those inside the article (the model's main block, or between its first and last prose
    paragraph) are kept: one cell removed loses the whole row, and a cell alone reads like a
    menu item to the model. ``tables`` may also be a function that finds them given the lines
    it is asked about (a true value for each line whose fate a table changes): looking for
    tables is costly, and most of a page's runs of short lines hold none of those lines.
    ``block``: :func:`main_block` of the scores, when the caller has it.
    """
    if mode not in THRESHOLDS or not len(scores):
        return np.zeros(len(scores), dtype=bool)
    limits = THRESHOLDS[mode]
    if limits.guarded and features.lang not in TRUSTED_LANGUAGES:
        # The model learnt page shapes from pages in these languages only (and with no stop-word
        # list, prose cannot be told from a menu): elsewhere a guarded mode trusts it not.
        return np.zeros(len(scores), dtype=bool)
    first, last = block or main_block(scores, features.words)
    idx = np.arange(len(scores))
    safe = protected(features)
    if limits.guarded:
        safe = safe | sandwiched(safe) | inner_sentences(features, (first, last))
    threshold = np.where(features.words >= LONG_WORDS, limits.long, limits.short)
    if limits.sentence is not None:
        threshold = np.where(sentences(features), np.minimum(threshold, limits.sentence), threshold)
    if limits.short_inside is not None:
        inside = (idx >= first) & (idx <= last) & (features.matrix[:, _COL["in_main"]] > 0)
        short = inside & (features.words < LONG_WORDS)
        threshold = np.where(short, np.minimum(threshold, limits.short_inside), threshold)
    outside = (idx < first) | (idx > last)
    below = scores < threshold
    # Protected prose outside the main block that goes all the same.
    sure = outside & (scores < limits.outside_prose)
    if limits.guarded and tables is not None:
        inside = ~outside | (features.matrix[:, _COL["in_main"]] > 0)
        if callable(tables):
            # A table's cell is protected: that changes the fate of an unprotected line inside
            # when the two rules disagree on it.
            tables = tables(inside & ~safe & (below != sure))
        safe = safe | (tables & inside)
    drop: np.ndarray = (below & ~safe) | (safe & sure)
    return drop


def article_tables(
    lines: list[str],
    features: PageFeatures,
    scores: np.ndarray,
    block: tuple[int, int] | None = None,
    asked: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`tabular_rows` of the part of the page :func:`decide` keeps tables in (the
    model's main block and the lines between the first and last prose paragraph), looked for
    there only: the menus and footers around it are runs of short lines too, and the costliest
    to search. ``asked``: only the runs that hold one of these lines are searched."""
    out = np.zeros(len(lines), dtype=bool)
    if not len(scores):
        return out
    first, last = block or main_block(scores, features.words)
    inside = np.flatnonzero(features.matrix[:, _COL["in_main"]] > 0)
    if len(inside):
        first, last = min(first, int(inside[0])), max(last, int(inside[-1]))
    # Each line's chunks were counted with its features (when they describe these lines).
    pieces = features.pieces[first : last + 1] if len(features.pieces) == len(lines) else None
    out[first : last + 1] = tabular_rows(
        lines[first : last + 1], None if asked is None else asked[first : last + 1], pieces
    )
    return out


def looks_like_page(doc: Document, headline_at: int | None) -> bool:
    """Whether a document is a whole page rather than an article already extracted: its
    headline was found in the body under a page title, or the first line (the page title, which
    was the headline) stands again above the first prose paragraph (below the menu). Cheap: it
    is asked before any feature is computed."""
    if headline_at is not None:
        return True
    if doc.title is None or doc.title_from_input or any(e.rule == "title.repeat" for e in doc.applied):
        return False  # headline, its scraper's repeat, then the article
    key = headline_key(doc.title)
    for line in doc.lines:
        if is_prose_line(line):
            return False
        if headline_key(line) == key:
            return True
    return False


def framed_by_lines(lines: list[str]) -> bool:
    """Whether at least PAGE_MARGIN lines stand above the first long line (PROSE_SAFE_WORDS
    words) and below the last: the cheap test asked before any feature is computed (a line
    that reads as prose is at least that long, so a page framed by its prose passes it)."""
    long = [i for i, line in enumerate(lines) if len(line.split()) >= PROSE_SAFE_WORDS]
    return bool(long) and long[0] >= PAGE_MARGIN and len(lines) - 1 - long[-1] >= PAGE_MARGIN


def framed_by_page(features: PageFeatures) -> bool:
    """Whether the document's prose stands between at least PAGE_MARGIN lines above its first
    prose paragraph and PAGE_MARGIN below its last, mostly short ones on either side (a menu
    above, footers below): a whole page whose headline the title pass did not find in the body."""
    prose = np.flatnonzero(protected(features))
    if not len(prose):
        return False
    first, last = int(prose[0]), int(prose[-1])
    if first < PAGE_MARGIN or len(features.words) - 1 - last < PAGE_MARGIN:
        return False
    short = features.matrix[:, _COL["short"]] > 0
    return bool(short[:first].mean() > FRAME_SHORT_SHARE and short[last + 1 :].mean() > FRAME_SHORT_SHARE)


def _maybe_byline(features: PageFeatures) -> np.ndarray:
    """The lines :func:`is_byline` can hold true: its anchored pattern is the ``byline``
    feature of a line of at most 12 words, so such a line without that feature is none."""
    out: np.ndarray = (features.matrix[:, _COL["byline"]] > 0) | (features.words > 12)
    return out


def _maybe_dateline(features: PageFeatures) -> np.ndarray:
    """The lines :func:`is_dateline` can hold true: a date has a digit, and the ``date``
    feature is the same test on a line of at most 14 words with a digit."""
    m = features.matrix
    out: np.ndarray = (m[:, _COL["digit_share"]] > 0) & ((m[:, _COL["date"]] > 0) | (features.words > 14))
    return out


def article_head(lines: list[str], features: PageFeatures) -> list[int]:
    """The bylines and datelines above the article: the lines before its first prose
    paragraph that read as one. They go to the record whatever the model says: they are the
    page's data, and an article's own text does not open with them."""
    prose = np.flatnonzero(protected(features))
    end = int(prose[0]) if len(prose) else 0
    byline, dateline = _maybe_byline(features)[:end], _maybe_dateline(features)[:end]
    found = [
        i
        for i in np.flatnonzero(byline | dateline).tolist()
        if (byline[i] and is_byline(lines[i])) or (dateline[i] and is_dateline(lines[i]))
    ]
    return [i for i in found if not in_schedule(found, i)]


def in_schedule(found: list[int], i: int) -> bool:
    """Whether line ``i`` is one of SCHEDULE_ROWS or more consecutive lines in ``found`` (the
    lines that read as datelines or bylines): a page's date and author stand alone or as a
    pair; three dates in a row are a schedule or a list of events, the article's own table.

    >>> [in_schedule([2, 5, 6, 7, 9], i) for i in (2, 5, 6, 7, 9)]
    [False, True, True, True, False]
    """
    at = set(found)
    run = 1
    j = i - 1
    while j in at:
        run, j = run + 1, j - 1
    j = i + 1
    while j in at:
        run, j = run + 1, j + 1
    return run >= SCHEDULE_ROWS


def rules_for(
    lines: list[str], rows: list[int], features: PageFeatures
) -> list[tuple[str, MoveTarget | None]]:
    """The rule id of each removal in ``rows`` (and where a byline or dateline goes) from where
    it stood. The columns it reads are taken once as lists, and the byline and dateline
    patterns asked only of the lines whose features allow one (:func:`_maybe_byline`,
    :func:`_maybe_dateline`)."""
    m = features.matrix
    byline, dateline = _maybe_byline(features).tolist(), _maybe_dateline(features).tolist()
    before = (m[:, _COL["before_main"]] > 0).tolist()
    after = (m[:, _COL["after_main"]] > 0).tolist()
    link_run = (np.expm1(m[:, _COL["log_short_run"]]) >= LINK_RUN).tolist()
    out: list[tuple[str, MoveTarget | None]] = []
    for i in rows:
        line = lines[i]
        if byline[i] and is_byline(line):
            out.append(("content.byline", "byline"))
        elif dateline[i] and is_dateline(line):
            out.append(("content.dateline", "published"))
        elif before[i]:
            out.append(("content.navigation", None))
        elif after[i]:
            out.append(("content.boilerplate-block", None))
        elif link_run[i]:
            out.append(("content.link-run", None))
        else:
            out.append(("content.aside", None))
    return out


@dataclass(frozen=True)
class FindContent:
    """Remove the paragraphs of a page that are not its article (see the module docstring)."""

    mode: str = DEFAULT_CONTENT_MODE
    name: ClassVar[str] = "content"
    prefix: ClassVar[str] = "content"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#6e4b00", "#fff1c2")
    code_rules: ClassVar[tuple[str, ...]] = RULE_IDS

    def __call__(self, doc: Document) -> Iterator[Edit]:
        if self.mode == "off" or len(doc.lines) < MIN_LINES:
            return
        if any(e.pass_name == self.name for e in doc.applied):
            return  # decided once: its own removals must not move the ground it stood on
        headline_at = headline_position(doc)
        limits = THRESHOLDS.get(self.mode)
        guarded = limits is not None and limits.guarded
        page = not guarded or looks_like_page(doc, headline_at)
        if not page and not framed_by_lines(doc.lines):
            return
        features = document_features(doc.lines, headline_at, doc.title)
        if not page and not framed_by_page(features):
            return
        scores = shipped_model().predict(features)
        block = main_block(scores, features.words) if len(scores) else None  # once, for both
        # Tables are looked for only where decide says one would change a line's fate.
        tables = partial(article_tables, doc.lines, features, scores, block) if guarded else None
        drop = decide(features, scores, self.mode, tables, block)
        drop[article_head(doc.lines, features)] = True
        if doc.title is None:
            drop[0] = False  # the title pass's to take (a page title whose site name it cut)
        rows = np.flatnonzero(drop).tolist()
        for i, (rule, moved_to) in zip(rows, rules_for(doc.lines, rows, features), strict=True):
            yield Edit.drop_line(self.name, rule, i, doc.lines[i], moved_to=moved_to)
