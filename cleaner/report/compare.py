"""Rule-change review: what a new rule set changed, document by document and rule by rule.

A reviewer approves a rule change by looking at what it does to real documents: which documents
changed and how (text, title, captions, kept or rejected), and per rule how many removals it
gained and lost. Two runs are compared by document id; a run is either an output file (optionally
with its rejects file: a line with a ``reason`` and no ``text`` is a reject) or one input cleaned
under a rule set (see :mod:`cleaner.report.commands`).

Paragraph changes are labelled with the rule responsible, found by matching the paragraph against
the two runs' ``removed`` lists: ``+rule`` when the new run removes text the old one kept (a
removal gained), ``-rule`` when the old run removed text the new one keeps (a removal lost).
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
from cleaner.report.page import (
    esc,
    filter_bar,
    filter_button,
    number,
    page,
    pass_of,
    reason_tag,
    select_filter,
    tag,
    text_filter,
    word,
    write_atomic,
)
from cleaner.report.spans import Label, visible
from cleaner.report.terminal import BOLD, CYAN, GREEN, GREEN_BG, RED, RED_BG, RESET, YELLOW
from cleaner.textdiff import span_edits

MAX_DETAILS = 1000  # changed documents kept in full; all are counted
PAGE_SIZE = 100
CONTEXT = 1

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
    wanted = [False] * len(body)
    for n, flag in enumerate(changed):
        if flag:
            for m in range(max(0, n - CONTEXT), min(len(body), n + CONTEXT + 1)):
                wanted[m] = True
    out: list[DiffLine] = []
    old_no = new_no = 0
    last = -2
    for n, line in enumerate(body):
        if wanted[n]:
            if n != last + 1:
                out.append(DiffLine("@", f"@@ paragraph {old_no + 1} → {new_no + 1} @@"))
            out.append(line)
            last = n
        old_no += line.sign in " -"
        new_no += line.sign in " +"
    return out


# -- terminal ---------------------------------------------------------------------------------


def _paint(color: bool, code: str, text: str) -> str:
    return f"{code}{text}{RESET}" if color and text else text


def _highlight(line: DiffLine, color: bool) -> str:
    """The text of a ``-``/``+`` line with the characters that differ from its pair marked."""
    if line.pair is None:
        return line.text
    old, new = (line.text, line.pair) if line.sign == "-" else (line.pair, line.text)
    out: list[str] = []
    pos = 0
    source = old if line.sign == "-" else new
    shift = 0
    for start, end, replacement in span_edits(old, new):
        if line.sign == "-":
            out.append(source[pos:start])
            piece = visible(old[start:end])
            if piece:
                out.append(_paint(True, RED_BG, piece) if color else f"[-{piece}-]")
            pos = end
        else:
            s = start + shift
            out.append(source[pos:s])
            piece = visible(replacement)
            if piece:
                out.append(_paint(True, GREEN_BG, piece) if color else f"{{+{piece}+}}")
            pos = s + len(replacement)
            shift += len(replacement) - (end - start)
    out.append(source[pos:])
    return "".join(out)


def _format_line(line: DiffLine, color: bool) -> str:
    if line.sign == "@":
        return _paint(color, CYAN, line.text)
    text = f"{line.sign} {_highlight(line, color)}"
    colour = {"-": RED, "+": GREEN}.get(line.sign)
    if colour and color:
        text = colour + text.replace(RESET, RESET + colour) + RESET
    if line.labels:
        text += "  " + _paint(color, YELLOW, "[" + ", ".join(line.labels) + "]")
    return text


def _counts(counter: Mapping[str, int], sign: str) -> str:
    return ", ".join(f"{sign}{rule} {n}" for rule, n in sorted(counter.items()))


def render_compare_terminal(result: Comparison, *, color: bool) -> str:
    """The comparison as text: totals, the rules table, reject changes, then each changed document."""
    out = [
        _paint(color, BOLD, f"--- old: {result.old_name} ({_docs(result.old_docs, result.old_kept)})"),
        _paint(color, BOLD, f"+++ new: {result.new_name} ({_docs(result.new_docs, result.new_kept)})"),
        "documents: "
        + ", ".join(
            [f"{number(result.unchanged)} unchanged"]
            + [f"{number(n)} {label}" for kind, label in KINDS.items() if (n := result.kinds.get(kind, 0))]
        ),
    ]
    deltas = [d for d in result.sorted_rules() if d.gained or d.lost]
    if deltas:
        width = max(24, *(len(d.rule) for d in deltas))
        out += ["", f"{'rule':{width}}  {'old':>7}  {'new':>7}  {'gained':>7}  {'lost':>7}  {'docs':>5}"]
        for d in deltas:
            gained = f"+{d.gained}" if d.gained else "0"
            lost = f"-{d.lost}" if d.lost else "0"
            out.append(f"{d.rule:{width}}  {d.old:>7}  {d.new:>7}  {gained:>7}  {lost:>7}  {d.documents:>5}")
    same = len(result.rules) - len(deltas)
    if same:
        out.append(f"({same} other rules removed the same in both runs)")
    if result.transitions:
        out += ["", "rejects changed:"]
        for (before, after), n in sorted(result.transitions.items()):
            out.append(f"  {before} → {after}: {n}")
    if result.changes:
        out += ["", "labels: +rule = the new run removes this text, -rule = the old run removed it"]
    for change in result.changes:
        out.append("")
        out.append(_paint(color, BOLD, _change_title(change)))
        out.extend(_format_line(line, color) for line in diff_lines(change))
    hidden = result.total_changes - len(result.changes)
    if hidden > 0:
        out += ["", f"... and {number(hidden)} more changed documents (not shown)"]
    if not result.total_changes:
        out += ["", "no document changed"]
    return "\n".join(out) + "\n"


def _docs(total: int, kept: int) -> str:
    return f"{number(total)} documents: {number(kept)} kept, {number(total - kept)} rejected"


def _change_title(change: DocChange) -> str:
    sign = {"added": "+", "missing": "-"}.get(change.kind, "~")
    text = f"{sign} {change.id} ({change.source}): {KINDS[change.kind]}"
    if change.kind == "changed":
        text += f" [{', '.join(change.fields)}]"
    elif change.old is not None and change.new is not None:
        text += f": {change.old.state} → {change.new.state}"
        detail = change.new.detail or change.old.detail
        if detail and not change.new.kept:
            text += f" ({detail})"
    elif change.new is not None:
        text += f" ({change.new.state})"
    elif change.old is not None:
        text += f" (was {change.old.state})"
    rules = ", ".join(x for x in (_counts(change.gained, "+"), _counts(change.lost, "-")) if x)
    return text + (f"  rules: {rules}" if rules else "")


# -- HTML -------------------------------------------------------------------------------------


def _html_text(line: DiffLine) -> str:
    """The escaped text of a line, the differing characters of a pair in ``<del>``/``<ins>``."""
    if line.pair is None:
        kind = {"-": "del", "+": "ins"}.get(line.sign)
        return f"<{kind}>{esc(line.text)}</{kind}>" if kind else esc(line.text)
    old, new = (line.text, line.pair) if line.sign == "-" else (line.pair, line.text)
    out: list[str] = []
    pos = 0
    shift = 0
    for start, end, replacement in span_edits(old, new):
        if line.sign == "-":
            out.append(esc(old[pos:start]))
            if end > start:
                out.append(f"<del>{esc(visible(old[start:end]))}</del>")
            pos = end
        else:
            s = start + shift
            out.append(esc(new[pos:s]))
            if replacement:
                out.append(f"<ins>{esc(visible(replacement))}</ins>")
            pos = s + len(replacement)
            shift += len(replacement) - (end - start)
    out.append(esc((old if line.sign == "-" else new)[pos:]))
    return "".join(out)


def _label_tag(text: str, passes: Mapping[str, str], count: int = 0) -> str:
    """``+rule`` (a removal gained) or ``-rule`` (lost) as a tag in the rule's colour."""
    sign, rule = text[0], text[1:]
    shown = ("+" if sign == "+" else "−") + rule + (f" {count}" if count else "")
    kind = "gain" if sign == "+" else "loss"
    return tag(Label(rule, passes.get(rule, "")), extra=f"delta {kind}", text=shown)


