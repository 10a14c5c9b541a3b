"""Peak memory of a run on one large document (run by hand, never in the tests).

    python bench/bench_large_doc.py --mb 10
    python bench/bench_large_doc.py --mb 10 --layout one-line

Writes one invented article of ``--mb`` megabytes (paragraphs of news-like sentences, or one
single line with ``--layout one-line``), runs ``cleaner run`` on it in a child process with
``--jobs 1`` and ``--max-doc-bytes`` above its size, and prints the child's peak RSS, the same
for an empty run (the interpreter and its imports), and the difference as a multiple of the
document's size.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from bench_memory import measure  # bench/ is on the path when the script runs

WORDS = [
    "council",
    "harbour",
    "ferry",
    "budget",
    "vote",
    "plan",
    "mayor",
    "week",
    "library",
    "road",
    "bridge",
    "school",
    "union",
    "minister",
    "report",
    "police",
    "court",
    "market",
    "farmers",
    "river",
    "station",
    "museum",
    "weather",
]


def article(size: int, one_line: bool, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        paragraph = " ".join([sentence] * rng.randint(1, 3)) + f" ({len(parts)})"
        parts.append(paragraph)
        total += len(paragraph) + 2
    return (" " if one_line else "\n\n").join(parts)


def peak_rss_kb(path: Path, limit: int) -> int:
    """The peak RSS of ``cleaner run PATH`` in one process, in KiB (bench_memory's measurement)."""
    return round(measure(path, 1, "--max-doc-bytes", str(limit))["peak_mb"] * 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--layout", choices=["paragraphs", "one-line"], default="paragraphs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    doc = folder / "large.txt"
    text = article(int(args.mb * 1_000_000), args.layout == "one-line")
    doc.write_text(text, encoding="utf-8")
    empty = folder / "empty.txt"
    empty.write_text("A short article about the harbour.\n", encoding="utf-8")
    size = doc.stat().st_size
    base = peak_rss_kb(empty, size + 1)
    peak = peak_rss_kb(doc, size + 1)
    extra = (peak - base) * 1024
    print(f"document: {size / 1e6:.1f} MB ({args.layout})")
    print(f"peak RSS: {peak / 1024:.0f} MB; empty run: {base / 1024:.0f} MB")
    print(f"the document costs {extra / 1e6:.0f} MB: {extra / size:.1f} times its size")


if __name__ == "__main__":
    main()
