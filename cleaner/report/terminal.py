"""The terminal views: the diff of one document (``cleaner diff``) and of two runs (``cleaner compare``).

A unified-style diff whose lines are paragraphs, so that it reads like ``git diff`` and pipes like
it: ``-`` for a paragraph removed (labelled with the rule that removed it), ``-``/``+`` pairs for a
paragraph edited in place, a space for context, ``@@`` hunks with one paragraph of context.

With ``color=True`` removed text is red, inserted text green and labels dim; inside an edited
paragraph the changed characters are highlighted. Without colour (a pipe, a file) the changed
characters are marked the way ``git diff --word-diff=plain`` does, ``[-removed-]`` and
``{+inserted+}``, so the output says the same thing with no escape codes in it.

Both views share the hunking (:func:`cleaner.report.spans.hunks`), the highlighting of an edited
paragraph (:func:`side_text`) and the line format (:func:`format_line`).
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cleaner.escapes import terminal_safe as safe
from cleaner.report.compare import KINDS, Comparison, DiffLine, DocChange, diff_lines, docs_summary
from cleaner.report.model import ReportItem
from cleaner.report.page import number, shorten
from cleaner.report.spans import Label, Piece, ReplayError, Row, hunks, mark_rows, pair_pieces, visible
from cleaner.textfix import normalize_fragment

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
BLUE = "\x1b[34m"
CYAN = "\x1b[36m"
RED_BG = "\x1b[1;97;41m"
GREEN_BG = "\x1b[1;97;42m"

_MOVED = {"title": "title", "captions": "caption"}


@dataclass(frozen=True)
class _Line:
    """One line of the diff: its sign (" ", "-", "+"), text and label, and where it is in each side."""

    sign: str
    text: str
    label: str = ""
    changed: bool = True


def paint(color: bool, code: str, text: str) -> str:
    """``text`` in the escape ``code`` when ``color`` (and ``text``) is on, else as it is."""
    return f"{code}{text}{RESET}" if color and text else text


def label_text(label: Label, count: int = 1) -> str:
    """A rule label as the diff shows it: ``junk.share``, ``caption.credit → caption``, ``ftfy.x ×3``."""
    text = safe(label.rule)
    if label.moved_to:
        text += f" → {_MOVED.get(label.moved_to, label.moved_to)}"
    return text + (f" ×{count}" if count > 1 else "")


def _labels(row: Row) -> str:
    return "[" + ", ".join(label_text(label, n) for label, n in row.rule_counts()) + "]"


def side_text(pieces: Sequence[Piece], sign: str, color: bool) -> str:
    """The ``-`` (old) or ``+`` (new) side of an edited paragraph, the changed characters marked:
    highlighted with ``color``, else ``[-removed-]`` and ``{+inserted+}``."""
    out: list[str] = []
    for piece in pieces:
        if piece.kind == "keep":
            out.append(safe(piece.text))
        elif piece.kind == "del" and sign == "-" and not piece.was_inserted:
            # (a piece inserted by one edit and removed by a later one is in neither side)
            shown = visible(piece.text)
            out.append(paint(color, RED_BG, shown) if color else f"[-{shown}-]")
        elif piece.kind == "ins" and sign == "+":
            shown = visible(piece.text)
            out.append(paint(color, GREEN_BG, shown) if color else f"{{+{shown}+}}")
    return "".join(out)


def _row_lines(row: Row, color: bool) -> list[_Line]:
    if row.dropped is not None:
        return [_Line("-", safe(row.before), _labels(row))]
    if not row.changed:
        return [_Line(" ", safe(row.before), changed=False)]
    old, new = side_text(row.pieces, "-", color), side_text(row.pieces, "+", color)
    return [_Line("-", old, _labels(row)), _Line("+", new)]


def format_line(sign: str, text: str, label: str, color: bool) -> str:
    """A diff line: ``sign`` and ``text`` (red for ``-``, green for ``+``), then ``label`` in yellow."""
    colour = {"-": RED, "+": GREEN}.get(sign, "")
    line = f"{sign} {text}" if text else sign
    if colour and color:
        # Re-open the line's colour after each highlight (a highlight ends with a reset).
        line = colour + line.replace(RESET, RESET + colour) + RESET
    if label:
        line += "  " + paint(color, YELLOW, label)
    return line


def _format(line: _Line, color: bool) -> str:
    return format_line(line.sign, line.text, line.label, color)


def render_diff(item: ReportItem, *, color: bool) -> str:
    """The diff of one document's input paragraphs against its output, every removal labelled.

    >>> item = ReportItem("a", "a.txt", ("Ad", "Body."), {"title": None, "captions": [], "removed": [
    ...     {"pass": "junk", "rule": "junk.ad", "text": "Ad", "line": 0, "at": 0}]})
    >>> print(render_diff(item, color=False))
    --- a.txt (input, 2 paragraphs)
    +++ a (output, 1 paragraph)
    @@ -1,2 +1,1 @@
    - Ad  [junk.ad]
      Body.
    <BLANKLINE>
    """
    record, reject = item.record, item.reject
    inputs = item.input_lines
    out: list[str] = [paint(color, BOLD, f"--- {safe(item.source)} (input, {_paragraphs(inputs)})")]
    if record is None:
        reason = safe(str((reject or {}).get("reason") or "rejected"))
        detail = safe(str((reject or {}).get("detail") or ""))
        out.append(
            paint(color, BOLD, f"+++ {safe(item.id)} (rejected: {reason}{': ' + detail if detail else ''})")
        )
        if inputs:
            out.append(paint(color, CYAN, f"@@ -1,{len(inputs)} +0,0 @@"))
            labels = [f"[reject: {reason}]"] + [""] * (len(inputs) - 1)
            out.extend(
                _format(_Line("-", safe(line), label), color)
                for line, label in zip(inputs, labels, strict=True)
            )
        return "\n".join(out) + "\n"
    removed = [e for e in record.get("removed") or [] if isinstance(e, dict)]
    try:
        rows = mark_rows(inputs or (), removed)
    except ReplayError as e:
        out.append(paint(color, BOLD, f"+++ {safe(item.id)} (output)"))
        out.append(f"! the removed list does not replay on the input: {safe(str(e))}")
        text = str(record.get("text") or "")
        out.extend(_format(_Line("+", safe(p)), color) for p in text.split("\n\n") if p)
        return "\n".join(out) + "\n"
    kept = sum(1 for row in rows if row.dropped is None)
    out.append(paint(color, BOLD, f"+++ {safe(item.id)} (output, {_paragraphs(range(kept))})"))
    title = record.get("title")
    if isinstance(title, str) and title:
        out.append(paint(color, BLUE, f"title: {safe(title)}"))
    for caption in record.get("captions") or []:
        out.append(paint(color, BLUE, f"caption: {safe(str(caption))}"))
    lines: list[_Line] = []
    positions: list[tuple[int, int]] = []  # (old paragraph number, new paragraph number) before the line
    old_no = new_no = 0
    for row in rows:
        for line in _row_lines(row, color):
            positions.append((old_no, new_no))
            lines.append(line)
            if line.sign in " -":
                old_no += 1
            if line.sign in " +":
                new_no += 1
    if not any(line.changed for line in lines):
        out.append(paint(color, DIM, "(no changes)"))
        return "\n".join(out) + "\n"
    for hunk in hunks([line.changed for line in lines]):
        old_start, new_start = positions[hunk[0]]
        old_len = sum(1 for n in hunk if lines[n].sign in " -")
        new_len = sum(1 for n in hunk if lines[n].sign in " +")
        header = f"@@ -{_range(old_start, old_len)} +{_range(new_start, new_len)} @@"
        out.append(paint(color, CYAN, header))
        out.extend(_format(lines[n], color) for n in hunk)
    return "\n".join(out) + "\n"


def _range(start: int, length: int) -> str:
    return f"{start + 1 if length else start},{length}"


def _paragraphs(lines: Sequence[object] | None) -> str:
    if lines is None:
        return "unreadable"
    return f"{len(lines)} paragraph" + ("" if len(lines) == 1 else "s")


# -- two runs: cleaner compare ------------------------------------------------------------


def _compare_line(line: DiffLine, color: bool) -> str:
    """A line of a document's comparison: a hunk header, or a paragraph (its changes marked)."""
    if line.sign == "@":
        return paint(color, CYAN, safe(line.text))
    text = safe(line.text)
    if line.pair is not None:
        old, new = (line.text, line.pair) if line.sign == "-" else (line.pair, line.text)
        text = side_text(pair_pieces(old, new), line.sign, color)
    label = "[" + ", ".join(map(safe, line.labels)) + "]" if line.labels else ""
    return format_line(line.sign, text, label, color)


