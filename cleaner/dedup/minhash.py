"""Shingles and MinHash signatures: pure functions of text, the same in every process.

The sketches are datasketch's MinHash, 2.x ``affine32`` permutation scheme, fed a fast 32-bit
hash (xxhash's xxh32) instead of the default SHA-1, which costs several times more and buys
nothing here: shingles are not adversarial, they only need to spread well. :func:`signatures`
computes datasketch's values itself, in batches and in bounded memory (the tests compare them),
from datasketch's own permutations. A paragraph is tokenised once: its shingle hashes make its
own signature and, with the few shingles across paragraph breaks, its document's.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import asdict, dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import xxhash

if TYPE_CHECKING:  # datasketch is imported where it is used: it brings scipy, a second to import
    from datasketch import MinHash

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
        import datasketch

        return {**asdict(self), "datasketch": datasketch.__version__}


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


@cache
def _template(settings: SketchSettings) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=settings.num_perm,
        seed=settings.seed,
        hashfunc=xxhash.xxh32_intdigest,
        scheme=settings.scheme,
    )


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


def _stream_hashes(text: str, words: int, into: array[int]) -> None:
    """Append the xxh32 of every ``words``-word shingle of ``text`` to ``into`` (repeats too:
    a minimum does not care), as :func:`shingles` cuts them. The tokens are streamed, so no
    list of tokens or set of shingles of a long text is built."""
    window: list[str] = []
    first = len(into)
    for match in _WORD.finditer(text.casefold()):
        window.append(match.group())
        if len(window) > words:
            del window[0]
        if len(window) == words:
            into.append(xxhash.xxh32_intdigest(" ".join(window).encode()))
    if len(into) == first and window:  # shorter than one shingle: the words it has, as one
        into.append(xxhash.xxh32_intdigest(" ".join(window).encode()))


def shingle_hashes(text: str, words: int) -> np.ndarray:
    """The hashes of the shingles of ``text``, mixed (xxh32, then MurmurHash3's finalizer):
    what every permutation of every sketch is applied to. Computed once per paragraph, they
    feed both its own signature and its document's (:func:`union_signature`): one tokenisation
    per document."""
    hashes = array("I")  # 4 bytes a shingle (a list of ints costs 36)
    _stream_hashes(text, words, hashes)
    return _fmix32(np.frombuffer(hashes, dtype=np.uint32)) if hashes else np.zeros(0, dtype=np.uint32)


def mixed_hashes(grams: list[str]) -> np.ndarray:
    """The mixed hashes of shingles given as text (words joined by one space)."""
    found = np.fromiter(
        (xxhash.xxh32_intdigest(g.encode()) for g in grams), dtype=np.uint32, count=len(grams)
    )
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
    words = settings.shingle_words
    return signatures_of_hashes([shingle_hashes(text, words) for text in texts], settings)


def signatures_of_hashes(hashes: list[np.ndarray], settings: SketchSettings) -> np.ndarray:
    """One signature per array of :func:`shingle_hashes`, in one batch (see :func:`signatures`)."""
    template = _template(settings)
    out = np.tile(np.asarray(template.hashvalues, dtype=np.uint32), (len(hashes), 1))
    rows = [row for row, h in enumerate(hashes) if len(h)]
    if not rows:
        return out
    a, b = template.permutations
    begin = np.cumsum([0, *(len(hashes[row]) for row in rows[:-1])])
    hv = np.concatenate([hashes[row] for row in rows]).reshape(-1, 1)
    end = np.append(begin[1:], len(hv))
    texts_of = np.array(rows)
    for s in range(0, len(hv), BLOCK):
        e = min(s + BLOCK, len(hv))
        first = int(np.searchsorted(end, s, side="right"))  # the texts with shingles in [s, e)
        last = int(np.searchsorted(begin, e, side="left"))
        mins = np.minimum.reduceat(hv[s:e] * a + b, np.maximum(begin[first:last], s) - s, axis=0)
        mine = texts_of[first:last]
        out[mine] = np.minimum(out[mine], mins)
    return out


def union_signature(hashes: list[np.ndarray], settings: SketchSettings) -> np.ndarray:
    """The signature of the union of several texts' shingles (a document's, from its
    paragraphs' :func:`shingle_hashes`), ``BLOCK`` shingles at a time."""
    template = _template(settings)
    sig = np.array(template.hashvalues, dtype=np.uint32)
    a, b = template.permutations
    for part in hashes:
        for start in range(0, len(part), BLOCK):
            np.minimum(sig, (part[start : start + BLOCK, None] * a + b).min(axis=0), out=sig)
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
