"""Normalisation passes: repair the text (ftfy), compose it (NFC), tidy white space.

They repair, they do not restyle: curly quotes, character widths and ligatures stay as the
author wrote them. Each change is recorded as a small span edit named after the fix that made it,
e.g. ``ftfy.fix-encoding`` for ``"â€™" -> "’"``.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, ClassVar

import ftfy
import ftfy.badness

from cleaner.document import Document, Edit
from cleaner.layout import TRIM_CHARS
from cleaner.memo import BoundedMemo
from cleaner.textdiff import span_edits
from cleaner.textfix import FTFY_CONFIG

_ENCODING_STEPS = {"encode", "decode", "transcode"}
# The ftfy releases whose fix_and_explain was read for :func:`ftfy_changes_nothing`: what each
# fixer of FTFY_CONFIG needs in a line before it can change it.
_FTFY_READ = ("6.2", "6.3")
# Typography that text uses as it is: a mojibake test that needs one of these (or a letter) is a
# poor first test (see _mojibake_marks).
_TYPOGRAPHY = frozenset("“”„‘’‚«»‹›–—…•·©®°€£×\u00a0")


def _mojibake_marks() -> re.Pattern[str] | None:
    """Characters one of which every match of ftfy's badness pattern (its mojibake test) needs,
    as a character class; None when that cannot be told.

    Read from ftfy's own pattern: each of its alternatives is a sequence, and one of the
    sequence's required items is a class of non-ASCII characters only (the one with the least
    everyday letters and typography is taken, so that accented letters alone do not count). A
    line without any of them cannot look like mojibake to ftfy."""
    try:
        from ftfy.badness import BADNESS_RE

        parser: Any = importlib.import_module("re._parser")
        constants: Any = importlib.import_module("re._constants")
        parsed = parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
        (op, (_, branches)), *rest = parsed.data
        if op is not constants.BRANCH or rest:
            return None
        marks: set[str] = set()
        for branch in branches:
            classes = []
            for item_op, arg in branch.data:
                chars = _chars(item_op, arg, constants)
                if chars and not any(c.isascii() for c in chars):
                    classes.append(chars)
            if not classes:
                return None
            marks |= min(classes, key=_everyday)
    except Exception:  # another ftfy or Python: no first test, ftfy decides
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(marks)) + "]")


def _everyday(chars: AbstractSet[str]) -> int:
    """How many of ``chars`` text uses as it is: letters and typography."""
    return sum(1 for c in chars if c.isalpha() or c in _TYPOGRAPHY)


def _chars(op: Any, arg: Any, constants: Any) -> set[str] | None:
    """The characters one required item of a parsed pattern matches (a literal or a class of
    literals and ranges); None for anything else."""
    if op is constants.LITERAL:
        return {chr(arg)}
    if op is not constants.IN:
        return None
    chars: set[str] = set()
    for member_op, member in arg:
        if member_op is constants.LITERAL:
            chars.add(chr(member))
        elif member_op is constants.RANGE:
            chars.update(map(chr, range(member[0], member[1] + 1)))
        else:
            return None  # a negated class or a category: not a plain set
    return chars


def _mojibake_reach() -> int | None:
    """How many characters before a mark a match of ftfy's badness pattern can start (its
    longest match, less one: each alternative is a few single characters); None when that
    cannot be told."""
    try:
        from ftfy.badness import BADNESS_RE

        parser: Any = importlib.import_module("re._parser")
        constants: Any = importlib.import_module("re._constants")
        longest = int(parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags).getwidth()[1])
    except Exception:  # another ftfy or Python: ftfy's test is run on the whole line
        return None
    return longest - 1 if 0 < longest < constants.MAXREPEAT else None


@cache
def mojibake_reach() -> int | None:
    """:func:`_mojibake_reach` of the installed ftfy, read once."""
    return _mojibake_reach()


def looks_like_mojibake(line: str, marks: re.Pattern[str]) -> bool:
    """ftfy's badness test (``ftfy.badness.is_bad``) of ``line``, with ``marks`` its
    :func:`mojibake_marks`: a match holds a mark, so it starts at most :func:`mojibake_reach`
    characters before one, and the pattern is tried at those places only (on the whole line,
    its alternatives are tried at every character: a few marks are far cheaper)."""
    from ftfy.badness import BADNESS_RE

    reach = mojibake_reach()
    for mark in marks.finditer(line):
        if reach is None:
            return ftfy.badness.is_bad(line)
        end = mark.start()
        if any(BADNESS_RE.match(line, start) for start in range(max(0, end - reach), end + 1)):
            return True
    return False


@cache
def mojibake_marks() -> re.Pattern[str] | None:
    """:func:`_mojibake_marks` of the installed ftfy, if its fixers are the ones read (the first
    line that needs it pays the reading, not the import)."""
    return _mojibake_marks() if ftfy.__version__.startswith(_FTFY_READ) else None


def ftfy_changes_nothing(line: str) -> bool:
    """Whether ftfy, as FTFY_CONFIG sets it, certainly leaves ``line`` as it is (False: it may not).

    Its fixers under that configuration: HTML entities need a match of ftfy's entity pattern
    (:func:`may_hold_entity`: "&", then a name and ";"); mojibake needs ftfy's badness
    test to hold (:func:`looks_like_mojibake`: first, one of the characters of
    :func:`_mojibake_marks`; ASCII text is never taken for mojibake); C1 and other control
    characters, terminal escapes, surrogates and the format characters ftfy removes are all
    unprintable, but for U+FFFC, which it removes too. A line none of them changes is one ftfy
    leaves as it is: each fixer is given the line as it is.

    >>> ftfy_changes_nothing("Café society"), ftfy_changes_nothing("CafÃ© society")
    (True, False)
    >>> ftfy_changes_nothing("It’s done – at last"), ftfy_changes_nothing("Fish &amp; chips")
    (True, False)
    >>> ftfy_changes_nothing("“Grüße”, he said – © 2024 Ünal"), ftfy_changes_nothing("â€œQuoteâ€")
    (True, False)
    >>> ftfy_changes_nothing("Terms & Conditions"), ftfy_changes_nothing("R&D; P&eacute;rez")
    (True, False)
    """
    if ("&" in line and may_hold_entity(line)) or not line.isprintable():
        return False
    if line.isascii():
        return True
    marks = mojibake_marks()
    if marks is None or "\ufffc" in line:
        return False
    return marks.search(line) is None or not looks_like_mojibake(line, marks)  # most have no mark


def may_hold_entity(line: str) -> bool:
    """Whether ftfy's HTML fixer may change ``line`` (False: it certainly does not): the fixer
    replaces matches of ftfy's entity pattern and nothing else. A line with "&" is no rarity
    ("Terms & Conditions", "Q&A"), and ftfy's whole pipeline costs a hundred times this test;
    with an ftfy whose fixer was not read, every "&" may start one."""
    pattern = _entity_pattern()
    return pattern is None or pattern.search(line) is not None


@cache
def _entity_pattern() -> re.Pattern[str] | None:
    """ftfy's HTML entity pattern, which its ``unescape_html`` substitutes (in the releases read)."""
    if not ftfy.__version__.startswith(_FTFY_READ):
        return None
    from ftfy.chardata import HTML_ENTITY_RE

    return HTML_ENTITY_RE


