"""Site boilerplate: paragraphs whose near-copies appear in at least K documents of one source.

Footers, author bios, disclaimers and invented UI labels repeat on every page of a site, and no
rule can know them all. They are found in two stages:

1. :func:`find_boilerplate` (global): paragraphs of all kept documents are grouped by source and
   LSH band key; each bucket's members are verified against the bucket's representative (the
   member with the smallest signature, so the choice does not depend on input order); verified
   pairs are joined into components; a component present in at least ``min_docs`` distinct
   documents of its source, and in at least ``min_share`` of that source's documents, is
   boilerplate, kept as its representative signature.
2. :class:`RemoveSiteBoilerplate` (per document): a paragraph within ``threshold`` of a
   representative of its document's source is removed.

A quote two articles share stays: two documents are not a site's template.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from cleaner.dedup.minhash import PARAGRAPH_SKETCH
from cleaner.dedup.repeats import paragraph_signatures_of
from cleaner.document import Document, Edit

BOILERPLATE_MIN_DOCS = 5
# A site's template is on most of its pages. "Pros", "Conclusion" or "}" recur across many
# articles of a site too, but on a minority of them: they are the articles' own words.
BOILERPLATE_MIN_SHARE = 0.5
BOILERPLATE_THRESHOLD = 0.8
BANDS, ROWS = 16, 4  # 64 permutations; candidates from J ~ 0.5, verified at 0.8


@dataclass
class BoilerplateIndex:
    """Representative signatures of each source's boilerplate, with how many documents had it."""

    threshold: float = BOILERPLATE_THRESHOLD
    reps: dict[str, np.ndarray] = field(default_factory=dict)  # group -> (R, num_perm)
    doc_counts: dict[str, list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.reps.values())

    def add(self, group: str, sig: np.ndarray, docs: int) -> None:
        current = self.reps.get(group)
        if current is not None and bool(np.any(np.all(current == sig, axis=1))):
            return
        self.reps[group] = sig[None, :] if current is None else np.vstack([current, sig])
        self.doc_counts.setdefault(group, []).append(docs)

    def merge(self, other: BoilerplateIndex) -> None:
        for group, sigs in sorted(other.reps.items()):
            for sig, docs in zip(sigs, other.doc_counts[group], strict=True):
                self.add(group, sig, docs)

    def matches(self, group: str, sig: np.ndarray) -> bool:
        return bool(self.matches_each(group, sig[None, :])[0])

    def matches_each(self, group: str, sigs: np.ndarray) -> np.ndarray:
        """For each row of ``sigs`` (a document's paragraphs), whether it is the group's boilerplate."""
        reps = self.reps.get(group)
        if reps is None or not len(sigs):
            return np.zeros(len(sigs), dtype=bool)
        agreement = np.count_nonzero(sigs[:, None, :] == reps[None, :, :], axis=2) / reps.shape[1]
        matched: np.ndarray = np.any(agreement >= self.threshold, axis=1)
        return matched


COLLECTOR_BLOCK = 65536  # paragraphs per block of the collector's arrays