def _html_change(change: DocChange, position: int, passes: Mapping[str, str]) -> str:
    rules = " ".join(word(r) for r in change.rules)
    attrs = (
        f'class="doc" id="c{position}" data-rule="{esc(rules)}" data-kind="{esc(change.kind)}" '
        f'data-source="{esc(change.source)}"'
    )
    head = [f"<h3>{esc(change.id)}</h3>", f'<span class="src">{esc(change.source)}</span>']
    head.append(f'<span class="tag state">{esc(KINDS[change.kind])}</span>')
    if change.old is not None and change.new is not None and change.kind != "changed":
        for outcome in (change.old, change.new):
            head.append(
                reason_tag(outcome.reason) if not outcome.kept else '<span class="tag kept">kept</span>'
            )
    tags = "".join(
        _label_tag(f"+{rule}", passes).replace("</span>", f" {n}</span>", 1)
        for rule, n in sorted(change.gained.items())
    ) + "".join(
        _label_tag(f"-{rule}", passes).replace("</span>", f" {n}</span>", 1)
        for rule, n in sorted(change.lost.items())
    )
    if change.kind == "changed":
        head.append(f'<span class="src">{esc(", ".join(change.fields))}</span>')
    tags_html = f'<div class="tags">{tags}</div>' if tags else ""
    parts = [f"<header>{''.join(head)}{tags_html}</header>"]
    detail = ""
    if change.new is not None and not change.new.kept:
        detail = change.new.detail
    if detail:
        parts.append(f'<div class="reject">{esc(detail)}</div>')
    rows: list[str] = []
    for line in diff_lines(change):
        if line.sign == "@":
            rows.append(f'<p class="hunk">{esc(line.text)}</p>')
            continue
        css = {" ": "para", "-": "para dropped", "+": "para added"}[line.sign]
        labels = "".join(_label_tag(label, passes) for label in line.labels)
        rows.append(
            f'<p class="{css}"><span class="sign">{esc(line.sign)}</span>{labels}{_html_text(line)}</p>'
        )
    if rows:
        parts.append(f'<div class="body">{"".join(rows)}</div>')
    return f"<article {attrs}{' hidden' if position >= PAGE_SIZE else ''}>{''.join(parts)}</article>"