# Lines a normalisation pass found nothing to do in, remembered per pass (and per process): the
# pass is asked again after every change elsewhere in the document, about the same lines.
SETTLED_SIZE = 16384
_FTFY_SETTLED: BoundedMemo[str, bool] = BoundedMemo(SETTLED_SIZE)
_TIDY_SETTLED: BoundedMemo[str, bool] = BoundedMemo(SETTLED_SIZE)


@lru_cache(maxsize=8192)
def first_ftfy_fix(line: str) -> tuple[str, str] | None:
    """The first fix ftfy would make to ``line``, as ``(rule id, fixed line)``, or None.

    Fixes are taken one at a time so each is named: a group of encode/decode steps is one
    ``ftfy.fix-encoding``; any other step is ``ftfy.<step name>``. The pipeline's next round
    asks again for whatever is left.

    >>> first_ftfy_fix("Fish &amp; chips")
    ('ftfy.unescape-html', 'Fish & chips')
    >>> first_ftfy_fix("Nothing to fix.") is None
    True
    >>> first_ftfy_fix("One&#10;two")
    ('ftfy.unescape-html', 'One two')
    """
    result = ftfy.fix_and_explain(line, config=FTFY_CONFIG)
    if result.text == line or not result.explanation:
        return None
    plan = list(result.explanation)
    if plan[0][0] in _ENCODING_STEPS:
        end = next((i for i, (op, _) in enumerate(plan) if op == "decode"), len(plan) - 1)
        group, rule = plan[: end + 1], "ftfy.fix-encoding"
    else:
        group, rule = plan[:1], "ftfy." + plan[0][1].replace("_", "-")
    fixed = ftfy.apply_plan(line, [(op, arg) for op, arg in group])
    # An entity can decode to a line break ("&#10;"): inside a paragraph that is a space, or the
    # output's blank-line-separated paragraphs would no longer split back into the same ones.
    fixed = fixed.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if fixed == line:
        return None
    return rule, fixed


