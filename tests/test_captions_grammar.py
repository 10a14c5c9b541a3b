"""The credit grammar, family by family: what each kind of credit looks like, and the prose that
looks like it but is not one. Every example goes through the real passes; captions are invented."""

from __future__ import annotations

import pytest
from builders import B1, B2, B3, HEADLINE, clean, rules_applied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.captions.grammar import CreditGrammar
from cleaner.rules import load_rules

GRAMMAR = CreditGrammar()

# family -> (captions it makes, sentences that mention the same things and must stay)
FAMILIES: dict[str, tuple[list[str], list[str]]] = {
    "agency/NAME": (
        [
            "Dockers unload grain at the port of Varna, May 2, 2024. REUTERS/Stoyan Nenov",
            "A firefighter rests after the blaze in Turin. ANSA/ALESSANDRO DI MARCO",
            "Delegates arrive for the summit in Beijing. Xinhua/Wang Ye",
            "Rescue teams search the rubble in Malatya. EPA-EFE/ERDEM SAHIN",
        ],
        [
            "A Reuters/Ipsos poll found 41% support for the measure, up from 35% in March.",
            "The EPA/EFE merger talks collapsed in 2019, the agency said.",
            "REUTERS/Denis Balibouse took the photograph that won the prize last year.",
        ],
    ),
    "NAME/agency": (
        [
            "Commuters wait for a train in Lagos. Pius Utomi Ekpei/AFP",
            "Kühe auf einer Weide bei Rosenheim. Matthias Balk/dpa",
            "The prime minister leaves Downing Street. Lucy North/PA Wire",
            "Pilgrims gather at dawn in Varanasi. Niharika Kulkarni/AFP via Getty Images",
            "Tourists queue at the museum. Alan Poole/Alamy",
        ],
        [
            "Support for the measure stood at 41%, according to a poll by Reuters/Ipsos.",
            "He told the Associated Press that the talks had stalled.",
            "In a statement to AFP, the ministry denied the claims.",
        ],
    ),
    "handout/via": (
        [
            "Ambulances wait outside the clinic in Fairview on Sunday. Handout via Reuters",
            "Commuters crowd the platform in Osaka on Monday. Kyodo via REUTERS",
        ],
        [
            "The image was later shared by Reuters and AFP.",
            "The footage was sent to Reuters via a messaging app.",
        ],
    ),
    "picture desk alone": (
        [
            "A hiker on the ridge above the valley. Getty Images",
            "An early morning view of the marina. Shutterstock",
        ],
        ["Getty Images said it would appeal the ruling.", "Shutterstock shares rose 4% after the results."],
    ),
    "label: NAME[/OUTLET]": (
        [
            "Children play in the fountain in Leeds. Photograph: Ola Brandt/The Guardian",
            "The lighthouse keeper at work. Picture: Dan Healy",
            "Lanterns float on the river. Credit: Minh Tran for The New York Times",
            "A robot sorts parcels. Image: Harbour Robotics",
            "Night view of the harbour. Photo: Erin Moss | Harbour Post",
            "Containers stacked at the port. Photographer: Peter Boer/Bloomberg",
        ],
        [
            "The photo: a small girl holding a kite, taken in 1962.",
            "Picture this: a city with no cars on Sundays.",
            "Credit Suisse shares fell 3% in early trading.",
            "Photographer Ana Ruiz, 34, said she had waited six hours for the light.",
        ],
    ),
    "label by/courtesy of": (
        [
            "A robot sorts parcels in a warehouse. Illustration by Nora Field",
            "The restored mural on Canal Street. Courtesy of the Harbour Museum",
            "The old mill before the fire. Photo courtesy of Harbour Parks Department",
            "Fans celebrate in Buenos Aires. (Photo by Marcos Brindicci/Getty Images)",
        ],
        [
            "Courtesy of the council, parking is free on Sundays.",
            "The band's third album is called Courtesy of Strangers.",
            "The pictures were distributed by Getty Images.",
        ],
    ),
    "bracketed": (
        [
            "Volunteers clean the beach at Sandy Cove. [Photo: Ivo Brandt/Harbour Post]",
            "Residents sandbag a levee in Cairo, Ill. (AP Photo/Jeff Roberson)",
            "The stadium sits empty after the storm. (AP Photo)",
            "Mayor Ruth Calder speaks at the harbor on Friday. (Owen Price/The Dunmore Courier)",
            "Crowds gather at the gate on Monday (Harbour Post Photo: Ana Ruiz)",
        ],
        [
            "An AP photographer was injured, the agency said (AP).",
            "Sales rose in both halves (January/June).",
            "The vote passed 7-2 (councillors Price and Lind against).",
            "(Reporting by Jane Doe; Editing by John Roe)",
        ],
    ),
    "other languages": (
        [
            "Blick auf den Hafen von Kiel am Morgen. Bild: Keystone",
            "Die Feuerwehr am Montag in Kassel. Foto: Lena Vogt/dpa",
            "Bomberos trabajan en el incendio de Madrid. FOTO: EFE",
            "Strażacy na miejscu pożaru w Gdańsku. Fot. PAP/Adam Warżawa",
            "Des manifestants devant la mairie de Lyon. Crédit photo : Paul Roux/AFP",
            "Fietsers op de dijk bij Hoorn. Beeld: ANP/Koen de Vries",
        ],
        [
            "dpa und AFP berichteten übereinstimmend von drei Verletzten.",
            "Das Foto zeigt den Bürgermeister bei der Eröffnung der Brücke.",
            "Según la agencia EFE, el incendio comenzó de madrugada.",
            "Jak podała PAP, rozmowy zakończyły się bez porozumienia.",
        ],
    ),
    "slash label, copyright": (
        [
            "Lanterns over the old town at dusk. Photo/Xinhua",
            "Rescue teams at the collapsed bridge on Friday. AFP PHOTO/JANE DOE",
            "Das neue Rathaus am Abend. © Jana Roth",
            "The quay before the storm. Photo: Ada Lind (Harbour Post)",
            "Das Museum nach dem Umbau. Foto: © Jana Roth/dpa",
        ],
        [
            "The © notice under the logo was printed in error, the paper said.",
            "Copyright 2024 Harbour Post",
            "Photographer / Videographer",
        ],
    ),
    "leading credit": (
        ["Photo: Ines Ford/Harbour Post | Lifeboat crews train off the north pier on Tuesday."],
        [
            "Image by Kotn. The company said sales rose. Its shares fell. Analysts were surprised by both.",
            "Source: the finance ministry's own figures, published on Friday.",
        ],
    ),
}
CAPTIONS = [(family, c) for family, (captions, _) in FAMILIES.items() for c in captions]
PROSE = [(family, p) for family, (_, prose) in FAMILIES.items() for p in prose]


