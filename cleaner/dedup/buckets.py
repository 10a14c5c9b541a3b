"""LSH buckets without sorting every key: the rows that share a band key with another row.

Both groupings (duplicate documents, site boilerplate) ask of each band the same thing: which
rows share their band's values (and, for paragraphs, their source) with at least one other row,
bucket by bucket, each bucket's rows in ascending order. A sort of every row by its band's
columns answers it (``np.lexsort``, one pass per column: 0.03 s per band on 60,000
paragraphs), but most rows share their key with no other, so here each row's columns are mixed
into one 64-bit value (:class:`KeyMix`), rows whose value no other row has are set aside with a
table of its high bits (no sort), and only the rest are sorted, by that value. The mix is a
shortcut, never the answer: the bucket's columns are compared, and should two keys ever mix to
one value, the rows are sorted by their columns as before.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# FNV-1a's 64-bit prime and offset (a word at a time), then murmur3's 64-bit finaliser, so
# that the high bits the table reads depend on every bit of every column.
_PRIME = np.uint64(0x100000001B3)
_OFFSET = 0xCBF29CE484222325
_FMIX1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)


class KeyMix:
    """One 64-bit value per row from its key's 32-bit columns, mixed a column at a time in
    place (about 8 bytes per row, however many columns).

    >>> mix = KeyMix(2)
    >>> mix.add(np.array([[1, 2], [1, 2]], dtype=np.uint32))
    >>> mix.add(np.array([[7], [8]], dtype=np.uint32))
    >>> bool(mix.value()[0] == mix.value()[1])
    False
    """

    def __init__(self, rows: int) -> None:
        self._value = np.full(rows, _OFFSET, dtype=np.uint64)

    def add(self, columns: np.ndarray, lo: int = 0) -> None:
        """Mix ``columns`` (``(rows, k)``, any strides) into rows ``lo`` onward."""
        value = self._value[lo : lo + len(columns)]
        for j in range(columns.shape[1]):
            np.bitwise_xor(value, columns[:, j], out=value, dtype=np.uint64, casting="unsafe")
            value *= _PRIME

    def value(self) -> np.ndarray:
        """The mixed values (murmur3's finaliser applied: call once, after every column)."""
        value = self._value
        value ^= value >> _SHIFT
        value *= _FMIX1
        value ^= value >> _SHIFT
        value *= _FMIX2
        value ^= value >> _SHIFT
        return value


def shared_runs(
    mixed: np.ndarray, key_of: Callable[[np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose key another row has, bucket after bucket (each bucket's rows ascending),
    and where each bucket begins: ``(members, starts)``, as a stable sort of every row by key
    would give them (the buckets' order aside, which is the mixed value's).

    ``mixed``: each row's :class:`KeyMix` value; ``key_of(rows)``: those rows' key columns,
    ``(len(rows), k)``, to confirm each bucket.
    """
    n = len(mixed)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bits = (n - 1).bit_length() + 1  # a table of 2n to 4n slots: few rows share one by chance
    slots = (mixed >> np.uint64(64 - bits)).astype(np.intp)
    holder = np.empty(1 << bits, dtype=np.int32 if n < 2**31 else np.int64)
    everyone = np.arange(n, dtype=holder.dtype)
    holder[slots] = everyone  # one of each slot's rows stays (which one does not matter)
    crowded = np.zeros(1 << bits, dtype=bool)
    crowded[slots[holder[slots] != everyone]] = True  # a slot another row also took
    del holder, everyone
    candidates = np.flatnonzero(crowded[slots])
    del crowded, slots
    values = mixed[candidates]
    order = np.argsort(values, kind="stable")
    values = values[order]
    same = np.zeros(len(values) + 1, dtype=bool)
    same[1:-1] = values[1:] == values[:-1]
    del values
    members = candidates[order[same[:-1] | same[1:]]]
    starts = np.flatnonzero(~same[:-1][same[:-1] | same[1:]])
    del candidates, order, same
    if not len(members):
        return members, starts
    keys = key_of(members)
    lengths = np.diff(starts, append=len(members))
    if np.array_equal(keys, keys[np.repeat(starts, lengths)]):
        return members, starts
    # Two keys mixed to one value: the rows sorted by their columns (members are every row
    # that shares its key, and more).
    ascending = np.argsort(members, kind="stable")
    members, keys = members[ascending], keys[ascending]
    by_key = np.lexsort(keys.T[::-1])
    keys = keys[by_key]
    same = np.zeros(len(keys) + 1, dtype=bool)
    same[1:-1] = np.all(keys[1:] == keys[:-1], axis=1)
    shared = same[:-1] | same[1:]
    return members[by_key[shared]], np.flatnonzero(~same[:-1][shared])
