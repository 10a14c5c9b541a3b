"""Where each removal happened in the *input*: the output's ``removed`` list replayed with provenance.

A record's ``removed`` entries locate each edit in the text as it was at that moment (``line``,
``at``), not in the input: an edit after a dropped paragraph or after an earlier replacement has
shifted positions. A reviewer wants to see the input with the removed text struck through where
it was, so :func:`mark_rows` replays the edits exactly as :func:`cleaner.document.replay` does,
but on paragraphs made of :class:`Piece` s that remember which edit deleted or inserted them.
Replaying is the only way to get this right: searching for the removed text would mark the wrong
"Advertisement" when a document has two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cleaner.textdiff import span_edits

PieceKind = Literal["keep", "del", "ins"]


@dataclass(frozen=True, slots=True)
class Label:
    """The edit behind a piece: its rule, its pass, and where moved text went (title, captions)."""

    rule: str
    pass_name: str = ""
    moved_to: str | None = None


@dataclass(slots=True)
class Piece:
    """A run of characters of one paragraph and what happened to it.

    ``keep``: input text that is in the output. ``del``: text an edit removed (``was_inserted``
    when an earlier edit had put it there). ``ins``: text an edit inserted (a replacement).
    """

    text: str
    kind: PieceKind
    label: Label | None = None
    was_inserted: bool = False

    @property
    def live(self) -> bool:
        """Whether the piece is part of the paragraph's current text."""
        return self.kind != "del"


@dataclass(slots=True)
class Row:
    """One input paragraph: its pieces, the edits that touched it, and the edit that dropped it."""

    pieces: list[Piece]
    labels: list[Label] = field(default_factory=list)
    dropped: Label | None = None

    @property
    def before(self) -> str:
        """The paragraph as it was in the input."""
        return "".join(p.text for p in self.pieces if p.kind != "ins" and not p.was_inserted)

    @property
    def after(self) -> str:
        """The paragraph as it is in the output ("" when dropped)."""
        return "" if self.dropped else "".join(p.text for p in self.pieces if p.live)

    @property
    def changed(self) -> bool:
        return bool(self.labels)

    def rule_counts(self) -> list[tuple[Label, int]]:
        """The edits on this paragraph by label, in the order first applied, with counts."""
        counts: dict[Label, int] = {}
        for label in self.labels:
            counts[label] = counts.get(label, 0) + 1
        return list(counts.items())


class ReplayError(ValueError):
    """The ``removed`` list does not replay on the input paragraphs (a foreign or edited record)."""


def _current(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.dropped is None]


def _split(pieces: list[Piece], offset: int) -> int:
    """Split the live piece that straddles live ``offset``; return the index of the first piece at it.

    Dead (``del``) pieces take no room in the live text, so the smallest index is returned: a
    new deletion starting at ``offset`` sits before earlier deletions that follow it.
    """
    pos = 0
    for index, piece in enumerate(pieces):
        if pos == offset:
            return index
        if not piece.live:
            continue
        end = pos + len(piece.text)
        if offset < end:
            cut = offset - pos
            head = Piece(piece.text[:cut], piece.kind, piece.label, piece.was_inserted)
            tail = Piece(piece.text[cut:], piece.kind, piece.label, piece.was_inserted)
            pieces[index : index + 1] = [head, tail]
            return index + 1
        pos = end
    if pos == offset:
        return len(pieces)
    raise ReplayError(f"offset {offset} is past the end of the paragraph")


def apply_marked(rows: list[Row], entry: Mapping[str, Any]) -> None:
    """Apply one ``removed`` entry to ``rows``, keeping what it deleted and inserted as pieces.

    The same rules as :func:`cleaner.document.apply_one`: the removed text must be at ``at`` of
    current paragraph ``line``, and a paragraph left blank is dropped (by this edit's rule).
    """
    try:
        line, at, text = int(entry["line"]), int(entry["at"]), str(entry["text"])
        replacement = str(entry.get("replacement", ""))
        label = Label(str(entry["rule"]), str(entry.get("pass", "")), entry.get("to"))
    except (KeyError, TypeError, ValueError) as e:
        raise ReplayError(f"malformed removed entry: {e}") from e
    current = _current(rows)
    if not 0 <= line < len(current):
        raise ReplayError(f"line {line} does not exist")
    row = current[line]
    pieces = row.pieces
    start = _split(pieces, at)
    stop = _split(pieces, at + len(text))
    found = "".join(p.text for p in pieces[start:stop] if p.live)
    if found != text:
        raise ReplayError(f"line {line} has {found!r} at {at}, not {text!r}")
    for piece in pieces[start:stop]:
        if piece.live:
            piece.was_inserted = piece.kind == "ins"
            piece.kind = "del"
            piece.label = label
    if replacement:
        pieces.insert(stop, Piece(replacement, "ins", label))
    row.labels.append(label)
    if not row.after.strip():
        for piece in pieces:
            if piece.live:  # white space left over: goes with the paragraph
                piece.was_inserted = piece.kind == "ins"
                piece.kind = "del"
                piece.label = label
        row.dropped = label
    row.pieces = _coalesce(pieces)


