"""Normalisation: ftfy repairs, NFC, white space. It repairs; it does not restyle.

Every change is a small, named span edit, never a silent rewrite of the paragraph.
"""

from __future__ import annotations

import pytest
from builders import B1, B2, HEADLINE, clean, rules_applied
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document


def clean_paragraph(paragraph: str) -> Document:
    """Clean one body paragraph standing between a headline and ordinary body text."""
    return clean([HEADLINE, B1, paragraph, B2])


def cleaned(paragraph: str) -> str:
    doc = clean_paragraph(paragraph)
    assert doc.lines[0] == B1 and doc.lines[-1] == B2
    (result,) = doc.lines[1:-1]
    return result


def normalize_edits(doc: Document) -> list[tuple[str, str, str]]:
    return [
        (e.rule, e.text, e.replacement)
        for e in doc.applied
        if e.pass_name in ("ftfy", "unicode", "whitespace")
    ]


# --- ftfy: mojibake --------------------------------------------------------------------------


def test_mojibake_apostrophe_is_repaired() -> None:
    assert cleaned("The mayor said she didnâ€™t know.") == "The mayor said she didn’t know."


def test_mojibake_repair_is_named_fix_encoding_and_spans_only_the_broken_characters() -> None:
    doc = clean_paragraph("The mayor said she didnâ€™t know.")
    assert normalize_edits(doc) == [("ftfy.fix-encoding", "â€™", "’")]
    (applied,) = [e for e in doc.applied if e.pass_name == "ftfy"]
    assert applied.at == len("The mayor said she didn")


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Saltmarsh mayor HÃ©lÃ¨ne Castaing spoke.", "Saltmarsh mayor Hélène Castaing spoke."),
        ("OSLO â€” The glacier has shrunk.", "OSLO — The glacier has shrunk."),
        ("â€œWe are ready,â€\x9d she said.", "“We are ready,” she said."),
        ("The cafÃ© reopened.", "The café reopened."),
        ("Local guide BjÃ¸rn Aasen agreed.", "Local guide Bjørn Aasen agreed."),
    ],
)
def test_common_utf8_read_as_windows_1252_is_repaired(broken: str, fixed: str) -> None:
    doc = clean_paragraph(broken)
    assert doc.lines[1] == fixed
    assert set(rules_applied(doc, "ftfy")) == {"ftfy.fix-encoding"}


def test_mojibake_non_breaking_space_becomes_a_plain_space() -> None:
    # "Â\xa0" is a broken no-break space: ftfy restores it, the whitespace pass plains it.
    doc = clean_paragraph("It was cold on Jan.Â\u00a017, 2024, officials said.")
    assert doc.lines[1] == "It was cold on Jan. 17, 2024, officials said."
    assert rules_applied(doc, "ftfy") + rules_applied(doc, "whitespace") == ["ftfy.fix-encoding", "ws.nbsp"]


# --- ftfy: HTML entities, control characters -------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        ("Halden &amp; Roy cut jobs.", "Halden & Roy cut jobs."),
        ("A &quot;persistent&quot; slump.", 'A "persistent" slump.'),
        ("The company&#39;s plants.", "The company's plants."),
        ("Rates &lt; 3% are rare.", "Rates < 3% are rare."),
    ],
)
def test_html_entities_are_unescaped(escaped: str, plain: str) -> None:
    doc = clean_paragraph(escaped)
    assert doc.lines[1] == plain
    assert set(rules_applied(doc, "ftfy")) == {"ftfy.unescape-html"}


def test_each_entity_is_its_own_edit() -> None:
    doc = clean_paragraph("Salt &amp; pepper &amp; oil.")
    assert rules_applied(doc, "ftfy") == ["ftfy.unescape-html", "ftfy.unescape-html"]


def test_mojibake_beside_correct_curly_quotes_is_repaired() -> None:
    doc = clean_paragraph("They donâ€™t know, she won’t say.")
    assert doc.lines[1] == "They don’t know, she won’t say."
    assert all(rule.startswith("ftfy.") for rule in rules_applied(doc, "ftfy"))


def test_a_bare_ampersand_is_text() -> None:
    doc = clean_paragraph("AT&T and Procter & Gamble reported results.")
    assert doc.lines[1] == "AT&T and Procter & Gamble reported results."
    assert normalize_edits(doc) == []


def test_entities_and_mojibake_on_one_line_are_both_repaired_and_named() -> None:
    doc = clean_paragraph("It&#39;s true they donâ€™t &amp; won't.")
    assert doc.lines[1] == "It's true they don’t & won't."
    assert set(rules_applied(doc, "ftfy")) == {"ftfy.unescape-html", "ftfy.fix-encoding"}


