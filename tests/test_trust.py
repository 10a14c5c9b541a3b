"""Issue 13, what a red-team pass broke: hostile records, overlapping paths, errors after the
commit, leftovers, a shared --state, file modes, large documents and the smaller ones.

Each test is a promise of the README's "In an ETL job" section."""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.cli import cli
from cleaner.options import RunOptions
from cleaner.readers import ReadOptions, record_to_document
from cleaner.records import Reason, Reject, dumps
from cleaner.runner import run

BODY = (
    "The ferry company said the new timetable would add two crossings on weekdays from June.",
    "Passengers on the island route had asked for an earlier boat for years, the company said.",
    "A spokesperson for the harbour authority said the quay could take the extra traffic.",
)


def article(n: int) -> str:
    """An article of its own per ``n`` (distinct words, so no two are near-duplicates)."""
    words = ["orchard", "quarry", "tunnel", "bakery", "museum", "college", "brewery", "market", "stadium"]
    topic = " ".join(words[(n * 5 + k) % len(words)] for k in range(4))
    return "\n\n".join(f"{p} Item {n * 17 + i} on the {topic} plan." for i, p in enumerate(BODY))


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_loads(line: str) -> Any:
    """A strict RFC 8259 parser: no NaN, no Infinity (Python's json accepts them by default)."""
    return json.loads(line, parse_constant=_no_constants)


