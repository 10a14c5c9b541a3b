"""Every file cleaner writes appears whole or not at all, with an ordinary file's mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cleaner.atomic import atomic_open, write_atomic
from cleaner.dedup.boilerplate import BoilerplateIndex
from cleaner.dedup.documents import DocumentIndex
from cleaner.dedup.state import save_state
from cleaner.writers import open_jsonl


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _ordinary() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def test_a_written_file_replaces_the_old_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new\nline")
    assert target.read_bytes() == b"new\nline"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left beside it


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"yesterday")
    with pytest.raises(RuntimeError), atomic_open(target, binary=True) as stream:
        stream.write(b"half of today")
        raise RuntimeError("the run failed")
    assert target.read_bytes() == b"yesterday"
    assert list(tmp_path.iterdir()) == [target]


def test_unencodable_text_is_an_error_unless_replacement_is_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "broken \udcff surrogate")
    assert not target.exists()
    write_atomic(target, "broken \udcff surrogate", errors="replace")
    assert target.read_text(encoding="utf-8") == "broken ? surrogate"


def test_every_writer_gives_the_same_ordinary_mode(tmp_path: Path) -> None:
    """The copies of the atomic write had drifted: the JSONL output was private (0600), the
    report was not. Now output, state and report files all get what the umask allows."""
    out = tmp_path / "out.jsonl"
    with open_jsonl(str(out)) as writer:
        assert writer is not None
        writer.write({"id": "a"})
    write_atomic(tmp_path / "report.html", "<p>")
    state = tmp_path / "state"
    save_state(state, DocumentIndex(0.8), set(), BoilerplateIndex(threshold=0.8), {"v": 1})
    written = [out, tmp_path / "report.html", *sorted(state.iterdir())]
    assert len(written) == 6  # state: documents, boilerplate, captions, settings
    assert {_mode(path) for path in written} == {_ordinary()}
