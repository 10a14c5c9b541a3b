"""Benchmark the MinHash stages: signatures per second and index memory per paragraph.

Run by hand, never in the test suite:

    python bench/bench_minhash.py --paragraphs 1000000

It generates news-like paragraphs (varied vocabulary, 20-60 words, 5% site boilerplate spread
over 200 sources), computes their signatures with the same function the pipeline uses, adds
them to the first-pass index (ParagraphCollector), and runs the grouping stage.
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import numpy as np
from generate import WORDS  # bench/ is on the path when the script runs

from cleaner.dedup.boilerplate import ParagraphCollector, find_boilerplate
from cleaner.dedup.minhash import PARAGRAPH_SKETCH, signature


def paragraph(rng: random.Random) -> str:
    n = rng.randint(20, 60)
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--per-doc", type=int, default=20)
    args = ap.parse_args()
    rng = random.Random(0)
    footers = {s: f"Source {s} is an independent newsroom. Tips: desk{s}@example.org" for s in range(200)}
    collector = ParagraphCollector()
    rss_before = rss_mb()
    sig_seconds = 0.0
    made = 0
    doc = 0
    while made < args.paragraphs:
        source = doc % 200
        texts = [paragraph(rng) for _ in range(args.per_doc - 1)] + [footers[source]]
        t = time.perf_counter()
        sigs = np.stack([signature(x, PARAGRAPH_SKETCH) for x in texts])
        sig_seconds += time.perf_counter() - t
        collector.add(f"source-{source}", doc, sigs)
        made += len(texts)
        doc += 1
    index_bytes = collector.nbytes()
    rss_after = rss_mb()
    t = time.perf_counter()
    index = find_boilerplate(collector)
    group_seconds = time.perf_counter() - t
    print(f"paragraphs            {made:,} in {doc:,} documents")
    print(f"signatures/s          {made / sig_seconds:,.0f} (one process, {PARAGRAPH_SKETCH.num_perm} perms)")
    print(f"index arrays          {index_bytes / 2**20:,.1f} MiB = {index_bytes / made:.0f} bytes/paragraph")
    print(f"peak RSS growth       {rss_after - rss_before:,.0f} MiB (lists of per-document arrays included)")
    print(f"grouping stage        {group_seconds:,.1f} s, {len(index)} boilerplate paragraphs (200 expected)")
    print(f"peak RSS              {rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
