"""Named points where a run can be told to stop and wait: how the tests interrupt it exactly.

A test that kills or interrupts a run must know where the run is when the signal lands;
guessing from the clock makes it fail on a loaded machine (the run finished already, or was
still reading). With ``CLEANER_TEST_PAUSE_AT=POINT`` in its environment a run writes the file
named by ``CLEANER_TEST_PAUSE_MARKER`` when it reaches ``POINT`` and waits there for a signal:
the test waits for the file, sends its signal, and knows exactly what the run had done.

Points: ``stage1@N`` (N documents cleaned and spilled), ``stage3@N`` (N records written to the
temporary outputs), ``commit`` (every record written, the commit about to begin, with SIGINT and
SIGTERM held: the signal is remembered, the run goes on and commits, then stops). SIGUSR1
lets a paused run go on. Without the variable a point costs one comparison.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

PAUSE_AT = "CLEANER_TEST_PAUSE_AT"
PAUSE_MARKER = "CLEANER_TEST_PAUSE_MARKER"


class PausePoint:
    """One named point; :meth:`reached` counts arrivals and pauses at the N-th (default 1st)."""

    def __init__(self, name: str) -> None:
        spec = os.environ.get(PAUSE_AT, "")
        point, _, count = spec.partition("@")
        self.at = int(count or 1) if point == name else None
        self.name = name
        self.arrivals = 0

    def reached(self) -> None:
        if self.at is None:
            return
        self.arrivals += 1
        if self.arrivals == self.at:
            marker = os.environ.get(PAUSE_MARKER)
            if marker:
                Path(marker).write_text(f"{self.name}@{self.arrivals} {os.getpid()}\n", encoding="utf-8")
            previous = signal.signal(signal.SIGUSR1, _go_on)
            try:
                signal.pause()  # until a signal's handler runs (it raises, or it was held: go on)
            finally:
                signal.signal(signal.SIGUSR1, previous)


def _go_on(signum: int, frame: object) -> None:
    """SIGUSR1 at a pause point: carry on."""
