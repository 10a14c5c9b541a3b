"""What a report is made of: one item per input document, as the run decided it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReportItem:
    """One document of a run: its input paragraphs and its output record or its reject.

    ``input_lines`` are the paragraphs the input was split into (see :mod:`cleaner.layout`);
    replaying ``record["removed"]`` on them gives ``record["text"]``. They are ``None`` for
    input that could not be read at all.
    """

    id: str
    source: str
    input_lines: tuple[str, ...] | None
    record: dict[str, Any] | None = None
    reject: dict[str, Any] | None = None
