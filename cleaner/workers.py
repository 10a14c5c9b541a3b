"""Stages 1 and 3 on ``--jobs N`` cores: N - 1 worker processes, and the main process too.

Both stages are pure functions of a document, so any split of the work gives the same records;
results are yielded in input order, so the output is byte-identical to ``--jobs 1``.

Why the main process cleans as well: it also reads the input, keeps the indexes and writes the
output, and on a 2-core machine a third busy process would only take turns with the other two.
So the main process hands a chunk to the workers while they have room (two chunks each in
flight) and cleans the next chunk itself when they do not. The split balances itself: the more
time reading and writing take, the fewer chunks the main process cleans. Documents travel in
chunks to amortise the pickling, and come back pickled for the spill or rendered as lines.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from cleaner.captions.templates import Shape
from cleaner.dedup.documents import Duplicate
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import CleaningSetup
from cleaner.stages import Cleaned, Dropped, Item, Rendered, clean_one, finish, note_warnings, render

CHUNK_SIZE = 8
SERIAL_FIRST = 16
IN_FLIGHT_PER_WORKER = 2  # chunks: one being worked on, one waiting, so a worker never idles
MAX_PENDING = 64  # chunks done or in flight but not yet yielded (one slow chunk holds the rest)

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _pool(jobs: int, initializer: object, initargs: tuple[object, ...]) -> multiprocessing.pool.Pool:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return context.Pool(jobs, initializer=_init_worker, initargs=(initializer, initargs))


def _init_worker(initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    """A worker leaves Ctrl-C to the main process, which ends the pool, and leaves quietly on
    SIGTERM (the pool's own, or systemd's to the whole group): a fork inherits the main
    process's handlers, which would print a traceback.

    SIGTERM raises ``SystemExit`` rather than killing outright: a worker waiting for work holds
    the pool's queue lock, and one killed there would leave the main process waiting for that
    lock forever; the exception releases it on its way out.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)
    initializer(*initargs)


def _leave(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _map_chunk(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(item) for item in chunk]


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
) -> Iterator[R]:
    """``func`` over ``items``, in order, on ``jobs`` cores (``jobs - 1`` worker processes).

    ``func`` and ``initializer`` are module-level functions; ``initializer(*initargs)`` sets up
    every process that calls ``func``, this one included (before the fork, so workers inherit
    what it loaded).
    """
    initializer(*initargs)
    iterator = iter(items)
    if jobs <= 1:
        yield from map(func, iterator)
        return
    # A pool costs a fork per worker: small runs are done before it would start.
    yield from map(func, list(itertools.islice(iterator, SERIAL_FIRST)))
    chunks = iter(lambda: list(itertools.islice(iterator, CHUNK_SIZE)), [])
    first = next(chunks, None)
    if first is None:
        return
    workers = jobs - 1
    with _pool(workers, initializer, initargs) as pool:
        pending: deque[multiprocessing.pool.AsyncResult[list[R]] | list[R]] = deque()
        for chunk in itertools.chain([first], chunks):
            yield from _done_in_order(pending)
            busy = sum(1 for p in pending if not isinstance(p, list) and not p.ready())
            if busy < workers * IN_FLIGHT_PER_WORKER:
                pending.append(pool.apply_async(_map_chunk, (func, chunk)))
            else:
                pending.append(_map_chunk(func, chunk))
            while len(pending) > MAX_PENDING:
                yield from _take(pending.popleft())
        while pending:
            yield from _take(pending.popleft())


def _done_in_order(pending: deque[multiprocessing.pool.AsyncResult[list[R]] | list[R]]) -> Iterator[R]:
    while pending and (isinstance(pending[0], list) or pending[0].ready()):
        yield from _take(pending.popleft())


def _take(entry: multiprocessing.pool.AsyncResult[list[R]] | list[R]) -> list[R]:
    return entry if isinstance(entry, list) else entry.get()


# ---------------------------------------------------------------------------------------------
# The transport: what travels between the main process and the workers, and how


