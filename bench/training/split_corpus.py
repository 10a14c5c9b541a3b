"""Write one part of wcxb-dev (by the site split of ``train_content.py``) to a folder, for scoring.

    python bench/training/split_corpus.py ../shared/corpus/wcxb-dev heldout /tmp/wcxb-heldout

writes ``gold.jsonl.gz``, ``fullpage.jsonl.gz`` and ``readability.jsonl.gz`` holding only the
pages of that part (``heldout``, ``tune``, ``fit``), to run cleaner on and score with
``score.py``. The corpus text is for measuring only: write the folder outside the repository.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_content import split_of


def main(corpus: Path, part: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ids: set[str] = set()
    for flavour in ("fullpage", "readability"):
        with gzip.open(corpus / f"{flavour}.jsonl.gz", "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        keep = [r for r in rows if split_of(r.get("url", "")) == part]
        ids |= {r["id"] for r in keep}
        with gzip.open(out / f"{flavour}.jsonl.gz", "wt", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in keep)
    with gzip.open(corpus / "gold.jsonl.gz", "rt", encoding="utf-8") as f:
        gold = [json.loads(line) for line in f if line.strip()]
    with gzip.open(out / "gold.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(g, ensure_ascii=False) + "\n" for g in gold if g["id"] in ids)
    print(f"{out}: {len(ids)} pages of part {part}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
