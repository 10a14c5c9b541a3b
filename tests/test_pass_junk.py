"""Junk: UI and site junk goes, by rule and by where it stands; text that mentions it stays.

- ``line`` rules remove a paragraph anywhere ("Advertisement").
- ``edge`` rules remove a paragraph only in the junk at the top or bottom, or in a run of at least
  three junk paragraphs ("Email" alone mid-article may be a subheading).
- ``block`` rules remove a header ("Read more:") and the headline-like links right after it.
"""

from __future__ import annotations

import pytest
from builders import B1, B2, B3, B4, HEADLINE, clean, removed_texts, rules_applied

# --- line rules: anywhere --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("junk", "rule"),
    [
        ("Advertisement", "junk.advertisement"),
        ("ADVERTISEMENT", "junk.advertisement"),
        ("- Advertisement -", "junk.advertisement"),
        ("Anzeige", "junk.advertisement"),
        ("font change", "junk.font-controls"),
        ("Story continues below", "junk.continue-reading"),
        ("Share this article", "junk.share"),
        ("Share on Facebook Share on X Share via Email", "junk.share"),
        ("Sign up for our morning newsletter", "junk.newsletter"),
        ("Click here to subscribe", "junk.click-here"),
        ("Leave a comment", "junk.leave-comment"),
        ("© 2024 The Dunmore Courier. All rights reserved.", "junk.copyright"),
        ("Skip to main content", "junk.navigation"),
        ("4 min read", "junk.navigation"),
    ],
)
def test_a_line_rule_removes_its_paragraph_in_the_middle_of_the_article(junk: str, rule: str) -> None:
    doc = clean([HEADLINE, B1, B2, junk, B3, B4])
    assert doc.lines == [B1, B2, B3, B4]
    assert rules_applied(doc, "junk") == [rule]


def test_phrases_ignore_case_decoration_and_spacing() -> None:
    doc = clean([HEADLINE, B1, "»  SHARE   this ARTICLE: ", B2])
    assert doc.lines == [B1, B2]


def test_junk_that_only_matches_once_spaces_are_collapsed_is_removed() -> None:
    doc = clean([HEADLINE, B1, B2, "Share  this article"])
    assert doc.lines == [B1, B2]
    # The whitespace pass made it recognisable; both steps are on the record.
    assert rules_applied(doc, "whitespace") == ["ws.space-run"]
    assert removed_texts(doc, "junk") == ["Share this article"]


def test_every_removed_paragraph_is_on_the_record_with_its_rule() -> None:
    doc = clean([HEADLINE, B1, "Advertisement", B2, "Advertisement", B3])
    assert [(e.pass_name, e.rule, e.text) for e in doc.applied if e.pass_name == "junk"] == [
        ("junk", "junk.advertisement", "Advertisement"),
        ("junk", "junk.advertisement", "Advertisement"),
    ]


# --- edge rules ------------------------------------------------------------------------------


def test_email_alone_in_the_middle_of_the_article_stays() -> None:
    doc = clean([HEADLINE, B1, "Email", B2, B3])
    assert doc.lines == [B1, "Email", B2, B3]


def test_email_at_the_end_of_the_article_goes() -> None:
    doc = clean([HEADLINE, B1, B2, B3, "Email"])
    assert doc.lines == [B1, B2, B3]
    assert rules_applied(doc, "junk") == ["junk.share-buttons"]


def test_share_buttons_at_the_top_go() -> None:
    doc = clean(["Facebook", "Twitter", HEADLINE, B1, B2])
    assert doc.lines == [B1, B2]
    assert doc.title == HEADLINE


def test_the_whole_junk_footer_goes() -> None:
    footer = [
        "Share this article",
        "Facebook",
        "Twitter",
        "Email",
        "WhatsApp",
        "Copy link",
        "Comments",
        "Print",
    ]
    doc = clean([HEADLINE, B1, B2, *footer])
    assert doc.lines == [B1, B2]
    assert removed_texts(doc, "junk") == footer


def test_a_run_of_three_share_buttons_in_the_middle_of_the_article_goes() -> None:
    doc = clean([HEADLINE, B1, "Facebook", "Twitter", "Email", B2, B3])
    assert doc.lines == [B1, B2, B3]
    assert rules_applied(doc, "junk") == ["junk.share-buttons"] * 3


