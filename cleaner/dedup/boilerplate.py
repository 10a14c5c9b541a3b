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
from functools import partial
from typing import ClassVar

import numpy as np

from cleaner.dedup.buckets import KeyMix, shared_runs
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

    def mix_band(self, mix: KeyMix, rows: np.ndarray, start: int, end: int) -> None:
        """Mix columns ``start:end`` of the signatures of ``rows`` (ascending row numbers) into
        ``mix``, read in place from each block (a block whose rows are all taken, as a view)."""
        bounds = np.searchsorted(rows, np.arange(len(self._sigs) + 1) * COLLECTOR_BLOCK).tolist()
        for b, block in enumerate(self._sigs):
            lo, hi = bounds[b], bounds[b + 1]
            if hi == lo:
                continue
            first = b * COLLECTOR_BLOCK
            if int(rows[hi - 1]) - int(rows[lo]) == hi - lo - 1:  # consecutive rows: a view
                at = int(rows[lo]) - first
                mix.add(block[at : at + hi - lo, start:end], lo)
            else:
                mix.add(block[rows[lo:hi] - first, start:end], lo)

    def signatures(self, rows: np.ndarray, start: int = 0, end: int | None = None) -> np.ndarray:
        """Columns ``start:end`` (all by default) of the signatures of ``rows`` (any order),
        gathered a block at a time."""
        rows = np.asarray(rows, dtype=np.int64)
        end = self.num_perm if end is None else end
        out = np.empty((len(rows), end - start), dtype=np.uint32)
        if len(self._sigs) == 1:
            out[:] = self._sigs[0][rows, start:end]
            return out
        block_of, at = np.divmod(rows, COLLECTOR_BLOCK)
        for block in np.flatnonzero(np.bincount(block_of)).tolist():
            chosen = block_of == block
            out[chosen] = self._sigs[block][at[chosen], start:end]
        return out


# Bucket members whose signatures are gathered at once (about 600 bytes each while a chunk is
# verified: its signatures, its representatives' and the comparison, 2.5 MB in all): a bound on
# the working memory that does not grow with the index, below the grouping's other arrays at
# 10,000 documents (twice as many raised stage 2's peak by 2 MB there, for no CPU saved). A
# bucket larger than this is taken alone.
MEMBER_CHUNK = 4096


def smallest_in_runs(sigs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each run of rows of ``sigs`` beginning at ``starts`` (ascending, the first 0), the row
    of its lexicographically smallest signature, the earliest one on a tie: per run what
    ``np.lexsort(run.T[::-1])[0]`` gives, without sorting 64 keys.

    Narrowed a column at a time (each run keeps the rows equal to its smallest value there);
    rows equal to their run's first row are left out first, since they can only tie with it
    and the tie goes to the first (a site's footer is mostly exact copies).

    >>> sigs = np.array([[2, 1], [1, 9], [1, 3], [1, 3], [5, 5], [5, 5]], dtype=np.uint32)
    >>> smallest_in_runs(sigs, np.array([0, 4])).tolist()
    [2, 4]
    """
    lengths = np.diff(starts, append=len(sigs))
    run = np.repeat(np.arange(len(starts)), lengths)
    firsts = sigs[starts]
    copies = np.all(sigs == (firsts[0] if len(starts) == 1 else firsts[run]), axis=1)
    del firsts
    copies[starts] = False
    rows = np.flatnonzero(~copies)
    del copies
    for column in range(sigs.shape[1]):
        if len(rows) == len(starts):
            break
        values = sigs[rows, column]
        opens = np.flatnonzero(np.diff(run[rows], prepend=-1))
        lowest = np.minimum.reduceat(values, opens)
        rows = rows[values == np.repeat(lowest, np.diff(opens, append=len(rows)))]
    smallest: np.ndarray = rows[np.diff(run[rows], prepend=-1) != 0]
    return smallest


def _root_of(parent: np.ndarray, elements: np.ndarray) -> np.ndarray:
    """The root of each of ``elements`` (followed up the forest a level at a time, all at once)."""
    roots: np.ndarray = parent[elements]
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            return roots
        roots = up


def join_all(parent: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """Join the components of each ``a[k]`` and ``b[k]`` in the forest ``parent``, all edges at
    once: each round hooks the larger root of every edge still across two components onto the
    smallest root it is joined to. A root stays its component's smallest element (``parent[i]
    <= i``), so the components and their roots are those of any order of single unions."""
    while len(a):
        root_a, root_b = _root_of(parent, a), _root_of(parent, b)
        across = root_a != root_b
        a, b, root_a, root_b = a[across], b[across], root_a[across], root_b[across]
        np.minimum.at(parent, np.maximum(root_a, root_b), np.minimum(root_a, root_b))


def roots_of(parent: np.ndarray) -> np.ndarray:
    """Every element's root, by pointer jumping in place (a root is its component's smallest
    element, so ``parent[i] <= i``): no Python integer per paragraph."""
    while True:
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            return parent
        parent[:] = jumped
        del jumped


def _band_keys(
    collected: ParagraphCollector, rows: np.ndarray, groups: np.ndarray, start: int, end: int, at: np.ndarray
) -> np.ndarray:
    """The bucket keys of the grouped paragraphs ``at``: a band's columns and the source code."""
    keys = np.empty((len(at), end - start + 1), dtype=np.uint32)
    keys[:, :-1] = collected.signatures(rows[at], start, end)
    keys[:, -1] = groups[at]
    return keys


