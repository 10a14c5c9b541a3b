"""Titles on whole pages: the page's ``<title>`` opens the text, the headline stands lower.

Every outlet, person and headline here is invented for these tests.
"""

from __future__ import annotations

from builders import default_cleaner

from cleaner.document import Document
from cleaner.passes.title import (
    cut_to,
    find_headline,
    names_site,
    page_title_cuts,
    similar_headline,
)
from cleaner.pipeline import run_passes

MENU = ["Home", "News", "Sport", "Business", "Opinion", "Weather", "Travel", "Sign in", "Search"]
PROSE = [
    "Crews on the island ferries voted on Monday to walk out for two days next week, after talks "
    "over the winter timetable broke down without any agreement on the early sailings.",
    "The operator said it would publish a reduced timetable on Friday and asked passengers to check "
    "before they travel, while union officials said the door to further talks remained open.",
]


def clean_page(lines: list[str], url: str = "https://www.harbourpost.example/news/ferry") -> Document:
    doc = Document("page", "page.txt", list(lines), fields={"url": url})
    run_passes(doc, default_cleaner().passes)
    return doc


def title_rules(doc: Document) -> dict[str, str]:
    return {e.rule: e.text for e in doc.applied if e.pass_name == "title"}


# --- the site's name, from the URL's host ------------------------------------------------------


def test_a_site_name_is_known_by_its_letters_its_longer_words_or_its_initials() -> None:
    assert names_site("Harbour Post", "www.harbourpost.example")
    assert names_site("The Tide Studies Centre", "tidestudiescentre.example")
    assert names_site("Office of Coastal Works", "ocw.example.gov")


def test_a_headline_is_not_a_site_name_even_when_it_names_the_site() -> None:
    assert not names_site("Storm closes bridge", "www.harbourpost.example")
    assert not names_site("Pricing changes for Harbour Post readers", "harbourpost.example")
    assert not names_site("How to Moor", "mooring.example")  # one longer word is not the site
    assert not names_site("Harbour Post", "")


def test_a_site_name_with_more_words_than_the_headline_is_cut_away() -> None:
    cuts = page_title_cuts("Dredging | Office of Coastal Works", "ocw.example.gov")
    assert cuts == ["Dredging"]


def test_without_a_host_the_short_side_is_still_never_a_cut() -> None:
    assert page_title_cuts("Dredging | Office of Coastal Works") == ["Office of Coastal Works"]


def test_a_site_name_beside_one_of_several_separators_frees_the_headline() -> None:
    cuts = page_title_cuts("Get Help | OCW - Office of Coastal Works: Serving the Bay", "ocw.example.gov")
    assert "Get Help" in cuts


def test_a_tagline_after_the_site_name_is_no_headline() -> None:
    # A page title reads headline first when the site's name stands between parts: what
    # follows the name is the site's tagline, however often the header prints it.
    first = "Winter Ferry Timetable and Fares Guide - FERRIES | Powered by Tidewater"
    cuts = page_title_cuts(first, "ferries.harbourpost.example")
    assert "Winter Ferry Timetable and Fares Guide" in cuts
    assert "Powered by Tidewater" not in cuts
    doc = clean_page(
        [first, "Powered by Tidewater", *MENU, "Your complete ferry timetable guide for winter", *PROSE],
        url="https://ferries.harbourpost.example/guides/timetable",
    )
    assert doc.fields.get("title") != "Powered by Tidewater"


def test_a_headline_right_of_the_site_name_is_still_a_cut() -> None:
    assert "Ferry fares" in page_title_cuts("Harbour Post - Help | Ferry fares", "help.harbourpost.example")


def test_the_text_before_a_colon_is_the_headlines_own_not_a_cut() -> None:
    assert page_title_cuts("Ferry strike begins tomorrow: what islanders should know") == [
        "what islanders should know"
    ]


# --- the body line that prints the page title's cut ------------------------------------------


def test_the_print_nearest_the_prose_is_the_headline_not_the_menus_link() -> None:
    lines = ["Ferry strike set for next week | Harbour Post", "Latest", "Ferry strike set for next week"]
    lines += [*MENU, "Ferry strike set for next week", *PROSE]
    assert find_headline(lines, "www.harbourpost.example") == len(lines) - 3


