"""Options shared by the commands that read input (``run``, ``diff``, ``compare``): one definition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

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
