"""Shingles and MinHash signatures: pure functions of text, the same in every process.

The sketches are datasketch's MinHash, 2.x ``affine32`` permutation scheme, fed a fast 32-bit
hash (xxhash's xxh32) instead of the default SHA-1, which costs several times more and buys
nothing here: shingles are not adversarial, they only need to spread well. :func:`signatures`
computes datasketch's values itself, in batches and in bounded memory (the tests compare them),
with datasketch's permutations (drawn as datasketch draws them, so a run never imports it: it
brings scipy, a second of start-up). A paragraph is tokenised once: its shingle hashes make its
own signature and, with the few shingles across paragraph breaks, its document's.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from itertools import islice
from typing import Any

import numpy as np
import xxhash

_WORD = re.compile(r"\w+")
HASH_NAME = "xxh32"
SCHEME = "affine32"


@dataclass(frozen=True)
class SketchSettings:
    """Everything that makes two signatures comparable. Stored with ``--state``."""

    num_perm: int = 128
    shingle_words: int = 3
    seed: int = 1
    scheme: str = SCHEME
    hash: str = HASH_NAME

    def to_json(self) -> dict[str, Any]:
        # datasketch's __version__ is this very string (read without importing datasketch)
        return {**asdict(self), "datasketch": metadata.version("datasketch")}


PARAGRAPH_SKETCH = SketchSettings(num_perm=64, shingle_words=3)
DOCUMENT_SKETCH = SketchSettings(num_perm=128, shingle_words=3)


def shingles(text: str, words: int) -> set[bytes]:
    """The set of ``words``-word shingles of ``text``, case-folded, punctuation ignored.

    A text shorter than one shingle is a single shingle, so short lines still match exactly.

    >>> sorted(shingles("The cat sat. The cat", 3))
    [b'cat sat the', b'sat the cat', b'the cat sat']
    >>> shingles("Tip line", 3)
    {b'tip line'}
    """
    tokens = _WORD.findall(text.casefold())
    if len(tokens) <= words:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + words]).encode() for i in range(len(tokens) - words + 1)}


@dataclass(frozen=True)
class Permutations:
    """A sketch's ``affine32`` permutations ``h -> a * h + b`` (mod 2**32) and the signature of
    an empty text (every value the largest)."""

    a: np.ndarray
    b: np.ndarray
    empty: np.ndarray


@cache
def permutations(settings: SketchSettings) -> Permutations:
    """The permutations datasketch 2's ``MinHash(num_perm, seed, scheme="affine32")`` draws
    (``_init_permutations``: one ``RandomState(seed)``, the odd multipliers, then the offsets),
    drawn here the same way; the tests compare them with datasketch's."""
    if settings.scheme != SCHEME:
        raise ValueError(f"unsupported MinHash scheme {settings.scheme!r} (only {SCHEME!r})")
    gen = np.random.RandomState(settings.seed)
    n = settings.num_perm
    a = gen.randint(0, 1 << 31, n, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, n, dtype=np.uint32)
    return Permutations(a, b, np.full(n, (1 << 32) - 1, dtype=np.uint32))


def signature(text: str, settings: SketchSettings) -> np.ndarray:
    """The MinHash signature of ``text`` (uint32 array of ``num_perm`` values).

    An empty text has the all-max signature, which matches nothing but another empty text.
    Computed by :func:`signatures` (the same values datasketch's ``update_batch`` gives), so a
    long text costs memory in proportion to its length, not to its length times ``num_perm``.
    """
    sig: np.ndarray = signatures([text], settings)[0]
    return sig


# Shingles turned into permuted hashes per step: a (BLOCK, num_perm) uint32 matrix, 2 MB at 128
# permutations. One matrix for a whole text would cost num_perm * 4 bytes per word of it (850 MB
# for a 10 MB document at 128 permutations); in blocks, memory does not grow with the text.
BLOCK = 1 << 12


