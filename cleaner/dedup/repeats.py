"""Repeated paragraphs inside one document: the scraper's doubled paragraph goes, the first stays.

A paragraph is a repeat when its MinHash estimate of Jaccard similarity with an earlier
paragraph of the same document, at most ``window`` paragraphs back, reaches ``threshold``.
The window is the safeguard: articles repeat themselves on purpose (a FAQ answer, a "Pros" list
item, a summary line), far apart; scrapers double a paragraph right where it stands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile
from typing import ClassVar

import numpy as np

from cleaner.dedup.minhash import PARAGRAPH_SKETCH, estimated_jaccard, signatures
from cleaner.document import Document, Edit

REPEAT_THRESHOLD = 0.8
REPEAT_WINDOW = 1
REPEAT_MIN_WORDS = 2  # a one-word line doubled is a divider or a list marker, not a scraper's copy


_SIGNATURES: dict[str, np.ndarray] = {}
SIGNATURE_CACHE_SIZE = 16384


def paragraph_signatures_of(lines: list[str]) -> list[np.ndarray]:
    """The signatures of ``lines``, remembered (passes ask for the same lines round after round);
    the ones not seen yet are computed in one batch."""
    missing = [line for line in dict.fromkeys(lines) if line not in _SIGNATURES]
    if missing:
        if len(_SIGNATURES) + len(missing) >= SIGNATURE_CACHE_SIZE:
            _SIGNATURES.clear()
            missing = list(dict.fromkeys(lines))
        _SIGNATURES.update(zip(missing, signatures(missing, PARAGRAPH_SKETCH), strict=True))
    return [_SIGNATURES[line] for line in lines]


def remember_signatures(lines: list[str], sigs: np.ndarray) -> None:
    """Seed the cache with signatures computed elsewhere (stage 1's, for stage 3)."""
    if len(_SIGNATURES) + len(lines) >= SIGNATURE_CACHE_SIZE:
        _SIGNATURES.clear()
    _SIGNATURES.update(zip(lines, sigs, strict=True))


@dataclass(frozen=True)
class RemoveRepeatedParagraphs:
    """Remove a paragraph that nearly repeats one of the ``window`` paragraphs before it."""

    threshold: float = REPEAT_THRESHOLD
    window: int = REPEAT_WINDOW
    min_words: int = REPEAT_MIN_WORDS
    name: ClassVar[str] = "repeats"
    prefix: ClassVar[str] = "repeat"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#9a6700", "#fff8c5")
    code_rules: ClassVar[tuple[str, ...]] = ("repeat.paragraph",)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        lines = doc.lines
        if len(lines) < 2:
            return
        sigs = paragraph_signatures_of(lines)
        kept: list[int] = []
        for i in range(len(lines)):
            # The kept paragraphs within the window: the last few of ``kept``, read backwards
            # (one pass over the document, not a list rebuilt per paragraph).
            since = i - self.window
            recent = takewhile(since.__le__, reversed(kept)) if self.window else kept
            if len(lines[i].split()) >= self.min_words and any(
                estimated_jaccard(sigs[i], sigs[j]) >= self.threshold for j in recent
            ):
                yield Edit.drop_line(self.name, "repeat.paragraph", i, lines[i])
            else:
                kept.append(i)
