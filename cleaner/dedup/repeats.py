"""Repeated paragraphs inside one document: the scraper's doubled paragraph goes, the first stays.

A paragraph is a repeat when its MinHash estimate of Jaccard similarity with an earlier
paragraph of the same document, at most ``window`` paragraphs back, reaches ``threshold``.
The window is the safeguard: articles repeat themselves on purpose (a FAQ answer, a "Pros" list
item, a summary line), far apart; scrapers double a paragraph right where it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import takewhile
from typing import ClassVar

import numpy as np

from cleaner.dedup.minhash import (
    DOCUMENT_SKETCH,
    PARAGRAPH_SKETCH,
    Edges,
    estimated_jaccard,
    estimated_jaccards_back,
    mixed_hashes,
    shingle_hash_batch,
    shingle_hashes,
    signatures_of_hashes,
    union_signature,
    words_of,
)
from cleaner.document import Document, Edit

REPEAT_THRESHOLD = 0.8
REPEAT_WINDOW = 1
REPEAT_MIN_WORDS = 2  # a one-word line doubled is a divider or a list marker, not a scraper's copy


# Each line's shingle hashes, paragraph signature and edge words, remembered: passes ask for the
# same lines round after round, and the document's signature is made of its lines' hashes.
_SIGNATURES: dict[str, np.ndarray] = {}
_HASHES: dict[str, np.ndarray] = {}
_EDGES: dict[str, Edges] = {}
SIGNATURE_CACHE_SIZE = 16384


def _make_room(count: int) -> None:
    if len(_SIGNATURES) + count >= SIGNATURE_CACHE_SIZE:
        _SIGNATURES.clear()
        _HASHES.clear()
        _EDGES.clear()


def paragraph_signatures_of(lines: list[str]) -> list[np.ndarray]:
    """The signatures of ``lines``, remembered; the ones not seen yet are computed in one batch
    (tokenised once: their hashes and edge words are remembered for the document's signature)."""
    missing = [line for line in dict.fromkeys(lines) if line not in _SIGNATURES]
    if missing:
        _make_room(len(missing))
        missing = [line for line in dict.fromkeys(lines) if line not in _SIGNATURES]
        # A line is hashed only with its signature, and the three are cleared together, so no
        # line missing a signature has its hashes yet.
        hashes, edges = shingle_hash_batch(missing, PARAGRAPH_SKETCH.shingle_words)
        _HASHES.update(zip(missing, hashes, strict=True))
        _EDGES.update(zip(missing, edges, strict=True))
        sigs = signatures_of_hashes(hashes, PARAGRAPH_SKETCH)
        _SIGNATURES.update(zip(missing, sigs, strict=True))
    return [_SIGNATURES[line] for line in lines]


_EDGE = 256  # characters read at each end of a paragraph for the words across its breaks


def _words(line: str) -> Edges:
    """How many words ``line`` has (exactly when fewer than 3, else at least 3), its first two
    and its last two, as :func:`~cleaner.dedup.minhash.words_of` cuts them: remembered when the
    line was hashed, else read from its ends only (a word cut by the slice is never among the
    two kept)."""
    found = _EDGES.get(line)
    if found is not None:
        return found
    if len(line) > _EDGE:
        head = words_of(line[:_EDGE])
        tail = words_of(line[-_EDGE:])
        if len(head) >= 3 and len(tail) >= 3:
            return len(head), head[:2], tail[-2:]
    every = words_of(line)
    return len(every), every[:2], every[-2:]


def document_signature(lines: list[str]) -> np.ndarray:
    """The document signature: MinHash of the shingles of the whole text (``lines`` joined),
    value for value what :func:`~cleaner.dedup.minhash.signature` of the text gives, without
    tokenising it again: the shingles inside each paragraph are the hashes its paragraph
    signature was made of; only the few shingles across each paragraph break are new."""
    words = DOCUMENT_SKETCH.shingle_words
    if words != PARAGRAPH_SKETCH.shingle_words or words != 3:
        return union_signature([shingle_hashes("\n\n".join(lines), words)], DOCUMENT_SKETCH)
    hashes: list[np.ndarray] = []
    across: list[bytes] = []  # the shingles that span a paragraph break
    recent: list[bytes] = []  # the last two words of the text so far
    total = 0
    for line in lines:
        count, head, tail = _words(line)
        if not count:
            continue
        if count >= words:
            found = _HASHES.get(line)
            hashes.append(shingle_hashes(line, words) if found is None else found)
            if len(recent) == 2:  # the common case, written out: two shingles across the break
                (a, b), (c, d) = recent, head
                across += (b" ".join((a, b, c)), b" ".join((b, c, d)))
                recent = tail
                total += count
                continue
        run = recent + head
        across += [b" ".join(run[i : i + words]) for i in range(len(recent)) if i + words <= len(run)]
        recent = (recent + (head if count < words else tail))[-(words - 1) :]
        total += count
    if 0 < total < words:  # a text shorter than one shingle is one shingle
        across.append(b" ".join(recent[-total:]))
    if across:
        hashes.append(mixed_hashes(across))
    return union_signature(hashes, DOCUMENT_SKETCH)


def remember_signatures(lines: list[str], sigs: np.ndarray) -> None:
    """Seed the cache with signatures computed elsewhere (stage 1's, for stage 3)."""
    _make_room(len(lines))
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
        if self.window == 1 and self.threshold > 0:
            yield from self._repeats_of_the_one_before(lines, sigs)
            return
        similarity = self._similarity(sigs)
        kept: list[int] = []
        for i in range(len(lines)):
            # The kept paragraphs within the window: the last few of ``kept``, read backwards
            # (one pass over the document, not a list rebuilt per paragraph).
            since = i - self.window
            recent = takewhile(since.__le__, reversed(kept)) if self.window else kept
            if has_words(lines[i], self.min_words) and any(
                similarity(i, j) >= self.threshold for j in recent
            ):
                yield Edit.drop_line(self.name, "repeat.paragraph", i, lines[i])
            else:
                kept.append(i)

    def _repeats_of_the_one_before(self, lines: list[str], sigs: list[np.ndarray]) -> Iterator[Edit]:
        """The edits of :meth:`__call__` with the default window of one: a paragraph goes when
        it is close enough to the one right before it and that one stays. The close pairs are
        found in one numpy comparison (the similarity :func:`estimated_jaccards_back` gives,
        the same division); only their paragraphs are looked at, not every one."""
        back = estimated_jaccards_back(sigs, 1)  # (the first is 0.0, below the threshold)
        dropped = -1  # the last paragraph dropped: the one after it is compared with none
        for i in [i for i, similarity in enumerate(back) if similarity >= self.threshold]:
            if i - 1 != dropped and has_words(lines[i], self.min_words):
                dropped = i
                yield Edit.drop_line(self.name, "repeat.paragraph", i, lines[i])

    def _similarity(self, sigs: list[np.ndarray]) -> Callable[[int, int], float]:
        """The estimated Jaccard similarity of paragraphs i and j (j before i): within the
        window, every pair at each distance compared at once; with no window, pair by pair."""
        if not self.window:
            return lambda i, j: estimated_jaccard(sigs[i], sigs[j])
        # No pair is further apart than the document is long: a wide window costs no more.
        farthest = min(self.window, len(sigs) - 1)
        back = [estimated_jaccards_back(sigs, distance) for distance in range(1, farthest + 1)]
        return lambda i, j: back[i - j - 1][i]


def has_words(line: str, count: int) -> bool:
    """Whether ``line`` has at least ``count`` words (split no further than that).

    >>> has_words("Tip line", 2), has_words("Tip", 2), has_words("", 0)
    (True, False, True)
    """
    return len(line.split(None, count - 1)) >= count if count > 0 else True
