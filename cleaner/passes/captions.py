"""Photo captions: a line that ends in a photo credit is a caption, wherever it stands.

What a credit is, is the credit grammar's business (:mod:`cleaner.captions.grammar`); this pass
weighs the evidence and says, in the rule id, which evidence decided:

- ``caption.credit``: the credit alone is enough. It has a picture label ("Photo:", "Foto:",
  "Bild:", "(AP Photo/...)"), or joins a known agency or picture desk with a credit separator
  ("NAME/AFP via Getty Images", "Handout via Reuters"), or is a picture desk alone, or a bracketed
  "(NAME/OUTLET)" after a sentence; on a line of at most 80 words. A line that is nothing but a
  credit ("REUTERS/NAME") is a caption too when it credits a person or a picture desk in a few
  words: not a title-case headline ("Photos: Harbour Festival Draws Record Crowds"), an image's
  source ("(NASA/GSFC)") or a footer ("© Harbour Post").
- ``caption.repeated``: a weaker credit-shaped tail ("... Monday. Ana Ruiz/Harbour Post", an
  outlet nobody listed), after a description, on a short line the scraper printed twice, the
  first print near the top or the two next to each other. That is how scrapers leave captions;
  prose is not printed twice above the story with a name at its end.
- ``caption.site-template`` (stage 3, when the pass is built with the ``templates`` stage 2
  learned, :mod:`cleaner.captions.templates`): the line's credit has a shape the document's
  source prints under its pictures on many pages.

User rules with ``where = "credit"`` (a pattern matched at the end of the line) still work and
are tried first. A caption leaves the text and goes to the record's ``captions`` once, however
often the scraper repeated it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from cleaner.captions.grammar import Credit, CreditGrammar
from cleaner.captions.templates import (
    MAX_CAPTION_WORDS,
    MIN_DESCRIPTION_WORDS,
    CaptionTemplates,
    default_grammar,
    description_words,
    template_matches,
)
from cleaner.document import Document, Edit

if TYPE_CHECKING:
    from cleaner.rules import RuleSet

# A caption is a line, not a long paragraph.
MAX_WORDS = 80
# "Near the top": a repeated caption's first print is among the first lines of the document.
TOP_LINES = 10
# A line that is only a credit: its names and outlets are short (a headline's words are many).
ALONE_MAX_WORDS = 10
ALONE_MAX_PART_WORDS = 4


def credit_alone_is_caption(line: str, credit: Credit, grammar: CreditGrammar) -> bool:
    """Whether a line that is nothing but a credit is one (and not a headline that parses as one)."""
    if credit.label in ("©", "copyright"):
        return False  # "© Harbour Post" alone is a page's footer, not a picture's credit
    if len(line.split()) > ALONE_MAX_WORDS or credit.basis == "bracket":
        return False  # "(NAME/OUTLET)" is a credit after a caption's sentence: "( United Kingdom / GBP )"
    if any(len(part.split()) > ALONE_MAX_PART_WORDS for part in credit.parts):
        return False
    # A person is credited ("REUTERS/NAME", "Photo: NAME"), or a picture desk ("Acme/Getty
    # Images"); an image's other sources alone on a line ("Image: Acme/ChatGPT", "(NASA/GSFC)",
    # "Photo via Pexels") are a note the text keeps.
    kinds = [grammar.part_kind(part) for part in credit.parts]
    return "name" in kinds or ("desk" in kinds and len(kinds) > 1)


@dataclass(frozen=True)
class MoveCaptions:
    """Move every line that ends (or opens) with a photo credit, on the evidence, to ``captions``."""

    rules: RuleSet
    # Stage 3 builds this pass again with what stage 2 learned of each source's captions.
    templates: CaptionTemplates | None = None
    grammar: CreditGrammar = field(default_factory=default_grammar, compare=False, repr=False)
    name: ClassVar[str] = "captions"
    prefix: ClassVar[str] = "caption"
    # Rules with a pattern matched at a line's end ("credit", a user's), and the evidence rules
    # that name this pass's own decisions ("evidence": caption.credit, caption.repeated).
    reads: ClassVar[tuple[str, ...]] = ("credit", "evidence")
    colour: ClassVar[tuple[str, str]] = ("#0550ae", "#ddf4ff")
    code_rules: ClassVar[tuple[str, ...]] = ("caption.site-template",)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        enabled = {r.id for r in self.rules.select(self.name, "evidence")}
        # Without credit rules (the shipped set has none), no line needs asking.
        credit_rules = bool(self.rules.select(self.name, "credit"))
        lines = doc.lines
        # A line the grammar already knows to have no credit is no caption by any evidence
        # (decide needs a credit; a template, the line's credit shapes): without credit rules it
        # needs no asking. The templates are matched with the default grammar: only when this
        # pass's grammar reads credits the same is its memory theirs too.
        ask: Sequence[int] = range(len(lines))
        if not credit_rules and (
            self.templates is None or self.grammar.vocabulary == default_grammar().vocabulary
        ):
            ask = self.grammar.may_credit(lines)
            if not ask:
                return
        keys = [line.strip() for line in lines]
        prints: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            prints[key].append(i)
        for i in ask:
            line = lines[i]
            rule = self.rules.first_match(line, self.name, ("credit",)) if credit_rules else None
            at = prints[keys[i]]
            # A document's first line is its headline until the title pass says otherwise: a
            # headline printed twice at the top is no caption, whatever its last words.
            headline = doc.title is None and at[0] == 0
            rule_id = rule.id if rule is not None else self.decide(line, [] if headline else at)
            if rule_id is not None and (rule is not None or rule_id in enabled):
                yield Edit.drop_line(self.name, rule_id, i, line, moved_to="captions")
            elif self.templates is not None and template_matches(self.templates, doc.group, line):
                yield Edit.drop_line(self.name, "caption.site-template", i, line, moved_to="captions")

    def decide(self, line: str, printed_at: list[int]) -> str | None:
        """The evidence rule that makes ``line`` a caption (``printed_at``: where the document
        has it), or None."""
        # A line of at most 2 * MAX_WORDS characters has at most MAX_WORDS words: most lines
        # are answered by the grammar's memory without being split; a longer one is split no
        # further than one word more than MAX_WORDS.
        if len(line) > 2 * MAX_WORDS and len(line.split(None, MAX_WORDS)) > MAX_WORDS:
            return None
        credit = self.grammar.credit(line)
        if credit is None:
            return None
        words = len(line.split())
        if credit.start and self.grammar.source_note(line[: credit.start]):
            return None  # "Source: Acme analysis of city data | Image credit: Acme": a chart's notes
        described = credit.leading or description_words(line, credit.start) >= MIN_DESCRIPTION_WORDS
        if credit.strong and (
            credit.start > 0 or credit.leading or credit_alone_is_caption(line, credit, self.grammar)
        ):
            return "caption.credit"
        if not described or credit.leading or words > MAX_CAPTION_WORDS or len(printed_at) < 2:
            return None
        first, second = printed_at[0], printed_at[1]
        if first < TOP_LINES or second == first + 1:
            return "caption.repeated"
        return None
