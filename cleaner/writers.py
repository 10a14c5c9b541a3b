"""Writers: JSONL to a file that appears whole or not at all, or to standard output.

A file destination is written to a temporary file beside it and renamed over it only when the run
finishes, so a failed or killed run leaves whatever was there before, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
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
