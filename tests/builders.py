"""Shared building blocks for the tests: article text written for the tests, and a one-call cleaner.

Everything here is text written for this suite; nothing is read from outside the repository.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from cleaner.document import Document
from cleaner.pipeline import Cleaner, run_passes

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
def default_cleaner() -> Cleaner:
    """The cleaner with the shipped rules (built once: loading rules is cheap, but not free)."""
    return Cleaner.from_options()


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
