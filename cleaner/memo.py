"""A bounded memory of answers, forgotten all at once when full.

The passes ask about every line in every round (and the site stage asks again), so the rule
matcher, the credit grammar and the normalisation passes remember what they found. Clearing
when full keeps memory flat on any input without the bookkeeping of an LRU: a site's lines come
back within a page or two, so the answers that matter are found again at once.

>>> memo: BoundedMemo[str, int] = BoundedMemo(2)
>>> memo.remember("a", 1), memo.remember("b", 2), memo.remember("c", 3)
(1, 2, 3)
>>> sorted(memo)
['c']
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """A dict of at most ``size`` answers; the one that would pass it clears it first."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: K, value: V) -> V:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value
