"""The terminal diff of one document: ``cleaner diff``.

A unified-style diff whose lines are paragraphs, so that it reads like ``git diff`` and pipes like
it: ``-`` for a paragraph removed (labelled with the rule that removed it), ``-``/``+`` pairs for a
paragraph edited in place, a space for context, ``@@`` hunks with one paragraph of context.

With ``color=True`` removed text is red, inserted text green and labels dim; inside an edited
paragraph the changed characters are highlighted. Without colour (a pipe, a file) the changed
characters are marked the way ``git diff --word-diff=plain`` does, ``[-removed-]`` and
``{+inserted+}``, so the output says the same thing with no escape codes in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.report.model import ReportItem
from cleaner.report.spans import Label, ReplayError, Row, mark_rows, visible

CONTEXT = 1  # paragraphs of context around each change

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


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.color and text else text


def label_text(label: Label, count: int = 1) -> str:
    """A rule label as the diff shows it: ``junk.share``, ``caption.ap → caption``, ``ftfy.x ×3``."""
    text = label.rule
    if label.moved_to:
        text += f" → {_MOVED.get(label.moved_to, label.moved_to)}"
    return text + (f" ×{count}" if count > 1 else "")


def _labels(row: Row) -> str:
    return "[" + ", ".join(label_text(label, n) for label, n in row.rule_counts()) + "]"


def _edited_pair(row: Row, style: _Style) -> tuple[str, str]:
    """The ``-`` and ``+`` texts of a paragraph edited in place, its changes highlighted."""
    old: list[str] = []
    new: list[str] = []
    for piece in row.pieces:
        if piece.kind == "keep":
            old.append(piece.text)
            new.append(piece.text)
        elif piece.kind == "del":
            if piece.was_inserted:
                continue  # inserted by one edit, removed by a later one: in neither side
            shown = visible(piece.text)
            old.append(style.paint(RED_BG, shown) if style.color else f"[-{shown}-]")
        else:
            shown = visible(piece.text)
            new.append(style.paint(GREEN_BG, shown) if style.color else f"{{+{shown}+}}")
    return "".join(old), "".join(new)


def _row_lines(row: Row, style: _Style) -> list[_Line]:
    if row.dropped is not None:
        return [_Line("-", row.before, _labels(row))]
    if not row.changed:
        return [_Line(" ", row.before, changed=False)]
    old, new = _edited_pair(row, style)
    return [_Line("-", old, _labels(row)), _Line("+", new)]


def _hunks(lines: Sequence[_Line]) -> list[list[int]]:
    """Groups of line indexes: each change with up to :data:`CONTEXT` unchanged lines around it."""
    keep = [False] * len(lines)
    for n, line in enumerate(lines):
        if line.changed:
            for m in range(max(0, n - CONTEXT), min(len(lines), n + CONTEXT + 1)):
                keep[m] = True
    hunks: list[list[int]] = []
    for n, wanted in enumerate(keep):
        if not wanted:
            continue
        if hunks and hunks[-1][-1] == n - 1:
            hunks[-1].append(n)
        else:
            hunks.append([n])
    return hunks


def _format(line: _Line, style: _Style) -> str:
    colour = {"-": RED, "+": GREEN}.get(line.sign, "")
    text = f"{line.sign} {line.text}" if line.text else line.sign
    if colour and style.color:
        # Re-open the line's colour after each highlight (a highlight ends with a reset).
        text = colour + text.replace(RESET, RESET + colour) + RESET
    if line.label:
        text += "  " + style.paint(YELLOW, line.label)
    return text


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
    style = _Style(color)
    record, reject = item.record, item.reject
    inputs = item.input_lines
    out: list[str] = [style.paint(BOLD, f"--- {item.source} (input, {_paragraphs(inputs)})")]
    if record is None:
        reason = str((reject or {}).get("reason") or "rejected")
        detail = str((reject or {}).get("detail") or "")
        out.append(style.paint(BOLD, f"+++ {item.id} (rejected: {reason}{': ' + detail if detail else ''})"))
        if inputs:
            out.append(style.paint(CYAN, f"@@ -1,{len(inputs)} +0,0 @@"))
            labels = [f"[reject: {reason}]"] + [""] * (len(inputs) - 1)
            out.extend(
                _format(_Line("-", line, label), style) for line, label in zip(inputs, labels, strict=True)
            )
        return "\n".join(out) + "\n"
    removed = [e for e in record.get("removed") or [] if isinstance(e, dict)]
    try:
        rows = mark_rows(inputs or (), removed)
    except ReplayError as e:
        out.append(style.paint(BOLD, f"+++ {item.id} (output)"))
        out.append(f"! the removed list does not replay on the input: {e}")
        text = str(record.get("text") or "")
        out.extend(_format(_Line("+", p), style) for p in text.split("\n\n") if p)
        return "\n".join(out) + "\n"
    kept = sum(1 for row in rows if row.dropped is None)
    out.append(style.paint(BOLD, f"+++ {item.id} (output, {_paragraphs(range(kept))})"))
    title = record.get("title")
    if isinstance(title, str) and title:
        out.append(style.paint(BLUE, f"title: {title}"))
    for caption in record.get("captions") or []:
        out.append(style.paint(BLUE, f"caption: {caption}"))
    lines: list[_Line] = []
    positions: list[tuple[int, int]] = []  # (old paragraph number, new paragraph number) before the line
    old_no = new_no = 0
    for row in rows:
        for line in _row_lines(row, style):
            positions.append((old_no, new_no))
            lines.append(line)
            if line.sign in " -":
                old_no += 1
            if line.sign in " +":
                new_no += 1
    if not any(line.changed for line in lines):
        out.append(style.paint(DIM, "(no changes)"))
        return "\n".join(out) + "\n"
    for hunk in _hunks(lines):
        old_start, new_start = positions[hunk[0]]
        old_len = sum(1 for n in hunk if lines[n].sign in " -")
        new_len = sum(1 for n in hunk if lines[n].sign in " +")
        header = f"@@ -{_range(old_start, old_len)} +{_range(new_start, new_len)} @@"
        out.append(style.paint(CYAN, header))
        out.extend(_format(lines[n], style) for n in hunk)
    return "\n".join(out) + "\n"


def _range(start: int, length: int) -> str:
    return f"{start + 1 if length else start},{length}"


def _paragraphs(lines: Sequence[object] | None) -> str:
    if lines is None:
        return "unreadable"
    return f"{len(lines)} paragraph" + ("" if len(lines) == 1 else "s")
