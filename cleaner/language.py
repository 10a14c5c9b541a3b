"""Language identification: langdetect's answers, made deterministic and computed faster.

langdetect samples n-grams at random. Each detector seeds its own generator from
``DetectorFactory.seed``, so fixing the seed makes a document's label a function of its text
alone, whatever order or process it is detected in.

The labels and probabilities are langdetect 1.0.9's, value for value (``tests/test_language.py``
compares them on random texts of every script and on real ones), but computed here: langdetect
spends most of its time normalising a text character by character through method calls and
building, at start-up, a 55-float row for each of its 87,598 n-grams. Here a text is normalised
with one ``str.translate``, its n-grams are found per word (and remembered per word: the same
words come back in every document), and a row is built the first time its n-gram is drawn. The
arithmetic (the random draws, each product, the normalising sums) is langdetect's, in its order.
Another langdetect version is used through its own ``Detector`` (the same labels, slower).
"""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

from cleaner.memo import BoundedMemo

UNKNOWN = "und"
SEED = 0
# langdetect's answer settles long before the end of a news article; the rest only costs time.
# Its cost is the n-gram extraction (per character) and its random trials (7 by default, each
# drawing n-grams until one language passes 0.99999). A text longer than DEFAULT_MAX_CHARS is
# judged by its first DEFAULT_MAX_CHARS characters in one trial: 400 characters give that trial
# about 1,200 n-grams to draw from. A shorter text is judged whole with langdetect's own 7 trials,
# so it gets exactly langdetect.detect's answer: on a headline-sized text one trial can go astray
# ("Full EV Cars: 2025 Guide to Fully Electric Vehicles" came out Catalan).
# On the shared corpus (2,169 documents), against langdetect.detect on whole texts: 500 chars
# and 3 trials everywhere gave 99.86% the same label; this gives 99.91%, at about 14x its speed
# (bench/bench_speed.py). The two documents that differ open with 400 characters of site
# navigation in another language.
DEFAULT_MAX_CHARS = 400
TRIALS = 1
SHORT_TRIALS = 7
# The version whose algorithm is reproduced here (the last release, 2021).
LANGDETECT_VERSION = "1.0.9"

# langdetect's Detector constants (detector.py).
_ALPHA = 0.5
_ALPHA_WIDTH = 0.05
_ITERATION_LIMIT = 1000
_PROB_THRESHOLD = 0.1
_CONV_THRESHOLD = 0.99999
_BASE_FREQ = 10000
_MAX_TEXT_LENGTH = 10000
_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', the six signs between included
# langdetect counts a character at or past U+0300 as non-Latin unless its block is named
# 'Latin Extended Additional'; its unicode_block() answers block numbers, so every one counts.
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
WORD_MEMO_SIZE = 1 << 16


@dataclass(frozen=True)
class Language:
    code: str
    prob: float


def known_languages() -> frozenset[str]:
    """The codes langdetect can answer (its profiles' names), and ``und`` (it could not tell).

    Read from the profile folder's listing, so checking ``--lang`` does not load the profiles.
    """
    from importlib import resources

    profiles = resources.files("langdetect") / "profiles"
    return frozenset({UNKNOWN, *(entry.name for entry in profiles.iterdir())})


class Profiles:
    """langdetect's language profiles, read as its ``DetectorFactory.load_profile`` reads them
    (the same files in the same order, so the same language list), with each n-gram's row of
    probabilities built when first needed: ``1.0 * freq / n_words[len - 1]`` for the languages
    whose profile has it, 0.0 for the others, as langdetect's ``add_profile`` computes it."""

    def __init__(self, directory: str) -> None:
        langs: list[str] = []
        self._freqs: list[dict[str, int]] = []
        self._totals: list[list[int]] = []
        # langdetect's own listing (the order sets the language list, and so the sums' order)
        for filename in os.listdir(directory):  # noqa: PTH208
            path = Path(directory) / filename
            if filename.startswith(".") or not path.is_file():
                continue
            with path.open(encoding="utf-8") as f:
                data = json.load(f)
            langs.append(data["name"])
            self._freqs.append(data["freq"])
            self._totals.append(data["n_words"])
        self.langs = tuple(langs)
        self.known: frozenset[str] = frozenset().union(*self._freqs)
        self._rows: dict[str, list[float]] = {}
        self.word_grams: BoundedMemo[str, list[str]] = BoundedMemo(WORD_MEMO_SIZE)
        self.normal: dict[int, str] = {}  # str.translate table: langdetect's NGram.normalize

    def row(self, gram: str) -> list[float]:
        """``gram``'s probabilities, one per language (built the first time it is drawn)."""
        found = self._rows.get(gram)
        if found is None:
            n = len(gram) - 1
            found = [
                1.0 * freq[gram] / total[n] if gram in freq else 0.0
                for freq, total in zip(self._freqs, self._totals, strict=True)
            ]
            self._rows[gram] = found
        return found


@cache
def _profiles() -> Profiles | None:
    """The profiles, loaded once per process; None when the installed langdetect is not the
    version reproduced here (its own Detector answers then)."""
    from importlib import metadata

    if metadata.version("langdetect") != LANGDETECT_VERSION:
        return None
    from langdetect.detector_factory import PROFILES_DIRECTORY

    return Profiles(PROFILES_DIRECTORY)


def warm_up() -> None:
    """Load the profiles now (before a pool's workers are forked, which then share them)."""
    if _profiles() is None:
        from langdetect.detector_factory import init_factory

        init_factory()


