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
from importlib import resources
from pathlib import Path

from cleaner import atomic
from cleaner.passes import colours, pass_for_rule
from cleaner.report.spans import Label, Piece, Row, visible

_SAFE_NAME = re.compile(r"[^a-z0-9-]")


def esc(text: str) -> str:
    """Document text as HTML text (and safe in a quoted attribute).

    >>> esc('<script>alert("x")</script> & <a href="javascript:x">')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;javascript:x&quot;&gt;'
    """
    return html.escape(text, quote=True)


def pass_of(rule: str, pass_name: str = "") -> str:
    """The colour family of a rule: its pass, or the registered pass whose prefix its id has.

    A rule of no registered pass (a user's ``my.rule``, a record of an older version) gets the
    neutral colour, ``other``.

    >>> pass_of("ws.nbsp"), pass_of("junk.share", "junk"), pass_of("my.rule")
    ('whitespace', 'junk', 'other')
    """
    if pass_name in colours():
        return pass_name
    return pass_for_rule(rule) or "other"


def css_name(text: str) -> str:
    """A string reduced to characters that are safe in a class name."""
    return _SAFE_NAME.sub("-", text.lower())


_MOVED = {"title": "title", "captions": "caption"}


def tag(label: Label, count: int = 1, *, extra: str = "", text: str | None = None) -> str:
    """A rule as a small coloured tag: ``junk.share``, ``caption.credit → caption``, ``ftfy.x ×3``.

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


def _asset(name: str) -> str:
    """A file of ``cleaner/report/assets`` (package data, shipped in the wheel), without the
    final newline."""
    return (resources.files("cleaner.report") / "assets" / name).read_text(encoding="utf-8").strip()


# The page's style, except the pass colours (see :func:`style`).
CSS = _asset("report.css")
# The page's only script, the same for every report: filters and pages the documents by setting
# ``hidden``. It reads data attributes and the filter inputs and writes ``textContent`` only, and
# it is pinned by its hash in the page's CSP.
SCRIPT = _asset("report.js")
_PASS_COLOURS_AT = "/* pass colours: generated from the pass registry (cleaner.report.page.pass_css) */"


def pass_css() -> str:
    """A class per registered pass, ``p-NAME``, setting its ink (``--t``) and background (``--tb``).

    >>> print(pass_css().split("}")[0] + "}")
    .p-ftfy {
      --t:#8250df;
      --tb:#fbefff;
    }
    """
    return "".join(
        f".p-{css_name(name)} {{\n  --t:{ink};\n  --tb:{background};\n}}\n"
        for name, (ink, background) in colours().items()
    )


def style() -> str:
    """The page's whole style sheet: the shipped CSS with the registry's pass colours in place."""
    return CSS.replace(_PASS_COLOURS_AT, pass_css().rstrip("\n"), 1)


def page(title: str, body: str, *, page_size: int = 0, script: str | None = None) -> str:
    """A whole HTML page: the shared style, ``body``, and the page's one inline script.

    The policy allows exactly this style and this script (by hash) and nothing else.
    """
    script = SCRIPT if script is None else script
    css = style()
    policy = (
        "default-src 'none'; "
        f"style-src '{csp_hash(css)}'; "
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
        f"<style>{css}</style>\n"
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


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was longer.

    >>> shorten("caption.credit", 9), shorten("junk", 9)
    ('caption.…', 'junk')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
