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

from cleaner.dedup.documents import Duplicate
from cleaner.document import Document
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import Cleaner
from cleaner.records import Reject
from cleaner.stages import Accounted, Rendered, clean_and_pickle, finish_and_render

CHUNK_SIZE = 8
SERIAL_FIRST = 16

_worker_cleaner: Cleaner | None = None
_worker_sketch = True
_worker_keep_sig = False


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _init(cleaner: Cleaner, sketch: bool, keep_doc_sig: bool) -> None:
    global _worker_cleaner, _worker_sketch, _worker_keep_sig
    _worker_cleaner, _worker_sketch, _worker_keep_sig = cleaner, sketch, keep_doc_sig
    warm_up()


def _work(item: Document | Reject) -> tuple[Accounted, bytes]:
    assert _worker_cleaner is not None
    return clean_and_pickle(item, _worker_cleaner, _worker_sketch, _worker_keep_sig)


def _pool(jobs: int, initializer: object, initargs: tuple[object, ...]) -> multiprocessing.pool.Pool:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(jobs, initializer=initializer, initargs=initargs)  # type: ignore[arg-type]


def clean_all(
    items: Iterable[Document | Reject],
    cleaner: Cleaner,
    jobs: int,
    sketch: bool = True,
    keep_doc_sig: bool = False,
) -> Iterator[tuple[Accounted, bytes]]:
    """Stage 1 over ``items``, in input order, in ``jobs`` processes (1: in this one).

    Each result comes back pickled, ready for the spill, with what the main process needs of it
    (:func:`cleaner.stages.clean_and_pickle`): the main process never unpickles a document here.
    """
    iterator = iter(items)
    # A pool costs a fork per worker: small runs are done before it would start.
    head = list(itertools.islice(iterator, SERIAL_FIRST if jobs > 1 else 0))
    for item in head:
        yield clean_and_pickle(item, cleaner, sketch, keep_doc_sig)
    if jobs <= 1:
        for item in iterator:
            yield clean_and_pickle(item, cleaner, sketch, keep_doc_sig)
        return
    first = next(iterator, None)
    if first is None:
        return
    items = itertools.chain([first], iterator)
    warm_up()  # before the fork, so the workers inherit langdetect's profiles
    with _pool(jobs, _init, (cleaner, sketch, keep_doc_sig)) as pool:
        yield from pool.imap(_work, items, chunksize=CHUNK_SIZE)


_worker_passes: list[Pass] = []
_worker_rounds = 0
_worker_keep = False


def _init_finish(passes: list[Pass], max_rounds: int, keep: bool) -> None:
    global _worker_passes, _worker_rounds, _worker_keep
    _worker_passes, _worker_rounds, _worker_keep = passes, max_rounds, keep


def _finish(task: tuple[bytes, Duplicate | None]) -> Rendered:
    return finish_and_render(task[0], task[1], _worker_passes, _worker_rounds, _worker_keep)


def finish_all(
    tasks: Iterable[tuple[bytes, Duplicate | None]],
    passes: list[Pass],
    max_rounds: int,
    jobs: int,
    keep: bool = False,
) -> Iterator[Rendered]:
    """Stage 3 over spilled results in input order, in ``jobs`` processes.

    The main process hands over each result still pickled, as the spill holds it, and gets back
    the line to write: unpickling, finishing and rendering all happen in the workers.
    """
    if jobs <= 1:
        _init_finish(passes, max_rounds, keep)
        yield from map(_finish, tasks)
        return
    with _pool(jobs, _init_finish, (passes, max_rounds, keep)) as pool:
        yield from pool.imap(_finish, tasks, chunksize=CHUNK_SIZE)
