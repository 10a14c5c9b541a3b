"""Rule-change review: what a new rule set changed, document by document and rule by rule.

A reviewer approves a rule change by looking at what it does to real documents: which documents
changed and how (text, title, captions, kept or rejected), and per rule how many removals it
gained and lost. Two runs are compared by document id; a run is either an output file (optionally
with its rejects file: a line with a ``reason`` and no ``text`` is a reject) or one input cleaned
under a rule set (see :mod:`cleaner.report.commands`).

Paragraph changes are labelled with the rule responsible, found by matching the paragraph against
the two runs' ``removed`` lists: ``+rule`` when the new run removes text the old one kept (a
removal gained), ``-rule`` when the old run removed text the new one keeps (a removal lost).

This module is the comparison itself; it is shown by the same renderers as one run's report:
:func:`cleaner.report.terminal.render_compare_terminal` and
:func:`cleaner.report.html.write_compare_html`.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import IO, Any

from cleaner.layout import PARAGRAPH_SEPARATOR
from cleaner.report.model import ReportItem
from cleaner.report.page import number
from cleaner.report.spans import hunks

MAX_DETAILS = 1000  # changed documents kept in full; all are counted

KINDS = {
    "changed": "changed",
    "now-rejected": "kept → rejected",
    "no-longer-rejected": "rejected → kept",
    "reason-changed": "reject reason changed",
    "added": "only in new",
    "missing": "only in old",
}


class CompareError(ValueError):
    """An input to compare cannot be read (not JSONL, no ``id``)."""


@dataclass(frozen=True)
class Outcome:
    """What one run made of one document: its output (``kept``) or its reject reason."""

    id: str
    source: str
    kept: bool
    title: str | None = None
    text: str = ""
    captions: tuple[str, ...] = ()
    rules: Mapping[str, int] = field(default_factory=dict)
    removed: tuple[tuple[str, str, str], ...] = ()  # (rule, pass, text) of each removal
    reason: str = ""
    detail: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        """From an output record or a reject record."""
        doc_id, source = str(data.get("id", "")), str(data.get("source", ""))
        if "text" not in data and "reason" in data:
            return cls(
                doc_id, source, False, reason=str(data["reason"]), detail=str(data.get("detail") or "")
            )
        entries = [e for e in data.get("removed") or [] if isinstance(e, dict)]
        removed = tuple(
            (str(e.get("rule", "?")), str(e.get("pass", "")), str(e.get("text", ""))) for e in entries
        )
        title = data.get("title")
        return cls(
            doc_id,
            source,
            True,
            title=title if isinstance(title, str) else None,
            text=str(data.get("text") or ""),
            captions=tuple(str(c) for c in data.get("captions") or []),
            rules=dict(Counter(rule for rule, _, _ in removed)),
            removed=removed,
        )

    @classmethod
    def from_item(cls, item: ReportItem) -> Outcome:
        """From what a run's observer saw."""
        if item.record is not None:
            return cls.from_json(item.record)
        reject = dict(item.reject or {})
        reject.setdefault("reason", "rejected")
        reject.setdefault("id", item.id)
        reject.setdefault("source", item.source)
        reject.pop("text", None)
        return cls.from_json(reject)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split(PARAGRAPH_SEPARATOR) if self.text else []

    @property
    def state(self) -> str:
        return "kept" if self.kept else f"rejected: {self.reason}"


def read_outcomes(path: str | Path) -> Iterator[Outcome]:
    """The outcomes in an output (or rejects) JSONL file, ``.gz`` or not."""
    path = Path(path)
    gz = path.name.endswith(".gz")
    opened: IO[str] = gzip.open(path, "rt", encoding="utf-8") if gz else path.open(encoding="utf-8")  # noqa: SIM115
    with opened as handle:
        for number_, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as e:
                raise CompareError(f"{path}:{number_}: not JSON ({e.msg})") from e
            if not isinstance(data, dict) or "id" not in data:
                raise CompareError(f"{path}:{number_}: not a cleaner record (no id)")
            yield Outcome.from_json(data)


