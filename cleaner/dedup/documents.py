"""Duplicate documents: every document nearly equal to an earlier one goes to rejects.

Two stages, so that a distributed engine can run the same ones:

1. grouping: candidates from datasketch's MinHashLSH (banded for recall), each verified against
   the stored signatures (estimated Jaccard >= threshold), so an LSH false positive never costs
   a document; verified pairs are joined into connected components;
2. decision: in each component the first document in input order is kept, and every other one is
   a duplicate of it.

Components make the answer independent of the order of work: a document that links two earlier
stories joins them, and only the earliest of the three survives, however the input was split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cleaner.dedup.minhash import DOCUMENT_SKETCH, SketchSettings, estimated_jaccard, to_lean_minhash

if TYPE_CHECKING:
    from datasketch import MinHashLSH

# Syndicated copies of one story score above 0.9 (a changed sentence, another caption); two
# different stories on the same topic stay far below 0.5. 0.8 sits between, with room on both
# sides for the estimate's error (about ±0.035 at 128 permutations).
DOCUMENT_THRESHOLD = 0.8
# datasketch picks the bands (b) and rows (r) that minimise a weighted sum of the LSH's false
# positives and false negatives around the threshold. Every candidate is verified here, so a
# false positive costs one signature comparison and a false negative costs a duplicate left in
# the output: the weights lean on recall. At 0.8 and 128 permutations the even weights
# datasketch defaults to give b=9, r=13, which makes candidates of only 40% of the pairs at
# Jaccard 0.80 and 69% at 0.85; these give b=16, r=8: 95% at 0.80, 99.4% at 0.85, and 6% of
# pairs at 0.5 to verify and turn away.
LSH_WEIGHTS = (0.05, 0.95)


def document_lsh(threshold: float, num_perm: int) -> MinHashLSH:
    """An empty MinHashLSH for document signatures, banded for recall (see ``LSH_WEIGHTS``).

    >>> lsh = document_lsh(0.8, 128)
    >>> (lsh.b, lsh.r)
    (16, 8)
    """
    from datasketch import MinHashLSH  # here, not on import: it brings scipy (see minhash.py)

    return MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)


@dataclass(frozen=True)
class Duplicate:
    """Document ``of`` (the kept one) is what this document duplicates, at ``similarity``."""

    of: str
    similarity: float


class DocumentIndex:
    """Document signatures by input position; :meth:`decide` finds the duplicates.

    Grouping happens as documents arrive: each one is looked up among the earlier ones, its
    candidates verified, then it is inserted. The main process does this while the workers clean
    the next documents, instead of all of it after the last one.
    """

    def __init__(self, threshold: float = DOCUMENT_THRESHOLD, settings: SketchSettings = DOCUMENT_SKETCH):
        self.threshold = threshold
        self.settings = settings
        self.ids: list[str] = []
        self.positions: list[int] = []
        self.sigs: list[np.ndarray] = []
        self._lsh: MinHashLSH | None = document_lsh(threshold, settings.num_perm)
        self._pairs: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc_id: str, position: int, sig: np.ndarray) -> None:
        """Index a document; ``position`` is its place in input order (earlier runs: negative)."""
        if self._lsh is None:  # let go by decide(): the documents indexed so far, again
            self._lsh = document_lsh(self.threshold, self.settings.num_perm)
            for earlier, old in enumerate(self.sigs):
                self._lsh.insert(earlier, to_lean_minhash(old, self.settings), check_duplication=False)
        key = len(self.ids)
        sig = np.asarray(sig, dtype=np.uint32)
        self.ids.append(doc_id)
        self.positions.append(position)
        self.sigs.append(sig)
        lean = to_lean_minhash(sig, self.settings)
        for other in self._lsh.query(lean):
            if estimated_jaccard(sig, self.sigs[other]) >= self.threshold:
                self._pairs.append((other, key))
        self._lsh.insert(key, lean, check_duplication=False)

    def verified_pairs(self) -> list[tuple[int, int]]:
        """Grouping: index pairs (earlier key first) whose LSH candidacy the signatures confirm."""
        return sorted(self._pairs)

    def decide(self) -> dict[int, Duplicate]:
        """Decision: for each duplicate document's position, the kept document it duplicates.

        The LSH tables are let go here (at 200,000 documents they take about 0.4 GB, which the
        boilerplate stage after this one can use); a document added later rebuilds them."""
        self._lsh = None
        parent = list(range(len(self.ids)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self.verified_pairs():
            ra, rb = find(a), find(b)
            if ra != rb:
                # The root of a component is its earliest document.
                first, second = (ra, rb) if self.positions[ra] < self.positions[rb] else (rb, ra)
                parent[second] = first
        decisions: dict[int, Duplicate] = {}
        for key in range(len(self.ids)):
            root = find(key)
            if root != key:
                similarity = estimated_jaccard(self.sigs[key], self.sigs[root])
                decisions[self.positions[key]] = Duplicate(self.ids[root], similarity)
        return decisions
