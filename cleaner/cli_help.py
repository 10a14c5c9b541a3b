"""``--help`` in sections: click lists a command's options as one flat list, and ``run`` has two
dozen. Each option carries its section as an attribute (``help_section``), set by
:func:`sections` from one table next to the command; :class:`SectionedCommand` prints one
block per section, in the table's order. (click has no option groups of its own; the
``click-option-group`` package would do this, but not for one command's help text.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SECTION_ATTRIBUTE = "help_section"
OTHER = "Other options"


def sections(table: Mapping[str, Sequence[str]]) -> Callable[[F], F]:
    """Put each option named in ``table`` (section title -> parameter names) in its section.

    Applied above the command's options. An option the table does not name is listed under
    "Other options" (tests/test_cli_first_contact.py checks that ``run`` leaves none there).
    """
    where = {name: (rank, title) for rank, (title, names) in enumerate(table.items()) for name in names}

    def apply(func: F) -> F:
        for param in getattr(func, "__click_params__", []):
            if isinstance(param, click.Option) and param.name in where:
                setattr(param, SECTION_ATTRIBUTE, where[param.name])  # (rank, title)
        return func

    return apply


class SectionedCommand(click.Command):
    """A command whose ``--help`` lists its options by section (see :func:`sections`)."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        blocks: dict[tuple[int, str], list[tuple[str, str]]] = {}
        last = (1 << 30, OTHER)  # options in no section (--help) come last
        for param in self.get_params(ctx):
            if not isinstance(param, click.Option):
                continue  # arguments are in the usage line
            record = param.get_help_record(ctx)
            if record is not None:
                blocks.setdefault(getattr(param, SECTION_ATTRIBUTE, last), []).append(record)
        for (_, title), rows in sorted(blocks.items()):
            with formatter.section(title):
                formatter.write_dl(rows)