class ParagraphCollector:
    """The first pass's memory: per paragraph a source code, a document number, a signature.

    Rows are copied into fixed blocks as they come (a list of small arrays would cost about
    a hundred bytes of object per document; one array grown by doubling would hold two copies
    while it grows). The grouping reads the blocks in place: only a band's columns at a time
    are gathered, never a second copy of the signatures. Each document's source is two
    compact arrays (document number, source code), not a dict of Python integers.
    """

    def __init__(self, num_perm: int = PARAGRAPH_SKETCH.num_perm) -> None:
        self.groups: dict[str, int] = {}
        self.num_perm = num_perm
        self._doc_numbers = array("q")
        self._doc_codes = array("i")
        self._codes: list[np.ndarray] = []
        self._docs: list[np.ndarray] = []
        self._sigs: list[np.ndarray] = []
        self._count = 0

    def add(self, group: str, doc_number: int, paragraph_sigs: np.ndarray) -> None:
        code = self.groups.setdefault(group, len(self.groups))
        self._doc_numbers.append(doc_number)
        self._doc_codes.append(code)
        done = 0
        while done < len(paragraph_sigs):
            block, at = divmod(self._count, COLLECTOR_BLOCK)
            if block == len(self._sigs):
                self._codes.append(np.empty(COLLECTOR_BLOCK, dtype=np.int32))
                self._docs.append(np.empty(COLLECTOR_BLOCK, dtype=np.int64))
                self._sigs.append(np.empty((COLLECTOR_BLOCK, self.num_perm), dtype=np.uint32))
            take = min(len(paragraph_sigs) - done, COLLECTOR_BLOCK - at)
            self._codes[block][at : at + take] = code
            self._docs[block][at : at + take] = doc_number
            self._sigs[block][at : at + take] = paragraph_sigs[done : done + take]
            done += take
            self._count += take

    @property
    def doc_groups(self) -> dict[int, int]:
        """Each document's source code, by document number (the last one given wins)."""
        return dict(zip(self._doc_numbers.tolist(), self._doc_codes.tolist(), strict=True))

    def group_documents(self, exclude: frozenset[int] = frozenset()) -> np.ndarray:
        """How many documents (not in ``exclude``) each source code has."""
        numbers = np.frombuffer(self._doc_numbers, dtype=np.int64)
        codes = np.frombuffer(self._doc_codes, dtype=np.int32)
        # A document given twice counts once, with its last source (as a dict would have it).
        _, last = np.unique(numbers[::-1], return_index=True)
        last = len(numbers) - 1 - last
        if exclude:
            last = last[~np.isin(numbers[last], np.fromiter(exclude, dtype=np.int64))]
        return np.bincount(codes[last], minlength=len(self.groups))

    def nbytes(self) -> int:
        """The bytes of the rows collected (group code, document number, signature)."""
        return self._count * (4 + 8 + 4 * self.num_perm)

    def count(self) -> int:
        return self._count

    def _gather(self, blocks: list[np.ndarray], dtype: type[np.integer]) -> np.ndarray:
        """The first column ``blocks`` hold, as one ``dtype`` array (no intermediate copy)."""
        out = np.empty(self._count, dtype=dtype)
        for b, block in enumerate(blocks):
            start = b * COLLECTOR_BLOCK
            end = min(self._count, start + COLLECTOR_BLOCK)
            out[start:end] = block[: end - start]
        return out

    def codes(self) -> np.ndarray:
        return self._gather(self._codes, np.int32)

    def doc_numbers(self) -> np.ndarray:
        return self._gather(self._docs, np.int64)

    def band(self, rows: np.ndarray, start: int, end: int) -> np.ndarray:
        """Columns ``start:end`` of the signatures of ``rows`` (ascending row numbers), as
        ``end - start`` contiguous rows of ``len(rows)`` values (each one a sort key)."""
        out = np.empty((end - start, len(rows)), dtype=np.uint32)
        bounds = np.searchsorted(rows, np.arange(len(self._sigs) + 1) * COLLECTOR_BLOCK).tolist()
        for b, block in enumerate(self._sigs):
            lo, hi = bounds[b], bounds[b + 1]
            if hi > lo:
                local = rows[lo:hi] - b * COLLECTOR_BLOCK
                out[:, lo:hi] = block[local, start:end].T
        return out

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        """The whole signatures of ``rows`` (any order)."""
        out = np.empty((len(rows), self.num_perm), dtype=np.uint32)
        for n, row in enumerate(rows.tolist()):
            out[n] = self._sigs[row // COLLECTOR_BLOCK][row % COLLECTOR_BLOCK]
        return out


_NONE = np.zeros(0, dtype=np.int64)


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = int(parent[root])
    while parent[i] != root:
        parent[i], i = root, int(parent[i])
    return root


def _roots(parent: np.ndarray) -> np.ndarray:
    """Every element's root, by pointer jumping in place (a root is its component's smallest
    element, so ``parent[i] <= i``): no Python integer per paragraph."""
    while True:
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            return parent
        parent[:] = jumped
        del jumped


def find_boilerplate(
    collected: ParagraphCollector,
    min_docs: int = BOILERPLATE_MIN_DOCS,
    threshold: float = BOILERPLATE_THRESHOLD,
    min_share: float = BOILERPLATE_MIN_SHARE,
    exclude: frozenset[int] = frozenset(),
) -> BoilerplateIndex:
    """The boilerplate of every source in ``collected`` (see the module docstring).

    Documents numbered in ``exclude`` (duplicates of a kept document) do not count: ten
    syndicated copies of one story must not make its paragraphs look like a template.

    The signatures are read where the collector holds them: what is made here is a band's
    columns at a time, and four 32-bit integers per paragraph (source code, document number,
    row, union-find parent); each working array is let go as soon as it has served.
    """
    index = BoilerplateIndex(threshold=threshold)
    if not collected.count():
        return index
    if collected.count() >= 2**31:
        raise ValueError("more than 2**31 paragraphs: the grouping's 32-bit row numbers cannot hold them")
    group_docs = collected.group_documents(exclude)
    # A source with fewer documents than min_docs has no boilerplate to find: its paragraphs
    # are left out of the grouping (a crawl of many small sites costs nothing here).
    groups = collected.codes()
    keep = np.isin(groups, np.flatnonzero(group_docs < min_docs), invert=True)
    if exclude:
        docs64 = collected.doc_numbers()
        keep &= np.isin(docs64, np.fromiter(exclude, dtype=np.int64), invert=True)
        del docs64
    rows = np.flatnonzero(keep).astype(np.int32)  # the paragraphs grouped, by their row in the collector
    del keep
    groups = groups[rows]
    docs = _docs_of(collected, rows)
    n = len(rows)
    if not n:
        return index
    parent = np.arange(n, dtype=np.int32)
    for band in range(BANDS):
        cols = collected.band(rows, band * ROWS, (band + 1) * ROWS)
        keys = (*cols[::-1], groups)  # last key sorts first: source, then the band's columns
        order = np.lexsort(keys)
        # same[k]: sorted rows k - 1 and k share the key (False at both ends); the runs of True
        # are the buckets of two or more, found without an array of every bucket's bounds.
        same = np.ones(n + 1, dtype=bool)
        same[0] = same[n] = False
        for key in keys:
            ordered = key[order]
            same[1:n] &= ordered[1:] == ordered[:-1]
            del ordered
        del cols, keys
        edges = np.flatnonzero(same[1:] != same[:-1])
        del same
        starts, ends = edges[0::2], edges[1::2] + 1
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            members = order[start:end]
            if len(np.unique(docs[members])) < 2:
                continue
            member_sigs = collected.signatures(rows[members])
            first = np.lexsort(member_sigs.T[::-1])[0]
            rep = members[first]
            agree = np.count_nonzero(member_sigs == member_sigs[first], axis=1) / collected.num_perm
            root = _find(parent, int(rep))
            for m in members[agree >= threshold].tolist():
                other = _find(parent, m)
                if other != root:
                    parent[max(other, root)] = min(other, root)
                    root = min(other, root)
        members = _NONE  # (the last bucket's members, a view of order, would keep it)
        del order, edges, starts, ends
    roots = _roots(parent)
    del parent
    # Distinct documents per component: one 64-bit key per (root, document), sorted in place.
    width = int(docs.max()) + 1
    pairs = roots.astype(np.int64)
    pairs *= width
    pairs += docs
    del docs
    pairs.sort()
    fresh = np.empty(n, dtype=bool)
    fresh[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=fresh[1:])
    pairs = pairs[fresh]
    del fresh
    pairs //= width  # each component's root, once per document of it, ascending
    starts = np.flatnonzero(np.concatenate([[True], pairs[1:] != pairs[:-1]]))
    component_roots = pairs[starts]
    doc_counts = np.diff(np.append(starts, len(pairs)))
    del pairs, starts
    names = {code: name for name, code in collected.groups.items()}
    # (vectorised: most components are one paragraph, and a Python integer each would cost more
    # than the grouping's arrays)
    enough = (doc_counts >= min_docs) & (doc_counts >= min_share * group_docs[groups[component_roots]])
    passing = list(zip(component_roots[enough].tolist(), doc_counts[enough].tolist(), strict=True))
    del component_roots, doc_counts
    if not passing:
        return index
    # The members of the passing components only, each component's ascending.
    chosen = np.flatnonzero(np.isin(roots, np.array([root for root, _ in passing], dtype=roots.dtype)))
    by_root = chosen[np.argsort(roots[chosen], kind="stable")]
    sorted_roots = roots[by_root]
    del chosen
    for root, count in passing:
        members = by_root[np.searchsorted(sorted_roots, root) : np.searchsorted(sorted_roots, root, "right")]
        member_sigs = collected.signatures(rows[members])
        first = np.lexsort(member_sigs.T[::-1])[0]
        index.add(names[int(groups[members[first]])], member_sigs[first], count)
    return index


def _docs_of(collected: ParagraphCollector, rows: np.ndarray) -> np.ndarray:
    """The document numbers of ``rows``, rebased to start at 0 as 32-bit integers when they fit."""
    docs: np.ndarray = collected.doc_numbers()[rows]
    low = int(docs.min()) if len(docs) else 0
    docs -= low
    if len(docs) and int(docs.max()) < 2**31:
        rebased: np.ndarray = docs.astype(np.int32)
        return rebased
    return docs


@dataclass(frozen=True)
class RemoveSiteBoilerplate:
    """Remove the paragraphs that match a known boilerplate paragraph of the document's source."""

    index: BoilerplateIndex
    name: ClassVar[str] = "boilerplate"
    prefix: ClassVar[str] = "boilerplate"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#953800", "#ffe7d1")
    code_rules: ClassVar[tuple[str, ...]] = ("boilerplate.site",)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        if doc.group not in self.index.reps:
            return
        for i in np.flatnonzero(self.index.matches_each(doc.group, paragraph_signatures(doc))).tolist():
            yield Edit.drop_line(self.name, "boilerplate.site", i, doc.lines[i])


def paragraph_signatures(doc: Document) -> np.ndarray:
    if not doc.lines:
        return np.zeros((0, PARAGRAPH_SKETCH.num_perm), dtype=np.uint32)
    return np.stack(paragraph_signatures_of(doc.lines))
