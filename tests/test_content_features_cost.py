"""The content features computed cheaply are the features: what is remembered across pages, or
found over a whole page at once, never changes a value.

The pages are the invented Harbour Post page of ``test_pass_content.py`` and variants of it in
other languages and cases; each is described with the per-process word memory cold, warm, and
cleared between two pages (a tiny WORD_MEMORY), and the descriptions must be equal to the bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner.content import features
from cleaner.content.features import PageFeatures, document_features
from cleaner.layout import split_paragraphs

PAGE = split_paragraphs(
    (Path(__file__).parent / "fixtures" / "content" / "harbour_post_page.txt").read_text(encoding="utf-8")
)
GERMAN = [
    "Startseite | Politik | Sport | Kultur",
    "Die Fähre fährt wieder: Nach dem Sturm ist die Brücke am Montag für den Verkehr geöffnet worden, "
    "und die Pendler können wieder über den Fluss fahren, sagte die Stadt am Abend.",
    "STRASSE gesperrt? Nein. Die Straße bleibt offen, auch wenn es am Wochenende regnet.",
    "Mehr zum Thema",
    "Impressum · Datenschutz · Kontakt",
]
ODD = [
    "Don't miss: the 2025 “Harbour-Bridge” vote, 4pm.",
    "ÉCOLE Ǆemal İstanbul ß straße STRASSE",
    "a\x00b c",
    "Updated Feb 4 — 5 min read",
    "By Ana Ruiz, Staff Writer",
    "x",
]


def same(a: PageFeatures, b: PageFeatures) -> bool:
    return (
        a.lang == b.lang
        and a.matrix.tobytes() == b.matrix.tobytes()
        and a.words.tobytes() == b.words.tobytes()
        and np.array_equal(a.token_ids, b.token_ids)
        and np.array_equal(a.token_lines, b.token_lines)
    )


def describe_all(pages: list[list[str]]) -> list[PageFeatures]:
    return [document_features(p, 2, p[1]) for p in pages]


@pytest.fixture
def cold() -> None:
    features._WORDS.clear()
    features._FOLDED.clear()


def test_the_word_memory_never_changes_a_feature(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [PAGE, GERMAN, ODD, PAGE[::-1], [line.upper() for line in PAGE]]
    first = describe_all(pages)
    warm = describe_all(pages)
    monkeypatch.setattr(features, "WORD_MEMORY", 5)
    cleared = describe_all(pages)  # cleared before every page
    for a, b, c in zip(first, warm, cleared, strict=True):
        assert same(a, b) and same(a, c)
    assert len(features._WORDS) > 5  # one page's words are never split by a clearing


def test_words_that_fold_alike_share_one_number(cold: None) -> None:
    described = document_features(
        ["Gaßner GASSNER gassner", "Bridge bridge BRIDGE", "the crossing was closed on the day"]
    )
    assert described.lang == "en"
    numbers_by_line = [set(described.token_ids[described.token_lines == i].tolist()) for i in range(2)]
    assert [len(numbers) for numbers in numbers_by_line] == [1, 1]
    assert numbers_by_line[0] != numbers_by_line[1]


def test_a_repeated_line_is_described_like_its_first_copy() -> None:
    # The menu printed again as the footer, a share bar twice: what a line is by itself is
    # worked out once per distinct line and must be the same for every copy.
    footer = PAGE[:5]
    page = [*PAGE, *footer, "Share this", "Share this", "share THIS"]
    described = document_features(page, 2, page[1])
    own = list(range(features.LINE_FEATURES.index("starts_lower") + 1))  # a line's own columns
    for i, line in enumerate(footer):
        copy = len(PAGE) + i
        assert page[copy] == line
        assert described.matrix[i, own].tobytes() == described.matrix[copy, own].tobytes()
        assert described.words[i] == described.words[copy]
        assert set(described.token_ids[described.token_lines == i].tolist()) == set(
            described.token_ids[described.token_lines == copy].tolist()
        )
    repeats = described.column("repeats")
    assert repeats[-3:].tolist() == [2, 2, 2]  # case aside, three copies
    assert repeats[0] >= 1 and repeats[len(PAGE)] >= 1
    assert described.lang == document_features(PAGE, 2, PAGE[1]).lang


def test_the_chunks_counted_with_the_features_are_each_lines_split() -> None:
    # The table search counts a cell's words by str.split; the features count them on the way
    # (repeated lines take their first copy's count) so that the search need not split again.
    page = [*PAGE, *PAGE[:3], "  Fares   from\tMarch  ", "Don't miss: the 2025 “Harbour-Bridge” vote"]
    described = document_features(page, 2, page[1])
    assert described.pieces.tolist() == [len(line.split()) for line in page]
    table = [
        "Plan",
        "Price",
        "Seats",
        "Basic",
        "$4",
        "1 user",
        "Team",
        "$9",
        "5 users",
        "Business",
        "$19",
        "20 users",
    ]
    counted = document_features(table).pieces
    assert features.tabular_rows(table, pieces=counted).tolist() == features.tabular_rows(table).tolist()
    assert features.tabular_rows(table).all()
    assert not features.tabular_rows(table, pieces=np.full(len(table), 9)).any()  # the counts are used
