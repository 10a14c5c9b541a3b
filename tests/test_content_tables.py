"""The content pass keeps what an article prints as short lines: its tables, a cell per line,
and its sentences; and it tells a schedule from a page's dateline.

Every line here is invented (a fictional ferry operator, its fares and timetable)."""

from __future__ import annotations

import numpy as np
from builders import BODY

from cleaner.content.features import document_features, tabular_rows
from cleaner.passes.content import (
    SCHEDULE_ROWS,
    article_head,
    article_tables,
    decide,
    in_schedule,
    sentences,
)

LONG = BODY[0] + " " + BODY[1]
LONGER = BODY[2] + " " + BODY[3]
# A fare table as whole-page text prints it: a header row, then four rows of three cells.
FARES = [
    "Ticket",
    "Adult",
    "Child",
    "Single",
    "$4.50",
    "$2.25",
    "Return",
    "$8.00",
    "$4.00",
    "Weekly pass",
    "$30.00",
    "$15.00",
    "Monthly pass",
    "$95.00",
    "$47.50",
]
MENU = ["Home", "Local", "County", "Schools", "Arts", "Events", "Log in", "Subscribe"]


def test_a_table_printed_a_cell_per_line_is_found_from_its_repeating_rows() -> None:
    assert tabular_rows(FARES).all()
    found = tabular_rows(["Fares from March", *FARES, LONG])
    assert found[1:16].all() and not found[16]


def test_a_column_of_one_repeated_value_is_a_table() -> None:
    cells = ["Crossing", "Bikes allowed", "Morning", "Yes", "Noon", "Yes", "Evening", "Yes", "Night", "No"]
    assert tabular_rows(cells)[3:9].all()


def test_a_menu_and_a_list_of_headlines_are_no_table() -> None:
    assert not tabular_rows(MENU).any()
    headlines = [
        "Ferry crews vote to strike",
        "New pier opens on the north shore",
        "Council delays the harbour budget",
        "Island school gets a second bus",
        "Fishing fleet returns early",
        "Storm closes the coastal road",
    ]
    assert not tabular_rows(headlines).any()


def test_a_table_inside_the_article_survives_though_the_model_doubts_every_cell() -> None:
    lines = [*MENU, LONG, "The new fares:", *FARES, LONGER, *MENU]
    f = document_features(lines)
    scores = np.zeros(len(lines))
    scores[[8, 9, 25]] = 0.95  # the model's main block: the prose and what stands between it
    for mode in ("conservative", "balanced"):
        drop = decide(f, scores, mode, tabular_rows(lines))
        assert not drop[8:26].any(), mode  # the prose, the sentence that announces it, the table
        assert drop[:8].all() and drop[26:].all(), mode  # the menus still go
        assert decide(f, scores, mode)[10:25].any(), mode  # without the table feature, cells went


def test_a_table_shaped_run_outside_the_article_still_goes() -> None:
    # "Headline / date" twice over looks like a table; after the article it is a related list.
    related = [
        "Ferry crews vote to strike",
        "4 Feb 2025",
        "New pier opens on the north shore",
        "3 Feb 2025",
        "Council delays the harbour budget",
        "2 Feb 2025",
        "Island school gets a second bus",
        "1 Feb 2025",
    ]
    lines = [*MENU, LONG, LONGER, "Related stories", *related]
    assert tabular_rows(lines)[11:].all()
    scores = np.zeros(len(lines))
    scores[[8, 9]] = 0.95
    drop = decide(document_features(lines), scores, "balanced", tabular_rows(lines))
    assert drop[11:].all() and not drop[8:10].any()


def test_a_short_list_inside_the_article_survives() -> None:
    lines = [
        "Home",
        LONG,
        "- Two days of strikes",
        "- No evening freight",
        "- School runs as usual",
        LONGER,
        "News",
    ]
    f = document_features(lines)
    scores = np.array([0.0, 0.95, 0.1, 0.1, 0.1, 0.95, 0.0])
    for mode in ("conservative", "balanced"):
        assert decide(f, scores, mode, tabular_rows(lines)).tolist() == [
            True,
            False,
            False,
            False,
            False,
            False,
            True,
        ]


