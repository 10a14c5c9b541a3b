"""Check by hand that the Python API gives ``cleaner run``'s bytes on a real JSONL file.

    python bench/api_vs_run.py INPUT.jsonl[.gz] [--jobs N]

Runs ``cleaner run INPUT out --rejects rej`` (a subprocess), then ``Cleaner().clean(records,
source=<file name>)`` over the file's records parsed with ``json.loads``, and compares the
records and the rejects line by line. Exit status 0 when both are byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner import Cleaner, Record


def records(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("input", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, rej = Path(tmp) / "out.jsonl", Path(tmp) / "rej.jsonl"
        started = time.perf_counter()
        command = [sys.executable, "-m", "cleaner", "run", str(args.input), str(out), "--rejects", str(rej)]
        subprocess.run([*command, "-q", "-j", str(args.jobs)], check=True)
        run_seconds = time.perf_counter() - started
        run_out = out.read_text(encoding="utf-8").splitlines()
        run_rej = rej.read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    cleaner = Cleaner()
    api_out: list[str] = []
    api_rej: list[str] = []
    for result in cleaner.clean(records(args.input), source=args.input.name, jobs=args.jobs):
        (api_out if isinstance(result, Record) else api_rej).append(result.to_json())
    api_seconds = time.perf_counter() - started
    same_out = api_out == run_out
    same_rej = api_rej == run_rej
    print(f"cleaner run: {len(run_out)} records, {len(run_rej)} rejects, {run_seconds:.1f} s")
    print(f"Cleaner().clean: {len(api_out)} records, {len(api_rej)} rejects, {api_seconds:.1f} s")
    print(f"records byte-identical: {same_out}; rejects byte-identical: {same_rej}")
    print(f"stats: {cleaner.stats.summary()}")
    return 0 if same_out and same_rej else 1


if __name__ == "__main__":
    sys.exit(main())
