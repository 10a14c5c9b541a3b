"""Language identification: langdetect's labels, faster, and the same in every process."""

from __future__ import annotations

import random

import langdetect
import pytest

from cleaner import language
from cleaner.language import DEFAULT_MAX_CHARS, UNKNOWN, detect_language

SHORT = [
    "The harbour bridge reopened on Monday after three days of repairs.",
    "Le pont du port a rouvert lundi après trois jours de travaux.",
    "Die Hafenbrücke wurde am Montag nach dreitägigen Reparaturen wieder geöffnet.",
    "El puente del puerto reabrió el lunes tras tres días de reparaciones.",
    "Full EV Cars: 2026 Guide to Fully Electric Vehicles",
]

ENGLISH = (
    "The council voted on Tuesday to delay the ferry timetable until the harbour wall is repaired, "
    "after engineers found cracks along the northern pier. Residents who rely on the early crossing "
    "said the decision would add an hour to their commute for most of the winter. "
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, den Fahrplan der Fähre zu verschieben, bis die "
    "Hafenmauer repariert ist, nachdem Ingenieure Risse entlang des nördlichen Piers gefunden hatten. "
)


@pytest.fixture
def langdetect_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    """langdetect's global seed at 0, as cleaner sets it, put back as it was after the test."""
    monkeypatch.setattr(langdetect.DetectorFactory, "seed", 0)


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.usefixtures("langdetect_seeded")
def test_a_text_shorter_than_the_sample_gets_exactly_langdetects_answer(text: str) -> None:
    assert detect_language(text).code == langdetect.detect(text)


def test_a_long_text_is_judged_by_its_opening_characters() -> None:
    german_first = GERMAN * 3 + ENGLISH * 10
    assert len(GERMAN * 3) > DEFAULT_MAX_CHARS
    assert detect_language(german_first).code == "de"
    assert detect_language(ENGLISH * 10).code == "en"
    assert detect_language(german_first, max_chars=len(german_first)).code == "en"


def test_the_label_and_probability_do_not_depend_on_what_was_detected_before() -> None:
    first = [detect_language(t) for t in (ENGLISH * 4, GERMAN * 4, *SHORT)]
    again = [detect_language(t) for t in reversed((ENGLISH * 4, GERMAN * 4, *SHORT))]
    assert first == list(reversed(again))


@pytest.mark.parametrize("text", ["", "1234 5678", "!!! ??? ...", "https://example.org/a/b"])
def test_a_text_without_letters_is_unknown_not_an_error(text: str) -> None:
    found = detect_language(text)
    assert found.code == UNKNOWN
    assert found.prob == 0.0


# --- the same answers as langdetect's own Detector ------------------------------------------

_PIPED = (
    "harbour|Council|NASA|EU-wide|the|a|I|x|cafés|Straße|ÉLAN|naïve|pont|année|Brücke|niño|ação|"
    "Ħamrun|łódź|Şehir|ştiinţă|știință|việt|Việt|Nam|tiếng|a\u0301nh|đường|новости|МОСКВА|Ελλάδα|"
    "αθήνα|東京|ニュース|ひらがな|한국어|뉴스|خبر|یکی|עברית|हिन्दी|ภาษาไทย|2026|12:30|—|«quote»|it's|"
    "e-mail|http://example.org/a?b=c|ana@example.org|…|•|ﬁ|\u00a0|\t|\n|  ||[x]|_|`|^|ABCdef|aBC"
)
WORDS = _PIPED.split("|")  # words of many scripts, a few signs and spaces, an empty one


def random_text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.choice([1, 2, 5, 20, 80]))]
    return "".join(w + rng.choice([" ", " ", " ", "  ", ", ", ". ", "\n", ""]) for w in words)


def langdetect_answer(text: str, trials: int) -> tuple[str, float] | None:
    """What langdetect's own Detector says (seeded as cleaner seeds it): the reference, which
    is also cleaner's path for a langdetect version it does not reproduce."""
    return language._langdetect(text, trials)


@pytest.mark.usefixtures("langdetect_seeded")
@pytest.mark.parametrize("trials", [1, 7])
def test_the_label_and_probability_are_langdetects_to_the_last_bit(trials: int) -> None:
    """Random texts of every script langdetect treats apart (Vietnamese marks, CJK, kana,
    Hangul, Arabic, capitalised words, URLs, addresses, runs of spaces): the fast path gives
    the same language and the same float as langdetect's Detector."""
    profiles = language._profiles()
    assert profiles is not None, f"langdetect {language.LANGDETECT_VERSION} is what the project pins"
    rng = random.Random(trials)
    texts = [random_text(rng) for _ in range(250)] + [ENGLISH * 3, GERMAN, *SHORT]
    for text in texts:
        assert language._detect(text, trials, profiles) == langdetect_answer(text, trials), repr(text)


@pytest.mark.usefixtures("langdetect_seeded")
def test_a_text_of_another_script_with_some_latin_loses_its_latin_as_in_langdetect() -> None:
    text = "新闻 东京 ニュース 今日 天気 NASA 新闻 东京 今日 天気 ニュース 新闻"
    assert language._detect(text, 7, language._profiles()) == langdetect_answer(text, 7)  # type: ignore[arg-type]
    assert detect_language(text).code != "en"


def test_a_word_yields_langdetects_ngrams_in_its_order() -> None:
    known = frozenset({"a", "b", " a", "ab", " ab", "b ", "ab ", "C", " C", "D", "CD", "D "})
    assert language._word_grams("ab", True, known) == ["a", " a", "b", "ab", " ab", "b ", "ab "]
    assert language._word_grams("ab", False, known) == ["a", " a", "b", "ab", " ab"]
    # a capital after a capital adds nothing of its own; the space after the word still does
    assert language._word_grams("CD", True, known) == ["C", " C", "D "]