@pytest.mark.parametrize(("family", "caption"), CAPTIONS, ids=[f"{f}:{c[-28:]}" for f, c in CAPTIONS])
def test_a_line_ending_in_a_credit_of_each_family_is_a_caption(family: str, caption: str) -> None:
    doc = clean([HEADLINE, B1, caption, B2])
    assert doc.captions == [caption], family
    assert doc.lines == [B1, B2]
    assert rules_applied(doc, "captions") == ["caption.credit"]


@pytest.mark.parametrize(("family", "sentence"), PROSE, ids=[f"{f}:{p[:28]}" for f, p in PROSE])
def test_prose_naming_what_credits_name_stays_text(family: str, sentence: str) -> None:
    doc = clean([HEADLINE, B1, sentence, B2])
    assert doc.lines == [B1, sentence, B2], family
    assert doc.captions == []


def test_the_credit_names_the_evidence_it_rests_on() -> None:
    assert GRAMMAR.credit("Fans in Lyon. Photo: Ana Ruiz").basis == "label"  # type: ignore[union-attr]
    assert GRAMMAR.credit("Fans in Lyon. Ana Ruiz/AFP").basis == "agency"  # type: ignore[union-attr]
    assert GRAMMAR.credit("Fans in Lyon. Shutterstock").basis == "desk"  # type: ignore[union-attr]
    weak = GRAMMAR.credit("Fans in Lyon. Ana Ruiz/Harbour Post")
    assert weak is not None and (weak.basis, weak.strong) == ("shape", False)
    assert weak.parts == ("Ana Ruiz", "Harbour Post")


def test_a_credit_without_a_label_or_a_known_agency_is_weak_alone() -> None:
    line = "Stallholders set up before the market opens. Tom Ashby/Coast Weekly"
    doc = clean([HEADLINE, B1, line, B2, B3])
    assert line in doc.lines and doc.captions == []


def test_a_headline_that_parses_as_a_credit_alone_is_not_a_caption() -> None:
    for line in ("Photos: Harbour Festival Draws Record Crowds", "Photographer / Videographer"):
        doc = clean([HEADLINE, B1, line, B2])
        assert line in doc.lines and doc.captions == [], line


