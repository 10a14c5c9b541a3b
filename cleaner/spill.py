"""Stage 1's results, in input order, on disk: memory does not grow with the number of documents.

A temporary spill vanishes with the run. A persistent one (``--shard-size`` runs keep it in
``DEST/_work``) is appended one flushed record at a time, so ``--resume`` can read back what a
stopped run finished, drop a record cut short by the stop, and go on from there.
"""

from __future__ import annotations

import pickle
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaner.stages import Cleaned, Dropped

Item = Cleaned | Dropped
# Each item is its pickle's length (8 bytes, little-endian), then the pickle.
_FRAME = struct.Struct("<Q")


class Spill:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.count = 0
        if path is None:
            self._file: IO[bytes] = tempfile.TemporaryFile(prefix="cleaner-spill-")  # noqa: SIM115
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a+b")

    def append_blob(self, blob: bytes) -> None:
        """Append an item already pickled (a worker process did it)."""
        self._file.seek(0, 2)
        self._file.write(_FRAME.pack(len(blob)))
        self._file.write(blob)
        if self.path is not None:
            self._file.flush()
        self.count += 1

    def _frames(self) -> Iterator[bytes]:
        self._file.seek(0)
        while True:
            head = self._file.read(_FRAME.size)
            if len(head) < _FRAME.size:
                return
            (size,) = _FRAME.unpack(head)
            blob = self._file.read(size)
            if len(blob) < size:
                return
            yield blob

    def recover(self) -> Iterator[Item]:
        """The items a previous run wrote whole; a partial last item is cut off."""
        good = 0
        for blob in self._frames():
            try:
                item = pickle.loads(blob)
            except (EOFError, pickle.UnpicklingError, AttributeError, ValueError, IndexError):
                break
            good += _FRAME.size + len(blob)
            self.count += 1
            yield item
        self._file.truncate(good)

    def blobs(self) -> Iterator[bytes]:
        """The items in order, still pickled: for worker processes to unpickle themselves."""
        frames = self._frames()
        for _ in range(self.count):
            yield next(frames)

    def close(self) -> None:
        self._file.close()
