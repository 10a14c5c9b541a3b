"""Writers: JSONL to a file that appears whole or not at all, or to standard output.

A file destination is an :class:`~cleaner.atomic.AtomicFile`, renamed over DEST only when the
run finishes, so a failed or killed run leaves whatever was there before, never half a file.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.atomic import AtomicFile
from cleaner.records import dumps

STDOUT = "-"


class JsonlWriter:
    """Write records one per line; ``commit`` makes the file appear, ``abort`` discards it."""

    def __init__(self, destination: str) -> None:
        self.destination = destination
        self.count = 0
        self._file: AtomicFile | None = None
        self._stream: IO[str]
        if destination == STDOUT:
            self._stream = sys.stdout
            return
        self._file = AtomicFile(Path(destination))
        self._stream = self._file.stream

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: str) -> None:
        """Write one record already rendered by :func:`cleaner.records.dumps` (no newline)."""
        self._stream.write(line)
        self._stream.write("\n")
        self.count += 1

    def commit(self) -> None:
        if self._file is None:
            self._stream.flush()
            return
        self._file.commit()

    def abort(self) -> None:
        if self._file is not None:
            self._file.abort()


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
