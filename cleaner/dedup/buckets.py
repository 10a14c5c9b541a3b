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
        """Mix ``columns`` (``(rows, k)`` 32-bit integers, any strides) into rows ``lo`` onward.

        Two adjacent columns are mixed as one 64-bit word (read in place where a row's columns
        are contiguous, as a block's band is: a third of the time of a column at a time); the
        value depends on the columns' values only, never on how they are laid out."""
        value = self._value[lo : lo + len(columns)]
        whole = columns.shape[1] // 2 * 2
        if whole:
            if columns.strides[1] != columns.itemsize:
                columns = np.ascontiguousarray(columns)
            words = columns[:, :whole].view(np.uint64)
            for j in range(whole // 2):
                value ^= words[:, j]
                value *= _PRIME
        if whole < columns.shape[1]:
            np.bitwise_xor(value, columns[:, whole], out=value, dtype=np.uint64, casting="unsafe")
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


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of sorted ``ordered``: which places are in a run of two or more equal values, and where
    each such run begins (counted among those places)."""
    same = np.zeros(len(ordered) + 1, dtype=bool)
    np.equal(ordered[1:], ordered[:-1], out=same[1:-1])
    shared = same[:-1] | same[1:]
    return shared, np.flatnonzero(~same[:-1][shared])


def shared_runs(
    mixed: np.ndarray, key_of: Callable[[np.ndarray], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose key another row has, bucket after bucket (each bucket's rows ascending),
    and where each bucket begins: ``(members, starts)``, as a stable sort of every row by key
    would give them (the buckets' order aside, which is the mixed value's).

    ``mixed``: each row's :class:`KeyMix` value; ``key_of(rows)``: those rows' key columns,
    ``(len(rows), k)``, to confirm each bucket.

    Every row is sorted once as one 64-bit integer, the high half of its mixed value above its
    row number (a plain sort, several times faster than a stable argsort, and equal halves
    come out in row order); the few rows that share a half with another are then sorted by
    their whole value, and their key columns compared.
    """
    n = len(mixed)
    if n >= 2**32:
        raise ValueError("more than 2**32 rows: a row number must fit in 32 bits")
    packed = mixed & np.uint64(0xFFFFFFFF00000000)
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    shared, starts = _runs(packed >> np.uint64(32))
    members = (packed[shared] & np.uint64(0xFFFFFFFF)).astype(np.intp)
    del packed, shared
    if not len(members):
        return members, starts
    if not _uniform(mixed[members], starts):
        # Two values share their high half: the rows sorted by the whole value.
        members.sort()
        by_value = np.argsort(mixed[members], kind="stable")
        shared, starts = _runs(mixed[members[by_value]])
        members = members[by_value[shared]]
        del by_value, shared
    if _uniform(key_of(members), starts):
        return members, starts
    # Two keys mixed to one value: the rows sorted by their columns (members are every row
    # that shares its key, and more).
    members.sort()
    keys = key_of(members)
    by_key = np.lexsort(keys.T[::-1])
    shared, starts = _runs_of_rows(keys[by_key])
    return members[by_key[shared]], starts


def _uniform(values: np.ndarray, starts: np.ndarray) -> bool:
    """Whether each run of ``values`` (rows if 2-D) from ``starts`` holds one value: each row
    equal to the one before it unless it begins a run (no copy of each run's first)."""
    same = values[1:] == values[:-1]
    if same.ndim > 1:
        same = np.all(same, axis=1)
    same[starts[1:] - 1] = True
    return bool(np.all(same))


def _runs_of_rows(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_runs` of sorted rows (equal when every column is)."""
    same = np.zeros(len(ordered) + 1, dtype=bool)
    same[1:-1] = np.all(ordered[1:] == ordered[:-1], axis=1)
    shared = same[:-1] | same[1:]
    return shared, np.flatnonzero(~same[:-1][shared])
