"""Review reports, without a browser: span marking, the HTML builder, the terminal diff, compare.

The helpers at the top (a small corpus written for these tests, a run that collects report items)
are shared with the CLI and browser tests of the reports.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from builders import ARTICLES, BODY, article_text, default_cleaner, make_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.document import AppliedEdit, replay
from cleaner.layout import split_paragraphs
from cleaner.pipeline import run_passes
from cleaner.report.compare import CompareError, Outcome, compare, diff_lines, read_outcomes
from cleaner.report.html import HtmlReport, write_compare_html
from cleaner.report.model import ReportItem
from cleaner.report.page import SCRIPT, csp_hash, esc, render_row, style
from cleaner.report.sample import StableSample, sample_key
from cleaner.report.spans import Label, ReplayError, mark_rows, visible
from cleaner.report.terminal import render_compare_terminal, render_diff
from cleaner.runner import RunOptions, run

# --- a corpus written for the report tests ----------------------------------------------------

CAPTION = "A ferry leaves the harbor at dawn, May 3, 2024. REUTERS/Jane Doerner"
SCRIPT_LINE = "Readers wrote in: <script>window.__pwned=1</script> and the ferry ran late again on Monday."
IMG_LINE = 'The timetable said <img src=x onerror="window.__pwned=2"> nothing about the ferry delays.'
LINK_LINE = 'See <a href="javascript:window.__pwned=3">the harbor notice</a> for the details of the refund.'
ENTITY_LINE = (
    "Staff posted &lt;script&gt;window.__pwned=4&lt;/script&gt; on the harbor noticeboard by mistake."
)
HOSTILE = (SCRIPT_LINE, IMG_LINE, LINK_LINE, ENTITY_LINE)


def write_corpus(root: Path) -> Path:
    """Text files in two folders (sources a/ and b/): junk, a caption, hostile markup, a duplicate.

    ``a/hostile`` carries script, an image with an event handler, a ``javascript:`` link and
    escaped markup that the ftfy pass turns into real ``<script>`` text; ``b/copy`` is a copy of
    ``a/ferry`` and is rejected as a near-duplicate.
    """
    files = {
        "a/ferry.txt": article_text(0, CAPTION, "Advertisement", "Share this article"),
        "a/library.txt": article_text(1, "Advertisement"),
        "a/hostile.txt": article_text(2, *HOSTILE),
        "b/copy.txt": article_text(0, CAPTION, "Advertisement", "Share this article"),
        "b/erosion.txt": article_text(3, "font change"),
        "b/marathon.txt": article_text(4),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_items(
    sources: Iterable[str | Path], rules: Iterable[Path] = ()
) -> tuple[list[ReportItem], dict[str, Any]]:
    """Run the real pipeline, writing nothing; return the report items and the stats."""
    items: list[ReportItem] = []
    options = RunOptions(
        sources=[str(s) for s in sources], destination=None, rules=list(rules), observer=items.append
    )
    stats = run(options)
    return items, stats.to_json()


def build_report(tmp_path: Path, **kwargs: Any) -> tuple[Path, str, dict[str, Any]]:
    """The HTML report of the corpus: its path, its text and the run's stats."""
    items, stats = run_items([write_corpus(tmp_path / "in")])
    report = HtmlReport(tmp_path / "report.html", **kwargs)
    for item in items:
        report.add(item)
    report.close(stats)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    return tmp_path / "report.html", text, stats


