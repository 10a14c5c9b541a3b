"""The datatrove step: a real datatrove pipeline, dedup across the step's documents, stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters import require

require("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from test_api import corpus  # noqa: E402
from test_dedup import FOOTER  # noqa: E402

from cleaner import Cleaner, Record  # noqa: E402
from cleaner.integrations.datatrove import CleanerStep  # noqa: E402


def documents() -> list[Document]:
    """The API tests' corpus as datatrove documents (a document must have a text)."""
    return [
        Document(text=r["text"], id=r["id"], metadata={k: v for k, v in r.items() if k not in ("id", "text")})
        for r in corpus()
        if isinstance(r.get("text"), str)
    ]


def expected() -> list[Record]:
    rows: list[dict[str, Any]] = [{**d.metadata, "id": d.id, "text": d.text} for d in documents()]
    return [r for r in Cleaner().clean(rows, source="rank-0") if isinstance(r, Record)]


def test_the_step_keeps_what_cleaner_keeps_with_the_records_fields_in_metadata() -> None:
    step = CleanerStep()
    out = list(step.run(iter(documents())))
    records = expected()
    assert [(d.id, d.text) for d in out] == [(r.id, r.text) for r in records]
    for doc, record in zip(out, records, strict=True):
        assert doc.metadata["title"] == record.title
        assert doc.metadata["removed"] == [e.to_dict() for e in record.removed]
        assert "source" not in doc.metadata  # the input had none; the step's name is not one
    assert out[0].metadata["url"].startswith("https://www.brackwater.example/")
    assert out[0].metadata["section"] == "local"


def test_duplicates_and_boilerplate_are_decided_across_the_steps_documents() -> None:
    step = CleanerStep()
    out = list(step.run(iter(documents())))
    assert "eastmoor-syndicated" not in {d.id for d in out}
    assert not any(FOOTER[0] in d.text for d in out)
    stats = step.stats
    assert stats["dropped_near-duplicate"].total == 1
    assert stats["dropped_empty"].total == 1
    assert stats["removed_boilerplate.site"].total == 16 * len(FOOTER)
    assert stats["forwarded"].total == len(out)
    assert stats["chars_removed"].total > 0


def test_without_dedup_nothing_is_decided_across_documents() -> None:
    step = CleanerStep(dedup=False)
    out = list(step.run(iter(documents())))
    assert "eastmoor-syndicated" in {d.id for d in out}
    assert "removed_boilerplate.site" not in step.stats.stats


def test_the_step_runs_in_a_datatrove_executor_and_its_stats_are_saved(tmp_path: Path) -> None:
    executor = LocalPipelineExecutor(
        [documents(), CleanerStep(languages="en")], tasks=1, workers=1, logging_dir=str(tmp_path / "logs")
    )
    executor.run()
    saved = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in saved if "cleaner" in s["name"])
    assert step["stats"]["dropped_language"] == 1  # plain counts are saved as numbers
    assert step["stats"]["removed_boilerplate.site"] == 16 * len(FOOTER)
