"""How long `cleaner diff OUT.jsonl --id X` takes on a big output, and whether it prints what
re-cleaning the source prints (by hand, never in the test suite).

    python bench/generate.py 10000 > news10k.jsonl
    cleaner run news10k.jsonl out10k.jsonl --rejects rej10k.jsonl -q
    python bench/bench_diff.py news10k.jsonl out10k.jsonl --ids 20

Picks ``--ids`` ids spread over the output (the first, the last and evenly between: the scan stops
at the id, so the last is the slowest), then:

1. in process: the median and the worst time to find the record, rebuild its input and render the
   diff (what the command does after starting Python);
2. end to end: ``cleaner diff OUT --id X`` as a command, for three of the ids (the start of Python
   and the imports included), wall and CPU time, with ``cleaner --version`` for scale;
3. the same ids through ``cleaner diff SOURCE --id ... --id ...`` (one re-clean of the whole
   source), and whether every document's diff is byte-identical to the one read from the output.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cleaner.report.outputs import RecordFile, record_item
from cleaner.report.terminal import render_diff


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", "diff", *args, "--no-color"],
        capture_output=True,
        text=True,
        check=True,
    )


def _split(diff: str) -> list[str]:
    """A multi-document diff as one block per document (each starts with ``--- ``)."""
    blocks: list[str] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith("--- ") or not blocks:
            blocks.append("")
        blocks[-1] += line
    return blocks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--ids", type=int, default=20)
    parser.add_argument(
        "--no-reclean", action="store_true", help="Skip step 3 (it re-cleans the whole source)."
    )
    args = parser.parse_args()

    with RecordFile(args.output) as records:
        all_ids = [doc_id for doc_id, _, _ in records.ids()]
    step = max(1, (len(all_ids) - 1) // max(1, args.ids - 1))
    ids = sorted({*all_ids[::step][: args.ids - 1], all_ids[-1]}, key=all_ids.index)
    size = args.output.stat().st_size
    print(f"{args.output}: {len(all_ids):,} records, {size / 1e6:.1f} MB; {len(ids)} ids")

    timings: list[float] = []
    mine: dict[str, str] = {}
    for doc_id in ids:
        start = time.perf_counter()
        with RecordFile(args.output) as records:
            record = records.find(doc_id)
            assert record is not None, doc_id
            mine[doc_id] = render_diff(record_item(record), color=False) + "\n"  # as click.echo prints it
        timings.append(time.perf_counter() - start)
    print(
        f"in process: find + rebuild input + render: median {statistics.median(timings) * 1000:.1f} ms, "
        f"worst {max(timings) * 1000:.1f} ms (the last record: {timings[-1] * 1000:.1f} ms)"
    )

    def timed(*command: str) -> tuple[str, float, float]:
        """A command's output, wall time and CPU time (user + system: what the machine's other
        load does not inflate)."""
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "cleaner", *command], capture_output=True, text=True, check=True
        )
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return result.stdout, wall, cpu

    _, wall, cpu = timed("--version")
    print(f"for scale: cleaner --version: {wall:.2f} s wall, {cpu:.2f} s CPU")
    for doc_id in (ids[0], ids[len(ids) // 2], ids[-1]):
        shown, wall, cpu = timed("diff", str(args.output), "--id", doc_id, "--no-color")
        assert _split(shown)[0] == mine[doc_id]
        print(
            f"end to end: cleaner diff {args.output.name} --id {doc_id}: {wall:.2f} s wall, {cpu:.2f} s CPU"
        )

    if args.no_reclean:
        return
    start = time.perf_counter()
    rerun = _cli(str(args.source), *(a for doc_id in ids for a in ("--id", doc_id))).stdout
    took = time.perf_counter() - start
    blocks = _split(rerun)
    same = sum(1 for doc_id, block in zip(ids, blocks, strict=True) if block == mine[doc_id])
    print(f"re-clean: cleaner diff {args.source.name} --id ... ({len(ids)} ids): {took:.1f} s")
    print(f"identical diffs: {same} of {len(ids)}")
    if same != len(ids):
        sys.exit(1)


if __name__ == "__main__":
    main()