class PageScan(HTMLParser):
    """What the safety tests look for in a page: elements, URL-bearing attributes, scripts."""

    URL_ATTRIBUTES = frozenset(
        {"href", "src", "action", "formaction", "srcset", "poster", "data", "background"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self.csp = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES:
                self.urls.append(value or "")
            if name.startswith("on"):
                self.handlers.append(name)
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
            self.csp = dict(attrs).get("content") or ""
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    return parser


def assert_safe_page(html: str) -> None:
    """One script (ours, pinned by hash), no element or URL from a document, a strict policy."""
    page = scan(html)
    assert page.scripts == [SCRIPT]
    assert "img" not in page.tags and "iframe" not in page.tags and "object" not in page.tags
    assert all(url.startswith("#") for url in page.urls), page.urls
    assert page.handlers == []
    assert "default-src 'none'" in page.csp
    assert f"script-src '{csp_hash(SCRIPT)}'" in page.csp
    assert f"style-src '{csp_hash(style())}'" in page.csp
    assert "http://" not in page.csp and "https://" not in page.csp
    assert "javascript:" not in "".join(page.urls)


# --- marking removals on the input ------------------------------------------------------------

JUNK_LINES = ["Advertisement", "Share this article", "font change", "Story continues below", "Read more:"]


@st.composite
def scraped(draw: st.DrawFn) -> list[str]:
    """A scraped article: headline, body, junk, a caption, damage (mojibake, entities, spaces)."""
    article = draw(st.sampled_from(ARTICLES))
    lines = [article[0], *draw(st.permutations([*article[1:], *BODY[:2]]))]
    for _ in range(draw(st.integers(0, 4))):
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from([*JUNK_LINES, CAPTION])))
    damaged = []
    for line in lines:
        how = draw(st.sampled_from(["none", "none", "mojibake", "entities", "spaces"]))
        if how == "mojibake":
            line = line.replace("'", "’").encode("utf-8").decode("cp1252", errors="ignore")
        elif how == "entities":
            line = line.replace("'", "&#39;").replace(" and ", " &amp; ")
        elif how == "spaces":
            line = line.replace(" ", "\u00a0", 2).replace(" the ", "  the ")
        damaged.append(line)
    if draw(st.booleans()):
        damaged.insert(2, lines[0].upper())  # the headline printed twice
    return split_paragraphs("\n".join(damaged))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(scraped())
def test_marked_rows_are_the_input_and_the_output_at_once(lines: list[str]) -> None:
    doc = make_document(lines)
    run_passes(doc, default_cleaner().passes)
    rows = mark_rows(doc.input_lines, [edit.to_json() for edit in doc.applied])
    assert [row.before for row in rows] == list(doc.input_lines)
    assert [row.after for row in rows if row.dropped is None] == doc.lines
    assert [row.after for row in rows if row.dropped is None] == replay(doc.input_lines, doc.applied)
    assert sum(len(row.labels) for row in rows) == len(doc.applied)


def test_a_removed_paragraph_is_marked_where_it_was_not_where_its_text_first_appears() -> None:
    # Two "Advertisement" lines; the second is removed by an edit whose line index counts
    # paragraphs after the first one was dropped.
    edits = [
        AppliedEdit("junk", "junk.advertisement", 1, 0, "Advertisement"),
        AppliedEdit("junk", "junk.advertisement", 2, 0, "Advertisement"),
    ]
    lines = ["Body one.", "Advertisement", "Body two.", "Advertisement", "Body three."]
    rows = mark_rows(lines, [e.to_json() for e in edits])
    assert [row.dropped is not None for row in rows] == [False, True, False, True, False]


def test_text_inserted_by_one_edit_and_removed_by_another_is_in_neither_side() -> None:
    entries = [
        {"pass": "ftfy", "rule": "fix.a", "line": 0, "at": 4, "text": "X", "replacement": "YZ"},
        {"pass": "ws", "rule": "fix.b", "line": 0, "at": 4, "text": "Y"},
    ]
    (row,) = mark_rows(["abc X def"], entries)
    assert (row.before, row.after) == ("abc X def", "abc Z def")
    kinds = [(p.kind, p.text, p.was_inserted) for p in row.pieces]
    assert ("del", "X", False) in kinds and ("del", "Y", True) in kinds and ("ins", "Z", False) in kinds