def strict_lines(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes().decode("utf-8")  # strict UTF-8: a lone surrogate cannot be in it
    return [strict_loads(line) for line in data.splitlines()]


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


# -- item 1: one record never stops the run ------------------------------------------------------


HOSTILE = {
    "surrogate-text": '{"id": "s1", "text": "Lone \\ud800 surrogate."}',
    "surrogate-id": '{"id": "s2-\\udfff", "text": "An ordinary article."}',
    "surrogate-field": '{"id": "s3", "text": "Body.", "meta": {"by": "\\udc80"}}',
    "surrogate-key": '{"id": "s4", "text": "Body.", "\\ud801": 1}',
    "deep-field": json.dumps({"id": "d1", "text": "Body.", "meta": nested(300)}),
    "very-deep-field": '{"id": "d2", "text": "Body.", "m": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


def test_hostile_records_are_rejects_naming_file_and_line_and_the_run_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    good = [json.dumps({"id": f"g{n}", "text": article(n)}) for n in range(20)]
    # after the serial head, so the hostile records travel to a worker process (-j 2)
    lines = good + list(HOSTILE.values()) + [json.dumps({"id": "last", "text": article(99)})]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rejects, report = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "r.html"
    code, _, stderr = invoke("run", src, out, "--rejects", rejects, "--report", report, "-j", "2")
    assert code == 0, stderr
    kept = {r["id"] for r in strict_lines(out)}
    assert kept == {f"g{n}" for n in range(20)} | {"last"}
    rejected = {r["line"]: r for r in strict_lines(rejects)}
    for offset, _ in enumerate(HOSTILE):
        lineno = 21 + offset
        assert rejected[lineno]["reason"] == "invalid-json"
        assert rejected[lineno]["id"] == f"feed.jsonl:{lineno}"
        assert f"feed.jsonl:{lineno}: invalid-json" in stderr
    assert "surrogate" in rejected[21]["detail"] and "deeper than" in rejected[25]["detail"]
    assert report.stat().st_size > 0


def test_nan_and_infinity_become_null_with_a_note_and_the_output_is_strict_json(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    src.write_text(
        '{"id": "n1", "text": "An article with a score.", "score": NaN, "hi": Infinity, "big": 1e400,'
        ' "lo": -Infinity, "ok": 1.5}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code, _, stderr = invoke("run", src, out)
    assert code == 0, stderr
    (record,) = strict_lines(out)
    assert record["score"] is record["hi"] is record["big"] is record["lo"] is None
    assert record["ok"] == 1.5
    assert record["notes"] == ["-Infinity, 1e400, Infinity, NaN is not JSON: written as null"]
    assert "feed.jsonl: -Infinity, 1e400, Infinity, NaN is not JSON" in stderr


def test_dumps_refuses_nan_instead_of_writing_bare_words() -> None:
    assert dumps({"a": 1.0}) == '{"a":1.0}'
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            dumps({"a": bad})


def test_nesting_up_to_the_limit_passes_through_and_one_more_level_is_refused() -> None:
    from cleaner.readers import MAX_DEPTH

    options = ReadOptions()
    at_limit = json.dumps({"id": "a", "text": "Body.", "m": nested(MAX_DEPTH - 1)})
    over = json.dumps({"id": "a", "text": "Body.", "m": nested(MAX_DEPTH)})
    assert not isinstance(record_to_document(at_limit, "f", 1, options), Reject)
    rejected = record_to_document(over, "f", 1, options)
    assert isinstance(rejected, Reject) and rejected.reason == Reason.INVALID_JSON
    # an emoji written as a surrogate pair is a character, not a lone surrogate
    pair = record_to_document('{"id": "e", "text": "Hi \\ud83d\\ude00"}', "f", 1, options)
    assert not isinstance(pair, Reject) and pair.lines == ["Hi \U0001f600"]


# Anything json.dumps can write, NaN, infinities and lone surrogates included, and a field
# nested to any depth (written by hand: json.dumps itself cannot go past about 1,000 levels).
_char = st.one_of(st.characters(), st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]))
_string = st.text(_char, max_size=12)
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308]),
    _string,
)
_value = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_string, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def _line(draw: st.DrawFn) -> str:
    record = draw(st.dictionaries(_string, _value, max_size=3))
    record["id"] = draw(_value)
    record["text"] = draw(st.one_of(st.sampled_from(BODY), st.text(_char, max_size=40), _value))
    depth = draw(st.sampled_from([0, 1, 63, 64, 65, 300, 3000]))
    deep = "[" * depth + "0" + "]" * depth
    return json.dumps(record)[:-1] + f', "deep": {deep}}}'


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line(), min_size=1, max_size=6))
def test_arbitrary_json_records_never_stop_a_run_and_every_line_written_is_strict_json(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("records")
    src, out, rejects = folder / "in.jsonl", folder / "out.jsonl", folder / "rejects.jsonl"
    src.write_text("".join(line + "\n" for line in lines), encoding="ascii")
    stats = run(RunOptions([str(src)], str(out), rejects=str(rejects)))
    written, rejected = strict_lines(out), strict_lines(rejects)
    assert stats.documents_in == len(lines) == len(written) + len(rejected)


# -- items 2 and 3: output paths checked before any work, side files committed first -------------


def _one_line_refusal(code: int, stderr: str, *words: str) -> None:
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    for word in words:
        assert word in lines[0], (word, stderr)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    src = tmp_path / "in" / "feed.jsonl"
    src.parent.mkdir()
    src.write_text("".join(json.dumps({"id": f"a{n}", "text": article(n)}) + "\n" for n in range(3)))
    return src


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["{dest}", "--rejects", "{dest}"], ["--rejects and DEST", "same path"]),
        (["{dest}", "--stats", "{dest}"], ["--stats and DEST"]),
        (["{dest}", "--report", "{rejects}", "--rejects", "{rejects}"], ["--report and --rejects"]),
        (["{src}"], ["DEST", "is also a SOURCE"]),
        (["{dest}", "--rejects", "{src}"], ["--rejects", "is also a SOURCE"]),
        (["{inside}"], ["DEST", "inside SOURCE", "read it as input"]),
        (["{dest}", "--rejects", "{inside}"], ["--rejects", "inside SOURCE"]),
        (["{folder}/shards", "--shard-size", "2"], ["DEST", "inside SOURCE"]),
        (["{missing}/out.jsonl"], ["DEST", "does not exist"]),
        (["{dest}", "--stats", "{missing}/stats.json"], ["--stats", "does not exist"]),
        (["{dest}", "--report", "{rejects}/r.html"], ["--report", "does not exist"]),
        (["{dest}", "--report", "{dest}/r.html"], ["--report", "is not a folder"]),
        (["-", "--rejects", "-"], ["standard output"]),
    ],
)
def test_unusable_or_overlapping_output_paths_are_refused_before_any_work(
    tmp_path: Path, feed: Path, args: list[str], words: list[str]
) -> None:
    dest = tmp_path / "out.jsonl"
    dest.write_text("yesterday\n", encoding="utf-8")
    before = feed.read_bytes()
    values = {
        "dest": dest,
        "rejects": tmp_path / "rejects.jsonl",
        "src": feed,
        "folder": feed.parent,
        "inside": feed.parent / "out.jsonl",
        "missing": tmp_path / "missing",
    }
    source = feed if "{src}" in args else feed.parent  # (named itself, not found in a folder)
    code, _, stderr = invoke("run", source, *(a.format(**values) for a in args))
    _one_line_refusal(code, stderr, *words)
    assert dest.read_text(encoding="utf-8") == "yesterday\n" and feed.read_bytes() == before
    assert sorted(p.name for p in feed.parent.iterdir()) == ["feed.jsonl"]
    assert not (tmp_path / "missing").exists()


