"""The ceiling of removing whole paragraphs: an output with every non-article paragraph dropped.

Run by hand, never in the test suite:

    python bench/paragraph_oracle.py $S/wcxb-dev/gold.jsonl.gz OUT.jsonl ORACLE.jsonl
    python ../shared/tools/score.py $S/wcxb-dev/gold.jsonl.gz ORACLE.jsonl --input IN --rejects REJ

It reads a cleaner output and the gold bodies, and writes the same records with each paragraph
of ``--min-words`` words or more dropped when less than ``--share`` of its 4-word shingles (as
the score counts them: ``\\w+`` tokens, lower and upper case apart) are in the gold body; shorter
paragraphs stay (a heading's few shingles say nothing). No cleaner can know the gold, so the
score of the result bounds what any paragraph-removing step could add to that output: issue
11's readability figure was judged against it (the oracle over `cleaner run`'s output of
wcxb-dev readability reaches F1 .9173 with lost_paras .0024, against .8948).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The score's shingles: every run of ``n`` tokens (one run when the text is shorter)."""
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def records(path: Path) -> Iterator[dict[str, object]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def in_gold(paragraph: str, gold: Counter[tuple[str, ...]]) -> float:
    """The share of ``paragraph``'s shingles that the gold body holds (counts matched)."""
    own = shingles(paragraph)
    total = sum(own.values())
    return sum(min(count, gold.get(key, 0)) for key, count in own.items()) / total if total else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("output", type=Path, help="a cleaner run's output")
    parser.add_argument("oracle", type=Path, help="where to write the oracle's records")
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--min-words", type=int, default=8)
    args = parser.parse_args()
    gold = {str(g["id"]): shingles(str(g.get("body") or "")) for g in records(args.gold)}
    dropped = 0
    with args.oracle.open("w", encoding="utf-8") as out:
        for record in records(args.output):
            body = gold.get(str(record.get("id")))
            if body is not None:
                kept = []
                for paragraph in str(record.get("text", "")).split("\n"):
                    if (
                        len(TOKEN.findall(paragraph)) >= args.min_words
                        and in_gold(paragraph, body) < args.share
                    ):
                        dropped += 1
                        continue
                    kept.append(paragraph)
                record["text"] = "\n".join(kept)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{dropped} paragraphs dropped; score {args.oracle} with ../shared/tools/score.py")


if __name__ == "__main__":
    main()