@dataclass(frozen=True)
class Accounted:
    """What the main process needs of a stage-1 result; the result itself travels pickled.

    The id (for unique ids), the signatures and caption shapes (for the indexes of stage 2) and
    the notes to print.
    """

    id: str
    group: str | None = None
    doc_sig: np.ndarray | None = None
    paragraph_sigs: np.ndarray | None = None
    warnings: tuple[str, ...] = ()
    caption_shapes: tuple[Shape, ...] = ()


def account(result: Cleaned | Dropped) -> Accounted:
    if isinstance(result, Dropped):
        return Accounted(result.reject.id)
    doc = result.doc
    warnings = tuple(note_warnings(doc))
    return Accounted(
        doc.id, doc.group, result.doc_sig, result.paragraph_sigs, warnings, result.caption_shapes
    )


def clean_and_pickle(
    item: Item, setup: CleaningSetup, sketch: bool = True, keep_doc_sig: bool = False
) -> tuple[Accounted, bytes]:
    """Stage 1 where it runs (a worker process): the result pickled for the spill, as it will
    be stored, and what the main process needs of it. The document signature goes to the index
    only, unless ``keep_doc_sig`` (a resumable spill rebuilds the index from itself)."""
    result = clean_one(item, setup, sketch)
    accounted = account(result)
    if isinstance(result, Cleaned) and not keep_doc_sig:
        result.doc_sig = None
    return accounted, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def finish_and_render(
    blob: bytes,
    duplicate: Duplicate | None,
    passes: list[Pass],
    max_rounds: int,
    keep: bool = False,
    outcome: bool = False,
) -> Rendered:
    """Stage 3 for one spilled stage-1 result (pickled), where it runs: the line to write."""
    result: Cleaned | Dropped = pickle.loads(blob)
    return render(finish(result, duplicate, passes, max_rounds), keep, outcome)


_worker_setup: CleaningSetup | None = None
_worker_sketch = True
_worker_keep_sig = False


def _init_clean(setup: CleaningSetup, sketch: bool, keep_doc_sig: bool) -> None:
    global _worker_setup, _worker_sketch, _worker_keep_sig
    _worker_setup, _worker_sketch, _worker_keep_sig = setup, sketch, keep_doc_sig
    warm_up()


def _clean(item: Item) -> tuple[Accounted, bytes]:
    assert _worker_setup is not None
    return clean_and_pickle(item, _worker_setup, _worker_sketch, _worker_keep_sig)


def clean_all(
    items: Iterable[Item],
    setup: CleaningSetup,
    jobs: int,
    sketch: bool = True,
    keep_doc_sig: bool = False,
) -> Iterator[tuple[Accounted, bytes]]:
    """Stage 1 over ``items``, in input order, on ``jobs`` cores.

    Each result comes back pickled, ready for the spill, with what the main process needs of it
    (:func:`clean_and_pickle`): a worker's documents are never unpickled here.
    """
    return ordered_map(_clean, items, jobs, _init_clean, (setup, sketch, keep_doc_sig))


_worker_passes: list[Pass] = []
_worker_rounds = 0
_worker_keep = False
_worker_outcome = False


def _init_finish(passes: list[Pass], max_rounds: int, keep: bool, outcome: bool = False) -> None:
    global _worker_passes, _worker_rounds, _worker_keep, _worker_outcome
    _worker_passes, _worker_rounds, _worker_keep, _worker_outcome = passes, max_rounds, keep, outcome


def _finish(task: tuple[bytes, Duplicate | None]) -> Rendered:
    return finish_and_render(task[0], task[1], _worker_passes, _worker_rounds, _worker_keep, _worker_outcome)


def finish_all(
    tasks: Iterable[tuple[bytes, Duplicate | None]],
    passes: list[Pass],
    max_rounds: int,
    jobs: int,
    keep: bool = False,
    outcome: bool = False,
) -> Iterator[Rendered]:
    """Stage 3 over spilled results in input order, on ``jobs`` cores.

    Each result is handed over still pickled, as the spill holds it, and comes back as the line
    to write: unpickling, finishing and rendering happen where the work is done.
    """
    return ordered_map(_finish, tasks, jobs, _init_finish, (passes, max_rounds, keep, outcome))