def test_a_state_folder_and_a_report_may_live_beside_the_input(tmp_path: Path, feed: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, stderr = invoke(
        "run", feed.parent, out, "--state", feed.parent / "state", "--stats", feed.parent / "stats.json"
    )
    assert code == 0, stderr


def test_reading_an_earlier_output_as_a_source_is_warned_loudly(tmp_path: Path, feed: Path) -> None:
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    feed.write_text(feed.read_text() + '{"id": "x", "text": 3}\n')
    assert invoke("run", feed, out, "--rejects", rejects, "-q")[0] == 0
    # --rejects forgotten: out.jsonl becomes a source, rejects.jsonl the destination
    code, _, stderr = invoke("run", feed.parent, out, rejects, "-q")
    assert code == 0
    assert f"warning: SOURCE {out} is cleaner's own output from an earlier run" in stderr
    assert f"warning: DEST {rejects} holds cleaner's rejects" in stderr
    code, _, stderr = invoke("run", feed, tmp_path / "again.jsonl", "-q")
    assert "warning" not in stderr  # an ordinary input says nothing


def test_a_failing_side_file_leaves_dest_and_rejects_as_they_were(tmp_path: Path, feed: Path) -> None:
    dest, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    dest.write_text("old output\n")
    rejects.write_text("old rejects\n")

    def failing(_stats: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "stats.json"))

    options = RunOptions([str(feed)], str(dest), rejects=str(rejects))
    options.before_commit = failing
    with pytest.raises(OSError):
        run(options)
    assert dest.read_text() == "old output\n" and rejects.read_text() == "old rejects\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl", "rejects.jsonl"]


def test_stats_and_report_are_written_before_dest_appears(tmp_path: Path, feed: Path) -> None:
    dest, stats, report = tmp_path / "out.jsonl", tmp_path / "stats.json", tmp_path / "report.html"
    seen: list[bool] = []
    options = RunOptions([str(feed)], str(dest))

    def side_files(run_stats: object) -> None:
        seen.append(dest.exists())
        stats.write_text("{}")

    options.before_commit = side_files
    run(options)
    assert seen == [False] and dest.exists()
    code, _, stderr = invoke("run", feed, dest, "--stats", stats, "--report", report)
    assert code == 0, stderr
    assert json.loads(stats.read_text())["documents_in"] == 3 and report.stat().st_size > 0


# -- item 4: a full disk leaves no temporary file --------------------------------------------------


