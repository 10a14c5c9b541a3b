"""Stage 3 at ``--jobs N`` finishes each document in the worker process that cleaned it in
stage 1, with that process's own rules, passes and credit grammar: what those remembered of
the document's lines in stage 1 is found again, as one process finds it at ``--jobs 1``. Which
process does a document never changes its result (tests/test_workers.py, the pool itself)."""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest
from builders import default_cleaner
from test_dedup import FOOTER, article

from cleaner import Cleaner, workers
from cleaner.api import Stages
from cleaner.captions.templates import CaptionTemplates, default_grammar
from cleaner.document import Document
from cleaner.passes import Pass
from cleaner.passes.captions import MoveCaptions
from cleaner.records import Record, Reject
from cleaner.spill import Spill
from cleaner.stages import Cleaned, Item
from cleaner.workers import SERIAL_FIRST, SMALL_RUN, _StagePasses


def _pid(n: int) -> int:
    return os.getpid()


# Stage 1 and stage 3 in the worker processes, logged: which process did which document.
_LOG: Path | None = None
_CLEAN = workers._clean
_FINISH = workers._finish


def _log(stage: int, doc_id: str) -> None:
    assert _LOG is not None
    with _LOG.open("a", encoding="utf-8") as log:
        log.write(f"{stage} {doc_id} {os.getpid()}\n")


def _logged_clean(item: Item) -> tuple[workers.Accounted, bytes]:
    _log(1, item.id)
    return _CLEAN(item)


def _logged_finish(task: tuple[bytes, object]) -> object:
    result = pickle.loads(task[0])
    _log(3, result.doc.id if isinstance(result, Cleaned) else result.reject.id)
    return _FINISH(task)  # type: ignore[arg-type]


def _id_of(outcome: Record | Reject | None) -> str:
    assert outcome is not None
    return outcome.id


def _text_of(outcome: Record | Reject | None) -> str | None:
    return outcome.text if isinstance(outcome, Record) else None


def _processes(log: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Each document's stage-1 process and stage-3 process."""
    stages: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for line in log.read_text(encoding="utf-8").splitlines():
        stage, doc_id, pid = line.split()
        stages[stage == "3"][doc_id] = int(pid)
    return stages


def _site_documents(count: int, start: int = 0) -> list[Document]:
    """Articles of one outlet with its footer: stage 2 finds the footer, stage 3 removes it."""
    return [Document(f"d{n}", "sentinel.jsonl", [*article(n), *FOOTER]) for n in range(start, start + count)]


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(workers, "STEAL_BELOW", 0)  # the rule alone, whatever the timing
    monkeypatch.setattr(sys.modules[__name__], "_LOG", tmp_path / "log")  # (the workers fork after)
    monkeypatch.setattr(workers, "_clean", _logged_clean)
    monkeypatch.setattr(workers, "_finish", _logged_finish)
    return tmp_path / "log"


def test_stage_three_finishes_each_document_in_the_worker_that_cleaned_it(logged: Path) -> None:
    cleaner = Cleaner()
    stages = Stages(cleaner)
    try:
        stages.clean(_site_documents(120), jobs=2)
        texts = [_text_of(r.outcome) for r in stages.finish(stages.decide(), jobs=2, outcome=True)]
    finally:
        stages.close()
    assert len(texts) == 120 and not any(FOOTER[0] in (text or "") for text in texts)  # stage 3 worked
    cleaned, finished = _processes(logged)
    assert cleaned["d0"] == os.getpid() != finished["d0"]  # the serial start: any worker
    workers_used = set(finished.values())
    assert len(workers_used) == 2 and os.getpid() not in workers_used
    assert all(finished[d] == cleaned[d] for d in cleaned if d != "d0")


def test_a_resumed_run_finishes_its_recovered_documents_anywhere(tmp_path: Path, logged: Path) -> None:
    cleaner = Cleaner()
    first = Stages(cleaner, Spill(tmp_path / "spill.bin"), keep_doc_sig=True)
    try:
        first.clean(_site_documents(60), jobs=2)  # then the run stops
    finally:
        first.close()
    stages = Stages(cleaner, Spill(tmp_path / "spill.bin"), keep_doc_sig=True)
    try:
        assert stages.recover() == 60
        stages.clean(_site_documents(60, start=60), jobs=2)
        ids = [_id_of(r.outcome) for r in stages.finish(stages.decide(), jobs=2, outcome=True)]
    finally:
        stages.close()
    assert ids == [f"d{n}" for n in range(120)]
    cleaned, finished = _processes(logged)
    assert set(finished) == set(cleaned)  # stage 3 did every one, the recovered ones too
    assert all(finished[f"d{n}"] == cleaned[f"d{n}"] for n in range(61, 120))  # d60: the serial start


def test_stage_three_on_a_pool_of_another_size_finishes_every_document() -> None:
    cleaner = Cleaner()
    expected = [
        r.text for r in cleaner.clean([{"id": d.id, "text": "\n".join(d.lines)} for d in _site_documents(80)])
    ]
    stages = Stages(cleaner)
    try:
        stages.clean(_site_documents(80), jobs=2)
        texts = [_text_of(r.outcome) for r in stages.finish(stages.decide(), jobs=3, outcome=True)]
    finally:
        stages.close()
    assert texts == expected


def _shares_the_setup(n: int) -> tuple[bool, bool, bool]:
    """In a worker: do stage 3's passes hold this process's own stage-1 objects?"""
    setup, passes = workers._worker_setup, workers._worker_passes
    assert setup is not None and isinstance(passes[0], MoveCaptions)
    own = len(passes) == 1 + len(setup.passes) and all(
        p is q for p, q in zip(passes[1:], setup.passes, strict=False)
    )
    return own, passes[0].rules is setup.rules, passes[0].grammar is default_grammar()


def test_stage_three_passes_reach_each_worker_as_its_own_stage_one_objects() -> None:
    setup = default_cleaner()
    passes: list[Pass] = [MoveCaptions(setup.rules, CaptionTemplates()), *setup.passes]
    with workers.stage_pool(setup, 2) as pool:
        list(pool.map(_pid, range(SERIAL_FIRST + SMALL_RUN)))  # the workers started
        pool.call(workers._init_finish, _StagePasses(passes), 10, False)
        answers = list(pool.map(_shares_the_setup, range(SERIAL_FIRST + 40)))
    assert set(answers) == {(True, True, True)}
    copied = pickle.loads(pickle.dumps(passes))  # what plain pickling would have sent: copies
    assert copied[1] is not setup.passes[0] and copied[0].rules is not setup.rules
    sent = pickle.loads(pickle.dumps(_StagePasses(passes))).passes  # here: this process's own
    assert all(p is q for p, q in zip(sent[1:], setup.passes, strict=True))
    assert sent[0].rules is setup.rules and sent[0].grammar is default_grammar()
    assert sent[0] is not passes[0]  # what is not the setup's travels as ever
