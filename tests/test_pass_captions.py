"""Captions: a paragraph that ends in a photo credit leaves the text for ``captions``, once."""

from __future__ import annotations

import pytest
from builders import B1, B2, B3, HEADLINE, clean, default_cleaner, removed_texts, rules_applied

# Captions in the formats the seven per-agency rules knew (now one grammar), written for these tests.
CREDITS = [
    (
        "caption.credit",
        "Dockers unload grain at the port of Varna, Bulgaria, May 2, 2024. REUTERS/Stoyan Nenov",
    ),
    (
        "caption.credit",
        "A view of the Bank of Japan in Tokyo, March 19, 2024. REUTERS/Kim Kyung-Hoon/File Photo",
    ),
    ("caption.credit", "The summit venue in Brussels, June 27, 2024. REUTERS/Yves Herman/Pool"),
    ("caption.credit", "Ministers meet in Lisbon, Portugal, Oct. 2, 2024. REUTERS/Pedro Nunes."),
    ("caption.credit", "Rescue workers search the site in Porto, July 2, 2024. REUTERS/Miguel de Sousa"),
    ("caption.credit", "Residents sandbag a levee in Cairo, Ill., April 30, 2024. (AP Photo/Jeff Roberson)"),
    (
        "caption.credit",
        "Voters line up outside a school in Denver, Nov. 5, 2024. (AP Photo/David Zalubowski, File)",
    ),
    ("caption.credit", "The stadium sits empty after the storm. (AP Photo)"),
    (
        "caption.credit",
        "Pilgrims gather at dawn in Varanasi, India, Jan. 14, 2024. Niharika Kulkarni/AFP via Getty Images",
    ),
    ("caption.credit", "A skier competes in Kitzbuehel, Austria. (Photo by Anna Weber/Getty Images)"),
    ("caption.credit", "Smoke rises over the hills near the border. AFP/Getty Images"),
    ("caption.credit", "Commuters wait for a train in Lagos. Pius Utomi Ekpei/AFP"),
    ("caption.credit", "Containers stacked at the port of Rotterdam. Photographer: Peter Boer/Bloomberg"),
    ("caption.credit", "A worker on the assembly line in Wolfsburg. Photo: Krisztian Bocsi/Bloomberg"),
    (
        "caption.credit",
        "Children play in the fountain in Leeds. Photograph: Christopher Thomond/The Guardian",
    ),
    ("caption.credit", "The ferry on its first crossing. Photo: Maria Lind for The Harbour Times"),
    ("caption.credit", "Die Feuerwehr am Montag in Kassel. Foto: Lena Vogt/dpa"),
    ("caption.credit", "Rescue teams search the rubble in Malatya, Turkey. EPA-EFE/ERDEM SAHIN"),
    ("caption.credit", "Delegates arrive for the summit in Beijing. Xinhua/Wang Ye"),
    ("caption.credit", "Kühe auf einer Weide bei Rosenheim. Matthias Balk/dpa"),
    ("caption.credit", "Fans celebrate in Amsterdam. ANP/Robin van Lonkhuijsen"),
    (
        "caption.credit",
        "Mayor Ruth Calder speaks at the harbor on Friday. (Owen Price/The Dunmore Courier)",
    ),
]


def test_the_shipped_caption_rules_are_the_evidence_rules() -> None:
    assert {r.id for r in default_cleaner().rules.select("captions")} == {
        "caption.credit",
        "caption.repeated",
    }


@pytest.mark.parametrize(("rule", "caption"), CREDITS, ids=[f"{r}:{c[-24:]}" for r, c in CREDITS])
def test_a_paragraph_ending_in_a_photo_credit_becomes_a_caption(rule: str, caption: str) -> None:
    doc = clean([HEADLINE, B1, caption, B2])
    assert doc.lines == [B1, B2]
    assert doc.captions == [caption]
    assert rules_applied(doc, "captions") == [rule]


def test_a_caption_is_moved_whole_and_unchanged() -> None:
    caption = CREDITS[0][1]
    doc = clean([HEADLINE, caption, B1])
    (edit,) = [e for e in doc.applied if e.pass_name == "captions"]
    assert (edit.text, edit.moved_to) == (caption, "captions")


def test_a_credit_alone_on_its_line_is_a_caption() -> None:
    doc = clean([HEADLINE, B1, "REUTERS/Denis Balibouse", B2])
    assert doc.captions == ["REUTERS/Denis Balibouse"]
    assert doc.lines == [B1, B2]


