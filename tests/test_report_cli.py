"""The review commands through click: ``cleaner diff``, ``cleaner compare`` (and ``run --report``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner, Result
from test_report import CAPTION, SCRIPT_LINE, assert_safe_page, write_corpus

from cleaner.cli import cli
from cleaner.report.commands import register

register(cli)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.output, result.exception)


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def disable_ads(root: Path) -> Path:
    """A rules folder that turns ``junk.advertisement`` off: the rule change under review."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "no-ads.toml").write_text(
        '[[rule]]\nid = "junk.advertisement"\nenabled = false\n', encoding="utf-8"
    )
    return root


def test_register_adds_diff_and_compare_once_and_keeps_a_command_already_there() -> None:
    group = click.Group("fresh")
    register(group)
    first = dict(group.commands)
    assert set(first) == {"diff", "compare"}
    register(group)
    assert group.commands == first  # the same command objects, none added twice
    assert all(group.commands[name] is command for name, command in first.items())

    own = click.Command("diff", callback=lambda: None)
    taken = click.Group("taken", commands=[own])
    register(taken)
    assert taken.commands["diff"] is own and set(taken.commands) == {"diff", "compare"}


def test_diff_shows_a_sample_as_plain_text_when_piped(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    result = invoke("diff", corpus)
    assert_ok(result)
    assert "\x1b[" not in result.stdout
    assert result.stdout.count("\n--- ") + result.stdout.startswith("--- ") == 5
    assert "[junk.advertisement]" in result.stdout
    assert "showed 5 of 6" in result.stderr
    assert invoke("diff", corpus).stdout == result.stdout  # the same sample every time


def test_diff_of_chosen_documents_in_colour(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    result = invoke("diff", corpus, "--id", "a/ferry", "--color")
    assert_ok(result)
    assert result.stdout.startswith("\x1b[1m--- a/ferry.txt (input, 7 paragraphs)")
    assert "caption.credit → caption" in result.stdout
    assert result.stdout.count("\x1b[1m--- ") == 1
    plain = invoke("diff", corpus, "--id", "a/ferry", "--id", "b/copy", "--no-color")
    assert_ok(plain)
    assert f"- {CAPTION}  [caption.credit → caption]" in plain.stdout
    assert "+++ b/copy (rejected: near-duplicate" in plain.stdout


def test_diff_under_other_rules_shows_their_effect(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    result = invoke("diff", corpus, "--id", "a/library", "--rules", disable_ads(tmp_path / "rules"))
    assert_ok(result)
    assert "junk.advertisement" not in result.stdout


def test_diff_errors_are_one_line(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    assert "no document with id nope" in one_line_error(invoke("diff", corpus, "--id", "nope"))
    assert "no such file" in one_line_error(invoke("diff", tmp_path / "missing"), code=2)
    bad_rules = tmp_path / "bad"
    bad_rules.mkdir()
    (bad_rules / "x.toml").write_text("[[rule]\n", encoding="utf-8")
    one_line_error(invoke("diff", corpus, "--rules", bad_rules))


def _run(corpus: Path, out: Path, *extra: str | Path) -> Path:
    assert_ok(invoke("run", corpus, out, "-q", *extra))
    return out


def test_compare_two_output_files_shows_gains_losses_and_documents(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    old = _run(corpus, tmp_path / "old.jsonl")
    new = _run(corpus, tmp_path / "new.jsonl", "--rules", disable_ads(tmp_path / "rules"))
    result = invoke("compare", old, new, "--html", tmp_path / "review.html")
    assert_ok(result)
    text = result.stdout
    assert f"--- old: {old} (5 documents: 5 kept, 0 rejected)" in text
    assert "documents: 3 unchanged, 2 changed" in text
    ads = next(line for line in text.splitlines() if line.startswith("junk.advertisement"))
    assert ads.split() == ["junk.advertisement", "2", "0", "0", "-2", "2"]
    assert "+ Advertisement  [-junk.advertisement]" in text
    html = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert_safe_page(html)
    assert html.count('<article class="doc"') == 2
    assert f"wrote {tmp_path / 'review.html'}" in result.stderr


def test_compare_one_input_under_two_rule_sets_agrees_with_the_files(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    rules = disable_ads(tmp_path / "rules")
    by_rules = invoke("compare", "--rules-new", rules, corpus)
    assert_ok(by_rules)
    old = _run(corpus, tmp_path / "old.jsonl", "--rejects", tmp_path / "old-rejects.jsonl")
    new = _run(corpus, tmp_path / "new.jsonl", "--rules", rules, "--rejects", tmp_path / "new-rejects.jsonl")
    by_files = invoke(
        "compare", old, new, "--old-rejects", tmp_path / "old-rejects.jsonl",
        "--new-rejects", tmp_path / "new-rejects.jsonl",
    )  # fmt: skip
    assert_ok(by_files)
    # The same comparison, apart from the two header lines naming the runs.
    assert by_rules.stdout.splitlines()[2:] == by_files.stdout.splitlines()[2:]
    assert "(6 documents: 5 kept, 1 rejected)" in by_rules.stdout
    assert f"with the default rules + {rules}" in by_rules.stdout


def test_compare_reports_documents_that_became_rejects(tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    new = tmp_path / "new.jsonl"
    body: dict[str, Any] = {"source": "s.txt", "title": None, "captions": [], "removed": []}
    old.write_text(
        json.dumps({"id": "a", "text": SCRIPT_LINE, **body})
        + "\n"
        + json.dumps({"id": "b", "text": "B.", **body})
        + "\n",
        encoding="utf-8",
    )
    new.write_text(
        json.dumps({"id": "a", "source": "s.txt", "reason": "language", "detail": "detected de"}) + "\n"
        + json.dumps({"id": "b", "text": "B.", **body}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = invoke("compare", old, new, "--html", tmp_path / "c.html")
    assert_ok(result)
    assert "rejects changed:\n  kept → rejected: language: 1" in result.stdout
    assert "~ a (s.txt): kept → rejected: kept → rejected: language (detected de)" in result.stdout
    assert_safe_page((tmp_path / "c.html").read_text(encoding="utf-8"))


def test_compare_usage_errors_are_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("", encoding="utf-8")
    assert "OLD.jsonl and NEW.jsonl" in one_line_error(invoke("compare", out), code=2)
    assert "no such file" in one_line_error(invoke("compare", out, tmp_path / "nope.jsonl"), code=2)
    assert "SOURCE" in one_line_error(invoke("compare", "--rules-new", tmp_path), code=2)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    assert "bad.jsonl:1: not JSON" in one_line_error(invoke("compare", out, bad))


def test_every_option_has_help() -> None:
    for name in ("diff", "compare"):
        command = cli.commands[name]
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), (name, param.name)


def test_run_writes_the_report_next_to_the_output(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    result = invoke("run", corpus, tmp_path / "out.jsonl", "--report", tmp_path / "report.html")
    assert_ok(result)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert_safe_page(html)
    assert html.count('<article class="doc') == 6
