"""The command line: ``cleaner run SOURCE... DEST`` and friends.

Conventions (after sqlite-utils): ``-`` means standard input or output, every option has help,
data goes to standard output and messages to standard error, errors are one line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cleaner import __version__
from cleaner.atomic import Terminated, sigterm_as_interrupt, write_atomic
from cleaner.cli_help import SectionedCommand, sections
from cleaner.cli_options import (
    content_option,
    dedup_from,
    dedup_options,
    read_from,
    read_options,
    rules_option,
    sources_argument,
    user_errors,
)
from cleaner.escapes import terminal_safe
from cleaner.options import RunOptions
from cleaner.passes import record_rule_ids, registered
from cleaner.paths import Output, PathError, check_outputs, earlier_outputs
from cleaner.records import BAD_INPUT_REASONS
from cleaner.rules import Rule, RuleSet, load_rules
from cleaner.stats import RunStats

if TYPE_CHECKING:
    from cleaner.report.html import HtmlReport

# Commands defined elsewhere, imported only when named (or when ``--help`` lists them): the
# review commands bring the report modules (HTML, charts, diffs), which a run without
# ``--report`` never uses. Command name -> the module whose ``register(group)`` adds it.
LAZY_COMMANDS = {"compare": "cleaner.report.commands", "diff": "cleaner.report.commands"}


class UsageLine(click.ClickException):
    """A usage error said in one line (exit status 2), without click's usage block."""

    exit_code = 2


class CommandGroup(click.Group):
    """The top-level group, whose :data:`LAZY_COMMANDS` are imported on first use.

    ``cleaner run`` pays for the modules it runs and no others (issue 16: start-up is serial,
    before the first document is read); ``cleaner --help`` still lists every command, since
    listing them asks for each one.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        home = LAZY_COMMANDS.get(cmd_name)
        if home is not None and cmd_name not in self.commands:
            import importlib

            importlib.import_module(home).register(self)
        return super().get_command(ctx, cmd_name)


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleaner")
def cli() -> None:
    """Clean scraped news text into JSONL, explaining every removal."""


class RunCommand(SectionedCommand):
    """``run``: its options by section, and a missing DEST said as such.

    ``cleaner run seeds/`` gives click one argument for two (SOURCE... and DEST); click fills
    DEST first and would then say SOURCE is missing, which sends the user looking in the
    wrong place.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        original = list(args)  # click's parser consumes the list it is given
        try:
            return super().parse_args(ctx, args)
        except click.MissingParameter as e:
            if e.param is None or e.param.name != "sources":
                raise
            opts, _, _ = self.make_parser(ctx).parse_args(args=original)
            given = opts.get("destination")
            if not isinstance(given, str):  # no argument at all: click's own message
                raise
            raise click.UsageError(
                f"DEST is missing: cleaner run {given} DEST (a .jsonl file, or - for standard output)",
                ctx,
            ) from None


RUN_SECTIONS = {
    "Input": ["text_field", "id_field", "title_field", "max_doc_bytes", "strict"],
    "Output": ["rejects", "stats_path", "report_path", "shard_size", "resume"],
    "Cleaning": ["rules", "languages", "content"],
    "Dedup": ["no_dedup", "dup_threshold", "min_docs", "min_share", "state"],
    "Engine": ["jobs", "engine", "master", "single_file"],
    "Messages": ["quiet", "debug"],
}


@cli.command("run", cls=RunCommand)
@sections(RUN_SECTIONS)
@sources_argument
@click.argument("destination", metavar="DEST")
@click.option(
    "--rejects",
    "rejects",
    metavar="FILE",
    help="Write documents not kept, with a reason, to FILE (JSONL; - for stdout).",
)
@click.option(
    "--stats",
    "stats_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the run's counts as JSON to FILE.",
)
@rules_option
@read_options
@dedup_options
@content_option
@click.option(
    "--state",
    "state",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the dedup index in DIR between runs (created if missing).",
)
@click.option(
    "--report",
    "report_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a self-contained HTML review report to FILE (2,000 documents in full, sampled).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=None,
    help="Worker processes for the per-document work [default: all cores].",
)
@click.option(
    "--shard-size",
    type=click.IntRange(1),
    default=None,
    help="Write DEST as a folder of JSONL shards of N records (part-00000.jsonl, ...).",
)
@click.option("--resume", is_flag=True, help="Continue a stopped --shard-size run from where it stopped.")
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Run here (local processes) or as a Spark job (needs the 'spark' extra and Java 17).",
)
@click.option("--master", metavar="URL", help="Spark master (spark://..., yarn, k8s://..., local[N]).")
@click.option(
    "--single-file/--part-files",
    default=True,
    show_default=True,
    help="With --engine spark: DEST as one JSONL file, or a folder of part files.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 if any input was rejected as bad input.")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (no summary, no progress).")