def test_a_removed_list_that_does_not_fit_the_input_is_an_error() -> None:
    with pytest.raises(ReplayError):
        mark_rows(["Body."], [{"rule": "x", "line": 0, "at": 0, "text": "Advertisement"}])
    with pytest.raises(ReplayError):
        mark_rows(["Body."], [{"rule": "x", "line": 3, "at": 0, "text": "Body."}])
    with pytest.raises(ReplayError):
        mark_rows(["Body."], [{"rule": "x"}])


def test_invisible_characters_are_shown_inside_removals() -> None:
    assert visible("a\u00a0b") == "a⍽b"
    assert visible("\u200b") == "⟨U+200B⟩"
    assert visible("ok") == "ok"


def test_a_dropped_paragraph_is_struck_through_whole_and_labelled() -> None:
    (row,) = mark_rows(
        [CAPTION],
        [
            {
                "pass": "captions",
                "rule": "caption.reuters",
                "to": "captions",
                "line": 0,
                "at": 0,
                "text": CAPTION,
            }
        ],
    )
    html = render_row(row)
    assert f"<del>{esc(CAPTION)}</del>" in html
    assert "caption.reuters → caption" in html
    assert "dropped moved" in html


# An ftfy repair of "Ben &amp; ...": the entity's 5 characters at offset 4 become "&".
AMP_REPAIR = {
    "pass": "ftfy",
    "rule": "ftfy.unescape-html",
    "line": 0,
    "at": 4,
    "text": "&amp;",
    "replacement": "&",
}


def test_repairs_show_old_struck_and_new_inserted_with_one_label_per_rule() -> None:
    entries = [
        AMP_REPAIR,
        {
            "pass": "ftfy",
            "rule": "ftfy.unescape-html",
            "line": 0,
            "at": 12,
            "text": "&quot;",
            "replacement": '"',
        },
    ]
    (row,) = mark_rows(['Ben &amp; "Jerry&quot;'], entries)
    assert row.after == 'Ben & "Jerry"'
    html = render_row(row)
    assert re.search(r"<del [^>]*>&amp;amp;</del><ins [^>]*>&amp;</ins>", html)
    assert html.count("ftfy.unescape-html ×2") == 1
    assert html.count('title="ftfy.unescape-html"') == 4  # every del and ins names its rule


# --- the HTML report --------------------------------------------------------------------------


def test_the_report_summarises_the_run_with_the_runs_own_counts(tmp_path: Path) -> None:
    _, html, stats = build_report(tmp_path)
    assert stats["documents_in"] == 6 and stats["documents_rejected"] == 1
    cards = dict(
        (key, value)
        for value, key in re.findall(r'<div class="n">([\d,]+)</div><div class="k">([^<]+)</div>', html)
    )
    assert cards["Documents in"] == "6"
    assert cards["Kept"] == "5"
    assert cards["Rejected"] == "1"
    assert cards["Characters removed"] == f"{stats['chars_removed']:,}"
    assert "near-duplicate" in html
    for rule, count in stats["removals"].items():
        assert re.search(rf"data-value=\"{re.escape(rule)}\".*?<td class=num>{count}</td>", html), rule
    assert "All 6 documents are shown below" in html


def test_the_report_is_one_safe_file(tmp_path: Path) -> None:
    path, html, _ = build_report(tmp_path)
    assert_safe_page(html)
    for line in (SCRIPT_LINE, IMG_LINE, LINK_LINE):
        assert esc(line) in html
        assert line not in html
    assert "<script>window.__pwned" not in html
    assert list(path.parent.glob(".report.html.*")) == []  # no temporary file left behind
    assert path.stat().st_mode & 0o044  # readable like any file the user writes


