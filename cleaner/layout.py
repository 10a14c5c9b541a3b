"""Layout: how raw text becomes paragraphs and how paragraphs become the output text.

Scrapers put one paragraph per line, with or without blank lines between them, with any line-end
style and stray white space at the ends of lines. None of that is content, so it is settled here,
once, instead of being recorded as thousands of edits: a paragraph is a non-blank line with its
surrounding white space trimmed, and the output joins paragraphs with one blank line.

Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line. ``str.splitlines`` would also split on U+0085 and
U+2028, which turn up inside mojibake (``"Ã\\x85"`` is a broken ``"Å"``) that ftfy must see whole.
"""

from __future__ import annotations

PARAGRAPH_SEPARATOR = "\n\n"


def split_paragraphs(text: str) -> list[str]:
    """Split raw text into trimmed, non-blank paragraphs.

    >>> split_paragraphs("Title\\r\\n\\r\\n\\r\\n  First para.  \\nSecond\\u00a0para.\\n")
    ['Title', 'First para.', 'Second\\xa0para.']

    Non-breaking spaces inside a line are content until the white-space pass records them.
    """
    # ``re.split(r"\r\n|\r|\n", text)`` at C speed: "\r\n" is one line end, then a lone "\r" is one.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [stripped for line in lines if (stripped := _trim(line))]


# White space trimmed from both ends of a paragraph (here and by the white-space pass).
TRIM_CHARS = " \t\f\v\u00a0\u3000\u2000-\u200a\u202f\u205f"
# The same characters spelt out for ``str.strip`` (which knows no ranges): stripping them is what
# ``re.sub(f"^[{TRIM_CHARS}]+|[{TRIM_CHARS}]+$", "", line)`` does to a line without a line end,
# without a regular expression trying its second part at every character.
_TRIM_SET = " \t\f\v\u00a0\u3000\u202f\u205f" + "".join(map(chr, range(0x2000, 0x200B)))


def _trim(line: str) -> str:
    """``line`` without the white space TRIM_CHARS names at either end.

    >>> _trim("\u00a0 Second\u2009para.\u3000 ")
    'Second\u2009para.'
    """
    return line.strip(_TRIM_SET)


def render(paragraphs: list[str]) -> str:
    """Join paragraphs into the output text: one blank line between paragraphs.

    >>> render(["First.", "Second."])
    'First.\\n\\nSecond.'
    """
    return PARAGRAPH_SEPARATOR.join(paragraphs)
