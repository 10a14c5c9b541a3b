"""Language identification: langdetect's labels, faster, and the same in every process."""

from __future__ import annotations

import langdetect
import pytest

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