def test_each_document_shows_its_struck_spans_title_captions_and_reject(tmp_path: Path) -> None:
    _, html, _ = build_report(tmp_path)
    ferry = re.search(r'<article [^>]*data-source="a/ferry.txt".*?</article>', html, re.S)
    assert ferry is not None
    doc = ferry.group(0)
    assert f'<dd class="title">{esc(ARTICLES[0][0])}</dd>' in doc
    assert f"<li>{esc(CAPTION)}</li>" in doc
    assert "<del>Advertisement</del>" in doc
    assert "junk.advertisement" in doc and "title.first-line → title" in doc
    copy = re.search(r'<article [^>]*data-source="b/copy.txt".*?</article>', html, re.S)
    assert copy is not None
    assert 'data-outcome="rejected reason:near-duplicate"' in copy.group(0)
    assert "Rejected: near-duplicate" in copy.group(0)


def _synthetic_items(n: int) -> list[ReportItem]:
    """``n`` documents: most with a common rule, two with a rare one, one rejected for a rare reason."""
    items = []
    for i in range(n):
        lines: tuple[str, ...] = (f"Headline number {i}", f"Body paragraph of document {i}.", "Advertisement")
        removed = [
            {"pass": "junk", "rule": "junk.advertisement", "text": "Advertisement", "line": 2, "at": 0}
        ]
        if i in (n - 1, n - 7):
            lines = (*lines, "Rare junk")
            removed.append({"pass": "junk", "rule": "junk.rare", "text": "Rare junk", "line": 2, "at": 0})
        record = {"id": f"doc{i}", "source": f"s{i % 3}", "title": None, "captions": [], "removed": removed}
        if i == n - 3:
            items.append(ReportItem(f"doc{i}", "s0", lines, None, {"id": f"doc{i}", "reason": "language"}))
        else:
            items.append(ReportItem(f"doc{i}", f"s{i % 3}", lines, record))
    return items


def _stats(items: list[ReportItem]) -> dict[str, Any]:
    kept = [i for i in items if i.record is not None]
    removals: dict[str, int] = {}
    for item in kept:
        for e in (item.record or {})["removed"]:
            removals[e["rule"]] = removals.get(e["rule"], 0) + 1
    return {
        "documents_in": len(items),
        "documents_out": len(kept),
        "documents_rejected": len(items) - len(kept),
        "rejected": {"language": len(items) - len(kept)},
        "removals": removals,
        "chars_removed": 0,
    }