@dataclass
class RuleDelta:
    """A rule's removals in the two runs; gained and lost are counted per document kept by both."""

    rule: str
    pass_name: str = ""
    old: int = 0
    new: int = 0
    gained: int = 0
    lost: int = 0
    documents: int = 0  # documents whose count for this rule changed


@dataclass(frozen=True)
class DiffLine:
    """A line of a document's comparison: sign (" ", "-", "+", "@"), text, labels, and its pair."""

    sign: str
    text: str
    labels: tuple[str, ...] = ()
    pair: str | None = None  # for a "-"/"+" pair: the other side, to highlight what changed


@dataclass
class DocChange:
    id: str
    source: str
    kind: str
    fields: tuple[str, ...]
    old: Outcome | None
    new: Outcome | None
    gained: Counter[str]
    lost: Counter[str]

    @property
    def rules(self) -> list[str]:
        return sorted(set(self.gained) | set(self.lost))


@dataclass
class Comparison:
    old_name: str
    new_name: str
    old_docs: int = 0
    new_docs: int = 0
    old_kept: int = 0
    new_kept: int = 0
    unchanged: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    rules: dict[str, RuleDelta] = field(default_factory=dict)
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[DocChange] = field(default_factory=list)

    @property
    def total_changes(self) -> int:
        return sum(self.kinds.values())

    def rule(self, rule: str, pass_name: str = "") -> RuleDelta:
        delta = self.rules.get(rule)
        if delta is None:
            delta = self.rules[rule] = RuleDelta(rule, pass_name)
        if pass_name and not delta.pass_name:
            delta.pass_name = pass_name
        return delta

    def sorted_rules(self) -> list[RuleDelta]:
        """Rules that changed first (by size of change), then the rest by count."""
        return sorted(self.rules.values(), key=lambda d: (-(d.gained + d.lost), -(d.old + d.new), d.rule))


def compare(
    old: Iterable[Outcome],
    new: Iterable[Outcome],
    *,
    old_name: str = "old",
    new_name: str = "new",
    max_details: int = MAX_DETAILS,
) -> Comparison:
    """Compare two runs by document id. The old run is held in memory, the new one streamed."""
    result = Comparison(old_name, new_name)
    before: dict[str, Outcome] = {}
    for outcome in old:
        before[outcome.id] = outcome
        result.old_docs += 1
        result.old_kept += outcome.kept
        _count_rules(result, outcome, "old")

    def keep(change: DocChange) -> None:
        result.kinds[change.kind] += 1
        if len(result.changes) < max_details:
            result.changes.append(change)

    for outcome in new:
        result.new_docs += 1
        result.new_kept += outcome.kept
        _count_rules(result, outcome, "new")
        previous = before.pop(outcome.id, None)
        if previous is None:
            keep(DocChange(outcome.id, outcome.source, "added", (), None, outcome, Counter(), Counter()))
            continue
        change = _diff_outcomes(result, previous, outcome)
        if change is None:
            result.unchanged += 1
        else:
            keep(change)
    for outcome in before.values():
        keep(DocChange(outcome.id, outcome.source, "missing", (), outcome, None, Counter(), Counter()))
    return result


def _count_rules(result: Comparison, outcome: Outcome, side: str) -> None:
    passes = {rule: pass_name for rule, pass_name, _ in outcome.removed}
    for rule, n in outcome.rules.items():
        delta = result.rule(rule, passes.get(rule, ""))
        if side == "old":
            delta.old += n
        else:
            delta.new += n


