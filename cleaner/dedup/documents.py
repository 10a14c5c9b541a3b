"""Duplicate documents: every document nearly equal to an earlier one goes to rejects.

Two stages, so that a distributed engine can run the same ones:

1. grouping: candidates from banded LSH (the bands datasketch's ``MinHashLSH`` chooses,
   weighted for recall, found in one vectorised pass over the signature array), each verified
   against the stored signatures (estimated Jaccard >= threshold), so an LSH false positive
   never costs a document; verified pairs are joined into connected components;
2. decision: in each component the first document in input order is kept, and every other one is
   a duplicate of it.

Components make the answer independent of the order of work: a document that links two earlier
stories joins them, and only the earliest of the three survives, however the input was split.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cleaner.dedup.minhash import DOCUMENT_SKETCH, SketchSettings, estimated_jaccard

# Syndicated copies of one story score above 0.9 (a changed sentence, another caption); two
# different stories on the same topic stay far below 0.5. 0.8 sits between, with room on both
# sides for the estimate's error (about ±0.035 at 128 permutations).
DOCUMENT_THRESHOLD = 0.8
# The bands (b) and rows (r) are those that minimise a weighted sum of the LSH's false
# positives and false negatives around the threshold (datasketch's rule). Every candidate is
# verified here, so a false positive costs one signature comparison and a false negative costs a
# duplicate left in the output: the weights lean on recall. At 0.8 and 128 permutations the even
# weights datasketch defaults to give b=9, r=13, which makes candidates of only 40% of the pairs
# at Jaccard 0.80 and 69% at 0.85; these give b=16, r=8: 95% at 0.80, 99.4% at 0.85, and 6% of
# pairs at 0.5 to verify and turn away.
LSH_WEIGHTS = (0.05, 0.95)
# Candidate pairs verified per numpy batch (bounds the working memory of the grouping).
VERIFY_BATCH = 65536
# Document signatures per block of the index (2 MB at 128 permutations): fixed blocks, so the
# index never holds the spare half or the two copies of an array grown by doubling.
DOCUMENT_BLOCK = 4096


@dataclass(frozen=True)
class LshBands:
    """The banding of document signatures: ``b`` bands of ``r`` rows, as value ranges."""

    b: int
    r: int

    @property
    def hashranges(self) -> list[tuple[int, int]]:
        """Each band's ``(start, end)`` in a signature, as datasketch's ``MinHashLSH`` has them."""
        return [(i * self.r, (i + 1) * self.r) for i in range(self.b)]


@cache
def document_lsh(threshold: float, num_perm: int, weights: tuple[float, float] = LSH_WEIGHTS) -> LshBands:
    """The bands for document signatures, banded for recall (see ``LSH_WEIGHTS``): the ``b``
    and ``r`` datasketch's ``MinHashLSH(threshold, num_perm, weights)`` picks. Only its bands
    are taken: the grouping is done here on the signature array (:meth:`DocumentIndex.
    verified_pairs`), without its hash tables (about 0.4 GB at 200,000 documents).

    >>> lsh = document_lsh(0.8, 128)
    >>> (lsh.b, lsh.r)
    (16, 8)
    """
    from datasketch import MinHashLSH  # here, not on import: it brings scipy (see minhash.py)

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return LshBands(lsh.b, lsh.r)


@dataclass(frozen=True)
class Duplicate:
    """Document ``of`` (the kept one) is what this document duplicates, at ``similarity``."""

    of: str
    similarity: float


class DocumentIndex:
    """Document signatures by input position; :meth:`decide` finds the duplicates.

    The signatures are rows of fixed blocks (:data:`DOCUMENT_BLOCK`); the grouping works on
    them as one array, band by band, sorting one band's columns at a time.
    """

    def __init__(self, threshold: float = DOCUMENT_THRESHOLD, settings: SketchSettings = DOCUMENT_SKETCH):
        self.threshold = threshold
        self.settings = settings
        self.ids: list[str] = []
        self.positions: list[int] = []
        self._blocks: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def sigs(self) -> np.ndarray:
        """The signatures, one row per document in the order they were added (one array: a
        copy of the blocks, made for stage 2 and let go after it)."""
        n = len(self.ids)
        if len(self._blocks) == 1:
            return self._blocks[0][:n]
        if not self._blocks:
            return np.empty((0, self.settings.num_perm), dtype=np.uint32)
        return np.concatenate(self._blocks)[:n]

    def nbytes(self) -> int:
        return len(self.ids) * self.settings.num_perm * 4

    def add(self, doc_id: str, position: int, sig: np.ndarray) -> None:
        """Index a document; ``position`` is its place in input order (earlier runs: negative)."""
        block, row = divmod(len(self.ids), DOCUMENT_BLOCK)
        if block == len(self._blocks):
            self._blocks.append(np.empty((DOCUMENT_BLOCK, self.settings.num_perm), dtype=np.uint32))
        self._blocks[block][row] = sig
        self.ids.append(doc_id)
        self.positions.append(position)

    def verified_pairs(self, sigs: np.ndarray | None = None) -> list[tuple[int, int]]:
        """Grouping: index pairs (earlier key first) that share a band and whose signatures
        confirm it (estimated Jaccard >= threshold); exactly the pairs ``MinHashLSH`` queries
        would give, verified. ``sigs``: :attr:`sigs`, when the caller has it already."""
        sigs = self.sigs if sigs is None else sigs
        n = len(sigs)
        candidates: list[np.ndarray] = []
        for start, end in document_lsh(self.threshold, self.settings.num_perm).hashranges:
            band = sigs[:, start:end]
            order = np.lexsort(band.T[::-1])
            ordered = band[order]
            boundaries = np.flatnonzero(np.any(ordered[1:] != ordered[:-1], axis=1)) + 1
            starts = np.concatenate([[0], boundaries])
            ends = np.concatenate([boundaries, [n]])
            shared = ends - starts >= 2
            for s, e in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
                members = np.sort(order[s:e])
                first, second = np.triu_indices(len(members), 1)
                candidates.append(members[first] * n + members[second])
            del order, ordered
        if not candidates:
            return []
        codes = np.unique(np.concatenate(candidates))
        pairs: list[tuple[int, int]] = []
        for chunk in range(0, len(codes), VERIFY_BATCH):
            a, b = np.divmod(codes[chunk : chunk + VERIFY_BATCH], n)
            agree = np.count_nonzero(sigs[a] == sigs[b], axis=1) / self.settings.num_perm
            keep = agree >= self.threshold
            pairs += zip(a[keep].tolist(), b[keep].tolist(), strict=True)
        return pairs

    def decide(self) -> dict[int, Duplicate]:
        """Decision: for each duplicate document's position, the kept document it duplicates."""
        parent = list(range(len(self.ids)))
        sigs = self.sigs

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self.verified_pairs(sigs):
            ra, rb = find(a), find(b)
            if ra != rb:
                # The root of a component is its earliest document.
                first, second = (ra, rb) if self.positions[ra] < self.positions[rb] else (rb, ra)
                parent[second] = first
        decisions: dict[int, Duplicate] = {}
        for key in range(len(self.ids)):
            root = find(key)
            if root != key:
                similarity = estimated_jaccard(sigs[key], sigs[root])
                decisions[self.positions[key]] = Duplicate(self.ids[root], similarity)
        return decisions
