"""The per-document pipeline: the passes of a run, applied round after round to a fixed point.

:func:`run_passes` is a pure function of a document and the passes of a
:class:`CleaningSetup`, so it runs the same in one process, in worker processes, or on a cluster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.document import Document, apply_edits
from cleaner.passes import Pass, build_passes
from cleaner.rules import RuleSet, load_rules

# One pass can expose work for another; a handful of rounds settles any real document.
MAX_ROUNDS = 10


@dataclass
class CleaningSetup:
    """How documents are cleaned: the rules, the passes built from them, the language filter.

    (Named for what it is, not ``Cleaner``: that name is the package's.)
    """

    rules: RuleSet
    languages: frozenset[str] = frozenset()
    max_rounds: int = MAX_ROUNDS
    passes: list[Pass] = field(init=False)

    def __post_init__(self) -> None:
        self.passes = build_passes(self.rules)

    @classmethod
    def from_options(cls, rules_paths: Iterable[Path] = (), languages: Iterable[str] = ()) -> CleaningSetup:
        return cls(load_rules(rules_paths), frozenset(languages))


def run_passes(doc: Document, passes: list[Pass], max_rounds: int = MAX_ROUNDS) -> int:
    """Apply ``passes`` in order, round after round, until a round changes nothing.

    Within a round, the leading passes that repair text (``normalizes = True``) are first run
    until they settle, so the rules after them see repaired text: a headline with mojibake is
    taken whole, not half repaired. Returns the number of rounds that changed something.

    A pass is a function of the document: one that found nothing is not asked again until some
    other pass has changed the document (the last round, which confirms the fixed point, then
    asks only the passes that ran before the last change).
    """
    settle = 0
    while settle < len(passes) and getattr(passes[settle], "normalizes", False):
        settle += 1
    version = 0  # edits applied so far
    quiet_at: dict[int, int] = {}  # pass index -> the version at which it last found nothing

    def run(i: int) -> int:
        nonlocal version
        if quiet_at.get(i) == version:
            return 0
        applied = apply_edits(doc, passes[i](doc))
        version += applied
        if not applied:
            quiet_at[i] = version
        return applied

    for round_number in range(max_rounds):
        changed = 0
        for _ in range(max_rounds):
            step = sum(run(i) for i in range(settle))
            changed += step
            if not step:
                break
        for i in range(settle, len(passes)):
            changed += run(i)
        if not changed:
            return round_number
    return max_rounds
