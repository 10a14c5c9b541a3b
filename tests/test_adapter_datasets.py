"""The Hugging Face datasets helpers, with the real package: Dataset.map on lazy rows, per
row and batched, and the whole-dataset recipe of the docs."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from adapters import require

require("datasets")

from datasets import Dataset  # noqa: E402
from test_api import corpus  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.integrations.columns import RECORD_COLUMNS, record_columns  # noqa: E402
from cleaner.integrations.datasets import clean_batch, clean_row  # noqa: E402


@pytest.fixture
def ds() -> Dataset:
    """An in-memory dataset (``map`` on it writes no cache files)."""
    rows = [r for r in corpus() if isinstance(r.get("text"), str)]
    columns = ("id", "url", "text", "title")
    return Dataset.from_list([{c: r.get(c) for c in columns} for r in rows])


def rows_of(ds: Dataset) -> list[dict[str, Any]]:
    return [dict(row) for row in ds]


def test_map_one_row_at_a_time_gives_the_records_columns_from_lazy_rows(ds: Dataset) -> None:
    kinds: list[str] = []

    def clean(row: Mapping[str, Any]) -> dict[str, Any]:
        kinds.append(type(row).__name__)
        return clean_row(row)

    out = ds.map(clean, load_from_cache_file=False)
    assert kinds[0] == "LazyRow"  # datasets hands over lazy rows, not dicts
    expected = [record_columns(r) for r in Cleaner(dedup=False).clean(rows_of(ds))]
    assert out["text"] == [e["text"] for e in expected]
    assert out["title"] == [e["title"] for e in expected]
    assert out["reason"] == [e["reason"] for e in expected]
    assert set(RECORD_COLUMNS) <= set(out.column_names) and "url" in out.column_names
    removed = out[0]["removed"]
    assert removed and set(removed[0]) == {"pass", "rule", "text", "replacement", "to", "line", "at"}


def test_map_batched_decides_duplicates_within_the_batch(ds: Dataset) -> None:
    out = ds.map(clean_batch, batched=True, batch_size=len(ds), load_from_cache_file=False)
    expected = [record_columns(r) for r in Cleaner().clean(rows_of(ds))]
    assert out["text"] == [e["text"] for e in expected]
    assert out["reason"].count("near-duplicate") == 1
    kept = out.filter(lambda row: row["reason"] is None)
    assert len(kept) == len(ds) - 2  # the syndicated copy and the empty record


def test_a_configured_cleaner_goes_in_with_partial(ds: Dataset) -> None:
    out = ds.map(functools.partial(clean_row, cleaner=Cleaner(languages="de")), load_from_cache_file=False)
    assert set(out["reason"]) == {"language", "empty", None}


def test_the_whole_dataset_recipe_is_cleaner_run(ds: Dataset, tmp_path: Path) -> None:
    def cleaned() -> Iterator[dict[str, Any]]:
        yield from map(record_columns, Cleaner().clean(ds))

    out = Dataset.from_generator(cleaned, cache_dir=str(tmp_path / "gen"))
    expected = [record_columns(r) for r in Cleaner().clean(rows_of(ds))]
    assert out["id"] == [e["id"] for e in expected]
    assert out["text"] == [e["text"] for e in expected]
