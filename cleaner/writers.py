"""Writers: JSONL to a file that appears whole or not at all, or to standard output.

A file destination is written to a temporary file beside it and renamed over it only when the run
finishes, so a failed or killed run leaves whatever was there before, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.records import dumps

STDOUT = "-"


class JsonlWriter:
    """Write records one per line; ``commit`` makes the file appear, ``abort`` discards it."""

    def __init__(self, destination: str) -> None:
        self.destination = destination
        self.count = 0
        self._tmp: Path | None = None
        self._stream: IO[str]
        if destination == STDOUT:
            self._stream = sys.stdout
            return
        target = Path(destination)
        # Ctrl-C between creating the temporary file and remembering it would leave it behind:
        # hold the signal for those few steps (it is delivered right after).
        with _signals_held():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
            self._tmp = Path(tmp)
            self._stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: str) -> None:
        """Write one record already rendered by :func:`cleaner.records.dumps` (no newline)."""
        self._stream.write(line)
        self._stream.write("\n")
        self.count += 1

    def commit(self) -> None:
        if self._tmp is None:
            self._stream.flush()
            return
        with _signals_held():
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._tmp.replace(self.destination)
            self._tmp = None

    def abort(self) -> None:
        if self._tmp is None:
            return
        self._stream.close()
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()
        self._tmp = None


_DEFERRED = (signal.SIGINT, signal.SIGTERM)


class DeferInterrupts:
    """Ctrl-C (SIGINT) and SIGTERM wait from :meth:`hold` to the end of the block, then arrive.

    The files a run writes appear by renames; an interrupt between two renames would leave a
    new output beside yesterday's rejects. Held, it is remembered by a handler of ours and
    raised again, to the handler it would have reached, when the block ends. (A handler, not a
    signal mask: a mask is per thread, and the kernel hands a process's signal to any thread that
    does not block it.) Only the main thread can install handlers; elsewhere holding does nothing.
    """

    def __init__(self) -> None:
        self._previous: dict[signal.Signals, Any] = {}
        self._pending: list[signal.Signals] = []

    def __enter__(self) -> DeferInterrupts:
        return self

    def hold(self) -> None:
        if self._previous or threading.current_thread() is not threading.main_thread():
            return
        self._previous = {s: signal.signal(s, self._remember) for s in _DEFERRED}

    def _remember(self, signum: int, frame: object) -> None:
        self._pending.append(signal.Signals(signum))

    def __exit__(self, *exc: object) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        self._previous = {}
        pending, self._pending = self._pending, []
        if pending:
            signal.raise_signal(pending[0])


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs (see :class:`DeferInterrupts`)."""
    with DeferInterrupts() as deferred:
        deferred.hold()
        yield


@contextlib.contextmanager
def open_jsonl(destination: str | None) -> Iterator[JsonlWriter | None]:
    """A writer committed when the block ends normally and discarded when it raises."""
    if destination is None:
        yield None
        return
    writer = JsonlWriter(destination)
    try:
        yield writer
    except BaseException:
        writer.abort()
        raise
    writer.commit()