def _coalesce(pieces: list[Piece]) -> list[Piece]:
    """Merge neighbours of the same kind and edit, dropping empty ones (splits leave them)."""
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == piece.kind
            and last.label == piece.label
            and last.was_inserted == piece.was_inserted
        ):
            last.text += piece.text
        else:
            out.append(piece)
    return out


def mark_rows(input_lines: Sequence[str], removed: Iterable[Mapping[str, Any]]) -> list[Row]:
    """The input paragraphs with every removal of ``removed`` marked where it happened.

    >>> rows = mark_rows(["Ad", "Caf\\u00c3\\u00a9 open"], [
    ...     {"pass": "junk", "rule": "junk.ad", "text": "Ad", "line": 0, "at": 0},
    ...     {"rule": "ftfy.fix", "text": "\\u00c3\\u00a9", "replacement": "\\u00e9", "line": 0, "at": 3}])
    >>> [(r.dropped.rule if r.dropped else None, r.after) for r in rows]
    [('junk.ad', ''), (None, 'Café open')]
    >>> [(p.kind, p.text) for p in rows[1].pieces]
    [('keep', 'Caf'), ('del', 'Ã©'), ('ins', 'é'), ('keep', ' open')]
    """
    rows = [Row([Piece(line, "keep")] if line else []) for line in input_lines]
    for entry in removed:
        apply_marked(rows, entry)
    return rows


# Characters a reader cannot see: shown as visible marks inside removed or inserted spans, so that
# a removed no-break space or zero-width space is not an empty strike-through.
_VISIBLE = {" ": "␣", "\u00a0": "⍽", "\t": "⇥", "\n": "↵", "\r": "↵"}


def visible(text: str) -> str:
    """``text`` with invisible characters (spaces, format and control characters) made visible.

    >>> visible("a\\u00a0b\\u200b")
    'a⍽b⟨U+200B⟩'
    """
    out: list[str] = []
    for char in text:
        if char in _VISIBLE:
            out.append(_VISIBLE[char])
        elif unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"}:
            out.append(f"⟨U+{ord(char):04X}⟩")
        else:
            out.append(char)
    return "".join(out)


CONTEXT = 1  # unchanged paragraphs shown around each change, in every diff


def hunks(changed: Sequence[bool]) -> list[list[int]]:
    """Groups of line indexes: each changed line with up to :data:`CONTEXT` lines around it.

    >>> hunks([False, False, True, False, False, False, True])
    [[1, 2, 3], [5, 6]]
    """
    keep = [False] * len(changed)
    for n, flag in enumerate(changed):
        if flag:
            for m in range(max(0, n - CONTEXT), min(len(changed), n + CONTEXT + 1)):
                keep[m] = True
    groups: list[list[int]] = []
    for n, wanted in enumerate(keep):
        if not wanted:
            continue
        if groups and groups[-1][-1] == n - 1:
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def pair_pieces(old: str, new: str) -> list[Piece]:
    """``old`` against ``new`` as pieces: kept text, ``del`` (only in old), ``ins`` (only in new).

    The ``keep`` and ``del`` pieces spell ``old``, the ``keep`` and ``ins`` pieces ``new``: the
    same pieces a replayed record gives, so one renderer shows both.

    >>> [(p.kind, p.text) for p in pair_pieces("Café open", "Cafe open now")]
    [('keep', 'Caf'), ('del', 'é'), ('ins', 'e'), ('keep', ' open'), ('ins', ' now')]
    """
    pieces: list[Piece] = []
    pos = 0
    for start, end, replacement in span_edits(old, new):
        if start > pos:
            pieces.append(Piece(old[pos:start], "keep"))
        if end > start:
            pieces.append(Piece(old[start:end], "del"))
        if replacement:
            pieces.append(Piece(replacement, "ins"))
        pos = end
    if pos < len(old):
        pieces.append(Piece(old[pos:], "keep"))
    return pieces
