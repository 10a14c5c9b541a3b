"""CPU time per pass of stage 1, so a change to one pass can be measured on its own.

Run by hand, never in the test suite:

    python bench/bench_passes.py ../shared/corpus/wcxb-dev/fullpage.jsonl.gz

Each document goes through the run's passes to their fixed point (as ``cleaner run`` does in
stage 1), then language identification and the caption shapes the site stage collects; the
figures are process CPU seconds (``time.process_time``), summed per pass over the corpus. On a
shared machine CPU time still grows with a neighbour's load (caches, hyper-threads): compare two
versions in turn, and the passes' shares rather than their seconds.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from cleaner.captions.templates import template_candidates
from cleaner.document import Document, Edit
from cleaner.language import detect_language, warm_up
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.readers import list_sources, read_sources


class Timed:
    """A pass whose edits are all made (and timed) when it is called."""

    def __init__(self, inner: Any, cost: dict[str, float]) -> None:
        self.inner = inner
        self.cost = cost

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        start = time.process_time()
        edits = list(self.inner(doc))
        self.cost[self.inner.name] += time.process_time() - start
        return iter(edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help="input files or folders, as for cleaner run")
    args = parser.parse_args()
    setup = CleaningSetup.from_options()
    cost: dict[str, float] = defaultdict(float)
    passes: list[Any] = [Timed(p, cost) for p in setup.passes]
    docs = [d for d in read_sources(list_sources(args.sources)) if isinstance(d, Document)]
    warm_up()  # langdetect loads its profiles once per process, before the first document
    begin = time.process_time()
    for doc in docs:
        run_passes(doc, passes, setup.max_rounds)
        start = time.process_time()
        detect_language(doc.text)
        cost["language"] += time.process_time() - start
        start = time.process_time()
        template_candidates(doc)
        cost["caption-shapes"] += time.process_time() - start
    total = time.process_time() - begin
    for name, seconds in sorted(cost.items(), key=lambda item: -item[1]):
        print(f"{name:16s} {seconds:7.2f} s  {seconds / total:6.1%}")
    print(f"{'stage 1':16s} {total:7.2f} s  ({len(docs)} documents)")


if __name__ == "__main__":
    main()
