"""The vectorised groupings give what a plain loop over every bucket gives.

Stage 2 groups paragraphs (site boilerplate) and documents (duplicates) with numpy, all buckets of a
band at once; each test here writes the grouping the obvious way (a dict of buckets per band, a
loop per bucket, union-find) and asks for the same answer, to the representative, the count and
the order, on small random collections with planted near-copies.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.dedup.boilerplate as boilerplate
import cleaner.dedup.documents as documents
from cleaner.dedup.boilerplate import (
    BANDS,
    ROWS,
    ParagraphCollector,
    find_boilerplate,
    join_all,
    roots_of,
    smallest_in_runs,
)
from cleaner.dedup.buckets import KeyMix, shared_runs
from cleaner.dedup.documents import DocumentIndex, document_lsh

Sig = tuple[int, ...]
Paragraph = tuple[str, int, Sig]  # source, document number, signature


def near_copies(rng: np.random.Generator, count: int, width: int, bases: int, spread: int) -> list[Sig]:
    """``count`` signatures, each a copy of one of ``bases`` random ones with up to ``spread``
    positions changed; values from a small range when ``spread`` is odd, so that band keys and
    lexicographic ties are common."""
    high = 4 if spread % 2 else 2**32
    base = rng.integers(0, high, size=(bases, width), dtype=np.uint64)
    out = []
    for _ in range(count):
        sig = base[rng.integers(bases)].copy()
        changed = rng.choice(width, size=int(rng.integers(0, spread + 1)), replace=False)
        sig[changed] = rng.integers(0, high, size=len(changed))
        out.append(tuple(int(v) for v in sig))
    return out


def root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        i = parent[i]
    return i


def union(parent: list[int], a: int, b: int) -> None:
    ra, rb = root(parent, a), root(parent, b)
    parent[max(ra, rb)] = min(ra, rb)  # a component's root is its smallest element


def reference_boilerplate(
    paragraphs: list[Paragraph],
    source_of: dict[int, str],
    min_docs: int,
    threshold: float,
    min_share: float,
    exclude: set[int],
) -> dict[str, list[tuple[Sig, int]]]:
    """find_boilerplate written as a loop over every bucket of every band."""
    documents_of = Counter(source for doc, source in source_of.items() if doc not in exclude)
    grouped = [p for p in paragraphs if documents_of[p[0]] >= min_docs and p[1] not in exclude]
    parent = list(range(len(grouped)))
    for band in range(BANDS):
        buckets: dict[tuple[str, Sig], list[int]] = defaultdict(list)
        for i, (source, _, sig) in enumerate(grouped):
            buckets[source, sig[band * ROWS : (band + 1) * ROWS]].append(i)
        for members in buckets.values():
            if len({grouped[i][1] for i in members}) < 2:
                continue
            rep = min(members, key=lambda i: grouped[i][2])  # the first on a tie
            for i in members:
                agree = sum(x == y for x, y in zip(grouped[i][2], grouped[rep][2], strict=True))
                if agree / len(grouped[rep][2]) >= threshold:
                    union(parent, rep, i)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(grouped)):
        components[root(parent, i)].append(i)
    found: dict[str, list[tuple[Sig, int]]] = {}
    for first in sorted(components):
        members = components[first]
        source = grouped[first][0]
        count = len({grouped[i][1] for i in members})
        if count >= min_docs and count >= min_share * documents_of[source]:
            rep_sig = grouped[min(members, key=lambda i: grouped[i][2])][2]
            if rep_sig not in [sig for sig, _ in found.get(source, [])]:
                found.setdefault(source, []).append((rep_sig, count))
    return found


def collection(seed: int, docs: int, sources: int, spread: int) -> tuple[list[Paragraph], dict[int, str]]:
    rng = np.random.default_rng(seed)
    pool = near_copies(rng, 200, BANDS * ROWS, bases=int(rng.integers(1, 8)), spread=spread)
    paragraphs: list[Paragraph] = []
    source_of: dict[int, str] = {}
    taken = iter(pool)
    for doc in range(docs):
        source = f"outlet-{rng.integers(sources)}.example"
        source_of[doc] = source
        for _ in range(int(rng.integers(0, 6))):  # a document may have no paragraph
            paragraphs.append((source, doc, next(taken)))
    return paragraphs, source_of


def boilerplate_of(
    paragraphs: list[Paragraph],
    source_of: dict[int, str],
    min_docs: int,
    min_share: float,
    exclude: set[int],
) -> dict[str, list[tuple[Sig, int]]]:
    collected = ParagraphCollector()
    for doc, source in source_of.items():
        sigs = [sig for s, d, sig in paragraphs if d == doc]
        collected.add(source, doc, np.array(sigs, dtype=np.uint32).reshape(len(sigs), BANDS * ROWS))
    index = find_boilerplate(collected, min_docs, 0.8, min_share, exclude=frozenset(exclude))
    return {
        source: [
            (tuple(int(v) for v in sig), count)
            for sig, count in zip(reps, index.doc_counts[source], strict=True)
        ]
        for source, reps in index.reps.items()
    }


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    docs=st.integers(0, 24),
    sources=st.integers(1, 3),
    spread=st.integers(0, 24),
    min_docs=st.integers(1, 4),
    min_share=st.sampled_from([0.0, 0.3, 0.5]),
    excluded=st.sets(st.integers(0, 23), max_size=4),
    chunk=st.sampled_from([1, 3, 8192]),
)
def test_boilerplate_is_what_a_loop_over_every_bucket_finds(
    seed: int,
    docs: int,
    sources: int,
    spread: int,
    min_docs: int,
    min_share: float,
    excluded: set[int],
    chunk: int,
) -> None:
    paragraphs, source_of = collection(seed, docs, sources, spread)
    expected = reference_boilerplate(paragraphs, source_of, min_docs, 0.8, min_share, excluded)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boilerplate, "MEMBER_CHUNK", chunk)  # buckets verified a few at a time, too
        patch.setattr(boilerplate, "COLLECTOR_BLOCK", 7)  # rows across blocks
        assert boilerplate_of(paragraphs, source_of, min_docs, min_share, excluded) == expected


def test_the_reference_finds_boilerplate_in_these_collections_often() -> None:
    """The property above is not vacuous: its collections do hold boilerplate, several
    representatives of one source among them."""
    found = [
        reference_boilerplate(
            *collection(seed, 20, 2, spread=10), min_docs=3, threshold=0.8, min_share=0.3, exclude=set()
        )
        for seed in range(20)
    ]
    assert sum(1 for f in found if f) >= 10
    assert any(len(reps) >= 2 for f in found for reps in f.values())


def test_the_smallest_signature_of_each_run_is_lexsorts_first() -> None:
    rng = np.random.default_rng(4)
    sigs = rng.integers(0, 2, size=(400, 4), dtype=np.uint32)  # many ties, exact copies too
    starts = np.flatnonzero(np.r_[True, rng.random(399) < 0.1])
    ends = np.append(starts[1:], len(sigs))
    expected = [s + int(np.lexsort(sigs[s:e].T[::-1])[0]) for s, e in zip(starts, ends, strict=True)]
    assert smallest_in_runs(sigs, starts).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(
    elements=st.integers(1, 60),
    edges=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=80),
    rounds=st.integers(1, 3),
)
def test_joined_components_are_those_of_one_union_at_a_time(
    elements: int, edges: list[tuple[int, int]], rounds: int
) -> None:
    """Edges joined in a few batches (as bands are), each batch at once: each element's root is
    the smallest element of its component, as single unions toward the smaller root give."""
    edges = [(a % elements, b % elements) for a, b in edges]
    parent = list(range(elements))
    for a, b in edges:
        union(parent, a, b)
    forest = np.arange(elements, dtype=np.int32)
    for batch in range(rounds):
        chosen = edges[batch::rounds]
        join_all(
            forest,
            np.array([a for a, _ in chosen], dtype=np.int32),
            np.array([b for _, b in chosen], dtype=np.int32),
        )
    assert roots_of(forest).tolist() == [root(parent, i) for i in range(elements)]


def reference_runs(keys: np.ndarray) -> list[list[int]]:
    """The rows of each key that two or more rows have, ascending: a dict of buckets."""
    buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, key in enumerate(keys.tolist()):
        buckets[tuple(key)].append(i)
    return sorted(rows for rows in buckets.values() if len(rows) >= 2)


def runs_found(members: np.ndarray, starts: np.ndarray) -> list[list[int]]:
    bounds = [*starts.tolist(), len(members)]
    return sorted(members[a:b].tolist() for a, b in itertools.pairwise(bounds))


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 300),
    values=st.integers(1, 6),
    mixing=st.sampled_from(["mixed", "high half only", "one value", "low bits only"]),
)
def test_shared_runs_are_the_buckets_of_equal_keys_whatever_the_mix(
    seed: int, rows: int, values: int, mixing: str
) -> None:
    """Good mixes, and bad ones (equal high halves, one value for all, values that differ only
    in their low half) that a real mix makes rare but never impossible: the same buckets."""
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, values, size=(rows, 3), dtype=np.uint32)
    mix = KeyMix(rows)
    mix.add(keys)
    mixed = mix.value()
    if mixing == "high half only":
        mixed &= np.uint64(0xFFFFFFFF00000000)
    elif mixing == "one value":
        mixed[:] = 7
    elif mixing == "low bits only":
        mixed &= np.uint64(0x3)
    members, starts = shared_runs(mixed, lambda at: keys[at])
    assert runs_found(members, starts) == reference_runs(keys)
    for a, b in itertools.pairwise([*starts.tolist(), len(members)]):
        assert members[a:b].tolist() == sorted(members[a:b].tolist())  # each bucket ascending


def test_a_key_mix_depends_on_the_values_only() -> None:
    rng = np.random.default_rng(8)
    wide = rng.integers(0, 2**32, size=(50, 12), dtype=np.uint32)
    contiguous, strided = KeyMix(50), KeyMix(50)
    contiguous.add(np.ascontiguousarray(wide[:, 3:8]))
    strided.add(wide[:30, 3:8])
    strided.add(wide[30:, 3:8], 30)
    assert np.array_equal(contiguous.value(), strided.value())
    other = KeyMix(50)
    other.add(np.ascontiguousarray(wide[:, 4:9]))
    assert not np.array_equal(contiguous.value(), other.value())


def reference_pairs(sigs: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """DocumentIndex.verified_pairs written as a dict of buckets per band, every pair checked."""
    found = set()
    for start, end in document_lsh(threshold, sigs.shape[1]).hashranges:
        buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for i, sig in enumerate(sigs.tolist()):
            buckets[tuple(sig[start:end])].append(i)
        for members in buckets.values():
            for a, b in itertools.combinations(members, 2):
                if np.count_nonzero(sigs[a] == sigs[b]) / sigs.shape[1] >= threshold:
                    found.add((a, b))
    return sorted(found)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), docs=st.integers(0, 40), spread=st.integers(0, 40))
def test_verified_pairs_and_decisions_are_those_of_a_loop_over_every_bucket(
    seed: int, docs: int, spread: int
) -> None:
    rng = np.random.default_rng(seed)
    sigs = np.array(
        near_copies(rng, docs, 128, bases=int(rng.integers(1, 6)), spread=spread), dtype=np.uint32
    )
    sigs = sigs.reshape(docs, 128)
    positions = rng.permutation(docs).tolist()  # input order is not index order
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "DOCUMENT_BLOCK", 6)
        index = DocumentIndex()
        for n, sig in enumerate(sigs):
            index.add(f"d{n}", positions[n], sig)
        expected = reference_pairs(sigs, index.threshold)
        assert index.verified_pairs() == expected
        assert index.verified_pairs(sigs) == expected
        decided = index.decide()
    parent = list(range(docs))
    for a, b in expected:
        ra, rb = root(parent, a), root(parent, b)
        if ra != rb:  # the earliest in input order is kept
            first, second = (ra, rb) if positions[ra] < positions[rb] else (rb, ra)
            parent[second] = first
    wanted = {}
    for key in range(docs):
        kept = root(parent, key)
        if kept != key:
            wanted[positions[key]] = (f"d{kept}", np.count_nonzero(sigs[key] == sigs[kept]) / 128)
    assert list(decided) == list(wanted)
    assert {k: (d.of, d.similarity) for k, d in decided.items()} == wanted