def detect_language(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> Language:
    """The most probable language of ``text`` and its probability (``und`` when it cannot tell).

    >>> detect_language("The harbor bridge reopened on Monday after three days of repairs.").code
    'en'
    >>> detect_language("1234 5678").code
    'und'
    """
    trials = TRIALS if len(text) > max_chars else SHORT_TRIALS
    profiles = _profiles()
    found = (
        _langdetect(text[:max_chars], trials)
        if profiles is None
        else _detect(text[:max_chars], trials, profiles)
    )
    if found is None:
        return Language(UNKNOWN, 0.0)
    return Language(found[0], round(found[1], 4))


def _langdetect(text: str, trials: int) -> tuple[str, float] | None:
    """langdetect's own Detector, seeded: for a langdetect version this module does not know."""
    from langdetect.detector_factory import DetectorFactory, init_factory
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = SEED
    init_factory()
    from langdetect.detector_factory import _factory

    assert _factory is not None
    detector = _factory.create()
    detector.n_trial = trials
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return None
    return best.lang, best.prob


def _prepared(text: str, profiles: Profiles) -> str:
    """The text langdetect's ``Detector.append`` and ``cleaning_text`` leave, normalised
    character by character as its ``NGram.normalize`` does."""
    # Each step only where it can change something (the same text as langdetect's otherwise).
    if "http" in text:
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:
        text = Detector.MAIL_RE.sub(" ", text)
    ascii_only = text.isascii()
    if not ascii_only:  # Vietnamese marks and non-Latin scripts are past ASCII
        text = NGram.normalize_vi(text)
    text = _SPACES.sub(" ", text[:_MAX_TEXT_LENGTH])  # append() keeps a space only after a non-space
    if not ascii_only and len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN.sub("", text)
    table = profiles.normal
    for ch in set(text):
        if ord(ch) not in table:
            table[ord(ch)] = NGram.normalize(ch)
    return text.translate(table)


def _word_grams(word: str, spaced: bool, known: frozenset[str]) -> list[str]:
    """The n-grams langdetect's ``_extract_ngrams`` takes from one word (no spaces in it) that
    starts the text or follows a space, in its order: per character its 1-, 2- and 3-gram (the
    2- and 3-grams reaching back to the space before the word), none for a capital that follows
    a capital; then, when a space follows (``spaced``), the word's last one and two characters
    with that space. Only the n-grams of some profile are kept."""
    padded = " " + word
    grams: list[str] = []
    previous_upper = False
    for k, ch in enumerate(word):
        upper = ch.isupper()
        if upper and previous_upper:  # inside a capitalised word: langdetect skips it
            continue
        previous_upper = upper
        for gram in (ch, padded[k : k + 2], padded[k - 1 : k + 2] if k else ""):
            if gram in known:
                grams.append(gram)
    if spaced:
        for gram in (word[-1] + " ", padded[-2:] + " "):
            if gram in known:
                grams.append(gram)
    return grams


def _ngrams(text: str, profiles: Profiles) -> list[str]:
    grams: list[str] = []
    memo = profiles.word_grams
    words = text.split(" ")
    last = len(words) - 1
    for i, word in enumerate(words):
        if not word:
            continue
        key = word + " " if i < last else word  # a word never holds a space: keys cannot clash
        found = memo.get(key)
        if found is None:
            found = memo.remember(key, _word_grams(word, i < last, profiles.known))
        grams += found
    return grams


def _detect(text: str, trials: int, profiles: Profiles) -> tuple[str, float] | None:
    """langdetect's ``Detector._detect_block`` and ``get_probabilities``: the same draws from a
    ``random.Random`` seeded with ``SEED``, the same products and sums in the same order."""
    grams = _ngrams(_prepared(text, profiles), profiles)
    if not grams:
        return None
    size = len(profiles.langs)
    langprob = [0.0] * size
    rnd = random.Random()
    rnd.seed(SEED)
    row = profiles.row
    for _ in range(trials):
        weight = (_ALPHA + rnd.gauss(0.0, 1.0) * _ALPHA_WIDTH) / _BASE_FREQ
        # langdetect multiplies in one drawn n-gram's row at a time (prob[i] *= weight + row[i])
        # and normalises after the first and after every fifth (i = 0, 5, 10, ...): here the
        # products between two normalisations are taken in one pass, each element's factors in
        # the same order (Python multiplies left to right), the sums over the same floats.
        prob = [p * (weight + x) for p, x in zip([1.0 / size] * size, row(rnd.choice(grams)), strict=True)]
        i = 0
        while True:
            total = sum(prob)
            prob = [p / total for p in prob]
            if max(prob) > _CONV_THRESHOLD or i >= _ITERATION_LIMIT:
                break
            a, b, c, d, e = (row(rnd.choice(grams)) for _ in range(5))
            prob = [
                p * (weight + v) * (weight + w) * (weight + x) * (weight + y) * (weight + z)
                for p, v, w, x, y, z in zip(prob, a, b, c, d, e, strict=True)
            ]
            i += 5
        langprob = [s + p / trials for s, p in zip(langprob, prob, strict=True)]
    best: tuple[str, float] | None = None
    for lang, p in zip(profiles.langs, langprob, strict=True):  # the first of the most probable
        if p > _PROB_THRESHOLD and (best is None or p > best[1]):
            best = (lang, p)
    return best