def run_command(
    sources: tuple[str, ...],
    destination: str,
    rejects: str | None,
    stats_path: Path | None,
    rules: tuple[Path, ...],
    languages: list[str],
    text_field: str,
    id_field: str,
    title_field: str,
    max_doc_bytes: int,
    no_dedup: bool,
    content: str,
    dup_threshold: float,
    min_docs: int,
    min_share: float,
    state: Path | None,
    report_path: Path | None,
    jobs: int | None,
    shard_size: int | None,
    resume: bool,
    engine: str,
    master: str | None,
    single_file: bool,
    strict: bool,
    debug: bool,
    quiet: bool,
) -> None:
    """Clean SOURCE... (.txt files, .jsonl[.gz] files, folders, or - for stdin) into DEST.

    DEST is a JSONL file, written whole at the end, or - for standard output; with --shard-size,
    a folder of shards. Exit status: 0 when the run finished (rejects included), 1 on an error or
    with --strict when input was rejected as bad, 2 on a usage error.

    \b
    Example:
        cleaner run seeds/ out.jsonl --rejects rejects.jsonl
    """
    folder_dest = shard_size is not None or (engine == "spark" and not single_file)
    if not folder_dest and destination != "-" and Path(destination).is_dir():
        raise click.BadParameter(f"{destination} is a directory; DEST must be a file or -", param_hint="DEST")
    if shard_size is not None and (destination == "-" or Path(destination).is_file()):
        raise click.BadParameter("with --shard-size, DEST is a folder", param_hint="DEST")
    if resume and shard_size is None:
        raise click.UsageError("--resume needs --shard-size (only sharded runs keep their progress)")
    from cleaner.runner import run  # the engine (workers, multiprocessing): not for rules or help
    from cleaner.workers import default_jobs

    options = RunOptions(
        sources=list(sources),
        destination=destination,
        rejects=rejects,
        rules=list(rules),
        languages=languages,
        read=read_from(text_field, id_field, title_field, max_doc_bytes),
        dedup=dedup_from(no_dedup, dup_threshold, min_docs, min_share),
        state=state,
        jobs=jobs or default_jobs(),
        shard_size=shard_size,
        resume=resume,
        progress=not quiet and sys.stderr.isatty(),
        content=content,
    )
    report: HtmlReport | None = None
    if report_path is not None:
        from cleaner.report.html import HtmlReport  # only with --report: the report modules

        report = HtmlReport(report_path)
    if report is not None:
        options.observer = report.add

    def warn(message: str) -> None:
        if not quiet or ": duplicate id" not in message:
            click.echo(f"cleaner: {terminal_safe(message)}", err=True)  # file names and ids are input

    outputs = [
        Output("DEST", destination, folder=folder_dest),
        *([Output("--rejects", rejects)] if rejects is not None else []),
        *([Output("--stats", str(stats_path))] if stats_path is not None else []),
        *([Output("--report", str(report_path))] if report_path is not None else []),
        *([Output("--state", str(state), folder=True, holds_input=False)] if state is not None else []),
    ]
    try:
        check_outputs(sources, outputs)
    except PathError as e:
        raise UsageLine(str(e)) from e
    for warning in earlier_outputs(sources, destination):
        warn(warning)  # (said even with --quiet)

    def write_side_files(stats: RunStats) -> None:
        if stats_path is not None:
            write_atomic(stats_path, json.dumps(stats.to_json(), indent=2) + "\n")
        if report is not None:
            report.close(stats.to_json())

    options.before_commit = write_side_files  # before DEST is committed, in either engine

    if master is not None and engine != "spark":
        raise click.UsageError("--master goes with --engine spark")
    if engine == "spark":
        from cleaner.spark.session import missing_runtime

        if (problem := missing_runtime()) is not None:
            raise click.ClickException(problem)
    if engine == "local" and not single_file:
        raise click.UsageError("--part-files goes with --engine spark")
    try:
        with sigterm_as_interrupt(), user_errors(destination):
            if engine == "spark":
                from cleaner.spark.engine import run_spark

                stats = run_spark(options, master=master, single_file=single_file, warn=warn)
            else:
                stats = run(options, warn)
    except click.ClickException:
        raise
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (Terminated): the same clean exit
        what, status = ("terminated", 143) if isinstance(e, Terminated) else ("interrupted", 130)
        click.echo(f"cleaner: {what} (outputs are written whole or not at all)", err=True)
        sys.exit(status)
    except Exception as e:
        if debug:
            raise
        raise click.ClickException(f"unexpected error: {type(e).__name__}: {e} (run with --debug)") from e
    if not quiet:
        click.echo(f"cleaner: {stats.summary()}", err=True)
    if not stats.balanced:  # pragma: no cover - an invariant, checked here so it is never silent
        raise click.ClickException("documents in != out + rejected: please report this bug")
    bad = sum(n for reason, n in stats.rejected.items() if reason in BAD_INPUT_REASONS)
    if strict and bad:
        click.echo(f"cleaner: --strict: {bad} documents rejected as bad input", err=True)
        sys.exit(1)


