"""ETL-grade behaviour: bad input never stops a run or loses a document, crashes never leave a
half-written destination, big runs stream, shard and resume, and rules cannot stall a run."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.atomic import DeferInterrupts
from cleaner.cli import cli
from cleaner.decoding import DecodeError, decode_bytes
from cleaner.pausepoints import PAUSE_AT, PAUSE_MARKER
from cleaner.readers import ReadOptions, SourceFile, read_jsonl, read_text_file
from cleaner.rules import PATTERN_TIMEOUT, load_rules
from cleaner.writers import open_jsonl

PARAGRAPHS = [
    "The harbour board approved a plan to widen the coastal road after a long debate on Monday.",
    "Engineers said the work would take eighteen months and close one lane at a time.",
    "Residents of Eastmoor welcomed the decision but asked for a footpath along the cliff.",
]


def article(n: int, extra: str = "") -> str:
    """A small article of its own: distinct words per n, so no two are near-duplicates."""
    words = [
        "ferry",
        "library",
        "quarry",
        "orchard",
        "stadium",
        "museum",
        "bakery",
        "tunnel",
        "harbour",
        "college",
        "market",
        "reservoir",
        "observatory",
        "brewery",
        "lighthouse",
    ]
    topic = " ".join(words[(n * 7 + k) % len(words)] for k in range(6))
    lines = [f"Council weighs the {words[n % len(words)]} plan, part {n}", ""]
    lines += [f"{p} Notes on {topic} number {n * 31 + i}." for i, p in enumerate(PARAGRAPHS)]
    return "\n\n".join(lines) + extra


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def bad_input_corpus(root: Path) -> dict[str, str]:
    """Every kind of bad input the issue lists; returns name -> expected outcome."""
    root.mkdir(parents=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (root / name).write_bytes(data)
        expect[name] = outcome

    put("01_binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "reject:binary")
    put("02_latin1.txt", article(2).replace("harbour", "caf\u00e9").encode("latin-1"), "kept:latin")
    put(
        "03_cp1252.txt",
        article(3, "\n\n\u201cWe agree,\u201d she said \u2013 twice.").encode("cp1252"),
        "kept:windows-1252",
    )
    put("04_utf16.txt", codecs.BOM_UTF16_LE + article(4).encode("utf-16-le"), "kept:utf-16")
    put("05_utf8_bom.txt", codecs.BOM_UTF8 + article(5).encode(), "kept")
    put("06_crlf.txt", article(6).replace("\n", "\r\n").encode(), "kept")
    put("07_lone_cr.txt", article(7).replace("\n", "\r").encode(), "kept")
    put("08_empty.txt", b"", "reject:empty")
    put("09_blank.txt", b"  \n\t\n\r\n   ", "reject:empty")
    huge = " ".join(f"word{i % 997}" for i in range(300_000))
    put("10_huge_line.txt", f"{article(10)}\n\n{huge}".encode(), "kept")
    put("11_gzipped.txt", gzip.compress(article(11).encode()), "kept")
    put("12_corrupt.txt", b"\x1f\x8b\x08\x00garbage", "reject:unreadable")
    # (article(n) and article(n + 15) share their topic words: every n here has its own topic,
    # so no two of these documents are near-duplicates of each other)
    lines = [
        json.dumps({"id": "ok-1", "text": article(9)}),
        "{not json",
        json.dumps({"id": "no-text", "title": "Missing"}),
        json.dumps({"id": "num-text", "text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "dup", "text": article(12)}),
        json.dumps({"id": "dup", "text": article(13)}),
    ]
    data = ("\n".join(lines) + "\n").encode() + b'{"id": "latin", "text": "caf\xe9"}\n'
    (root / "13_records.jsonl").write_bytes(data)
    with gzip.open(root / "14_records.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "gz-1", "text": article(23)}) + "\n")
    (root / "15_dangling.txt").symlink_to(root / "does-not-exist.txt")
    (root / "loop").mkdir()
    (root / "loop" / "16_inside.txt").write_text(article(16), encoding="utf-8")
    (root / "loop" / "back").symlink_to(root / "loop")
    (root / "17_self_a.txt").symlink_to(root / "17_self_b.txt")
    (root / "17_self_b.txt").symlink_to(root / "17_self_a.txt")
    not_utf8_name = root / os.fsdecode(b"18_caf\xe9.txt")  # a Latin-1 byte in the file name
    not_utf8_name.write_bytes(article(18).encode())
    return expect


def test_every_bad_input_is_reported_rejected_or_decoded_and_nothing_is_lost(tmp_path: Path) -> None:
    bad_input_corpus(tmp_path / "in")
    out, rejects, stats = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl", tmp_path / "stats.json"
    code, _, stderr = invoke("run", tmp_path / "in", out, "--rejects", rejects, "--stats", stats, "-j", "1")
    assert code == 0, stderr
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    rejected = [json.loads(x) for x in rejects.read_text(encoding="utf-8").splitlines()]
    counts = json.loads(stats.read_text())
    assert (
        counts["documents_in"]
        == len(records) + len(rejected)
        == counts["documents_out"] + counts["documents_rejected"]
    )
    reasons = {r["id"]: r["reason"] for r in rejected}
    assert reasons["01_binary"] == "binary"
    assert reasons["08_empty"] == reasons["09_blank"] == "empty"
    assert reasons["12_corrupt"] == "unreadable"
    assert reasons["15_dangling"] == "unreadable"
    assert reasons["17_self_a"] == reasons["17_self_b"] == "unreadable"
    assert reasons["13_records.jsonl:2"] == "invalid-json"
    assert reasons["13_records.jsonl:5"] == "invalid-json"
    assert reasons["13_records.jsonl:8"] == "invalid-json"  # not UTF-8: that line only
    assert reasons["no-text"] == reasons["num-text"] == "missing-text"
    kept = {r["id"]: r for r in records}
    assert "café" in kept["02_latin1"]["text"]
    assert kept["02_latin1"]["notes"] == ["decoded as windows-1252"]
    assert "\u201cWe agree,\u201d she said \u2013 twice." in kept["03_cp1252"]["text"]
    assert kept["04_utf16"]["notes"] == ["decoded as utf-16"]
    for name in ("05_utf8_bom", "06_crlf", "07_lone_cr", "10_huge_line", "11_gzipped", "ok-1", "gz-1"):
        assert kept[name]["text"].count("\n\n") >= 2, name
    assert "\r" not in kept["06_crlf"]["text"] + kept["07_lone_cr"]["text"]
    assert {"dup", "dup#2"} <= kept.keys()
    assert "loop/16_inside" in kept  # the folder is walked once, its link back is not followed
    assert "18_caf\ufffd" in kept
    for where in (
        "01_binary.txt: binary",
        "13_records.jsonl:2: invalid-json",
        "13_records.jsonl:3: missing-text",
        "15_dangling.txt: unreadable",
        "17_self_a.txt: unreadable: symbolic link loop",
        "duplicate id 'dup', renamed 'dup#2'",
        "02_latin1.txt: decoded as windows-1252",
    ):
        assert where in stderr, where
    assert all(len(line) < 300 for line in stderr.splitlines())


def test_strict_exits_1_when_input_was_bad_and_0_otherwise(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": article(1)}) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "text": article(1)}) + "\n{oops\n", encoding="utf-8")
    assert invoke("run", good, tmp_path / "o1.jsonl", "--strict")[0] == 0
    code, _, stderr = invoke("run", bad, tmp_path / "o2.jsonl", "--strict")
    assert code == 1 and "--strict: 1 documents rejected as bad input" in stderr
    assert invoke("run", bad, tmp_path / "o3.jsonl")[0] == 0
    assert invoke("run", bad, tmp_path / "o4.jsonl", "--no-such-option")[0] == 2


FOOTER = "The Eastmoor Courier is published by Courier Media, 2 Quay Street, Eastmoor."


def big_input(path: Path, docs: int, footer: bool = False) -> None:
    """``docs`` distinct articles; with ``footer``, every one ends in the site's footer, so
    stage 3 (boilerplate removal, then writing) has real work to do for each document."""
    with path.open("w", encoding="utf-8") as f:
        for n in range(docs):
            text = article(n) + f"\n\nClosing line {n} of the series." + (f"\n\n{FOOTER}" if footer else "")
            f.write(json.dumps({"id": f"d{n}", "url": f"https://courier.example/{n}", "text": text}) + "\n")


def spawn(*args: str | Path, pause: str, marker: Path, jobs: int = 1) -> subprocess.Popen[bytes]:
    """``cleaner run ARGS`` in its own process group, told to wait at the pause point ``pause``
    (see :mod:`cleaner.pausepoints`) after writing ``marker``."""
    env = {**os.environ, PAUSE_AT: pause, PAUSE_MARKER: str(marker)}
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "run", *map(str, args), "-q", "-j", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own group: a signal to the group reaches its workers too
        # Ctrl-C as a terminal gives it, even when these tests run in a background job (whose
        # commands start with SIGINT ignored, a setting exec keeps: the run would never hear it).
        preexec_fn=_interruptible,
    )


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_at_pause(marker: Path, proc: subprocess.Popen[bytes]) -> None:
    """Until the run has reached its pause point (where it waits for a signal)."""
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before its pause point: {proc.communicate()[1]!r}")
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_a_killed_or_interrupted_run_leaves_the_destination_as_it_was(tmp_path: Path, sig: int) -> None:
    src, dest, rejects = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    big_input(src, 40, footer=True)  # more than the serial head: worker processes are running
    dest.write_text("yesterday's output\n", encoding="utf-8")
    rejects.write_text("yesterday's rejects\n", encoding="utf-8")
    marker = tmp_path / "paused"
    proc = spawn(src, dest, "--rejects", rejects, pause="stage3@30", marker=marker, jobs=2)
    wait_at_pause(marker, proc)
    assert list(tmp_path.glob(".out.jsonl.*.tmp"))  # writing has begun
    os.killpg(proc.pid, sig)  # as a terminal (Ctrl-C), systemd or Kubernetes signal a job
    _, stderr = proc.communicate(timeout=120)
    assert dest.read_text(encoding="utf-8") == "yesterday's output\n"
    assert rejects.read_text(encoding="utf-8") == "yesterday's rejects\n"
    if sig != signal.SIGKILL:
        status, said = (130, b"interrupted") if sig == signal.SIGINT else (143, b"terminated")
        assert proc.returncode == status and said in stderr, stderr
        assert b"Traceback" not in stderr  # nor from a worker process
        assert not list(tmp_path.glob(".*.tmp"))  # cleaned up on the way out


def test_sigterm_during_the_commit_waits_until_every_output_is_in_place(tmp_path: Path) -> None:
    src, dest, rejects = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    big_input(src, 5)
    with src.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    dest.write_text("yesterday's output\n", encoding="utf-8")
    marker, stats = tmp_path / "paused", tmp_path / "stats.json"
    proc = spawn(src, dest, "--rejects", rejects, "--stats", stats, pause="commit", marker=marker)
    wait_at_pause(marker, proc)
    os.killpg(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143 and b"Traceback" not in stderr, stderr
    assert len(dest.read_text(encoding="utf-8").splitlines()) == 5  # committed whole, then stopped
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 1
    assert json.loads(stats.read_text(encoding="utf-8"))["documents_in"] == 6
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.fixture
def python_ctrl_c() -> Iterator[None]:
    """Python's Ctrl-C handler, as an interactive run has it: a background job starts with
    SIGINT ignored, and an ignored Ctrl-C is rightly dropped."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_during_the_commit_waits_until_output_and_rejects_are_both_in_place(
    tmp_path: Path, python_ctrl_c: None
) -> None:
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    interrupted = False
    try:
        with DeferInterrupts() as together, open_jsonl(str(out)) as a, open_jsonl(str(rejects)) as b:
            assert a is not None and b is not None
            a.write({"id": "kept"})
            b.write({"id": "dropped"})
            together.hold()
            # Ctrl-C right before the two renames: a signal sent to oneself is handled before
            # the next line runs, so a signal not held would interrupt here.
            os.kill(os.getpid(), signal.SIGINT)
    except KeyboardInterrupt:
        interrupted = True
    assert interrupted  # delivered after the block, not lost
    assert out.read_text(encoding="utf-8") == '{"id":"kept"}\n'
    assert rejects.read_text(encoding="utf-8") == '{"id":"dropped"}\n'
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("stop_at", ["stage1@50", "stage3@60"])
def test_a_killed_sharded_run_resumes_to_the_same_output(tmp_path: Path, stop_at: str) -> None:
    src = tmp_path / "in.jsonl"
    big_input(src, 120)
    fresh, resumed = tmp_path / "fresh", tmp_path / "resumed"
    assert invoke("run", src, fresh, "--shard-size", "25", "-j", "1", "-q")[0] == 0
    marker = tmp_path / "paused"
    proc = spawn(src, resumed, "--shard-size", "25", pause=stop_at, marker=marker)
    wait_at_pause(marker, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (resumed / "_manifest.json").exists()
    code, _, stderr = invoke("run", src, resumed, "--shard-size", "25", "--resume", "-j", "1", "-q")
    assert code == 0, stderr
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in resumed.iterdir()) and "_manifest.json" in names
    for name in names:
        assert (fresh / name).read_bytes() == (resumed / name).read_bytes(), name


