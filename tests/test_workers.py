"""The worker pool behind ``--jobs``: input order out, the workers do the work, and ending it
(finished, abandoned, interrupted, a worker or the main process killed) leaves no process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner import workers
from cleaner.workers import (
    CHUNK_SIZE,
    CHUNK_WEIGHT,
    IN_FLIGHT_PER_WORKER,
    MAX_PENDING,
    SERIAL_FIRST,
    SMALL_RUN,
    STEAL_BELOW,
    Placement,
    WorkerError,
    WorkerPool,
    _chunks,
    _Waiting,
    ordered_map,
)

_setting = ""


def _init(setting: str) -> None:
    global _setting
    _setting = setting


def _slow_square(n: int) -> tuple[int, int, str]:
    time.sleep(0.004 if n % 7 else 0.02)  # uneven work: chunks finish out of order
    return n * n, os.getpid(), _setting


def _fail_on_13(n: int) -> int:
    if n == 13 + SERIAL_FIRST:
        raise ValueError("document 13 is broken")
    return n


def _pid(n: int) -> int:
    return os.getpid()


def _gone(pid: int) -> bool:
    """True once ``pid`` is no process or a zombie nobody waits for any more."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return status == "Z"


def test_results_come_in_input_order_and_the_workers_do_the_work() -> None:
    items = list(range(SERIAL_FIRST + 300))
    results = list(ordered_map(_slow_square, items, 2, _init, ("ready",)))
    assert [r[0] for r in results] == [n * n for n in items]
    assert {r[2] for r in results} == {"ready"}  # every process was initialised
    assert {r[1] for r in results[:SERIAL_FIRST]} == {os.getpid()}  # the serial start
    pids = {r[1] for r in results[SERIAL_FIRST:]}
    assert os.getpid() not in pids and len(pids) == 2  # then two workers; this process only orders


def test_one_pool_serves_several_stages_and_a_stage_setup_reaches_every_worker() -> None:
    with WorkerPool(2, _init, ("stage 1",)) as pool:
        first = list(pool.map(_slow_square, range(SERIAL_FIRST + 100)))
        pool.call(_init, "stage 3")
        second = list(pool.map(_slow_square, range(200)))
        workers = set(pool.pids())
    assert {r[1] for r in first[SERIAL_FIRST:]} == workers  # stage 1 started them
    assert {r[1] for r in second} == workers  # the same processes, not new ones
    assert {r[2] for r in second} == {"stage 3"}
    assert all(_gone(pid) for pid in workers)


def test_one_job_works_in_this_process_only() -> None:
    results = list(ordered_map(_slow_square, range(40), 1, _init, ("one",)))
    assert {r[1] for r in results} == {os.getpid()}
    assert [r[0] for r in results] == [n * n for n in range(40)]


def test_a_small_run_forks_nothing() -> None:
    results = list(ordered_map(_slow_square, range(SMALL_RUN), 4, _init, ("small",)))
    assert {r[1] for r in results} == {os.getpid()}


def test_a_larger_run_does_only_its_serial_start_here() -> None:
    results = list(ordered_map(_slow_square, range(SMALL_RUN + 1), 2, _init, ("larger",)))
    assert [r[0] for r in results] == [n * n for n in range(SMALL_RUN + 1)]
    assert {r[1] for r in results[:SERIAL_FIRST]} == {os.getpid()}
    assert os.getpid() not in {r[1] for r in results[SERIAL_FIRST:]}


def test_chunks_end_at_their_size_or_their_weight() -> None:
    sizes = [len(c.items) for c in _chunks(iter(range(40)), None)]
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, 40 - 2 * CHUNK_SIZE]
    heavy = CHUNK_WEIGHT // 3 + 1  # three of these weigh more than a chunk
    weights = [heavy] * 7 + [1] * (CHUNK_SIZE + 1)
    chunks = list(_chunks(iter(weights), lambda w: w))
    assert [len(c.items) for c in chunks] == [3, 3, CHUNK_SIZE, 2]
    assert [w for c in chunks for w in c.items] == weights  # in order, nothing lost
    assert [c.start for c in chunks] == [0, 3, 6, 6 + CHUNK_SIZE]