class FullDisk:
    """A file object on a full disk: writes are buffered, flushing and closing fail (ENOSPC),
    as a real file's do once its buffer has to reach the disk; the descriptor is closed anyway."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, text: str) -> int:
        return len(text)

    def fileno(self) -> int:
        return int(self.real.fileno())

    def flush(self) -> None:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        self.real.close()
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("step", ["commit", "abort"])
def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, step: str) -> None:
    from cleaner.atomic import AtomicFile

    dest = tmp_path / "out.jsonl"
    dest.write_text("old\n")
    file = AtomicFile(dest)
    file.stream = FullDisk(file.stream)  # type: ignore[assignment]  # a stand-in file object
    file.stream.write("new\n")
    if step == "commit":
        with pytest.raises(OSError, match="No space left"):
            file.commit()
    else:
        file.abort()  # (the close fails again: the file goes all the same)
    assert dest.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_a_run_on_a_full_disk_fails_in_one_line_and_leaves_nothing(
    tmp_path: Path, feed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.fsync

    def full(fd: int) -> None:
        real(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # (the one cleaner.atomic calls)
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = invoke("run", feed, out / "out.jsonl", "--rejects", out / "rejects.jsonl")
    assert code == 1 and "No space left on device" in stderr and "Traceback" not in stderr
    assert list(out.iterdir()) == []


# -- item 5: a shared --state ----------------------------------------------------------------------


def _spawn_run(*args: str | Path, env: dict[str, str] | None = None) -> Any:

    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "run", *map(str, args), "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def _state_ids(state: Path) -> set[str]:
    with np.load(state / "documents.npz") as data:
        return {str(x) for x in data["ids"].tolist()}


def test_two_runs_on_one_state_take_turns_and_both_batches_are_kept(tmp_path: Path) -> None:

    from cleaner.pausepoints import PAUSE_AT, PAUSE_MARKER

    state, marker = tmp_path / "state", tmp_path / "paused"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps({"id": f"a{n}", "text": article(n)}) + "\n" for n in range(3)))
    # the second batch: a copy of a0 (a near-duplicate of the first batch) and a new article
    second.write_text(
        json.dumps({"id": "b0", "text": article(0)})
        + "\n"
        + json.dumps({"id": "b1", "text": article(7)})
        + "\n"
    )
    a = _spawn_run(
        first, tmp_path / "o1.jsonl", "--state", state, env={PAUSE_AT: "stage1", PAUSE_MARKER: str(marker)}
    )
    while not marker.exists():
        assert a.poll() is None, a.communicate()[1]
        time.sleep(0.01)
    b = _spawn_run(second, tmp_path / "o2.jsonl", "--rejects", tmp_path / "r2.jsonl", "--state", state)
    assert b.stderr is not None
    said = b.stderr.readline().decode()  # the second run says it waits, and waits
    assert "is in use by another run" in said and "waiting" in said
    a.send_signal(signal.SIGUSR1)  # the first run goes on, saves the state, lets go of it
    assert a.wait(timeout=120) == 0
    _, rest = b.communicate(timeout=120)
    assert b.returncode == 0, rest
    rejected = [json.loads(x) for x in (tmp_path / "r2.jsonl").read_text().splitlines()]
    assert [(r["id"], r["reason"], r["duplicate_of"]) for r in rejected] == [("b0", "near-duplicate", "a0")]
    assert _state_ids(state) == {"a0", "a1", "a2", "b1"}


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("settings", "not a complete cleaner state (no settings.json beside"),
        ("documents", "documents.npz: missing from the state folder"),
        ("corrupt", "boilerplate.npz: corrupt state file"),
        ("bad-settings", "settings.json: unreadable state settings"),
    ],
)
def test_an_incomplete_or_corrupt_state_is_refused_naming_the_file(
    tmp_path: Path, feed: Path, damage: str, said: str
) -> None:
    state = tmp_path / "state"
    assert invoke("run", feed, tmp_path / "o.jsonl", "--state", state)[0] == 0
    before = _state_ids(state)
    if damage == "settings":
        (state / "settings.json").unlink()
    elif damage == "documents":
        (state / "documents.npz").unlink()
    elif damage == "corrupt":
        (state / "boilerplate.npz").write_bytes(b"PK\x03\x04 not a zip archive")
    else:
        (state / "settings.json").write_text("{oops")
    code, _, stderr = invoke("run", feed, tmp_path / "o2.jsonl", "--state", state)
    assert code == 1 and said in stderr and len(stderr.strip().splitlines()) == 1, stderr
    if damage != "documents":
        assert _state_ids(state) == before  # refused, not overwritten


def test_an_empty_or_new_state_folder_is_a_fresh_state(tmp_path: Path, feed: Path) -> None:
    (tmp_path / "empty").mkdir()
    for state in (tmp_path / "empty", tmp_path / "new" / "state"):
        code, _, stderr = invoke("run", feed, tmp_path / "o.jsonl", "--state", state)
        assert code == 0, stderr
        assert _state_ids(state) == {"a0", "a1", "a2"}


# -- item 6: file modes ------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_outputs_follow_the_umask_and_replaced_ones_keep_their_mode(
    tmp_path: Path, feed: Path, umask: int
) -> None:

    out, rejects, kept = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "kept.jsonl"
    kept.write_text("old\n")
    kept.chmod(0o640)
    old = os.umask(umask)
    try:
        assert invoke("run", feed, out, "--rejects", rejects)[0] == 0
        assert invoke("run", feed, kept)[0] == 0
    finally:
        os.umask(old)
    for new in (out, rejects):
        assert new.stat().st_mode & 0o777 == 0o666 & ~umask, oct(new.stat().st_mode)
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() != "old\n"


# -- item 8: shards and resume -----------------------------------------------------------------------


def test_a_sharded_rerun_clears_the_old_shards_before_writing_and_the_manifest_lists_hashes(
    tmp_path: Path, feed: Path
) -> None:

    from cleaner.shards import ShardedWriter

    dest = tmp_path / "out"
    assert invoke("run", feed, dest, "--shard-size", "1")[0] == 0
    manifest = json.loads((dest / "_manifest.json").read_text())
    assert manifest["complete"] is True and manifest["records"] == 3
    for entry in manifest["files"]:
        data = (dest / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and data.count(b"\n") == entry["records"]
    # a re-run stopped after its first shard: the manifest and the earlier run's shards are gone
    (dest / ".part-00001.jsonl.x.tmp").write_text("a killed run's shard in progress")
    writer = ShardedWriter(dest, 1, tmp_path / "work")
    (tmp_path / "work").mkdir()
    writer.write_line('{"id":"new"}')
    assert sorted(p.name for p in dest.iterdir()) == ["part-00000.jsonl"]


def test_resume_compares_content_not_size_and_time(tmp_path: Path) -> None:

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": article(1)}) + "\n")
    dest = tmp_path / "out"
    from cleaner.options import RunOptions as Options
    from cleaner.readers import list_sources
    from cleaner.runner import _work_dir

    options = Options([str(src)], str(dest), shard_size=2)
    _work_dir(options, list_sources([str(src)]))  # a stopped run's stamp
    st = src.stat()
    # same size, same modification time, other text
    src.write_text(json.dumps({"id": "b", "text": article(1)}) + "\n")
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
    code, _, stderr = invoke("run", src, dest, "--shard-size", "2", "--resume")
    assert code == 1 and "changed since that run" in stderr


# -- item 8: the smaller ones ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["english", "xx", "en,klingon"])
def test_an_unknown_language_code_is_a_usage_error(tmp_path: Path, feed: Path, bad: str) -> None:
    code, _, stderr = invoke("run", feed, tmp_path / "o.jsonl", "--lang", bad)
    assert code == 2 and "not a language code langdetect knows" in stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_lang_codes_ignore_case_and_repeated_options_add_up(tmp_path: Path, feed: Path) -> None:
    out, rejects = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    code, _, stderr = invoke("run", feed, out, "--rejects", rejects, "--lang", "EN", "--lang", "de")
    assert code == 0, stderr
    assert len(strict_lines(out)) == 3 and not strict_lines(rejects)  # English kept: en counts too
    code, _, _ = invoke("run", feed, out, "--rejects", rejects, "--lang", "de", "--lang", "fr,nl")
    assert code == 0 and {r["reason"] for r in strict_lines(rejects)} == {"language"}
    assert "wanted de,fr,nl" in strict_lines(rejects)[0]["detail"]


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("enabled", '"false"', "enabled = 'false' must be true or false"),
        ("max_words", "true", "max_words = True must be a whole number"),
        ("phrases", '["ok", 3]', "phrases = ['ok', 3] must be a list of strings"),
        ("pattern", "42", "pattern = 42 must be a string"),
        ("remove", '"Advert"', "remove = 'Advert' must be a list of strings"),
    ],
)
def test_a_rule_field_of_the_wrong_type_is_an_error_naming_file_and_rule(
    tmp_path: Path, feed: Path, field: str, value: str, said: str
) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(f'[[rule]]\nid = "junk.advertisement"\n{field} = {value}\n', encoding="utf-8")
    code, _, stderr = invoke("run", feed, tmp_path / "o.jsonl", "--rules", rules)
    assert code == 1 and f"{rules}: rule junk.advertisement: {said}" in stderr, stderr


def test_a_rule_switched_off_with_a_boolean_is_off(tmp_path: Path) -> None:
    from cleaner.rules import load_rules

    rules = tmp_path / "mine.toml"
    rules.write_text('[[rule]]\nid = "junk.advertisement"\nenabled = false\n', encoding="utf-8")
    (rule,) = [r for r in load_rules([rules]) if r.id == "junk.advertisement"]
    assert rule.enabled is False


ESCAPES = "\x1b]0;owned\x07\x1b[2J\u202e"


def test_escape_sequences_in_names_and_ids_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"story{ESCAPES}.txt").write_bytes(b"\x00binary")  # a warning names the file
    records = [
        {"id": f"x{ESCAPES}", "text": article(1)},
        {"id": f"x{ESCAPES}", "text": article(2)},  # renamed: warned
        {"id": "plain", "text": article(3) + f"\n\nA line with {ESCAPES} inside."},
    ]
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    code, _, stderr = invoke("run", folder, tmp_path / "o.jsonl")
    assert code == 0
    code, stdout, _ = invoke("diff", folder, "--sample", "10")
    assert code == 0
    for said in (stderr, stdout):
        assert "\x1b" not in said and "\x07" not in said and "\u202e" not in said
    assert "story⟨U+001B⟩]0;owned⟨U+0007⟩" in stderr
    assert "x⟨U+001B⟩]0;owned⟨U+0007⟩⟨U+001B⟩[2J⟨U+202E⟩" in stdout


def test_a_renamed_duplicate_id_is_warned_once(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    src.write_text(
        json.dumps({"id": "dup", "text": article(1)})
        + "\n"
        + json.dumps({"id": "dup", "text": article(2)})
        + "\n"
    )
    code, _, stderr = invoke("run", src, tmp_path / "o.jsonl")
    assert code == 0 and stderr.count("dup#2") == 1, stderr


def test_ids_that_are_not_strings_are_replaced_with_a_note(tmp_path: Path) -> None:
    src = tmp_path / "feed.jsonl"
    ids: list[Any] = [1.0, None, ["a"], True, "", 7]
    src.write_text("".join(json.dumps({"id": i, "text": article(n)}) + "\n" for n, i in enumerate(ids)))
    out = tmp_path / "o.jsonl"
    code, _, stderr = invoke("run", src, out)
    assert code == 0
    records = strict_lines(out)
    assert [r["id"] for r in records] == [f"feed.jsonl:{n}" for n in range(1, 6)] + ["7"]
    for record, shown in zip(records, ["1.0", "null", '["a"]', "true", "an empty string"], strict=False):
        assert record["notes"][0].startswith(f"id {shown}"), record["notes"]
        assert f"feed.jsonl: id {shown}" in stderr
    assert "notes" not in records[-1]  # an integer id is a fine id


# -- item 7: large documents -------------------------------------------------------------------------


def test_documents_over_max_doc_bytes_are_rejected_too_large_and_the_run_goes_on(tmp_path: Path) -> None:
    import gzip

    folder = tmp_path / "in"
    folder.mkdir()
    big = article(1) + "\n\n" + "More words about the harbour plan. " * 100
    (folder / "a_big.txt").write_text(big)
    (folder / "b_big_gz.txt").write_bytes(gzip.compress(big.encode()))  # small packed, big unpacked
    (folder / "c_small.txt").write_text(article(2))
    records = [{"id": "r1", "text": big}, {"id": "r2", "text": article(3)}]
    (folder / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    out, rejects = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    code, _, stderr = invoke("run", folder, out, "--rejects", rejects, "--max-doc-bytes", "2000")
    assert code == 0, stderr
    assert {r["id"] for r in strict_lines(out)} == {"c_small", "r2"}
    reasons = {r["id"]: r["reason"] for r in strict_lines(rejects)}
    assert reasons == {"a_big": "too-large", "b_big_gz": "too-large", "d.jsonl:1": "too-large"}
    assert "d.jsonl:1: too-large: line of" in stderr and "a_big.txt: too-large" in stderr
    # the default takes any real article (the three copies of one are duplicates, no more)
    assert invoke("run", folder, out, "--rejects", rejects)[0] == 0
    assert {r["reason"] for r in strict_lines(rejects)} == {"near-duplicate"}


def test_a_signature_of_a_long_text_costs_a_small_multiple_of_the_text() -> None:
    import tracemalloc

    from cleaner.dedup.minhash import DOCUMENT_SKETCH, signature

    words = ["harbour", "ferry", "council", "budget", "bridge", "vote", "week", "plan", "quay", "road"]
    text = " ".join(f"{words[n % 10]}{n % 7919}" for n in range(200_000))  # 2.3 MB, 200,000 shingles
    signature("warm up the caches", DOCUMENT_SKETCH)
    tracemalloc.start()
    try:
        signature(text, DOCUMENT_SKETCH)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(text), peak  # (a matrix of every shingle by 128 permutations: 90x)


def test_signatures_in_blocks_equal_datasketch_across_block_boundaries() -> None:
    import xxhash
    from datasketch import MinHash

    from cleaner.dedup.minhash import BLOCK, PARAGRAPH_SKETCH, shingles, signatures

    texts = [
        " ".join(f"w{n}" for n in range(BLOCK + 50)),  # one text over a block boundary
        "",
        "tip line",
        *(" ".join(f"p{k} q{n} r{k * n}" for k in range(40)) for n in range(300)),  # many small
    ]
    got = signatures(texts, PARAGRAPH_SKETCH)
    for text, row in zip(texts, got, strict=True):
        m = MinHash(num_perm=64, seed=1, hashfunc=xxhash.xxh32_intdigest, scheme="affine32")
        m.update_batch(list(shingles(text, 3)))
        assert row.tolist() == np.asarray(m.hashvalues, dtype=np.uint32).tolist()


def test_spark_rows_go_through_the_same_checks_as_jsonl_lines() -> None:
    from cleaner.spark.tasks import record_to_item

    options = ReadOptions()
    deep = record_to_item({"id": "d", "text": "Body.", "m": nested(5000)}, "rows", 1, options)
    assert isinstance(deep, Reject) and deep.reason == Reason.INVALID_JSON
    lone = record_to_item({"id": "s", "text": "Lone \ud800."}, "rows", 2, options)
    assert isinstance(lone, Reject) and "surrogate" in lone.detail
    nan = record_to_item({"id": "n", "text": "Body.", "score": math.nan}, "rows", 3, options)
    assert not isinstance(nan, Reject) and nan.fields["score"] is None and nan.notes


def test_mappings_given_to_the_python_api_get_the_same_checks() -> None:
    from cleaner.readers import mapping_to_document

    options = ReadOptions()
    given = {"id": "n", "text": "Body.", "meta": {"score": math.inf, "ok": 2.5}}
    doc = mapping_to_document(given, "-", 1, options)
    assert not isinstance(doc, Reject)
    assert doc.fields["meta"] == {"score": None, "ok": 2.5} and doc.notes == [
        "Infinity is not JSON: written as null"
    ]
    assert given["meta"] == {"score": math.inf, "ok": 2.5}  # the caller's mapping is left alone
    lone = mapping_to_document({"id": "s", "text": "x", "tags": ("\udc80",)}, "-", 2, options)
    assert isinstance(lone, Reject) and lone.reason == Reason.INVALID_JSON
    deep = mapping_to_document({"id": "d", "text": "x", "m": nested(100)}, "-", 3, options)
    assert isinstance(deep, Reject) and "deeper than" in deep.detail