def test_terminal_escapes_are_removed() -> None:
    doc = clean_paragraph("\x1b[1mBreaking\x1b[0m news from the harbor.")
    assert doc.lines[1] == "Breaking news from the harbor."
    assert set(rules_applied(doc, "ftfy")) == {"ftfy.remove-terminal-escapes"}


def test_control_characters_are_removed() -> None:
    doc = clean_paragraph("The bell\x07 rang twice.")
    assert doc.lines[1] == "The bell rang twice."
    assert rules_applied(doc, "ftfy") == ["ftfy.remove-control-chars"]


# --- not restyled ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "styled",
    [
        "“Curly double quotes,” she said, ‘and single ones’ too.",
        "It’s the author’s apostrophe.",
        "Fullwidth ＡＢＣ １２３ stays as written.",
        "Ligatures like ﬁne and ﬂow stay.",
        "An em dash — and an en dash – stay.",
        "Accents: São Paulo, Zürich, Kraków, Ørsted.",
        "Math ≤ ≥ ± and emoji 🌊 stay.",
        "Tabs\tseparate\tcolumns.",
    ],
)
def test_typography_the_author_chose_is_not_restyled(styled: str) -> None:
    doc = clean_paragraph(styled)
    assert doc.lines[1] == styled
    assert normalize_edits(doc) == []


# --- NFC -------------------------------------------------------------------------------------


def test_decomposed_characters_are_composed() -> None:
    doc = clean_paragraph("The cafe\u0301 in Zu\u0308rich reopened.")
    assert doc.lines[1] == "The caf\u00e9 in Z\u00fcrich reopened."
    assert normalize_edits(doc) == [
        ("unicode.nfc", "e\u0301", "\u00e9"),
        ("unicode.nfc", "u\u0308", "\u00fc"),
    ]


def test_composed_text_is_left_alone() -> None:
    doc = clean_paragraph("The caf\u00e9 in Z\u00fcrich reopened.")
    assert normalize_edits(doc) == []


# --- white space -----------------------------------------------------------------------------


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2007"])
def test_non_breaking_spaces_become_plain_spaces(space: str) -> None:
    doc = clean_paragraph(f"About 6,000{space}people left their homes.")
    assert doc.lines[1] == "About 6,000 people left their homes."
    assert rules_applied(doc, "whitespace") == ["ws.nbsp"]


@pytest.mark.parametrize("space", ["\u2002", "\u2003", "\u2009", "\u200a", "\u205f"])
def test_other_unicode_spaces_become_plain_spaces(space: str) -> None:
    doc = clean_paragraph(f"Five{space}kilometres north.")
    assert doc.lines[1] == "Five kilometres north."
    assert rules_applied(doc, "whitespace") == ["ws.unicode-space"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\u00ad"])
def test_invisible_characters_are_removed(invisible: str) -> None:
    doc = clean_paragraph(f"Castle{invisible}ton had taken the lead.")
    assert doc.lines[1] == "Castleton had taken the lead."
    assert rules_applied(doc, "whitespace") == ["ws.zero-width"]


def test_a_zero_width_space_opening_a_paragraph_is_removed() -> None:
    doc = clean_paragraph("\u200bCastleton had taken the lead.")
    assert doc.lines[1] == "Castleton had taken the lead."


def test_runs_of_spaces_inside_a_line_are_collapsed() -> None:
    doc = clean_paragraph("Okafor rose above   two defenders.")
    assert doc.lines[1] == "Okafor rose above two defenders."
    assert normalize_edits(doc) == [("ws.space-run", "   ", " ")]


def test_single_tabs_are_kept() -> None:
    doc = clean_paragraph("Team\tPlayed\tPoints")
    assert doc.lines[1] == "Team\tPlayed\tPoints"
    assert normalize_edits(doc) == []


def test_spaces_left_at_the_end_by_a_removal_are_trimmed() -> None:
    doc = clean_paragraph("He said so. \u200b")
    assert doc.lines[1] == "He said so."
    assert "ws.trim" in rules_applied(doc, "whitespace")


@pytest.mark.parametrize("edge", ["\u3000", "\x0c"], ids=["ideographic-space", "form-feed"])
def test_white_space_left_at_a_paragraphs_edge_by_a_removal_is_trimmed(edge: str) -> None:
    # split_paragraphs trims these characters, so an untrimmed output changes when cleaned again.
    doc = clean_paragraph(f"He said so.{edge}\u200b")
    assert doc.lines[1] == "He said so."


def test_single_spaces_are_not_edits() -> None:
    assert normalize_edits(clean_paragraph("Plain text with single spaces.")) == []


def test_a_paragraph_of_only_invisible_characters_disappears() -> None:
    doc = clean([HEADLINE, B1, "\u200b\u200b", B2])
    assert doc.lines == [B1, B2]


# --- the record explains it all --------------------------------------------------------------


def test_every_normalisation_edit_is_small() -> None:
    paragraph = "A long paragraph that goes on " * 10 + "until the mayor didnâ€™t stop."
    doc = clean_paragraph(paragraph)
    assert doc.lines[1].endswith("didn’t stop.")
    assert all(len(e.text) <= 3 for e in doc.applied if e.pass_name == "ftfy")


# --- the first test before ftfy: a line it lets pass is one ftfy leaves as it is -------------

FTFY_TRICKS = [
    "Café society",
    "CafÃ© society",  # mojibake
    "It’s done – at last… “Yes”, he said.",
    "â€œQuotedâ€\x9d",
    "Fish &amp; chips",
    "Terms & Conditions, Q&A; R&D",  # "&" with no entity: ftfy leaves it
    "Line\x1b[31mred\x1b[0m",
    "Object \ufffc here",
    "Soft\u00adhyphen and\u00a0no-break space",
    "Ελληνικά και Русский текст",
    "Ð¡Ð¾Ð±Ð°ÐºÐ°",
    "Ã  la carte",
    "100 € – 20 °C × 3",
]
MOJIBAKE_ALPHABET = "aéÃ©â€™œ\x9d’“”–°€×ÂÐ¡Ñ\u00a0 &;#x\ufffc\x85ĂŸ"


def test_the_first_test_lets_through_only_lines_ftfy_leaves_alone() -> None:
    from cleaner.passes.normalize import first_ftfy_fix, ftfy_changes_nothing

    passed = [line for line in FTFY_TRICKS if ftfy_changes_nothing(line)]
    # Typography is among the marks, but ftfy's badness test tells it from mojibake.
    assert "Café society" in passed and "It’s done – at last… “Yes”, he said." in passed
    assert "CafÃ© society" not in passed and "Fish &amp; chips" not in passed
    assert "Object \ufffc here" not in passed
    for line in passed:
        assert first_ftfy_fix(line) is None, line


def test_the_first_test_is_read_from_the_installed_ftfy() -> None:
    from cleaner.passes.normalize import mojibake_marks

    marks = mojibake_marks()
    assert marks is not None  # the fast path is on with the ftfy we ship against
    assert marks.search("Ã") and not marks.search("’–…é")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, min_size=1, max_size=12))
