"""The content pass: the article found in page text from what each paragraph is, none of it lost.

The page under test (``fixtures/content/harbour_post_page.txt``) is invented: an outlet's whole
page as a browser's "select all" gives it, with its menu, breadcrumb, byline, dateline, an
article with a one-line paragraph, a list and a quote, then share buttons, related stories,
comments, a newsletter box and the footer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from builders import BODY, clean, make_document

from cleaner.content.features import (
    FEATURE_NAMES,
    PageFeatures,
    context_features,
    document_features,
    guess_language,
    is_byline,
    is_dateline,
    main_block,
)
from cleaner.content.model import ContentModel, ModelError, shipped_model
from cleaner.document import Document, replay
from cleaner.layout import split_paragraphs
from cleaner.passes.content import (
    RULE_IDS,
    TRUSTED_LANGUAGES,
    FindContent,
    decide,
    framed_by_page,
    inner_sentences,
    protected,
    sandwiched,
)
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.records import output_record

PAGE = (Path(__file__).parent / "fixtures" / "content" / "harbour_post_page.txt").read_text(encoding="utf-8")
ARTICLE = [
    line
    for line in split_paragraphs(PAGE)
    if line.startswith(
        ("Crews on", "The vote", "Union officials", '"We have', "The operator said", "Talks are")
    )
    or line.startswith(("A spokesperson", "Islanders have", "The strike would", "Morning sailings"))
    or line in ("The evening freight crossing", "School runs on both days")
]
HEADLINE = "Ferry crews vote to strike over winter timetable"


def clean_page(mode: str = "conservative") -> Document:
    doc = Document(
        "page", "page.txt", split_paragraphs(PAGE), fields={"url": "https://harbourpost.example/news/ferry"}
    )
    run_passes(doc, CleaningSetup.from_options(content=mode).passes)
    return doc


def content_removals(doc: Document) -> dict[str, str]:
    return {e.text: e.rule for e in doc.applied if e.pass_name == "content"}


# --- the whole page ------------------------------------------------------------------------------


def test_every_paragraph_of_the_article_survives_the_page() -> None:
    doc = clean_page()
    for line in ARTICLE:
        assert line in doc.lines, line


def test_the_menu_above_the_article_goes_as_navigation() -> None:
    removed = content_removals(clean_page())
    for item in ("Home", "Sport", "Business", "Opinion", "Weather", "Sign in"):
        assert removed.get(item) == "content.navigation", item


def test_the_footer_below_the_article_goes_as_a_boilerplate_block() -> None:
    removed = content_removals(clean_page())
    for item in ("About us", "Advertise", "Careers", "Privacy Notice", "Terms of Use", "Cookie settings"):
        assert removed.get(item) == "content.boilerplate-block", item


def test_the_byline_and_dateline_go_to_their_record_fields_as_written() -> None:
    doc = clean_page()
    assert doc.byline == "By Ana Ruiz, Transport Correspondent"
    assert doc.published == "Published: 4 Feb 2025"
    record = output_record(doc, None)
    assert (record["byline"], record["published"]) == (doc.byline, doc.published)
    assert "5 min read" not in doc.lines  # the junk rules know this one


def test_the_headline_in_the_body_is_the_title_and_the_page_title_goes() -> None:
    doc = clean_page()
    assert doc.title == HEADLINE
    rules = {e.rule: e.text for e in doc.applied if e.pass_name == "title"}
    assert rules["title.page-title"] == "Ferry Crews Vote to Strike Over Winter Timetable | The Harbour Post"
    assert rules["title.headline"] == HEADLINE


def test_every_removal_is_explained_and_replays_to_the_text() -> None:
    doc = clean_page()
    assert {e.rule for e in doc.applied if e.pass_name == "content"} <= set(RULE_IDS)
    assert replay(split_paragraphs(PAGE), doc.applied) == doc.lines


def test_the_aggressive_mode_removes_more_but_keeps_the_articles_prose() -> None:
    conservative, aggressive = clean_page("conservative"), clean_page("aggressive")
    assert set(content_removals(conservative)) <= set(content_removals(aggressive))
    for line in ARTICLE:
        if len(line.split()) >= 25:
            assert line in aggressive.lines, line


def test_mode_off_leaves_the_page_to_the_other_passes() -> None:
    assert content_removals(clean_page("off")) == {}


# --- already clean text --------------------------------------------------------------------------


def test_a_clean_article_loses_nothing() -> None:
    doc = clean(["Council backs budget with cuts to library hours", *BODY])
    assert doc.lines == list(BODY)


def test_a_clean_article_with_a_subheading_and_a_one_line_paragraph_loses_nothing() -> None:
    lines = [BODY[0], BODY[1], "What happens next", BODY[2], "The vote is on Thursday.", BODY[3], BODY[4]]
    assert clean(lines).lines == lines


def test_a_short_document_is_left_alone() -> None:
    assert list(FindContent()(make_document(["Home", "News", "Sport"]))) == []


def test_the_pass_decides_once_per_document() -> None:
    doc = clean_page()
    assert list(FindContent()(doc)) == []


# --- features ------------------------------------------------------------------------------------


def test_the_language_is_the_stop_word_list_that_covers_the_text() -> None:
    assert guess_language([["el", "puente", "se", "cerró", "por", "la", "tormenta"]]) == "es"
    assert guess_language([["most", "został", "zamknięty", "przez", "burzę", "w", "nocy"]]) == "pl"
    assert guess_language([]) is None


@pytest.mark.parametrize(
    "line", ["By Ana Ruiz, Staff Writer", "By ANA RUIZ", "Von Jana Berg", "Por Lucía Marín"]
)
def test_bylines(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the time the bridge reopened, traffic had eased.",
        "by the harbour",
        "Bylines are a matter of style.",
    ],
)
def test_not_bylines(line: str) -> None:
    assert not is_byline(line)


@pytest.mark.parametrize(
    "line",
    ["Published: 4 Feb 2025", "Updated 9:12 am EST, Tue March 3", "5 min read", "2h ago", "12.03.2024"],
)
def test_datelines(line: str) -> None:
    assert is_dateline(line)


@pytest.mark.parametrize(
    "line",
    [
        "The vote on 4 Feb 2025 passed by two votes after a long debate in the hall, officials said.",
        "Ferry crews vote to strike",
    ],
)
def test_not_datelines(line: str) -> None:
    assert not is_dateline(line)


def column(features: PageFeatures, name: str) -> list[float]:
    return [round(float(v), 3) for v in features.column(name)]


def test_a_run_of_short_lines_is_measured_and_a_lone_short_line_is_not_a_run() -> None:
    f = document_features(["Home", "News", "Sport", BODY[0], "What happens next", BODY[1]])
    runs = np.expm1(np.array(column(f, "log_short_run")))
    assert runs.round().tolist() == [3, 3, 3, 0, 1, 0]


LONG = BODY[0] + " " + BODY[1]
LONGER = BODY[2] + " " + BODY[3]


def test_lines_before_and_after_the_prose_are_marked() -> None:
    f = document_features(["Home", LONG, "Short", LONGER, "Careers"])
    assert column(f, "before_main") == [1, 0, 0, 0, 0]
    assert column(f, "after_main") == [0, 0, 0, 0, 1]
    assert column(f, "in_main") == [0, 1, 1, 1, 0]


def test_stop_word_share_separates_prose_from_menus() -> None:
    f = document_features(["Crossword Podcasts Obituaries Newsletters", LONG])
    share = column(f, "stop_share")
    assert share[0] < 0.2 < 0.4 < share[1]


def test_repeats_inside_the_page_are_counted() -> None:
    f = document_features(["Sign in", BODY[0], "Sign in", BODY[1]])
    assert column(f, "repeats") == [1, 0, 1, 0]


def test_neighbour_features_see_the_lines_around() -> None:
    f = document_features(["Home", LONG, "Short"])
    assert column(f, "n-1_exists") == [0, 1, 1]
    assert column(f, "n+1_prose") == [1, 0, 0]


def test_the_main_block_is_the_run_with_the_most_article_words() -> None:
    scores = np.array([0.1, 0.9, 0.4, 0.9, 0.1, 0.8])
    words = np.array([2.0, 40, 3, 50, 30, 2])
    assert main_block(scores, words) == (1, 3)


def test_topic_features_favour_lines_that_share_the_articles_words() -> None:
    lines = [
        "Ferry crews voted to strike over the winter timetable on Tuesday.",
        "The ferry timetable cuts evening crossings, the crews say.",
        "Celebrity chef opens a pizza restaurant downtown.",
    ]
    f = document_features(lines)
    ctx = context_features(np.array([0.9, 0.9, 0.9]), f.words, f.token_ids, f.token_lines)
    topic = ctx[:, 13]
    assert topic[1] > topic[2]


# --- decisions -----------------------------------------------------------------------------------


def test_long_prose_is_protected_even_when_the_model_is_sure_it_is_not_article() -> None:
    f = document_features(["Home", LONG, "News"])
    assert protected(f).tolist() == [False, True, False]
    assert decide(f, np.zeros(3), "conservative").tolist() == [True, False, True]


def test_the_aggressive_mode_removes_prose_outside_the_main_block_only_when_sure() -> None:
    f = document_features([LONG, LONGER, "Related", LONG.upper().capitalize()])
    scores = np.array([0.95, 0.95, 0.05, 0.05])
    assert decide(f, scores, "aggressive").tolist() == [False, False, True, True]
    assert decide(f, np.array([0.95, 0.95, 0.05, 0.5]), "aggressive").tolist() == [False, False, True, False]


def test_a_quote_of_a_long_sentence_is_protected_prose() -> None:
    quote = (
        '"We have tried every way we know to reach an agreement with the operator, and nobody on '
        'these boats wants to strike this winter," she said on Tuesday.'
    )
    f = document_features([quote, "Home"])
    assert protected(f).tolist() == [True, False]


def test_the_conservative_mode_trusts_the_model_only_in_the_languages_it_was_trained_on() -> None:
    german = (
        "Die Gemeinde hat am Montag beschlossen, dass die Fähre über den See auch im Winter "
        "fahren soll, und die Kosten werden von der Stadt und dem Land getragen."
    )
    f = document_features(["Startseite", german, "Kontakt", "Impressum"])
    assert f.lang == "de" and "de" not in TRUSTED_LANGUAGES
    scores = np.array([0.0, 0.9, 0.0, 0.0])
    assert not decide(f, scores, "conservative").any()
    assert decide(f, scores, "aggressive").tolist() == [True, False, True, True]
    english = document_features(["Home", LONG, "Contact", "Imprint"])
    assert decide(english, np.zeros(4), "conservative").tolist() == [True, False, True, True]


def test_short_lines_between_two_prose_paragraphs_are_the_articles_in_the_conservative_mode() -> None:
    f = document_features(["Home", LONG, "What the vote means", "- Two days of strikes", LONGER, "Related"])
    assert decide(f, np.zeros(6), "conservative").tolist() == [True, False, False, False, False, True]
    three = sandwiched(np.array([True, False, False, False, True]))
    assert three.tolist() == [False, True, True, True, False]
    assert sandwiched(np.array([True, False, False, False, False, True])).tolist() == [False] * 6


def test_a_shorter_sentence_is_kept_inside_the_main_block_and_not_outside_it() -> None:
    sentence = "The crews said they would meet again on the morning of the vote."
    f = document_features(["Home", LONG, "Advertisement", "Share", "Print", sentence, LONGER, sentence])
    kept = [False, True, False, False, False, True, True, False]
    # the model outlines the main block from the first prose paragraph to the last
    scores = np.array([0.0, 0.9, 0.0, 0.0, 0.0, 0.2, 0.9, 0.0])
    assert (~decide(f, scores, "conservative")).tolist() == kept


def test_a_long_paragraph_of_running_text_is_protected_without_a_sentence_ending() -> None:
    unfinished = LONG.rstrip(".") + " and the council said it would answer the crews next week"
    f = document_features(["Home", unfinished, "News"])
    assert protected(f).tolist() == [False, True, False]
    assert not protected(document_features(["Home", " ".join(["Ferry Timetable Winter"] * 10), "News"])).any()


def test_mode_off_decides_nothing() -> None:
    f = document_features(["Home", "News", "Sport", "Weather"])
    assert not decide(f, np.zeros(4), "off").any()


# --- the model file ------------------------------------------------------------------------------


def test_the_shipped_model_records_what_it_was_trained_on() -> None:
    meta = shipped_model().meta
    assert meta["features"] == list(FEATURE_NAMES)
    assert "wcxb" in meta["trained_on"] and "held out" in meta["trained_on"]
    assert meta["script"] == "bench/training/train_content.py"


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    model = shipped_model()
    ContentModel(model.stages, {**model.meta, "features": ["log_words"]}).save(tmp_path / "m.npz")
    with pytest.raises(ModelError):
        ContentModel.load(tmp_path / "m.npz")


# --- pages whose headline the title pass did not find; the balanced mode -------------------------

GAZETTE = (Path(__file__).parent / "fixtures" / "content" / "lantern_gazette_page.txt").read_text(
    encoding="utf-8"
)
GAZETTE_ARTICLE = split_paragraphs(GAZETTE)[12:27]  # from "Teachers, parents..." to "A final vote..."


def clean_gazette(mode: str) -> Document:
    doc = Document(
        "gazette",
        "gazette.txt",
        split_paragraphs(GAZETTE),
        fields={"url": "https://lanterngazette.example/x"},
    )
    run_passes(doc, CleaningSetup.from_options(content=mode).passes)
    return doc


def test_the_fixture_article_is_the_one_between_the_headline_and_the_share_bar() -> None:
    assert GAZETTE_ARTICLE[0].startswith("Teachers, parents")
    assert GAZETTE_ARTICLE[-1].startswith("A final vote")


@pytest.mark.parametrize("mode", ["conservative", "balanced", "aggressive"])
def test_a_page_framed_by_menus_and_footers_is_judged_though_its_headline_was_not_found(mode: str) -> None:
    doc = clean_gazette(mode)
    assert not any(e.rule == "title.headline" for e in doc.applied)  # no page title to match
    removed = content_removals(doc)
    for item in ("County", "Obituaries", "Log in", "Local › Schools"):
        assert removed.get(item) == "content.navigation", item
    # its one-line paragraph, the list and the figures it announces with ':', and the quote stay
    for line in GAZETTE_ARTICLE:
        assert line in doc.lines, line


def test_the_first_line_is_left_to_the_title_pass_while_the_document_has_no_title() -> None:
    doc = Document("gazette", "gazette.txt", split_paragraphs(GAZETTE))
    removed = {doc.lines[e.line] for e in FindContent("balanced")(doc)}
    assert "County" in removed and "The Lantern Gazette" not in removed


def framing(above: list[str], below: list[str]) -> PageFeatures:
    return document_features([*above, LONG, "The vote is on Thursday.", LONGER, *below])


MENU = ["Home", "Local", "County", "Schools", "Arts", "Events", "Log in", "Subscribe"]


def test_a_page_is_prose_framed_by_eight_mostly_short_lines_on_either_side() -> None:
    assert framed_by_page(framing(MENU, MENU))
    assert not framed_by_page(framing(MENU[:7], MENU))
    assert not framed_by_page(framing(MENU, MENU[:7]))
    assert not framed_by_page(document_features(MENU * 2))  # no prose at all: nothing to frame


def test_an_article_opening_with_shorter_sentences_and_lists_is_not_a_framed_page() -> None:
    intro = [
        "Sorting a workshop starts with deciding which tools belong together on one shelf.",
        "This guide groups the usual ones so that you do not have to think about it.",
        "We begin with why grouping helps, then go through the groups one by one.",
        "Why group at all",
        "Grouping saves the minutes you lose looking for the right screwdriver every day.",
    ]
    items = ["Hammers", "Saws", "Chisels", "Files", "Clamps", "Drills", "Levels", "Pliers", "Wrenches"]
    f = framing([*intro, *items[:3]], items)
    assert not framed_by_page(f)  # the lines above its prose are mostly its own sentences
    for mode in ("conservative", "balanced"):
        doc = make_document(["How to sort a workshop", *intro, *items[:3], LONG, LONGER, *items])
        run_passes(doc, CleaningSetup.from_options(content=mode).passes)
        assert doc.title == "How to sort a workshop"
        assert content_removals(doc) == {}


def test_the_balanced_mode_removes_prose_outside_the_main_block_when_sure_the_conservative_never() -> None:
    teaser = LONG.upper().capitalize()
    f = document_features([LONG, LONGER, "Related", teaser])
    scores = np.array([0.95, 0.95, 0.05, 0.05])
    assert decide(f, scores, "balanced").tolist() == [False, False, True, True]
    assert decide(f, scores, "conservative").tolist() == [False] * 4  # "Related": between prose
    assert decide(f, np.array([0.95, 0.95, 0.05, 0.35]), "balanced").tolist() == [False, False, True, False]


def test_a_shorter_sentence_below_the_models_main_block_is_not_protected_as_the_articles() -> None:
    sentence = "Sign up for the morning briefing to get the day's news in your inbox."
    lines = [LONG, LONGER, "Share", "Print", "Email", sentence, LONG]
    f = document_features(lines)
    below = np.array([0.95, 0.95, 0.05, 0.05, 0.05, 0.05, 0.2])
    assert decide(f, below, "conservative").tolist() == [False, False, True, True, True, True, False]
    inside = np.array([0.95, 0.95, 0.05, 0.05, 0.05, 0.2, 0.95])
    assert decide(f, inside, "conservative").tolist() == [False, False, True, True, True, False, False]
    assert inner_sentences(f).tolist()[5] and not inner_sentences(f, (0, 1)).tolist()[5]


def test_a_table_inside_the_article_is_kept_between_its_prose() -> None:
    rows = ["Buses: $410,000 a year", "Heating: $95,000 a year"]
    f = document_features(["Home", LONG, "Its figures were:", *rows, LONGER, "Careers"])
    assert decide(f, np.zeros(7), "conservative").tolist() == [True] + [False] * 5 + [True]
    # a longer table between prose: the model's scores decide, and they keep it
    rows.append("Total: $625,000 a year")
    f = document_features(["Home", LONG, "Its figures were:", *rows, LONGER, "Careers"])
    for mode in ("conservative", "balanced"):
        assert not decide(f, shipped_model().predict(f), mode)[1:7].any()
