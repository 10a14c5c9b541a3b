"""pandas (``pip install 'cleaner[pandas]'``): a text column cleaned into the record's columns.

    import pandas as pd
    from cleaner.integrations.pandas import clean_frame

    df = pd.read_json("scraped.jsonl", lines=True)
    clean = clean_frame(df)  # the record's columns, on df's index
    kept = clean[clean.reason.isna()]
    kept = df.drop(columns=kept.columns, errors="ignore").join(kept, how="inner")

The frame's rows are the documents: every column is read as a record's field (``url`` or
``source`` group a site's boilerplate, ``title`` is the headline), and duplicate documents and
site boilerplate are decided over the whole frame, as ``cleaner run`` decides them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cleaner.api import Cleaner
from cleaner.integrations.columns import RECORD_COLUMNS, record_columns


def clean_frame(
    df: pd.DataFrame, column: str = "text", cleaner: Cleaner | None = None, **options: Any
) -> pd.DataFrame:
    """The record's columns (:data:`~cleaner.integrations.columns.RECORD_COLUMNS`) of each row
    of ``df``, whose text is in ``column``, on ``df``'s index; a rejected row has its ``reason``.

    ``cleaner``: a configured :class:`cleaner.Cleaner`; otherwise ``options`` build one.

    >>> df = pd.DataFrame({"text": ["Advertisement\\nRain is due.", ""]}, index=["x", "y"])
    >>> out = clean_frame(df)
    >>> out.loc["x", "text"], out.loc["y", "reason"], bool(out.loc["x", ["reason"]].isna().all())
    ('Rain is due.', 'empty', True)
    """
    if cleaner is None:
        cleaner = Cleaner(**options)
    text_field = cleaner.read.text_field
    rows = []
    for row in df.to_dict("records"):
        if column != text_field:
            row[text_field] = row.pop(column, None)
        rows.append({str(k): v for k, v in row.items()})
    results = [record_columns(result) for result in cleaner.clean(rows)]
    return pd.DataFrame(results, index=df.index, columns=list(RECORD_COLUMNS))
