"""The review commands through click: ``cleaner diff``, ``cleaner compare`` (and ``run --report``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner, Result
from test_report import CAPTION, SCRIPT_LINE, assert_safe_page, write_corpus

from cleaner.cli import cli
from cleaner.report.commands import register
from cleaner.report.outputs import sniff

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


# --- cleaner diff OUT.jsonl: a finished run, read, not re-run --------------------------------


def _finished(tmp_path: Path, *extra: str | Path) -> tuple[Path, Path, Path]:
    corpus = write_corpus(tmp_path / "in")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    assert_ok(invoke("run", corpus, out, "--rejects", rejects, "-q", *extra))
    return corpus, out, rejects


def _blocks(diff: str) -> list[str]:
    """A multi-document diff as one block per document."""
    blocks: list[str] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith("--- ") or not blocks:
            blocks.append("")
        blocks[-1] += line
    return blocks


def test_diff_of_an_output_file_is_the_diff_re_cleaning_prints(tmp_path: Path) -> None:
    corpus, out, rejects = _finished(tmp_path)
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 5
    for doc_id in ids:
        from_output = invoke("diff", out, "--id", doc_id, "--no-color")
        assert_ok(from_output)
        assert "read, not re-run" in from_output.stderr
        re_cleaned = invoke("diff", corpus, "--id", doc_id, "--no-color")
        assert from_output.stdout == re_cleaned.stdout
    # A rejected document, from the rejects file: the same diff as well (its input, its reason).
    from_rejects = invoke("diff", out, "--rejects", rejects, "--id", "b/copy", "--no-color")
    assert_ok(from_rejects)
    reject_diff = invoke("diff", corpus, "--id", "b/copy", "--no-color").stdout
    assert from_rejects.stdout.startswith(reject_diff.rstrip("\n"))


def test_a_near_duplicate_is_shown_next_to_the_document_it_duplicates(tmp_path: Path) -> None:
    _, out, rejects = _finished(tmp_path)
    result = invoke("diff", out, "--rejects", rejects, "--id", "b/copy", "--no-color")
    assert_ok(result)
    assert "+++ b/copy (rejected: near-duplicate" in result.stdout
    side = result.stdout.split("\n\n", 1)[1]
    header = side.splitlines()[0]
    assert header.startswith("b/copy (rejected)") and header.rstrip().endswith("a/ferry (kept)")
    # Without the output file there is no kept document to show: the reason only.
    alone = invoke("diff", rejects, "--id", "b/copy", "--no-color")
    assert_ok(alone)
    assert "+++ b/copy (rejected: near-duplicate" in alone.stdout and "(kept)" not in alone.stdout


def test_diff_of_an_output_file_filters_by_rule_and_by_source(tmp_path: Path) -> None:
    _, out, rejects = _finished(tmp_path)
    by_rule = invoke("diff", out, "--rule", "junk.share", "--no-color")
    assert_ok(by_rule)
    assert [b.splitlines()[1] for b in _blocks(by_rule.stdout)] == ["+++ a/ferry (output, 3 paragraphs)"]
    by_source = invoke("diff", out, "--rejects", rejects, "--source", "b/copy.txt", "--no-color")
    assert_ok(by_source)
    assert [b.splitlines()[0] for b in _blocks(by_source.stdout)] == ["--- b/copy.txt (input, 7 paragraphs)"]
    nothing = invoke("diff", out, "--rule", "no.such-rule", "--no-color")
    assert_ok(nothing)
    assert nothing.stdout == ""


def test_the_source_of_a_jsonl_document_is_its_urls_host(tmp_path: Path) -> None:
    records = [
        {"id": "p1", "url": "https://www.tidewater.example/a", "text": "Harbour fees rise.\n\nAdvertisement"},
        {"id": "p2", "url": "https://quayside.example/b", "text": "Ferry times change.\n\nAdvertisement"},
    ]
    source = tmp_path / "feed.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert_ok(invoke("run", source, out, "-q"))
    result = invoke("diff", out, "--source", "tidewater.example", "--no-color")
    assert_ok(result)
    assert "+++ p1 " in result.stdout and "p2" not in result.stdout


def test_a_file_is_read_as_a_finished_run_only_when_it_is_one(tmp_path: Path) -> None:
    corpus, out, rejects = _finished(tmp_path)
    assert (sniff(out), sniff(rejects), sniff(corpus), sniff(corpus / "a" / "ferry.txt")) == (
        "output",
        "rejects",
        "input",
        "input",
    )
    raw = tmp_path / "raw.jsonl"
    raw.write_text('{"id": "x", "text": "Ferry fares rise.\\n\\nAdvertisement"}\n', encoding="utf-8")
    assert sniff(raw) == "input"
    # --reclean cleans an output file again, as input (a second run finds nothing more to do).
    again = invoke("diff", out, "--reclean", "--id", "a/ferry", "--no-color")
    assert_ok(again)
    assert "read, not re-run" not in again.stderr and "(no changes)" in again.stdout


def test_options_that_change_a_run_are_refused_on_a_finished_run(tmp_path: Path) -> None:
    corpus, out, rejects = _finished(tmp_path)
    error = one_line_error(invoke("diff", out, "--dup-threshold", "0.9"), code=2)
    assert "--dup-threshold" in error and "--reclean" in error
    one_line_error(invoke("diff", out, "--rules", disable_ads(tmp_path / "rules")), code=2)
    one_line_error(invoke("diff", corpus, "--rejects", rejects), code=2)
    assert "no document with id nope" in one_line_error(invoke("diff", out, "--id", "nope"))


def test_an_edited_record_is_said_to_be_unusable_not_shown_wrong(tmp_path: Path) -> None:
    _, out, _ = _finished(tmp_path)
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["text"] = "Somebody rewrote this."
    edited = tmp_path / "edited.jsonl"
    edited.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = invoke("diff", edited, "--id", record["id"], "--no-color")
    assert_ok(result)
    assert "does not un-apply" in result.stderr


def test_diff_re_creates_a_run_made_with_other_settings(tmp_path: Path) -> None:
    corpus, out, _ = _finished(tmp_path, "--no-dedup", "--stats", tmp_path / "stats.json")
    settings = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))["settings"]
    assert settings["options"] == ["--no-dedup"] and settings["dedup"]["enabled"] is False
    # b/copy is kept by this run; re-cleaning with the run's options shows what the run did.
    from_output = invoke("diff", out, "--id", "b/copy", "--no-color").stdout
    assert from_output == invoke("diff", corpus, *settings["options"], "--id", "b/copy", "--no-color").stdout
    assert "rejected" in invoke("diff", corpus, "--id", "b/copy", "--no-color").stdout


def test_a_gzipped_output_is_read_the_same(tmp_path: Path) -> None:
    _, out, _ = _finished(tmp_path)
    packed = tmp_path / "out.jsonl.gz"
    packed.write_bytes(gzip.compress(out.read_bytes()))
    assert sniff(packed) == "output"
    plain = invoke("diff", out, "--id", "a/ferry", "--no-color")
    gzipped = invoke("diff", packed, "--id", "a/ferry", "--no-color")
    assert_ok(gzipped)
    assert gzipped.stdout == plain.stdout and "[junk.advertisement]" in plain.stdout


PAGE = (Path(__file__).parent / "fixtures" / "content" / "lantern_gazette_page.txt").read_text(
    encoding="utf-8"
)


def test_diff_re_creates_a_run_made_with_another_content_mode(tmp_path: Path) -> None:
    corpus = tmp_path / "pages.jsonl"
    corpus.write_text(json.dumps({"id": "gazette", "text": PAGE}) + "\n", encoding="utf-8")
    out = _run(corpus, tmp_path / "out.jsonl", "--content", "off", "--stats", tmp_path / "stats.json")
    settings = json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))["settings"]
    assert settings["options"] == ["--content", "off"] and settings["content"] == "off"
    from_output = invoke("diff", out, "--id", "gazette", "--no-color").stdout
    again = invoke("diff", corpus, *settings["options"], "--id", "gazette", "--no-color").stdout
    assert from_output == again and "[content." not in again
    # The default mode takes the page's menu out, and diff shows it by rule.
    assert "[content." in invoke("diff", corpus, "--id", "gazette", "--no-color").stdout
    error = one_line_error(invoke("diff", out, "--content", "aggressive"), code=2)
    assert "--content" in error and "--reclean" in error


def test_diff_and_compare_reject_too_large_documents_as_run_does(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        json.dumps({"id": "small", "text": "Ferry fares rise by a tenth."}) + "\n"
        + json.dumps({"id": "big", "text": "The ferry board met again. " * 20}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    shown = invoke("diff", corpus, "--max-doc-bytes", "200", "--no-color")
    assert_ok(shown)
    assert "in.jsonl:2: too-large: line of 566 bytes" in shown.stderr
    assert "too-large" not in invoke("diff", corpus, "--no-color").output
    no_ads = disable_ads(tmp_path / "rules")
    compared = invoke("compare", "--rules-new", no_ads, "--max-doc-bytes", "200", corpus)
    assert_ok(compared)
    assert "1 kept, 1 rejected" in compared.stdout
