"""Stage 1 in worker processes: ``--jobs N``.

Stage 1 is a pure function of a document, so N processes give the same records as one; the
pool's ordered ``imap`` keeps input order, so the output is byte-identical to ``--jobs 1``.
Documents travel to the workers in chunks to amortise the pickling.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.pool
import os
from collections.abc import Iterable, Iterator

from cleaner.document import Document
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import Cleaner
from cleaner.records import Reject
from cleaner.stages import Cleaned, Dropped, clean_one, finish_one

CHUNK_SIZE = 8
SERIAL_FIRST = 64

_worker_cleaner: Cleaner | None = None
_worker_sketch = True


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _init(cleaner: Cleaner, sketch: bool) -> None:
    global _worker_cleaner, _worker_sketch
    _worker_cleaner, _worker_sketch = cleaner, sketch
    warm_up()


def _work(item: Document | Reject) -> Cleaned | Dropped:
    assert _worker_cleaner is not None
    return clean_one(item, _worker_cleaner, _worker_sketch)


def _pool(jobs: int, initializer: object, initargs: tuple[object, ...]) -> multiprocessing.pool.Pool:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(jobs, initializer=initializer, initargs=initargs)  # type: ignore[arg-type]


def clean_all(
    items: Iterable[Document | Reject], cleaner: Cleaner, jobs: int, sketch: bool = True
) -> Iterator[Cleaned | Dropped]:
    """Stage 1 over ``items``, in input order, in ``jobs`` processes (1: in this one)."""
    iterator = iter(items)
    # A pool costs a fork and a profile load per worker: small runs are done before it would start.
    head = list(itertools.islice(iterator, SERIAL_FIRST if jobs > 1 else 0))
    for item in head:
        yield clean_one(item, cleaner, sketch)
    if jobs <= 1:
        for item in iterator:
            yield clean_one(item, cleaner, sketch)
        return
    first = next(iterator, None)
    if first is None:
        return
    items = itertools.chain([first], iterator)
    with _pool(jobs, _init, (cleaner, sketch)) as pool:
        yield from pool.imap(_work, items, chunksize=CHUNK_SIZE)


_worker_passes: list[Pass] = []
_worker_rounds = 0


def _init_finish(passes: list[Pass], max_rounds: int) -> None:
    global _worker_passes, _worker_rounds
    _worker_passes, _worker_rounds = passes, max_rounds


def _finish(item: Cleaned | Dropped) -> Cleaned | Dropped:
    if isinstance(item, Dropped) or not _worker_passes:
        return item
    return finish_one(item, _worker_passes, _worker_rounds)


def finish_all(
    items: Iterable[Cleaned | Dropped], passes: list[Pass], max_rounds: int, jobs: int
) -> Iterator[Cleaned | Dropped]:
    """Stage 3 over ``items`` in input order, in ``jobs`` processes when there is work to share."""
    if not passes or jobs <= 1:
        _init_finish(passes, max_rounds)
        for item in items:
            yield _finish(item)
        return
    with _pool(jobs, _init_finish, (passes, max_rounds)) as pool:
        yield from pool.imap(_finish, items, chunksize=CHUNK_SIZE)
