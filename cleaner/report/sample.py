"""A deterministic, bounded sample of a run's documents, with examples of every rule and reason.

A report of a 10,000-document run cannot show every document, and the reviewer must be able to
trust that the ones shown are not cherry-picked and are the same tomorrow: documents are chosen by
a stable hash of their id (a "bottom-k" sample: the ``size`` smallest hashes), which is uniform
over the run, independent of the order of work, and picks the same documents in two runs over the
same input (so a rule change is reviewed on the same documents). A rare rule could miss that
sample, so up to ``per_label`` documents of every label (rule id, reject reason) are kept too,
chosen the same way. Memory holds at most ``size + per_label * labels`` payloads, whatever the
length of the run.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

Key = tuple[int, int, int]  # (priority, hash of id, input position)


def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that is the same in every process and every run.

    >>> stable_hash("a") == stable_hash("a") != stable_hash("b")
    True
    """
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def sample_key(doc_id: str, position: int, priority: int = 0) -> Key:
    """The sort key of a document: lower ``priority`` first, then the hash of its id."""
    return (priority, stable_hash(doc_id), position)


@dataclass(order=True)
class _Entry(Generic[T]):
    neg: tuple[int, int, int]  # negated key: heapq is a min-heap, the sample keeps the smallest keys
    payload: T = field(compare=False)


def _neg(key: Key) -> tuple[int, int, int]:
    return (-key[0], -key[1], -key[2])


class _Bottom(Generic[T]):
    """The ``size`` entries with the smallest keys seen so far."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.heap: list[_Entry[T]] = []

    def wants(self, key: Key) -> bool:
        if self.size <= 0:
            return False
        return len(self.heap) < self.size or _neg(key) > self.heap[0].neg

    def add(self, key: Key, payload: T) -> None:
        if not self.wants(key):
            return
        entry = _Entry(_neg(key), payload)
        if len(self.heap) < self.size:
            heapq.heappush(self.heap, entry)
        else:
            heapq.heapreplace(self.heap, entry)

    def sorted(self) -> list[tuple[Key, T]]:
        """Entries by ascending key."""
        items = [((-e.neg[0], -e.neg[1], -e.neg[2]), e.payload) for e in self.heap]
        return sorted(items, key=lambda kv: kv[0])


class StableSample(Generic[T]):
    """Keep at most ``size`` payloads: examples of each label first, then the bottom-k by key.

    >>> s: StableSample[str] = StableSample(3, per_label=1)
    >>> for n, (doc, labels) in enumerate([("a", ["x"]), ("b", []), ("c", ["y"]), ("d", []), ("e", [])]):
    ...     key = sample_key(doc, n)
    ...     if s.wants(key, labels):
    ...         s.add(key, labels, doc)
    >>> picked = s.chosen()
    >>> len(picked), "a" in picked, "c" in picked
    (3, True, True)
    """

    def __init__(self, size: int, per_label: int = 3) -> None:
        self.size = max(0, size)
        self.per_label = per_label
        self._general: _Bottom[T] = _Bottom(self.size)
        self._labels: dict[str, _Bottom[T]] = {}

    def _label(self, label: str) -> _Bottom[T]:
        bottom = self._labels.get(label)
        if bottom is None:
            bottom = self._labels[label] = _Bottom(self.per_label if self.size else 0)
        return bottom

    def wants(self, key: Key, labels: Iterable[str]) -> bool:
        """Whether a document with ``key`` and ``labels`` would be kept (check before rendering it)."""
        return self._general.wants(key) or any(self._label(label).wants(key) for label in labels)

    def add(self, key: Key, labels: Iterable[str], payload: T) -> None:
        self._general.add(key, payload)
        for label in labels:
            self._label(label).add(key, payload)

    def chosen(self) -> list[T]:
        """The sample, in input order: each label's examples in turns, then the rest by key."""
        picked: dict[int, tuple[Key, T]] = {}  # by input position
        ordered = {label: bottom.sorted() for label, bottom in sorted(self._labels.items())}
        for turn in range(self.per_label):
            for examples in ordered.values():
                if len(picked) >= self.size:
                    break
                if turn < len(examples):
                    key, payload = examples[turn]
                    picked.setdefault(key[2], (key, payload))
        for key, payload in self._general.sorted():
            if len(picked) >= self.size:
                break
            picked.setdefault(key[2], (key, payload))
        return [payload for _, (_, payload) in sorted(picked.items())]

    def labels(self) -> list[str]:
        """Every label seen, sorted."""
        return sorted(self._labels)

    def examples(self, label: str) -> list[T]:
        """The examples kept for ``label`` (whether or not :meth:`chosen` made room for them)."""
        bottom = self._labels.get(label)
        return [payload for _, payload in bottom.sorted()] if bottom else []