def _band_edges(
    collected: ParagraphCollector,
    rows: np.ndarray,
    docs: np.ndarray,
    members: np.ndarray,
    starts: np.ndarray,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray]:
    """A band's verified pairs (representative, member) as two arrays of paragraph numbers:
    ``members`` are the band's buckets of two or more, one after another from ``starts``;
    a bucket whose members are all of one document is left out, and each other one is verified
    against its representative (its smallest signature), ``MEMBER_CHUNK`` members at a time."""
    lengths = np.diff(starts, append=len(members))
    member_docs = docs[members]
    several = np.minimum.reduceat(member_docs, starts) != np.maximum.reduceat(member_docs, starts)
    del member_docs
    members = members[np.repeat(several, lengths)]
    lengths = lengths[several]
    del several
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    first = 0
    while first < len(lengths):
        last = max(first + 1, int(np.searchsorted(bounds, bounds[first] + MEMBER_CHUNK, "right")) - 1)
        chunk = members[bounds[first] : bounds[last]]
        chunk_starts = bounds[first:last] - bounds[first]
        sigs = collected.signatures(rows[chunk])
        reps = np.repeat(smallest_in_runs(sigs, chunk_starts), lengths[first:last])
        agree = np.count_nonzero(sigs == sigs[reps], axis=1) / collected.num_perm
        joined = (agree >= threshold) & (reps != np.arange(len(chunk)))
        del sigs, agree
        found_a.append(chunk[reps[joined]])
        found_b.append(chunk[joined])
        del reps, joined, chunk
        first = last
    if not found_a:
        return _NONE, _NONE
    return np.concatenate(found_a), np.concatenate(found_b)


_NONE = np.zeros(0, dtype=np.int32)


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

    The signatures are read where the collector holds them: what is made here is four 32-bit
    integers per paragraph (source code, document number, row, union-find parent) and, a band
    at a time, one 64-bit key per paragraph (:class:`KeyMix`) to find the buckets of two or
    more (:func:`shared_runs`); their members are verified ``MEMBER_CHUNK`` at a time and joined
    in numpy (:func:`join_all`). Each working array is let go as soon as it has served.
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
        start, end = band * ROWS, (band + 1) * ROWS
        mix = KeyMix(n)
        collected.mix_band(mix, rows, start, end)
        mix.add(groups[:, None])  # a bucket is one source's
        members, starts = shared_runs(mix.value(), partial(_band_keys, collected, rows, groups, start, end))
        del mix
        if len(members):
            members = members.astype(np.int32)
            a, b = _band_edges(collected, rows, docs, members, starts, threshold)
            del members, starts
            join_all(parent, a, b)
            del a, b
            roots_of(parent)  # flat again: the next band's roots are one step away
    roots = roots_of(parent)
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
        first = int(smallest_in_runs(member_sigs, np.zeros(1, dtype=np.int64))[0])
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