def _counts(counter: Mapping[str, int], sign: str) -> str:
    return ", ".join(f"{sign}{rule} {n}" for rule, n in sorted(counter.items()))


def render_compare_terminal(result: Comparison, *, color: bool) -> str:
    """The comparison as text: totals, the rules table, reject changes, then each changed document."""
    out = [
        paint(
            color,
            BOLD,
            f"--- old: {safe(result.old_name)} ({docs_summary(result.old_docs, result.old_kept)})",
        ),
        paint(
            color,
            BOLD,
            f"+++ new: {safe(result.new_name)} ({docs_summary(result.new_docs, result.new_kept)})",
        ),
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
            out.append(
                f"{safe(d.rule):{width}}  {d.old:>7}  {d.new:>7}  {gained:>7}  {lost:>7}  {d.documents:>5}"
            )
    same = len(result.rules) - len(deltas)
    if same:
        out.append(f"({same} other rules removed the same in both runs)")
    if result.transitions:
        out += ["", "rejects changed:"]
        for (before, after), n in sorted(result.transitions.items()):
            out.append(f"  {safe(before)} → {safe(after)}: {n}")
    if result.changes:
        out += ["", "labels: +rule = the new run removes this text, -rule = the old run removed it"]
    for change in result.changes:
        out.append("")
        out.append(paint(color, BOLD, safe(_change_title(change))))
        out.extend(_compare_line(line, color) for line in diff_lines(change))
    hidden = result.total_changes - len(result.changes)
    if hidden > 0:
        out += ["", f"... and {number(hidden)} more changed documents (not shown)"]
    if not result.total_changes:
        out += ["", "no document changed"]
    return "\n".join(out) + "\n"


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


# -- a near-duplicate next to the document it duplicates ---------------------------------------


def render_side_by_side(
    left_title: str,
    left: Sequence[str],
    right_title: str,
    right: Sequence[str],
    *,
    width: int,
    color: bool,
) -> str:
    """Two documents' paragraphs in two columns, aligned paragraph by paragraph.

    Paragraphs are matched after repair (mojibake, entities, case and spacing do not count: a
    syndicated copy differs in exactly those). The middle column says how a row compares: a
    space for the same paragraph, ``~`` for the same after repair, ``|`` for paragraphs that
    differ, ``<`` for one only on the left, ``>`` only on the right. Paragraphs are wrapped to
    the column; differing ones are red (left) and green (right) with ``color``.

    >>> print(render_side_by_side("a", ["Same.", "Old."], "b", ["Same.", "New."], width=21, color=False))
    a         | b
    Same.       Same.
    Old.      | New.
    <BLANKLINE>
    """
    column = max(8, (width - 3) // 2)
    out = [f"{shorten(left_title, column):{column}} | {shorten(right_title, column)}"]
    matcher = difflib.SequenceMatcher(None, _keys(left), _keys(right), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs: list[tuple[str | None, str | None]]
        if op == "equal":
            pairs = [(left[i], right[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            lefts, rights = list(left[i1:i2]), list(right[j1:j2])
            count = max(len(lefts), len(rights))
            pairs = [
                (lefts[n] if n < len(lefts) else None, rights[n] if n < len(rights) else None)
                for n in range(count)
            ]
        for a, b in pairs:
            if op == "equal":
                mark = " " if a == b else "~"
            else:
                mark = "|" if a is not None and b is not None else "<" if b is None else ">"
            a_lines = textwrap.wrap(a, column) or [""] if a is not None else [""]
            b_lines = textwrap.wrap(b, column) or [""] if b is not None else [""]
            for n in range(max(len(a_lines), len(b_lines))):
                a_text = a_lines[n] if n < len(a_lines) else ""
                b_text = b_lines[n] if n < len(b_lines) else ""
                shown_mark = mark if n == 0 else " "
                a_cell = f"{a_text:{column}}"
                if op != "equal":
                    a_cell = paint(color, RED, a_cell)
                    b_text = paint(color, GREEN, b_text)
                out.append(f"{a_cell} {shown_mark} {b_text}".rstrip())
    return "\n".join(out) + "\n"


def _keys(paragraphs: Sequence[str]) -> list[str]:
    return [normalize_fragment(p).casefold() for p in paragraphs]
