"""Charts for the run report, drawn here as inline SVG: no script, no library, no font to load.

The page's Content-Security-Policy allows nothing but its own style and script, so a chart must
be markup the page already holds. Each chart is an ``<svg role="img">`` whose bars carry their
label and value as data attributes and a ``<title>`` (the browser's tooltip), and whose totals
are on the ``<svg>`` itself (``data-total``, or one ``data-total-KIND`` per stacked segment), so
a test (or a reviewer's script) can check a picture against the run's counts. Every label is
escaped with :func:`cleaner.report.page.esc`: site names and rule ids come from the input and the
user's rules.

Colours come from the style sheet: a bar's class (``p-junk``, ``seg-kept``...) sets its fill, so
passes have the same colour in the charts as in their tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.report.page import esc, number, shorten

WIDTH = 760
LABEL_WIDTH = 210
VALUE_WIDTH = 110
ROW = 20
BAR = 14
TOP = 8
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and the class that colours it."""

    label: str
    value: int
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class Segment:
    kind: str  # the stacked part: kept, removed, rejected...
    value: int


@dataclass(frozen=True)
class Stack:
    """One stacked bar: a label and its segments (in the order of the chart's ``kinds``)."""

    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


def _short(text: str) -> str:
    return shorten(text, LABEL_CHARS)


def _open(name: str, title: str, height: int, attrs: str) -> str:
    return (
        f'<figure class="chart" id="chart-{esc(name)}"><figcaption>{esc(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" data-chart="{esc(name)}"{attrs}>'
        f"<title>{esc(title)}</title>"
    )


def _close(note: str = "") -> str:
    caption = f'<p class="chart-note">{esc(note)}</p>' if note else ""
    return f"</svg>{caption}</figure>"


def bar_chart(name: str, title: str, bars: Sequence[Bar], *, note: str = "", unit: str = "") -> str:
    """Horizontal bars, one row each, scaled to the largest; ``data-total`` is their sum."""
    if not bars:
        return ""
    height = TOP * 2 + ROW * len(bars)
    total = sum(b.value for b in bars)
    top = max(1, max(b.value for b in bars))
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(name, title, height, f' data-total="{total}"')]
    for n, bar in enumerate(bars):
        y = TOP + n * ROW
        width = round(span * bar.value / top, 1) if bar.value else 0
        tooltip = bar.title or f"{bar.label}: {number(bar.value)}{unit}"
        parts.append(
            f'<g class="bar {esc(bar.css)}" data-label="{esc(bar.label)}" data-value="{bar.value}">'
            f"<title>{esc(tooltip)}</title>"
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end">'
            f"{esc(_short(bar.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" rx="2"></rect>'
            f'<text class="value" x="{LABEL_WIDTH + width + 6}" y="{y + BAR - 3}">'
            f"{esc(number(bar.value) + unit)}</text></g>"
        )
    parts.append(_close(note))
    return "".join(parts)


def stacked_chart(
    name: str, title: str, stacks: Sequence[Stack], kinds: Sequence[tuple[str, str]], *, note: str = ""
) -> str:
    """Horizontal stacked bars (``kinds``: each segment's kind and legend text), each drawn to
    full width so its parts read as shares (a big site and a small one compare at a glance), its
    total written after it; ``data-total-KIND`` on the ``<svg>`` is the sum of each kind's
    segments."""
    if not stacks:
        return ""
    legend = ROW + 4
    height = TOP * 2 + ROW * len(stacks) + legend
    totals = {
        kind: sum(s.value for stack in stacks for s in stack.segments if s.kind == kind) for kind, _ in kinds
    }
    attrs = "".join(f' data-total-{esc(kind)}="{value}"' for kind, value in totals.items())
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(name, title, height, attrs)]
    x = LABEL_WIDTH
    for kind, text in kinds:
        parts.append(
            f'<g class="legend seg-{esc(kind)}"><rect x="{x}" y="{TOP}" width="12" height="12" rx="2"></rect>'
            f'<text x="{x + 17}" y="{TOP + 11}">{esc(text)}</text></g>'
        )
        x += 30 + 8 * len(text)
    for n, stack in enumerate(stacks):
        y = TOP + legend + n * ROW
        parts.append(
            f'<g class="stack" data-label="{esc(stack.label)}" data-total="{stack.total}">'
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" text-anchor="end">'
            f"<title>{esc(stack.label)}</title>{esc(_short(stack.label))}</text>"
        )
        at = float(LABEL_WIDTH)
        for segment in stack.segments:
            share = segment.value / stack.total if stack.total else 0.0
            width = round(span * share, 1)
            parts.append(
                f'<rect class="seg-{esc(segment.kind)}" data-kind="{esc(segment.kind)}" '
                f'data-value="{segment.value}" x="{round(at, 1)}" y="{y}" width="{width}" height="{BAR}">'
                f"<title>{esc(stack.label)}: {number(segment.value)} characters {esc(segment.kind)} "
                f"({share:.0%})</title></rect>"
            )
            at += width
        parts.append(
            f'<text class="value" x="{round(at, 1) + 6}" y="{y + BAR - 3}">'
            f"{esc(number(stack.total))}</text></g>"
        )
    parts.append(_close(note))
    return "".join(parts)


def column_chart(name: str, title: str, bars: Sequence[Bar], *, note: str = "") -> str:
    """Vertical bars side by side (a histogram): labels under them, counts above; ``data-total``
    is their sum."""
    if not bars:
        return ""
    height = 190
    base = height - 30
    total = sum(b.value for b in bars)
    top = max(1, max(b.value for b in bars))
    slot = (WIDTH - 40) / len(bars)
    parts = [_open(name, title, height, f' data-total="{total}"')]
    for n, bar in enumerate(bars):
        x = 20 + n * slot
        h = round((base - 24) * bar.value / top, 1)
        centre = round(x + slot / 2, 1)
        parts.append(
            f'<g class="bar {esc(bar.css)}" data-label="{esc(bar.label)}" data-value="{bar.value}">'
            f"<title>{esc(bar.title or f'{bar.label}: {number(bar.value)}')}</title>"
            f'<rect x="{round(x + 4, 1)}" y="{round(base - h, 1)}" width="{round(slot - 8, 1)}" '
            f'height="{h}" rx="2"></rect>'
            f'<text class="value" x="{centre}" y="{round(base - h - 5, 1)}" text-anchor="middle">'
            f"{esc(number(bar.value))}</text>"
            f'<text class="label" x="{centre}" y="{base + 16}" text-anchor="middle">'
            f"{esc(bar.label)}</text></g>"
        )
    parts.append(_close(note))
    return "".join(parts)


# The removed share of a kept document, in bins: nothing, then tenths.
SHARE_BINS = (
    "0%",
    "<10%",
    "10–20%",
    "20–30%",
    "30–40%",
    "40–50%",
    "50–60%",
    "60–70%",
    "70–80%",
    "80–90%",
    "90–100%",
)


def share_bin(share: float) -> int:
    """The bin of a removed share (0 to 1) in :data:`SHARE_BINS`.

    >>> [SHARE_BINS[share_bin(s)] for s in (0.0, 0.05, 0.1, 0.95, 1.0)]
    ['0%', '<10%', '10–20%', '90–100%', '90–100%']
    """
    if share <= 0:
        return 0
    return 1 + min(9, int(share * 10))