def test_the_balanced_mode_removes_a_sentence_only_when_the_conservative_would() -> None:
    # below the article, where nothing protects them as the article's: a note, a quote, a
    # fragment the model doubts as much
    note = "The operator said it would publish the winter timetable on Friday."
    quote = '"We will not sail short-handed," the union said.'
    fragment = "Ferry timetable winter fares and crossings"
    lines = [*MENU, LONG, LONGER, "Comments", note, quote, fragment, *MENU]
    f = document_features(lines)
    assert sentences(f)[[11, 12]].all() and not sentences(f)[13]
    assert not sentences(f)[:8].any()  # menu items are no sentences
    scores = np.full(len(lines), 0.2)  # doubtful, but above the conservative threshold
    scores[[8, 9]] = 0.95
    drop = decide(f, scores, "balanced", tabular_rows(lines))
    assert drop.tolist()[10:14] == [True, False, False, True]  # the note and the quote stay
    scores[[11, 12]] = 0.05
    assert decide(f, scores, "balanced")[[11, 12]].all()  # the model sure: they go


def test_three_dates_in_a_row_above_the_prose_are_a_schedule_not_the_pages_dateline() -> None:
    sessions = [
        "Sessions",
        "4 March 2025 6pm Pier Hall",
        "11 March 2025 6pm Pier Hall",
        "18 March 2025 6pm Pier Hall",
    ]
    lines = ["Harbour Post", "Published: 2 Feb 2025", "Ferry talks", *sessions, LONG, LONGER]
    head = article_head(lines, document_features(lines))
    assert head == [1]  # the page's dateline goes to the record; the schedule stays
    assert SCHEDULE_ROWS == 3
    assert [in_schedule([1, 4, 5, 6], i) for i in (1, 4, 5, 6)] == [False, True, True, True]
    assert not in_schedule([1, 2], 1)  # a dateline and a byline together are the page's


def test_the_balanced_mode_judges_a_list_inside_the_article_as_the_conservative_does() -> None:
    pros = ["Pros", "Quiet engine", "Roomy cabin", "Cheap to insure", "Cons", "Small boot", "Slow app"]
    lines = [*MENU, LONG, *pros, LONGER, "Comments", *MENU]
    f = document_features(lines)
    scores = np.full(len(lines), 0.4)  # doubtful items: above the conservative threshold
    scores[:8] = scores[-8:] = 0.05
    scores[[8, 16]] = 0.95
    drop = decide(f, scores, "balanced", tabular_rows(lines))
    assert not drop[8:17].any()  # the article, its pros and cons
    assert drop[17] and drop[:8].all()  # "Comments" (0.4, outside the article) and the menu go


def test_tables_are_looked_for_inside_the_article_only() -> None:
    lines = [*FARES, LONG, "The new fares:", *FARES, LONGER, *FARES]
    f = document_features(lines)
    scores = np.zeros(len(lines))
    scores[[15, 16, 32]] = 0.95
    found = article_tables(lines, f, scores)
    assert found[17:32].all() and not found[:15].any() and not found[33:].any()


def test_only_the_runs_holding_a_line_asked_about_are_searched() -> None:
    lines = [*FARES, LONG, *FARES, LONGER, *MENU]
    everywhere = tabular_rows(lines)
    assert everywhere[:15].all() and everywhere[16:31].all()
    asked = np.zeros(len(lines), dtype=bool)
    asked[20] = True  # a cell of the second table
    found = tabular_rows(lines, asked)
    assert found[16:31].all() and not found[:16].any() and not found[31:].any()
    assert not tabular_rows(lines, np.zeros(len(lines), dtype=bool)).any()


def test_decide_asks_for_tables_only_where_they_change_a_fate_and_decides_the_same() -> None:
    lines = [*MENU, LONG, "The new fares:", *FARES, LONGER, *MENU, *FARES]
    f = document_features(lines)
    scores = np.zeros(len(lines))
    scores[[8, 9, 25]] = 0.95
    scores[12] = 0.5  # a cell the model likes: over its threshold inside the article
    asked_about: list[np.ndarray] = []

    def find(asked: np.ndarray) -> np.ndarray:
        asked_about.append(asked)
        return article_tables(lines, f, scores, None, asked)

    for mode in ("conservative", "balanced"):
        asked_about.clear()
        assert np.array_equal(decide(f, scores, mode, find), decide(f, scores, mode, tabular_rows(lines)))
        (asked,) = asked_about
        assert asked[10:25].any() and not asked[12]  # cells that go without the table; not the liked one
        assert not asked[:8].any() and not asked[26:].any()  # the menus and the footer's table: outside
        assert not asked[[8, 9, 25]].any()  # protected prose: no table changes its fate
