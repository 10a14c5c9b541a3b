"""The worker pool behind ``--jobs``: input order out, the workers do the work, and ending it
(finished, abandoned, interrupted, a worker or the main process killed) leaves no process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.workers import (
    CHUNK_SIZE,
    CHUNK_WEIGHT,
    SERIAL_FIRST,
    SMALL_RUN,
    WorkerError,
    WorkerPool,
    _chunks,
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


def test_an_error_wherever_it_happens_reaches_the_caller_and_the_workers_are_ended() -> None:
    pool = WorkerPool(2, _init, ("x",))
    with pytest.raises(ValueError, match="document 13 is broken"), pool:
        list(pool.map(_fail_on_13, range(SERIAL_FIRST + 200)))
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


def test_a_worker_killed_midway_is_an_error_not_a_hang() -> None:
    with WorkerPool(2, _init, ("x",)) as pool:
        results = pool.map(_slow_square, range(SERIAL_FIRST + 2000))
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
