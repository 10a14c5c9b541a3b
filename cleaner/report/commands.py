"""The review commands: ``cleaner diff`` and ``cleaner compare``.

Kept out of :mod:`cleaner.cli` so that the review reports live in one package; :func:`register`
adds them to the top-level group (idempotently, so tests and the CLI can both call it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from cleaner.cli_options import (
    check_sources,
    read_options,
    rules_option,
    rules_paths_option,
    sources_argument,
    user_errors,
)
from cleaner.options import RunOptions
from cleaner.readers import ReadOptions
from cleaner.report.compare import CompareError, Comparison, Outcome, compare, read_outcomes
from cleaner.report.html import write_compare_html
from cleaner.report.model import ReportItem
from cleaner.report.sample import StableSample, sample_key
from cleaner.report.terminal import render_compare_terminal, render_diff
from cleaner.runner import run
from cleaner.stats import RunStats

DEFAULT_SAMPLE = 5
F = TypeVar("F", bound=Callable[..., Any])


def _color_option(func: F) -> F:
    return click.option(
        "--color/--no-color",
        "color",
        default=None,
        help="Colour the output [default: when standard output is a terminal and NO_COLOR is unset].",
    )(func)


def _use_color(color: bool | None) -> bool:
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _run(
    sources: list[str],
    rules: list[Path],
    languages: list[str],
    read: ReadOptions,
    observer: Callable[[ReportItem], None],
) -> RunStats:
    """Run the pipeline for review: decide everything, write nothing, report to ``observer``."""
    options = RunOptions(
        sources=sources, destination=None, rules=rules, languages=languages, read=read, observer=observer
    )

    def warn(message: str) -> None:
        click.echo(f"cleaner: {message}", err=True)

    with user_errors():
        return run(options, warn)


@click.command("diff")
@sources_argument
@click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="ID",
    help="Show the document with this id (repeatable); without --id a sample is shown.",
)
@click.option(
    "--sample",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help=f"Show N documents picked by a stable hash of their id, documents with removals or "
    f"rejects first [default: {DEFAULT_SAMPLE}, or 0 with --id].",
)
@rules_option
@read_options
@_color_option
def diff_command(
    sources: tuple[str, ...],
    ids: tuple[str, ...],
    sample: int | None,
    rules: tuple[Path, ...],
    languages: list[str],
    text_field: str,
    id_field: str,
    title_field: str,
    color: bool | None,
) -> None:
    """Show what cleaning SOURCE... removes: input against output, each removal labelled by rule.

    A unified-style diff per document, one line per paragraph: - removed (with its [rule]),
    -/+ edited in place, @@ hunks with context. Plain text when not writing to a terminal.

    \b
    Examples:
        cleaner diff seeds/
        cleaner diff seeds/ --id 001_harbor-bridge-vote --rules my-rules/
        cleaner diff big.jsonl --sample 20 --no-color > review.txt
    """
    size = sample if sample is not None else (0 if ids else DEFAULT_SAMPLE)
    wanted = set(ids)
    by_id: list[ReportItem] = []
    picked: StableSample[ReportItem] = StableSample(size, per_label=0)
    position = 0

    def observe(item: ReportItem) -> None:
        nonlocal position
        if item.id in wanted:
            by_id.append(item)
        changed = item.record is None or bool(item.record.get("removed"))
        key = sample_key(item.id, position, 0 if changed else 1)
        position += 1
        if picked.wants(key, ()):
            picked.add(key, (), item)

    read = ReadOptions(text_field=text_field, id_field=id_field, title_field=title_field)
    stats = _run(list(sources), list(rules), languages, read, observe)
    missing = sorted(wanted - {item.id for item in by_id})
    if missing:
        raise click.ClickException(f"no document with id {', '.join(missing)} in the input")
    shown: dict[int, ReportItem] = {id(item): item for item in by_id}
    for item in picked.chosen():
        shown.setdefault(id(item), item)
    use_color = _use_color(color)
    for item in shown.values():
        click.echo(render_diff(item, color=use_color), color=use_color)
    how = "by id" if not size else f"by id hash, {'plus --id, ' if ids else ''}changed first"
    click.echo(f"cleaner: {stats.summary()}; showed {len(shown)} of {stats.documents_in} ({how})", err=True)


@click.command("compare")
@click.argument("inputs", nargs=-1, metavar="OLD.jsonl NEW.jsonl | SOURCE...")
@rules_paths_option(
    "--rules-old",
    "Rules for the old run of SOURCE... (repeatable; default rules when only --rules-new is given).",
    metavar="DIR",
)
@rules_paths_option(
    "--rules-new",
    "Rules for the new run of SOURCE... (repeatable; default rules when only --rules-old is given).",
    metavar="DIR",
)
@click.option(
    "--old-rejects",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The old run's rejects file, so that documents it rejected compare by reason.",
)
@click.option(
    "--new-rejects",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The new run's rejects file, so that documents it rejected compare by reason.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the comparison as a self-contained HTML page to FILE.",
)
@read_options
@_color_option
def compare_command(
    inputs: tuple[str, ...],
    rules_old: tuple[Path, ...],
    rules_new: tuple[Path, ...],
    old_rejects: Path | None,
    new_rejects: Path | None,
    html_path: Path | None,
    languages: list[str],
    text_field: str,
    id_field: str,
    title_field: str,
    color: bool | None,
) -> None:
    """Compare two runs: which documents changed and how, and per rule the removals gained and lost.

    Either two output files of `cleaner run` (OLD and NEW, matched by id), or one input SOURCE...
    cleaned under two rule sets (--rules-old and/or --rules-new). This is how a rule change is
    reviewed before it is approved.

    \b
    Examples:
        cleaner compare old.jsonl new.jsonl --html review.html
        cleaner compare --rules-old rules-v1/ --rules-new rules-v2/ seeds/
    """
    try:
        if rules_old or rules_new:
            if not inputs:
                raise click.UsageError("give the SOURCE... to clean under --rules-old and --rules-new")
            if old_rejects or new_rejects:
                raise click.UsageError("--old-rejects and --new-rejects are for comparing two output files")
            result = _compare_rules(
                list(inputs), list(rules_old), list(rules_new), languages, text_field, id_field, title_field
            )
        else:
            if len(inputs) != 2:
                raise click.UsageError(
                    "give OLD.jsonl and NEW.jsonl, or SOURCE... with --rules-old/--rules-new"
                )
            for path in inputs:
                if not Path(path).is_file():
                    raise click.BadParameter(f"{path}: no such file", param_hint="OLD.jsonl NEW.jsonl")
            old_name, new_name = inputs
            result = compare(
                _outcomes(Path(old_name), old_rejects),
                _outcomes(Path(new_name), new_rejects),
                old_name=old_name,
                new_name=new_name,
            )
        use_color = _use_color(color)
        click.echo(render_compare_terminal(result, color=use_color), nl=False, color=use_color)
        if html_path is not None:
            write_compare_html(html_path, result)
            click.echo(f"cleaner: wrote {html_path}", err=True)
    except CompareError as e:
        raise click.ClickException(str(e)) from e
    except OSError as e:
        raise click.ClickException(f"{e.filename or html_path}: {e.strerror or e}") from e


def _outcomes(path: Path, rejects: Path | None) -> Iterable[Outcome]:
    yield from read_outcomes(path)
    if rejects is not None:
        yield from read_outcomes(rejects)


def _compare_rules(
    sources: list[str],
    rules_old: list[Path],
    rules_new: list[Path],
    languages: list[str],
    text_field: str,
    id_field: str,
    title_field: str,
) -> Comparison:
    check_sources(sources)
    read = ReadOptions(text_field=text_field, id_field=id_field, title_field=title_field)
    runs: list[list[Outcome]] = []
    for rules in (rules_old, rules_new):
        outcomes: list[Outcome] = []
        _run(sources, rules, languages, read, _collector(outcomes))
        runs.append(outcomes)
    name = " ".join(sources)

    def label(rules: list[Path]) -> str:
        return f"{name} with the default rules" + "".join(f" + {r}" for r in rules)

    return compare(runs[0], runs[1], old_name=label(rules_old), new_name=label(rules_new))


def _collector(outcomes: list[Outcome]) -> Callable[[ReportItem], None]:
    """An observer keeping what a run made of each document (its text, not its input)."""

    def observe(item: ReportItem) -> None:
        outcomes.append(Outcome.from_item(item))

    return observe


def register(group: click.Group) -> None:
    """Add ``diff`` and ``compare`` to ``group`` (once: calling it again changes nothing)."""
    for command in (diff_command, compare_command):
        if command.name not in group.commands:
            group.add_command(command)
