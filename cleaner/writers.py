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
        self._stream.write(dumps(record))
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


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this thread while the block runs (POSIX; elsewhere a no-op)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