@pytest.mark.parametrize("prefer", [None, lambda n: n // 40 % 2], ids=["any worker", "owners"])
def test_an_error_wherever_it_happens_reaches_the_caller_and_the_workers_are_ended(
    prefer: Callable[[int], int] | None,
) -> None:
    pool = WorkerPool(2, _init, ("x",))
    with pytest.raises(ValueError, match="document 13 is broken"), pool:
        list(pool.map(_fail_on_13, range(SERIAL_FIRST + 200), prefer=prefer))
    assert not pool.started()


def test_an_abandoned_map_ends_its_workers_and_leaves_no_process() -> None:
    pool = WorkerPool(2, _init, ("x",))
    results = pool.map(_slow_square, range(SERIAL_FIRST + 500))
    for _ in range(SERIAL_FIRST + 5):  # the workers are busy, results wait in their pipes
        next(results)
    workers = pool.pids()
    assert len(workers) == 2
    pool.close()  # as an interrupted run does on its way out
    assert all(_gone(pid) for pid in workers)


@pytest.mark.parametrize("prefer", [None, lambda n: 0], ids=["any worker", "the killed one's items"])
def test_a_worker_killed_midway_is_an_error_not_a_hang(prefer: Callable[[int], int] | None) -> None:
    with WorkerPool(2, _init, ("x",)) as pool:
        results = pool.map(_slow_square, range(SERIAL_FIRST + 2000), prefer=prefer)
        for _ in range(SERIAL_FIRST + 5):
            next(results)
        os.kill(pool.pids()[0], signal.SIGKILL)
        with pytest.raises(WorkerError, match="ended unexpectedly"):
            list(results)


def test_workers_leave_when_their_main_process_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from tests.test_workers import _init, _pid\n"
        "from cleaner.workers import SERIAL_FIRST, WorkerPool\n"
        "pool = WorkerPool(2, _init, ('x',))\n"
        "pids = set(pool.map(_pid, range(SERIAL_FIRST + 64)))\n"
        "print(*pool.pids(), flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent
    )
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2
    proc.kill()  # SIGKILL: no handler runs, no atexit; only the pipes tell the workers
    proc.wait()
    while not all(_gone(pid) for pid in workers):  # they read the end of their task pipes and leave
        time.sleep(0.01)


_MAIN_PID = os.getpid()


def _tasks_cannot_be_received() -> None:
    """In a worker only: its task pipe fails as a large chunk can under a memory limit."""
    if os.getpid() != _MAIN_PID:
        import multiprocessing.connection

        def fail(self: object, maxlength: int | None = None) -> bytes:
            raise MemoryError

        multiprocessing.connection.Connection.recv_bytes = fail  # type: ignore[method-assign]


def test_a_worker_whose_task_reader_fails_is_an_error_not_a_hang(tmp_path: Path) -> None:
    # In a child interpreter, so that a hang would be a failed test (the timeout), not a stuck suite.
    script = (
        "from tests.test_workers import _tasks_cannot_be_received, _pid\n"
        "from cleaner.workers import SERIAL_FIRST, WorkerError, WorkerPool\n"
        "try:\n"
        "    with WorkerPool(2, _tasks_cannot_be_received, ()) as pool:\n"
        "        list(pool.map(_pid, range(SERIAL_FIRST + 64)))\n"
        "except WorkerError as error:\n"
        "    print('WorkerError', error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("WorkerError"), done.stdout
    assert "MemoryError" in done.stderr  # the worker said why before it ended


# --- affinity: a later stage's items go back to the worker that did them --------------------


def _square_and_pid(n: int) -> tuple[int, int]:
    if n % 7 == 0:
        time.sleep(0.002)  # uneven work: the workers do not take turns
    return n * n, os.getpid()


def test_a_placement_names_the_worker_of_each_item_by_its_number() -> None:
    placed = Placement(first=10)  # numbers 0-9 came before this map (a resumed run's)
    placed.add(0, 3)
    placed.add(3, 2)
    placed.add(5, 4)
    placed.did(1, 0)
    placed.did(0, 1)  # sent out of order: each chunk keeps its own worker
    found = [placed.worker_of(n) for n in range(9, 21)]
    # before the map, the map's chunks (the third never sent), after it
    assert found == [None, 1, 1, 1, 0, 0, None, None, None, None, None, None]
    assert Placement().worker_of(0) is None  # a map done here (one job, a small run): no worker


def test_a_chunk_holds_the_items_of_one_owner_only() -> None:
    owners = [None, 0, 0, 1, 1, 1, 0] + [1] * (CHUNK_SIZE + 2)
    items = list(range(100, 100 + len(owners)))
    chunks = list(_chunks(iter(items), None, owners.__getitem__))
    assert [(c.start, c.owner, len(c.items)) for c in chunks] == [
        (0, None, 1),
        (1, 0, 2),
        (3, 1, 3),
        (6, 0, 1),
        (7, 1, CHUNK_SIZE),  # an owner's long run is still cut at the chunk size
        (7 + CHUNK_SIZE, 1, 2),
    ]
    assert [i for c in chunks for i in c.items] == items
    later = list(_chunks(iter("xy"), None, {5: 1, 6: 0}.__getitem__, start=5))  # after a serial start
    assert [(c.start, c.owner, c.items) for c in later] == [(5, 1, ["x"]), (6, 0, ["y"])]


def test_a_waiting_chunk_goes_to_its_owner_or_to_a_dry_worker_while_its_owner_is_full() -> None:
    full, busy, dry = IN_FLIGHT_PER_WORKER, STEAL_BELOW, STEAL_BELOW - 1
    waiting: _Waiting[str] = _Waiting(2)
    waiting.add(0, 0, ["a"])
    waiting.add(1, None, ["b"])
    waiting.add(2, 0, ["c"])
    waiting.add(3, 1, ["d"])
    assert waiting.take(1, [0, 0]) == (1, ["b"])  # the older of its own and any worker's
    assert waiting.take(1, [0, 0]) == (3, ["d"])
    assert waiting.take(1, [0, dry]) is None  # worker 0 has room: its chunks wait for it
    assert waiting.take(1, [full, busy]) is None  # worker 1 still has work: not another's
    assert waiting.take(1, [full, dry]) == (0, ["a"])  # dry, its owner full: the oldest
    assert waiting.take(0, [0, 0]) == (2, ["c"])
    assert waiting.take(0, [0, 0]) is None


def test_a_later_map_sends_each_item_to_the_worker_that_did_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "STEAL_BELOW", 0)  # no dry worker takes another's: the rule alone
    count = SERIAL_FIRST + 400
    with WorkerPool(2, _init, ("x",)) as pool:
        placed = Placement()
        first = list(pool.map(_square_and_pid, range(count), placed=placed))
        pids = pool.pids()
        second = list(pool.map(_square_and_pid, range(count), prefer=placed.worker_of))
    assert [r[0] for r in second] == [n * n for n in range(count)]  # in order
    assert {r[1] for r in first[:SERIAL_FIRST]} == {os.getpid()}
    assert all(placed.worker_of(n) is None for n in range(SERIAL_FIRST))  # the serial start: none
    for n in range(SERIAL_FIRST, count):
        worker = placed.worker_of(n)
        assert worker is not None and pids[worker] == first[n][1] == second[n][1]
    assert {r[1] for r in second} == set(pids)


@pytest.mark.parametrize("steal_below", [0, STEAL_BELOW])
def test_items_that_all_prefer_one_worker_are_all_done_in_order(
    monkeypatch: pytest.MonkeyPatch, steal_below: int
) -> None:
    """The other worker has room all along while the one they prefer is full and its queue
    grows to the limit of chunks not yet yielded: neither waits for the other for ever."""
    monkeypatch.setattr(workers, "STEAL_BELOW", steal_below)
    count = 3 * MAX_PENDING * CHUNK_SIZE  # more chunks than may wait
    with WorkerPool(2, _init, ("x",)) as pool:
        list(pool.map(_pid, range(SERIAL_FIRST + SMALL_RUN)))  # the workers started
        pids = pool.pids()
        results = list(pool.map(_square_and_pid, range(count), prefer=lambda n: 1))
        elsewhere = list(pool.map(_square_and_pid, range(100), prefer=lambda n: 7))  # no such worker
    assert [r[0] for r in results] == [n * n for n in range(count)]
    if not steal_below:
        assert {r[1] for r in results} == {pids[1]}
    assert [r[0] for r in elsewhere] == [n * n for n in range(100)]
    assert {r[1] for r in elsewhere} <= set(pids)
