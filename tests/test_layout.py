"""Layout: raw text becomes trimmed, non-blank paragraphs; paragraphs become the output text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.layout import PARAGRAPH_SEPARATOR, render, split_paragraphs

# --- split_paragraphs ------------------------------------------------------------------------


def test_each_non_blank_line_is_one_paragraph() -> None:
    assert split_paragraphs("Title\nFirst para.\nSecond para.") == ["Title", "First para.", "Second para."]


def test_blank_lines_between_paragraphs_are_layout_not_content() -> None:
    assert split_paragraphs("Title\n\n\n\nFirst para.\n\nSecond para.\n\n") == [
        "Title",
        "First para.",
        "Second para.",
    ]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_end_style_ends_a_paragraph(line_end: str) -> None:
    text = line_end.join(["Title", "", "First para.", "Second para.", ""])
    assert split_paragraphs(text) == ["Title", "First para.", "Second para."]


def test_mixed_line_end_styles_in_one_text() -> None:
    assert split_paragraphs("One\r\nTwo\rThree\nFour") == ["One", "Two", "Three", "Four"]


def test_white_space_around_a_line_is_trimmed() -> None:
    assert split_paragraphs("  \t First para. \t \n\u00a0Second para.\u3000\u2003") == [
        "First para.",
        "Second para.",
    ]


def test_lines_of_only_white_space_are_blank() -> None:
    assert split_paragraphs("First.\n \t \u00a0\u2009\nSecond.") == ["First.", "Second."]


def test_white_space_inside_a_line_is_left_for_the_whitespace_pass() -> None:
    assert split_paragraphs("Two\u00a0words  and\ta tab") == ["Two\u00a0words  and\ta tab"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_only_cr_and_lf_end_a_line(separator: str) -> None:
    # str.splitlines would split here; mojibake such as "Ã\x85" must reach ftfy whole.
    text = f"before{separator}after"
    assert split_paragraphs(text) == [text]


def test_empty_and_blank_texts_have_no_paragraphs() -> None:
    assert split_paragraphs("") == []
    assert split_paragraphs("\n\r\n \t\n") == []


def test_zero_width_characters_are_not_trimmed_as_layout() -> None:
    # They are content until the whitespace pass records their removal.
    assert split_paragraphs("\u200bText\u200b") == ["\u200bText\u200b"]


# --- render ----------------------------------------------------------------------------------


def test_render_joins_paragraphs_with_one_blank_line() -> None:
    assert render(["First.", "Second.", "Third."]) == "First.\n\nSecond.\n\nThird."
    assert PARAGRAPH_SEPARATOR == "\n\n"


def test_render_of_one_paragraph_is_the_paragraph() -> None:
    assert render(["Only one."]) == "Only one."


def test_render_of_no_paragraphs_is_empty() -> None:
    assert render([]) == ""


def test_split_undoes_render() -> None:
    paragraphs = ["Title", "First para, with\ttab.", "“Quoted” third para."]
    assert split_paragraphs(render(paragraphs)) == paragraphs


def test_rendered_text_splits_back_on_the_blank_line() -> None:
    paragraphs = ["First.", "Second."]
    assert render(paragraphs).split("\n\n") == paragraphs


@given(
    st.text(
        alphabet=st.sampled_from(list(" \t\f\v\u00a0\u3000\u2000\u2005\u200a\u200b\u202f\u205f\u2028ab\r\n")),
        max_size=30,
    )
)
def test_a_paragraph_is_trimmed_of_what_the_white_space_pass_trims(text: str) -> None:
    """The reader strips each line with ``str.strip`` of the characters the white-space pass's
    ``ws.trim`` pattern names: the same paragraphs as that pattern would leave."""
    from cleaner.layout import _LINE_END, _TRIM

    expected = [trimmed for line in _LINE_END.split(text) if (trimmed := _TRIM.sub("", line))]
    assert split_paragraphs(text) == expected
