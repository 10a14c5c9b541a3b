"""What a paragraph is, as numbers: the features the content model decides on.

Every feature describes the *shape* of a paragraph and of its neighbourhood, never its words
(apart from the language's stop words, which measure how much a line reads like running prose):
menus are runs of short title-case lines, link lists runs of headline-like lines, prose has
stop words and ends its sentences. This follows boilerpipe's "shallow text features" and
jusText's stop-word density, with the context they use (a short line between two prose
paragraphs is a subheading, a short line in a run of short lines is navigation).

:func:`document_features` turns a document's paragraphs into one row per paragraph; the column
order is :data:`FEATURE_NAMES`, which the model file records, so a model trained on other
columns is refused at load time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import count, repeat
from operator import is_not, itemgetter

import numpy as np

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# Punctuation that a whitespace-separated chunk often starts or ends with and no _TOKEN contains
# at either end of a chunk (an apostrophe joins two runs of letters only; none of these is a
# letter or a digit): stripped before a chunk is asked whether it is one word.
_CHUNK_ENDS = ".,;:!?\"()[]'’“”«»-–—/|…*"


def _words_of(lines: list[str]) -> tuple[list[str], list[int], list[int]]:
    """``_TOKEN.findall`` of each of ``lines``, as one list of all their words and where each
    line's words end in it: one list for a page, not one per line (fewer objects for the
    garbage collector to count, no list of lists to flatten). Cheaper than the regular
    expression: no token spans whitespace, and a chunk of letters between whitespace (after its
    leading and trailing punctuation are stripped) is one token, so the expression runs only on
    the chunks that hold something else (a digit, an apostrophe, a hyphen). Also each line's
    number of chunks (``len(line.split())``, what the table search counts), found on the way.

    >>> _words_of(["Don't miss: the 2025 “Harbour-Bridge” vote, 4pm.", "Ferry"])
    (["Don't", 'miss', 'the', 'Harbour', 'Bridge', 'vote', 'pm', 'Ferry'], [7, 8], [7, 1])
    """
    out: list[str] = []
    ends: list[int] = []
    pieces: list[int] = []
    add, extend, end_line, findall = out.append, out.extend, ends.append, _TOKEN.findall
    count_pieces = pieces.append
    for line in lines:
        chunks = line.split()
        count_pieces(len(chunks))
        for chunk in chunks:
            if chunk.isalpha():
                add(chunk)
                continue
            inner = chunk.strip(_CHUNK_ENDS)
            if inner.isalpha():
                add(inner)
            elif inner:
                extend(findall(inner))
        end_line(len(out))
    return out, ends, pieces


_SENTENCE_END = re.compile(r"[.!?…。！？]['\"’”»)\]]*$")
_SEPARATORS = re.compile(r"\s[|»›•·/>~→←]\s|^[»›•·→▸►]|[|»›]\s*$|\s[-–—]\s.*\s[-–—]\s")
_BULLET = re.compile(r"^(?:[-*•·–—▪►▸]|\d{1,2}[.)])\s")
_URLISH = re.compile(r"https?://|www\.|@\w|\w@\w|#\w")
# A byline names a person after "By" (in the languages the stop-word lists cover) or is one
# or two capitalised names before a role; a dateline is a date or a time, or how long a read is.
_BYLINE = re.compile(
    r"^(?i:by|von|por|par|di|door|przez|av|af|autor(?:a)?:?|written by|words by|reporting by)\s+"
    r"[A-ZÀ-ÖØ-Þ]\S*(?:\s+\S+){0,8}$"
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|dezember|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "januari|februari|maart|mei|augustus"
)
_DIGIT = re.compile(r"\d")
# A date in two parts (a line has a date when either finds one): the forms that start with a
# digit (31/01/2025, 2025-01-31, 9:30, 4 Feb, 5 min read, 2h ago), and a month name before a day
# ("Feb 4") found as a run of letters whose name is then checked, instead of trying every month
# at every word of the line. The first part's pattern opens with the digit every such date
# starts with (the word boundary before it is the lookbehind right after it), so the regular
# expression engine jumps from digit to digit instead of trying every position: the same lines
# as ``\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|...)``.
_DATE_FROM_DIGIT = re.compile(
    rf"\d(?<!\w\d)(?:\d?[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{3}}-\d{{2}}-\d{{2}}|\d?:\d{{2}}"
    rf"|\d?\.?\s+(?:de\s+)?(?:{_MONTHS})\b"
    rf"|\d*\s*(?:min|mins|minutes?|h|hrs?|hours?|days?|d)\s+(?:ago|read)\b)",
    re.IGNORECASE,
)
_WORD_BEFORE_DAY = re.compile(r"\b([^\W\d_]+)\.?\s+\d{1,2}\b")
_MONTH = re.compile(rf"(?:{_MONTHS})", re.IGNORECASE)


def _has_date(line: str) -> bool:
    """Whether ``line`` holds a date: every date has a digit, and a month is looked for only in
    the words right before a day.

    >>> _has_date("Published: 4 Feb 2025"), _has_date("Updated Feb 4"), _has_date("5 min read")
    (True, True, True)
    >>> _has_date("Subscribe to our newsletter"), _has_date("Top 10 tips for spring")
    (False, False)
    """
    if _DIGIT.search(line) is None:
        return False
    if _DATE_FROM_DIGIT.search(line):
        return True
    return any(_MONTH.fullmatch(found.group(1)) for found in _WORD_BEFORE_DAY.finditer(line))


# Lines of at most SHORT_WORDS words that do not end a sentence make link lists and menus.
SHORT_WORDS = 8
# A prose line: long enough, and (when the language is known) rich in stop words.
PROSE_WORDS = 15
PROSE_STOP_SHARE = 0.2
LANGUAGE_MIN_SHARE = 0.08
NEIGHBOURS = (-2, -1, 1, 2)

LINE_FEATURES = (
    "log_words",
    "log_chars",
    "ends_sentence",
    "ends_colon",
    "ends_question",
    "stop_share",
    "title_case_share",
    "upper_share",
    "digit_share",
    "punct_share",
    "commas_per_word",
    "mean_word_len",
    "separators",
    "bullet",
    "urlish",
    "byline",
    "date",
    "starts_lower",
    "short",
    "prose",
    "log_short_run",
    "repeats",
    "rel_position",
    "in_main",
    "before_main",
    "after_main",
    "log_prose_distance",
    "has_headline",
    "before_headline",
    "log_after_headline",
    "title_overlap",
)
NEIGHBOUR_FEATURES = ("exists", "log_words", "ends_sentence", "stop_share", "prose", "short")
DOCUMENT_FEATURES = ("doc_short_share", "doc_log_lines", "doc_prose_share", "lang_known")
FEATURE_NAMES: tuple[str, ...] = (
    *LINE_FEATURES,
    *(f"n{offset:+d}_{name}" for offset in NEIGHBOURS for name in NEIGHBOUR_FEATURES),
    *DOCUMENT_FEATURES,
)
_COLUMN = {name: i for i, name in enumerate(LINE_FEATURES)}


@cache
def stop_words() -> dict[str, frozenset[str]]:
    """The shipped stop-word lists (jusText's, see ``bench/training/make_stopwords.py``), by language."""
    raw = resources.files("cleaner.content").joinpath("stopwords.json").read_text(encoding="utf-8")
    return {code: frozenset(words) for code, words in json.loads(raw)["languages"].items()}


@cache
def _language_table() -> tuple[tuple[str, ...], dict[str, int], np.ndarray]:
    """The languages, each stop word's row, and a 0/1 matrix (stop word, language) of which
    languages it is a stop word of: one lookup per distinct word of a document."""
    codes = tuple(sorted(stop_words()))
    rows: dict[str, int] = {}
    for code in codes:
        for word in sorted(stop_words()[code]):
            rows.setdefault(word, len(rows))
    table = np.zeros((len(rows), len(codes)), dtype=np.int64)
    for column, code in enumerate(codes):
        table[[rows[word] for word in stop_words()[code]], column] = 1
    return codes, rows, table


def guess_language(tokens: list[list[str]]) -> str | None:
    """The language whose stop words cover most of the document's words, or None.

    Cheaper than a language detector and exactly what the stop-word share needs: the list that
    fits the text. None when no list covers at least LANGUAGE_MIN_SHARE of the words.

    >>> guess_language([["the", "bridge", "was", "closed", "on", "monday"]])
    'en'
    >>> guess_language([["die", "brücke", "war", "am", "montag", "gesperrt"]])
    'de'
    >>> guess_language([["xq", "zz"]]) is None
    True
    """
    seen: Counter[str] = Counter()
    for words in tokens:
        seen.update(words)
    return _best_language(list(seen), np.array(list(seen.values()), dtype=np.int64), seen.total())


def _best_language(words: list[str], times: np.ndarray, total: int) -> str | None:
    """:func:`guess_language` from case-folded words, how often each occurs and the number of
    words: each distinct word looked up once, its languages added up as one matrix product."""
    return _language_and_stops(words, times, total)[0]


def _language_and_stops(words: list[str], times: np.ndarray, total: int) -> tuple[str | None, np.ndarray]:
    """:func:`_best_language`, and which of ``words`` are stop words of that language: read off
    the same lookup (a word is a stop word of a language when its row marks that language)."""
    rows = _language_table()[1]
    at = np.fromiter(map(rows.get, words, repeat(-1)), dtype=np.intp, count=len(words))
    return _stops_of_rows(at, times, total)


# What the features ask of a distinct word, remembered per process: a page repeats the words of
# the pages before it (on wcxb-dev nine in ten of a page's distinct words were on an earlier
# page), so each is case-folded, looked up in the stop words and its capitals and length read
# once. A word maps to ``folded << _FORM_SHIFT | flags << _LEN_BITS | length``: ``folded``
# numbers its case-folded form (the same number for every word that folds alike) and indexes
# _FOLDED_ROWS (that form's row of the stop-word table, -1 for none); the flags are _ALPHA (first
# character a letter), _TITLE (and an upper-case one), _UPPER (a letter first, longer than one
# character, all cased characters upper) and _FOLDS_LONG (the folded form is longer than one
# character); ``length`` is the word's length, _LEN_CAP for that or more (the few such words are
# measured again). Cleared whole, between two documents only (the numbers of one document's
# words must stay apart), once it holds WORD_MEMORY words.
WORD_MEMORY = 200_000
_ALPHA, _TITLE, _UPPER, _FOLDS_LONG = 1, 2, 4, 8
_FLAG_BITS = 4
_LEN_BITS = 16
_LEN_CAP = (1 << _LEN_BITS) - 1
_FORM_SHIFT = _FLAG_BITS + _LEN_BITS
_WORDS: dict[str, int] = {}
_FOLDED: dict[str, int] = {}
_FOLDED_ROWS = [np.full(1024, -1, dtype=np.intp)]


def _flags(values: Iterator[bool], size: int) -> np.ndarray:
    """``values`` as a boolean array of ``size``."""
    return np.fromiter(values, dtype=bool, count=size)


def _learn(words: list[str]) -> None:
    """Put new distinct ``words`` in _WORDS (see there), their folded forms numbered if new (in
    the order the words come), all at once: each question asked of every word by one ``map``."""
    size = len(words)
    folded = list(map(str.casefold, words))
    fresh = [form for form in dict.fromkeys(folded) if form not in _FOLDED]
    if fresh:
        start = len(_FOLDED)
        _FOLDED.update(zip(fresh, range(start, start + len(fresh)), strict=True))
        rows = _FOLDED_ROWS[0]
        while start + len(fresh) > len(rows):
            rows = _FOLDED_ROWS[0] = np.concatenate([rows, np.full(len(rows), -1, dtype=np.intp)])
        table_rows = _language_table()[1]
        rows[start : start + len(fresh)] = np.fromiter(
            map(table_rows.get, fresh, repeat(-1)), dtype=np.intp, count=len(fresh)
        )
    numbers = np.fromiter(map(_FOLDED.__getitem__, folded), dtype=np.int64, count=size)
    firsts = list(map(itemgetter(slice(1)), words))
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=size)
    alpha = _flags(map(str.isalpha, firsts), size)
    title = alpha & _flags(map(str.isupper, firsts), size)
    upper = alpha & (lengths > 1) & _flags(map(str.isupper, words), size)
    folds_long = np.fromiter(map(len, folded), dtype=np.int64, count=size) > 1
    flags = alpha * _ALPHA | title * _TITLE | upper * _UPPER | folds_long * _FOLDS_LONG
    entries = numbers << _FORM_SHIFT | flags.astype(np.int64) << _LEN_BITS | np.minimum(lengths, _LEN_CAP)
    _WORDS.update(zip(words, entries.tolist(), strict=True))


