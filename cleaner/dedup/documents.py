"""Duplicate documents: a document nearly equal to an earlier one goes to rejects.

"Earlier" is input order, so the survivor of a group of syndicated copies is the first one read.
Candidates come from datasketch's MinHashLSH; each is verified against the stored signatures
before a document is rejected, so an LSH false positive never costs a document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from cleaner.dedup.minhash import DOCUMENT_SKETCH, SketchSettings, estimated_jaccard, to_minhash

# Syndicated copies of one story score above 0.9 (a changed sentence, another caption); two
# different stories on the same topic stay far below 0.5. 0.8 sits between, with room on both
# sides for the estimate's error (about ±0.035 at 128 permutations).
DOCUMENT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Duplicate:
    of: str
    similarity: float


class DuplicateFinder:
    """Keep-the-first near-duplicate detection over documents seen in order."""

    def __init__(self, threshold: float = DOCUMENT_THRESHOLD, settings: SketchSettings = DOCUMENT_SKETCH):
        self.threshold = threshold
        self.settings = settings
        self.lsh = MinHashLSH(threshold=threshold, num_perm=settings.num_perm)
        self.ids: list[str] = []
        self.sigs: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    def check(self, doc_id: str, sig: np.ndarray) -> Duplicate | None:
        """The earliest kept document ``sig`` duplicates; otherwise keep it and return None."""
        minhash = to_minhash(sig, self.settings)
        best: tuple[int, float] | None = None
        for key in self.lsh.query(minhash):
            similarity = estimated_jaccard(sig, self.sigs[key])
            if similarity >= self.threshold and (best is None or key < best[0]):
                best = (key, similarity)
        if best is not None:
            return Duplicate(self.ids[best[0]], best[1])
        self.add(doc_id, sig)
        return None

    def add(self, doc_id: str, sig: np.ndarray) -> None:
        key = len(self.ids)
        self.ids.append(doc_id)
        self.sigs.append(sig)
        self.lsh.insert(key, to_minhash(sig, self.settings))
