"""Check every rule against its own examples, in a document, through the real pipeline.

A rule's ``remove`` examples must be removed (or, for caption rules, moved to ``captions``) by
that very rule; its ``keep`` examples must survive untouched. Examples are placed where the
rule applies: between two body paragraphs, or for ``edge`` rules after the last one (where an
edge rule must still leave a ``keep`` example alone when it stands mid-article).
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.document import Document
from cleaner.passes import rule_passes
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.rules import Rule

BEFORE = "The council met on Tuesday evening to discuss the budget for the coming year."
AFTER = "Members are expected to vote on the final plan at their next meeting in March."


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    example: str
    expected: str  # "removed" or "kept"
    got: str

    def __str__(self) -> str:
        return f"{self.rule}: expected {self.expected}, got {self.got}: {self.example!r}"


def _lines_for(rule: Rule, example: str, removing: bool) -> list[str]:
    if rule.where == "edge" and removing:
        return [BEFORE, AFTER, example]
    if rule.example_prints > 1:  # printed again, a line apart: near the top, not adjacent
        return [example, BEFORE, *[example] * (rule.example_prints - 1), AFTER]
    return [BEFORE, example, AFTER]


def check_rule(rule: Rule, cleaner: CleaningSetup) -> list[ExampleFailure]:
    failures = []
    rule_readers = rule_passes()  # the passes that apply rule-file rules (junk, captions, ...)
    for removing, examples in ((True, rule.remove), (False, rule.keep)):
        for example in examples:
            lines = _lines_for(rule, example, removing)
            doc = Document("example", "example", list(lines))
            doc.title = "Example"  # settled, so the title pass does not take a line
            run_passes(doc, cleaner.passes)
            rules_hit = {e.rule for e in doc.applied if e.text.strip() and e.pass_name in rule_readers}
            if removing and rule.id not in rules_hit:
                got = f"removed by {sorted(rules_hit)}" if rules_hit else "kept"
                failures.append(ExampleFailure(rule.id, example, "removed", got))
            if not removing and (
                len(doc.lines) != len(lines) or BEFORE not in doc.lines or AFTER not in doc.lines
            ):
                hit = sorted(rules_hit) or ["?"]
                failures.append(ExampleFailure(rule.id, example, "kept", f"removed by {hit}"))
    return failures


def check_examples(cleaner: CleaningSetup) -> list[ExampleFailure]:
    """Every enabled rule's examples, checked; an empty list means all hold."""
    failures: list[ExampleFailure] = []
    for rule in cleaner.rules:
        if rule.enabled:
            failures.extend(check_rule(rule, cleaner))
    return failures