def test_the_headline_below_the_sites_logo_wins_over_the_logo() -> None:
    lines = ["Dredging | Office of Coastal Works", "Office of Coastal Works", *MENU, "Dredging", *PROSE]
    doc = clean_page(lines, "https://ocw.example.gov/projects/dredging")
    assert doc.title == "Dredging"
    assert title_rules(doc)["title.page-title"] == lines[0]
    assert "Office of Coastal Works" not in title_rules(doc).values()


def test_a_short_page_takes_the_headline_its_title_prints_exactly() -> None:
    lines = ["Notes on slow bread | Mira Okafor", "Mira Okafor", "Notes on slow bread", *PROSE]
    doc = clean_page(lines, "https://miraokafor.example/notes-on-slow-bread")
    assert doc.title == "Notes on slow bread"
    assert title_rules(doc) == {"title.page-title": lines[0], "title.headline": "Notes on slow bread"}
    assert doc.lines[-2:] == PROSE


def test_a_short_page_whose_headline_is_printed_lower_loses_only_the_site_name() -> None:
    lines = ["Notes on slow bread - Crumb Journal", "Crumb Journal", *PROSE, "Notes on slow bread", "Fin"]
    doc = clean_page(lines, "https://crumbjournal.example/slow-bread")
    assert doc.title == "Notes on slow bread"
    assert title_rules(doc)["title.site-name"] == " - Crumb Journal"
    assert "Notes on slow bread" in doc.lines  # printed below the prose: the author's, it stays


def test_cut_to_leaves_the_cut_and_never_cuts_after_a_headlines_colon() -> None:
    first = "Harbour Post: Ferry strike set for next week"
    span = cut_to(first, "ferry strike set for next week", "harbourpost.example")
    assert span is not None
    assert first[: span[0]] + first[span[1] :] == "Ferry strike set for next week"
    assert cut_to("Ferry strike set for next week: a guide", "Ferry strike set for next week") is None


# --- a headline worded differently from the page title ---------------------------------------


def test_a_headline_worded_differently_with_a_byline_below_is_taken() -> None:
    headline = "Islanders brace for two days without ferries"
    lines = ["Ferry strike: islanders brace for disruption | Harbour Post", *MENU, headline]
    lines += ["By Ana Ruiz", "Published: 4 Feb 2025", *PROSE]
    doc = clean_page(lines)
    assert doc.title == headline
    assert title_rules(doc)["title.headline"] == headline


def test_a_related_link_that_merely_shares_words_is_not_taken() -> None:
    lines = ["Islanders brace for ferry strike | Harbour Post", *MENU, "Ferry strike talks resume", *PROSE]
    assert similar_headline(lines, "www.harbourpost.example") is None
    doc = clean_page(lines)
    assert doc.title == "Islanders brace for ferry strike"
    assert title_rules(doc)["title.site-name"] == " | Harbour Post"
    assert "title.headline" not in title_rules(doc)


def test_the_site_name_in_the_menu_is_never_the_similar_headline() -> None:
    lines = ["Harbour Post weekend guide | Harbour Post", "Harbour Post", *MENU, *PROSE]
    assert similar_headline(lines, "") is None


def test_a_page_title_printed_whole_in_the_body_is_not_replaced_by_a_lookalike() -> None:
    title = "Ten ferry routes ranked for winter travel"
    lines = [title, *MENU, "Ten ferry routes ranked", "By Ana Ruiz", title, *PROSE]
    assert similar_headline(lines) is None


def test_an_articles_own_headline_above_its_contents_keeps_the_title() -> None:
    # Extractor output: the headline, a table of contents, then a subheading much like it.
    headline = "How the winter ferry timetable will change island life"
    contents = [
        "What changes in the winter timetable",
        "Which sailings are cut",
        "How islanders are responding to it",
        "What the operator says about it",
        "What happens next for the routes",
        "Where to find the new times",
        "How to claim a refund for tickets",
        "Who to contact for more help",
    ]
    lines = [headline, *contents, "The winter ferry timetable and island life", "By Ana Ruiz", *PROSE]
    doc = clean_page(lines)
    assert doc.title == headline
    assert "title.page-title" not in title_rules(doc)


def test_under_a_menu_a_headline_worded_differently_replaces_a_plain_page_title() -> None:
    headline = "Island ferries: the winter timetable, route by route"
    lines = ["Winter ferry timetable, route by route", *MENU, headline, "By Ana Ruiz", *PROSE]
    doc = clean_page(lines)
    assert doc.title == headline