def write_compare_html(
    path: str | Path, result: Comparison, *, title: str = "cleaner rule-change review"
) -> None:
    """The comparison as one self-contained HTML page (same safety rules as the run report)."""
    passes = {d.rule: d.pass_name for d in result.rules.values()}
    cards = [
        ("Unchanged", number(result.unchanged), "good"),
        *(
            (label, number(n), "bad")
            for kind, label in KINDS.items()
            if (n := result.kinds.get(kind, 0)) or kind == "changed"
        ),
    ]
    card_html = "".join(
        f'<div class="card {cls}"><div class="n">{value}</div><div class="k">{esc(key)}</div></div>'
        for key, value, cls in cards
    )
    deltas = result.sorted_rules()
    moved = [d for d in deltas if d.gained or d.lost]
    same = [d for d in deltas if not (d.gained or d.lost)]
    rules_table = (
        _rules_table(moved) if moved else '<p class="empty">Every rule removed the same in both runs.</p>'
    )
    if same:
        rules_table += (
            f"<details><summary>{number(len(same))} rules removed the same in both runs</summary>"
            f"{_rules_table(same)}</details>"
        )
    transitions = "".join(
        f"<tr><td>{esc(before)}</td><td>{esc(after)}</td><td class=num>{number(n)}</td></tr>"
        for (before, after), n in sorted(result.transitions.items())
    )
    rejects = (
        "<h2>Rejects changed</h2><table><thead><tr><th>Old</th><th>New</th><th class=num>Documents</th></tr>"
        f"</thead><tbody>{transitions}</tbody></table>"
        if transitions
        else ""
    )
    hidden = result.total_changes - len(result.changes)
    note = (
        f"{number(result.total_changes)} documents differ; "
        + (
            f"the first {number(len(result.changes))} are shown below (all are counted). "
            if hidden > 0
            else "all are shown below, "
        )
        + f"{PAGE_SIZE} to a page. Labels: <strong>+rule</strong> the new run removes this text, "
        "<strong>−rule</strong> the old run removed it."
    )
    rules_in_changes = sorted({rule for c in result.changes for rule in c.rules})
    sources = sorted({c.source for c in result.changes})[:500]
    filters = filter_bar(
        [
            select_filter(
                "rule",
                "Rule",
                "any rule",
                [(r, r) for r in sorted(rules_in_changes, key=lambda r: (pass_of(r), r))],
            ),
            text_filter("source", "Source", "any source", sources),
            select_filter(
                "kind", "Change", "any change", [(k, v) for k, v in KINDS.items() if result.kinds.get(k)]
            ),
        ],
        len(result.changes),
    )
    body = "\n".join(
        [
            "<main>",
            f"<header><h1>{esc(title)}</h1>",
            f'<p class="sub">{_side("Old", result.old_name, result.old_docs, result.old_kept)} · '
            f"{_side('New', result.new_name, result.new_docs, result.new_kept)}</p></header>",
            f'<div class="cards">{card_html}</div>',
            f'<p class="note">{note}</p>',
            f"<h2>Rules</h2>{rules_table}",
            rejects,
            "<h2>Changed documents</h2>",
            filters,
            '<section id="documents">',
            *(_html_change(change, n, passes) for n, change in enumerate(result.changes)),
            "" if result.changes else '<p class="empty">No document changed.</p>',
            "</section>",
            "<footer>Written by cleaner. Document text is shown as text: nothing from a document "
            "is run or loaded.</footer>",
            "</main>",
        ]
    )
    write_atomic(path, page(title, body, page_size=PAGE_SIZE))


def _side(which: str, name: str, total: int, kept: int) -> str:
    return f"{which}: <code>{esc(name)}</code> ({esc(_docs(total, kept))})"


def _rules_table(deltas: list[RuleDelta]) -> str:
    rows = "".join(
        f"<tr><td>{filter_button('rule', d.rule, tag(Label(d.rule, d.pass_name)))}</td>"
        f"<td class=num>{number(d.old)}</td><td class=num>{number(d.new)}</td>"
        f'<td class="num plus">{"+" + number(d.gained) if d.gained else ""}</td>'
        f'<td class="num minus">{"−" + number(d.lost) if d.lost else ""}</td>'
        f"<td class=num>{number(d.documents)}</td></tr>"
        for d in deltas
    )
    return (
        "<table><thead><tr><th>Rule</th><th class=num>Old removals</th><th class=num>New removals</th>"
        "<th class=num>Gained</th><th class=num>Lost</th><th class=num>Documents changed</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
