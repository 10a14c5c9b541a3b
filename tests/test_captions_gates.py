"""The credit grammar's cheap first tests: each is a necessary condition, so a line it turns away
gets the answer the full parse would give. Checked against a grammar without them, on credits,
on prose, and on lines made of the words, separators and letters that could fool them."""

from __future__ import annotations

import dataclasses

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.captions.grammar import (
    _JOINING,
    _UNDECORATE,
    _WORD_DECORATION,
    CREDIT_TAIL,
    CreditGrammar,
    _folded_words,
)
from cleaner.captions.templates import CaptionTemplates
from cleaner.document import Document, Edit
from cleaner.passes.captions import MoveCaptions
from cleaner.pipeline import CleaningSetup


class Ungated(CreditGrammar):
    """The grammar with its first tests always saying "maybe": every line is parsed in full."""

    def _words_in(self, text: str, words: frozenset[bytes]) -> bool:
        return True

    def _may_name_agency(self, line: str) -> bool:
        return True


GATED = CreditGrammar()
FULL = Ungated()

LINES = [
    "Crowds gather at the gate on Monday. Ana Ruiz/Harbour Post",
    "Handout photo of the new bridge, released on Monday. Handout via Reuters",
    "The mayor opens the market hall. Photo: Ana Ruiz",
    "Fishermen mend nets at dawn.Photo: Ana Ruiz",  # a credit glued to the sentence's end
    "Fishermen mend nets at dawn (Getty Images)",
    "Fishermen mend nets at dawn. GETTY IMAGES",
    "Fishermen mend nets at dawn. Getty",
    "Fishermen mend nets at dawn. Ana Ruiz for The New York Times",
    "Fishermen mend nets at dawn. Ana Ruiz for THE NEW YORK TIMES",
    "Fischer flicken Netze im Morgengrauen. Foto: Jörg Müller",
    "Straßenfest in der Altstadt. Bild: © dpa",
    "Pêcheurs au port d’Ostende. Crédit photo : Ana Ruiz",
    "İstanbul’da balıkçılar ağlarını onarıyor. ANADOLU AJANSI",
    "The council voted for the plan on Monday, the mayor said.",
    "He went for a walk via the old harbour and came back by noon.",
    "The file was sent to the top of the list, she said.",
    "Photo: Ana Ruiz/Harbour Post | Crowds gather at the gate on Monday",
    "Photo: Ana Ruiz | " + "Crowdsgatheringatthegateonthemorningofthefestival " * 7,
    "An AP reporter asked for comment; the EPA did not answer.",
    "x" * (CREDIT_TAIL + 40) + ". Handout via AFP",
    # label words with no "/", "|" or known agency: only a label can make a credit of them
    "Top of the list: the pier, the market; the old hall. Main image: Ana Ruiz",
    "Top of the list: the pier, the market; the old hall - the lead story, on file.",
    "The cover of the book (Lead singer Ana Ruiz)",
    "The cover of the book (File photo: Ana Ruiz)",
]


def test_the_first_tests_never_change_an_answer_on_credits_and_prose() -> None:
    for line in LINES:
        assert GATED._credit(line) == FULL._credit(line), line


def test_the_first_tests_turn_away_prose_without_a_label_or_an_agency() -> None:
    prose = "He went for a walk along the old harbour and came back by noon."
    assert not GATED._words_in(prose, GATED._label_keys)
    assert not GATED._may_name_agency(prose)
    assert GATED._credit(prose) is None


def test_the_first_tests_let_through_what_may_be_a_credit() -> None:
    assert GATED._words_in("dawn.Photo: Ana Ruiz", GATED._label_keys)  # glued to the sentence
    assert GATED._words_in("(FOTO) Ana Ruiz", GATED._label_keys)
    assert GATED._may_name_agency("Ana Ruiz for THE NEW YORK TIMES")
    assert GATED._may_name_agency("dawn (Getty Images)")
    assert GATED._may_name_agency("Ana Ruiz/dpa")


TOKENS = [
    "Photo",
    "PHOTO",
    "photo",
    "Foto:",
    "Bild",
    "©",
    "Credit",
    "Image",
    "file",
    "Top",
    "via",
    "for",
    "VIA",
    "by",
    "Courtesy",
    "of",
    "Reuters",
    "REUTERS",
    "AP",
    "ap",
    "Getty",
    "Images",
    "GETTY",
    "dpa",
    "DPA",
    "AFP",
    "The",
    "New",
    "York",
    "Times",
    "Ana",
    "Ruiz",
    "Jörg",
    "Müller",
    "İstanbul",
    "Straße",
    "STRASSE",
    "ﬁle",
    "Harbour",
    "Post",
    "Monday",
    "said",
    "the",
    "plan",
    "1",
]
SEPARATORS = [
    " ",
    " ",
    " ",
    "/",
    " / ",
    " | ",
    "|",
    ": ",
    ", ",
    "; ",
    ". ",
    ".",
    " - ",
    " (",
    ") ",
    "’ ",
    "” ",
    "\xa0",
    "\u3000",
    "\x1c",
    "“",
]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), min_size=1, max_size=14))
def test_the_first_tests_never_change_an_answer_on_lines_made_to_fool_them(
    pieces: list[tuple[str, str]],
) -> None:
    line = "".join(token + sep for token, sep in pieces).strip()
    for variant in (line, line + ")", "(" + line + ")", "Crowds at the gate. " + line):
        assert GATED._credit(variant) == FULL._credit(variant), variant
        if "/" not in variant and "|" not in variant:  # _may_hold_credit asks of such lines only
            assert GATED._holds_word(variant) == holds_word(variant), variant


