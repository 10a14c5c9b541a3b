"""Duplicate documents: every document nearly equal to an earlier one goes to rejects.

Two stages, so that a distributed engine can run the same ones:

1. grouping: candidates from datasketch's MinHashLSH, each verified against the stored signatures
   (estimated Jaccard >= threshold), so an LSH false positive never costs a document; verified
   pairs are joined into connected components;
2. decision: in each component the first document in input order is kept, and every other one is
   a duplicate of it.

Components make the answer independent of the order of work: a document that links two earlier
stories joins them, and only the earliest of the three survives, however the input was split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from cleaner.dedup.minhash import DOCUMENT_SKETCH, SketchSettings, estimated_jaccard, to_lean_minhash

# Syndicated copies of one story score above 0.9 (a changed sentence, another caption); two
# different stories on the same topic stay far below 0.5. 0.8 sits between, with room on both
# sides for the estimate's error (about ±0.035 at 128 permutations).
DOCUMENT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Duplicate:
    """Document ``of`` (the kept one) is what this document duplicates, at ``similarity``."""

    of: str
    similarity: float


class DocumentIndex:
    """Document signatures by input position; :meth:`decide` finds the duplicates."""

    def __init__(self, threshold: float = DOCUMENT_THRESHOLD, settings: SketchSettings = DOCUMENT_SKETCH):
        self.threshold = threshold
        self.settings = settings
        self.ids: list[str] = []
        self.positions: list[int] = []
        self.sigs: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc_id: str, position: int, sig: np.ndarray) -> None:
        """Index a document; ``position`` is its place in input order (earlier runs: negative)."""
        self.ids.append(doc_id)
        self.positions.append(position)
        self.sigs.append(np.asarray(sig, dtype=np.uint32))

    def verified_pairs(self) -> list[tuple[int, int]]:
        """Grouping: index pairs whose LSH candidacy is confirmed by the signatures."""
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.settings.num_perm)
        with lsh.insertion_session() as session:
            for key, sig in enumerate(self.sigs):
                session.insert(key, to_lean_minhash(sig, self.settings), check_duplication=False)
        pairs = []
        for key, sig in enumerate(self.sigs):
            for other in lsh.query(to_lean_minhash(sig, self.settings)):
                if other > key and estimated_jaccard(self.sigs[key], self.sigs[other]) >= self.threshold:
                    pairs.append((key, other))
        return sorted(pairs)

    def decide(self) -> dict[int, Duplicate]:
        """Decision: for each duplicate document's position, the kept document it duplicates."""
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
