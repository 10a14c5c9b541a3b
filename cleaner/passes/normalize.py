"""Normalisation passes: repair the text (ftfy), compose it (NFC), tidy white space.

They repair, they do not restyle: curly quotes, character widths and ligatures stay as the
author wrote them. Each change is recorded as a small span edit named after the fix that made it,
e.g. ``ftfy.fix-encoding`` for ``"â€™" -> "’"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import ftfy

from cleaner.document import Document, Edit
from cleaner.layout import TRIM_CHARS
from cleaner.textdiff import span_edits
from cleaner.textfix import FTFY_CONFIG

_ENCODING_STEPS = {"encode", "decode", "transcode"}


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
        for i, line in enumerate(doc.lines):
            if line.isascii() and "&" not in line and "\x1b" not in line and line.isprintable():
                continue  # nothing ftfy could change
            fix = first_ftfy_fix(line)
            if fix is not None:
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
        for i, line in enumerate(doc.lines):
            if _NOTHING_TO_TIDY.fullmatch(line):
                continue
            if is_invisible(line):
                yield Edit.drop_line(self.name, "ws.invisible-line", i, line)
                continue
            for rule, (pattern, replacement) in WHITESPACE_RULES.items():
                for m in pattern.finditer(line):
                    if m.group() != replacement:
                        yield Edit(self.name, rule, i, m.start(), m.end(), replacement)