def _word_entries(words: list[str]) -> np.ndarray:
    """The _WORDS entry of each of one document's words, the new ones learnt (once each)."""
    if len(_WORDS) >= WORD_MEMORY:
        _WORDS.clear()
        _FOLDED.clear()
    entries = np.fromiter(map(_WORDS.get, words, repeat(-1)), dtype=np.int64, count=len(words))
    new = np.flatnonzero(entries < 0).tolist()
    if new:
        unknown = list(map(words.__getitem__, new))
        _learn(list(dict.fromkeys(unknown)))
        entries[new] = np.fromiter(map(_WORDS.__getitem__, unknown), dtype=np.int64, count=len(new))
    return entries


def _word_lengths(words: list[str], entries: np.ndarray) -> np.ndarray:
    """The length of each of ``words`` from its entry (measured again when _LEN_CAP or more)."""
    lengths = entries & _LEN_CAP
    for at in np.flatnonzero(lengths == _LEN_CAP).tolist():
        lengths[at] = len(words[at])
    return lengths


def _stops_of_rows(at: np.ndarray, times: np.ndarray, total: int) -> tuple[str | None, np.ndarray]:
    """:func:`_language_and_stops` from each word's row of the stop-word table (-1: none)."""
    codes, _, table = _language_table()
    hit = at >= 0
    counts = times[hit].astype(np.int64) @ table[at[hit]]
    none = np.zeros(len(at), dtype=bool)
    if not total:
        return None, none
    best = int(np.argmax(counts))
    if counts[best] < LANGUAGE_MIN_SHARE * total:
        return None, none
    is_stop = none
    is_stop[hit] = table[at[hit], best] > 0
    return codes[best], is_stop


