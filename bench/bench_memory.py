"""Peak memory of a run against the number of documents (run by hand, never in the tests).

    python bench/bench_memory.py 20000 200000

For each size it generates documents with bench/generate.py, runs ``cleaner run`` in a child
process (``--jobs 1`` by default, so one process holds everything) with and without deduplication, and
prints the peak RSS, the run's own count of dedup index bytes, and the time. Streaming means the
no-dedup peak stays flat as the input grows; with dedup, only the index (signatures: 512 bytes per
document, 268 per paragraph) grows.

The bound issue 16 sets, peak <= 1.5 x index + a constant: the constant is measured first, as the
peak of a dedup run over ``--constant-docs`` documents (interpreter, libraries, language profiles,
rules; its index is a few hundred kB), and each dedup run prints ``(peak - constant) / index``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(path: Path, jobs: int, *extra: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        return _measure(path, jobs, Path(tmp), *extra)


def _measure(path: Path, jobs: int, out: Path, *extra: str) -> dict[str, float]:
    start = time.perf_counter()
    code = (
        "import resource, sys\n"
        "from cleaner.cli import cli\n"
        "try:\n"
        "    cli(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    print('PEAK', own, workers, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "run",
            str(path),
            str(out / "out.jsonl"),
            "-q",
            "-j",
            str(jobs),
            "--stats",
            str(out / "stats.json"),
            *extra,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peaks = next(line.split()[1:] for line in done.stderr.splitlines() if line.startswith("PEAK"))
    stats = json.loads((out / "stats.json").read_text())
    return {
        "peak_mb": int(peaks[0]) / 1024,
        "worker_mb": int(peaks[1]) / 1024,
        # the paragraph rows (stats' index_bytes) and the document signatures (128 x 4 bytes each)
        "index_mb": (stats["index_bytes"] + 512 * stats["documents_in"]) / 2**20,
        "seconds": seconds,
        "docs": stats["documents_in"],
        "paragraphs": stats["index_paragraphs"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="+", type=int)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (their peak is shown apart)")
    ap.add_argument("--dedup-only", action="store_true", help="skip the run without dedup")
    ap.add_argument("--constant-docs", type=int, default=200, help="the small run that gives the constant")
    args = ap.parse_args()
    constant = 0.0
    for n in [args.constant_docs, *args.sizes]:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            path = Path(tmp) / f"news-{n}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                subprocess.run([sys.executable, str(HERE / "generate.py"), str(n)], stdout=f, check=True)
            constant = report(n, path, args, constant)


def report(n: int, path: Path, args: argparse.Namespace, constant: float) -> float:
    """Measure ``path`` with and without dedup, print the lines, return the constant."""
    mb = path.stat().st_size / 2**20
    variants = (("no dedup", ("--no-dedup",)), ("dedup", ()))
    no_dedup = 0.0
    for label, extra in variants[1:] if args.dedup_only else variants:
        r = measure(path, args.jobs, *extra)
        if n == args.constant_docs and label == "dedup":
            constant = r["peak_mb"]
        if label == "no dedup":
            no_dedup = r["peak_mb"]
        over = (r["peak_mb"] - constant) / r["index_mb"] if constant and r["index_mb"] else 0.0
        # the same size without dedup: what a run holds besides the index at this size
        over_same = (r["peak_mb"] - no_dedup) / r["index_mb"] if no_dedup and r["index_mb"] else 0.0
        print(
            f"{n:>8,} docs ({mb:,.0f} MB) {label:9} peak RSS {r['peak_mb']:7.0f} MB"
            f" (largest worker {r['worker_mb']:4.0f} MB)"
            f"  index {r['index_mb']:6.1f} MB ({r['paragraphs']:,.0f} paragraphs)"
            f"  {r['seconds']:6.0f} s"
            + (f"  (peak - {constant:.0f} MB) / index = {over:.2f}" if label == "dedup" else "")
            + (
                f"; (peak - no-dedup {no_dedup:.0f} MB) / index = {over_same:.2f}"
                if label == "dedup" and n != args.constant_docs and no_dedup
                else ""
            ),
            flush=True,
        )
    return constant


if __name__ == "__main__":
    main()