def test_a_chart_source_note_is_not_a_caption() -> None:
    line = "Source: Harbour Statistics analysis of city data | Image Credit: Harbour Statistics"
    doc = clean([HEADLINE, B1, line, B2])
    assert line in doc.lines


def test_an_agency_added_to_the_vocabulary_is_known_without_a_pattern() -> None:
    assert GRAMMAR.part_kind("Kyodo") == "desk"
    assert GRAMMAR.part_kind("Reuters") == GRAMMAR.part_kind("REUTERS") == "agency"
    assert GRAMMAR.part_kind("Ana Ruiz") == "name"
    assert GRAMMAR.part_kind("the council") is None
    assert GRAMMAR.part_kind("Photo") is None


# --- property: prose from every rule's keep list never becomes a caption ----------------------

KEEP = sorted(
    {k for rule in load_rules() if rule.pass_name == "captions" for k in rule.keep} | {p for _, p in PROSE}
)
FILLER = [B1, B2, B3, "The plan was approved by 7 votes to 2.", "Work starts in May."]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    sentence=st.sampled_from(KEEP),
    before=st.lists(st.sampled_from(FILLER), max_size=4),
    after=st.lists(st.sampled_from(FILLER), max_size=4),
    twice=st.booleans(),
)
def test_a_keep_sentence_anywhere_in_a_document_is_never_moved_to_captions(
    sentence: str, before: list[str], after: list[str], twice: bool
) -> None:
    lines = [HEADLINE, *before, sentence, *after] + ([sentence] if twice else [])
    doc = clean(lines)
    assert sentence not in doc.captions
    assert not [e for e in doc.applied if e.pass_name == "captions" and e.text == sentence]


def test_a_bracketed_pair_of_names_alone_on_its_line_is_not_a_caption() -> None:
    doc = clean([HEADLINE, B1, "( United Kingdom / GBP )", B2])
    assert doc.captions == []


def test_a_copyright_line_alone_is_a_footer_not_a_caption() -> None:
    doc = clean([HEADLINE, B1, B2, "© Harbour Post"])
    assert doc.captions == []


def test_a_copyright_notice_opening_a_footer_is_not_a_caption() -> None:
    footer = "© Harbour Post 2025. All rights reserved worldwide by the publisher."
    doc = clean([HEADLINE, B1, B2, footer])
    assert doc.captions == []


def test_a_stock_credit_alone_on_its_line_is_a_caption() -> None:
    for credit in ("Romas Photo/Shutterstock", "FatCamera/Getty Images"):
        doc = clean([HEADLINE, B1, credit, B2])
        assert doc.captions == [credit], credit


def _plain_grammar() -> CreditGrammar:
    """The shipped vocabulary's grammar built as any other vocabulary's is: its labels one
    alternation, its patterns under the time limit."""
    from cleaner.captions import grammar

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(grammar, "shipped_vocabulary", lambda: None)
        return CreditGrammar(GRAMMAR.vocabulary)


PLAIN = _plain_grammar()
LABEL_PIECES = sorted(
    {
        *GRAMMAR.vocabulary.labels,
        *GRAMMAR.vocabulary.source_labels,
        *GRAMMAR.vocabulary.connectors,
        *(label.upper() for label in GRAMMAR.vocabulary.labels),
        *(label.lower() for label in GRAMMAR.vocabulary.labels),
        *[" ", ":", "/", " | ", ".", "©", "s", "Ana Ruiz", "AP", " of ", "Harbour Post", "\t"],
    }
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LABEL_PIECES), min_size=1, max_size=7))
def test_the_shipped_labels_as_a_trie_match_what_their_alternation_matches(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert GRAMMAR._timeout is None and PLAIN._timeout is not None
    for trie, alternation in zip(GRAMMAR._labels_re, PLAIN._labels_re, strict=True):
        found, expected = trie.match(text), alternation.match(text)
        assert (found is None) == (expected is None), text
        if found is not None and expected is not None:
            assert (found.span(), found.groupdict()) == (expected.span(), expected.groupdict()), text
    found, expected = GRAMMAR._label_match(text), PLAIN._label_match(text)
    assert (found is None) == (expected is None), text
    if found is not None and expected is not None:
        assert found.groupdict() == expected.groupdict(), text
    assert GRAMMAR.parse(text) == PLAIN.parse(text), text