@dataclass(frozen=True)
class PageFeatures:
    """The feature matrix of one document, with what the decisions also need by name."""

    matrix: np.ndarray  # (lines, len(FEATURE_NAMES)) float32
    words: np.ndarray  # word count per line
    lang: str | None
    # The content words (not stop words) of each line, as word numbers of this document and
    # the line each stands in (sorted by line): what the topic features compare.
    token_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    token_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Each line's number of chunks between white space (``len(line.split())``): what the table
    # search (:func:`tabular_rows`) counts a cell's words by.
    pieces: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, FEATURE_NAMES.index(name)]


def true_runs(flags: Sequence[bool] | np.ndarray) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each run of consecutive true values, in order.

    >>> list(true_runs([False, True, True, False, True]))
    [(1, 3), (4, 5)]
    """
    # Where the flags change, found at once (a loop over the flags reads them one by one).
    padded = np.concatenate(([False], np.asarray(flags, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1]).tolist()
    return zip(edges[::2], edges[1::2], strict=True)


def _short_runs(short: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive short lines it stands in (0 if not short)."""
    runs = np.zeros(len(short), dtype=np.float64)
    for start, end in true_runs(short):
        runs[start:end] = end - start
    return runs


def _distance_to(flags: np.ndarray) -> np.ndarray:
    """For each line, how many lines away the nearest flagged line is (n when there is none)."""
    n = len(flags)
    where = np.flatnonzero(flags)
    if not len(where):
        return np.full(n, float(n))
    idx = np.arange(n)
    pos = np.searchsorted(where, idx)
    right = np.where(pos < len(where), where[np.minimum(pos, len(where) - 1)] - idx, n)
    left = np.where(pos > 0, idx - where[np.maximum(pos - 1, 0)], n)
    return np.minimum(np.abs(right), np.abs(left)).astype(np.float64)


