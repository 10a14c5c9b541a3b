"""Stages 1 and 3 on ``--jobs N`` cores: N worker processes; the main process reads, orders
and writes.

Both stages are pure functions of a document, so any split of the work gives the same records;
results are yielded in input order, so the output is byte-identical to ``--jobs 1``.

The main process does only what cannot be split: it reads and parses the input, keeps the
indexes, decides (stage 2) and writes. Everything per document (cleaning, language, signatures,
finishing, rendering) happens in the workers, so N workers can keep N cores busy (the main
process's share of a two-job run is measured in the README's "Performance"). Documents travel
in chunks to amortise the transfers, and come back pickled for the spill or rendered as lines.

One pool serves a run's stages 1 and 3 (:class:`WorkerPool`). It starts with the first chunk
that does not fit the serial start, before the indexes grow, so the workers are forked small
and never hold the signatures they do not need; their caches (rule matches, repairs, paragraph
signatures, the credit grammar's) survive from stage 1 to stage 3, and stage 3's setup reaches
each worker once. For those caches to count, stage 3 sends each document back to the worker
that cleaned it (:class:`Placement`), and its passes reach each worker as that worker's own
stage-1 objects where they are the same (:class:`_StagePasses`).

Why not ``multiprocessing.Pool``: its workers share one task queue behind a lock that an idle
worker holds while it waits, and ``Pool.terminate`` takes that lock first, so ending a pool
while a signal was landing could wait forever (it did, under load). Here every worker has its
own two pipes and nothing is shared: ending one is a signal and a ``waitpid``, whatever the
others are doing. A worker whose main process dies (even by SIGKILL) reads the end of its task
pipe and leaves.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import io
import itertools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

import numpy as np

from cleaner.captions.templates import Shape, default_grammar
from cleaner.dedup.documents import Duplicate
from cleaner.document import Document
from cleaner.language import warm_up
from cleaner.passes import Pass
from cleaner.pipeline import CleaningSetup
from cleaner.stages import Cleaned, Dropped, Item, Rendered, clean_one, finish, note_warnings, render

CHUNK_SIZE = 16  # items at most
CHUNK_WEIGHT = 64 * 1024  # or as much work as this weight (the characters of a chunk's documents)
SMALL_RUN = 16  # a run of at most this many items is done here: forking costs more than it saves
SERIAL_FIRST = 1  # items done here before the workers start (their first-use loading is inherited)
IN_FLIGHT_PER_WORKER = 3  # chunks: one being worked on, two waiting, so a worker never idles
MAX_PENDING = 64  # chunks read but not yet yielded (one slow chunk holds the rest)
STEAL_BELOW = 1  # a worker holding fewer chunks than this takes another's (see _Waiting.take)
LEAVE_SECONDS = 10.0  # how long an ended worker gets to exit before it is killed outright

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class WorkerError(RuntimeError):
    """A worker process ended without being told to (killed, out of memory)."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


@dataclass
class _Worker:
    process: BaseProcess
    tasks: Connection  # main -> worker
    results: Connection  # worker -> main
    load: int = 0  # chunks sent and not yet answered


def _serve(
    tasks: Connection,
    results: Connection,
    others: list[Connection],
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
) -> None:
    """A worker's life: messages from ``tasks`` in order, answers to ``results``.

    Ctrl-C is left to the main process (which ends the workers); SIGTERM (the main process's,
    or systemd's to the whole group) ends the worker at once and quietly: it holds nothing
    another process waits for.

    Tasks come in and answers go out through threads, so neither side of a pipe waits for the
    other's work. A chunk is larger than a pipe holds (64 KiB; 16 whole pages are ~300 KB): read
    only between chunks, a chunk sent ahead kept the main process blocked in its send for a
    whole chunk of work, while the other workers ran dry. Read by a thread, it is taken in as it
    comes. Answers sent from a thread let the worker start its next task at once, and the main
    process, sending, never waits for a worker that is itself waiting to send.
    """
    for conn in others:  # the pipes of the other workers and the main process's ends, forked
        conn.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)
    initializer(*initargs)
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_receive_all, args=(tasks, inbox), daemon=True).start()
    out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(results, out), daemon=True)
    sender.start()
    while (data := inbox.get()) is not None:  # None: the main process is gone
        message = pickle.loads(data)
        if message[0] == "stop":
            break
        if message[0] == "call":
            _, func, args = message
            func(*args)
            continue
        _, number, func, chunk = message
        try:
            answer: tuple[str, int, object] = ("done", number, [func(item) for item in chunk])
            reply = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # any failure goes to the caller, in order
            reply = _pickled_error(number, error)
        out.put(reply)
    out.put(None)
    sender.join()


