"""The HTML review report of a run: ``cleaner run ... --report report.html``.

One self-contained file (no network, no external assets) a reviewer opens in a browser before
trusting a rule set: a summary (documents in, out and rejected by reason, characters removed, the
rules with counts and examples), then documents, each showing its input with the removed spans
struck through and labelled by rule, the title and captions found, or the reason it was rejected.

The report is fed one :class:`~cleaner.report.model.ReportItem` per input document by the run's
observer and must not grow with the run: every document is counted, but only a bounded,
deterministic sample (see :mod:`cleaner.report.sample`) is kept in full, already rendered, and the
page says what was sampled. All document text is escaped (see :mod:`cleaner.report.page`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.report.compare import KINDS, Comparison, DiffLine, DocChange, RuleDelta, diff_lines, docs_summary
from cleaner.report.model import ReportItem
from cleaner.report.page import (
    esc,
    filter_bar,
    filter_button,
    number,
    page,
    pass_of,
    reason_tag,
    render_plain_rows,
    render_row,
    select_filter,
    tag,
    text_filter,
    word,
    write_atomic,
)
from cleaner.report.sample import StableSample, sample_key
from cleaner.report.spans import Label, ReplayError, mark_rows, pair_pieces, visible

PAGE_SIZE = 100  # documents per page: the browser lays out one page, not the whole sample
EXAMPLES_PER_LABEL = 3  # documents kept for every rule and reject reason, however rare
EXAMPLE_TEXTS = 3  # removed texts quoted per rule in the rules table
EXAMPLE_CHARS = 160
MAX_DOC_CHARS = 200_000  # a document longer than this is shown up to here (a scrape gone wrong)
MAX_SOURCE_OPTIONS = 500


@dataclass
class _RuleCount:
    pass_name: str = ""
    removals: int = 0
    documents: int = 0
    chars: int = 0


@dataclass(frozen=True)
class _Shown:
    """A document kept in full: its position, what the filters need, and its rendered HTML."""

    position: int
    doc_id: str
    source: str
    rules: tuple[str, ...]
    reason: str
    attrs: str
    inner: str


def _rules_of(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    removed = record.get("removed") if record else None
    return [e for e in removed if isinstance(e, dict)] if isinstance(removed, list) else []


class HtmlReport:
    """Collects a run's documents and writes the report when the run is over.

    ``add`` is called once per input document, in input order; ``close`` writes the file
    atomically. At most ``max_documents`` documents are kept in full (see the module docstring).
    """

    def __init__(self, path: str | Path, *, max_documents: int = 2000, title: str = "cleaner report") -> None:
        self.path = Path(path)
        self.title = title
        self.max_documents = max_documents
        self._sample: StableSample[_Shown] = StableSample(max_documents, EXAMPLES_PER_LABEL)
        self._count = 0
        self._out = 0
        self._changed = 0
        self._chars_removed = 0
        self._rejected: Counter[str] = Counter()
        self._rules: dict[str, _RuleCount] = {}
        self._examples: dict[str, list[str]] = {}
        self._shown_positions: set[int] = set()

    # -- collecting ---------------------------------------------------------------------------

    def add(self, item: ReportItem) -> None:
        """Count one document, and keep it in full if the sample wants it."""
        position = self._count
        self._count += 1
        entries = _rules_of(item.record)
        reason = ""
        if item.record is None:
            reason = str((item.reject or {}).get("reason") or "rejected")
            self._rejected[reason] += 1
        else:
            self._out += 1
            self._changed += bool(entries)
        per_rule: Counter[str] = Counter()
        for entry in entries:
            rule = str(entry.get("rule", "?"))
            text = str(entry.get("text", ""))
            count = self._rules.setdefault(rule, _RuleCount(str(entry.get("pass", ""))))
            count.removals += 1
            count.chars += len(text)
            self._chars_removed += len(text)
            per_rule[rule] += 1
            self._remember_example(rule, text)
        for rule in per_rule:
            self._rules[rule].documents += 1
        labels = [f"rule:{r}" for r in per_rule] + ([f"reason:{reason}"] if reason else [])
        # Documents with removals or rejects sort first: an unchanged document explains nothing.
        key = sample_key(item.id, position, 0 if labels else 1)
        if self._sample.wants(key, labels):
            self._sample.add(key, labels, self._render(item, position, entries, reason))

    def _remember_example(self, rule: str, text: str) -> None:
        examples = self._examples.setdefault(rule, [])
        text = " ".join(text.split()) or visible(text)  # a removed space is shown as a mark
        if len(examples) < EXAMPLE_TEXTS and text and text not in examples:
            examples.append(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")

    def _render(self, item: ReportItem, position: int, entries: list[dict[str, Any]], reason: str) -> _Shown:
        record, reject = item.record, item.reject
        rules = tuple(dict.fromkeys(str(e.get("rule", "?")) for e in entries))
        classes = "doc rejected" if reason else "doc"
        if reason:
            outcome = f"rejected reason:{word(reason)}"
        else:
            outcome = "kept changed" if entries else "kept unchanged"
        attrs = (
            f'class="{classes}" id="d{position}" data-rule="{esc(" ".join(word(r) for r in rules))}" '
            f'data-source="{esc(item.source)}" data-outcome="{esc(outcome)}"'
        )
        head = [f"<h3>{esc(item.id)}</h3>", f'<span class="src">{esc(item.source)}</span>']
        if reason:
            head.append(reason_tag(reason))
        else:
            head.append('<span class="tag kept">kept</span>')
            if not entries:
                head.append('<span class="tag state">unchanged</span>')
        counts = Counter(
            Label(str(e.get("rule", "?")), str(e.get("pass", "")), None) for e in entries
        ).most_common()
        tags = "".join(tag(label, n) for label, n in counts)
        tags_html = f'<div class="tags">{tags}</div>' if tags else ""
        parts = [f"<header>{''.join(head)}{tags_html}</header>"]
        if reject is not None and reason:
            detail = str(reject.get("detail") or "")
            line = f"<strong>Rejected: {esc(reason)}</strong>"
            if detail:
                line += f" — {esc(detail)}"
            if reject.get("duplicate_of"):
                line += f". Duplicate of <code>{esc(str(reject['duplicate_of']))}</code>"
            parts.append(f'<div class="reject">{line}</div>')
        if record is not None:
            parts.append(_meta(record))
        parts.append(f'<div class="body">{_body(item, entries)}</div>')
        return _Shown(position, item.id, item.source, rules, reason, attrs, "".join(parts))

    # -- writing ------------------------------------------------------------------------------

    def close(self, stats: dict[str, Any]) -> None:
        """Write the report: ``stats`` (``RunStats.to_json()``) gives the run's own counts."""
        shown = self._sample.chosen()
        self._shown_positions = {s.position for s in shown}
        rejected = stats.get("rejected")
        reasons = sorted(set(rejected) if isinstance(rejected, dict) else set(self._rejected))
        removals = stats.get("removals")
        rules = sorted(set(self._rules) | (set(removals) if isinstance(removals, dict) else set()))
        body = "\n".join(
            [
                "<main>",
                self._header(stats, len(shown)),
                self._rejects_table(stats),
                self._rules_table(stats),
                _filters(shown, rules, reasons),
                '<section id="documents">',
                *(
                    f"<article {s.attrs}{' hidden' if n >= PAGE_SIZE else ''}>{s.inner}</article>"
                    for n, s in enumerate(shown)
                ),
                "" if shown else '<p class="empty">No documents.</p>',
                "</section>",
                "<footer>Written by cleaner. Document text is shown as text: nothing from a document "
                "is run or loaded.</footer>",
                "</main>",
            ]
        )
        write_atomic(self.path, page(self.title, body, page_size=PAGE_SIZE))

    def _header(self, stats: dict[str, Any], shown: int) -> str:
        total = int(stats.get("documents_in", self._count))
        out = int(stats.get("documents_out", self._out))
        rejected = int(stats.get("documents_rejected", sum(self._rejected.values())))
        removals = stats.get("removals")
        n_removals = (
            sum(removals.values())
            if isinstance(removals, dict)
            else sum(r.removals for r in self._rules.values())
        )
        chars = int(stats.get("chars_removed", self._chars_removed))
        cards = [
            ("Documents in", number(total), ""),
            ("Kept", number(out), "good"),
            ("Rejected", number(rejected), "bad" if rejected else ""),
            ("Kept and changed", number(self._changed), ""),
            ("Removals", number(n_removals), ""),
            ("Characters removed", number(chars), ""),
        ]
        card_html = "".join(
            f'<div class="card {cls}"><div class="n">{value}</div><div class="k">{esc(key)}</div></div>'
            for key, value, cls in cards
        )
        if shown >= self._count:
            note = (
                f"All {number(self._count)} documents are shown below, {PAGE_SIZE} to a page; "
                "use the filters to find a rule, a source or a reject reason."
            )
        else:
            note = (
                f"<strong>Sampled:</strong> {number(shown)} of {number(self._count)} documents are shown "
                f"below, {PAGE_SIZE} to a page: a stable sample by hash of the document id (the same "
                "documents in every run over this input), documents with removals or rejects first, "
                f"and at least {EXAMPLES_PER_LABEL} examples of every rule and reject reason where the "
                "run has them. Every count on this page covers all documents."
            )
        return (
            f"<header><h1>{esc(self.title)}</h1>"
            f'<p class="sub">What cleaner removed, by rule, and why documents were rejected.</p></header>'
            f'<div class="cards">{card_html}</div><p class="note">{note}</p>'
        )

    def _shown_examples(self, label: str) -> str:
        docs = [d for d in self._sample.examples(label) if d.position in self._shown_positions]
        links = [f'<a href="#d{d.position}" class="mono">{esc(_short(d.doc_id))}</a>' for d in docs]
        return f'<span class="docs">{", ".join(links)}</span>' if links else ""

    def _rejects_table(self, stats: dict[str, Any]) -> str:
        rejected = stats.get("rejected")
        counts = Counter(rejected) if isinstance(rejected, dict) else self._rejected
        if not counts:
            return '<h2>Rejected documents</h2><p class="empty">No document was rejected.</p>'
        rows = "".join(
            f"<tr><td>{filter_button('outcome', 'reason:' + reason, reason_tag(reason))}</td>"
            f"<td class=num>{number(int(n))}</td>"
            f'<td class="ex">{self._shown_examples(f"reason:{reason}")}</td></tr>'
            for reason, n in sorted(counts.items(), key=lambda kv: (-int(kv[1]), kv[0]))
        )
        return (
            "<h2>Rejected documents</h2><table><thead><tr><th>Reason</th><th class=num>Documents</th>"
            f"<th>Examples</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    def _rules_table(self, stats: dict[str, Any]) -> str:
        removals = stats.get("removals")
        totals: dict[str, int] = (
            {str(k): int(v) for k, v in removals.items()}
            if isinstance(removals, dict)
            else {r: c.removals for r, c in self._rules.items()}
        )
        for rule, count in self._rules.items():
            totals.setdefault(rule, count.removals)
        if not totals:
            return '<h2>Rules</h2><p class="empty">No rule removed anything.</p>'
        rows: list[str] = []
        for rule, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
            count = self._rules.get(rule, _RuleCount())
            quotes = "".join(f"<q>{esc(text)}</q>" for text in self._examples.get(rule, []))
            docs = self._shown_examples(f"rule:{rule}")
            rows.append(
                f"<tr><td>{filter_button('rule', rule, tag(Label(rule, count.pass_name)))}</td>"
                f"<td class=num>{number(n)}</td><td class=num>{number(count.documents)}</td>"
                f"<td class=num>{number(count.chars)}</td>"
                f'<td class="ex">{quotes}{docs}</td></tr>'
            )
        return (
            "<h2>Rules</h2><table><thead><tr><th>Rule</th><th class=num>Removals</th>"
            "<th class=num>Documents</th><th class=num>Characters</th><th>Examples</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _meta(record: dict[str, Any]) -> str:
    items: list[str] = []
    title = record.get("title")
    if isinstance(title, str) and title:
        items.append(f'<dt>Title</dt><dd class="title">{esc(title)}</dd>')
    captions = record.get("captions")
    if isinstance(captions, list) and captions:
        lis = "".join(f"<li>{esc(str(c))}</li>" for c in captions)
        items.append(f"<dt>Captions</dt><dd><ul>{lis}</ul></dd>")
    url = record.get("url")
    if isinstance(url, str) and url:
        items.append(f'<dt>URL</dt><dd class="mono">{esc(url)}</dd>')  # text, never a link
    if record.get("lang"):
        prob = record.get("lang_prob")
        lang = esc(str(record["lang"])) + (f" ({prob:.2f})" if isinstance(prob, float) else "")
        items.append(f"<dt>Language</dt><dd>{lang}</dd>")
    return f'<dl class="meta">{"".join(items)}</dl>' if items else ""


def _body(item: ReportItem, entries: list[dict[str, Any]]) -> str:
    """The input paragraphs with the removals marked; the output alone if they do not replay."""
    if item.input_lines is None:
        return '<p class="empty">The input could not be read.</p>'
    lines = _capped(item.input_lines)
    if item.record is None:
        return render_plain_rows(lines) + _more(item.input_lines, lines)
    try:
        rows = mark_rows(item.input_lines, entries)
    except ReplayError as e:
        text = str(item.record.get("text") or "")
        return (
            f'<p class="empty">The removed list does not replay on the input ({esc(str(e))}); '
            "the output text is shown.</p>" + render_plain_rows(text.split("\n\n"))
        )
    return "".join(render_row(row) for row in rows[: len(lines)]) + _more(item.input_lines, lines)


def _capped(lines: tuple[str, ...]) -> tuple[str, ...]:
    total = 0
    for n, line in enumerate(lines):
        total += len(line)
        if total > MAX_DOC_CHARS:
            return lines[: max(n, 1)]
    return lines


def _more(all_lines: tuple[str, ...], shown: tuple[str, ...]) -> str:
    hidden = len(all_lines) - len(shown)
    return f'<p class="empty">… {number(hidden)} more paragraphs not shown.</p>' if hidden > 0 else ""


def _filters(shown: list[_Shown], rules: list[str], reasons: list[str]) -> str:
    """The filter bar: every rule and reason of the run is offered, with its count among those shown."""
    rule_docs: Counter[str] = Counter(rule for s in shown for rule in s.rules)
    rule_docs.update(dict.fromkeys(rules, 0))
    reasons = sorted(set(reasons) | {s.reason for s in shown if s.reason})
    sources = sorted({s.source for s in shown})[:MAX_SOURCE_OPTIONS]
    rule_options = [
        (rule, f"{rule} ({number(n)})")
        for rule, n in sorted(rule_docs.items(), key=lambda kv: (pass_of(kv[0]), kv[0]))
    ]
    outcomes = [
        ("changed", "kept, changed"),
        ("unchanged", "kept, unchanged"),
        ("kept", "kept"),
        ("rejected", "rejected"),
        *((f"reason:{reason}", f"rejected: {reason}") for reason in reasons),
    ]
    return "<h2>Documents</h2>" + filter_bar(
        [
            select_filter("rule", "Rule", "any rule", rule_options),
            text_filter("source", "Source", "any source", sources),
            select_filter("outcome", "Outcome", "any outcome", outcomes),
        ],
        len(shown),
    )


# -- two runs: cleaner compare --html -----------------------------------------------------


def _html_text(line: DiffLine) -> str:
    """The escaped text of a line, the differing characters of a pair in ``<del>``/``<ins>``."""
    if line.pair is None:
        kind = {"-": "del", "+": "ins"}.get(line.sign)
        return f"<{kind}>{esc(line.text)}</{kind}>" if kind else esc(line.text)
    old, new = (line.text, line.pair) if line.sign == "-" else (line.pair, line.text)
    out: list[str] = []
    for piece in pair_pieces(old, new):
        if piece.kind == "keep":
            out.append(esc(piece.text))
        elif (piece.kind == "del") == (line.sign == "-"):  # this side's changes only
            out.append(f"<{piece.kind}>{esc(visible(piece.text))}</{piece.kind}>")
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
    return f"{which}: <code>{esc(name)}</code> ({esc(docs_summary(total, kept))})"


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