@dataclass(frozen=True)
class FixUnicode:
    """Repair mojibake, HTML entities, control characters and broken surrogates with ftfy."""

    normalizes: bool = True
    name: ClassVar[str] = "ftfy"
    prefix: ClassVar[str] = "ftfy"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#8250df", "#fbefff")
    code_rules: ClassVar[tuple[str, ...]] = (
        "ftfy.fix-encoding",
        "ftfy.unescape-html",
        "ftfy.remove-terminal-escapes",
        "ftfy.remove-control-chars",
        "ftfy.fix-surrogates",
        "ftfy.fix-c1-controls",
        "ftfy.decode-inconsistent-utf8",
        "ftfy.replace-lossy-sequences",
        "ftfy.restore-byte-a0",
    )

    def __call__(self, doc: Document) -> Iterator[Edit]:
        settled = _FTFY_SETTLED
        for i, line in enumerate(doc.lines):
            if line in settled:
                continue
            fix = None if ftfy_changes_nothing(line) else first_ftfy_fix(line)
            if fix is None:
                settled.remember(line, True)
                continue
            rule, fixed = fix
            for start, end, new in span_edits(line, fixed):
                yield Edit(self.name, rule, i, start, end, new)


@dataclass(frozen=True)
class ComposeUnicode:
    """Compose characters (NFC) so that "é" written as e + U+0301 equals "é"."""

    normalizes: bool = True
    name: ClassVar[str] = "unicode"
    prefix: ClassVar[str] = "unicode"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#8250df", "#fbefff")
    code_rules: ClassVar[tuple[str, ...]] = ("unicode.nfc",)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        for i, line in enumerate(doc.lines):
            if line.isascii() or unicodedata.is_normalized("NFC", line):
                continue
            for start, end, new in span_edits(line, unicodedata.normalize("NFC", line)):
                yield Edit(self.name, "unicode.nfc", i, start, end, new)


# Rule id -> (pattern, replacement). Order matters only for readability: matches never overlap
# within one round because each pattern's characters are disjoint from the others'.
WHITESPACE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "ws.nbsp": (re.compile("[\u00a0\u2007\u202f]+"), " "),
    "ws.unicode-space": (re.compile("[\u2000-\u2006\u2008-\u200a\u205f]+"), " "),
    "ws.zero-width": (re.compile("[\u200b\u2060\ufeff\u00ad]+"), ""),
    "ws.space-run": (re.compile(r"(?<=\S) {2,}(?=\S)"), " "),
    "ws.trim": (re.compile(f"^[{TRIM_CHARS}]+|[{TRIM_CHARS}]+$"), ""),
}


# A line of ordinary characters with single spaces inside: the common case, skipped in one step.
_VISIBLE = r"[^\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff]+"
_NOTHING_TO_TIDY = re.compile(f"{_VISIBLE}(?: {_VISIBLE})*")


def nothing_to_tidy(line: str) -> bool:
    """Whether ``line`` is ordinary characters with single spaces inside (the pass leaves it).

    A printable ASCII line (most) is told by C-speed scans: its only white space is the space
    (tabs, line breaks and "\\x1c" to "\\x1f" are not printable) and it has no invisible
    character; any other line by the pattern.

    >>> [nothing_to_tidy(line) for line in ["Two words", "Two  words", " x", "a\\tb"]]
    [True, False, False, False]
    """
    if line.isascii() and line.isprintable():
        return bool(line) and line[0] != " " and line[-1] != " " and "  " not in line
    return _NOTHING_TO_TIDY.fullmatch(line) is not None


def is_invisible(line: str) -> bool:
    """A line with nothing to see: only format characters (ZWJ, ZWNJ, marks) and spaces.

    Pages use a lone zero-width joiner as an empty paragraph; inside a word or an emoji
    sequence the same character means something and stays.

    >>> is_invisible("\u200d"), is_invisible("\u200d \u200c"), is_invisible("a\u200db")
    (True, True, False)
    """
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in line)


@dataclass(frozen=True)
class TidyWhitespace:
    """Turn exotic spaces into plain ones, drop invisible characters, collapse runs of spaces.

    Single tabs are kept: scraped tables use them as column separators.
    """

    normalizes: bool = True
    name: ClassVar[str] = "whitespace"
    prefix: ClassVar[str] = "ws"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#57606a", "#eef1f4")
    code_rules: ClassVar[tuple[str, ...]] = (*WHITESPACE_RULES, "ws.invisible-line")

    def __call__(self, doc: Document) -> Iterator[Edit]:
        settled = _TIDY_SETTLED
        for i, line in enumerate(doc.lines):
            if line in settled:
                continue
            if nothing_to_tidy(line):
                settled.remember(line, True)
                continue
            if is_invisible(line):
                yield Edit.drop_line(self.name, "ws.invisible-line", i, line)
                continue
            for rule, (pattern, replacement) in WHITESPACE_RULES.items():
                for m in pattern.finditer(line):
                    if m.group() != replacement:
                        yield Edit(self.name, rule, i, m.start(), m.end(), replacement)
