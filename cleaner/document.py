"""The document a pass sees, the edits a pass proposes, and how edits are applied and replayed.

A document's text is held as a list of paragraphs (``lines``), one per line of the input. Blank
lines, line-end styles and the white space around a line are layout, not content (see
:mod:`cleaner.layout`); everything else that changes is an :class:`Edit`, applied by
:func:`apply_edits` and kept as an :class:`AppliedEdit`, so the output's ``removed`` list explains
every character that differs from the input and :func:`replay` can rebuild the text from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal

from cleaner.textfix import normalize_fragment

MoveTarget = Literal["title", "captions", "byline", "published"]


@dataclass(frozen=True, slots=True)
class Edit:
    """A change a pass proposes on one line: replace ``line[start:end]`` with ``replacement``.

    ``start``/``end`` index the line as the pass saw it. ``moved_to`` says the removed text is
    not thrown away but becomes the document's title, one of its captions, its byline or its
    publication line.
    """

    pass_name: str
    rule: str
    line: int
    start: int
    end: int
    replacement: str = ""
    moved_to: MoveTarget | None = None

    @classmethod
    def drop_line(
        cls, pass_name: str, rule: str, line: int, text: str, moved_to: MoveTarget | None = None
    ) -> Edit:
        """An edit that removes the whole line ``line`` whose current text is ``text``."""
        return cls(pass_name, rule, line, 0, len(text), "", moved_to)


@dataclass(frozen=True, slots=True)
class AppliedEdit:
    """An edit as it was applied: positions refer to the text at the moment it was applied.

    Replaying the applied edits of a document in order, on the lines its input was split into,
    gives its output text (see :func:`replay`); un-applying them in reverse order, on the output's
    paragraphs, gives the input's back (see :func:`unapply`). For that, an edit that leaves its
    paragraph blank is recorded as removing the paragraph whole (``at`` 0, ``text`` the whole
    paragraph, no replacement) and says so with ``dropped``: without the flag, "Foo" removed at
    the start of "Foobar" and a paragraph "Foo" removed above "bar" would read the same.
    """

    pass_name: str
    rule: str
    line: int
    at: int
    text: str
    replacement: str = ""
    moved_to: MoveTarget | None = None
    dropped: bool = False

    def __reduce__(self) -> tuple[type[AppliedEdit], tuple[Any, ...]]:
        """Pickled as its constructor's arguments: a page carries a hundred edits to the spill
        and back, and a frozen slotted dataclass otherwise unpickles through
        ``dataclasses``' own ``__setstate__`` (a ``fields()`` call and a ``setattr`` a field)."""
        return AppliedEdit, (
            self.pass_name,
            self.rule,
            self.line,
            self.at,
            self.text,
            self.replacement,
            self.moved_to,
            self.dropped,
        )

    def to_dict(self) -> dict[str, Any]:
        """The edit as an entry of a record's ``removed`` list."""
        out: dict[str, Any] = {"pass": self.pass_name, "rule": self.rule, "text": self.text}
        if self.replacement:
            out["replacement"] = self.replacement
        if self.moved_to:
            out["to"] = self.moved_to
        if self.dropped:
            out["dropped"] = True
        out["line"] = self.line
        out["at"] = self.at
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AppliedEdit:
        """The edit of a ``removed`` entry (:meth:`to_dict`'s inverse)."""
        return cls(
            data["pass"],
            data["rule"],
            data["line"],
            data["at"],
            data["text"],
            data.get("replacement", ""),
            data.get("to"),
            data.get("dropped") is True,
        )

    # The older names, kept for callers written before the public API.
    to_json = to_dict
    from_json = from_dict


@dataclass(slots=True)
class Document:
    """One article on its way through the passes."""

    id: str
    source: str
    lines: list[str]
    title: str | None = None
    captions: list[str] = field(default_factory=list)
    # The first byline and dateline found in the page, as written (see the content pass).
    byline: str | None = None
    published: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    applied: list[AppliedEdit] = field(default_factory=list)
    title_from_input: bool = False
    # Title rules an earlier cleaner run already applied (re-cleaning cleaner's own output).
    earlier_title_rules: frozenset[str] = frozenset()
    group: str = ""
    input_lines: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.input_lines:
            self.input_lines = tuple(self.lines)

    @property
    def text(self) -> str:
        from cleaner.layout import render

        return render(self.lines)


def apply_one(lines: list[str], edit: AppliedEdit) -> None:
    """Apply one applied edit to ``lines`` in place.

    A line left empty or white space only by an edit is dropped: that is what removing a
    paragraph means.
    """
    line = lines[edit.line]
    end = edit.at + len(edit.text)
    if line[edit.at : end] != edit.text:
        raise ValueError(f"edit does not match line {edit.line}: {edit!r}")
    new = line[: edit.at] + edit.replacement + line[end:]
    if new.strip():
        lines[edit.line] = new
    else:
        del lines[edit.line]