def test_resume_refuses_a_changed_input_and_needs_shards(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    big_input(src, 5)
    dest = tmp_path / "out"
    (dest / "_work").mkdir(parents=True)
    (dest / "_work" / "run.json").write_text("{}", encoding="utf-8")
    code, _, stderr = invoke("run", src, dest, "--shard-size", "2", "--resume")
    assert code == 1 and "changed since that run" in stderr
    assert invoke("run", src, tmp_path / "x.jsonl", "--resume")[0] == 2


def test_parallel_workers_give_byte_identical_output(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    big_input(src, 150)  # more than the serial head, so the pool really runs
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert invoke("run", src, one, "-j", "1", "-q")[0] == 0
    assert invoke("run", src, two, "-j", "2", "-q")[0] == 0
    assert one.read_bytes() == two.read_bytes()


ADVERSARIAL = [
    "a" * 20000,
    " " * 20000 + "x",
    "-" * 20000,
    "share on facebook " * 3000 + "!",
    "Photo: " + "Aa " * 5000 + "/",
    "(" * 5000 + "AP Photo/" + "Ab " * 3000,
    "REUTERS/" + "Ab-" * 8000,
    "© " + "2024 " * 5000,
    "click here to " + "more " * 5000,
    "".join(chr(0x2000 + i % 200) for i in range(20000)),
]


@pytest.mark.parametrize("rule", [r for r in load_rules() if r.pattern is not None], ids=lambda r: r.id)
def test_no_default_pattern_backtracks_on_crafted_lines(rule: object) -> None:
    from cleaner.rules import Rule

    assert isinstance(rule, Rule) and rule.pattern is not None
    for line in ADVERSARIAL:
        # Matched the way the engine matches (Rule.matches), with its own time limit as the
        # oracle, raised eightfold: a pattern that backtracks raises TimeoutError here.
        if rule.where == "credit":
            rule.pattern.search(line, timeout=PATTERN_TIMEOUT * 8)
        else:
            rule.pattern.fullmatch(line.strip(), timeout=PATTERN_TIMEOUT * 8)


def test_a_catastrophic_user_pattern_times_out_instead_of_stalling(tmp_path: Path) -> None:
    (tmp_path / "evil.toml").write_text(
        "[[rule]]\nid = \"user.evil\"\npattern = '(a|aa)+$'\nremove = []\n", encoding="utf-8"
    )
    (rule,) = [r for r in load_rules([tmp_path]) if r.id == "user.evil"]
    assert rule.matches("a" * 40 + "b") is False


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_gives_text_or_a_reasoned_error(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except DecodeError as e:
        assert e.reason in {"binary", "unreadable"} and e.detail
    else:
        assert isinstance(decoded.text, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_reading_arbitrary_files_never_raises(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    txt, jsonl = folder / "x.txt", folder / "x.jsonl"
    txt.write_bytes(data)
    jsonl.write_bytes(data)
    read_text_file(SourceFile(txt, "x.txt"))
    lines = [line for line in data.split(b"\n") if line.strip()]
    items = list(read_jsonl(SourceFile(jsonl, "x.jsonl"), ReadOptions()))
    assert len(items) <= max(1, len(lines))
