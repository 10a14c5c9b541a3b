"""Run statistics: what went in, what came out, what was rejected and removed, by rule.

The same numbers are printed as the one-line summary and written as JSON by ``--stats``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cleaner.document import AppliedEdit


@dataclass
class RunStats:
    documents_in: int = 0
    documents_out: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    removals: Counter[str] = field(default_factory=Counter)
    chars_removed: int = 0
    skipped_files: list[str] = field(default_factory=list)
    index_paragraphs: int = 0
    index_bytes: int = 0
    # The run's exact settings (cleaner.settings.run_settings): what re-creates it.
    settings: dict[str, Any] = field(default_factory=dict)

    def count_edits(self, edits: list[AppliedEdit]) -> None:
        for edit in edits:
            self.removals[edit.rule] += 1
            self.chars_removed += len(edit.text)

    def add_removals(self, removals: Mapping[str, int], chars: int) -> None:
        """Add counts made elsewhere (a worker's :meth:`count_edits` of one document)."""
        self.removals.update(removals)
        self.chars_removed += chars

    def add_outcome(self, reason: str | None, removals: Mapping[str, int], chars: int) -> None:
        """One finished document: rejected for ``reason``, or (None) kept with its removals."""
        if reason is not None:
            self.rejected[reason] += 1
            return
        self.documents_out += 1
        self.add_removals(removals, chars)

    def merge(self, other: RunStats) -> RunStats:
        """Add the counts of ``other`` (another share of the same run) to these; returns self."""
        self.documents_in += other.documents_in
        self.documents_out += other.documents_out
        self.rejected.update(other.rejected)
        self.add_removals(other.removals, other.chars_removed)
        self.skipped_files.extend(other.skipped_files)
        self.index_paragraphs += other.index_paragraphs
        self.index_bytes += other.index_bytes
        return self

    @property
    def documents_rejected(self) -> int:
        return sum(self.rejected.values())

    @property
    def balanced(self) -> bool:
        """Every document is accounted for: in = out + rejected."""
        return self.documents_in == self.documents_out + self.documents_rejected

    def to_json(self) -> dict[str, Any]:
        return {
            "documents_in": self.documents_in,
            "documents_out": self.documents_out,
            "documents_rejected": self.documents_rejected,
            "rejected": dict(sorted(self.rejected.items())),
            "removals": dict(sorted(self.removals.items(), key=lambda kv: (-kv[1], kv[0]))),
            "chars_removed": self.chars_removed,
            "skipped_files": list(self.skipped_files),
            "index_paragraphs": self.index_paragraphs,
            "index_bytes": self.index_bytes,
            **({"settings": self.settings} if self.settings else {}),
        }

    def summary(self) -> str:
        """The one-line summary.

        >>> s = RunStats(3, 2, Counter({"language": 1}), Counter({"junk.ad": 2}))
        >>> s.summary()
        '3 in, 2 out, 1 rejected (language 1); 2 removals (junk.ad 2)'
        """
        rejected = ", ".join(f"{k} {v}" for k, v in sorted(self.rejected.items()))
        line = f"{self.documents_in} in, {self.documents_out} out, {self.documents_rejected} rejected"
        if rejected:
            line += f" ({rejected})"
        total = sum(self.removals.values())
        top = sorted(self.removals.items(), key=lambda kv: (-kv[1], kv[0]))
        line += f"; {total} removals"
        if top:
            line += " (" + ", ".join(f"{k} {v}" for k, v in top) + ")"
        if self.skipped_files:
            line += f"; {len(self.skipped_files)} non-input files skipped"
        return line