def test_a_page_title_with_its_own_colon_printed_again_above_the_prose_is_the_title_once() -> None:
    title = "Ferry strike: what changes for islanders next week"
    doc = clean_page([title, *MENU, title, *PROSE])
    assert doc.title == title
    rules = [(e.rule, e.text) for e in doc.applied if e.pass_name == "title"]
    assert rules == [("title.page-title", title), ("title.headline", title)]
    assert title not in doc.lines


def test_a_print_differing_in_quotes_leaves_the_page_titles_wording() -> None:
    title = "Ferry strike: what it's like for islanders next week"
    printed = "Ferry strike: what it’s like for islanders next week"
    doc = clean_page([title, *MENU, printed, *PROSE])
    assert doc.title == title
    rules = [(e.rule, e.text) for e in doc.applied if e.pass_name == "title"]
    assert rules == [("title.first-line", title), ("title.repeat", printed)]


def test_a_line_of_a_few_of_the_page_titles_words_is_not_its_headline() -> None:
    lines = ["Northport Rovers against Bayside Athletic", *MENU, "Bayside Athletic", *PROSE]
    assert similar_headline(lines) is None


def test_the_pages_headline_may_be_a_part_of_its_title_when_the_site_name_is_long() -> None:
    first = "Gull colony counted, Part Two - The Northport Society for Coastal Birds"
    lines = [first, "Home", *MENU, "Gull colony counted, Part Two", *PROSE]
    assert similar_headline(lines) == len(MENU) + 2


def test_a_hyphenated_host_names_its_site() -> None:
    assert names_site("Tide Notes", "tide-notes.example")
    assert page_title_cuts("Gulls | Tide Notes", "www.tide-notes.example") == ["Gulls"]


def test_a_long_side_holding_the_headline_and_the_site_does_not_free_a_section_name() -> None:
    first = "Opinion - Why ferries need a winter timetable | Harbour Post"
    assert "Opinion" not in page_title_cuts(first, "harbourpost.example")


def test_a_page_title_printed_twice_on_top_of_a_page_goes_twice() -> None:
    first = "Ferry strike set for next week | Harbour Post"
    doc = clean_page([first, first, *MENU, "Ferry strike set for next week", *PROSE])
    assert doc.title == "Ferry strike set for next week"
    rules = [(e.rule, e.text) for e in doc.applied if e.pass_name == "title"]
    assert rules.count(("title.page-title", first)) == 2


def test_a_short_page_never_takes_a_line_that_is_only_like_its_title() -> None:
    first = "Notes on slow bread | Crumb Journal"
    lines = [first, "Slow bread notes, with photos", "By Mira Okafor", *PROSE]
    doc = clean_page(lines, "https://crumbjournal.example/slow-bread")
    assert "title.headline" not in title_rules(doc)
    assert "Slow bread notes, with photos" in doc.lines


# --- the site's name beside the headline, however long ---------------------------------------

NOTICE = (
    "The school is reviewing its pages and course materials over the winter, so some of the "
    "wording on this site may change while that work goes on; thank you for your patience."
)


def test_a_long_institution_name_beside_the_headline_is_the_sites_not_the_headline() -> None:
    site = "The Northport School of Coastal and Marine Engineering"
    first = f"Dredging the north channel | {site}"
    assert "Dredging the north channel" in page_title_cuts(first, "engineering.northport.example")
    lines = [first, site, *MENU, "Dredging the north channel", "By Ana Ruiz", *PROSE]
    doc = clean_page(lines, "https://engineering.northport.example/news/dredging")
    assert doc.title == "Dredging the north channel"
    assert title_rules(doc)["title.headline"] == "Dredging the north channel"  # not the logo's text


def test_a_long_side_that_does_not_name_the_site_stays_the_only_cut() -> None:
    first = "Dredging | The Northport School of Coastal and Marine Engineering"
    assert page_title_cuts(first, "www.harbourpost.example") == [
        "The Northport School of Coastal and Marine Engineering"
    ]


def test_below_the_first_prose_the_headline_is_preferred_to_the_sites_name() -> None:
    # A notice long enough to read as prose stands above the article: the headline and the
    # site's name (in the footer) are both printed below it; the headline is taken.
    site = "Tide Reading and Research Centre"
    first = f"Tide tables | {site}"
    lines = [first, *MENU, NOTICE, "Tide tables", *PROSE, site]
    assert find_headline(lines, "tidereading.example.org") == len(MENU) + 2


# --- the page title's wording over a restyled print -------------------------------------------


