"""A progress line on standard error while stage 1 runs (only on a terminal, never with -q)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class Progress:
    """Documents done, documents per second and, when the input size is known, an ETA."""

    def __init__(self, total_bytes: int, stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.total_bytes = total_bytes
        self.stream = stream or sys.stderr
        self.interval = interval
        self.start = time.monotonic()
        self._last = 0.0
        self.docs = 0

    def update(self, docs: int, bytes_done: int) -> None:
        self.docs = docs
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        line = f"cleaner: {docs:,} documents, {docs / elapsed:,.0f} docs/s"
        if self.total_bytes and bytes_done:
            share = min(bytes_done / self.total_bytes, 1.0)
            eta = elapsed * (1 - share) / share if share else 0.0
            line += f", {share:.0%} of input, ETA {_duration(eta)}"
        self.stream.write("\r" + line.ljust(78))
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r" + " " * 78 + "\r")
        self.stream.flush()
