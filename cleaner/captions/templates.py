"""Per-site caption templates: the credit shapes one source's captions share, learned from its pages.

A credit the grammar finds too weak alone ("... on Monday. Ana Ruiz/Harbour Post": no label, no
known agency) becomes convincing when the source prints the same shape under its pictures again
and again with different names: "NAME/Harbour Post" on short lines of many of its pages. Such
shapes are learned in the site stage, the way site boilerplate is:

1. stage 1 (per document, :func:`template_candidates`): each short line that reads as a caption
   (a description, then a credit-shaped tail) gives its shapes: the tail with one name-like part
   replaced by a slot, and the name it held;
2. stage 2 (global, :func:`learn_templates`): per source, a shape printed in at least
   ``min_docs`` kept documents, with at least two different names in its slot, is a template.
   Counting documents and distinct names does not depend on the order documents came in;
3. stage 3 (per document, the captions pass given the templates): a line whose shape is a
   template of its document's source moves to ``captions`` with rule ``caption.site-template``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleaner.captions.grammar import CreditGrammar
from cleaner.document import Document

SLOT = "{NAME}"
# A caption describes something before its credit, in a line that is not a long paragraph.
MIN_DESCRIPTION_WORDS = 3
MAX_CAPTION_WORDS = 60
# Distinct names a shape's slot must have held: one photographer's credit, every time the same,
# is not a site's template (and is found by the grammar or the repetition anyway).
MIN_NAMES = 2

Shape = tuple[str, str]  # (shape with a SLOT, the name the slot held in this line)


@functools.cache
def default_grammar() -> CreditGrammar:
    """The grammar with the shipped vocabulary, built once per process."""
    return CreditGrammar()


def description_words(line: str, start: int) -> int:
    return len(line[:start].split())


def line_shapes(line: str, grammar: CreditGrammar | None = None) -> list[Shape]:
    """The template shapes of one line: none unless it reads as description + credit-shaped tail.

    >>> line_shapes("Crowds gather at the gate on Monday. Ana Ruiz/Harbour Post")
    [('{NAME}/Harbour Post', 'Ana Ruiz'), ('Ana Ruiz/{NAME}', 'Harbour Post')]
    """
    grammar = grammar or default_grammar()
    # Most lines are known to hold no credit (the captions pass asked): told without splitting
    # them; a long line is split no further than one word past the limit.
    if grammar.known_without_credit(line) or len(line.split(None, MAX_CAPTION_WORDS)) > MAX_CAPTION_WORDS:
        return []
    credit = grammar.credit(line)
    if credit is None or credit.leading:
        return []
    if description_words(line, credit.start) < MIN_DESCRIPTION_WORDS:
        return []
    tail = line[credit.start :].strip()
    if tail.endswith("."):
        tail = tail[:-1].rstrip()
    shapes = []
    for part in credit.parts:
        if tail.count(part) != 1 or grammar.part_kind(part) != "name":
            continue
        shape = tail.replace(part, SLOT)
        if any(c.isalpha() for c in shape.replace(SLOT, "")):
            shapes.append((shape, part))
    return shapes


def template_candidates(doc: Document) -> tuple[Shape, ...]:
    """A document's shapes for the site stage: each shape once (with the first name it held)."""
    found: dict[str, str] = {}
    for line in doc.lines:
        for shape, name in line_shapes(line):
            found.setdefault(shape, name)
    return tuple(sorted(found.items()))


@dataclass
class TemplateCollector:
    """Stage 1's memory: per (source, shape), the documents that printed it and the name each held."""

    seen: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)

    def add(self, group: str, doc_number: int, shapes: Iterable[Shape]) -> None:
        for shape, name in shapes:
            self.seen.setdefault((group, shape), {})[doc_number] = name


@dataclass
class CaptionTemplates:
    """The learned templates: per source, its shapes with the number of documents that had each."""

    shapes: dict[str, dict[str, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.shapes.values())

    def add(self, group: str, shape: str, docs: int) -> None:
        known = self.shapes.setdefault(group, {})
        known[shape] = max(docs, known.get(shape, 0))

    def merge(self, other: CaptionTemplates) -> None:
        for group, shapes in sorted(other.shapes.items()):
            for shape, docs in sorted(shapes.items()):
                self.add(group, shape, docs)

    def to_json(self) -> dict[str, dict[str, int]]:
        return {g: dict(sorted(s.items())) for g, s in sorted(self.shapes.items())}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, int]]) -> CaptionTemplates:
        templates = cls()
        for group, shapes in data.items():
            for shape, docs in shapes.items():
                templates.add(str(group), str(shape), int(docs))
        return templates


def learn_templates(
    collected: TemplateCollector, min_docs: int, exclude: frozenset[int] = frozenset()
) -> CaptionTemplates:
    """The shapes printed in at least ``min_docs`` documents of their source with at least
    ``MIN_NAMES`` different names; documents in ``exclude`` (duplicates) do not count."""
    templates = CaptionTemplates()
    for (group, shape), docs in sorted(collected.seen.items()):
        names = {name for doc, name in docs.items() if doc not in exclude}
        count = sum(1 for doc in docs if doc not in exclude)
        if count >= min_docs and len(names) >= MIN_NAMES:
            templates.add(group, shape, count)
    return templates


def template_matches(templates: CaptionTemplates, group: str, line: str) -> bool:
    """Whether ``line`` has a shape learned for the source ``group``."""
    shapes = templates.shapes.get(group)
    if not shapes:
        return False
    return any(shape in shapes for shape, _ in line_shapes(line))
