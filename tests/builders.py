"""Shared building blocks for the tests: article text written for the tests, and a one-call cleaner.

Everything here is text written for this suite; nothing is read from outside the repository.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from cleaner.document import Document
from cleaner.pipeline import CleaningSetup, run_passes

# Body paragraphs: ordinary news sentences that no rule should touch.
BODY = (
    "The council met on Tuesday evening to discuss the budget for the coming year.",
    "Members are expected to vote on the final plan at their next meeting in March.",
    "The mayor said the plan would be published in full on the city's website.",
    "Opposition councillors argued that the proposed cuts would fall hardest on libraries.",
    "A public consultation on the proposals will run until the end of February.",
)
B1, B2, B3, B4, B5 = BODY

HEADLINE = "Council backs budget with cuts to library hours"


@functools.cache
def default_cleaner() -> CleaningSetup:
    """The cleaner with the shipped rules (built once: loading rules is cheap, but not free)."""
    return CleaningSetup.from_options()


def make_document(lines: Iterable[str], title: str | None = None, doc_id: str = "doc") -> Document:
    """A document as a reader would build it; ``title`` as if it came from the input record."""
    doc = Document(doc_id, f"{doc_id}.txt", list(lines))
    if title is not None:
        doc.title = title
        doc.title_from_input = True
    return doc


def clean(lines: Iterable[str], title: str | None = None) -> Document:
    """Run the default passes on ``lines`` to their fixed point and return the document."""
    doc = make_document(lines, title)
    run_passes(doc, default_cleaner().passes)
    return doc


def rules_applied(doc: Document, pass_name: str | None = None) -> list[str]:
    """The rule ids of the edits applied to ``doc`` (optionally of one pass), in order."""
    return [e.rule for e in doc.applied if pass_name is None or e.pass_name == pass_name]


def removed_texts(doc: Document, pass_name: str | None = None) -> list[str]:
    """The texts the edits of ``doc`` removed (optionally of one pass), in order."""
    return [e.text for e in doc.applied if pass_name is None or e.pass_name == pass_name]


# Short, distinct English articles (headline, paragraphs...): documents that are neither
# near-duplicates of each other nor share any paragraph a run could take for site boilerplate.
ARTICLES = (
    (
        "Harbor ferry service to resume after engine repairs",
        "The harbor ferry will resume its regular timetable on Saturday after three weeks out of service.",
        "Engineers replaced both main engines, which had failed during a storm crossing in early May.",
        "Commuters who bought monthly passes will be offered a refund for the days the ferry did not run.",
    ),
    (
        "Library extends weekend opening hours across the county",
        "County libraries will open on Sunday afternoons from next month, the cultural services board said.",
        "The change follows a survey in which two thirds of readers asked for longer weekend hours.",
        "Staff will be paid overtime until new part-time librarians are recruited in the autumn.",
    ),
    (
        "Orchard growers warn of small apple harvest after late frost",
        "Fruit growers in the valley expect one of the smallest apple harvests in a decade this autumn.",
        "A late frost in April destroyed many blossoms before they could be pollinated, farmers said.",
        "Some orchards plan to sell directly to local shops to make up for lower wholesale prices.",
    ),
    (
        "University opens new research centre for coastal erosion",
        "The university opened a research centre on Wednesday to study how storms wear away the coastline.",
        "Its scientists will monitor cliffs and beaches along a sixty kilometre stretch with drones.",
        "The regional government is paying for the first five years of the programme, officials said.",
    ),
    (
        "Marathon organisers add second start wave as entries double",
        "Organisers of the city marathon will split the start in two after entries doubled this year.",
        "Runners expecting to finish in under four hours will set off twenty minutes before everyone else.",
        "Roads along the riverside course will close at dawn and reopen by early afternoon, police said.",
    ),
    (
        "Rail operator orders forty quieter trains for suburban lines",
        "The regional rail operator has ordered forty electric trains to replace its oldest diesel fleet.",
        "The new trains are quieter and have more space for bicycles, wheelchairs and pushchairs.",
        "Deliveries are due to start in two years, with all suburban lines converted by 2032.",
    ),
)


def article_text(n: int, *extra: str) -> str:
    """Article ``n`` of :data:`ARTICLES` as scraped text (headline first), with ``extra`` paragraphs."""
    return "\n\n".join([*ARTICLES[n], *extra])


def article_body(n: int) -> str:
    """What the output ``text`` of article ``n`` should be: its paragraphs without the headline."""
    return "\n\n".join(ARTICLES[n][1:])