def test_a_long_run_is_sampled_deterministically_with_examples_of_rare_rules_and_reasons(
    tmp_path: Path,
) -> None:
    items = _synthetic_items(600)
    pages = []
    for name in ("one.html", "two.html"):
        report = HtmlReport(tmp_path / name, max_documents=40)
        for item in items:
            report.add(item)
        report.close(_stats(items))
        pages.append((tmp_path / name).read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    html = pages[0]
    assert html.count('<article class="doc') == 40
    assert "40 of 600 documents are shown" in html and "Sampled" in html
    assert 'id="d599"' in html and 'id="d593"' in html  # both documents of the rare rule
    assert 'id="d597"' in html  # the only document of the rare reason
    assert "<td class=num>599</td>" in html  # all removals counted, not just the sampled ones


def test_the_sample_does_not_depend_on_the_order_of_the_documents() -> None:
    ids = [f"doc-{n}" for n in range(300)]
    picks = []
    for seed in (1, 2):
        shuffled = ids[:]
        random.Random(seed).shuffle(shuffled)
        sample: StableSample[str] = StableSample(25, per_label=2)
        for position, doc_id in enumerate(shuffled):
            labels = ["rare"] if doc_id in ("doc-5", "doc-250") else []
            key = sample_key(doc_id, position)
            if sample.wants(key, labels):
                sample.add(key, labels, doc_id)
        picks.append(set(sample.chosen()))
    assert picks[0] == picks[1]
    assert {"doc-5", "doc-250"} <= picks[0] and len(picks[0]) == 25


def test_memory_holds_the_sample_not_the_run(tmp_path: Path) -> None:
    report = HtmlReport(tmp_path / "r.html", max_documents=10)
    for item in _synthetic_items(2000):
        report.add(item)
    sample = report._sample
    held = {id(e.payload) for e in sample._general.heap}
    held |= {id(e.payload) for bottom in sample._labels.values() for e in bottom.heap}
    assert len(held) <= 10 + 3 * len(sample._labels)


def test_a_report_of_unreplayable_or_unreadable_documents_still_writes(tmp_path: Path) -> None:
    broken = {
        "id": "x",
        "source": "x",
        "text": "Body.",
        "removed": [{"rule": "r", "line": 5, "at": 0, "text": "?"}],
    }
    report = HtmlReport(tmp_path / "r.html")
    report.add(ReportItem("x", "x", ("Body.",), broken))
    report.add(
        ReportItem("y", "y.txt", None, None, {"id": "y", "reason": "unreadable", "detail": "not UTF-8"})
    )
    report.close({})
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "does not replay on the input" in html
    assert "The input could not be read." in html
    assert_safe_page(html)


def test_closing_replaces_an_old_report_whole(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "r.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    report = HtmlReport(target, title="<b>my</b> report")
    report.close({})
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<title>&lt;b&gt;my&lt;/b&gt; report</title>" in html
    assert "No documents." in html


# --- the terminal diff ------------------------------------------------------------------------


def test_the_diff_labels_each_removal_and_pairs_repairs(tmp_path: Path) -> None:
    items, _ = run_items([write_corpus(tmp_path / "in")])
    (ferry,) = [i for i in items if i.id == "a/ferry"]
    text = render_diff(ferry, color=False)
    assert text.startswith("--- a/ferry.txt (input, 7 paragraphs)\n+++ a/ferry (output, 3 paragraphs)\n")
    assert "- Advertisement  [junk.advertisement]" in text
    assert f"- {CAPTION}  [caption.reuters → caption]" in text
    assert f"caption: {CAPTION}" in text
    assert "\x1b[" not in text
    coloured = render_diff(ferry, color=True)
    assert "\x1b[31m- Advertisement\x1b[0m" in coloured


def test_a_replacement_is_a_minus_plus_pair_with_the_change_marked() -> None:
    entries = [AMP_REPAIR]
    item = ReportItem(
        "d", "d.txt", ("Ben &amp; Jerry", "Body."), {"title": None, "captions": [], "removed": entries}
    )
    lines = render_diff(item, color=False).splitlines()
    assert "- Ben [-&amp;-] Jerry  [ftfy.unescape-html]" in lines
    assert "+ Ben {+&+} Jerry" in lines
    assert "\x1b[1;97;41m&amp;\x1b[0m" in render_diff(item, color=True)


def test_a_rejected_document_is_all_minus_with_its_reason(tmp_path: Path) -> None:
    items, _ = run_items([write_corpus(tmp_path / "in")])
    (copy,) = [i for i in items if i.id == "b/copy"]
    text = render_diff(copy, color=False)
    assert "+++ b/copy (rejected: near-duplicate: estimated Jaccard" in text
    assert "[reject: near-duplicate]" in text
    assert all(line.startswith(("-", "+", "@")) for line in text.splitlines())


def test_an_unchanged_document_says_so() -> None:
    item = ReportItem("d", "d.txt", ("Body.",), {"title": None, "captions": [], "removed": []})
    assert "(no changes)" in render_diff(item, color=False)


# --- comparing two runs -----------------------------------------------------------------------


def _record(
    doc_id: str, paragraphs: list[str], removed: list[tuple[str, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "id": doc_id,
        "source": f"{doc_id}.txt",
        "title": extra.get("title", "A headline"),
        "text": "\n\n".join(paragraphs),
        "captions": extra.get("captions", []),
        "removed": [{"pass": rule.split(".")[0], "rule": rule, "text": text} for rule, text in removed],
    }


OLD = [
    _record("same", ["One."], [("junk.share", "Share")]),
    _record("more", ["Two.", "Tip line: 555"], [("junk.advertisement", "Advertisement")]),
    _record("less", ["Three.", "Advertisement"], []),
    _record("gone", ["Four."], []),
    _record("dup", ["Five."], []),
]
NEW = [
    _record("same", ["One."], [("junk.share", "Share")]),
    _record("more", ["Two."], [("junk.advertisement", "Advertisement"), ("junk.tip", "Tip line: 555")]),
    _record("less", ["Three.", "Advertisement"], [], title="Another headline"),
    {"id": "dup", "source": "dup.txt", "reason": "near-duplicate", "detail": "estimated Jaccard 0.9 with x"},
    _record("new", ["Six."], []),
]


def test_compare_counts_documents_and_rule_gains_and_losses() -> None:
    old = [Outcome.from_json(r) for r in OLD]
    new = [Outcome.from_json(r) for r in NEW]
    result = compare(old, new)
    assert result.unchanged == 1
    assert dict(result.kinds) == {"changed": 2, "now-rejected": 1, "added": 1, "missing": 1}
    tip = result.rules["junk.tip"]
    assert (tip.old, tip.new, tip.gained, tip.lost, tip.documents) == (0, 1, 1, 0, 1)
    assert result.rules["junk.share"].gained == result.rules["junk.share"].lost == 0
    assert result.transitions == {("kept", "rejected: near-duplicate"): 1}
    more = next(c for c in result.changes if c.id == "more")
    assert more.fields == ("text", "removals") and more.gained == {"junk.tip": 1}
    lines = diff_lines(more)
    assert any(
        line.sign == "-" and line.text == "Tip line: 555" and line.labels == ("+junk.tip",) for line in lines
    )
    less = next(c for c in result.changes if c.id == "less")
    assert less.fields == ("title",)
    assert [line.text for line in diff_lines(less)] == ["title: A headline", "title: Another headline"]


def test_compare_in_the_terminal_and_in_html(tmp_path: Path) -> None:
    hostile = _record("x", [SCRIPT_LINE, "Body."], [])
    hostile_new = _record("x", ["Body."], [("junk.script", SCRIPT_LINE)])
    result = compare(
        [Outcome.from_json(r) for r in [*OLD, hostile]], [Outcome.from_json(r) for r in [*NEW, hostile_new]]
    )
    text = render_compare_terminal(result, color=False)
    assert "documents: 1 unchanged, 3 changed, 1 kept → rejected, 1 only in new, 1 only in old" in text
    assert re.search(r"junk\.tip\s+0\s+1\s+\+1\s+0\s+1", text)
    assert "~ dup (dup.txt): kept → rejected: kept → rejected: near-duplicate" in text
    assert "\x1b[" not in text and "\x1b[" in render_compare_terminal(result, color=True)
    write_compare_html(tmp_path / "c.html", result)
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert_safe_page(html)
    assert esc(SCRIPT_LINE) in html and SCRIPT_LINE not in html
    assert html.count('<article class="doc"') == 6
    assert 'data-kind="now-rejected"' in html


def test_character_changes_in_a_paragraph_are_highlighted() -> None:
    old = Outcome.from_json(_record("d", ["Ben &amp; Jerry"], []))
    new = Outcome.from_json(_record("d", ["Ben & Jerry"], [("ftfy.unescape-html", "&amp;")]))
    result = compare([old], [new])
    text = render_compare_terminal(result, color=False)
    assert "- Ben &[-amp;-] Jerry  [+ftfy.unescape-html]" in text and "+ Ben & Jerry" in text


def test_output_files_are_read_with_their_rejects_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for record in NEW:
            f.write(json.dumps(record) + "\n")
    outcomes = list(read_outcomes(path))
    assert [o.kept for o in outcomes] == [True, True, True, False, True]
    assert outcomes[3].reason == "near-duplicate"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": ""}\nnot json\n', encoding="utf-8")
    with pytest.raises(CompareError, match=r"bad.jsonl:2: not JSON"):
        list(read_outcomes(bad))
    bad.write_text('{"text": "no id"}\n', encoding="utf-8")
    with pytest.raises(CompareError, match="no id"):
        list(read_outcomes(bad))


def test_labels_render_as_tags_coloured_by_pass() -> None:
    row = mark_rows(
        ["Advertisement", "Body."],
        [{"pass": "junk", "rule": "junk.advertisement", "line": 0, "at": 0, "text": "Advertisement"}],
    )[0]
    assert row.dropped == Label("junk.advertisement", "junk", None)
    assert '<span class="tag p-junk"' in render_row(row)


# --- sites, charts, the documents to check first, the run's settings -------------------------

FOOTER = "The Tidewater Courier is published every weekday by Harbour Lane Media of Port Arlen, Maine."


def write_sites_corpus(root: Path) -> Path:
    """One JSONL file of two sites: six Courier articles carrying its footer (site boilerplate),
    one Courier copy of another (a near-duplicate), and two Quayside articles, one of them
    nothing but junk around a short note (it loses most of its text)."""
    records = [
        {
            "id": f"courier-{n}",
            "url": f"https://www.courier.example/{n}",
            "text": article_text(n, "Advertisement", FOOTER),
        }
        for n in range(6)
    ]
    records.append(
        {"id": "courier-copy", "url": "https://www.courier.example/copy", "text": article_text(0, FOOTER)}
    )
    records.append(
        {
            "id": "quay-1",
            "url": "https://quayside.example/1",
            "text": "\n\n".join(["Quayside fishers protest quotas", *BODY[:3]]),
        }
    )
    junk = [
        "Advertisement",
        "Share this article",
        "Story continues below",
        "Sign up for our morning newsletter",
    ]
    records.append(
        {
            "id": "quay-junk",
            "url": "https://quayside.example/2",
            "text": "\n\n".join([*junk, "Ferry fares rise."]),
        }
    )
    root.mkdir(parents=True, exist_ok=True)
    path = root / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def sites_report(tmp_path: Path, **kwargs: Any) -> tuple[str, dict[str, Any], list[ReportItem]]:
    items, stats = run_items([write_sites_corpus(tmp_path / "in")])
    report = HtmlReport(tmp_path / "report.html", **kwargs)
    for item in items:
        report.add(item)
    report.close(stats)
    return (tmp_path / "report.html").read_text(encoding="utf-8"), stats, items


def svg_totals(html: str, chart: str) -> dict[str, int]:
    """The ``data-total*`` attributes of one chart's ``<svg>``."""
    match = re.search(rf'<svg [^>]*data-chart="{chart}"[^>]*>', html)
    assert match is not None, chart
    return {k: int(v) for k, v in re.findall(r'data-(total(?:-\w+)?)="(\d+)"', match.group(0))}


def site_row(html: str, site: str) -> list[str]:
    match = re.search(rf'<tr data-site-row="{re.escape(site)}">(.*?)</tr>', html, re.S)
    assert match is not None, site
    return re.findall(r"<td class=num>([\d,]+)</td>", match.group(1))


def test_sources_are_sites_and_each_site_has_its_row_with_its_boilerplate(tmp_path: Path) -> None:
    html, stats, _ = sites_report(tmp_path)
    # documents, kept, rejected, then removals per pass (as many columns as passes that removed)
    courier, quayside = site_row(html, "courier.example"), site_row(html, "quayside.example")
    assert courier[:3] == ["7", "6", "1"] and quayside[:3] == ["2", "2", "0"]
    row = re.search(r'<tr data-site-row="courier.example">(.*?)</tr>', html, re.S)
    assert row is not None
    assert f"<q>{esc(FOOTER)}</q> <span class=n>6 documents</span>" in row.group(1)
    assert 'data-set-filter="site" data-value="courier.example"' in row.group(1)
    assert 'data-source="courier.example"' in html and 'data-source="feed.jsonl"' not in html
    # characters removed per site add up to the run's count
    assert (
        sum(int(site_row(html, s)[-1].replace(",", "")) for s in ("courier.example", "quayside.example"))
        == (stats["chars_removed"])
    )


def test_the_charts_are_inline_svg_carrying_the_runs_totals(tmp_path: Path) -> None:
    html, stats, items = sites_report(tmp_path)
    removals = sum(stats["removals"].values())
    assert svg_totals(html, "passes") == {"total": removals}
    assert svg_totals(html, "rules") == {"total": removals}
    assert svg_totals(html, "shares") == {"total": stats["documents_out"]}
    assert svg_totals(html, "languages") == {"total": stats["documents_out"]}
    kept = [i for i in items if i.record is not None]
    chars_in = sum(len(line) for i in items for line in i.input_lines or ())
    chars_kept = sum(len(p) for i in kept for p in (i.record or {})["text"].split("\n\n"))
    chars_rejected = sum(len(line) for i in items if i.record is None for line in i.input_lines or ())
    sites = svg_totals(html, "sites")
    assert sites["total-kept"] == chars_kept and sites["total-rejected"] == chars_rejected
    assert sites["total-kept"] + sites["total-removed"] + sites["total-rejected"] == chars_in
    assert '<g class="bar p-junk" data-label="junk"' in html  # coloured by pass, as the tags are
    assert "<svg" in html and "<script src" not in html


def test_documents_that_lost_most_of_their_text_are_listed_first_and_always_shown(tmp_path: Path) -> None:
    html, _, items = sites_report(tmp_path, max_documents=3)
    assert html.count('<article class="doc') == 3
    check_first = html.index('id="check-first"')
    assert check_first < html.index('<section id="documents">')
    first_row = re.search(
        r'<table class="heavy">.*?<tr><td class=num>(\d+)%</td><td><a href="#d(\d+)"', html, re.S
    )
    assert first_row is not None
    position = int(first_row.group(2))
    assert items[position].id == "quay-junk" and int(first_row.group(1)) > 50
    assert f'id="d{position}"' in html  # its article is on the page, though the sample is small


def test_the_run_settings_are_shown_with_the_options_that_re_create_it(tmp_path: Path) -> None:
    items, stats = run_items([write_corpus(tmp_path / "in")])
    report = HtmlReport(tmp_path / "report.html")
    for item in items:
        report.add(item)
    stats["settings"]["options"] = ["--dup-threshold", "0.9", "--lang", "en,<b>x</b>"]
    report.close(stats)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    digest = stats["settings"]["rules"]["digest"]
    assert f"<th>rules.digest</th><td><code>{digest}</code></td>" in html
    assert "cleaner diff SOURCE --dup-threshold 0.9 --lang &#x27;en,&lt;b&gt;x&lt;/b&gt;&#x27;" in html
    assert_safe_page(html)


def test_site_names_rule_ids_and_boilerplate_from_the_input_stay_text_in_tables_and_charts(
    tmp_path: Path,
) -> None:
    hostile = '<script>window.__pwned=9</script><img src=x onerror="window.__pwned=10">'
    items = [
        ReportItem(
            f'doc{n}"><svg onload=alert(1)>',
            hostile,
            (f"Body {n}.", hostile),
            {
                "id": f"doc{n}",
                "source": hostile,
                "text": f"Body {n}.",
                "lang": hostile,
                "removed": [
                    {"pass": "boilerplate", "rule": "boilerplate.site", "text": hostile, "line": 1, "at": 0},
                    {"pass": hostile, "rule": hostile, "text": "x", "line": 0, "at": 0, "replacement": ""},
                ],
            },
        )
        for n in range(3)
    ]
    items[0].record["text"] = "xBody 0."  # type: ignore[index]
    report = HtmlReport(tmp_path / "report.html")
    for item in items:
        report.add(item)
    report.close({"settings": {"rules": {"files": [hostile]}, "options": ["--rules", hostile]}})
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert_safe_page(html)
    assert "<script>window.__pwned" not in html and "<svg onload" not in html
    assert esc(hostile) in html
    for chart in ("passes", "rules", "sites", "shares", "languages"):
        assert f'data-chart="{chart}"' in html
