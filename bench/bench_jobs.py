"""How ``cleaner run`` scales with ``--jobs``, and the per-stage costs a scaling model needs.

Run by hand, never in the test suite:

    python bench/bench_jobs.py --documents 3000 --max-jobs 4 --rounds 3
    python bench/bench_jobs.py --input some.jsonl --input other.jsonl.gz --max-jobs 16
    python bench/bench_jobs.py --documents 3000 --input $S/seedlike-dev/input.jsonl.gz \
        --input $S/wcxb-dev/fullpage.jsonl.gz --max-jobs 2          # the issue's three inputs

Each input (generated news with ``--documents``, and every ``--input``) is measured in turn. For
each ``--jobs N`` (1 to ``--max-jobs``, in turn, ``--rounds`` times; medians reported) it runs
``cleaner run`` in a child process and measures its wall time, the CPU time of the main process
(reading, ordering, writing, and stage 2's decisions) and of the worker processes (everything per
document), the wall and CPU time of stage 2 (duplicate documents and site boilerplate:
serial, in the main process, while the workers wait), and the CPU time of stage 3 in all the
processes (finishing and rendering; at ``--jobs N`` it includes what splitting costs, such as
a worker's caches missing lines another worker saw). CPU times are barely touched by other load on the
machine; wall times are.

From those it prints the model the README's "Performance" section describes: with ``N`` workers
on ``N`` cores, a run takes about ``start + stage2 + max(work / N, pipe)`` where ``work`` is
the workers' CPU and ``pipe`` the main process's CPU less stage 2's CPU (it reads and writes while
the workers clean, so it bounds the rate from below), and saturates at ``N = work / pipe``.
The last line per input gives ``--jobs 2`` against ``--jobs 1`` (wall time, and the main
process's share of the CPU at ``--jobs 2``): what the issue's "1.8x" and "under 25%" ask of it.

``--against DIR`` measures another checkout too (``DIR`` first on its ``PYTHONPATH``), run for
run beside this one, so that both meet the same load: on a shared machine, figures measured
minutes apart do not compare.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, os, resource, sys, time
import cleaner.api as api
from cleaner.cli import cli

stage2 = [0.0, 0.0]  # wall, and this process's CPU (stage 2 runs here)
def timed(func):
    def wrapper(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            stage2[0] += time.perf_counter() - start
            stage2[1] += time.process_time() - cpu
    return wrapper

api.Stages.decide = timed(api.Stages.decide)

stage3 = [0.0]  # the CPU of stage 3 in all processes (the workers' read from /proc: Linux)
def workers_cpu(pids):
    try:
        fields = [open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split() for pid in pids]
    except OSError:
        return 0.0
    return sum(int(f[11]) + int(f[12]) for f in fields) / os.sysconf("SC_CLK_TCK")
finish_all = api.finish_all
def finish_timed(tasks, passes, rounds, pool, *rest):
    pids = pool.pids()
    before = workers_cpu(pids) + time.process_time()
    yield from finish_all(tasks, passes, rounds, pool, *rest)
    stage3[0] += workers_cpu(pids) + time.process_time() - before
api.finish_all = finish_timed
start = time.perf_counter()
cli(sys.argv[1:], standalone_mode=False)
wall = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("RESULT " + json.dumps({
    "module": api.__file__, "wall": wall, "stage2": stage2[0], "stage2_cpu": stage2[1], "stage3_cpu": stage3[0],
    "main_cpu": own.ru_utime + own.ru_stime, "worker_cpu": kids.ru_utime + kids.ru_stime,
}))
"""


def measure(path: Path, jobs: int, source: str | None = None) -> dict[str, float]:
    """One run of ``cleaner run`` at ``--jobs jobs``; ``source``: the checkout to import it from
    (None: the one this script is in).

    The child runs in that checkout and has it first on its ``PYTHONPATH``: ``python -c`` puts
    its working directory before ``PYTHONPATH``, so a child started in this checkout imported
    this checkout's ``cleaner`` whatever ``--against`` said (both columns were this code). It
    says which it imported, and a child that imported another is an error.
    """
    checkout = Path(source or HERE.parent).resolve()
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "run", str(path.resolve()), str(out), "-q", "-j", str(jobs)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout,
    )
    process_wall = time.perf_counter() - start
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    imported = Path(str(result.pop("module"))).resolve()
    if not imported.is_relative_to(checkout):
        raise SystemExit(f"the run meant to measure {checkout} imported {imported}")
    result["process_wall"] = process_wall  # start-up (imports) included
    out.unlink()
    return result