# Lower-case ASCII letters, digits and "_" (what \w matches in ASCII, case-folded); a space for
# every other byte: an ASCII text's words are then its bytes translated and split.
_ASCII_WORDS = bytes(
    ord(chr(c).lower()) if c < 128 and (chr(c).isalnum() or c == ord("_")) else ord(" ") for c in range(256)
)


def words_of(text: str) -> list[bytes]:
    """The words of ``text`` as :func:`shingles` cuts them (the case-folded text's words),
    UTF-8 encoded. An ASCII text (most of any English corpus) is cut without the regex.

    >>> words_of("It's 9 o'clock_now!"), words_of("Straße")
    ([b'it', b's', b'9', b'o', b'clock_now'], [b'strasse'])
    """
    if text.isascii():
        return text.encode().translate(_ASCII_WORDS).split()
    # Encoded in one call, not one a word: a run of \w characters holds no byte that
    # bytes.split cuts at (ASCII white space), so the words split back as they were.
    return " ".join(_WORD.findall(text.casefold())).encode().split()


def raw_hashes(words: list[bytes], size: int) -> Iterator[int]:
    """The xxh32 of every ``size``-word shingle of ``words`` (a text shorter than one shingle
    is one shingle), as :func:`shingles` joins them; repeats too: a minimum does not care."""
    if len(words) <= size:
        return iter([xxhash.xxh32_intdigest(b" ".join(words))] if words else [])
    windows = zip(
        *(islice(words, i, None) for i in range(size)), strict=False
    )  # ends with the last whole one
    return map(xxhash.xxh32_intdigest, map(b" ".join, windows))


# A text longer than this is tokenised as a stream, STREAM_WORDS words at a time, so its
# memory does not grow with it (a list of words costs about 50 bytes a word).
LONG_TEXT = 1 << 16
STREAM_WORDS = 4096

Edges = tuple[int, list[bytes], list[bytes]]


def hash_into(text: str, size: int, into: array[int]) -> Edges:
    """Append the xxh32 of every ``size``-word shingle of ``text`` to ``into`` and return its
    word count with its first and last ``size - 1`` words (for the shingles across a break)."""
    if len(text) <= LONG_TEXT:
        words = words_of(text)
        into.extend(raw_hashes(words, size))
        return len(words), words[: size - 1], words[len(words) - size + 1 :]
    stream = (match.group().encode() for match in _WORD.finditer(text.casefold()))
    first = len(into)
    head: list[bytes] = []
    carry: list[bytes] = []
    count = 0
    while chunk := list(islice(stream, STREAM_WORDS)):
        count += len(chunk)
        head = head or chunk[: size - 1]
        words = carry + chunk
        if len(words) >= size:
            into.extend(raw_hashes(words, size))
        carry = words[len(words) - size + 1 :]
    if len(into) == first and carry:  # shorter than one shingle: the words it has, as one
        into.extend(raw_hashes(carry, size))
    return count, head, carry


def shingle_hashes(text: str, words: int) -> np.ndarray:
    """The hashes of the shingles of ``text``, mixed (xxh32, then MurmurHash3's finalizer):
    what every permutation of every sketch is applied to. Computed once per paragraph, they
    feed both its own signature and its document's (:func:`union_signature`): one tokenisation
    per document."""
    return shingle_hash_batch([text], words)[0][0]


def shingle_hash_batch(texts: list[str], words: int) -> tuple[list[np.ndarray], list[Edges]]:
    """:func:`shingle_hashes` of several texts, mixed in one numpy pass (each text's hashes are
    a view of one array), with each text's edges (:func:`hash_into`)."""
    raw = array("I")  # 4 bytes a shingle (a list of ints costs 36)
    ends = []
    edges = []
    for text in texts:
        edges.append(hash_into(text, words, raw))
        ends.append(len(raw))
    mixed = _fmix32(np.frombuffer(raw, dtype=np.uint32)) if raw else np.zeros(0, dtype=np.uint32)
    # Each text's views, sliced (np.split costs several times more per piece).
    return [mixed[start:end] for start, end in zip([0, *ends][:-1], ends, strict=True)], edges