def test_a_headline_printed_with_curled_quotes_keeps_the_page_titles_wording() -> None:
    first = "Why the island's ferries stop in winter | Harbour Post"
    printed = "Why the island’s ferries stop in winter"
    doc = clean_page([first, *MENU, printed, "By Ana Ruiz", *PROSE])
    assert doc.title == "Why the island's ferries stop in winter"
    rules = [(e.rule, e.text) for e in doc.applied if e.pass_name == "title"]
    assert ("title.headline", printed) in rules  # the print goes, where the article starts
    assert ("title.site-name", " | Harbour Post") in rules
    assert printed not in doc.lines and first not in doc.lines


def test_a_headline_printed_in_capitals_keeps_the_page_titles_case() -> None:
    first = "Harbour Post: Ferry strike set for next week"
    doc = clean_page([first, *MENU, "FERRY STRIKE SET FOR NEXT WEEK", *PROSE])
    assert doc.title == "Ferry strike set for next week"


def test_a_headline_worded_differently_from_the_cut_is_taken_as_printed() -> None:
    # Not a restyling: the print adds a word, so the print is the headline.
    first = "Ferry strike set for next week | Harbour Post"
    printed = "Ferry strike set for next week, union says"
    doc = clean_page([first, *MENU, printed, "By Ana Ruiz", *PROSE])
    assert doc.title == printed


def test_a_headline_printed_in_other_case_is_the_sites_second_wording_and_taken_as_printed() -> None:
    first = "Ferry Strike Set For Next Week | Harbour Post"
    doc = clean_page([first, *MENU, "Ferry strike set for next week", *PROSE])
    assert doc.title == "Ferry strike set for next week"


# --- breadcrumbs glued to the headline ---------------------------------------------------------


def test_a_headline_printed_behind_a_breadcrumb_trail_is_found_and_titled_as_the_page_title() -> None:
    first = "Ferry fares explained | Harbour Post"
    printed = "Guides / Travel / Ferry fares explained"
    doc = clean_page([first, *MENU, printed, "By Ana Ruiz", *PROSE])
    assert doc.title == "Ferry fares explained"
    assert title_rules(doc)["title.headline"] == printed  # where the article starts
    assert printed not in doc.lines


def test_a_one_word_lead_in_without_a_separator_is_the_headlines_own() -> None:
    first = "Ferry fares explained | Harbour Post"
    lines = [first, *MENU, "The Ferry fares explained", *PROSE]
    assert find_headline(lines, "harbourpost.example") is None


def test_a_line_gluing_a_breadcrumb_to_the_headline_printed_below_is_not_the_headline() -> None:
    headline = "Islanders brace for two days without ferries"
    first = "Ferry strike: islanders brace for disruption | Harbour Post"
    lines = [first, *MENU, f"Island News Ferry Strike {headline}", headline, "By Ana Ruiz", *PROSE]
    assert similar_headline(lines, "harbourpost.example") == len(MENU) + 2
    assert clean_page(lines).title == headline


def test_a_line_gluing_a_breadcrumb_to_a_headline_printed_alone_lower_down_is_not_the_headline() -> None:
    # The headline alone further down (a table of contents' entry) shows what the breadcrumb
    # trail is glued to: the glued line is never the title, the page title's cut is.
    headline = "Islanders brace for two days without ferries"
    first = "Ferry strike: islanders brace for disruption | Harbour Post"
    glued = f"Island News Ferry Strike {headline}"
    lines = [first, *MENU, glued, "By Ana Ruiz", "Contents", "Timetable", headline, *PROSE]
    assert similar_headline(lines, "harbourpost.example") is None
    assert clean_page(lines).title == "Ferry strike: islanders brace for disruption"


def test_the_headline_worded_differently_above_a_glued_breadcrumb_line_is_taken() -> None:
    first = "Ferry strike explained [Dates + Routes + Refunds]"
    headline = "The ferry strike explained for islanders"
    glued = "Home News Ferry strike explained"
    lines = [first, *MENU, headline, glued, "By Ana Ruiz", "Contents", "Ferry strike explained", "Timetable"]
    assert similar_headline([*lines, *PROSE], "harbourpost.example") == len(MENU) + 1
    assert clean_page([*lines, *PROSE]).title == headline


# --- a lone paragraph above the menus' end ----------------------------------------------------

