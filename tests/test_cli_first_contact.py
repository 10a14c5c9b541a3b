"""The command line as a new user meets it: what ``cleaner rules`` lists, ``cleaner rules check``,
a forgotten DEST, HTML given as input, and ``run --help`` in sections."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from builders import article_text
from click.testing import CliRunner, Result

from cleaner.cli import RUN_SECTIONS, cli
from cleaner.cli_help import SectionedCommand, sections
from cleaner.passes import record_rule_ids
from cleaner.rules import load_rules

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def listed(*args: str | Path) -> list[dict[str, Any]]:
    result = invoke("rules", "--json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


# --- cleaner rules ---------------------------------------------------------------------------


def test_rules_lists_every_rule_id_a_record_can_carry_code_ones_too() -> None:
    ids = [row["id"] for row in listed()]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(record_rule_ids(load_rules()))
    for code_rule in (
        "ftfy.fix-encoding",
        "ws.nbsp",
        "title.first-line",
        "repeat.paragraph",
        "boilerplate.site",
    ):
        assert code_rule in ids
    assert {"junk.advertisement", "caption.reuters"} <= set(ids)
    table = invoke("rules").stdout.splitlines()
    assert [line.split()[0] for line in table] == ids


def test_every_rule_id_a_run_writes_is_listed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert invoke("run", SEEDS, out, "-q").exit_code == 0
    written = {
        e["rule"]
        for line in out.read_text(encoding="utf-8").splitlines()
        for e in json.loads(line)["removed"]
    }
    assert written and written <= {row["id"] for row in listed()}


def test_rules_json_says_pass_placement_and_whether_enabled(tmp_path: Path) -> None:
    off = tmp_path / "off.toml"
    off.write_text('[[rule]]\nid = "junk.advertisement"\nenabled = false\n', encoding="utf-8")
    rows = {row["id"]: row for row in listed("--rules", off)}
    assert rows["junk.advertisement"]["enabled"] is False
    assert rows["junk.advertisement"]["where"] == "line"
    assert rows["ws.nbsp"] == {**rows["ws.nbsp"], "pass": "whitespace", "where": "code", "enabled": True}
    assert "(disabled)" in next(
        line for line in invoke("rules", "--rules", off).stdout.splitlines() if "junk.advertisement" in line
    )


# --- cleaner rules check ---------------------------------------------------------------------

GOOD = """
[[rule]]
id = "junk.tip-line"
pass = "junk"
phrases = ["Send us your tips"]
remove = ["Send us your tips"]
keep = ["Readers send us tips about the ferry every week, the editor said."]

