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
    are gathered, never a second copy of the signatures.
    """

    def __init__(self, num_perm: int = PARAGRAPH_SKETCH.num_perm) -> None:
        self.groups: dict[str, int] = {}
        self.doc_groups: dict[int, int] = {}
        self.num_perm = num_perm
        self._codes: list[np.ndarray] = []
        self._docs: list[np.ndarray] = []
        self._sigs: list[np.ndarray] = []
        self._count = 0

    def add(self, group: str, doc_number: int, paragraph_sigs: np.ndarray) -> None:
        code = self.groups.setdefault(group, len(self.groups))
        self.doc_groups[doc_number] = code
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

    def nbytes(self) -> int:
        """The bytes of the rows collected (group code, document number, signature)."""
        return self._count * (4 + 8 + 4 * self.num_perm)

    def count(self) -> int:
        return self._count

    def _gather(self, blocks: list[np.ndarray]) -> np.ndarray:
        last = self._count - (len(blocks) - 1) * COLLECTOR_BLOCK
        return np.concatenate([*blocks[:-1], blocks[-1][:last]]) if blocks else np.zeros(0)

    def codes(self) -> np.ndarray:
        return self._gather(self._codes)

    def doc_numbers(self) -> np.ndarray:
        return self._gather(self._docs)

    def band(self, rows: np.ndarray, start: int, end: int) -> np.ndarray:
        """Columns ``start:end`` of the signatures of ``rows`` (ascending row numbers)."""
        bounds = np.searchsorted(rows, np.arange(len(self._sigs) + 1) * COLLECTOR_BLOCK).tolist()
        parts = [
            self._sigs[b][rows[bounds[b] : bounds[b + 1]] - b * COLLECTOR_BLOCK, start:end]
            for b in range(len(self._sigs))
        ]
        return np.concatenate(parts) if parts else np.zeros((0, end - start), dtype=np.uint32)

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        """The whole signatures of ``rows`` (any order)."""
        out = np.empty((len(rows), self.num_perm), dtype=np.uint32)
        for n, row in enumerate(rows.tolist()):
            out[n] = self._sigs[row // COLLECTOR_BLOCK][row % COLLECTOR_BLOCK]
        return out


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = int(parent[root])
    while parent[i] != root:
        parent[i], i = root, int(parent[i])
    return root


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
    columns at a time, and a few integers per paragraph.
    """
    index = BoilerplateIndex(threshold=threshold)
    if not collected.count():
        return index
    groups = collected.codes()
    docs = collected.doc_numbers()
    keep = np.ones(len(groups), dtype=bool)
    if exclude:
        keep &= ~np.isin(docs, np.fromiter(exclude, dtype=np.int64))
    group_docs = np.bincount(
        [code for doc, code in collected.doc_groups.items() if doc not in exclude],
        minlength=len(collected.groups),
    )
    # A source with fewer documents than min_docs has no boilerplate to find: its paragraphs
    # are left out of the grouping (a crawl of many small sites costs nothing here).
    small = np.flatnonzero(group_docs < min_docs)
    if len(small):
        keep &= ~np.isin(groups, small)
    rows = np.flatnonzero(keep)  # the paragraphs grouped, by their row in the collector
    groups, docs = groups[rows], docs[rows]
    del keep
    n = len(rows)
    if not n:
        return index
    parent = np.arange(n, dtype=np.int64)
    for band in range(BANDS):
        cols = collected.band(rows, band * ROWS, (band + 1) * ROWS)
        keys = np.column_stack([groups.astype(np.uint32), cols])
        del cols
        order = np.lexsort(keys.T[::-1])
        sorted_keys = keys[order]
        del keys
        boundaries = np.flatnonzero(np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)) + 1
        del sorted_keys
        starts = np.concatenate([[0], boundaries])
        ends = np.concatenate([boundaries, [n]])
        for start, end in zip(starts[ends - starts >= 2], ends[ends - starts >= 2], strict=True):
            members = order[start:end]
            if len(np.unique(docs[members])) < 2:
                continue
            member_sigs = collected.signatures(rows[members])
            first = np.lexsort(member_sigs.T[::-1])[0]
            rep = members[first]
            agree = np.count_nonzero(member_sigs == member_sigs[first], axis=1) / collected.num_perm
            root = _find(parent, int(rep))
            for m in members[agree >= threshold]:
                other = _find(parent, int(m))
                if other != root:
                    parent[max(other, root)] = min(other, root)
                    root = min(other, root)
        del order
    roots = np.array([_find(parent, i) for i in range(n)], dtype=np.int64)
    pairs = np.unique(np.column_stack([roots, docs]), axis=0)
    component_roots, doc_counts = np.unique(pairs[:, 0], return_counts=True)
    by_root = np.argsort(roots, kind="stable")  # each component's members, ascending
    sorted_roots = roots[by_root]
    names = {code: name for name, code in collected.groups.items()}
    for root, count in zip(component_roots.tolist(), doc_counts.tolist(), strict=True):
        group = int(groups[root])
        if count < min_docs or count < min_share * group_docs[group]:
            continue
        members = by_root[np.searchsorted(sorted_roots, root) : np.searchsorted(sorted_roots, root, "right")]
        member_sigs = collected.signatures(rows[members])
        first = np.lexsort(member_sigs.T[::-1])[0]
        index.add(names[int(groups[members[first]])], member_sigs[first], count)
    return index


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