NOTICE_COOKIES = (
    "We use cookies to remember your settings and to understand how our pages are read; you can "
    "change your choice at any time from the link at the foot of every page we publish."
)
BIO = (
    "Ana Ruiz has covered the islands and their ferries for the Harbour Post for twelve years, "
    "and before that reported on the harbour and its trade for the Northport Evening Star."
)


def test_a_lone_notice_above_the_menus_end_does_not_hide_the_headline_and_its_byline() -> None:
    headline = "Islanders brace for two days without ferries"
    first = "Ferry strike: islanders brace for disruption | Harbour Post"
    lines = [first, *MENU, NOTICE_COOKIES, "Local", "Islands", headline, "By Ana Ruiz", *PROSE]
    doc = clean_page(lines)
    assert doc.title == headline
    assert title_rules(doc)["title.headline"] == headline


def test_below_a_lone_paragraph_only_a_line_with_a_byline_below_is_the_headline() -> None:
    # An author's note, then a table of contents whose entries share the title's words.
    first = "How to form a ferry cooperative | Harbour Post"
    contents = [
        "Contents",
        "1 Why islanders form a ferry cooperative",
        "2 How to form a ferry cooperative in five steps",
        "3 What a ferry cooperative costs",
    ]
    doc = clean_page([first, *MENU, BIO, *contents, *PROSE])
    assert doc.title == "How to form a ferry cooperative"
    assert "title.headline" not in title_rules(doc)


# --- a site's name in two parts ---------------------------------------------------------------


def test_a_headline_before_a_site_name_in_two_parts_is_a_cut_and_beats_the_logo() -> None:
    # "Ana Ruiz - Sail Notes" on anasailnotes.example: the author's name and the site's, printed
    # as the logo at the top; the headline has fewer words than both together.
    first = "Mending torn jibs - Ana Ruiz - Sail Notes"
    assert "Mending torn jibs" in page_title_cuts(first, "www.anasailnotes.example")
    lines = [first, "Ana Ruiz – Sail Notes", *MENU, "Mending torn jibs", "By Ana Ruiz", *PROSE]
    doc = clean_page(lines, "https://www.anasailnotes.example/mending-torn-jibs")
    assert doc.title == "Mending torn jibs"
    assert title_rules(doc)["title.headline"] == "Mending torn jibs"  # not the logo's text


def test_a_section_before_a_headline_and_the_site_name_is_still_no_cut() -> None:
    first = "Sail care - How we mend a torn jib at sea - Sail Notes"
    cuts = page_title_cuts(first, "www.anasailnotes.example")
    assert "Sail care" not in cuts  # fewer words than the headline between it and the site
    assert "Sail care" not in page_title_cuts("Sail care - Ana Ruiz - Sail Notes", "www.harbourpost.example")


def test_a_headline_printed_with_a_templates_dash_keeps_the_page_titles_double_hyphen() -> None:
    first = "Gulls nest early--and stay late | Harbour Post"
    doc = clean_page([first, *MENU, "Gulls nest early—and stay late", "By Ana Ruiz", *PROSE])
    assert doc.title == "Gulls nest early--and stay late"


def test_a_headline_printed_with_an_ellipsis_keeps_the_page_titles_three_dots() -> None:
    first = "Gulls nest early... and stay late | Harbour Post"
    doc = clean_page([first, *MENU, "Gulls nest early… and stay late", "By Ana Ruiz", *PROSE])
    assert doc.title == "Gulls nest early... and stay late"


def test_a_headline_printed_with_other_dashes_than_its_spaced_hyphen_is_taken_as_printed() -> None:
    first = "Gulls nest early - and stay late | Harbour Post"
    doc = clean_page([first, *MENU, "Gulls nest early—and stay late", "By Ana Ruiz", *PROSE])
    assert doc.title == "Gulls nest early—and stay late"


# --- the site's name cut from the page title ----------------------------------------------------


def test_a_site_name_added_twice_at_the_end_of_the_page_title_is_cut_whole() -> None:
    doc = clean_page(["Ferry fares rise in spring | Harbour Post | Harbour Post", *MENU, *PROSE])
    assert doc.title == "Ferry fares rise in spring"
    assert title_rules(doc)["title.site-name"] == " | Harbour Post | Harbour Post"


def test_only_the_last_part_goes_when_the_part_before_it_is_another() -> None:
    doc = clean_page(["Ferry fares rise in spring | Harbour Post Weekend | Harbour Post", *MENU, *PROSE])
    assert doc.title == "Ferry fares rise in spring | Harbour Post Weekend"