# --- duplicates ------------------------------------------------------------------------------


def test_a_caption_printed_twice_in_a_row_is_one_caption() -> None:
    caption = CREDITS[0][1]
    doc = clean([HEADLINE, caption, caption, B1, B2])
    assert doc.captions == [caption]
    assert doc.lines == [B1, B2]
    # Both prints are explained in the record.
    assert removed_texts(doc, "captions") == [caption, caption]


def test_a_caption_repeated_further_down_is_still_one_caption() -> None:
    caption = CREDITS[5][1]
    doc = clean([HEADLINE, caption, B1, B2, caption, B3])
    assert doc.captions == [caption]
    assert doc.lines == [B1, B2, B3]


def test_a_repeat_differing_only_in_surrounding_white_space_is_one_caption() -> None:
    caption = CREDITS[8][1]
    doc = clean([HEADLINE, caption, caption + "   ", B1])
    assert doc.captions == [caption]


def test_different_captions_are_kept_in_reading_order() -> None:
    first, second = CREDITS[0][1], CREDITS[6][1]
    doc = clean([HEADLINE, first, B1, second, B2])
    assert doc.captions == [first, second]


# --- placement -------------------------------------------------------------------------------


def test_a_caption_in_the_middle_of_the_body_is_moved() -> None:
    caption = CREDITS[13][1]
    doc = clean([HEADLINE, B1, B2, caption, B3])
    assert doc.lines == [B1, B2, B3]
    assert doc.captions == [caption]


def test_a_caption_above_the_headline_does_not_stop_the_headline_being_found() -> None:
    caption = CREDITS[0][1]
    doc = clean([caption, HEADLINE, B1, B2])
    assert doc.title == HEADLINE
    assert doc.captions == [caption]
    assert doc.lines == [B1, B2]


def test_a_caption_with_mojibake_is_repaired_before_it_is_moved() -> None:
    doc = clean(
        [HEADLINE, B1, "Volunteers outside a cafÃ© in Saltmarsh. Sina Tauiliili/AFP via Getty Images", B2]
    )
    assert doc.captions == ["Volunteers outside a café in Saltmarsh. Sina Tauiliili/AFP via Getty Images"]


def test_a_document_without_credits_has_no_captions() -> None:
    doc = clean([HEADLINE, B1, B2, B3])
    assert doc.captions == []
    assert rules_applied(doc, "captions") == []


# --- negatives: credits mentioned in the text ------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Company officials declined to say, said Reuters reporter Jane Doe.",
        "said Reuters reporter Jane Doe.",
        "The pictures were distributed by Getty Images.",
        "Getty Images said it would appeal the ruling.",
        "The agency, AFP, said two of its reporters were detained.",
        "An AP photographer was injured, the agency said (AP).",
        "Bloomberg reported the deal on Tuesday, citing people familiar with the matter.",
        "The photo: a small girl holding a kite, taken in 1962.",
        "Picture this: a city with no cars on Sundays.",
        "Xinhua reported the figures without giving a source.",
        "The vote passed 7-2 (councillors Price and Lind against).",
        "Sales rose in both halves (January/June).",
        "A Reuters/Ipsos poll found 41% support for the measure, up from 35% in March.",
        "REUTERS/Denis Balibouse took the photograph that won the prize last year.",
    ],
)
def test_a_sentence_mentioning_an_agency_is_not_a_caption(sentence: str) -> None:
    doc = clean([HEADLINE, B1, sentence, B2])
    assert doc.lines == [B1, sentence, B2]
    assert doc.captions == []


def test_a_sentence_ending_with_a_reuters_poll_is_not_a_caption() -> None:
    sentence = "Support for the measure stood at 41%, according to a poll by Reuters/Ipsos."
    doc = clean([HEADLINE, B1, sentence, B2])
    assert doc.lines == [B1, sentence, B2]
    assert doc.captions == []


def test_a_very_long_paragraph_ending_in_a_credit_is_text_not_a_caption() -> None:
    paragraph = " ".join([B1] * 7) + " REUTERS/Jane Doe"
    assert len(paragraph.split()) > 80
    doc = clean([HEADLINE, B1, paragraph, B2])
    assert paragraph in doc.lines
    assert doc.captions == []