_CLOSERS = "'\"’”»)]"
_ENDERS = (".", "!", "?", "…", "。", "！", "？")


def _urlish(line: str) -> bool:
    """``_URLISH.search(line)``, asked only of lines with the characters it needs."""
    if "@" in line or "#" in line or "www." in line or "://" in line:
        return bool(_URLISH.search(line))
    return False


# Character classes, one per character: other, digit (str.isdigit), punctuation (neither
# alphanumeric nor space), the comma, and the punctuation _SEPARATORS needs.
_OTHER, _DIGIT_CLASS, _PUNCT, _COMMA, _SEPARATOR_CLASS = range(5)
_SEPARATOR_CHARS = "|»›•·/>~→←▸►-–—"


def _char_class(char: str) -> int:
    if char.isdigit():
        return _DIGIT_CLASS
    if char.isalnum() or char.isspace():
        return _OTHER
    return _COMMA if char == "," else _SEPARATOR_CLASS if char in _SEPARATOR_CHARS else _PUNCT


@cache
def _char_classes() -> np.ndarray:
    """:func:`_char_class` of every character of the Basic Multilingual Plane, built once per
    process."""
    return np.fromiter((_char_class(chr(c)) for c in range(0x10000)), dtype=np.uint8, count=0x10000)


@cache
def _spaces() -> np.ndarray:
    """``str.isspace`` of every character of the Basic Multilingual Plane (what ``\\s`` matches)."""
    return np.fromiter((chr(c).isspace() for c in range(0x10000)), dtype=bool, count=0x10000)


