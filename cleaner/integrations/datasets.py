"""Hugging Face ``datasets`` (``pip install 'cleaner[datasets]'``): the record's columns for
``Dataset.map``.

Per document (no corpus stages), any row ``map`` hands over (lazy rows included)::

    from datasets import load_dataset
    from cleaner.integrations.datasets import clean_row

    ds = load_dataset("json", data_files="scraped.jsonl", split="train")
    clean = ds.map(clean_row).filter(lambda row: row["reason"] is None)

Per batch, with duplicates and site boilerplate decided within each batch::

    clean = ds.map(clean_batch, batched=True, batch_size=10_000)

Over the whole dataset, exactly as ``cleaner run`` (two passes, see :meth:`cleaner.Cleaner.clean`)::

    from datasets import Dataset
    from cleaner import Cleaner
    from cleaner.integrations.columns import record_columns

    def cleaned():
        yield from map(record_columns, Cleaner().clean(ds))

    clean = Dataset.from_generator(cleaned)

The columns are :data:`cleaner.integrations.columns.RECORD_COLUMNS`: the record contract's,
then ``reason``, ``detail`` and ``duplicate_of`` (None for a kept document). ``map`` keeps the
other input columns; the helpers replace ``text`` (and ``title``, ``id``, ``source``). Give
``functools.partial(clean_row, cleaner=Cleaner(...))`` to use your rules or languages.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from cleaner.api import Cleaner
from cleaner.integrations.columns import RECORD_COLUMNS, record_columns


@functools.lru_cache(maxsize=1)
def _default_cleaner() -> Cleaner:
    return Cleaner()


def clean_row(row: Mapping[str, Any], cleaner: Cleaner | None = None) -> dict[str, Any]:
    """One row's record columns (the per-document stages only): for ``Dataset.map(clean_row)``.

    >>> clean_row({"id": "a", "text": "Advertisement\\nRain is due on Tuesday."})["text"]
    'Rain is due on Tuesday.'
    """
    return record_columns((cleaner or _default_cleaner()).clean_document(row))


def clean_batch(batch: Mapping[str, Sequence[Any]], cleaner: Cleaner | None = None) -> dict[str, list[Any]]:
    """A batch's record columns, one row per input row, duplicates and site boilerplate decided
    within the batch: for ``Dataset.map(clean_batch, batched=True)``.

    >>> batch = {"id": ["a", "b"], "text": ["Rain is due on Tuesday in the north of the county."] * 2}
    >>> clean_batch(batch)["reason"]
    [None, 'near-duplicate']
    """
    names = list(batch)
    size = len(batch[names[0]]) if names else 0
    rows = ({name: batch[name][i] for name in names} for i in range(size))
    columns: dict[str, list[Any]] = {name: [] for name in RECORD_COLUMNS}
    for result in (cleaner or _default_cleaner()).clean(rows):
        for name, value in record_columns(result).items():
            columns[name].append(value)
    return columns
