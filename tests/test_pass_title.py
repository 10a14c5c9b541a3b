"""The headline: found once, kept in ``title``, its scraper repeat removed from the text."""

from __future__ import annotations

import pytest
from builders import B1, B2, B3, HEADLINE, clean, removed_texts, rules_applied

# --- the first line --------------------------------------------------------------------------


def test_a_headline_like_first_line_becomes_the_title() -> None:
    doc = clean([HEADLINE, B1, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]


def test_taking_the_title_is_on_the_record_as_a_move() -> None:
    doc = clean([HEADLINE, B1, B2])
    (edit,) = [e for e in doc.applied if e.pass_name == "title"]
    assert (edit.rule, edit.text, edit.moved_to) == ("title.first-line", HEADLINE, "title")


def test_a_headline_with_a_comma_or_question_mark_is_still_a_headline() -> None:
    for headline in ("Talks resume, in Cairo", "Will the harbor bridge survive another winter?"):
        assert clean([headline, B1, B2]).title == headline


def test_a_headline_with_mojibake_is_repaired_before_it_becomes_the_title() -> None:
    doc = clean(["Storm hits HÃ©lÃ¨ne’s town", B1, B2])
    assert doc.title == "Storm hits Hélène’s town"


def test_a_headline_needing_several_repairs_is_fully_repaired_in_the_title() -> None:
    doc = clean(["Budget &amp; vote â€” latest", B1, B2])
    assert doc.title == "Budget & vote — latest"


def test_a_paragraph_like_first_line_ending_with_a_period_is_not_a_title() -> None:
    first = "The storm closed the harbor bridge on Monday."
    doc = clean([first, B1, B2])
    assert doc.title is None
    assert doc.lines == [first, B1, B2]


def test_a_long_first_paragraph_is_not_a_title() -> None:
    first = "Officials from the two countries are set to meet in Cairo to discuss resuming inspections " * 3
    doc = clean([first.strip(), B1])
    assert doc.title is None


def test_a_document_of_one_paragraph_has_no_title_taken_from_it() -> None:
    doc = clean([HEADLINE])
    assert doc.title is None
    assert doc.lines == [HEADLINE]


def test_a_document_without_a_headline_keeps_all_its_text() -> None:
    doc = clean([B1, B2, B3])
    assert doc.title is None
    assert doc.lines == [B1, B2, B3]
    assert rules_applied(doc, "title") == []


def test_junk_above_the_headline_is_not_taken_for_the_title() -> None:
    doc = clean(["Advertisement", "Skip to main content", HEADLINE, B1, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]


# --- the scraper's second print --------------------------------------------------------------


def test_the_second_print_of_the_headline_is_removed() -> None:
    doc = clean([HEADLINE, HEADLINE, B1, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]
    assert [(e.rule, e.text, e.moved_to) for e in doc.applied if e.pass_name == "title"] == [
        ("title.first-line", HEADLINE, "title"),
        ("title.repeat", HEADLINE, None),
    ]


@pytest.mark.parametrize(
    "repeat",
    [
        HEADLINE.upper(),
        HEADLINE.title(),
        HEADLINE + ".",
        HEADLINE.replace(" ", "  "),
        "  " + HEADLINE + "  ",
        HEADLINE.replace("with", "with,"),
    ],
    ids=["upper", "title-case", "period", "double-spaces", "padded", "comma"],
)
def test_a_second_print_differing_in_case_punctuation_or_spacing_is_removed(repeat: str) -> None:
    doc = clean([HEADLINE, repeat, B1, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]


def test_a_second_print_below_the_captions_and_junk_is_removed() -> None:
    caption = "A cyclist crosses the bridge, April 9, 2024. REUTERS/Colin Atwater"
    doc = clean([HEADLINE, caption, caption, "Advertisement", HEADLINE.upper(), B1, B2])
    assert doc.title == HEADLINE
    assert doc.captions == [caption]
    assert doc.lines == [B1, B2]


def test_a_first_line_ending_with_a_period_is_a_headline_when_printed_twice() -> None:
    headline = "Halden & Roy to cut 1,200 jobs as chip demand slows."
    doc = clean([headline, headline, B1, B2])
    assert doc.title == headline
    assert doc.lines == [B1, B2]


def test_a_third_copy_opening_the_body_stays() -> None:
    doc = clean([HEADLINE, HEADLINE, HEADLINE, B1, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [HEADLINE, B1, B2]
    assert removed_texts(doc, "title") == [HEADLINE, HEADLINE]


def test_a_copy_of_the_headline_further_down_is_the_authors_and_stays() -> None:
    doc = clean([HEADLINE, B1, HEADLINE, B2])
    assert doc.title == HEADLINE
    assert doc.lines == [B1, HEADLINE, B2]


def test_a_different_second_line_is_not_a_repeat() -> None:
    doc = clean([HEADLINE, "Council backs budget", B1])
    assert doc.lines == ["Council backs budget", B1]


# --- the input record's title ----------------------------------------------------------------


def test_the_input_records_title_is_the_title() -> None:
    doc = clean([B1, B2], title=HEADLINE)
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]


def test_the_input_records_title_printed_in_the_text_is_removed_but_not_moved() -> None:
    doc = clean([HEADLINE.upper(), B1, B2], title=HEADLINE)
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]
    (edit,) = [e for e in doc.applied if e.pass_name == "title"]
    assert (edit.rule, edit.moved_to) == ("title.first-line", None)


def test_the_input_records_title_printed_twice_in_the_text_is_removed_twice() -> None:
    doc = clean([HEADLINE, HEADLINE + ".", B1, B2], title=HEADLINE)
    assert doc.title == HEADLINE
    assert doc.lines == [B1, B2]


def test_a_first_line_unlike_the_input_records_title_stays() -> None:
    first = "Budget talks drag on"
    doc = clean([first, B1, B2], title=HEADLINE)
    assert doc.title == HEADLINE
    assert doc.lines == [first, B1, B2]
