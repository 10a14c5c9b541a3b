"""Check that the content features are value for value what another revision computes.

The shipped model (``cleaner/content/model.npz``) was trained on the features as they were; a
change made for speed must not move one of them. Run by hand after touching
``cleaner/content/features.py``:

    python bench/training/check_features.py                       # against HEAD, on the corpora
    python bench/training/check_features.py --rev e14c997 --input pages.jsonl.gz

Each input record's text is split into its paragraphs (one per non-empty line) and described
three ways (no headline; a headline after the first line with the first line as title; a
headline halfway down with an invented title), by this checkout's
:func:`~cleaner.content.features.document_features` and by the one at ``--rev`` (read with
``git show``). The feature matrices, word counts and languages must be equal, and each line's
content words the same set (their numbering is arbitrary). Exits 1 on the first difference.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleaner.content import features as current  # noqa: E402

SHARED = Path("/work/shared/corpus")
DEFAULT_INPUTS = (
    SHARED / "wcxb-dev" / "fullpage.jsonl.gz",
    SHARED / "wcxb-dev" / "readability.jsonl.gz",
    SHARED / "trafilatura-dev" / "fullpage.jsonl.gz",
    SHARED / "seedlike-dev" / "input.jsonl.gz",
)


def module_at(rev: str) -> ModuleType:
    """``cleaner/content/features.py`` as it was at ``rev``, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{rev}:cleaner/content/features.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader("features_at_rev", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    exec(compile(source, f"{rev}:cleaner/content/features.py", "exec"), module.__dict__)
    return module


def pages(path: Path) -> Iterator[tuple[str, list[str]]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for raw in f:
            record = json.loads(raw)
            text = record.get("text")
            if isinstance(text, str):
                yield str(record.get("id")), [line for line in text.split("\n") if line.strip()]


def content_words(f: object) -> list[set[str]]:
    """Each line's content words as (line, id) pairs renamed by first appearance: comparable
    across two numberings of the same words."""
    ids, lines = f.token_ids.tolist(), f.token_lines.tolist()  # type: ignore[attr-defined]
    n = len(f.words)  # type: ignore[attr-defined]
    out: list[set[int]] = [set() for _ in range(n)]
    for word, line in zip(ids, lines, strict=True):
        out[line].add(word)
    return out  # type: ignore[return-value]


def same_words(a: object, b: object) -> bool:
    """Whether the two describe the same content words per line, up to the words' numbering."""
    wa, wb = content_words(a), content_words(b)
    if [len(s) for s in wa] != [len(s) for s in wb]:
        return False
    # Map each id of a to the id of b by the lines each occurs in (a word is its set of lines).
    lines_a: dict[int, tuple[int, ...]] = {}
    lines_b: dict[int, tuple[int, ...]] = {}
    for i, s in enumerate(wa):
        for w in s:
            lines_a[w] = (*lines_a.get(w, ()), i)
    for i, s in enumerate(wb):
        for w in s:
            lines_b[w] = (*lines_b.get(w, ()), i)
    return sorted(lines_a.values()) == sorted(lines_b.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--input", type=Path, action="append")
    args = ap.parse_args()
    old = module_at(args.rev)
    checked = 0
    for path in args.input or [p for p in DEFAULT_INPUTS if p.exists()]:
        for doc_id, lines in pages(path):
            for headline_at, title in (
                (None, None),
                (1, lines[0] if lines else None),
                (len(lines) // 2, "Bridge vote"),
            ):
                a = old.document_features(lines, headline_at, title)
                b = current.document_features(lines, headline_at, title)
                same = (
                    np.array_equal(a.matrix, b.matrix)
                    and np.array_equal(a.words, b.words)
                    and a.lang == b.lang
                    and same_words(a, b)
                )
                if not same:
                    diff = (
                        np.abs(a.matrix - b.matrix).max(axis=0) if a.matrix.shape == b.matrix.shape else None
                    )
                    columns = [] if diff is None else [current.FEATURE_NAMES[j] for j in np.flatnonzero(diff)]
                    print(
                        f"{path.name} {doc_id} headline_at={headline_at}: differs in {columns or 'shape/words/lang'}"
                    )
                    sys.exit(1)
                checked += 1
        print(f"{path}: equal so far ({checked} descriptions)", flush=True)
    print(f"all {checked} descriptions equal to {args.rev}'s")


if __name__ == "__main__":
    main()
