"""The pandas helper, with the real package: a text column into the record's columns."""

from __future__ import annotations

from typing import Any

from adapters import require

require("pandas")

import pandas as pd  # noqa: E402
from test_api import corpus  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.integrations.columns import RECORD_COLUMNS, record_columns  # noqa: E402
from cleaner.integrations.pandas import clean_frame  # noqa: E402


def frame() -> pd.DataFrame:
    rows = [r for r in corpus() if isinstance(r.get("text"), str)]
    return pd.DataFrame(
        [{c: r.get(c) for c in ("id", "url", "text")} for r in rows],
        index=[f"row{n}" for n in range(len(rows))],
    )


def expected(df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = [{k: v for k, v in row.items() if v is not None} for row in df.to_dict("records")]
    return [record_columns(r) for r in Cleaner().clean(rows)]


def test_clean_frame_gives_the_records_columns_on_the_frames_index() -> None:
    df = frame()
    out = clean_frame(df)
    assert list(out.columns) == list(RECORD_COLUMNS)
    assert list(out.index) == list(df.index)
    want = expected(df)
    assert [t if isinstance(t, str) else None for t in out["text"]] == [w["text"] for w in want]
    assert list(out["reason"].dropna()) == ["near-duplicate", "empty"]
    assert out.loc["row0", "removed"] == want[0]["removed"]


def test_the_text_column_can_be_named_and_the_other_columns_are_read() -> None:
    df = frame().rename(columns={"text": "body"})
    out = clean_frame(df, column="body")
    assert out["text"].notna().sum() == len(df) - 2
    # url groups the outlets' pages: their footers are site boilerplate
    assert any(e["rule"] == "boilerplate.site" for e in out.loc["row0", "removed"])


def test_options_build_the_cleaner() -> None:
    out = clean_frame(frame(), dedup=False, languages="en")
    assert "near-duplicate" not in set(out["reason"].dropna())
    assert "language" in set(out["reason"].dropna())
