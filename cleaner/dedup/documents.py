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

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial

import numpy as np

from cleaner.dedup.buckets import KeyMix, shared_runs
from cleaner.dedup.minhash import DOCUMENT_SKETCH, SketchSettings

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
# datasketch's choice for common thresholds at 128 permutations and these weights, so that a run
# does not import datasketch (and scipy, a second of start-up) nor integrate ~700 candidate
# bandings (tests/test_dedup.py checks each entry against MinHashLSH).
KNOWN_BANDS = {
    (0.5, 128, LSH_WEIGHTS): (26, 3),
    (0.6, 128, LSH_WEIGHTS): (24, 4),
    (0.7, 128, LSH_WEIGHTS): (21, 6),
    (0.75, 128, LSH_WEIGHTS): (18, 7),
    (0.8, 128, LSH_WEIGHTS): (16, 8),
    (0.85, 128, LSH_WEIGHTS): (12, 10),
    (0.9, 128, LSH_WEIGHTS): (9, 14),
    (0.95, 128, LSH_WEIGHTS): (6, 21),
}
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
    known = KNOWN_BANDS.get((threshold, num_perm, weights))
    if known is not None:
        return LshBands(*known)
    from datasketch import MinHashLSH  # here, not on import: it brings scipy (see minhash.py)

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    return LshBands(lsh.b, lsh.r)


def _bucket_pairs(members: np.ndarray, starts: np.ndarray, n: int) -> list[np.ndarray]:
    """Every pair of each bucket (``members`` one bucket after another from ``starts``, each
    ascending) as ``first * n + second``: the buckets of one size at once, as one matrix."""
    lengths = np.diff(starts, append=len(members))
    pairs: list[np.ndarray] = []
    for size in np.flatnonzero(np.bincount(lengths)).tolist():
        firsts = starts[lengths == size]
        table = members[firsts[:, None] + np.arange(size)]  # one bucket a row
        first, second = np.triu_indices(size, 1)
        pairs.append((table[:, first] * n + table[:, second]).ravel())
    return pairs


@dataclass(frozen=True)
class Duplicate:
    """Document ``of`` (the kept one) is what this document duplicates, at ``similarity``."""

    of: str
    similarity: float


class DocumentIds:
    """Document ids as one UTF-8 byte string and an array of ends: a few bytes per id, not a
    Python string (about 60 bytes of object) and a list slot each."""

    def __init__(self) -> None:
        self._text = bytearray()
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        i = range(len(self))[i]  # (negative indexes as a list has them; out of range: IndexError)
        start = self._ends[i - 1] if i > 0 else 0
        return self._text[start : self._ends[i]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def append(self, doc_id: str) -> None:
        self._text += doc_id.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._text))