def _char_counts(lines: list[str], lengths: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per line: its digits, its punctuation characters, its commas and the characters
    :data:`_SEPARATORS` needs that stand where it looks for them, classified over the whole
    document's code points at once (:func:`_char_classes`) and counted in one pass over the
    characters that are not letters or spaces (a small part of a page), each placed in its
    line by the lines' end offsets."""
    points = np.frombuffer("".join(lines).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    class_of = _char_classes()
    wide = points >= len(class_of)
    if wide.any():  # beyond the Basic Multilingual Plane (emoji, rare scripts): one by one
        classes = class_of[np.where(wide, 0, points)]
        for at in np.flatnonzero(wide).tolist():
            classes[at] = _char_class(chr(int(points[at])))
    else:
        classes = class_of[points]
    counted = np.flatnonzero(classes)
    ends = np.cumsum(lengths)
    line_of = np.searchsorted(ends, counted, side="right")
    keys = line_of * 5 + classes[counted]
    table = np.bincount(keys, minlength=5 * len(lines)).reshape(len(lines), 5)
    table = table.astype(np.float64)
    punct = table[:, _PUNCT] + table[:, _COMMA] + table[:, _SEPARATOR_CLASS]
    # Every match of _SEPARATORS holds a separator character at its line's start or end or next
    # to a space (\s is str.isspace, all of it in the Basic Multilingual Plane): the lines with
    # one are the only ones it can match (a hyphen or a slash inside a word is neither).
    at = counted[classes[counted] == _SEPARATOR_CLASS]
    line = line_of[classes[counted] == _SEPARATOR_CLASS]
    space = _spaces()
    last = len(points) - 1
    loose = (at == ends[line] - lengths[line]) | (at == ends[line] - 1)
    loose |= space[np.minimum(points[np.maximum(at - 1, 0)], 0xFFFF)]
    loose |= space[np.minimum(points[np.minimum(at + 1, last)], 0xFFFF)]
    spaced = np.bincount(line[loose], minlength=len(lines))
    return table[:, _DIGIT_CLASS], punct, table[:, _COMMA], spaced


def _forms(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(numbers, return_index=True, return_inverse=True)`` of the folded forms' numbers
    of a page's words, without sorting them: the numbers are small (below the word memory's
    size), so a table as long as the largest one finds each one's first occurrence. Also that
    table: by number, where it first occurs (``len(numbers)`` for none).

    >>> [a.tolist() for a in _forms(np.array([7, 2, 7, 5, 2]))]
    [[2, 5, 7], [1, 3, 0], [2, 0, 2, 1, 0], [5, 5, 1, 5, 5, 3, 5, 0]]
    """
    size = len(numbers)
    first = np.full(int(numbers.max()) + 1 if size else 0, size, dtype=np.intp)
    np.minimum.at(first, numbers, np.arange(size))
    present = first < size
    found = np.flatnonzero(present)
    dense = np.cumsum(present) - 1
    return found, first[found], dense[numbers], first


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole`` where ``whole`` is not 0, else 0 (both exact counts: the same float as
    Python's ``int / int``)."""
    out = np.zeros(len(part), dtype=np.float64)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


def document_features(
    lines: list[str], headline_at: int | None = None, title: str | None = None
) -> PageFeatures:
    """One row of :data:`FEATURE_NAMES` per paragraph of ``lines``.

    ``headline_at``: the index of the first line after the page's headline, when the title pass
    found the headline in the body (the article starts there; menus stand above it).
    ``title``: the headline, when known (article paragraphs share its words, menus rarely do).

    Cost: a page has hundreds of lines and the same words again and again, so each distinct
    word is described once (case-folded, looked up in the stop words, its capitals counted)
    and the per-line figures are sums over the document's words and characters at once; only
    the regular expressions that look at a line's ends run line by line, once per distinct line.
    """
    n = len(lines)
    width = len(FEATURE_NAMES)
    if not n:
        return PageFeatures(np.zeros((0, width), dtype=np.float32), np.zeros(0), None)
    # A page repeats lines (its menu above and below the article, a share bar, "Read more"):
    # what a line is by itself (its words, characters, ends and patterns) is worked out once
    # per distinct line, a "row", and copied to every line that repeats it. The rows keep the
    # order in which the lines first occur, so the words first occur in the same order too and
    # every number below is what one pass over all the lines gives.
    first_seen = dict.fromkeys(lines)
    rows = list(first_seen)
    m = len(rows)
    if m < n:
        row_number = dict(zip(rows, range(m), strict=True))
        row_of = np.fromiter(map(row_number.__getitem__, lines), dtype=np.intp, count=n)
        copies = np.bincount(row_of, minlength=m)
    else:
        row_of = np.arange(n)
        copies = np.ones(n, dtype=np.int64)
    flat, word_ends, pieces = _words_of(rows)
    per_row = np.array(word_ends, dtype=np.int64)
    per_row[1:] -= per_row[:-1].copy()  # words per row
    n_words_all = per_row[row_of].astype(np.float64)
    n_words_row = per_row.astype(np.float64)
    row_of_word = np.repeat(np.arange(m), per_row)
    # Each word read straight off the word memory (the words a page repeats are the ones just
    # looked up), and the page's folded forms numbered from there: numbering the page's distinct
    # words first took two more passes over its words.
    entries = _word_entries(flat)
    numbers, first_at, form_of, first_of_number = _forms(entries >> _FORM_SHIFT)
    # How often each folded form occurs on the page: in its row, times the lines that repeat it.
    times = np.bincount(form_of, weights=copies[row_of_word], minlength=len(numbers)).astype(np.int64)
    lang, form_is_stop = _stops_of_rows(_FOLDED_ROWS[0][numbers], times, int(per_row @ copies))
    is_stop = form_is_stop[form_of]
    stops = stop_words().get(lang or "", frozenset())

    def row_sum(word_values: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.bincount(row_of_word, weights=word_values, minlength=m)
        return out

    flags = entries >> _LEN_BITS
    alpha = (flags & _ALPHA) > 0
    title_case = (flags & _TITLE) > 0
    word_len = _word_lengths(flat, entries)
    upper = (flags & _UPPER) > 0
    alpha_words = row_sum(alpha)
    chars = np.fromiter(map(len, rows), dtype=np.int64, count=m)
    digits, punct, commas, separator_chars = _char_counts(rows, chars)
    chars_f = chars.astype(np.float64)
    row_base = np.zeros((m, len(LINE_FEATURES)), dtype=np.float64)
    row_base[:, 0] = np.log1p(n_words_row)
    row_base[:, 1] = np.log1p(chars_f)
    row_base[:, 5] = _share(row_sum(is_stop), n_words_row)
    row_base[:, 6] = _share(row_sum(title_case), alpha_words)
    row_base[:, 7] = _share(row_sum(upper), alpha_words)
    row_base[:, 8] = _share(digits, chars_f)
    row_base[:, 9] = _share(punct, chars_f)
    row_base[:, 10] = _share(commas, n_words_row)
    row_base[:, 11] = np.minimum(_share(row_sum(word_len), n_words_row), 20.0)
    stripped = list(map(str.rstrip, rows))
    # _SENTENCE_END, a colon, a question mark at the end (white space and closers aside).
    row_base[:, 2] = list(map(str.endswith, map(str.rstrip, stripped, repeat(_CLOSERS)), repeat(_ENDERS)))
    row_base[:, 3] = list(map(str.endswith, stripped, repeat(":")))
    row_base[:, 4] = list(map(str.endswith, stripped, repeat(("?", "？"))))
    at = np.flatnonzero(separator_chars)
    row_base[at, 12] = [min(len(_SEPARATORS.findall(rows[i])), 3) for i in at.tolist()]
    row_base[:, 13] = list(map(is_not, map(_BULLET.match, rows), repeat(None)))
    row_base[:, 14] = list(map(_urlish, rows))
    at = np.flatnonzero(per_row <= 12)
    row_base[at, 15] = [_BYLINE.match(rows[i]) is not None for i in at.tolist()]
    at = np.flatnonzero((per_row <= 14) & (digits > 0))  # every date has a digit
    row_base[at, 16] = [_has_date(rows[i]) for i in at.tolist()]
    row_base[:, 17] = list(map(str.islower, map(itemgetter(slice(1)), rows)))
    base = row_base[row_of] if m < n else row_base
    # The copies of a line, case aside: its row's copies added up over the rows that fold alike.
    same_fold: dict[str, int] = {}
    fold_of = np.fromiter(map(same_fold.setdefault, map(str.casefold, rows), count()), dtype=np.intp, count=m)
    copies_of_row = np.bincount(fold_of, weights=copies, minlength=m)[fold_of]
    base[:, 21] = np.minimum(copies_of_row[row_of] - 1, 3)
    ends = base[:, 2] > 0
    short = (n_words_all <= SHORT_WORDS) & ~ends
    known = bool(stops)
    prose = (n_words_all >= PROSE_WORDS) & ((base[:, 5] >= PROSE_STOP_SHARE) if known else ends)
    base[:, 18] = short
    base[:, 19] = prose
    base[:, 20] = np.log1p(_short_runs(short))
    base[:, 22] = np.arange(n) / max(n - 1, 1)
    prose_at = np.flatnonzero(prose)
    if len(prose_at):
        first, last = int(prose_at[0]), int(prose_at[-1])
        idx = np.arange(n)
        base[:, 23] = (idx >= first) & (idx <= last)
        base[:, 24] = idx < first
        base[:, 25] = idx > last
    base[:, 26] = np.log1p(_distance_to(prose))
    # The content words of each line, once per line: (line, word number) pairs sorted by line.
    # The folded forms numbered in the order they first occur (the words' own order).
    order = np.argsort(first_at)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    word_number = rank[form_of]
    keep = ~is_stop & ((flags & _FOLDS_LONG) > 0)
    span = max(len(numbers), 1)
    pairs = np.sort(row_of_word[keep].astype(np.int64) * span + word_number[keep], kind="stable")
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
    at, token_ids = pairs // span, pairs % span
    if m < n:  # each line takes its row's content words
        in_row = np.bincount(at, minlength=m)
        row_start = np.cumsum(in_row) - in_row
        take = in_row[row_of]
        line_start = np.cumsum(take) - take
        token_ids = token_ids[np.repeat(row_start[row_of] - line_start, take) + np.arange(int(take.sum()))]
        at = np.repeat(np.arange(n), take)
    if title:
        title_words = {w.casefold() for w in _TOKEN.findall(title)} - stops
        title_numbers = [_FOLDED[w] for w in title_words if w in _FOLDED and len(w) > 1]
        in_title = np.zeros(span, dtype=np.float64)
        named = np.zeros(len(first_of_number), dtype=bool)  # by folded form's number
        named[[number for number in title_numbers if number < len(named)]] = True
        in_title[: len(order)] = named[numbers[order]]
        hits = np.bincount(at, weights=in_title[token_ids], minlength=n)
        base[:, 30] = hits / np.maximum(np.bincount(at, minlength=n), 1)
    if headline_at is not None:
        idx = np.arange(n)
        base[:, 27] = 1.0
        base[:, 28] = idx < headline_at
        base[:, 29] = np.log1p(np.maximum(idx - headline_at, 0))
    neighbour_cols = [
        _COLUMN["log_words"],
        _COLUMN["ends_sentence"],
        _COLUMN["stop_share"],
        _COLUMN["prose"],
        _COLUMN["short"],
    ]
    # Written straight into the float32 matrix (the same rounding as one astype at the end): a
    # neighbour's columns are the lines' own shifted by the offset, absent ones 0.
    matrix = np.zeros((n, width), dtype=np.float32)
    matrix[:, : len(LINE_FEATURES)] = base
    column = len(LINE_FEATURES)
    for offset in NEIGHBOURS:
        lo, hi = max(0, -offset), min(n, n - offset)  # the lines whose neighbour exists
        if lo < hi:
            matrix[lo:hi, column] = 1.0
            matrix[lo:hi, column + 1 : column + len(NEIGHBOUR_FEATURES)] = base[lo + offset : hi + offset][
                :, neighbour_cols
            ]
        column += len(NEIGHBOUR_FEATURES)
    doc = np.array([short.mean(), np.log1p(n), prose.mean(), float(known)], dtype=np.float64)
    matrix[:, column:] = doc
    pieces_of_line = np.array(pieces, dtype=np.int64)[row_of] if m < n else np.array(pieces, dtype=np.int64)
    return PageFeatures(matrix, n_words_all, lang, token_ids, at, pieces_of_line)


CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_FEATURES: tuple[str, ...] = (
    "score",
    *(f"score{offset:+d}" for offset in CONTEXT_OFFSETS),
    "window_mean",
    "in_block",
    "before_block",
    "after_block",
    "log_block_distance",
    "block_share",
    "topic",
    "topic_block",
)
BLOCK_WINDOW = 5


def main_block(scores: np.ndarray, words: np.ndarray, bias: float = 0.5) -> tuple[int, int]:
    """The run of paragraphs (first, last) with the most article words net of the rest: the
    maximum-sum run of ``words * (score - bias)`` (the article is one block of text)."""
    gains = np.maximum(words, 1.0) * (scores - bias)
    best, current, start, first, last = -np.inf, 0.0, 0, 0, 0
    for i, gain in enumerate(gains.tolist()):
        if current <= 0:
            current, start = gain, i
        else:
            current += gain
        if current > best:
            best, first, last = current, start, i
    return first, last


def _window_sum(values: np.ndarray, half: int) -> np.ndarray:
    """The sum of ``values`` over each position's window of ``half`` on either side."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(len(values))
    hi = np.minimum(idx + half + 1, len(values))
    lo = np.maximum(idx - half, 0)
    out: np.ndarray = cumulative[hi] - cumulative[lo]
    return out


def context_features(
    scores: np.ndarray, words: np.ndarray, token_ids: np.ndarray, token_lines: np.ndarray
) -> np.ndarray:
    """A paragraph's first-stage score with its neighbours', its place in the main block, and
    how much it shares the article's topic: the second stage's extra columns
    (:data:`CONTEXT_FEATURES`). ``topic`` is the share of a line's content words that other
    lines likely to be article (weighted by their scores) also use; ``topic_block`` the same
    within the main block. A related story's teaser is prose on another topic."""
    n = len(scores)
    out = np.zeros((n, len(CONTEXT_FEATURES)), dtype=np.float64)
    if not n:
        return out.astype(np.float32)
    out[:, 0] = scores
    idx = np.arange(n)
    # A neighbour's score is a slice of the scores padded with 0.5 (no neighbour there).
    reach = max(map(abs, CONTEXT_OFFSETS))
    padded = np.full(n + 2 * reach, 0.5)
    padded[reach : reach + n] = scores
    for j, offset in enumerate(CONTEXT_OFFSETS, start=1):
        out[:, j] = padded[reach + offset : reach + offset + n]
    weight = np.maximum(words, 1.0)
    out[:, 7] = _window_sum(scores * weight, BLOCK_WINDOW) / _window_sum(weight, BLOCK_WINDOW)
    first, last = main_block(scores, words)
    out[:, 8] = (idx >= first) & (idx <= last)
    out[:, 9] = idx < first
    out[:, 10] = idx > last
    out[:, 11] = np.log1p(np.where(idx < first, first - idx, np.where(idx > last, idx - last, 0)))
    out[:, 12] = weight[first : last + 1].sum() / weight.sum()
    if len(token_ids):
        in_block = out[:, 8]
        for col, line_weight in ((13, scores), (14, scores * in_block)):
            mass = np.bincount(token_ids, weights=line_weight[token_lines])
            shared = np.minimum(mass[token_ids] - line_weight[token_lines], 1.0)
            total = np.bincount(token_lines, weights=shared, minlength=n)
            out[:, col] = total / np.maximum(np.bincount(token_lines, minlength=n), 1)
    return out.astype(np.float32)


def is_byline(line: str) -> bool:
    """A short line that names the author the way bylines do.

    >>> is_byline("By Ana Ruiz, Staff Writer")
    True
    >>> is_byline("By the time the bridge reopened, traffic had eased.")
    False
    """
    # The anchored pattern first: it turns most lines away at their first word.
    return bool(_BYLINE.match(line)) and len(line.split()) <= 12 and not _SENTENCE_END.search(line.rstrip())


def is_dateline(line: str) -> bool:
    """A short line that is mostly a date, a time or a reading time.

    >>> is_dateline("Published: 4 Feb 2025")
    True
    >>> is_dateline("Updated 9:12 am EST, Tue March 3")
    True
    >>> is_dateline("5 min read")
    True
    >>> is_dateline("The vote on 4 Feb 2025 passed by two votes after a long debate in the hall.")
    False
    """
    return len(line.split()) <= 10 and _has_date(line)


# A table printed one cell per line: runs of at least TABLE_MIN_CELLS lines of at most
# TABLE_CELL_WORDS words whose shape repeats with a period of 2 to TABLE_MAX_PERIOD lines (a
# row of that many cells) over more than three rows, or in which one cell's text recurs three
# times at a constant spacing (a column of "Yes", "Injection", "Free plan", or a row label).
TABLE_CELL_WORDS = 8
TABLE_MIN_CELLS = 6
TABLE_MAX_PERIOD = 8
TABLE_ROWS = 4
TABLE_SHAPE_MATCH = 0.75


def _cell_shapes(cells: list[str], words: np.ndarray) -> np.ndarray:
    """What a table's column keeps from row to row, one number per cell: a number in it, how
    many words (1, 2, 3+; ``words`` counts them), a capital first. Only which cells have the
    same shape matters, not the number."""
    size = len(cells)
    digit = np.fromiter(map(is_not, map(_DIGIT.search, cells), repeat(None)), dtype=bool, count=size)
    capital = np.fromiter(map(str.isupper, map(itemgetter(slice(1)), cells)), dtype=bool, count=size)
    out: np.ndarray = digit * 8 + np.minimum(words, 3) * 2 + capital
    return out


def _columns_differ(codes: list[int], period: int) -> bool:
    """Whether the rows of ``codes`` (cell shapes as numbers, ``period`` cells a row) have at
    least two kinds of column: each column's most common shape (the first seen of a tie), not
    all the same (a menu's items all look alike)."""
    kinds = set()
    for column in range(period):
        cells = codes[column::period]
        kinds.add(max(cells, key=cells.count))
        if len(kinds) > 1:
            return True
    return False


def _tabular_cells(cells: list[str], words: np.ndarray) -> np.ndarray:
    """Which lines of one run of short lines belong to a table (see :func:`tabular_rows`);
    ``words``: each line's number of words."""
    size = len(cells)
    repeated = np.zeros(size, dtype=bool)
    found = np.zeros(size, dtype=bool)
    keys = list(map(str.strip, map(str.casefold, cells)))
    if size - len(set(keys)) >= 2:  # a text printed three times takes two of the repeats
        seen: dict[str, list[int]] = {}
        for k, key in enumerate(keys):
            seen.setdefault(key, []).append(k)
        for at in seen.values():
            for a in range(len(at) - 2):
                gap = at[a + 1] - at[a]
                if gap <= TABLE_MAX_PERIOD and at[a + 2] - at[a + 1] == gap:
                    repeated[at[a] : at[a + 2] + gap] = True
    codes = _cell_shapes(cells, words)
    if (codes == codes[0]).all():
        return repeated  # every line alike: a menu, or a column already found above
    numbers = codes.tolist()
    for period in range(2, TABLE_MAX_PERIOD + 1):
        window = TABLE_ROWS * period
        if window > size:
            break
        same = codes[period:] == codes[:-period]
        matched = np.concatenate(([0], np.cumsum(same)))
        # Matches in the window starting at each k: matched[k + window - period] - matched[k].
        in_window = matched[window - period :] - matched[: size - window + 1]
        hits = in_window >= TABLE_SHAPE_MATCH * (window - period)
        for k in np.flatnonzero(hits).tolist():
            if found[max(k - period, 0) : k + window].all():
                continue  # found already, with its header
            if _columns_differ(numbers[k : k + window], period):
                found[max(k - period, 0) : k + window] = True  # with the row above: its header
    out: np.ndarray = repeated | found
    return out


def tabular_rows(
    lines: list[str], asked: np.ndarray | None = None, pieces: np.ndarray | None = None
) -> np.ndarray:
    """The lines that are cells of a table printed one cell per line (whole-page text prints a
    table's cells on lines of their own): in a run of at least TABLE_MIN_CELLS short lines,
    those whose shapes (:func:`_cell_shapes`) repeat with a period of 2 to TABLE_MAX_PERIOD
    lines over TABLE_ROWS rows or more, mostly, with at least two kinds of cell in a row
    (a menu's items all look alike), with the row above them (a header's cells are words where
    the rows hold figures), and those between three prints of one cell's text at a constant
    spacing (a column's repeated value, a row's repeated label).

    A menu or a related-story list is a run of short lines too, but of one shape (a period of
    1) and of text that does not recur; whether a table is the article's is for the caller to
    say from where it stands.

    ``asked``: when given, only the runs of short lines that hold one of these lines are
    searched (the others come back False): the caller needs no more, and the search is costly.
    ``pieces``: each line's ``len(line.split())`` when the caller has it (:class:`PageFeatures`).

    >>> rows = ["Plan", "Price", "Seats", "Basic", "$4", "1 user", "Team", "$9", "5 users",
    ...         "Business", "$19", "20 users", "Read our full review of each of the plans below."]
    >>> tabular_rows(rows).tolist()[:12] == [True] * 12, bool(tabular_rows(rows)[12])
    (True, False)
    >>> bool(tabular_rows(["Home", "News", "Sport", "Weather", "Travel", "Culture", "Contact"]).any())
    False
    """
    out = np.zeros(len(lines), dtype=bool)
    if asked is not None and not asked.any():
        return out
    if pieces is None:
        pieces = np.fromiter(map(len, map(str.split, lines)), dtype=np.int64, count=len(lines))
    words = pieces
    for start, end in true_runs((words > 0) & (words <= TABLE_CELL_WORDS)):
        if end - start >= TABLE_MIN_CELLS and (asked is None or asked[start:end].any()):
            out[start:end] = _tabular_cells(lines[start:end], words[start:end])
    return out
