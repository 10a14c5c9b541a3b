"""Layout: raw text becomes trimmed, non-blank paragraphs; paragraphs become the output text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.layout import PARAGRAPH_SEPARATOR, TRIM_CHARS, _trim, render, split_paragraphs

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


# The trimming is ``str.strip`` of the characters TRIM_CHARS names, exactly what the regular
# expression the white-space pass writes as its rule does to a line.
_TRIM_PATTERN = re.compile(f"^[{TRIM_CHARS}]+|[{TRIM_CHARS}]+$")
_EDGE_SPACE = " \t\f\v\u00a0\u3000\u2000\u2009\u200a\u200b\u202f\u205f\u2060\x1c\x85\u2028"


@given(st.text(alphabet=st.sampled_from(_EDGE_SPACE) | st.characters(), max_size=20))
def test_trimming_a_line_is_what_the_trim_pattern_does(text: str) -> None:
    for line in text.splitlines() or [text]:
        line = line.replace("\r", "").replace("\n", "")
        assert _trim(line) == _TRIM_PATTERN.sub("", line)


def test_trimming_keeps_a_zero_width_space_and_inner_spaces() -> None:
    assert _trim("\u200b\u00a0Ferry\u2009times\u3000") == "\u200b\u00a0Ferry\u2009times"


@given(st.text(alphabet=st.sampled_from("ab \t\r\n\u00a0\x85\u2028\u3000"), max_size=30))
def test_paragraphs_are_the_trimmed_non_blank_pieces_between_line_ends(text: str) -> None:
    pieces = re.split(r"\r\n|\r|\n", text)
    assert split_paragraphs(text) == [p for piece in pieces if (p := _TRIM_PATTERN.sub("", piece))]
