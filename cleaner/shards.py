"""``--shard-size N``: the output as a folder of JSONL shards, each written whole.

``DEST/part-00000.jsonl`` holds records 0..N-1, and so on. A shard appears (temporary file,
renamed) only once complete, and ``DEST/_work/shards.json`` notes it, so ``--resume`` does not
write it again. ``DEST/_manifest.json``, written last, says the output is complete; shards left
over from an earlier, longer run are removed then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cleaner.atomic import write_atomic
from cleaner.records import dumps
from cleaner.writers import JsonlWriter

MANIFEST = "_manifest.json"
PROGRESS = "shards.json"


def shard_name(number: int) -> str:
    return f"part-{number:05d}.jsonl"


class ShardedWriter:
    """Records in order, cut into shards of ``size``; shards in ``done`` are not written again."""

    def __init__(self, directory: Path, size: int, work: Path, done: frozenset[int] = frozenset()):
        self.directory = directory
        self.size = size
        self.work = work
        self.done = set(done)
        self.count = 0
        self._writer: JsonlWriter | None = None
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MANIFEST).unlink(missing_ok=True)

    @property
    def shards(self) -> int:
        return (self.count + self.size - 1) // self.size

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: str) -> None:
        shard = self.count // self.size
        self.count += 1
        if shard in self.done:
            return
        if self._writer is None:
            self._writer = JsonlWriter(str(self.directory / shard_name(shard)))
        self._writer.write_line(line)
        if self.count % self.size == 0:
            self._close_shard(shard)

    def _close_shard(self, shard: int) -> None:
        assert self._writer is not None
        self._writer.commit()
        self._writer = None
        self.done.add(shard)
        write_atomic(self.work / PROGRESS, json.dumps({"shard_size": self.size, "done": sorted(self.done)}))

    def commit(self) -> None:
        if self._writer is not None:
            self._close_shard(self.count // self.size)
        for stale in sorted(self.directory.glob("part-*.jsonl")):
            number = int(stale.stem.removeprefix("part-")) if stale.stem[5:].isdigit() else -1
            if number >= self.shards:
                stale.unlink()
        manifest = {
            "records": self.count,
            "shard_size": self.size,
            "shards": [shard_name(i) for i in range(self.shards)],
        }
        write_atomic(self.directory / MANIFEST, json.dumps(manifest, indent=2) + "\n")

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.abort()
            self._writer = None


def finished_shards(work: Path, size: int) -> frozenset[int]:
    """The shards a stopped run completed (for ``--resume``)."""
    try:
        progress = json.loads((work / PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    if progress.get("shard_size") != size:
        return frozenset()
    return frozenset(int(n) for n in progress.get("done", []))
