"""Stages 1 and 3 on ``--jobs N`` cores: N worker processes; the main process reads, orders
and writes.

Both stages are pure functions of a document, so any split of the work gives the same records;
results are yielded in input order, so the output is byte-identical to ``--jobs 1``.

The main process does only what cannot be split: it reads and parses the input, keeps the
indexes, decides (stage 2) and writes. Everything per document (cleaning, language, signatures,
finishing, rendering) happens in the workers, so N workers can keep N cores busy: the main
process's share of a run is a few per cent of its CPU (README, "Performance").

One pool serves the whole run (:class:`WorkerPool`). It starts with the first chunk that does
not fit the serial start, before the indexes grow, so the workers are forked small and never
hold a copy of the indexes they do not need; their caches (rule matches, repairs, paragraph
signatures) survive from stage 1 to stage 3. Stage 3's setup (the site boilerplate found in
stage 2) reaches them through a file read once per worker, not with every task. Documents
travel in chunks to amortise the transfers, and come back pickled for the spill or rendered
as lines.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.pool
import os
import pickle
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from cleaner.dedup.documents import Duplicate
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import CleaningSetup
from cleaner.stages import Cleaned, Dropped, Item, Rendered, clean_one, finish, note_warnings, render

CHUNK_SIZE = 16
SERIAL_FIRST = 16
IN_FLIGHT_PER_WORKER = 3  # chunks: one being worked on, two waiting, so a worker never idles
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


_interrupted: list[multiprocessing.pool.Pool] = []


class WorkerPool:
    """``jobs`` worker processes for the stages of one run, started when first needed.

    ``initializer(*initargs)`` sets up each worker (and this process, before the fork, so the
    workers inherit what it loaded). With ``jobs <= 1`` there is no pool: the work is done here.
    """

    def __init__(self, jobs: int, initializer: Callable[..., None], initargs: tuple[object, ...]):
        self.jobs = jobs
        self._initializer = initializer
        self._initargs = initargs
        self._initialised = False
        self._pool: multiprocessing.pool.Pool | None = None
        self._files: list[Path] = []
        self._active = 0  # maps started and not run to their end

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the workers go: told to leave once idle after complete work (ending a pool with
        ``terminate`` can wait forever for the queue lock a worker holds). When a stage was
        interrupted (Ctrl-C, SIGTERM: the process is on its way out) the workers, daemonic, are
        ended by multiprocessing as the process exits, as they were before there was one pool."""
        if self._pool is not None:
            if self._active:
                _interrupted.append(self._pool)  # kept referenced until the process exits
            else:
                self._pool.close()
                self._pool.join()
            self._pool = None
        for path in self._files:
            path.unlink(missing_ok=True)
        self._files.clear()

    def _init_here(self) -> None:
        if not self._initialised:
            self._initializer(*self._initargs)
            self._initialised = True

    def started(self) -> bool:
        return self._pool is not None

    def share(self, value: object) -> str:
        """``value`` pickled to a file the workers read once each (see :func:`shared`)."""
        fd, name = tempfile.mkstemp(prefix="cleaner-setup-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        self._files.append(Path(name))
        return name

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``func`` over ``items``, in order: here for the serial start (and for everything
        with one job), then in the workers, chunk by chunk."""
        self._init_here()
        iterator = iter(items)
        if self.jobs <= 1:
            yield from map(func, iterator)
            return
        if self._pool is None:
            # A pool costs a fork per worker: small runs are done before it would start.
            yield from map(func, list(itertools.islice(iterator, SERIAL_FIRST)))
        chunks = iter(lambda: list(itertools.islice(iterator, CHUNK_SIZE)), [])
        first = next(chunks, None)
        if first is None:
            return
        if self._pool is None:
            self._pool = _pool(self.jobs, self._initializer, self._initargs)
        self._active += 1
        yield from _in_order(self._pool, func, itertools.chain([first], chunks), self.jobs)
        self._active -= 1


def _in_order(
    pool: multiprocessing.pool.Pool, func: Callable[[T], R], chunks: Iterable[list[T]], workers: int
) -> Iterator[R]:
    """The chunks' results in order, with at most ``IN_FLIGHT_PER_WORKER`` chunks per worker
    submitted and not finished (a finished one frees its place at once, in any order)."""
    room = threading.Semaphore(workers * IN_FLIGHT_PER_WORKER)

    def done(_: object) -> None:
        room.release()

    pending: deque[multiprocessing.pool.AsyncResult[list[R]]] = deque()
    for chunk in chunks:
        while pending and pending[0].ready():
            yield from pending.popleft().get()
        while len(pending) >= MAX_PENDING:
            yield from pending.popleft().get()
        room.acquire()
        pending.append(pool.apply_async(_map_chunk, (func, chunk), callback=done, error_callback=done))
    while pending:
        yield from pending.popleft().get()


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
) -> Iterator[R]:
    """``func`` over ``items``, in order, on ``jobs`` worker processes (one job: here).

    ``func`` and ``initializer`` are module-level functions; ``initializer(*initargs)`` sets up
    every process that calls ``func``.
    """
    with WorkerPool(jobs, initializer, initargs) as pool:
        yield from pool.map(func, items)


# ---------------------------------------------------------------------------------------------
# The transport: what travels between the main process and the workers, and how


@dataclass(frozen=True)
class Accounted:
    """What the main process needs of a stage-1 result; the result itself travels pickled.

    The id (for unique ids), the signatures (for the indexes of stage 2) and the notes to print.
    """

    id: str
    group: str | None = None
    doc_sig: np.ndarray | None = None
    paragraph_sigs: np.ndarray | None = None
    warnings: tuple[str, ...] = ()


def account(result: Cleaned | Dropped) -> Accounted:
    if isinstance(result, Dropped):
        return Accounted(result.reject.id)
    doc = result.doc
    return Accounted(doc.id, doc.group, result.doc_sig, result.paragraph_sigs, tuple(note_warnings(doc)))


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


def stage_pool(
    setup: CleaningSetup, jobs: int, sketch: bool = True, keep_doc_sig: bool = False
) -> WorkerPool:
    """The pool for a run's stages 1 and 3 (:func:`clean_all`, :func:`finish_all`)."""
    return WorkerPool(jobs, _init_clean, (setup, sketch, keep_doc_sig))


def clean_all(items: Iterable[Item], pool: WorkerPool) -> Iterator[tuple[Accounted, bytes]]:
    """Stage 1 over ``items``, in input order, in ``pool`` (from :func:`stage_pool`).

    Each result comes back pickled, ready for the spill, with what the main process needs of it
    (:func:`clean_and_pickle`): a worker's documents are never unpickled here.
    """
    return pool.map(_clean, items)


_finish_source = ""
_finish_setup: tuple[list[Pass], int, bool, bool] = ([], 0, False, False)


def _finish(task: tuple[str, bytes, Duplicate | None]) -> Rendered:
    """Stage 3 for one task; the stage's setup is read from its file once per process."""
    global _finish_source, _finish_setup
    source, blob, duplicate = task
    if source != _finish_source:
        with Path(source).open("rb") as f:
            _finish_setup = pickle.load(f)
        _finish_source = source
    passes, max_rounds, keep, outcome = _finish_setup
    return finish_and_render(blob, duplicate, passes, max_rounds, keep, outcome)


def finish_all(
    tasks: Iterable[tuple[bytes, Duplicate | None]],
    passes: list[Pass],
    max_rounds: int,
    pool: WorkerPool,
    keep: bool = False,
    outcome: bool = False,
) -> Iterator[Rendered]:
    """Stage 3 over spilled results in input order, in ``pool`` (the one stage 1 used).

    Each result is handed over still pickled, as the spill holds it, and comes back as the line
    to write: unpickling, finishing and rendering happen where the work is done.
    """
    global _finish_source, _finish_setup
    setup = (passes, max_rounds, keep, outcome)
    source = pool.share(setup) if pool.jobs > 1 else ""
    _finish_source, _finish_setup = source, setup  # this process: no file to read
    return pool.map(_finish, ((source, blob, duplicate) for blob, duplicate in tasks))