def _diff_outcomes(result: Comparison, old: Outcome, new: Outcome) -> DocChange | None:
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    if old.kept and new.kept:
        for rule in set(old.rules) | set(new.rules):
            diff = new.rules.get(rule, 0) - old.rules.get(rule, 0)
            delta = result.rule(rule)
            if diff:
                delta.documents += 1
            if diff > 0:
                gained[rule], delta.gained = diff, delta.gained + diff
            elif diff < 0:
                lost[rule], delta.lost = -diff, delta.lost - diff
        fields = tuple(
            name
            for name, changed in (
                ("text", old.text != new.text),
                ("title", old.title != new.title),
                ("captions", old.captions != new.captions),
                ("removals", bool(gained or lost)),
            )
            if changed
        )
        if not fields:
            return None
        return DocChange(new.id, new.source, "changed", fields, old, new, gained, lost)
    if old.kept != new.kept:
        result.transitions[(old.state, new.state)] += 1
        kind = "now-rejected" if old.kept else "no-longer-rejected"
        return DocChange(new.id, new.source, kind, ("reason",), old, new, gained, lost)
    if old.reason != new.reason:
        result.transitions[(old.state, new.state)] += 1
        return DocChange(new.id, new.source, "reason-changed", ("reason",), old, new, gained, lost)
    return None


def _labels(
    paragraph: str, removed_here: Iterable[tuple[str, str, str]], other: set[str], sign: str
) -> tuple[str, ...]:
    """Rules whose removed text lies in ``paragraph`` and that the other run did not remove."""
    found: dict[str, None] = {}
    for rule, _, text in removed_here:
        text = text.strip()
        if text and text not in other and text in paragraph:
            found[f"{sign}{rule}"] = None
    return tuple(found)


def diff_lines(change: DocChange) -> list[DiffLine]:
    """The paragraphs of a changed document, old against new, with ``@`` hunk headers.

    A paragraph the new run no longer has is ``-`` and labelled with the new run's rules that
    removed text in it; a paragraph only the new run has is ``+`` and labelled with the old run's.
    """
    old, new = change.old, change.new
    if old is None or new is None or not (old.kept and new.kept):
        return []
    lines: list[DiffLine] = []
    if old.title != new.title:
        lines += [DiffLine("-", f"title: {old.title or ''}"), DiffLine("+", f"title: {new.title or ''}")]
    if old.captions != new.captions:
        for caption in old.captions:
            if caption not in new.captions:
                lines.append(DiffLine("-", f"caption: {caption}"))
        for caption in new.captions:
            if caption not in old.captions:
                lines.append(DiffLine("+", f"caption: {caption}"))
    old_texts = {text.strip() for _, _, text in old.removed}
    new_texts = {text.strip() for _, _, text in new.removed}
    a, b = old.paragraphs, new.paragraphs
    body: list[DiffLine] = []
    changed: list[bool] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            body += [DiffLine(" ", p) for p in a[i1:i2]]
            changed += [False] * (i2 - i1)
            continue
        olds, news = a[i1:i2], b[j1:j2]
        pairs = min(len(olds), len(news)) if op == "replace" else 0
        for n, paragraph in enumerate(olds):
            pair = news[n] if n < pairs else None
            body.append(DiffLine("-", paragraph, _labels(paragraph, new.removed, old_texts, "+"), pair))
            changed.append(True)
            if pair is not None:
                body.append(DiffLine("+", pair, _labels(pair, old.removed, new_texts, "-"), paragraph))
                changed.append(True)
        for paragraph in news[pairs:]:
            body.append(DiffLine("+", paragraph, _labels(paragraph, old.removed, new_texts, "-")))
            changed.append(True)
    lines += _hunked(body, changed)
    return lines


def _hunked(body: list[DiffLine], changed: list[bool]) -> list[DiffLine]:
    """``body`` cut to its hunks, each led by an ``@`` line saying where it starts on each side."""
    starts: list[tuple[int, int]] = []  # (old paragraph number, new paragraph number) before each line
    old_no = new_no = 0
    for line in body:
        starts.append((old_no, new_no))
        old_no += line.sign in " -"
        new_no += line.sign in " +"
    out: list[DiffLine] = []
    for hunk in hunks(changed):
        old_start, new_start = starts[hunk[0]]
        out.append(DiffLine("@", f"@@ paragraph {old_start + 1} → {new_start + 1} @@"))
        out.extend(body[n] for n in hunk)
    return out


def docs_summary(total: int, kept: int) -> str:
    """A run's documents in one phrase: ``1,200 documents: 1,150 kept, 50 rejected``."""
    return f"{number(total)} documents: {number(kept)} kept, {number(total - kept)} rejected"
