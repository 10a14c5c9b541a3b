"""What the commands share, defined once: the options that say how input is read
(``run``, ``diff``, ``compare``), ``--rules``, the sources argument with its check, and how
errors the user can act on become one-line messages.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from cleaner.dedup.state import StateError
from cleaner.options import DedupOptions, RunError
from cleaner.passes.content import CONTENT_MODES, DEFAULT_CONTENT_MODE
from cleaner.readers import MAX_DOC_BYTES, ReadOptions
from cleaner.rules import RuleError

F = TypeVar("F", bound=Callable[..., Any])


def split_langs(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...] | str | None
) -> list[str]:
    """``--lang en,de --lang fr`` as ``["en", "de", "fr"]`` (repeated options add up), each a
    code langdetect knows (case does not matter); anything else is a usage error, since a
    code no document can carry would reject every document."""
    from cleaner.language import known_languages

    values = (value,) if isinstance(value, str) else value or ()
    codes = [code.strip().lower() for v in values for code in v.split(",") if code.strip()]
    known = known_languages()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(map(repr, unknown))}: not a language code langdetect knows "
            f"(one of {', '.join(sorted(known))})",
            param_hint="--lang",
        )
    return list(dict.fromkeys(codes))


def read_options(func: F) -> F:
    """``--lang``, ``--text-field``, ``--id-field``, ``--title-field``, ``--max-doc-bytes``: how
    input is read. The command receives their values under those names; :func:`read_from` makes
    the last four a :class:`ReadOptions`."""
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--lang",
            "languages",
            multiple=True,
            callback=split_langs,
            metavar="CODES",
            help="Keep only these languages, e.g. en,de (repeatable); others go to rejects.",
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
        click.option(
            "--max-doc-bytes",
            type=click.IntRange(1),
            default=MAX_DOC_BYTES,
            show_default=True,
            help="Reject larger documents as too-large (a text file's bytes, unpacked; a JSONL line's).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def content_option(func: F) -> F:
    """``--content``: how readily the content pass takes menus, link lists and footers out of
    page text (``run``, and ``diff`` and ``compare`` to re-create a run)."""
    return click.option(
        "--content",
        "content",
        type=click.Choice(CONTENT_MODES),
        default=DEFAULT_CONTENT_MODE,
        show_default=True,
        help="Find the article in page text: how readily menus, link lists and footers go.",
    )(func)


def dedup_options(func: F) -> F:
    """``--no-dedup``, ``--dup-threshold``, ``--boilerplate-min-docs``, ``--boilerplate-min-share``:
    near-duplicate documents and site boilerplate (``run``, and ``diff`` to re-create a run).

    The command receives ``no_dedup``, ``dup_threshold``, ``min_docs`` and ``min_share``;
    :func:`dedup_from` makes them a :class:`DedupOptions`.
    """
    options: list[Callable[[Any], Any]] = [
        click.option("--no-dedup", is_flag=True, help="Skip near-duplicate documents and site boilerplate."),
        click.option(
            "--dup-threshold",
            type=click.FloatRange(0.0, 1.0),
            default=DedupOptions.duplicate_threshold,
            show_default=True,
            help="Estimated Jaccard at which a document duplicates an earlier one.",
        ),
        click.option(
            "--boilerplate-min-docs",
            "min_docs",
            type=click.IntRange(2),
            default=DedupOptions.boilerplate_min_docs,
            show_default=True,
            help="Documents of one source a paragraph must appear in to be boilerplate.",
        ),
        click.option(
            "--boilerplate-min-share",
            "min_share",
            type=click.FloatRange(0.0, 1.0),
            default=DedupOptions.boilerplate_min_share,
            show_default=True,
            help="Share of a source's documents a paragraph must appear in to be boilerplate.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def dedup_from(no_dedup: bool, dup_threshold: float, min_docs: int, min_share: float) -> DedupOptions:
    """The :class:`DedupOptions` of :func:`dedup_options`' values."""
    return DedupOptions(
        enabled=not no_dedup,
        duplicate_threshold=dup_threshold,
        boilerplate_min_docs=min_docs,
        boilerplate_min_share=min_share,
    )


def read_from(text_field: str, id_field: str, title_field: str, max_doc_bytes: int) -> ReadOptions:
    """The :class:`ReadOptions` of :func:`read_options`' values."""
    return ReadOptions(
        text_field=text_field, id_field=id_field, title_field=title_field, max_doc_bytes=max_doc_bytes
    )


# The parameters of the options above that change what a run decides (``diff`` refuses them
# when it reads a finished run instead of running one).
RUN_PARAMETERS = (
    "rules",
    "languages",
    "text_field",
    "id_field",
    "title_field",
    "max_doc_bytes",
    "content",
    "no_dedup",
    "dup_threshold",
    "min_docs",
    "min_share",
)


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
        if source != "-" and (html := html_only(Path(source))) is not None:
            raise click.BadParameter(
                f"{html}: cleaner cleans the text of articles, not web pages. Extract the text "
                "first (e.g. with trafilatura: trafilatura --input-dir pages/ --output-dir text/), "
                "then run cleaner on the .txt or .jsonl files",
                param_hint="SOURCE",
            )


HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


def html_only(path: Path) -> str | None:
    """What is wrong when ``path`` is an HTML file, or a folder holding HTML files and no input
    (no .txt or .jsonl file); None otherwise. HTML cleaned as text would keep its markup and
    lose its structure; skipped, the run would silently do nothing."""
    if path.is_file():
        return f"{path} is an HTML file" if path.name.lower().endswith(HTML_SUFFIXES) else None
    if not path.is_dir():
        return None
    html = False
    for _dirpath, _dirnames, filenames in os.walk(path, followlinks=True):
        for name in filenames:
            lower = name.lower()
            if lower.endswith((".txt", ".jsonl", ".jsonl.gz")):
                return None
            html = html or lower.endswith(HTML_SUFFIXES)
    return f"{path} holds only HTML files" if html else None


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