class DocumentIndex:
    """Document signatures by input position; :meth:`decide` finds the duplicates.

    The signatures are rows of fixed blocks (:data:`DOCUMENT_BLOCK`); the grouping reads them
    in place, band by band, gathering one band's columns at a time (never a copy of the
    whole index). Ids and positions are compact arrays, not a Python object per document.
    """

    def __init__(self, threshold: float = DOCUMENT_THRESHOLD, settings: SketchSettings = DOCUMENT_SKETCH):
        self.threshold = threshold
        self.settings = settings
        self.ids = DocumentIds()
        self.positions = array("q")
        self._blocks: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def sigs(self) -> np.ndarray:
        """The signatures, one row per document in the order they were added (one array: a
        copy of the blocks; the grouping does not make it)."""
        n = len(self)
        if len(self._blocks) == 1:
            return self._blocks[0][:n]
        if not self._blocks:
            return np.empty((0, self.settings.num_perm), dtype=np.uint32)
        return np.concatenate(self._blocks)[:n]

    def signatures(self, rows: np.ndarray, start: int = 0, end: int | None = None) -> np.ndarray:
        """Columns ``start:end`` (all by default) of the signatures of the documents numbered
        ``rows`` (any order), read from the blocks."""
        rows = np.asarray(rows, dtype=np.int64)
        end = self.settings.num_perm if end is None else end
        out = np.empty((len(rows), end - start), dtype=np.uint32)
        block_of, at = np.divmod(rows, DOCUMENT_BLOCK)
        for block in np.flatnonzero(np.bincount(block_of)).tolist():
            chosen = block_of == block
            out[chosen] = self._blocks[block][at[chosen], start:end]
        return out

    def _mix_band(self, mix: KeyMix, start: int, end: int) -> None:
        """Mix columns ``start:end`` of every signature into ``mix``, read in place."""
        n = len(self)
        for b, block in enumerate(self._blocks):
            lo = b * DOCUMENT_BLOCK
            mix.add(block[: min(n, lo + DOCUMENT_BLOCK) - lo, start:end], lo)

    def nbytes(self) -> int:
        return len(self) * self.settings.num_perm * 4

    def add(self, doc_id: str, position: int, sig: np.ndarray) -> None:
        """Index a document; ``position`` is its place in input order (earlier runs: negative)."""
        block, row = divmod(len(self), DOCUMENT_BLOCK)
        if block == len(self._blocks):
            self._blocks.append(np.empty((DOCUMENT_BLOCK, self.settings.num_perm), dtype=np.uint32))
        self._blocks[block][row] = sig
        self.ids.append(doc_id)
        self.positions.append(position)

    def verified_pairs(self, sigs: np.ndarray | None = None) -> list[tuple[int, int]]:
        """Grouping: index pairs (earlier key first) that share a band and whose signatures
        confirm it (estimated Jaccard >= threshold); exactly the pairs ``MinHashLSH`` queries
        would give, verified. ``sigs``: the signatures as one array, if the caller has them
        (else they are read from the blocks)."""
        n = len(sigs) if sigs is not None else len(self)
        candidates: list[np.ndarray] = []
        for start, end in document_lsh(self.threshold, self.settings.num_perm).hashranges:
            mix = KeyMix(n)
            if sigs is not None:
                mix.add(sigs[:, start:end])
            else:
                self._mix_band(mix, start, end)
            members, starts = shared_runs(mix.value(), partial(self._band_of, sigs, start, end))
            del mix
            candidates += _bucket_pairs(members, starts, n)
            del members, starts
        if not candidates:
            return []
        codes = np.concatenate(candidates)
        del candidates
        codes.sort()
        fresh = np.ones(len(codes), dtype=bool)
        np.not_equal(codes[1:], codes[:-1], out=fresh[1:])
        codes = codes[fresh]  # (np.unique without its numpy.ma import)
        del fresh
        pairs: list[tuple[int, int]] = []
        for chunk in range(0, len(codes), VERIFY_BATCH):
            a, b = np.divmod(codes[chunk : chunk + VERIFY_BATCH], n)
            if sigs is not None:
                sig_a, sig_b = sigs[a], sigs[b]
            else:
                sig_a, sig_b = self.signatures(a), self.signatures(b)
            agree = np.count_nonzero(sig_a == sig_b, axis=1) / self.settings.num_perm
            keep = agree >= self.threshold
            pairs += zip(a[keep].tolist(), b[keep].tolist(), strict=True)
        return pairs

    def _band_of(self, sigs: np.ndarray | None, start: int, end: int, rows: np.ndarray) -> np.ndarray:
        """Columns ``start:end`` of the signatures of ``rows``."""
        if sigs is not None:
            band: np.ndarray = sigs[rows, start:end]
            return band
        return self.signatures(rows, start, end)

    def decide(self) -> dict[int, Duplicate]:
        """Decision: for each duplicate document's position, the kept document it duplicates."""
        parent = list(range(len(self)))
        positions = self.positions

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        pairs = self.verified_pairs()
        for a, b in pairs:
            ra, rb = find(a), find(b)
            if ra != rb:
                # The root of a component is its earliest document.
                first, second = (ra, rb) if positions[ra] < positions[rb] else (rb, ra)
                parent[second] = first
        # Only a document of a verified pair can have another root; in document order.
        keys = [key for key in sorted({key for pair in pairs for key in pair}) if find(key) != key]
        decisions: dict[int, Duplicate] = {}
        for chunk in range(0, len(keys), VERIFY_BATCH):
            batch = keys[chunk : chunk + VERIFY_BATCH]
            roots = [find(key) for key in batch]
            equal = self.signatures(np.array(batch)) == self.signatures(np.array(roots))
            # (estimated_jaccard of each pair: the same division, a batch at a time)
            similarities = (np.count_nonzero(equal, axis=1) / self.settings.num_perm).tolist()
            del equal
            for key, root, similarity in zip(batch, roots, similarities, strict=True):
                decisions[positions[key]] = Duplicate(self.ids[root], similarity)
        return decisions
