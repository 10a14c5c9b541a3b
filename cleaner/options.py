"""What a run is asked to do: the options every engine and command shares, with named defaults.

Kept apart from :mod:`cleaner.runner` so that the Spark engine, the review commands and the CLI
can build and read options without importing the local engine. The dedup defaults are the
dedup modules' own constants, so no engine has a number of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.dedup.boilerplate import BOILERPLATE_MIN_DOCS, BOILERPLATE_MIN_SHARE, BOILERPLATE_THRESHOLD
from cleaner.dedup.documents import DOCUMENT_THRESHOLD
from cleaner.readers import ReadOptions
from cleaner.records import ReportItem
from cleaner.stats import RunStats


class RunError(Exception):
    """A run that cannot start or go on (the message is one line for the user)."""


@dataclass(frozen=True)
class DedupOptions:
    """Near-duplicate documents and site boilerplate: whether, and at which thresholds.

    ``duplicate_threshold``: the estimated Jaccard at which a document duplicates an earlier
    one. A paragraph is a source's boilerplate when it appears (at ``boilerplate_threshold``
    similarity) in at least ``boilerplate_min_docs`` of its documents and in at least
    ``boilerplate_min_share`` of them.
    """

    enabled: bool = True
    duplicate_threshold: float = DOCUMENT_THRESHOLD
    boilerplate_min_docs: int = BOILERPLATE_MIN_DOCS
    boilerplate_threshold: float = BOILERPLATE_THRESHOLD
    boilerplate_min_share: float = BOILERPLATE_MIN_SHARE

    def fingerprint(self) -> list[object]:
        """What a resumed run must find unchanged."""
        return [
            self.enabled,
            self.duplicate_threshold,
            self.boilerplate_min_docs,
            self.boilerplate_threshold,
            self.boilerplate_min_share,
        ]


@dataclass
class RunOptions:
    """One run: its input and outputs, the rules and filters, dedup, and how it is carried out.

    ``destination`` None decides and reports but writes no output file (the review commands);
    ``observer`` receives every document as a :class:`~cleaner.records.ReportItem`, in order.
    ``before_commit`` writes the run's side files (stats, report) once every record is out and
    before DEST and the rejects appear, so a failure there leaves the old outputs in place.
    """

    sources: list[str]
    destination: str | None
    rejects: str | None = None
    rules: list[Path] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    read: ReadOptions = field(default_factory=ReadOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    state: Path | None = None
    observer: Callable[[ReportItem], None] | None = None
    jobs: int = 1
    shard_size: int | None = None
    resume: bool = False
    progress: bool = False
    before_commit: Callable[[RunStats], None] | None = None