def test_two_lone_button_words_in_the_middle_of_the_article_stay() -> None:
    doc = clean([HEADLINE, B1, "Print", "Email", B2, B3])
    assert doc.lines == [B1, "Print", "Email", B2, B3]


def test_comments_as_a_subheading_in_the_middle_stays_but_at_the_end_goes() -> None:
    middle = clean([HEADLINE, B1, "Comments", B2])
    end = clean([HEADLINE, B1, B2, "Comments"])
    assert middle.lines == [B1, "Comments", B2]
    assert end.lines == [B1, B2]


# --- block rules -----------------------------------------------------------------------------


def test_read_more_and_its_headline_links_are_removed() -> None:
    links = ["Harbor bridge reopens after storm repairs", "Council approves new parking rules"]
    doc = clean([HEADLINE, B1, "Read more:", *links, B2, B3])
    assert doc.lines == [B1, B2, B3]
    assert removed_texts(doc, "junk") == ["Read more:", *links]
    assert rules_applied(doc, "junk") == ["junk.read-more"] * 3


def test_a_related_coverage_block_is_removed() -> None:
    doc = clean(
        [HEADLINE, B1, "Related coverage", "Cyclone season outlook: forecasters expect more storms", B2]
    )
    assert doc.lines == [B1, B2]
    assert set(rules_applied(doc, "junk")) == {"junk.related"}


def test_a_link_block_ends_at_the_first_sentence_like_paragraph() -> None:
    doc = clean([HEADLINE, B1, "Read more:", "Harbor bridge reopens after storm repairs", B2, B3])
    assert doc.lines == [B1, B2, B3]


def test_a_block_header_at_the_very_end_is_removed() -> None:
    doc = clean([HEADLINE, B1, B2, "Related stories"])
    assert doc.lines == [B1, B2]


def test_read_more_in_a_sentence_stays() -> None:
    sentence = "Read more about the proposal in the council's report, which runs to 300 pages."
    doc = clean([HEADLINE, B1, sentence, B2])
    assert doc.lines == [B1, sentence, B2]


def test_a_header_followed_by_bullet_items_is_a_list_the_article_presents() -> None:
    bullets = ["- warmer summers at the glacier front", "- less winter snowfall", "- darker ice surfaces"]
    doc = clean([HEADLINE, B1, "Related", *bullets, B2])
    assert doc.lines == [B1, "Related", *bullets, B2]


def test_a_header_followed_by_bullets_of_any_style_stays() -> None:
    for bullet in ("• ", "* ", "– "):
        items = [f"{bullet}first point", f"{bullet}second point"]
        doc = clean([HEADLINE, B1, "See also", *items, B2])
        assert doc.lines == [B1, "See also", *items, B2], bullet


# --- negatives: sentences that mention junk words --------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices fell 4% after the announcement.",
        "The font change was noticed by readers who complained to the editor.",
        "The advertisement ran in three newspapers before it was withdrawn.",
        "Advertising revenue fell 12% in the quarter.",
        "The story continues below the surface, investigators believe.",
        "Share this with your neighbours, the mayor urged residents on Tuesday.",
        "More than 40,000 readers signed up for the newsletter in its first week.",
        "Comments from residents were mostly positive, the council said.",
        "Readers may leave a comment on the council's website until Friday.",
        "The copyright dispute went to court in May.",
        "Related coverage of the trial drew complaints from the defence.",
        "Most readers said they preferred the print edition.",
        "The company said it would print a correction on Friday.",
        "If you want us here in ten years, subscribe.",
    ],
)
def test_a_sentence_that_mentions_junk_words_is_content(sentence: str) -> None:
    for lines in ([HEADLINE, B1, sentence, B2], [HEADLINE, B1, B2, sentence]):
        doc = clean(lines)
        assert sentence in doc.lines
        assert rules_applied(doc, "junk") == []


def test_a_subheading_between_paragraphs_stays() -> None:
    doc = clean([HEADLINE, B1, "Construction timeline", B2, "What happens next", B3])
    assert doc.lines == [B1, "Construction timeline", B2, "What happens next", B3]
