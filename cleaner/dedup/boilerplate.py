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


@dataclass
class ParagraphCollector:
    """The first pass's memory: per paragraph a source code, a document number, a signature."""

    groups: dict[str, int] = field(default_factory=dict)
    doc_groups: dict[int, int] = field(default_factory=dict)
    group_codes: list[np.ndarray] = field(default_factory=list)
    doc_numbers: list[np.ndarray] = field(default_factory=list)
    sigs: list[np.ndarray] = field(default_factory=list)

    def add(self, group: str, doc_number: int, paragraph_sigs: np.ndarray) -> None:
        code = self.groups.setdefault(group, len(self.groups))
        self.doc_groups[doc_number] = code
        n = len(paragraph_sigs)
        if not n:
            return
        self.group_codes.append(np.full(n, code, dtype=np.int32))
        self.doc_numbers.append(np.full(n, doc_number, dtype=np.int64))
        self.sigs.append(np.asarray(paragraph_sigs, dtype=np.uint32))

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.group_codes + self.doc_numbers + self.sigs)

    def count(self) -> int:
        return sum(len(a) for a in self.group_codes)


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
    """
    index = BoilerplateIndex(threshold=threshold)
    if not collected.sigs:
        return index
    groups = np.concatenate(collected.group_codes)
    docs = np.concatenate(collected.doc_numbers)
    sigs = np.concatenate(collected.sigs)
    if exclude:
        keep = ~np.isin(docs, np.fromiter(exclude, dtype=np.int64))
        groups, docs, sigs = groups[keep], docs[keep], sigs[keep]
    group_docs = np.bincount(
        [code for doc, code in collected.doc_groups.items() if doc not in exclude],
        minlength=len(collected.groups),
    )
    # A source with fewer documents than min_docs has no boilerplate to find: its paragraphs
    # are left out of the grouping (a crawl of many small sites costs nothing here).
    small = np.flatnonzero(group_docs < min_docs)
    if len(small):
        keep = ~np.isin(groups, small)
        groups, docs, sigs = groups[keep], docs[keep], sigs[keep]
    n = len(sigs)
    if not n:
        return index
    parent = np.arange(n, dtype=np.int64)
    for band in range(BANDS):
        cols = sigs[:, band * ROWS : (band + 1) * ROWS]
        keys = np.column_stack([groups.astype(np.uint32), cols])
        order = np.lexsort(keys.T[::-1])
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(np.any(sorted_keys[1:] != sorted_keys[:-1], axis=1)) + 1
        starts = np.concatenate([[0], boundaries])
        ends = np.concatenate([boundaries, [n]])
        for start, end in zip(starts[ends - starts >= 2], ends[ends - starts >= 2], strict=True):
            members = order[start:end]
            if len(np.unique(docs[members])) < 2:
                continue
            member_sigs = sigs[members]
            rep = members[np.lexsort(member_sigs.T[::-1])[0]]
            agree = np.count_nonzero(member_sigs == sigs[rep], axis=1) / sigs.shape[1]
            root = _find(parent, int(rep))
            for m in members[agree >= threshold]:
                other = _find(parent, int(m))
                if other != root:
                    parent[max(other, root)] = min(other, root)
                    root = min(other, root)
    roots = np.array([_find(parent, i) for i in range(n)], dtype=np.int64)
    pairs = np.unique(np.column_stack([roots, docs]), axis=0)
    component_roots, doc_counts = np.unique(pairs[:, 0], return_counts=True)
    names = {code: name for name, code in collected.groups.items()}
    for root, count in zip(component_roots.tolist(), doc_counts.tolist(), strict=True):
        group = int(groups[root])
        if count < min_docs or count < min_share * group_docs[group]:
            continue
        members = np.flatnonzero(roots == root)
        rep = members[np.lexsort(sigs[members].T[::-1])[0]]
        index.add(names[int(groups[rep])], sigs[rep], count)
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
