"""The pass registry: a pass declared once is known everywhere, and one registry line adds it.

The toy pass below stands for a pass someone adds: one class (its declaration in class
attributes) and one entry in ``DOCUMENT_PASSES`` (done by the fixture, undone after the test).
It must then run on documents, its rules must load from a rules file and be listed by
``cleaner rules``, and the report must colour its tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from builders import B1, B2, B3
from click.testing import CliRunner

import cleaner.passes as registry
from cleaner.cli import cli
from cleaner.document import Document, Edit
from cleaner.pipeline import CleaningSetup
from cleaner.rulecheck import check_examples
from cleaner.rules import RuleError, RuleSet, load_rules

TOY_RULES = """
[[rule]]
id = "shout.breaking"
pass = "shout"
where = "line"
description = "A shouted 'BREAKING' banner left between paragraphs."
phrases = ["BREAKING NEWS", "BREAKING"]
remove = ["BREAKING NEWS"]
keep = ["Breaking news reached the harbour late on Monday."]
"""


@dataclass(frozen=True)
class RemoveShouting:
    """A toy pass: drops the lines its ``shout`` rules match, anywhere."""

    rules: RuleSet
    name: ClassVar[str] = "shout"
    prefix: ClassVar[str] = "shout"
    reads: ClassVar[tuple[str, ...]] = ("line",)
    colour: ClassVar[tuple[str, str]] = ("#123456", "#abcdef")
    code_rules: ClassVar[tuple[str, ...]] = ()

    def __call__(self, doc: Document) -> Iterator[Edit]:
        for i, line in enumerate(doc.lines):
            rule = self.rules.first_match(line, self.name, self.reads)
            if rule is not None:
                yield Edit.drop_line(self.name, rule.id, i, line)


@pytest.fixture
def toy_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Register the toy pass (the one registry line) for this test; its rules file's path."""
    monkeypatch.setattr(registry, "DOCUMENT_PASSES", (*registry.DOCUMENT_PASSES, RemoveShouting))
    path = tmp_path / "shout.toml"
    path.write_text(TOY_RULES, encoding="utf-8")
    return path


def test_a_registered_pass_runs_and_its_edits_reach_the_output_record(toy_pass: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": f"{B1}\n\nBREAKING NEWS\n\n{B2}\n\n{B3}"}) + "\n")
    out = tmp_path / "out.jsonl"
    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["run", str(source), str(out), "--rules", str(toy_pass), "--jobs", "1", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert "BREAKING" not in record["text"]
    assert {"pass": "shout", "rule": "shout.breaking"}.items() <= record["removed"][0].items()
    # The report colours the new pass's tags with its declared colours.
    html = report.read_text(encoding="utf-8")
    assert re.search(r"\.p-shout \{\s*--t:#123456;\s*--tb:#abcdef;\s*\}", html)
    assert 'class="tag p-shout"' in html


def test_a_registered_pass_rules_are_listed_and_checked(toy_pass: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "--rules", str(toy_pass)])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("shout.")]
    assert line.split()[:3] == ["shout.breaking", "shout", "line"]
    assert check_examples(CleaningSetup(load_rules([toy_pass]))) == []
    assert registry.record_rule_ids(load_rules([toy_pass]))["shout.breaking"] == "shout"


def test_without_its_registry_line_the_pass_and_its_rules_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "shout.toml"
    path.write_text(TOY_RULES, encoding="utf-8")
    with pytest.raises(RuleError, match="pass = 'shout'"):
        load_rules([path])
    assert "shout" not in registry.colours()
    assert all(p.name != "shout" for p in registry.build_passes(load_rules()))


def test_a_rule_must_use_a_placement_its_pass_reads(toy_pass: Path, tmp_path: Path) -> None:
    path = tmp_path / "edge.toml"
    path.write_text(TOY_RULES.replace('where = "line"', 'where = "edge"'), encoding="utf-8")
    with pytest.raises(RuleError, match="reads only"):
        load_rules([path])


def test_every_pass_declares_a_distinct_name_prefix_and_colour() -> None:
    classes = registry.registered()
    for attribute in ("name", "prefix", "colour"):
        values = [getattr(cls, attribute) for cls in classes]
        assert len(values) == len(set(values)) or attribute == "colour", attribute
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", cls.name) for cls in classes)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for cls in classes for c in cls.colour)


def test_every_code_rule_id_starts_with_its_pass_prefix() -> None:
    for cls in registry.registered():
        assert all(rule.startswith(cls.prefix + ".") for rule in cls.code_rules), cls.name
    # Passes without rule files still make their rule ids known: a record can carry these.
    ids = registry.code_rule_ids()
    assert {"ftfy.fix-encoding", "unicode.nfc", "ws.nbsp", "title.repeat", "repeat.paragraph"} <= set(ids)
    assert ids["boilerplate.site"] == "boilerplate"


def test_every_rule_file_rule_belongs_to_a_pass_with_its_prefix() -> None:
    prefixes = {cls.name: cls.prefix for cls in registry.registered()}
    for rule in load_rules():
        assert rule.id.startswith(prefixes[rule.pass_name] + "."), rule.id
        assert rule.where in registry.rule_passes()[rule.pass_name], rule.id


def test_build_passes_follows_the_registry_order() -> None:
    passes = registry.build_passes(load_rules())
    assert [p.name for p in passes] == [cls.name for cls in registry.DOCUMENT_PASSES]
    assert "boilerplate" not in [p.name for p in passes]  # a site pass: built by the runner
