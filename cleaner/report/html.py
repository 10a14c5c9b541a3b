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

import heapq
import shlex
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.passes import colours
from cleaner.report.charts import (
    SHARE_BINS,
    Bar,
    Segment,
    Stack,
    bar_chart,
    column_chart,
    share_bin,
    stacked_chart,
)
from cleaner.report.compare import KINDS, Comparison, DiffLine, DocChange, RuleDelta, diff_lines, docs_summary
from cleaner.report.model import ReportItem
from cleaner.report.outputs import paragraphs, site_of
from cleaner.report.page import (
    css_name,
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
    shorten,
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
MAX_SITES = 200  # rows of the per-site table (the sites with most documents)
CHART_SITES = 25  # bars of the per-site chart
CHART_RULES = 30  # bars of the per-rule chart
# Documents that lost most of their text: listed first and always shown (at most a tenth of the page).
MOST_REMOVED = 20
BOILERPLATE_SHOWN = 10  # boilerplate paragraphs listed per site


@dataclass
class _Site:
    """What one site (a URL's host, else the document's source) went through."""

    documents: int = 0
    kept: int = 0
    rejected: int = 0
    removals: Counter[str] = field(default_factory=Counter)  # by pass
    chars_removed: int = 0  # removed texts, as the run's own count
    chars_in: int = 0
    chars_kept: int = 0  # the output text's paragraphs
    chars_rejected: int = 0  # the input of documents not kept
    boilerplate: Counter[str] = field(default_factory=Counter)  # paragraph -> documents


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
    source: str  # the site: a URL's host, else the document's source
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
        self._sites: dict[str, _Site] = {}
        self._shares = [0] * len(SHARE_BINS)
        self._languages: Counter[str] = Counter()
        # (removed share, -position, document): the documents that lost most of their text
        self._most_removed: list[tuple[float, int, _Shown]] = []
        self._most_removed_size = min(MOST_REMOVED, max(1, max_documents // 10))

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
        site = site_of(item.source, item.record or item.reject)
        share = self._count_site(item, site, entries)
        labels = [f"rule:{r}" for r in per_rule] + ([f"reason:{reason}"] if reason else [])
        # Documents with removals or rejects sort first: an unchanged document explains nothing.
        key = sample_key(item.id, position, 0 if labels else 1)
        heavy = share is not None and share > 0 and self._wants_heavy(share, position)
        if heavy or self._sample.wants(key, labels):
            shown = self._render(item, position, entries, reason, site)
            self._sample.add(key, labels, shown)
            if heavy:
                assert share is not None
                ranked = (share, -position, shown)
                if len(self._most_removed) < self._most_removed_size:
                    heapq.heappush(self._most_removed, ranked)
                else:
                    heapq.heapreplace(self._most_removed, ranked)

    def _wants_heavy(self, share: float, position: int) -> bool:
        if len(self._most_removed) < self._most_removed_size:
            return True
        return (share, -position) > self._most_removed[0][:2]

    def _count_site(self, item: ReportItem, site: str, entries: list[dict[str, Any]]) -> float | None:
        """Count a document under its site, its language and its removed share (returned, for a
        kept document: the share of its input's characters not in its output text)."""
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = _Site()
        counts.documents += 1
        chars_in = sum(len(line) for line in item.input_lines or ())
        counts.chars_in += chars_in
        if item.record is None:
            counts.rejected += 1
            counts.chars_rejected += chars_in
            return None
        counts.kept += 1
        boilerplate: set[str] = set()
        for entry in entries:
            counts.removals[pass_of(str(entry.get("rule", "")), str(entry.get("pass", "")))] += 1
            counts.chars_removed += len(str(entry.get("text", "")))
            if entry.get("rule") == "boilerplate.site":
                boilerplate.add(" ".join(str(entry.get("text", "")).split()))
        counts.boilerplate.update(boilerplate)
        text = item.record.get("text")
        kept = sum(len(p) for p in paragraphs(text)) if isinstance(text, str) else 0
        kept = min(kept, chars_in)  # (a repair that lengthens text must not make the removed share negative)
        counts.chars_kept += kept
        lang = item.record.get("lang")
        self._languages[str(lang) if lang else "none"] += 1
        share = 1 - kept / chars_in if chars_in else 0.0
        self._shares[share_bin(share)] += 1
        return share

    def _remember_example(self, rule: str, text: str) -> None:
        examples = self._examples.setdefault(rule, [])
        text = " ".join(text.split()) or visible(text)  # a removed space is shown as a mark
        if len(examples) < EXAMPLE_TEXTS and text and text not in examples:
            examples.append(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")

    def _render(
        self, item: ReportItem, position: int, entries: list[dict[str, Any]], reason: str, site: str
    ) -> _Shown:
        record, reject = item.record, item.reject
        rules = tuple(dict.fromkeys(str(e.get("rule", "?")) for e in entries))
        classes = "doc rejected" if reason else "doc"
        if reason:
            outcome = f"rejected reason:{word(reason)}"
        else:
            outcome = "kept changed" if entries else "kept unchanged"
        attrs = (
            f'class="{classes}" id="d{position}" data-rule="{esc(" ".join(word(r) for r in rules))}" '
            f'data-source="{esc(site)}" data-site="{esc(word(site))}" data-outcome="{esc(outcome)}"'
        )
        from_file = f" ({item.source})" if site != item.source else ""
        head = [f"<h3>{esc(item.id)}</h3>", f'<span class="src">{esc(site + from_file)}</span>']
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
        return _Shown(position, item.id, site, rules, reason, attrs, "".join(parts))

    # -- writing ------------------------------------------------------------------------------

    def close(self, stats: dict[str, Any]) -> None:
        """Write the report: ``stats`` (``RunStats.to_json()``) gives the run's own counts."""
        heavy = [entry[2] for entry in sorted(self._most_removed, reverse=True)]
        shown = self._within_budget(self._sample.chosen(), heavy)
        self._shown_positions = {s.position for s in shown}
        rejected = stats.get("rejected")
        reasons = sorted(set(rejected) if isinstance(rejected, dict) else set(self._rejected))
        removals = stats.get("removals")
        rules = sorted(set(self._rules) | (set(removals) if isinstance(removals, dict) else set()))
        body = "\n".join(
            [
                "<main>",
                self._header(stats, len(shown)),
                self._charts(stats),
                self._rejects_table(stats),
                self._rules_table(stats),
                self._sites_table(),
                _settings(stats),
                self._most_removed_table(heavy),
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

    def _within_budget(self, sampled: list[_Shown], heavy: list[_Shown]) -> list[_Shown]:
        """The sample with the documents that lost most of their text added (always shown), and
        as many of the sample's general picks dropped (the largest keys first) as keep the page
        at ``max_documents``; examples of rules and reasons stay."""
        chosen = {s.position: s for s in sampled}
        chosen.update({s.position: s for s in heavy})
        excess = len(chosen) - max(self.max_documents, len(heavy))
        if excess > 0:
            heavy_positions = {s.position for s in heavy}
            examples = {s.position for label in self._sample.labels() for s in self._sample.examples(label)}
            droppable = sorted(
                (s for s in chosen.values() if s.position not in heavy_positions),
                key=lambda s: (
                    s.position not in examples,  # general picks go before examples of a rule or reason
                    sample_key(s.doc_id, s.position, 0 if s.rules or s.reason else 1),
                ),
                reverse=True,
            )
            for s in droppable[:excess]:
                del chosen[s.position]
        return [chosen[position] for position in sorted(chosen)]

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

    # -- the pictures, the sites and the documents to check first -----------------------------

    def _charts(self, stats: dict[str, Any]) -> str:
        removals = stats.get("removals")
        totals: dict[str, int] = (
            {str(k): int(v) for k, v in removals.items()}
            if isinstance(removals, dict)
            else {r: c.removals for r, c in self._rules.items()}
        )
        order = list(colours())
        by_pass: Counter[str] = Counter()
        for rule, n in totals.items():
            by_pass[pass_of(rule, self._rules.get(rule, _RuleCount()).pass_name)] += n
        pass_bars = [
            Bar(name, n, f"p-{css_name(name)}")
            for name, n in sorted(
                by_pass.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
            )
        ]
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        rule_bars = [
            Bar(rule, n, f"p-{css_name(pass_of(rule, self._rules.get(rule, _RuleCount()).pass_name))}")
            for rule, n in ranked[:CHART_RULES]
        ]
        if len(ranked) > CHART_RULES:
            rest = ranked[CHART_RULES:]
            rule_bars.append(Bar(f"{len(rest)} other rules", sum(n for _, n in rest), "p-other"))
        sites = sorted(self._sites.items(), key=lambda kv: (-kv[1].chars_in, kv[0]))
        stacks = [_stack(site, counts) for site, counts in sites[:CHART_SITES]]
        if len(sites) > CHART_SITES:
            rest_sites = _Site()
            for _, counts in sites[CHART_SITES:]:
                rest_sites.chars_in += counts.chars_in
                rest_sites.chars_kept += counts.chars_kept
                rest_sites.chars_rejected += counts.chars_rejected
            stacks.append(_stack(f"{len(sites) - CHART_SITES} other sites", rest_sites))
        kinds = [("kept", "kept"), ("removed", "removed by cleaning"), ("rejected", "in rejected documents")]
        share_bars = [Bar(label, n, "share") for label, n in zip(SHARE_BINS, self._shares, strict=True)]
        languages = [
            Bar(code, n, "lang")
            for code, n in sorted(self._languages.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        charts = [
            bar_chart("passes", "Removals by pass", pass_bars),
            bar_chart("rules", "Removals by rule", rule_bars),
            stacked_chart(
                "sites",
                "Characters kept and removed, by site",
                stacks,
                kinds,
                note="Each site's input characters, as shares: kept in the output text, removed by "
                "cleaning (moved to the title or captions included), or in documents the run rejected; "
                "the number is the site's input characters. Sites with the most input first.",
            ),
            column_chart(
                "shares",
                "Kept documents by the share of their text removed",
                share_bars,
                note="A document that lost most of its text is the first to check for over-cleaning: "
                "they are listed under “Check first” below.",
            ),
            bar_chart("languages", "Kept documents by language", languages),
        ]
        drawn = "".join(c for c in charts if c)
        return f'<h2>At a glance</h2><div class="charts">{drawn}</div>' if drawn else ""

    def _sites_table(self) -> str:
        if not self._sites:
            return ""
        passes = [name for name in colours() if any(s.removals.get(name) for s in self._sites.values())]
        passes += sorted({p for s in self._sites.values() for p in s.removals} - set(passes))
        ranked = sorted(self._sites.items(), key=lambda kv: (-kv[1].documents, kv[0]))
        rows: list[str] = []
        for site, counts in ranked[:MAX_SITES]:
            link = filter_button("site", site, f"<code>{esc(site)}</code>")
            cells = "".join(f"<td class=num>{number(counts.removals.get(p, 0))}</td>" for p in passes)
            rows.append(
                f'<tr data-site-row="{esc(site)}"><td>{link}</td>'
                f"<td class=num>{number(counts.documents)}</td>"
                f"<td class=num>{number(counts.kept)}</td><td class=num>{number(counts.rejected)}</td>"
                f"{cells}<td class=num>{number(counts.chars_removed)}</td>"
                f'<td class="ex">{_boilerplate(counts)}</td></tr>'
            )
        heads = "".join(f'<th class="num">{tag(Label(p + ".", p), text=p)}</th>' for p in passes)
        more = (
            f'<p class="note">{number(len(ranked) - MAX_SITES)} more sites with fewer documents are not '
            "listed (the charts and counts include them).</p>"
            if len(ranked) > MAX_SITES
            else ""
        )
        return (
            '<h2 id="sites">Sites</h2><p class="note">A site is the host of a document’s URL, else its '
            "source. Removals per pass; the site’s boilerplate paragraphs with the number of documents "
            "that carried each. A site’s name shows its documents below.</p>"
            '<table class="sites"><thead><tr><th>Site</th><th class=num>Documents</th><th class=num>Kept</th>'
            f"<th class=num>Rejected</th>{heads}<th class=num>Characters removed</th>"
            f"<th>Boilerplate</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"
        )

    def _most_removed_table(self, heavy: list[_Shown]) -> str:
        if not heavy:
            return ""
        shares = {entry[2].position: entry[0] for entry in self._most_removed}
        rows = "".join(
            f'<tr><td class=num>{shares[s.position]:.0%}</td><td><a href="#d{s.position}" class="mono">'
            f"{esc(_short(s.doc_id, 48))}</a></td><td>{esc(s.source)}</td>"
            f"<td>{''.join(tag(Label(r)) for r in s.rules[:6])}</td></tr>"
            for s in heavy
        )
        return (
            '<h2 id="check-first">Check first: documents that lost most of their text</h2>'
            f'<table class="heavy"><thead><tr><th class=num>Removed</th><th>Document</th><th>Site</th>'
            f"<th>Rules</th></tr></thead><tbody>{rows}</tbody></table>"
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


def _stack(site: str, counts: _Site) -> Stack:
    removed = max(0, counts.chars_in - counts.chars_kept - counts.chars_rejected)
    segments = (
        Segment("kept", counts.chars_kept),
        Segment("removed", removed),
        Segment("rejected", counts.chars_rejected),
    )
    return Stack(site, segments)


def _boilerplate(counts: _Site) -> str:
    if not counts.boilerplate:
        return ""
    ranked = sorted(counts.boilerplate.items(), key=lambda kv: (-kv[1], kv[0]))
    items = "".join(
        f"<li><q>{esc(_short(text, EXAMPLE_CHARS))}</q> <span class=n>{number(n)} documents</span></li>"
        for text, n in ranked[:BOILERPLATE_SHOWN]
    )
    more = (
        f"<li>and {number(len(ranked) - BOILERPLATE_SHOWN)} more</li>"
        if len(ranked) > BOILERPLATE_SHOWN
        else ""
    )
    return (
        f"<details><summary>{number(len(ranked))} paragraph{'s' if len(ranked) != 1 else ''}</summary>"
        f'<ul class="boilerplate">{items}{more}</ul></details>'
    )


def _settings(stats: dict[str, Any]) -> str:
    """The run's exact settings (``--stats``'s ``settings``) and the options that re-create it."""
    settings = stats.get("settings")
    if not isinstance(settings, dict) or not settings:
        return ""
    rows: list[tuple[str, str]] = []
    for key, value in settings.items():
        if key == "options":
            continue
        if isinstance(value, dict):
            rows.extend((f"{key}.{k}", _setting(v)) for k, v in value.items())
        else:
            rows.append((key, _setting(value)))
    options = settings.get("options")
    args = " ".join(shlex.quote(str(a)) for a in options) if isinstance(options, list) else ""
    body = "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(v)}</code></td></tr>" for k, v in rows)
    return (
        '<h2 id="settings">Run settings</h2><p class="note">Everything that decides this run\u2019s output. '
        "To re-create it (and see any document\u2019s diff): "
        f"<code>cleaner diff SOURCE {esc(args)}</code></p>"
        f"<details><summary>{number(len(rows))} settings</summary>"
        f'<table class="settings">{body}</table></details>'
    )


def _setting(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if value is None:
        return "(none)"
    return str(value)


def _short(text: str, limit: int = 32) -> str:
    return shorten(text, limit)


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
    site_docs = Counter(s.source for s in shown)
    sources = sorted(site_docs)[:MAX_SOURCE_OPTIONS]
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
            select_filter(
                "site",
                "Site",
                "any site",
                [(site, f"{site} ({number(site_docs[site])})") for site in sources],
            ),
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
    tags = "".join(_label_tag(f"+{rule}", passes, n) for rule, n in sorted(change.gained.items())) + "".join(
        _label_tag(f"-{rule}", passes, n) for rule, n in sorted(change.lost.items())
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
