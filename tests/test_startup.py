"""What the command line imports: a command pays for the modules it runs and no others.

Start-up is serial, before the first document is read (issue 16), so a module a run does not
use is time every run loses. Each check runs in a fresh interpreter (this one has imported
everything already) and asks ``sys.modules``; nothing here measures time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Modules of other commands and of optional integrations: a plain ``cleaner run`` uses none.
NOT_IN_A_RUN = (
    "cleaner.report.commands",
    "cleaner.report.html",
    "cleaner.report.charts",
    "cleaner.report.compare",
    "cleaner.report.terminal",
    "cleaner.report.page",
    "cleaner.report.outputs",
    "cleaner.report.sample",
    "cleaner.report.spans",
    "cleaner.rulecheck",
    "cleaner.spark",
    "cleaner.integrations",
    "pyspark",
    "pandas",
    "datasets",
    "hypothesis",
    # datasketch brings scipy (a second of start-up in every run): its permutations and LSH
    # bands are drawn in cleaner.dedup (tests/test_dedup.py compares them with datasketch's).
    "datasketch",
    "scipy",
)


def imported_after(code: str, watched: tuple[str, ...] = NOT_IN_A_RUN) -> list[str]:
    """The ``watched`` modules (or their submodules) loaded once ``code`` has run in a fresh
    interpreter."""
    script = (
        "import sys\n"
        f"{code}\n"
        f"watched = {watched!r}\n"
        "print(sorted({w for w in watched for m in sys.modules if m == w or m.startswith(w + '.')}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1].replace("'", '"'))
    return loaded


def small_input(tmp_path: Path) -> Path:
    source = tmp_path / "in.jsonl"
    texts = [
        "Ferry timetable changes\n\nThe Larkmoor ferry company will add a morning crossing from "
        "May, its director Ines Valdane said on Monday.\n\nTickets go on sale at the harbour office.",
        "Library opens late on Thursdays\n\nThe Brackwell town library will stay open until nine "
        "on Thursdays, the council decided after a petition signed by 800 readers.",
        "Orchard cooperative picks a new chair\n\nApple growers of the Selby valley elected Tomas "
        "Ferrant to lead their cooperative, which sells cider to shops in three counties.",
    ]
    source.write_text(
        "".join(json.dumps({"id": f"d{n}", "text": text}) + "\n" for n, text in enumerate(texts)), "utf-8"
    )
    return source


def cli_call(*args: str | Path) -> str:
    return f"from cleaner.cli import cli\ncli({[str(a) for a in args]!r}, standalone_mode=False)"


def test_importing_the_command_line_imports_no_report_module() -> None:
    assert imported_after("import cleaner.cli") == []


def test_a_run_imports_no_module_of_another_command(tmp_path: Path) -> None:
    source = small_input(tmp_path)
    run = cli_call("run", source, tmp_path / "out.jsonl", "-q", "--state", tmp_path / "state")
    assert imported_after(run) == []
    assert (tmp_path / "out.jsonl").read_text("utf-8").count("\n") == 3


def test_a_run_with_a_report_imports_the_report_modules_it_needs(tmp_path: Path) -> None:
    source = small_input(tmp_path)
    run = cli_call("run", source, tmp_path / "out.jsonl", "-q", "--report", tmp_path / "report.html")
    loaded = imported_after(run)
    assert "cleaner.report.html" in loaded
    assert "cleaner.report.commands" not in loaded and "cleaner.rulecheck" not in loaded
    assert (tmp_path / "report.html").is_file()


@pytest.mark.parametrize("command", ["diff", "compare"])
def test_a_review_command_is_imported_when_named(command: str) -> None:
    """``diff`` and ``compare`` live in :mod:`cleaner.report.commands`, loaded on first use."""
    code = (
        "import click\nfrom cleaner.cli import cli\n"
        f"found = cli.get_command(click.Context(cli), {command!r})\n"
        f"assert found is not None and found.name == {command!r}"
    )
    assert "cleaner.report.commands" in imported_after(code)


def test_the_top_level_help_lists_every_command_with_its_summary() -> None:
    """``cleaner --help`` loads the review commands to show their summaries."""
    from click.testing import CliRunner

    from cleaner.cli import cli

    shown = CliRunner().invoke(cli, ["--help"]).stdout
    commands = shown.split("Commands:")[1].split()
    names = ["compare", "diff", "rules", "run"]
    assert [c for c in commands if c in names] == names
    assert "No such command" not in CliRunner().invoke(cli, ["compare", "--help"]).output


def test_an_unknown_command_is_still_a_usage_error() -> None:
    from click.testing import CliRunner

    from cleaner.cli import cli

    result = CliRunner().invoke(cli, ["dif"])
    assert result.exit_code == 2 and "No such command 'dif'" in result.output


def test_listing_the_rules_starts_no_engine() -> None:
    """``cleaner rules`` reads rules files; the runner and its worker processes stay unloaded."""
    loaded = imported_after(cli_call("rules"), ("cleaner.runner", "cleaner.workers", "multiprocessing"))
    assert loaded == []
    assert imported_after(cli_call("rules"), ("cleaner.rules", "cleaner.passes")) == [
        "cleaner.passes",
        "cleaner.rules",
    ]