def count_documents(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def bench(path: Path, max_jobs: int, rounds: int, model: list[int], against: str | None = None) -> None:
    size_mb = path.stat().st_size / 2**20
    docs = count_documents(path)
    print(f"input: {path} ({docs} documents, {size_mb:.1f} MB on disk), {os.cpu_count()} cores", flush=True)
    sources: list[str | None] = [None] if against is None else [None, against]
    runs: dict[tuple[str | None, int], list[dict[str, float]]] = {
        (source, n): [] for n in range(1, max_jobs + 1) for source in sources
    }
    for _ in range(rounds):
        for source, jobs in runs:  # in turn, so a slow spell of the machine is shared
            runs[source, jobs].append(measure(path, jobs, source))
    for source in sources:
        if against is not None:
            print(f"-- {source or 'this checkout'}")
        report(
            {jobs: _medians(rs) for (s, jobs), rs in runs.items() if s == source}, docs, size_mb, rounds, model
        )


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def report(med: dict[int, dict[str, float]], docs: int, size_mb: float, rounds: int, model: list[int]) -> None:
    """The table, the model and the ``--jobs 2 / --jobs 1`` line of one checkout's medians."""
    base = med[1]["process_wall"]
    print(
        "jobs  wall s  docs/s  MB/s  speed-up  main CPU s  workers CPU s  main share  stage 2 s"
        "  stage 3 CPU s"
    )
    for jobs, m in med.items():
        total = m["main_cpu"] + m["worker_cpu"]
        print(
            f"{jobs:4} {m['process_wall']:7.1f} {docs / m['process_wall']:7.1f} {size_mb / m['process_wall']:5.2f}"
            f" {base / m['process_wall']:8.2f}x {m['main_cpu']:10.1f} {m['worker_cpu']:13.1f}"
            f" {m['main_cpu'] / total:10.0%} {m['stage2']:9.2f} {m['stage3_cpu']:14.2f}"
        )
    # The model, from the largest --jobs measured (its split of the work is the pool's).
    m = med[max(med)] if max(med) > 1 else med[1]
    start = m["process_wall"] - m["wall"]
    stage2 = m["stage2"]
    # The pipe is the main process's CPU outside stage 2, so stage 2 is taken off in CPU seconds:
    # its wall time on a loaded machine can exceed the CPU the main process spent in all.
    stage2_cpu = m.get("stage2_cpu", stage2)
    work = m["worker_cpu"] if max(med) > 1 else m["main_cpu"] - stage2_cpu
    pipe = max(m["main_cpu"] - stage2_cpu, 1e-9) if max(med) > 1 else 0.0
    print(
        f"model: start {start:.1f} s + stage 2 {stage2:.1f} s + max(work {work:.1f} s / N, main pipe {pipe:.1f} s);"
        f" saturates at N = {work / pipe if pipe else float('inf'):.0f}"
    )
    # "vs one job": against --jobs 1's CPU time (its wall time on a quiet machine; on a loaded
    # one the measured wall says more about the other jobs than about cleaner).
    one_job = med[1]["main_cpu"]
    for cores in model:
        predicted = start + stage2 + max(work / cores, pipe)
        print(
            f"  {cores:3} cores: {predicted:6.1f} s, {docs / predicted:7.1f} docs/s,"
            f" {one_job / predicted:5.1f}x one job ({one_job:.1f} s of CPU)"
        )
    if 2 in med:
        two = med[2]
        share = two["main_cpu"] / (two["main_cpu"] + two["worker_cpu"])
        cpu = {jobs: med[jobs]["main_cpu"] + med[jobs]["worker_cpu"] for jobs in (1, 2)}
        print(
            f"--jobs 2 / --jobs 1: {med[1]['process_wall'] / two['process_wall']:.2f}x wall"
            f" (medians of {rounds}); main process {share:.0%} of the CPU at --jobs 2;"
            f" CPU {cpu[1]:.1f} s / {cpu[2]:.1f} s",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=3000, help="generated news documents (0: none)")
    ap.add_argument(
        "--input", action="append", default=[], help="a JSONL file (.gz too) to measure; repeatable"
    )
    ap.add_argument("--max-jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default="4,8,16,64", help="core counts to predict")
    ap.add_argument("--against", metavar="DIR", help="another checkout, measured run for run beside this one")
    args = ap.parse_args()
    paths = [Path(p) for p in args.input]
    if args.documents:
        generated = Path(tempfile.mkdtemp()) / "news.jsonl"
        with generated.open("w", encoding="utf-8") as f:
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(args.documents)], stdout=f, check=True
            )
        paths.insert(0, generated)
    model = [int(c) for c in args.model.split(",")]
    for path in paths:
        bench(path, args.max_jobs, args.rounds, model, args.against)


if __name__ == "__main__":
    main()
