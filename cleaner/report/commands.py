"""The review commands: ``cleaner diff`` and ``cleaner compare``.

Kept out of :mod:`cleaner.cli` so that the review reports live in one package; :func:`register`
adds them to the top-level group (idempotently, so tests and the CLI can both call it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from cleaner.cli_options import (
    RUN_PARAMETERS,
    check_sources,
    content_option,
    dedup_from,
    dedup_options,
    read_from,
    read_options,
    rules_option,
    rules_paths_option,
    user_errors,
)
from cleaner.escapes import terminal_safe
from cleaner.options import DedupOptions, RunOptions
from cleaner.passes.content import DEFAULT_CONTENT_MODE
from cleaner.readers import ReadOptions
from cleaner.report.compare import CompareError, Comparison, Outcome, compare, read_outcomes
from cleaner.report.html import write_compare_html
from cleaner.report.model import ReportItem
from cleaner.report.outputs import (
    Line,
    RecordError,
    RecordFile,
    record_item,
    reject_item,
    rule_needle,
    site_of,
    sniff,
    text_needle,
)
from cleaner.report.sample import StableSample, sample_key
from cleaner.report.terminal import render_compare_terminal, render_diff, render_side_by_side
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
    dedup: DedupOptions | None = None,
    content: str = DEFAULT_CONTENT_MODE,
) -> RunStats:
    """Run the pipeline for review: decide everything, write nothing, report to ``observer``."""
    options = RunOptions(
        sources=sources,
        destination=None,
        rules=rules,
        languages=languages,
        read=read,
        dedup=dedup or DedupOptions(),
        observer=observer,
        content=content,
    )

    def warn(message: str) -> None:
        click.echo(f"cleaner: {terminal_safe(message)}", err=True)  # file names and ids are input

    with user_errors():
        return run(options, warn)


def _wanted(item: ReportItem, rule: str | None, site: str | None) -> bool:
    """Whether ``item`` passes ``--rule`` (a removal by that rule) and ``--source`` (its site)."""
    if site is not None and site_of(item.source, item.record or item.reject) != site:
        return False
    if rule is not None:
        removed = (item.record or {}).get("removed") or []
        return any(isinstance(e, dict) and e.get("rule") == rule for e in removed)
    return True


def _checked_diff_sources(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    check_sources(value)
    return value


@click.command("diff")
@click.argument(
    "sources", nargs=-1, required=True, metavar="OUT.jsonl | SOURCE...", callback=_checked_diff_sources
)
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
@click.option("--rule", metavar="RULE", help="Sample only documents with a removal by RULE.")
@click.option(
    "--source",
    "site",
    metavar="SITE",
    help="Sample only documents of SITE: the host of their url (without www.), else their source.",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="With OUT.jsonl: the run's rejects file, so rejected documents are shown with their reason "
    "(a near-duplicate next to the document it duplicates).",
)
@click.option(
    "--reclean",
    is_flag=True,
    help="Clean the file again even when it is a run's output (default: an output is read, not re-run).",
)
@rules_option
@read_options
@dedup_options
@content_option
@_color_option
@click.pass_context
def diff_command(
    ctx: click.Context,
    sources: tuple[str, ...],
    ids: tuple[str, ...],
    sample: int | None,
    rule: str | None,
    site: str | None,
    rejects_path: Path | None,
    reclean: bool,
    rules: tuple[Path, ...],
    languages: list[str],
    text_field: str,
    id_field: str,
    title_field: str,
    max_doc_bytes: int,
    no_dedup: bool,
    dup_threshold: float,
    min_docs: int,
    min_share: float,
    content: str,
    color: bool | None,
) -> None:
    """Show what cleaning removed: input against output, each removal labelled by rule.

    A unified-style diff per document, one line per paragraph: - removed (with its [rule]),
    -/+ edited in place, @@ hunks with context. Plain text when not writing to a terminal.

    \b
    Two ways, told apart by the file:
      OUT.jsonl  the output of `cleaner run` (records with a `removed` list), or its
                 rejects file: read, not re-run. Each record's input is rebuilt from its text
                 and its removed list, so no input is needed; --id finds the record by a scan
                 of the file that stops at it. Add --rejects FILE for rejected documents.
      SOURCE...  input: cleaned now, with the same options as `cleaner run` (--rules, --lang,
                 the dedup thresholds...), so any run can be re-created. --reclean treats an
                 output file as input.

    \b
    Examples:
        cleaner diff out.jsonl --id 001_harbor-bridge-vote
        cleaner diff out.jsonl --rejects rejects.jsonl --rule boilerplate.site --sample 10
        cleaner diff seeds/ --id 001_harbor-bridge-vote --rules my-rules/ --dup-threshold 0.9
        cleaner diff big.jsonl --sample 20 --no-color > review.txt
    """
    size = sample if sample is not None else (0 if ids else DEFAULT_SAMPLE)
    filtered = rule is not None or site is not None
    if filtered and sample is None:
        size = DEFAULT_SAMPLE
    kind = sniff(sources[0]) if len(sources) == 1 and not reclean else "input"
    use_color = _use_color(color)
    if kind != "input":
        given = [
            name
            for name in RUN_PARAMETERS
            if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            flags = ", ".join("--" + name.replace("_", "-") for name in given)
            raise click.UsageError(
                f"{sources[0]} is a finished run's {kind} and is read, not cleaned again, so {flags} "
                "cannot apply; give the input SOURCE to re-run it (or --reclean to clean this file again)"
            )
        output, rejects = (Path(sources[0]), rejects_path) if kind == "output" else (None, Path(sources[0]))
        if kind == "rejects" and rejects_path is not None:
            raise click.UsageError("give the output file as OUT.jsonl and its rejects with --rejects")
        try:
            _diff_finished(output, rejects, list(ids), size, rule, site, use_color)
        except OSError as e:
            raise click.ClickException(f"{e.filename or sources[0]}: {e.strerror or e}") from e
        return
    if rejects_path is not None:
        raise click.UsageError("--rejects goes with a run's output file (OUT.jsonl), not with input")
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
        if _wanted(item, rule, site) and picked.wants(key, ()):
            picked.add(key, (), item)

    read = read_from(text_field, id_field, title_field, max_doc_bytes)
    dedup = dedup_from(no_dedup, dup_threshold, min_docs, min_share)
    stats = _run(list(sources), list(rules), languages, read, observe, dedup, content)
    missing = sorted(wanted - {item.id for item in by_id})
    if missing:
        raise click.ClickException(f"no document with id {', '.join(missing)} in the input")
    shown: dict[int, ReportItem] = {id(item): item for item in by_id}
    for item in picked.chosen():
        shown.setdefault(id(item), item)
    for item in shown.values():
        click.echo(render_diff(item, color=use_color), color=use_color)
    how = "by id" if not size else f"by id hash, {'plus --id, ' if ids else ''}changed first"
    click.echo(f"cleaner: {stats.summary()}; showed {len(shown)} of {stats.documents_in} ({how})", err=True)


def _diff_finished(
    output: Path | None,
    rejects: Path | None,
    ids: list[str],
    size: int,
    rule: str | None,
    site: str | None,
    color: bool,
) -> None:
    """``cleaner diff OUT.jsonl``: the diffs of a finished run, read from its files alone."""
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(RecordFile(p)) if p is not None else None for p in (output, rejects)]
        out_file, rej_file = files
        chosen: list[ReportItem] = []
        seen: set[str] = set()
        for doc_id in ids:
            item = None
            for record_file in files:
                found = record_file.find(doc_id) if record_file is not None else None
                if found is not None:
                    item = _item(found, is_reject=record_file is rej_file)
                    break
            if item is None:
                names = " or ".join(str(p) for p in (output, rejects) if p is not None)
                hint = " (if it was rejected, add --rejects FILE)" if rejects is None else ""
                raise click.ClickException(f"no document with id {doc_id} in {names}{hint}")
            chosen.append(item)
            seen.add(doc_id)
        picked: StableSample[tuple[RecordFile, Line]] = StableSample(size, per_label=0)
        if size:
            position = 0
            for record_file in (out_file, rej_file):
                if record_file is None:
                    continue
                rejects_file = record_file is rej_file
                for doc_id, line, changed in _candidates(record_file, rule, site, rejects_file):
                    key = sample_key(doc_id, position, 0 if changed or rejects_file else 1)
                    position += 1
                    if doc_id not in seen and picked.wants(key, ()):
                        picked.add(key, (), (record_file, line))
        for record_file, line in picked.chosen():
            data = record_file.load(line)
            if data is not None:
                chosen.append(_item(data, is_reject=record_file is rej_file))
        for item in chosen:
            click.echo(render_diff(item, color=color), color=color)
            twin = _twin(item, out_file)
            if twin is not None:
                width = shutil.get_terminal_size((120, 24)).columns
                click.echo(
                    render_side_by_side(
                        f"{item.id} (rejected)",
                        item.input_lines or (),
                        f"{twin.id} (kept)",
                        twin.input_lines or (),
                        width=width,
                        color=color,
                    ),
                    color=color,
                )
        names = " and ".join(str(p) for p in (output, rejects) if p is not None)
        how = "by id" if not size else f"by id hash, {'plus --id, ' if ids else ''}changed first"
        filters = "".join(f", {k} {v}" for k, v in (("rule", rule), ("source", site)) if v is not None)
        click.echo(
            f"cleaner: showed {len(chosen)} documents of {names} ({how}{filters}); read, not re-run", err=True
        )


def _item(data: dict[str, Any], *, is_reject: bool) -> ReportItem:
    if is_reject:
        return reject_item(data)
    try:
        return record_item(data)
    except RecordError as e:
        click.echo(f"cleaner: {data.get('id')}: {e}", err=True)
        return ReportItem(str(data.get("id", "")), str(data.get("source", "")), None, data, None)


def _candidates(
    record_file: RecordFile, rule: str | None, site: str | None, rejects: bool
) -> Iterator[tuple[str, Line, bool]]:
    """The records a sample may take: all of them (ids read without parsing), or those passing
    ``--rule`` and ``--source`` (lines pre-selected by their bytes, then parsed and checked)."""
    if rule is None and site is None:
        yield from record_file.ids()
        return
    if rule is not None and rejects:
        return  # a rejected document has no removals
    needles = [n for n in (rule_needle(rule) if rule else None, text_needle(site) if site else None) if n]
    for line, data in record_file.matching(*needles):
        item = ReportItem(
            str(data.get("id", "")),
            str(data.get("source", "")),
            None,
            None if rejects else data,
            data if rejects else None,
        )
        if _wanted(item, rule, site):
            yield item.id, line, bool(data.get("removed")) or rejects


def _twin(item: ReportItem, out_file: RecordFile | None) -> ReportItem | None:
    """The kept document a near-duplicate duplicates, rebuilt from the output file."""
    reject = item.reject or {}
    of = reject.get("duplicate_of")
    if out_file is None or not isinstance(of, str) or reject.get("reason") != "near-duplicate":
        return None
    record = out_file.find(of)
    if record is None:
        return None
    twin = _item(record, is_reject=False)
    return twin if twin.input_lines is not None else None


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
@content_option
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
    max_doc_bytes: int,
    content: str,
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
            read = read_from(text_field, id_field, title_field, max_doc_bytes)
            result = _compare_rules(list(inputs), list(rules_old), list(rules_new), languages, read, content)
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
    read: ReadOptions,
    content: str,
) -> Comparison:
    check_sources(sources)
    runs: list[list[Outcome]] = []
    for rules in (rules_old, rules_new):
        outcomes: list[Outcome] = []
        _run(sources, rules, languages, read, _collector(outcomes), content=content)
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
