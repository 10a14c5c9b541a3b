"""``--shard-size N``: the output as a folder of JSONL shards, each written whole.

``DEST/part-00000.jsonl`` holds records 0..N-1, and so on. A shard appears (temporary file,
renamed) only once complete, and ``DEST/_work/shards.json`` notes it with its SHA-256, so
``--resume`` does not write it again (unless its bytes changed since).

``DEST/_manifest.json``, written last, is the only statement that the folder is complete: it
lists every shard with its record count and SHA-256. A run removes the old manifest before it
writes its first shard, and the shards of an earlier run with it, so a folder without a
manifest is a run in progress or a stopped one, never an old and a new run mixed.
"""

from __future__ import annotations

import hashlib
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

    def __init__(self, directory: Path, size: int, work: Path, done: dict[int, str] | None = None):
        self.directory = directory
        self.size = size
        self.work = work
        self.done: dict[int, str] = dict(done or {})  # shard number -> SHA-256 of its bytes
        self.count = 0
        self._writer: JsonlWriter | None = None
        self._hash = hashlib.sha256()
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MANIFEST).unlink(missing_ok=True)  # first: from now on the folder is incomplete
        for old in directory.glob("part-*.jsonl"):
            if _shard_number(old) not in self.done:
                old.unlink()  # an earlier run's: never mixed with this run's shards
        for tmp in directory.glob(".part-*.tmp"):
            tmp.unlink()  # a killed run's shard in progress

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
            self._hash = hashlib.sha256()
        self._writer.write_line(line)
        self._hash.update(line.encode("utf-8") + b"\n")
        if self.count % self.size == 0:
            self._close_shard(shard)

    def _close_shard(self, shard: int) -> None:
        assert self._writer is not None
        self._writer.commit()
        self._writer = None
        self.done[shard] = self._hash.hexdigest()
        progress = {"shard_size": self.size, "done": sorted(self.done), "sha256": self.done}
        write_atomic(self.work / PROGRESS, json.dumps(progress, sort_keys=True))

    def commit(self) -> None:
        if self._writer is not None:
            self._close_shard(self.count // self.size)
        for stale in sorted(self.directory.glob("part-*.jsonl")):
            if _shard_number(stale) >= self.shards:
                stale.unlink()
        sizes = [min(self.size, self.count - i * self.size) for i in range(self.shards)]
        manifest = {
            "complete": True,
            "records": self.count,
            "shard_size": self.size,
            "shards": [shard_name(i) for i in range(self.shards)],
            "files": [
                {"name": shard_name(i), "records": sizes[i], "sha256": self.done[i]}
                for i in range(self.shards)
            ],
        }
        write_atomic(self.directory / MANIFEST, json.dumps(manifest, indent=2) + "\n")

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.abort()
            self._writer = None


def _shard_number(path: Path) -> int:
    digits = path.name.removeprefix("part-").removesuffix(".jsonl")
    return int(digits) if digits.isdigit() else -1


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, None when it cannot be read."""
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def finished_shards(directory: Path, work: Path, size: int) -> dict[int, str]:
    """The shards a stopped run completed whose bytes are still the ones it wrote (for
    ``--resume``): a shard changed or lost since is written again."""
    try:
        progress = json.loads((work / PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(progress, dict) or progress.get("shard_size") != size:
        return {}
    hashes = progress.get("sha256")
    if not isinstance(hashes, dict):
        return {}
    done: dict[int, str] = {}
    for number, digest in hashes.items():
        if str(number).isdigit() and file_sha256(directory / shard_name(int(number))) == digest:
            done[int(number)] = digest
    return done