def holds_word(tail: str) -> bool:
    """What CreditGrammar._holds_word answers, token by token: one of the line's white-space-
    separated tokens (white space as ``regex`` tells it, without "\\x1c" to "\\x1f"),
    undecorated and case-folded, is a label word, "via" or "for"."""
    words = {w.strip(_WORD_DECORATION).casefold() for w in regex.split(r"\s+", tail)}
    return bool(words & (GATED._label_words | _JOINING))


def test_a_label_word_or_a_joining_one_counts_only_as_a_whole_token() -> None:
    for tail in ["Crowds at dawn. (Photo: Ana Ruiz", "made for the town", "“VIA” Ana", "Bild\u3000Ana"]:
        assert GATED._holds_word(tail) and holds_word(tail), tail
    for tail in ["Crowds at dawn.Photo Ana Ruiz", "a photograph-like scene", "therefore", "Ana\x1cfor"]:
        assert not GATED._holds_word(tail) and not holds_word(tail), tail


def test_the_folded_words_are_those_of_the_text_undecorated_and_case_folded() -> None:
    for line in [*LINES, "Ana\u2003Ruiz\x1cPhoto\u3000©\xa0Bild“Foto”", "", "  \t "]:
        assert _folded_words(line) == [w.encode() for w in line.casefold().translate(_UNDECORATE).split()]


FOLDING = [*"aZß/|:.,()“”’‘ \t\x1c\x85\xa0\u2003\u3000\u180eİﬁé©"]


@given(st.text(alphabet=st.sampled_from(FOLDING), max_size=40))
def test_the_folded_words_are_cut_as_str_split_cuts_them(text: str) -> None:
    assert _folded_words(text) == [w.encode() for w in text.casefold().translate(_UNDECORATE).split()]


def test_every_white_space_outside_ascii_is_a_gap_of_the_folded_words() -> None:
    import sys

    spaces = [chr(c) for c in range(128, sys.maxunicode + 1) if chr(c).isspace()]
    assert all(_folded_words("photo" + c + "credit") == [b"photo", b"credit"] for c in spaces)


# --- the pass's first test: a line the grammar's memory knows to have no credit ---------------


def test_may_credit_leaves_out_only_the_lines_known_to_have_no_credit() -> None:
    grammar = CreditGrammar()
    plain = "Crowds gather at the gate on Monday."  # the first test turns it away
    lines = [LINES[0], LINES[13], LINES[2], LINES[14], LINES[15], plain]
    assert not grammar._may_hold_credit(plain)
    assert grammar.may_credit(lines) == [0, 1, 2, 3, 4]  # only the first test's answer is known
    assert grammar._cache == {plain: None}
    for line in lines[:4]:
        grammar.credit(line)
    assert grammar.may_credit(lines) == [0, 2, 4]  # credits, and the line not asked
    assert all(grammar.credit(lines[i]) is None for i in (1, 3, 5))
    assert [grammar.credit(line) for line in lines] == [FULL._credit(line) for line in lines]
    fresh = CreditGrammar()
    fresh.may_credit(lines)  # the lines it lets through are parsed without the test again
    assert [fresh.credit(line) for line in lines] == [FULL._credit(line) for line in lines]


def _caption_edits(captions: MoveCaptions, lines: list[str]) -> list[Edit]:
    return list(captions(Document("doc", "doc.txt", list(lines))))


def test_the_captions_pass_answers_the_same_from_the_grammars_memory() -> None:
    weak = "Lifeboat crews train off the north pier on Tuesday. Ines Ford/Harbour Post"
    other = weak.replace("Ines Ford", "Tom Ashby")
    lines = ["A headline for the harbour", weak, weak, *LINES, other, "Prose for the end, via the pier."]
    templates = CaptionTemplates()
    templates.add("", "{NAME}/Harbour Post", 9)
    (shipped,) = [p for p in CleaningSetup.from_options([]).passes if isinstance(p, MoveCaptions)]
    for learned in (None, templates):
        fresh = dataclasses.replace(shipped, templates=learned, grammar=CreditGrammar())
        first = _caption_edits(fresh, lines)
        assert {e.rule for e in first} >= {"caption.credit", "caption.repeated"}
        if learned is not None:
            assert "caption.site-template" in {e.rule for e in first}
        assert _caption_edits(fresh, lines) == first  # the second time, from memory
        assert _caption_edits(fresh, list(reversed(lines))) == _caption_edits(
            dataclasses.replace(fresh, grammar=CreditGrammar()), list(reversed(lines))
        )


AGENCY_PIECES = sorted(
    {
        *(
            name
            for name, kind in GATED.vocabulary.known.items()
            if kind in ("agency", "desk") and name.isascii()
        ),
        *[" ", "/", "-", "_", "x", "1", ".", "Ana", "AP1", "(", "via"],
    }
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(AGENCY_PIECES), min_size=1, max_size=6))
def test_an_ascii_lines_agency_runs_are_cut_as_the_pattern_cuts_them(pieces: list[str]) -> None:
    from cleaner.captions.grammar import _has_runs

    line = "".join(pieces)
    assert GATED._agency_runs is not None
    assert GATED._may_name_agency(line) == _has_runs(line.casefold(), GATED._agency_runs[0]), line
