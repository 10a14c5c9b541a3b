"""Stage 1's results, in input order, on disk: memory does not grow with the number of documents.

A temporary spill vanishes with the run. A persistent one (``--shard-size`` runs keep it in
``DEST/_work``) is appended one flushed record at a time, so ``--resume`` can read back what a
stopped run finished, drop a record cut short by the stop, and go on from there.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleaner.stages import Cleaned, Dropped

Item = Cleaned | Dropped


class Spill:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.count = 0
        if path is None:
            self._file: IO[bytes] = tempfile.TemporaryFile(prefix="cleaner-spill-")  # noqa: SIM115
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a+b")

    def append(self, item: Item) -> None:
        self._file.seek(0, 2)
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        if self.path is not None:
            self._file.flush()
        self.count += 1

    def recover(self) -> Iterator[Item]:
        """The items a previous run wrote whole; a partial last item is cut off."""
        self._file.seek(0)
        good = 0
        while True:
            try:
                item = pickle.load(self._file)
            except (EOFError, pickle.UnpicklingError, AttributeError, ValueError, IndexError):
                break
            good = self._file.tell()
            self.count += 1
            yield item
        self._file.truncate(good)

    def __iter__(self) -> Iterator[Item]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)

    def close(self) -> None:
        self._file.close()
