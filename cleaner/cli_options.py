"""What the commands share, defined once: the options that say how input is read
(``run``, ``diff``, ``compare``), ``--rules``, the sources argument with its check, and how
errors the user can act on become one-line messages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from cleaner.dedup.state import StateError
from cleaner.options import RunError
from cleaner.rules import RuleError

F = TypeVar("F", bound=Callable[..., Any])


def split_langs(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str]:
    """``--lang en, de`` as ``["en", "de"]``."""
    if not value:
        return []
    return [code.strip() for code in value.split(",") if code.strip()]


def read_options(func: F) -> F:
    """``--lang``, ``--text-field``, ``--id-field``, ``--title-field``: how input is read."""
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--lang",
            "languages",
            callback=split_langs,
            metavar="CODES",
            help="Keep only these languages, e.g. en,de; others go to rejects.",
        ),
        click.option(
            "--text-field", default="text", show_default=True, help="JSONL field holding the article text."
        ),
        click.option(
            "--id-field", default="id", show_default=True, help="JSONL field holding the document id."
        ),
        click.option(
            "--title-field",
            default="title",
            show_default=True,
            help="JSONL field holding the headline, when the scraper kept it.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def rules_paths_option(flag: str, help: str, metavar: str | None = None) -> Callable[[F], F]:
    """An option naming rules files or folders (repeatable, each must exist)."""
    return click.option(
        flag, multiple=True, type=click.Path(exists=True, path_type=Path), metavar=metavar, help=help
    )


def rules_option(func: F) -> F:
    """``--rules``: rules files or folders layered over the defaults."""
    return rules_paths_option("--rules", "A rules file or folder layered over the defaults (repeatable).")(
        func
    )


def check_sources(sources: Iterable[str]) -> None:
    """Every SOURCE exists (``-`` is standard input): a usage error before any work starts."""
    for source in sources:
        if source != "-" and not Path(source).exists():
            raise click.BadParameter(f"{source}: no such file or directory", param_hint="SOURCE")


def _checked_sources(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    check_sources(value)
    return value


def sources_argument(func: F) -> F:
    """``SOURCE...``: the files, folders or ``-`` to read, checked to exist."""
    return click.argument("sources", nargs=-1, required=True, metavar="SOURCE...", callback=_checked_sources)(
        func
    )


@contextlib.contextmanager
def user_errors(target: str | Path | None = None) -> Iterator[None]:
    """Errors the user can act on (rules, state, options, files) as one-line click errors.

    An OS error without a file name is said of ``target`` (what the command was writing).
    """
    try:
        yield
    except (RuleError, StateError, RunError) as e:
        raise click.ClickException(str(e)) from e
    except OSError as e:
        raise click.ClickException(f"{e.filename or target or 'input'}: {e.strerror or e}") from e