def test_the_first_test_never_skips_a_line_ftfy_would_change(line: str) -> None:
    import ftfy

    from cleaner.passes.normalize import ftfy_changes_nothing
    from cleaner.textfix import FTFY_CONFIG

    if ftfy_changes_nothing(line):
        assert ftfy.fix_and_explain(line, config=FTFY_CONFIG).text == line


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="&;#ampltgxAMPLTeacuteEACUTE09 éÃ<", min_size=1, max_size=16))
def test_a_line_with_no_entity_is_one_ftfys_html_fixer_leaves_alone(line: str) -> None:
    import ftfy

    from cleaner.passes.normalize import ftfy_changes_nothing
    from cleaner.textfix import FTFY_CONFIG

    if ftfy_changes_nothing(line):
        assert ftfy.fix_and_explain(line, config=FTFY_CONFIG).text == line


def test_an_ampersand_alone_is_no_entity() -> None:
    from cleaner.passes.normalize import ftfy_changes_nothing, may_hold_entity

    assert not may_hold_entity("Terms & Conditions") and not may_hold_entity("AT&T")
    assert may_hold_entity("Fish &amp; chips") and may_hold_entity("P&EACUTE;REZ")
    assert ftfy_changes_nothing("Q&A with the harbour master")
    assert not ftfy_changes_nothing("Tom &amp; Jerry")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET + "abc ÜÀ©®™»«•„¦¤", max_size=16))
def test_the_badness_test_near_the_marks_is_ftfys_on_the_whole_line(line: str) -> None:
    import ftfy.badness

    from cleaner.passes.normalize import looks_like_mojibake, mojibake_marks

    marks = mojibake_marks()
    assert marks is not None
    assert looks_like_mojibake(line, marks) == ftfy.badness.is_bad(line)
    padded = "Plain words before the text. " + line + " And after it."
    assert looks_like_mojibake(padded, marks) == ftfy.badness.is_bad(padded)


def test_the_badness_test_is_tried_no_further_back_than_ftfys_longest_match() -> None:
    from cleaner.passes.normalize import mojibake_reach

    reach = mojibake_reach()
    assert reach is not None and 1 <= reach < 16


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" a.\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x7f~", max_size=10))
def test_an_ascii_line_is_told_tidy_as_the_pattern_tells_it(line: str) -> None:
    from cleaner.passes.normalize import _NOTHING_TO_TIDY, nothing_to_tidy

    assert nothing_to_tidy(line) == (_NOTHING_TO_TIDY.fullmatch(line) is not None)
