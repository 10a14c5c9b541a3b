"""The headline: found once, kept in ``title``, and its repeats removed from the text.

Scrapers print the headline on top and often again below the captions. The title is the input
record's ``title`` when it has one; otherwise the first paragraph when it reads like a headline.
A repeat is a paragraph equal to the title up to case, punctuation and spacing, standing where
the scraper prints it: above the first paragraph of the article (captions and junk that stood
between are gone by then: the pipeline runs to a fixed point).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from cleaner.document import Document, Edit, MoveTarget

_WORD = re.compile(r"\w+")
HEADLINE_MAX_WORDS = 30
HEADLINE_MAX_CHARS = 300
REPEATED_HEADLINE_MAX_WORDS = 60


def headline_key(text: str) -> str:
    """What two headlines must share to be the same: their words, case-folded.

    >>> headline_key("Russia Says It's Open") == headline_key("RUSSIA SAYS IT’S OPEN.")
    True
    >>> headline_key("Talks resume, in Cairo") == headline_key("TALKS RESUME IN CAIRO.")
    True
    """
    return " ".join(_WORD.findall(text.casefold()))


def looks_like_headline(line: str, repeated: bool) -> bool:
    """A first paragraph is a headline when it is short and does not end like a sentence.

    A first paragraph printed again further down is a headline even if it ends with a period.

    >>> looks_like_headline("Storm closes harbor bridge for second day", repeated=False)
    True
    >>> looks_like_headline("The storm closed the harbor bridge on Monday.", repeated=False)
    False
    """
    words = len(line.split())
    if repeated:
        return words <= REPEATED_HEADLINE_MAX_WORDS
    return (
        0 < words <= HEADLINE_MAX_WORDS
        and len(line) <= HEADLINE_MAX_CHARS
        and not line.endswith((".", ",", ";", ":"))
    )


@dataclass(frozen=True)
class ExtractTitle:
    """Take the headline into ``title`` and remove its repeats from the text."""

    name: ClassVar[str] = "title"
    prefix: ClassVar[str] = "title"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#1a7f37", "#dafbe1")
    code_rules: ClassVar[tuple[str, ...]] = ("title.first-line", "title.repeat")

    def __call__(self, doc: Document) -> Iterator[Edit]:
        if not doc.lines:
            return
        done = {e.rule for e in doc.applied if e.pass_name == self.name} | doc.earlier_title_rules
        first = doc.lines[0]
        if doc.title is None:
            key = headline_key(first)
            repeated = any(headline_key(line) == key for line in doc.lines[1:])
            if len(doc.lines) < 2 or not key or not looks_like_headline(first, repeated):
                return
            moved_to: MoveTarget | None = "title"
        else:
            key, moved_to = headline_key(doc.title), None
        if not key:
            return
        position = 0
        if "title.first-line" not in done and headline_key(first) == key:
            yield Edit.drop_line(self.name, "title.first-line", 0, first, moved_to=moved_to)
            position = 1
        # The scraper's second print stands right above the article. Any other paragraph equal to
        # the headline (a third copy opening the body, a subheading further down) is the
        # author's, and stays.
        second = doc.lines[position] if position < len(doc.lines) else None
        if "title.repeat" not in done and second is not None and headline_key(second) == key:
            yield Edit.drop_line(self.name, "title.repeat", position, second)
