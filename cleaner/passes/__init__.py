"""The registry: every pass, in the order the pipeline runs them. This is the one place to look.

Order matters within a round: text is repaired before rules look at it ("Share  this article"
only matches once spaces are collapsed), captions and junk go before the title is chosen (so a
leading "Advertisement" is not taken for a headline). The pipeline repeats the whole list until a
round changes nothing.

Each pass class declares itself (name, rule-id prefix, the rule ids its code writes, the rule
placements it reads, its report colour: see :class:`~cleaner.passes.base.PassClass`). What other
modules need to know about passes is derived here from the registry, never listed again:
the pass names a rule file may name (:func:`rule_passes`), the prefix-to-pass map of the report
(:func:`pass_for_rule`), the report's colours (:func:`colours`), every rule id a record can carry
(:func:`record_rule_ids`).

Adding a pass: write its module, add its class to :data:`DOCUMENT_PASSES` where it should run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaner.dedup.boilerplate import RemoveSiteBoilerplate
from cleaner.dedup.repeats import RemoveRepeatedParagraphs
from cleaner.passes.base import Pass, PassClass
from cleaner.passes.captions import MoveCaptions
from cleaner.passes.content import DEFAULT_CONTENT_MODE, FindContent
from cleaner.passes.junk import RemoveJunk
from cleaner.passes.normalize import ComposeUnicode, FixUnicode, TidyWhitespace
from cleaner.passes.title import ExtractTitle

if TYPE_CHECKING:
    from cleaner.rules import RuleSet

__all__ = [
    "DOCUMENT_PASSES",
    "SITE_PASSES",
    "Pass",
    "PassClass",
    "build_passes",
    "code_rule_ids",
    "colours",
    "pass_for_rule",
    "record_rule_ids",
    "registered",
    "rule_passes",
]

# The passes every document goes through, round after round, in this order.
DOCUMENT_PASSES: tuple[PassClass, ...] = (
    FixUnicode,
    ComposeUnicode,
    TidyWhitespace,
    MoveCaptions,
    RemoveJunk,
    ExtractTitle,
    FindContent,
    RemoveRepeatedParagraphs,
)
# Stage 3's passes: built by the runner from what stage 2 learnt about the whole input (the
# boilerplate index of every source), not from the rules; listed so that their names, rule ids
# and colours are known like any other pass's. (The captions pass runs again there too, given
# the caption templates of every source: :func:`cleaner.stages.finishing_passes`.)
SITE_PASSES: tuple[PassClass, ...] = (RemoveSiteBoilerplate,)


def registered() -> tuple[PassClass, ...]:
    """Every registered pass class: the document passes in order, then the site passes."""
    return (*DOCUMENT_PASSES, *SITE_PASSES)


def build_passes(rules: RuleSet, content: str = DEFAULT_CONTENT_MODE) -> list[Pass]:
    """The passes of one document, configured with ``rules``, in the order they run.

    ``content`` is the content pass's mode (``off``, ``conservative``, ``balanced``, ``aggressive``).
    """
    return [
        FindContent(content) if cls is FindContent else cls(rules) if cls.reads else cls()
        for cls in DOCUMENT_PASSES
    ]


def rule_passes() -> dict[str, tuple[str, ...]]:
    """The passes a rule file may name (``pass = ...``), each with the placements it reads.

    >>> rule_passes()
    {'captions': ('credit', 'evidence'), 'junk': ('line', 'edge', 'block')}
    """
    return {cls.name: cls.reads for cls in registered() if cls.reads}


def code_rule_ids() -> dict[str, str]:
    """Every rule id a pass's code writes (not read from rule files), with its pass's name.

    >>> code_rule_ids()["ws.nbsp"], code_rule_ids()["boilerplate.site"]
    ('whitespace', 'boilerplate')
    """
    return {rule: cls.name for cls in registered() for rule in cls.code_rules}


def record_rule_ids(rules: RuleSet) -> dict[str, str]:
    """Every rule id a record can carry under ``rules``, with its pass: the code's, then the
    enabled rules of the rules files (in their order).

    >>> from cleaner.rules import load_rules
    >>> ids = record_rule_ids(load_rules())
    >>> ids["title.repeat"], ids["junk.advertisement"], ids["caption.credit"]
    ('title', 'junk', 'captions')
    """
    readers = rule_passes()
    ids = code_rule_ids()
    ids.update((rule.id, rule.pass_name) for rule in rules if rule.enabled and rule.pass_name in readers)
    return ids


def pass_for_rule(rule: str) -> str | None:
    """The pass whose rule ids start like ``rule`` (``ws.nbsp`` → ``whitespace``), if any.

    >>> pass_for_rule("ws.nbsp"), pass_for_rule("caption.credit"), pass_for_rule("my.rule")
    ('whitespace', 'captions', None)
    """
    prefix = rule.split(".", 1)[0]
    return next((cls.name for cls in registered() if cls.prefix == prefix), None)


def colours() -> dict[str, tuple[str, str]]:
    """Each pass's report colours, ``(ink, background)``, by pass name, in registry order."""
    return {cls.name: cls.colour for cls in registered()}