[[rule]]
id = "junk.advertisement"
enabled = false
"""


def check(tmp_path: Path, text: str) -> Result:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / "rules.toml").write_text(text, encoding="utf-8")
    return invoke("rules", "check", folder)


def test_rules_check_passes_a_good_folder_with_a_new_rule_and_an_override(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    assert "2 rules checked" in result.stdout


def test_rules_check_passes_the_shipped_rules() -> None:
    result = invoke("rules", "check", Path(__file__).resolve().parent.parent / "rules")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('pass = "junk"\nphrases = "Send us your tips"', "phrases must be a list of strings"),
        ('pass = "junk"\nphrases = ["Tips"]\nmax_words = "ten"', "max_words must be a int"),
        ('pass = "junk"\npatern = "Tips"', "unknown field 'patern'"),
        ('pass = "junk"\npattern = "(unclosed"', "pattern does not compile"),
        ('pass = "banners"\nphrases = ["Tips"]', "pass = 'banners'"),
        ('pass = "junk"\nphrases = ["Tips"]', "no 'remove' examples"),
    ],
)
def test_rules_check_names_each_problem_and_fails(tmp_path: Path, rule: str, message: str) -> None:
    result = check(tmp_path, f'[[rule]]\nid = "junk.tips"\n{rule}\n')
    assert result.exit_code == 1
    assert message in result.output and "rules.toml" in result.output


def test_rules_check_runs_every_example_through_the_pipeline(tmp_path: Path) -> None:
    greedy = (
        '[[rule]]\nid = "junk.greedy"\npass = "junk"\npattern = "[A-Za-z. ]+"\n'
        'remove = ["Sign up"]\nkeep = ["The council met."]\n'
    )
    result = check(tmp_path, greedy)
    assert result.exit_code == 1
    assert "junk.greedy: expected kept, got removed by ['junk.greedy']: 'The council met.'" in result.output
    shy = (
        '[[rule]]\nid = "junk.shy"\npass = "junk"\nphrases = ["Ring our tip line"]\n'
        'remove = ["Call our tip line"]\nkeep = ["Readers ring the tip line daily."]\n'
    )
    result = check(tmp_path, shy)
    assert result.exit_code == 1
    assert "junk.shy: expected removed, got kept: 'Call our tip line'" in result.output


def test_rules_check_reports_a_file_that_is_not_toml(tmp_path: Path) -> None:
    result = check(tmp_path, "[[rule]\nid = 1")
    assert result.exit_code == 1 and "cannot read rules" in result.output


# --- a forgotten DEST, HTML input ------------------------------------------------------------


def test_run_with_one_argument_says_dest_is_missing() -> None:
    result = invoke("run", SEEDS)
    assert result.exit_code == 2
    assert "DEST is missing" in result.output and str(SEEDS) in result.output
    nothing = invoke("run")
    assert nothing.exit_code == 2 and "Missing argument 'SOURCE...'" in nothing.output


def test_an_html_file_is_told_to_go_through_an_extractor_first(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text("<html><body><p>The ferry resumed.</p></body></html>", encoding="utf-8")
    result = invoke("run", page, tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert "HTML" in result.output and "trafilatura" in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_a_folder_of_html_only_is_told_too_but_html_beside_text_is_skipped(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "world").mkdir(parents=True)
    (pages / "world" / "a.HTM").write_text("<p>x</p>", encoding="utf-8")
    result = invoke("run", pages, tmp_path / "out.jsonl")
    assert result.exit_code == 2 and "holds only HTML files" in result.output
    (pages / "world" / "b.txt").write_text(article_text(0), encoding="utf-8")
    mixed = invoke("run", pages, tmp_path / "out.jsonl")
    assert mixed.exit_code == 0, mixed.output
    assert "1 non-input files skipped" in mixed.output


def test_a_text_file_holding_markup_is_still_text(tmp_path: Path) -> None:
    text = tmp_path / "story.txt"
    text.write_text(article_text(1, "<b>Sign up</b> for our newsletter"), encoding="utf-8")
    assert invoke("run", text, tmp_path / "out.jsonl", "-q").exit_code == 0


# --- run --help in sections ------------------------------------------------------------------


def test_run_help_groups_its_options_in_sections_in_order() -> None:
    shown = invoke("run", "--help").stdout
    titles = [f"{title}:" for title in RUN_SECTIONS]
    positions = [shown.index(f"\n{title}\n") for title in titles]
    assert positions == sorted(positions)
    command = cli.commands["run"]
    options = [p for p in command.params if isinstance(p, click.Option)]
    for option in options:
        title = getattr(option, "help_section")[1]  # noqa: B009 - set at runtime, not typed
        section = shown[shown.index(f"\n{title}:\n") :]
        assert option.opts[-1] in section.split("\n\n")[0], (option.opts, title)


def test_every_run_option_is_in_a_section_and_every_section_name_is_an_option() -> None:
    options = {p.name: p for p in cli.commands["run"].params if isinstance(p, click.Option)}
    placed = {name for names in RUN_SECTIONS.values() for name in names}
    assert placed <= set(options)
    assert [name for name, option in options.items() if not hasattr(option, "help_section")] == []
    assert "Other options:\n  -h, --help" in invoke("run", "--help").stdout  # --help alone there


def test_an_option_in_no_section_is_listed_under_other_options() -> None:
    @click.command(cls=SectionedCommand)
    @sections({"Input": ["first"]})
    @click.option("--first", help="The first option here.")
    @click.option("--extra", help="An option nobody placed.")
    def toy(first: str, extra: str) -> None: ...

    shown = CliRunner().invoke(toy, ["--help"]).stdout
    assert (
        shown.index("Input:")
        < shown.index("--first")
        < shown.index("Other options:")
        < shown.index("--extra")
    )