def replay(lines: Iterable[str], applied: Iterable[AppliedEdit]) -> list[str]:
    """Rebuild a document's paragraphs from its input paragraphs and its applied edits.

    >>> replay(["Advertisement", "Body text."], [AppliedEdit("junk", "junk.ad", 0, 0, "Advertisement")])
    ['Body text.']
    """
    out = list(lines)
    for edit in applied:
        apply_one(out, edit)
    return out


def unapply_one(lines: list[str], edit: AppliedEdit) -> None:
    """Undo one applied edit on ``lines`` in place: the inverse of :func:`apply_one`.

    A ``dropped`` edit puts its paragraph back at ``line``; any other puts ``text`` back where
    its ``replacement`` stands. Raises ``ValueError`` when the edit does not fit (a record edited
    by hand, or written by a cleaner older than the ``dropped`` flag).
    """
    if edit.dropped:
        if edit.at != 0 or edit.replacement or not 0 <= edit.line <= len(lines):
            raise ValueError(f"dropped paragraph does not fit line {edit.line}: {edit!r}")
        lines.insert(edit.line, edit.text)
        return
    if not 0 <= edit.line < len(lines):
        raise ValueError(f"edit names line {edit.line} of {len(lines)}: {edit!r}")
    line = lines[edit.line]
    end = edit.at + len(edit.replacement)
    if line[edit.at : end] != edit.replacement:
        raise ValueError(f"edit does not match line {edit.line}: {edit!r}")
    lines[edit.line] = line[: edit.at] + edit.text + line[end:]


def unapply(lines: Iterable[str], applied: Iterable[AppliedEdit]) -> list[str]:
    """Rebuild a document's *input* paragraphs from its output paragraphs and its applied edits.

    The inverse of :func:`replay`: ``unapply(replay(p, edits), edits) == p``, which is what lets
    ``cleaner diff OUT.jsonl`` show a document's diff from the output file alone.

    >>> unapply(["Body text."], [AppliedEdit("junk", "junk.ad", 0, 0, "Advertisement", dropped=True)])
    ['Advertisement', 'Body text.']
    >>> unapply(["Café"], [AppliedEdit("ftfy", "ftfy.fix-encoding", 0, 3, "Ã©", "é")])
    ['CafÃ©']
    """
    out = list(lines)
    for edit in reversed(list(applied)):
        unapply_one(out, edit)
    return out


def apply_edits(doc: Document, edits: Iterable[Edit]) -> int:
    """Apply a batch of edits proposed on the same state of ``doc``; return how many applied.

    Edits are applied top to bottom and left to right; positions are shifted for the edits
    already applied, and an edit overlapping one already applied (or on a line already
    dropped) is skipped, to be proposed again in the next round if still relevant.
    """
    ordered = sorted(edits, key=_EDIT_ORDER)
    lines = doc.lines
    applied_edits = doc.applied
    dropped_above = 0
    current_line = -1
    shift = 0
    last_end = -1
    line_gone = False
    count = 0
    for edit in ordered:
        if edit.line != current_line:
            current_line, shift, last_end, line_gone = edit.line, 0, -1, False
        elif line_gone or edit.start < last_end:
            continue
        index = edit.line - dropped_above
        line = lines[index]
        at, end = edit.start + shift, edit.end + shift
        if not at and end == len(line) and line and not edit.replacement:
            # The common edit: a whole paragraph dropped (known without cutting and joining).
            removed, kept = line, ""
        else:
            removed = line[at:end]
            if not removed and not edit.replacement:
                continue
            kept = line[:at] + edit.replacement + line[end:]
        name, rule, moved_to = edit.pass_name, edit.rule, edit.moved_to
        if kept.strip():
            applied = AppliedEdit(name, rule, index, at, removed, edit.replacement, moved_to)
            lines[index] = kept
            shift += len(edit.replacement) - (edit.end - edit.start)
            last_end = edit.end
        else:  # the paragraph goes: recorded whole, white space left over included (see AppliedEdit)
            applied = AppliedEdit(name, rule, index, 0, line, "", moved_to, dropped=True)
            del lines[index]
            dropped_above += 1
            line_gone = True
        applied_edits.append(applied)
        count += 1
        _take_moved(doc, applied)
    return count


# The order edits are applied in: top to bottom, left to right.
_EDIT_ORDER = attrgetter("line", "start", "end")


def _take_moved(doc: Document, applied: AppliedEdit) -> None:
    """File moved text under the title, the captions, the byline or the publication line,
    repaired and tidied like an input title. A page's first byline and dateline are kept; later
    ones (a related story's) are removed all the same."""
    if applied.moved_to is None:
        return
    text = normalize_fragment(applied.text)
    if applied.moved_to == "title":
        doc.title = text
    elif applied.moved_to == "byline":
        doc.byline = doc.byline or text
    elif applied.moved_to == "published":
        doc.published = doc.published or text
    elif text not in doc.captions:
        doc.captions.append(text)