@cli.group("rules", invoke_without_command=True)
@rules_option
@click.option("--json", "as_json", is_flag=True, help="Print the rules as one JSON array of objects.")
@click.pass_context
def rules_command(ctx: click.Context, rules: tuple[Path, ...], as_json: bool) -> None:
    """List every rule id a record's "removed" can carry: the passes' own and the rules files'.

    \b
    cleaner rules check DIR   checks a rules folder before you use it with --rules.
    """
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        ruleset = load_rules(rules)
    rows = rule_listing(ruleset)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        click.echo(f"{row['id']:{width}}  {row['pass']:11} {row['where']:6} {row['description']}{state}")


def rule_listing(ruleset: RuleSet) -> list[dict[str, Any]]:
    """Every rule id a record can carry (:func:`cleaner.passes.record_rule_ids`), then the
    rules files' disabled ones: id, pass, where (``code`` for a pass's own), description."""
    by_id = {rule.id: rule for rule in ruleset}
    docs = {cls.name: (cls.__doc__ or "").strip().splitlines()[0] for cls in registered()}
    rows: list[dict[str, Any]] = []
    for rule_id, pass_name in record_rule_ids(ruleset).items():
        rule = by_id.get(rule_id)
        if rule is None:
            rows.append(
                {
                    "id": rule_id,
                    "pass": pass_name,
                    "where": "code",
                    "description": docs[pass_name],
                    "enabled": True,
                }
            )
        else:
            rows.append(_rule_row(rule))
    rows.extend(_rule_row(rule) for rule in ruleset if not rule.enabled)
    return rows


def _rule_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pass": rule.pass_name,
        "where": rule.where,
        "description": rule.description,
        "enabled": rule.enabled,
        "origin": rule.origin,
    }


@rules_command.command("check")
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, path_type=Path))
def rules_check_command(folder: Path) -> None:
    """Check a rules folder (or file) for use with --rules: fields and their types, patterns
    that compile, and every example of every rule through the real pipeline. Exit status 1
    when anything is wrong, with one line per problem."""
    from cleaner.rulecheck import check_folder

    with user_errors():
        checked, problems = check_folder(folder)
    for problem in problems:
        click.echo(f"cleaner: {problem}", err=True)
    if problems:
        raise click.ClickException(f"{folder}: {len(problems)} problems in {checked} rules checked")
    click.echo(f"{folder}: {checked} rules checked, their examples hold")


def main() -> None:  # pragma: no cover - the console script
    cli(prog_name="cleaner")


if __name__ == "__main__":  # pragma: no cover
    main()