def _pickled_error(number: int, error: Exception) -> bytes:
    try:
        return pickle.dumps(("error", number, error), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that cannot travel: its text can
        return pickle.dumps(("error", number, RuntimeError(f"{type(error).__name__}: {error}")))


def _receive_all(tasks: Connection, inbox: queue.SimpleQueue[bytes | None]) -> None:
    try:
        while True:
            inbox.put(tasks.recv_bytes())
    except (EOFError, OSError):  # the main process is gone, or closed the pipe
        inbox.put(None)
    except BaseException:  # any other failure loses a task: see _thread_failed
        _thread_failed()


def _send_all(results: Connection, out: queue.SimpleQueue[bytes | None]) -> None:
    try:
        while (data := out.get()) is not None:
            results.send_bytes(data)
    except OSError:  # the main process is gone
        return
    except BaseException:  # an answer is lost: see _thread_failed
        _thread_failed()


def _thread_failed() -> None:
    """End this worker when its reading or sending thread fails other than by the main process
    leaving (a ``MemoryError`` receiving a large chunk, say): a task or an answer is lost, so
    the worker could only wait for ever while the main process waits for it. Ended, it closes
    its result pipe, and the main process raises :class:`WorkerError` as for a worker that
    died, instead of both hanging (and the workers outliving a killed main process)."""
    traceback.print_exc()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(70)  # EX_SOFTWARE


PIPE_BYTES = 1 << 20  # what an unprivileged process may ask by default (/proc/sys/fs/pipe-max-size)


def _widen(conn: Connection) -> None:
    """Let ``conn``'s pipe hold a whole chunk or answer (Linux): a 64 KiB pipe takes a message
    of a few hundred kilobytes in pieces, each waiting for the reading thread to get its
    process's interpreter lock, while the sending process waits too. Left as it is elsewhere,
    or when the system refuses."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _leave(signum: int, frame: object) -> None:
    os._exit(128 + signum)


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
        self._workers: list[_Worker] = []
        self._busy = 0  # maps started and not run to their end

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.close()

    def started(self) -> bool:
        return bool(self._workers)

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _init_here(self) -> None:
        if not self._initialised:
            self._initializer(*self._initargs)
            self._initialised = True

    def _start(self) -> None:
        context = _context()
        pipes = [(*context.Pipe(duplex=False), *context.Pipe(duplex=False)) for _ in range(self.jobs)]
        for _, task_writer, result_reader, _ in pipes:
            _widen(task_writer)
            _widen(result_reader)
        every = [conn for pipe in pipes for conn in pipe]
        for task_reader, task_writer, result_reader, result_writer in pipes:
            others = [c for c in every if c is not task_reader and c is not result_writer]
            process = context.Process(
                target=_serve,
                args=(task_reader, result_writer, others, self._initializer, self._initargs),
                name="cleaner-worker",
                daemon=True,  # should this process end unexpectedly, multiprocessing ends them
            )
            process.start()
            self._workers.append(_Worker(process, task_writer, result_reader))
        for task_reader, _, _, result_writer in pipes:
            task_reader.close()
            result_writer.close()

    def call(self, func: Callable[..., None], *args: object) -> None:
        """``func(*args)`` here, and in every worker before its next task (a stage's setup)."""
        func(*args)
        message = pickle.dumps(("call", func, args), protocol=pickle.HIGHEST_PROTOCOL)
        for worker in self._workers:
            self._send(worker, message)

    def close(self) -> None:
        """Let the workers go: told to stop after complete work; ended (SIGTERM, then SIGKILL
        if they do not leave) when a map was left unfinished, as an interrupted run leaves."""
        if self._busy:
            self.abort()
            return
        for worker in self._workers:
            with contextlib.suppress(OSError):  # already gone (a signal to the whole group)
                worker.tasks.send_bytes(pickle.dumps(("stop",)))
        self._end(terminate=False)

    def abort(self) -> None:
        """End the workers now, whatever they are doing."""
        self._busy = 0
        self._end(terminate=True)

    def _end(self, terminate: bool) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.tasks.close()
            if terminate:
                worker.process.terminate()
        for worker in workers:
            worker.process.join(LEAVE_SECONDS)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            worker.results.close()

    def map(
        self,
        func: Callable[[T], R],
        items: Iterable[T],
        weight: Callable[[T], int] | None = None,
        *,
        prefer: Callable[[int], int | None] | None = None,
        placed: Placement | None = None,
    ) -> Iterator[R]:
        """``func`` over ``items``, in order: here for one job and for a small run; else the
        first item here, to start the workers warm, then the rest in the workers, in chunks of
        ``CHUNK_SIZE`` items or ``CHUNK_WEIGHT`` of ``weight`` (an item's expected work).

        ``prefer(n)``: the index of the worker that should do item ``n`` (counted from 0 in
        ``items``), or None for any; a chunk holds the items of one preference only, and goes
        to that worker unless it falls behind (:meth:`_in_order`). ``placed`` records which
        worker did which items (:class:`Placement`), for a later map's ``prefer``.
        """
        self._init_here()
        iterator = iter(items)
        if self.jobs <= 1:
            yield from map(func, iterator)
            return
        start = 0
        if not self._workers:
            head = list(itertools.islice(iterator, SMALL_RUN + 1))
            if len(head) <= SMALL_RUN:
                yield from map(func, head)
                return
            # What the work loads on first use (the rules' compiled groups, the features'
            # tables) is loaded once, here, and the workers inherit it; more work here would
            # leave the other cores idle.
            yield from map(func, head[:SERIAL_FIRST])
            iterator = itertools.chain(head[SERIAL_FIRST:], iterator)
            start = SERIAL_FIRST
            self._start()
        chunks = _chunks(iterator, weight, self._owner(prefer), start)
        first = next(chunks, None)
        if first is None:
            return
        self._busy += 1
        yield from self._in_order(func, itertools.chain([first], chunks), placed)
        self._busy -= 1

    def _owner(self, prefer: Callable[[int], int | None] | None) -> Callable[[int], int | None] | None:
        """``prefer`` with the workers this pool has (a placement of a larger pool: any)."""
        if prefer is None:
            return None
        jobs = len(self._workers)

        def owner(n: int) -> int | None:
            worker = prefer(n)
            return worker if worker is not None and 0 <= worker < jobs else None

        return owner

    def _in_order(
        self, func: Callable[[T], R], chunks: Iterator[_Chunk[T]], placed: Placement | None
    ) -> Iterator[R]:
        """The chunks' results in order.

        A chunk waits (:class:`_Waiting`) until a worker may take it: at most
        ``IN_FLIGHT_PER_WORKER`` chunks each. Chunks are read only when a worker has room and
        nothing it may take, so without owners each one goes at once to the least loaded
        worker; with owners, reading on finds a worker's next own chunk while the other one is
        busy. Never more than ``MAX_PENDING`` chunks (or twice what all the workers may hold)
        read and not yet yielded.

        It never waits for an answer while no chunk is out: with that many chunks read, the
        oldest is waiting or out (it would have been yielded otherwise), and a waiting chunk's
        owner, or any worker, takes it when it has room, so an idle pool has nothing waiting.
        """
        workers = self._workers
        waiting: _Waiting[T] = _Waiting(len(workers))
        done: dict[int, tuple[str, Any]] = {}
        made = yielded = 0
        read_all = False
        pending = max(MAX_PENDING, 2 * IN_FLIGHT_PER_WORKER * len(workers))
        while True:
            self._receive(done, block=False)
            yielded = yield from self._ready(done, yielded)
            self._dispatch(func, waiting, placed)
            room = any(w.load < IN_FLIGHT_PER_WORKER for w in workers)
            if not read_all and room and made - yielded < pending:
                chunk = next(chunks, None)
                if chunk is None:
                    read_all = True
                    continue
                if placed is not None:
                    placed.add(chunk.start, len(chunk.items))
                waiting.add(made, chunk.owner, chunk.items)
                made += 1
                continue
            if read_all and yielded == made:
                return
            if not any(w.load for w in workers):  # (see above: cannot happen)
                raise RuntimeError("the worker pool waits for answers with no chunk out")
            self._receive(done, block=True)
            yielded = yield from self._ready(done, yielded)

    def _dispatch(self, func: Callable[[T], R], waiting: _Waiting[T], placed: Placement | None) -> None:
        """Send the workers with room, least loaded first, what they may take."""
        workers = self._workers
        while True:
            loads = [w.load for w in workers]
            for index in sorted(range(len(workers)), key=loads.__getitem__):
                if loads[index] >= IN_FLIGHT_PER_WORKER:
                    return  # and so are the rest
                taken = waiting.take(index, loads)
                if taken is not None:
                    number, items = taken
                    message = ("map", number, func, items)
                    self._send(workers[index], pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
                    workers[index].load += 1
                    if placed is not None:
                        placed.did(number, index)
                    break  # the loads changed: the least loaded again
            else:
                return

    @staticmethod
    def _ready(done: dict[int, tuple[str, Any]], yielded: int) -> Generator[Any, None, int]:
        """Yield the results due next that have come; return the count of chunks yielded."""
        while yielded in done:
            kind, payload = done.pop(yielded)
            if kind == "error":
                raise payload
            yield from payload
            yielded += 1
        return yielded

    def _send(self, worker: _Worker, message: bytes) -> None:
        try:
            worker.tasks.send_bytes(message)
        except OSError as e:
            raise WorkerError(f"worker process {worker.process.pid} ended unexpectedly") from e

    def _receive(self, done: dict[int, tuple[str, Any]], block: bool) -> None:
        waiting = {w.results: w for w in self._workers if w.load}
        if not waiting:
            return
        for conn in multiprocessing.connection.wait(list(waiting), timeout=None if block else 0):
            worker = waiting[conn]  # type: ignore[index]
            try:
                kind, number, payload = pickle.loads(worker.results.recv_bytes())
            except EOFError as e:
                worker.process.join(LEAVE_SECONDS)
                pid, code = worker.process.pid, worker.process.exitcode
                raise WorkerError(f"worker process {pid} ended unexpectedly (exit {code})") from e
            done[number] = (kind, payload)
            worker.load -= 1


@dataclass
class _Chunk(Generic[T]):
    start: int  # the position of its first item in the map's items
    owner: int | None  # the worker that should do it (None: any)
    items: list[T]


def _chunks(
    items: Iterator[T],
    weight: Callable[[T], int] | None,
    owner: Callable[[int], int | None] | None = None,
    start: int = 0,
) -> Iterator[_Chunk[T]]:
    """``items`` (the first at position ``start``) in chunks of ``CHUNK_SIZE``, or fewer that
    weigh ``CHUNK_WEIGHT``: the work a chunk holds is what one worker may still have to do when
    the others have run out, at the end of a stage (16 whole pages are half a second). A chunk
    also ends where ``owner`` (of a position) changes, so that each goes whole to its owner."""
    chunk: list[T] = []
    load = 0
    first = start
    current = owner(start) if owner is not None else None
    for position, item in enumerate(items, start):
        if owner is not None:
            wanted = owner(position)
            if wanted != current:
                if chunk:
                    yield _Chunk(first, current, chunk)
                chunk, load, first = [], 0, position
                current = wanted
        chunk.append(item)
        if weight is not None:
            load += weight(item)
        if len(chunk) == CHUNK_SIZE or load >= CHUNK_WEIGHT:
            yield _Chunk(first, current, chunk)
            chunk, load, first = [], 0, position + 1
    if chunk:
        yield _Chunk(first, current, chunk)


class _Waiting(Generic[T]):
    """The chunks read and not yet sent (numbered in input order), each in its owner's queue or
    in the queue for any worker."""

    def __init__(self, workers: int) -> None:
        self.own: list[deque[tuple[int, list[T]]]] = [deque() for _ in range(workers)]
        self.anyone: deque[tuple[int, list[T]]] = deque()

    def add(self, number: int, owner: int | None, items: list[T]) -> None:
        (self.anyone if owner is None else self.own[owner]).append((number, items))

    def take(self, worker: int, loads: list[int]) -> tuple[int, list[T]] | None:
        """Worker ``worker``'s next chunk, given every worker's chunks out (``loads``): the older
        of its own and any worker's. Else, if it holds fewer than ``STEAL_BELOW`` (it has run
        dry), the oldest chunk of a worker that has no room: one fallen behind (its documents
        took longer this stage than the last) holds up neither the other worker nor the order."""
        queues = [q for q in (self.own[worker], self.anyone) if q]
        if not queues and loads[worker] < STEAL_BELOW:
            full = (i for i, load in enumerate(loads) if load >= IN_FLIGHT_PER_WORKER)
            queues = [self.own[i] for i in full if self.own[i]]
        if not queues:
            return None
        return min(queues, key=lambda q: q[0][0]).popleft()


class Placement:
    """Which worker did which items of a map (:meth:`WorkerPool.map`'s ``placed``): per chunk,
    its first item's position and the worker's index, nine bytes however many items it holds
    (a run of millions of documents keeps a few megabytes). Items done in the main process (a
    small run, the serial start) and those of another map have no worker.

    ``first``: the number the map's first item goes by (a resumed run's stage 1 starts after the
    documents the spill already held), so that :meth:`worker_of` answers by that number.
    """

    _NONE = 255

    def __init__(self, first: int = 0) -> None:
        self.first = first
        self._starts = array("q")
        self._workers = bytearray()  # per chunk; _NONE until sent
        self._end = first

    def add(self, start: int, size: int) -> None:
        """The next chunk, of ``size`` items from position ``start`` in the map."""
        self._starts.append(self.first + start)
        self._workers.append(self._NONE)
        self._end = self.first + start + size

    def did(self, chunk: int, worker: int) -> None:
        """Chunk ``chunk`` (counted from 0 in the map) went to worker ``worker``."""
        self._workers[chunk] = min(worker, self._NONE)

    def worker_of(self, number: int) -> int | None:
        """The worker that did item ``number``, or None."""
        if number >= self._end:
            return None
        chunk = bisect.bisect_right(self._starts, number) - 1
        if chunk < 0:
            return None
        worker = self._workers[chunk]
        return None if worker == self._NONE else worker


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


def stage_pool(
    setup: CleaningSetup, jobs: int, sketch: bool = True, keep_doc_sig: bool = False
) -> WorkerPool:
    """The pool for a run's stages 1 and 3 (:func:`clean_all`, :func:`finish_all`)."""
    return WorkerPool(jobs, _init_clean, (setup, sketch, keep_doc_sig))


def clean_all(
    items: Iterable[Item], pool: WorkerPool, placed: Placement | None = None
) -> Iterator[tuple[Accounted, bytes]]:
    """Stage 1 over ``items``, in input order, in ``pool`` (from :func:`stage_pool`).

    Each result comes back pickled, ready for the spill, with what the main process needs of it
    (:func:`clean_and_pickle`): a worker's documents are never unpickled here. ``placed``
    records which worker cleaned which document, for stage 3 (:func:`finish_all`).
    """
    return pool.map(_clean, items, _text_weight, placed=placed)


def _text_weight(item: Item) -> int:
    """A document's characters: stage 1's work on it grows with them."""
    return sum(map(len, item.lines)) if isinstance(item, Document) else 0


def _spilled_weight(task: tuple[bytes, Duplicate | None]) -> int:
    """About a spilled document's characters: its pickle holds its text about three times
    (the input's paragraphs, the output's, the edits' text)."""
    return len(task[0]) // 3


_worker_passes: list[Pass] = []
_worker_rounds = 0
_worker_keep = False
_worker_outcome = False


def _init_finish(passes: _StagePasses, max_rounds: int, keep: bool, outcome: bool = False) -> None:
    global _worker_passes, _worker_rounds, _worker_keep, _worker_outcome
    _worker_passes, _worker_rounds, _worker_keep = passes.passes, max_rounds, keep
    _worker_outcome = outcome


def _setup_objects() -> dict[str, object]:
    """What this process's stage-1 setup holds that a later stage's passes may hold too, by a
    name that is the same in every process of the pool (each has its own copy of the setup)."""
    if _worker_setup is None:
        return {}
    shared: dict[str, object] = {"rules": _worker_setup.rules, "grammar": default_grammar()}
    shared.update((f"pass {i}", p) for i, p in enumerate(_worker_setup.passes))
    return shared


class _StagePasses:
    """A stage's passes on their way to the workers, each holding its own stage-1 objects.

    Stage 3's passes are mostly the setup's own (:func:`~cleaner.stages.finishing_passes`: the
    site's two, then the setup's), and the site's captions pass asks the setup's rules and the
    process's credit grammar. Pickled as they are, they would reach each worker as new copies,
    with the memories of this process (which cleaned one document, at most) instead of the
    worker's own: the rule matches and the grammar's credits of every line asked again, as if
    stage 1 had never seen them (a sixth of stage 3's work on generated news). Sent as names
    of the worker's own objects, they keep what stage 1 remembered there, as one process
    keeps it at ``--jobs 1``.
    """

    def __init__(self, passes: list[Pass]) -> None:
        self.passes = passes

    def __reduce__(self) -> tuple[Callable[[bytes], _StagePasses], tuple[bytes]]:
        names = {id(obj): name for name, obj in _setup_objects().items()}
        buffer = io.BytesIO()
        _NamingPickler(buffer, names).dump(self.passes)
        return _load_stage_passes, (buffer.getvalue(),)


class _NamingPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, names: dict[int, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = names

    def persistent_id(self, obj: object) -> str | None:
        return self._names.get(id(obj))


class _NamedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, objects: dict[str, object]) -> None:
        super().__init__(file)
        self._objects = objects

    def persistent_load(self, pid: object) -> object:
        return self._objects[str(pid)]


def _load_stage_passes(data: bytes) -> _StagePasses:
    passes = _NamedUnpickler(io.BytesIO(data), _setup_objects()).load()
    return _StagePasses(passes)


def _finish(task: tuple[bytes, Duplicate | None]) -> Rendered:
    return finish_and_render(task[0], task[1], _worker_passes, _worker_rounds, _worker_keep, _worker_outcome)


def finish_all(
    tasks: Iterable[tuple[bytes, Duplicate | None]],
    passes: list[Pass],
    max_rounds: int,
    pool: WorkerPool,
    keep: bool = False,
    outcome: bool = False,
    placed: Placement | None = None,
) -> Iterator[Rendered]:
    """Stage 3 over spilled results in input order, in ``pool`` (the one stage 1 used).

    Each result is handed over still pickled, as the spill holds it, and comes back as the line
    to write: unpickling, finishing and rendering happen where the work is done. The stage's
    setup (the passes stage 2 made) goes to each worker once.

    ``placed`` (stage 1's, by document number): each document goes back to the worker that
    cleaned it, whose caches (rule matches, repairs, paragraph signatures, the memos) already
    hold its lines: on news, where the passes run again on every document whose site footer
    stage 2 found, a document finished by the other worker cost it a fifth more work.
    """
    pool.call(_init_finish, _StagePasses(passes), max_rounds, keep, outcome)
    prefer = placed.worker_of if placed is not None else None
    return pool.map(_finish, tasks, _spilled_weight, prefer=prefer)
