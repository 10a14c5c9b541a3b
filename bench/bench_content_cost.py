"""The content pass's share of a whole ``cleaner run --jobs 1``, in CPU time (issue 11: at most 15%).

Run by hand, never in the test suite:

    python bench/bench_content_cost.py                      # generate.py 1500 and wcxb-dev fullpage
    python bench/bench_content_cost.py --documents 3000 --rounds 3 --mode balanced
    python bench/bench_content_cost.py --input my_pages.jsonl.gz
    python bench/bench_content_cost.py --input my_pages.jsonl.gz --against-off

Each round runs ``cleaner run INPUT OUT --jobs 1 -q`` inside this process (so every pass runs
here, not in a worker) with :class:`~cleaner.passes.content.FindContent` wrapped to add up the
CPU time (``time.process_time``: user + system of this process, so a neighbour's load on a
shared machine does not count) spent in it, gate included, and divides by the CPU time of the
whole run. The figure is the median of the rounds. The wrapper consumes the pass's edits before
handing them on, which is what the run does anyway (the pass decides once from the lines it was
given).

What the pass costs a run is more than the time inside it: its removals are applied, recorded
(each removed line's text goes into the record's ``removed`` list) and written out, and the
passes after it see fewer lines. ``--against-off`` also times the same run with ``--content
off`` after each round and reports the difference of the two runs' CPU time (on minus off,
the median over the rounds) beside the first figure: what turning the pass on adds to a run,
all of that included (after one untimed run that loads what a process loads once). It is
noisier (two whole runs' difference) and can be smaller than the time inside the pass when the
later passes save more on the removed lines than recording them costs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent.parent / "shared" / "corpus"
if not SHARED.exists():
    SHARED = Path("/work/shared/corpus")
sys.path.insert(0, str(ROOT))

from cleaner.cli import cli  # noqa: E402
from cleaner.document import Document, Edit  # noqa: E402
from cleaner.passes.content import DEFAULT_CONTENT_MODE, FindContent  # noqa: E402

_spent = [0.0]
_original = FindContent.__call__


def _timed(self: FindContent, doc: Document) -> Iterator[Edit]:
    start = time.process_time()
    edits = list(_original(self, doc))
    _spent[0] += time.process_time() - start
    return iter(edits)


def one_round(path: Path, mode: str) -> tuple[float, float]:
    """(content pass CPU seconds, whole run CPU seconds) of one ``--jobs 1`` run of ``path``."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            "run",
            str(path),
            str(Path(tmp) / "out.jsonl"),
            "--rejects",
            str(Path(tmp) / "rej.jsonl"),
            "--jobs",
            "1",
            "--content",
            mode,
            "-q",
        ]
        _spent[0] = 0.0
        start = time.process_time()
        try:
            cli.main(args, standalone_mode=False)
        except SystemExit as stop:  # pragma: no cover - a failed run
            if stop.code:
                raise
        total = time.process_time() - start
    return _spent[0], total


def measure(label: str, path: Path, mode: str, rounds: int, against_off: bool = False) -> None:
    results: list[tuple[float, float]] = []
    off: list[float] = []
    if against_off:
        one_round(path, mode)  # untimed: the first run of a process loads models and tables
    for _ in range(rounds):  # on and off interleaved: the machine's speed drifts
        results.append(one_round(path, mode))
        if against_off:
            off.append(one_round(path, "off")[1])
    shares = [content / total for content, total in results]
    median = statistics.median(shares)
    content, total = results[shares.index(median)] if median in shares else results[0]
    print(
        f"{label} ({mode}): content pass {100 * median:.1f}% of the run's CPU "
        f"(median of {rounds}; that round {content:.2f} s of {total:.2f} s; "
        f"all rounds {', '.join(f'{100 * s:.1f}%' for s in shares)})",
        flush=True,
    )
    if against_off:
        added = [on - without for (_, on), without in zip(results, off, strict=True)]
        extra = statistics.median(added)
        on_total = statistics.median(total for _, total in results)
        print(
            f"{label} ({mode}): on minus off {extra:.2f} s, {100 * extra / on_total:.1f}% of the run's CPU "
            f"(median of {rounds}; on {', '.join(f'{t:.2f}' for _, t in results)} s, "
            f"off {', '.join(f'{t:.2f}' for t in off)} s)",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=1500, help="size of the bench/generate.py input")
    ap.add_argument("--input", type=Path, action="append", help="measure these files instead")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--mode", default=DEFAULT_CONTENT_MODE, choices=("conservative", "balanced", "aggressive")
    )
    ap.add_argument(
        "--against-off", action="store_true", help="also time each run with --content off (on minus off)"
    )
    args = ap.parse_args()
    FindContent.__call__ = _timed  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        if args.input:
            inputs = [(str(p), p) for p in args.input]
        else:
            generated = Path(tmp) / "news.jsonl"
            with generated.open("w", encoding="utf-8") as out:
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), str(args.documents)], stdout=out, check=True
                )
            inputs = [(f"generate.py {args.documents}", generated)]
            fullpage = SHARED / "wcxb-dev" / "fullpage.jsonl.gz"
            if fullpage.exists():
                inputs.append(("wcxb-dev fullpage", fullpage))
        for label, path in inputs:
            measure(label, path, args.mode, args.rounds, args.against_off)


if __name__ == "__main__":
    main()
