"""Benchmark the Spark engine against the local one on the same generated JSONL file.

Run by hand, never in the test suite (it needs pyspark and Java):

    python bench/bench_spark.py --docs 100000

It writes N news-like documents (200 outlets, each with a footer on 80% of its pages, "Share"
and "Advertisement" junk, 5% syndicated copies of wire stories across outlets, lightly edited)
as one JSONL file, then times ``cleaner run --jobs 2`` (the local engine, through
:func:`cleaner.runner.run`) and :func:`cleaner.spark.engine.run_spark` on ``local[2]``, and says
whether the two outputs, rejects and statistics are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from generate import WORDS  # bench/ is on the path when the script runs

from cleaner.runner import RunOptions, run
from cleaner.stats import RunStats

GLUE = ("the", "a", "of", "in", "and", "to", "for", "on", "with", "after", "said", "will", "was", "has")
JUNK = ("Advertisement", "Share this article", "Read more:", "Sign up for our newsletter")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) if k % 2 == 0 else rng.choice(GLUE) for k in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def article(rng: random.Random) -> tuple[str, list[str]]:
    title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
    return title, [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 8))
    ]


def generate(path: Path, docs: int, outlets: int = 200, seed: int = 0) -> None:
    """``docs`` records, written as ``cleaner run`` reads JSONL."""
    rng = random.Random(seed)
    footers = [
        f"Outlet {o} is an independent newsroom. Send tips to desk{o}@outlet{o}.example."
        for o in range(outlets)
    ]
    wires = [article(rng) for _ in range(max(1, docs // 200))]
    with path.open("w", encoding="utf-8") as f:
        for n in range(docs):
            outlet = rng.randrange(outlets)
            if rng.random() < 0.05:
                title, body = rng.choice(wires)
                body = list(body)
                body[0] = f"({outlet} wire) " + body[0]
            else:
                title, body = article(rng)
            lines = [title, *body]
            if rng.random() < 0.8:
                lines.append(footers[outlet])
            lines.insert(rng.randint(1, len(lines)), rng.choice(JUNK))
            record = {
                "id": f"doc-{n}",
                "url": f"https://www.outlet{outlet}.example/news/{n}",
                "title": title,
                "text": "\n\n".join(lines),
            }
            f.write(json.dumps(record) + "\n")


def compare(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2, help="local engine worker processes")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="4g", help="local mode: the JVM that runs the executors too")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the files here (default: a temp dir)")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "input.jsonl"
    if not src.exists() or sum(1 for _ in src.open("rb")) != args.docs:
        t = time.perf_counter()
        generate(src, args.docs)
        print(
            f"generated      {args.docs:,} documents, {src.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - t:.0f} s"
        )

    t = time.perf_counter()
    local = run(
        RunOptions(
            [str(src)], str(work / "local.jsonl"), rejects=str(work / "local-rejects.jsonl"), jobs=args.jobs
        )
    )
    local_s = time.perf_counter() - t
    print(
        f"local --jobs {args.jobs}  {local_s:7.1f} s  {args.docs / local_s:8,.0f} docs/s   {local.summary()[:90]}"
    )

    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"--driver-memory {args.driver_memory} pyspark-shell")
    from cleaner.spark.engine import run_spark
    from cleaner.spark.session import get_session

    t = time.perf_counter()
    spark, _ = get_session(args.master)  # the session `cleaner run --engine spark` would start
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    remote: RunStats = run_spark(
        RunOptions([str(src)], str(work / "spark.jsonl"), rejects=str(work / "spark-rejects.jsonl")),
        spark=spark,
    )
    spark_s = time.perf_counter() - t
    print(
        f"spark {args.master}  {spark_s:7.1f} s  {args.docs / spark_s:8,.0f} docs/s   (+{start_s:.0f} s session start)"
    )
    spark.stop()

    same = (
        compare(work / "local.jsonl", work / "spark.jsonl")
        and compare(work / "local-rejects.jsonl", work / "spark-rejects.jsonl")
        and local.to_json() == remote.to_json()
    )
    print(f"identical      {same} (records, rejects and stats)")
    print(
        f"figures        {remote.documents_in:,} documents, {remote.documents_out:,} out, "
        f"{remote.rejected['near-duplicate']:,} duplicates, "
        f"{remote.removals['boilerplate.site']:,} boilerplate removals"
    )
    print(f"files in       {work}")


if __name__ == "__main__":
    main()
