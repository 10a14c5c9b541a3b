"""The ordered map behind ``--jobs``: input order out, whichever process did the work."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from cleaner.workers import SERIAL_FIRST, WorkerPool, ordered_map

_setting = ""


def _init(setting: str) -> None:
    global _setting
    _setting = setting


def _slow_square(n: int) -> tuple[int, int, str]:
    time.sleep(0.004 if n % 7 else 0.02)  # uneven work: chunks finish out of order
    return n * n, os.getpid(), _setting


def _read_shared(source: str) -> tuple[int, str]:
    time.sleep(0.002)
    with Path(source).open("rb") as f:
        return os.getpid(), str(pickle.load(f))


def _fail_on_13(n: int) -> int:
    if n == 13 + SERIAL_FIRST:
        raise ValueError("document 13 is broken")
    return n


def test_results_come_in_input_order_and_the_workers_do_the_work() -> None:
    items = list(range(SERIAL_FIRST + 300))
    results = list(ordered_map(_slow_square, items, 2, _init, ("ready",)))
    assert [r[0] for r in results] == [n * n for n in items]
    assert {r[2] for r in results} == {"ready"}  # every process was initialised
    assert {r[1] for r in results[:SERIAL_FIRST]} == {os.getpid()}  # the serial start
    pids = {r[1] for r in results[SERIAL_FIRST:]}
    assert os.getpid() not in pids and len(pids) == 2  # then two workers, the main process only orders


def test_one_pool_serves_several_stages_and_a_shared_setup_reaches_every_worker() -> None:
    with WorkerPool(2, _init, ("stage 1",)) as pool:
        first = list(pool.map(_slow_square, range(SERIAL_FIRST + 100)))
        source = pool.share("stage 3 setup")
        second = list(pool.map(_read_shared, [source] * 100))
    workers = {r[1] for r in first[SERIAL_FIRST:]}
    assert {pid for pid, _ in second} <= workers  # the same processes, not new ones
    assert {setup for _, setup in second} == {"stage 3 setup"}
    assert not Path(source).exists()  # the shared file goes with the pool


def test_one_job_works_in_this_process_only() -> None:
    results = list(ordered_map(_slow_square, range(40), 1, _init, ("one",)))
    assert {r[1] for r in results} == {os.getpid()}
    assert [r[0] for r in results] == [n * n for n in range(40)]


def test_a_run_smaller_than_the_serial_start_forks_nothing() -> None:
    results = list(ordered_map(_slow_square, range(SERIAL_FIRST), 4, _init, ("small",)))
    assert {r[1] for r in results} == {os.getpid()}


def test_an_error_wherever_it_happens_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="document 13 is broken"):
        list(ordered_map(_fail_on_13, range(SERIAL_FIRST + 200), 2, _init, ("x",)))
