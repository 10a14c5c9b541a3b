"""Check every rule against its own examples, in a document, through the real pipeline.

A rule's ``remove`` examples must be removed (or, for caption rules, moved to ``captions``) by
that very rule; its ``keep`` examples must survive untouched. Examples are placed where the
rule applies: between two body paragraphs, or for ``edge`` rules after the last one (where an
edge rule must still leave a ``keep`` example alone when it stands mid-article).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.document import Document
from cleaner.passes import rule_passes
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.rules import (
    Rule,
    RuleError,
    RuleSet,
    compile_rule,
    default_rules_dir,
    load_rules,
    read_rule_file,
    rule_files,
)

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
    return [BEFORE, example, AFTER]


def check_rule(rule: Rule, cleaner: CleaningSetup) -> list[ExampleFailure]:
    failures = []
    rule_readers = rule_passes()  # the passes that apply rule-file rules (junk, captions, ...)
    for removing, examples in ((True, rule.remove), (False, rule.keep)):
        for example in examples:
            doc = Document("example", "example", _lines_for(rule, example, removing))
            doc.title = "Example"  # settled, so the title pass does not take a line
            run_passes(doc, cleaner.passes)
            rules_hit = {e.rule for e in doc.applied if e.text.strip() and e.pass_name in rule_readers}
            if removing and rule.id not in rules_hit:
                got = f"removed by {sorted(rules_hit)}" if rules_hit else "kept"
                failures.append(ExampleFailure(rule.id, example, "removed", got))
            if not removing and (BEFORE not in doc.lines or AFTER not in doc.lines or len(doc.lines) != 3):
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


# ---------------------------------------------------------------------------------------------
# A user's rules folder, checked before it is used (``cleaner rules check DIR``)

# Every field a rule may have, with the type its value must be ("list" is a list of strings).
RULE_FIELDS: dict[str, type | str] = {
    "id": str,
    "description": str,
    "pass": str,
    "where": str,
    "phrases": "list",
    "pattern": str,
    "ignore_case": bool,
    "requires": "list",
    "max_words": int,
    "remove": "list",
    "keep": "list",
    "enabled": bool,
}


def _type_problems(entry: dict[str, object]) -> list[str]:
    problems = []
    for key, value in entry.items():
        wanted = RULE_FIELDS.get(key)
        if wanted is None:
            problems.append(f"unknown field {key!r} (fields: {', '.join(RULE_FIELDS)})")
        elif wanted == "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{key} must be a list of strings, not {value!r}")
        elif isinstance(wanted, type) and (
            not isinstance(value, wanted) or (wanted is int and isinstance(value, bool))
        ):
            problems.append(f"{key} must be a {wanted.__name__}, not {value!r}")
    return problems


def check_folder(path: Path) -> tuple[int, list[str]]:
    """Check the rules files under ``path`` as ``--rules`` would layer them over the defaults.

    Every file must be readable TOML; every rule's fields known and of the right type, its
    pattern compile, its pass and placement exist; a new rule needs ``remove`` and ``keep``
    examples, and every example of every rule of the folder must hold when run through the
    real pipeline (see :func:`check_rule`). Returns how many rules were checked and the
    problems, one line each (``file: rule id: what``).
    """
    defaults: dict[str, dict[str, Any]] = {}
    for file in rule_files(default_rules_dir()):
        for entry in read_rule_file(file):
            defaults.setdefault(entry["id"], {}).update(entry)
    problems: list[str] = []
    compiled: dict[str, tuple[Rule, str]] = {}  # rule id -> the rule as layered, its file
    files = rule_files(path)
    if not files:
        return 0, [f"{path}: no rules files (*.toml) here"]
    for file in files:
        try:
            entries = read_rule_file(file)
        except RuleError as e:
            problems.append(str(e))
            continue
        for entry in entries:
            rid = entry["id"]
            wrong = _type_problems(entry)
            problems.extend(f"{file}: rule {rid}: {what}" for what in wrong)
            if wrong:
                continue
            if rid not in defaults and rid not in compiled:
                for kind in ("remove", "keep"):
                    if not entry.get(kind):
                        problems.append(f"{file}: rule {rid}: no {kind!r} examples (a new rule needs both)")
            earlier = defaults.get(rid, {})
            try:
                rule = compile_rule({**earlier, **entry, "origin": str(file)})
            except RuleError as e:
                problems.append(str(e))
                continue
            defaults[rid] = {**earlier, **entry}  # a later file layers over this one
            compiled[rid] = (rule, str(file))
    # The examples, with the folder's rules that compiled layered over the defaults.
    layered = [compiled[r.id][0] if r.id in compiled else r for r in load_rules()]
    known = {r.id for r in layered}
    layered.extend(rule for rule, _ in compiled.values() if rule.id not in known)
    setup = CleaningSetup(RuleSet(layered))
    for rule, origin in compiled.values():
        if rule.enabled:
            problems.extend(f"{origin}: {failure}" for failure in check_rule(rule, setup))
    return len(compiled), problems
