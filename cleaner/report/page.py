"""The HTML both reports share: one self-contained page, its style, its safety rules, its pieces.

Safety is decided here, once, for every report (scraped text can hold ``<script>``, markup and
``javascript:`` links, and a reviewer opens the report in a browser):

- every piece of document text goes through :func:`esc` (``html.escape`` with quotes), so it is
  text, never markup; the page's own script reads data attributes and sets ``hidden`` and
  ``textContent`` only, never ``innerHTML``;
- a Content-Security-Policy allows only the page's own inline style and script, pinned by their
  SHA-256 hashes, and nothing else at all (no network, no images, no forms, no base URL), so even
  markup that slipped through could not run or load anything;
- the page has no external URL: links are ``#fragment`` links to the page itself.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable
from pathlib import Path

from cleaner import atomic
from cleaner.report.spans import Label, Piece, Row, visible

# Tag colours by pass; a rule of a pass not listed here gets the neutral colour.
PASS_CLASSES = frozenset(
    {"ftfy", "unicode", "whitespace", "captions", "junk", "title", "repeats", "boilerplate"}
)
_PREFIX_TO_PASS = {"ws": "whitespace", "caption": "captions", "repeat": "repeats"}
_SAFE_NAME = re.compile(r"[^a-z0-9-]")


def esc(text: str) -> str:
    """Document text as HTML text (and safe in a quoted attribute).

    >>> esc('<script>alert("x")</script> & <a href="javascript:x">')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;javascript:x&quot;&gt;'
    """
    return html.escape(text, quote=True)


def pass_of(rule: str, pass_name: str = "") -> str:
    """The colour family of a rule: its pass, or a guess from its id's prefix.

    >>> pass_of("ws.nbsp"), pass_of("junk.share", "junk"), pass_of("my.rule")
    ('whitespace', 'junk', 'other')
    """
    if pass_name in PASS_CLASSES:
        return pass_name
    prefix = rule.split(".", 1)[0]
    prefix = _PREFIX_TO_PASS.get(prefix, prefix)
    return prefix if prefix in PASS_CLASSES else "other"


def css_name(text: str) -> str:
    """A string reduced to characters that are safe in a class name."""
    return _SAFE_NAME.sub("-", text.lower())


_MOVED = {"title": "title", "captions": "caption"}


def tag(label: Label, count: int = 1, *, extra: str = "", text: str | None = None) -> str:
    """A rule as a small coloured tag: ``junk.share``, ``caption.ap → caption``, ``ftfy.x ×3``.

    ``text`` replaces what the tag says (the colour still comes from the rule).
    """
    if text is None:
        text = label.rule
        if label.moved_to:
            text += f" → {_MOVED.get(label.moved_to, label.moved_to)}"
        if count > 1:
            text += f" ×{count}"
    classes = f"tag p-{pass_of(label.rule, label.pass_name)}"
    if extra:
        classes += f" {extra}"
    return f'<span class="{classes}" title="{esc(label.pass_name or "rule")}">{esc(text)}</span>'


def reason_tag(reason: str) -> str:
    return f'<span class="tag reason">{esc(reason)}</span>'


def _piece(piece: Piece) -> str:
    if piece.kind == "keep":
        return esc(piece.text)
    label = piece.label or Label("?")
    moved = " moved" if label.moved_to else ""
    kind = "del" if piece.kind == "del" else "ins"
    css = f"p-{pass_of(label.rule, label.pass_name)}{moved}"
    return f'<{kind} class="{css}" title="{esc(label.rule)}">{esc(visible(piece.text))}</{kind}>'


def render_row(row: Row) -> str:
    """One input paragraph with its removals struck through and labelled by rule.

    A dropped paragraph is struck through whole and led by the rule that dropped it (and, after
    it, the rules that had edited it before); a paragraph edited in place shows each removal as
    ``<del>``, each replacement as ``<ins>``; the first of a rule's edits in the paragraph is
    followed by its tag (with the count: ten ``&quot;`` repairs are one label, not ten), and
    every edit names its rule in a tooltip.
    """
    if row.dropped is not None:
        lead = tag(row.dropped)
        others = [(label, n) for label, n in row.rule_counts() if label != row.dropped]
        rest = "".join(tag(label, n, extra="minor") for label, n in others)
        moved = " moved" if row.dropped.moved_to else ""
        return f'<p class="para dropped{moved}">{lead}<del>{esc(row.before)}</del>{rest}</p>'
    if not row.changed:
        return f'<p class="para">{esc(row.before)}</p>'
    counts = {label: n for label, n in row.rule_counts()}
    tagged: set[Label] = set()
    parts: list[str] = []
    pieces = row.pieces
    for index, piece in enumerate(pieces):
        parts.append(_piece(piece))
        if piece.kind == "keep" or piece.label is None or piece.label in tagged:
            continue
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if following is not None and following.kind != "keep" and following.label == piece.label:
            continue  # one tag after the struck text and its replacement
        tagged.add(piece.label)  # later edits of the same rule: colour and tooltip only
        parts.append(tag(piece.label, counts.get(piece.label, 1), extra="inline"))
    return f'<p class="para edited">{"".join(parts)}</p>'


def render_plain_rows(lines: Iterable[str], css_class: str = "para") -> str:
    return "".join(f'<p class="{css_class}">{esc(line)}</p>' for line in lines)


def csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def page(title: str, body: str, *, page_size: int = 0, script: str | None = None) -> str:
    """A whole HTML page: the shared style, ``body``, and the page's one inline script.

    The policy allows exactly this style and this script (by hash) and nothing else.
    """
    script = SCRIPT if script is None else script
    policy = (
        "default-src 'none'; "
        f"style-src '{csp_hash(CSS)}'; "
        f"script-src '{csp_hash(script)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    size = f' data-page-size="{page_size}"' if page_size else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{CSS}</style>\n"
        f"</head>\n<body{size}>\n{body}\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (:mod:`cleaner.atomic`): never a half report."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic.write_atomic(path, text, errors="replace")


def number(n: int) -> str:
    """A count with thousands separators: ``12,345``."""
    return f"{n:,}"


CSS = """
:root {
  --bg:#f5f6f8;
  --card:#fff;
  --ink:#1f2328;
  --muted:#656d76;
  --line:#d8dee4;
  --accent:#0969da;
  --del-bg:#ffebe9;
  --del-ink:#a40e26;
  --ins-bg:#dafbe1;
  --ins-ink:#116329;
  --mv-bg:#ddf4ff;
  --mv-ink:#0550ae;
}
* {
  box-sizing:border-box;
}
html {
  -webkit-text-size-adjust:100%;
}
body {
  margin:0;
  background:var(--bg);
  color:var(--ink);
  font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
}
main {
  max-width:1080px;
  margin:0 auto;
  padding:28px 24px 64px;
}
h1 {
  font-size:26px;
  line-height:1.2;
  margin:0 0 4px;
}
h2 {
  font-size:18px;
  margin:36px 0 10px;
}
h3 {
  font-size:15px;
  margin:0;
}
code, .mono, .tag, del, ins {
  font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
}
.sub {
  color:var(--muted);
  margin:0 0 20px;
}
.note {
  background:#fff8c5;
  border:1px solid #eed888;
  border-radius:8px;
  padding:10px 14px;
  margin:16px 0;
  font-size:14px;
}
.cards {
  display:grid;
  grid-template-columns:repeat(auto-fit,minmax(160px,1fr));
  gap:12px;
  margin:18px 0;
}
.card {
  background:var(--card);
  border:1px solid var(--line);
  border-radius:10px;
  padding:12px 16px;
}
.card .n {
  font-size:24px;
  font-variant-numeric:tabular-nums;
  font-weight:650;
  line-height:1.2;
}
.card .k {
  color:var(--muted);
  font-size:13px;
}
.card.bad .n {
  color:var(--del-ink);
}
.card.good .n {
  color:var(--ins-ink);
}
table {
  width:100%;
  border-collapse:collapse;
  background:var(--card);
  border:1px solid var(--line);
  border-radius:10px;
  overflow:hidden;
  font-size:14px;
}
th, td {
  text-align:left;
  padding:7px 12px;
  border-bottom:1px solid var(--line);
  vertical-align:top;
}
th {
  background:#f0f2f5;
  font-weight:600;
  color:#424a53;
  font-size:13px;
}
tr:last-child td {
  border-bottom:0;
}
td.num, th.num {
  text-align:right;
  font-variant-numeric:tabular-nums;
  white-space:nowrap;
}
td.ex {
  color:var(--muted);
  font-size:13px;
}
td.ex q {
  display:block;
  overflow:hidden;
  text-overflow:ellipsis;
  white-space:nowrap;
  max-width:460px;
}
td.ex .docs {
  display:block;
  margin-top:2px;
  font-size:12px;
}
.plus {
  color:var(--ins-ink);
  font-weight:600;
}
.minus {
  color:var(--del-ink);
  font-weight:600;
}
.tag {
  display:inline-block;
  font-size:11px;
  line-height:1.5;
  padding:0 7px;
  border-radius:999px;
  border:1px solid transparent;
  white-space:nowrap;
  vertical-align:1px;
  margin:0 2px;
}
.tag.inline {
  margin-left:3px;
}
.tag.minor {
  opacity:.75;
}
.p-ftfy, .p-unicode {
  --t:#8250df;
  --tb:#fbefff;
}
.p-whitespace {
  --t:#57606a;
  --tb:#eef1f4;
}
.p-captions {
  --t:#0550ae;
  --tb:#ddf4ff;
}
.p-junk {
  --t:#bc4c00;
  --tb:#fff1e5;
}
.p-title {
  --t:#1a7f37;
  --tb:#dafbe1;
}
.p-repeats {
  --t:#9a6700;
  --tb:#fff8c5;
}
.p-boilerplate {
  --t:#953800;
  --tb:#ffe7d1;
}
.p-other {
  --t:#424a53;
  --tb:#eaeef2;
}
.tag[class*=p-] {
  color:var(--t);
  background:var(--tb);
  border-color:color-mix(in srgb,var(--t) 25%,transparent);
}
.tag.reason {
  color:#fff;
  background:#cf222e;
}
.tag.kept {
  color:var(--ins-ink);
  background:var(--ins-bg);
}
.tag.state {
  color:#424a53;
  background:#eaeef2;
}
button.linkish {
  all:unset;
  cursor:pointer;
}
button.linkish:hover .tag, button.linkish:focus-visible .tag {
  outline:2px solid var(--accent);
  outline-offset:1px;
}
a {
  color:var(--accent);
  text-decoration:none;
}
a:hover {
  text-decoration:underline;
}
.filters {
  position:sticky;
  top:0;
  z-index:2;
  display:flex;
  flex-wrap:wrap;
  gap:10px 16px;
  align-items:center;
  background:rgba(245,246,248,.96);
  backdrop-filter:blur(4px);
  padding:12px 0;
  border-bottom:1px solid var(--line);
  margin:8px 0 16px;
}
.filters label {
  font-size:13px;
  color:var(--muted);
  display:flex;
  gap:6px;
  align-items:center;
}
.filters select, .filters input {
  font:inherit;
  font-size:14px;
  padding:4px 8px;
  border:1px solid var(--line);
  border-radius:6px;
  background:#fff;
  color:var(--ink);
  max-width:260px;
}
.filters .count {
  margin-left:auto;
  font-size:13px;
  color:var(--muted);
}
.pager {
  display:flex;
  gap:8px;
  align-items:center;
  font-size:13px;
  color:var(--muted);
}
.pager button {
  font:inherit;
  font-size:13px;
  padding:3px 10px;
  border:1px solid var(--line);
  border-radius:6px;
  background:#fff;
  cursor:pointer;
}
.pager button:disabled {
  opacity:.4;
  cursor:default;
}
.doc {
  background:var(--card);
  border:1px solid var(--line);
  border-radius:10px;
  margin:0 0 16px;
  content-visibility:auto;
  contain-intrinsic-size:auto 400px;
}
.doc>header {
  display:flex;
  flex-wrap:wrap;
  gap:6px 10px;
  align-items:baseline;
  padding:12px 16px;
  border-bottom:1px solid var(--line);
}
.doc>header h3 {
  font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  font-size:14px;
  word-break:break-all;
}
.doc .src {
  color:var(--muted);
  font-size:13px;
  word-break:break-all;
}
.doc .tags {
  flex-basis:100%;
  display:flex;
  flex-wrap:wrap;
  gap:4px 0;
}
.doc, #documents {
  scroll-margin-top:72px;
}
.doc .meta {
  display:grid;
  grid-template-columns:max-content 1fr;
  gap:3px 14px;
  margin:0;
  padding:12px 16px 4px;
  font-size:14px;
}
.doc .meta dt {
  color:var(--muted);
  font-size:11px;
  text-transform:uppercase;
  letter-spacing:.05em;
  padding-top:3px;
}
.doc .meta dd {
  margin:0;
}
.doc .meta dd.title {
  font-weight:600;
  font-size:16px;
}
.doc .meta ul {
  margin:0;
  padding-left:18px;
}
.doc .body {
  padding:8px 16px 12px;
}
.doc .reject {
  margin:12px 16px 0;
  padding:8px 12px;
  border-radius:8px;
  background:var(--del-bg);
  color:var(--del-ink);
  font-size:14px;
}
.para {
  margin:6px 0;
  padding:2px 0 2px 10px;
  border-left:3px solid transparent;
  overflow-wrap:anywhere;
}
.para.edited {
  border-left-color:#d4a72c;
}
.para.dropped {
  border-left-color:#cf222e;
  background:#fff5f5;
}
.para.dropped del {
  background:none;
}
.para.dropped.moved {
  border-left-color:#0969da;
  background:#f3f9ff;
}
.para.dropped.moved del {
  color:var(--mv-ink);
}
.para .tag:first-child {
  margin:0 6px 0 0;
}
.rejected .body .para {
  color:var(--muted);
}
del {
  color:var(--del-ink);
  background:var(--del-bg);
  text-decoration:line-through;
  text-decoration-thickness:1px;
  font-family:inherit;
  border-radius:3px;
}
ins {
  color:var(--ins-ink);
  background:var(--ins-bg);
  text-decoration:none;
  font-family:inherit;
  border-radius:3px;
}
del.moved {
  color:var(--mv-ink);
  background:var(--mv-bg);
}
.para.added {
  border-left-color:#1a7f37;
  background:#f3fff5;
}
.para.dropped > del:only-of-type, .para.added > ins:only-of-type {
  background:none;
}
.para .sign {
  display:inline-block;
  width:1.1em;
  color:var(--muted);
  font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
}
.hunk {
  margin:12px 0 2px;
  color:var(--muted);
  font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
}
.tag.delta.gain {
  font-weight:600;
}
.tag.delta.loss {
  border-style:dashed;
}
details {
  margin:10px 0;
}
details > summary {
  cursor:pointer;
  color:var(--muted);
  font-size:14px;
  margin-bottom:8px;
}
.empty {
  color:var(--muted);
  font-style:italic;
}
footer {
  margin-top:40px;
  color:var(--muted);
  font-size:12px;
}
@media (max-width:640px) {
  main {
    padding:16px 12px;
  }
  .filters .count {
    margin-left:0;
  }
}
""".strip()


def word(value: str) -> str:
    """A value as one word of a space-separated data attribute (filters match whole words)."""
    return "_".join(value.split()) or "_"


def select_filter(name: str, label: str, any_label: str, options: Iterable[tuple[str, str]]) -> str:
    """A ``<select>`` that keeps documents whose ``data-NAME`` words include the chosen value."""
    opts = "".join(f'<option value="{esc(word(value))}">{esc(text)}</option>' for value, text in options)
    return (
        f'<label>{esc(label)} <select id="f-{name}" data-filter="{name}" data-match="word">'
        f'<option value="">{esc(any_label)}</option>{opts}</select></label>'
    )


def text_filter(name: str, label: str, placeholder: str, suggestions: Iterable[str]) -> str:
    """A search box that keeps documents whose ``data-NAME`` contains the typed text."""
    opts = "".join(f'<option value="{esc(s)}"></option>' for s in suggestions)
    return (
        f'<label>{esc(label)} <input id="f-{name}" data-filter="{name}" data-match="substring" type="search" '
        f'list="f-{name}-list" placeholder="{esc(placeholder)}" autocomplete="off"></label>'
        f'<datalist id="f-{name}-list">{opts}</datalist>'
    )


def filter_bar(filters: Iterable[str], total: int) -> str:
    """The sticky bar: the filters, the pager and the count of documents that match."""
    return (
        f'<div class="filters" role="search">{"".join(filters)}'
        '<div class="pager"><button id="page-prev" type="button">‹ Prev</button>'
        '<span id="page-no"></span><button id="page-next" type="button">Next ›</button></div>'
        f'<span class="count" id="match-count">{number(total)} documents</span></div>'
    )


def filter_button(name: str, value: str, content: str) -> str:
    """A button (in a summary table) that shows the documents with ``value`` for filter ``name``."""
    return (
        f'<button class="linkish" type="button" data-set-filter="{esc(name)}" '
        f'data-value="{esc(word(value))}">{content}</button>'
    )


# The page's only script, the same for every report: filters and pages the documents by setting
# ``hidden``. It reads data attributes and the filter inputs and writes ``textContent`` only, and
# it is pinned by its hash in the page's CSP.
SCRIPT = """
(function () {
  "use strict";
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var count = document.getElementById("match-count");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var pageNo = document.getElementById("page-no");
  var size = parseInt(document.body.getAttribute("data-page-size"), 10) || 100;
  var page = 0;
  var matches = docs;

  function passes(d, f) {
    var wanted = f.value.trim();
    if (!wanted) return true;
    var have = d.getAttribute("data-" + f.getAttribute("data-filter")) || "";
    if (f.getAttribute("data-match") === "substring") {
      return have.toLowerCase().indexOf(wanted.toLowerCase()) >= 0;
    }
    return (" " + have + " ").indexOf(" " + wanted + " ") >= 0;
  }
  function keep(d) {
    for (var i = 0; i < filters.length; i++) if (!passes(d, filters[i])) return false;
    return true;
  }
  function render() {
    var pages = Math.max(1, Math.ceil(matches.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    var visible = new Set(matches.slice(page * size, page * size + size));
    docs.forEach(function (d) { d.hidden = !visible.has(d); });
    if (count) count.textContent = matches.length + " of " + docs.length + " documents";
    if (pageNo) pageNo.textContent = "page " + (page + 1) + " of " + pages;
    if (prev) prev.disabled = page === 0;
    if (next) next.disabled = page >= pages - 1;
  }
  function apply() { matches = docs.filter(keep); page = 0; render(); }
  function toDocuments() { var s = document.getElementById("documents"); if (s) s.scrollIntoView(); }
  function clear() { filters.forEach(function (f) { f.value = ""; }); }
  filters.forEach(function (f) { f.addEventListener(f.tagName === "INPUT" ? "input" : "change", apply); });
  if (prev) prev.addEventListener("click", function () { page -= 1; render(); toDocuments(); });
  if (next) next.addEventListener("click", function () { page += 1; render(); toDocuments(); });
  document.querySelectorAll("[data-set-filter]").forEach(function (b) {
    b.addEventListener("click", function () {
      var f = document.getElementById("f-" + b.getAttribute("data-set-filter"));
      if (!f) return;
      clear();
      f.value = b.getAttribute("data-value");
      apply();
      toDocuments();
    });
  });
  function reveal() {
    var d = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!d || docs.indexOf(d) < 0) return;
    if (matches.indexOf(d) < 0) { clear(); matches = docs.slice(); }
    page = Math.floor(matches.indexOf(d) / size);
    render();
    d.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  apply();
  if (location.hash) reveal();
})();
""".strip()