def mixed_hashes(grams: list[bytes]) -> np.ndarray:
    """The mixed hashes of shingles given as UTF-8 text (words joined by one space)."""
    found = np.fromiter(map(xxhash.xxh32_intdigest, grams), dtype=np.uint32, count=len(grams))
    return _fmix32(found)


def signatures(texts: list[str], settings: SketchSettings) -> np.ndarray:
    """Signatures of several texts as one ``(len(texts), num_perm)`` array, in one batch.

    The same values as datasketch's MinHash on each text's shingles: its ``affine32``
    arithmetic (xxh32, MurmurHash3's finalizer, ``a * h + b`` modulo 2**32 with datasketch's
    own permutations, the minimum per permutation), applied to every shingle of every text at
    once (in blocks of ``BLOCK`` shingles) and min-reduced per text. A document's paragraphs
    are short, so one MinHash update each spends more time in numpy's call overhead than in
    arithmetic; one batch per document removes that overhead.
    """
    return signatures_of_hashes(shingle_hash_batch(texts, settings.shingle_words)[0], settings)


def signatures_of_hashes(hashes: list[np.ndarray], settings: SketchSettings) -> np.ndarray:
    """One signature per array of :func:`shingle_hashes`, in one batch (see :func:`signatures`)."""
    perm = permutations(settings)
    out = np.tile(perm.empty, (len(hashes), 1))
    rows = [row for row, h in enumerate(hashes) if len(h)]
    if not rows:
        return out
    a, b = perm.a, perm.b
    begin = np.cumsum([0, *(len(hashes[row]) for row in rows[:-1])])
    hv = np.concatenate([hashes[row] for row in rows]).reshape(-1, 1)
    end = np.append(begin[1:], len(hv))
    texts_of = np.array(rows)
    for s in range(0, len(hv), BLOCK):
        e = min(s + BLOCK, len(hv))
        first = int(np.searchsorted(end, s, side="right"))  # the texts with shingles in [s, e)
        last = int(np.searchsorted(begin, e, side="left"))
        permuted = hv[s:e] * a
        permuted += b  # in place: one (BLOCK, num_perm) matrix, not two
        mins = np.minimum.reduceat(permuted, np.maximum(begin[first:last], s) - s, axis=0)
        mine = texts_of[first:last]
        out[mine] = np.minimum(out[mine], mins)
    return out


def union_signature(hashes: list[np.ndarray], settings: SketchSettings) -> np.ndarray:
    """The signature of the union of several texts' shingles (a document's, from its
    paragraphs' :func:`shingle_hashes`), ``BLOCK`` shingles at a time."""
    perm = permutations(settings)
    sig = perm.empty.copy()
    if not hashes:
        return sig
    every = np.concatenate(hashes) if len(hashes) > 1 else hashes[0]
    for start in range(0, len(every), BLOCK):
        permuted = every[start : start + BLOCK, None] * perm.a
        permuted += perm.b
        np.minimum(sig, permuted.min(axis=0), out=sig)
    return sig


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, with which datasketch pre-mixes every input hash
    (``affine32``); tests check :func:`signatures` against datasketch's own ``update_batch``."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = hv ^ (hv >> np.uint32(16))
    return mixed


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of equal signature positions: MinHash's estimate of the Jaccard similarity."""
    return float(np.count_nonzero(a == b) / len(a))


def estimated_jaccards_back(sigs: list[np.ndarray], distance: int) -> list[float]:
    """:func:`estimated_jaccard` of each signature with the one ``distance`` places before it
    (0.0 for the first ``distance``, which have none), in one numpy comparison: a document's
    paragraphs are many and short, and one call per pair costs more in overhead than in work."""
    if len(sigs) <= distance:
        return [0.0] * len(sigs)
    rows = np.stack(sigs)
    equal = np.count_nonzero(rows[distance:] == rows[:-distance], axis=1)
    size = rows.shape[1]
    return [0.0] * distance + [float(int(count) / size) for count in equal]
