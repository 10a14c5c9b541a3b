"""The floor of a run: the CPU of the work no cleaner of this kind can avoid, beside the whole run.

Run by hand, never in the test suite:

    python bench/bench_floor.py --documents 3000 --rounds 3
    python bench/bench_floor.py --input $S/seedlike-dev/input.jsonl.gz --input $S/wcxb-dev/fullpage.jsonl.gz

Issue 16 asks for the cost of the unavoidable parts alone next to the whole run. Those parts are
what the output needs whatever the rules find, each done once per document with the library
that does it:

- **JSON**: each input line parsed (``json.loads``) and one output record written
  (``json.dumps`` of its id and text);
- **ftfy**: ``ftfy.fix_text`` (cleaner's configuration) on each paragraph it could change: the
  paragraphs :func:`cleaner.passes.normalize.ftfy_changes_nothing` cannot clear, its exact
  test included (``--ungated`` also times ``ftfy.fix_text`` on every whole text, as a naive
  loop calls it: on pages several times what a run spends);
- **language**: :func:`cleaner.language.detect_language` on the text (langdetect's labels,
  computed in-house; ``langdetect.detect`` itself costs about three times as much);
- **signatures**: the MinHash signatures dedup needs: each paragraph's and the document's
  (:func:`cleaner.dedup.repeats.paragraph_signatures_of` and ``document_signature``, tokenised
  once, as a run makes them), of every input paragraph: a run signs only the paragraphs it
  keeps, so on whole pages this part is more than a run spends on it.

Each part is timed with ``time.process_time`` in a child process, imports excluded; the whole
run is ``cleaner run IN OUT -q -j 1`` in a child process, its CPU from ``getrusage``, with its
start-up (the same command on a one-document input) given apart. ``--rounds`` rounds run in
turn; medians reported. What lies between the floor and the run is the cleaning itself: the
rules, captions, titles, the content pass and the passes' rounds to a fixed point.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FLOOR = """
import gzip, json, sys, time
import ftfy
from cleaner.dedup.repeats import document_signature, paragraph_signatures_of
from cleaner.language import detect_language, warm_up
from cleaner.layout import split_paragraphs
from cleaner.passes.normalize import ftfy_changes_nothing
from cleaner.textfix import FTFY_CONFIG

path, ungated = sys.argv[1], sys.argv[2:] == ["ungated"]
warm_up()  # the profiles' loading is start-up, as in a run
parts = dict.fromkeys(("json", "ftfy", "language", "signatures"), 0.0)
if ungated:
    parts["ftfy ungated"] = 0.0
opener = gzip.open if path.endswith(".gz") else open
clock = time.process_time
with opener(path, "rb") as lines:
    for raw in lines:
        if not raw.strip():
            continue
        t0 = clock()
        record = json.loads(raw)
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            parts["json"] += clock() - t0
            continue
        paragraphs = split_paragraphs(text)
        t1 = clock()
        parts["json"] += t1 - t0
        paragraphs = [
            line if ftfy_changes_nothing(line) else ftfy.fix_text(line, config=FTFY_CONFIG)
            for line in paragraphs
        ]
        t2 = clock()
        fixed = "\\n\\n".join(paragraphs)
        detect_language(fixed)
        t3 = clock()
        if paragraphs:
            paragraph_signatures_of(paragraphs)
            document_signature(paragraphs)
        t4 = clock()
        json.dumps({"id": record.get("id"), "text": fixed}, ensure_ascii=False)
        t5 = clock()
        parts["ftfy"] += t2 - t1
        parts["language"] += t3 - t2
        parts["signatures"] += t4 - t3
        parts["json"] += t5 - t4
        if ungated:
            t6 = clock()
            ftfy.fix_text(text)
            parts["ftfy ungated"] += clock() - t6
print(json.dumps(parts))
"""


def child_cpu(before: resource.struct_rusage) -> float:
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_cpu(args: list[str]) -> float:
    """The CPU (user + system) of a child process running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    subprocess.run(args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return child_cpu(before)


def floor_parts(path: Path, ungated: bool) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", FLOOR, str(path), *(["ungated"] if ungated else [])],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    parts: dict[str, float] = json.loads(out.stdout)
    return parts


def first_document(path: Path, into: Path) -> Path:
    """A one-document copy of ``path``: a run over it is the start-up and one document."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as lines:
        first = next(line for line in lines if line.strip())
    one = into / "one.jsonl"
    one.write_bytes(first)
    return one


def bench(path: Path, rounds: int, ungated: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        one = first_document(path, work)
        runs: list[float] = []
        starts: list[float] = []
        floors: list[dict[str, float]] = []
        for _ in range(rounds):
            cleaner = [sys.executable, "-m", "cleaner", "run"]
            runs.append(run_cpu([*cleaner, str(path), str(work / "out.jsonl"), "-q", "-j", "1"]))
            starts.append(run_cpu([*cleaner, str(one), str(work / "one-out.jsonl"), "-q", "-j", "1"]))
            floors.append(floor_parts(path, ungated))
    run, start = statistics.median(runs), statistics.median(starts)
    parts = {name: statistics.median(f[name] for f in floors) for name in floors[0]}
    floor = sum(cpu for name, cpu in parts.items() if name != "ftfy ungated")
    work_cpu = run - start
    print(f"input: {path} (medians of {rounds} rounds, CPU seconds)")
    print(f"  whole run (cleaner run -j 1): {run:6.2f} s, of which start-up and one document {start:.2f} s")
    print(f"  the documents' work:          {work_cpu:6.2f} s")
    for name, cpu in parts.items():
        print(
            f"    floor part {name:<12} {cpu:6.2f} s{' (not in the floor)' if name == 'ftfy ungated' else ''}"
        )
    print(f"  floor (the four parts):       {floor:6.2f} s = {floor / work_cpu:.0%} of the documents' work")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--documents", type=int, default=0, help="generated news documents (bench/generate.py)"
    )
    parser.add_argument("--input", type=Path, action="append", default=[], help="a JSONL file (.gz too)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ungated", action="store_true", help="also time ftfy.fix_text on every whole text")
    args = parser.parse_args()
    inputs: list[Path] = list(args.input)
    with tempfile.TemporaryDirectory() as tmp:
        if args.documents or not inputs:
            news = Path(tmp) / "news.jsonl"
            with news.open("wb") as out:
                generate = [sys.executable, str(HERE / "generate.py"), str(args.documents or 3000)]
                subprocess.run(generate, check=True, stdout=out)
            inputs.insert(0, news)
        for path in inputs:
            bench(path, args.rounds, args.ungated)


if __name__ == "__main__":
    main()
