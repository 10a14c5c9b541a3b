"""cleaner as one step of a Spark job: a DataFrame of records in, clean records and rejects out.

    from cleaner.spark.api import clean_dataframe
    clean, rejects = clean_dataframe(spark.read.json("s3://bucket/scraped/"), languages=["en"])
    clean.write.json("s3://bucket/clean/")

Each row is read as :func:`cleaner.readers.record_to_document` reads a JSONL record, and goes
through the same stages as ``cleaner run`` (:mod:`cleaner.spark.core`). The result has the
record contract of docs/design.md as typed columns:

- ``id``, ``source``, ``title``, ``text`` (strings), ``captions`` (array<string>), ``lang``,
  ``lang_prob`` (double), ``byline`` and ``published`` (strings, null when the page had none),
  ``notes`` (array<string>, null when there are none);
- ``removed``: array<struct<pass, rule, text, replacement, to, dropped, line, at>>, not JSON
  strings, so that a job can query it (``explode(removed).rule``); ``replacement``, ``to`` and
  ``dropped`` are null where the local record leaves the key out, and Spark's JSON writer
  leaves null fields out too, so ``toJSON()`` gives the same entries;
- every other input column, passed through with its own type (the text column, and columns
  named like contract fields, are replaced as the local engine replaces them).

``toJSON()`` of a clean row parses to the local engine's record except for null-valued keys:
Spark's JSON writer omits null fields (``title`` when no headline was found), because a
DataFrame cannot tell a missing field from a null one. :func:`to_json_lines` keeps the
contract's nulls. An input column named ``notes`` is replaced by cleaner's notes.

The rejects have the columns of ``Reject.to_json``, with ``duplicate_of``, ``line``, ``url`` and
``text`` null where the local reject leaves them out (so their ``toJSON()`` is the local reject exactly).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.api import Cleaner
from cleaner.options import DedupOptions
from cleaner.records import CONTRACT_FIELDS, OPTIONAL_FIELDS
from cleaner.rules import RuleSet
from cleaner.spark import core, tasks
from cleaner.spark.engine import settings_for
from cleaner.stages import Item

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructField, StructType

# Fields of a record the reader looks at besides id, text and title: the outlet (``source``,
# ``url``, for the boilerplate groups) and an earlier cleaner run's ``captions`` and ``removed``.
_READ_ALSO = ("source", "url", "captions", "removed")


def clean_dataframe(
    df: DataFrame,
    *,
    rules: Iterable[Path | str] | RuleSet = (),
    languages: Iterable[str] = (),
    text_field: str = "text",
    id_field: str = "id",
    title_field: str = "title",
    dedup: bool = True,
    duplicate_threshold: float = DedupOptions.duplicate_threshold,
    boilerplate_min_docs: int = DedupOptions.boilerplate_min_docs,
    boilerplate_threshold: float = DedupOptions.boilerplate_threshold,
    boilerplate_min_share: float = DedupOptions.boilerplate_min_share,
    order_column: str | None = None,
    source_name: str = "-",
    cleaner: Cleaner | None = None,
) -> tuple[DataFrame, DataFrame]:
    """Clean the records of ``df``: (clean records, rejects), as ``cleaner run`` would.

    ``cleaner``: a configured :class:`cleaner.Cleaner` (the Python API's), used instead of the
    keyword arguments from ``rules`` to ``boilerplate_min_share``, which build one otherwise.

    Input order decides which of two duplicates is kept and which repeated id is renamed: the
    order of ``order_column`` (give one with unique values), else the DataFrame's own partition
    and row order, which is file and line order for ``spark.read.json``/``text``. A row without a
    usable id gets ``<source_name>:<row number>``, as a JSONL line gets ``<file>:<line>``.

    Stages 1 and 2 run during the call; the returned DataFrames are backed by the persisted
    stage-3 rows (``unpersist`` them through ``clean.rdd`` lineage or ``spark.catalog.clearCache()``).
    """
    from pyspark import StorageLevel

    spark = df.sparkSession
    if cleaner is None:
        cleaner = Cleaner(
            rules if isinstance(rules, RuleSet) else [Path(p) for p in rules],
            languages=list(languages),
            dedup=dedup,
            duplicate_threshold=duplicate_threshold,
            boilerplate_min_docs=boilerplate_min_docs,
            boilerplate_min_share=boilerplate_min_share,
            boilerplate_threshold=boilerplate_threshold,
            text_field=text_field,
            id_field=id_field,
            title_field=title_field,
        )
    settings = settings_for(cleaner)
    read = cleaner.read
    text_field, id_field, title_field = read.text_field, read.id_field, read.title_field
    columns = df.columns
    read_fields = _unique([c for c in (id_field, text_field, title_field, *_READ_ALSO) if c in columns])
    passthrough = [
        f
        for f in df.schema.fields
        if f.name != text_field and f.name not in (*CONTRACT_FIELDS, *OPTIONAL_FIELDS)
    ]
    passthrough_names = [f.name for f in passthrough]
    frame = df.orderBy(order_column) if order_column else df
    selected = frame.select(*[frame[c] for c in _unique(read_fields + passthrough_names)])

    def to_item(pair: tuple[Any, int]) -> tuple[int, Item, tuple[Any, ...]]:
        row, index = pair
        record = {c: _plain(row[c]) for c in read_fields}
        item = tasks.record_to_item(record, source_name, index + 1, read)
        return index, item, tuple(row[c] for c in passthrough_names)

    items = selected.rdd.zipWithIndex().map(to_item)
    sc = spark.sparkContext
    settings_bc = sc.broadcast(settings)
    s1 = core.stage_one(spark, items, settings_bc)
    try:
        decided = core.decide(spark, s1, settings)
        rows = core.finish(spark, s1, decided, settings_bc, tasks.api_rows).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        rows.count()
    finally:
        s1.unpersist()
    clean = spark.createDataFrame(
        rows.filter(lambda r: r[1]).map(lambda r: r[2]), record_schema(passthrough), verifySchema=False
    )
    rejects = spark.createDataFrame(
        rows.filter(lambda r: not r[1]).map(lambda r: r[2]), reject_schema(), verifySchema=False
    )
    return clean, rejects


def record_schema(passthrough: Sequence[StructField] = ()) -> StructType:
    """The record contract as Spark types, then the passed-through input columns."""
    from pyspark.sql import types as st

    removed = st.StructType(
        [
            st.StructField("pass", st.StringType(), False),
            st.StructField("rule", st.StringType(), False),
            st.StructField("text", st.StringType(), False),
            st.StructField("replacement", st.StringType(), True),
            st.StructField("to", st.StringType(), True),
            st.StructField("dropped", st.BooleanType(), True),
            st.StructField("line", st.LongType(), False),
            st.StructField("at", st.LongType(), False),
        ]
    )
    return st.StructType(
        [
            st.StructField("id", st.StringType(), False),
            st.StructField("source", st.StringType(), False),
            st.StructField("title", st.StringType(), True),
            st.StructField("text", st.StringType(), False),
            st.StructField("captions", st.ArrayType(st.StringType(), False), False),
            st.StructField("lang", st.StringType(), True),
            st.StructField("lang_prob", st.DoubleType(), True),
            st.StructField("removed", st.ArrayType(removed, False), False),
            st.StructField("byline", st.StringType(), True),
            st.StructField("published", st.StringType(), True),
            st.StructField("notes", st.ArrayType(st.StringType(), False), True),
            *passthrough,
        ]
    )


def reject_schema() -> StructType:
    """The fields of :meth:`cleaner.records.Reject.to_json`."""
    from pyspark.sql import types as st

    return st.StructType(
        [
            st.StructField("id", st.StringType(), False),
            st.StructField("source", st.StringType(), False),
            st.StructField("reason", st.StringType(), False),
            st.StructField("detail", st.StringType(), False),
            st.StructField("duplicate_of", st.StringType(), True),
            st.StructField("line", st.LongType(), True),
            st.StructField("url", st.StringType(), True),
            st.StructField("text", st.StringType(), True),
        ]
    )


def to_json_lines(clean: DataFrame) -> DataFrame:
    """One ``value`` column: each clean row as the local engine writes a record.

    The contract fields first (a null ``title`` kept), ``notes`` when there are any, then the
    other columns in the DataFrame's order, through :func:`cleaner.records.dumps`; ``removed``
    entries without their null keys, as ``AppliedEdit.to_json`` writes them. The lines equal
    the local engine's byte for byte when the DataFrame's columns are in the input records' key
    order and no record lacked a column (a DataFrame holds a missing field as null).
    """
    from pyspark.sql import types as st

    from cleaner.records import dumps

    def line(row: Any) -> tuple[str]:
        record = _plain(row)
        record["removed"] = [{k: v for k, v in e.items() if v is not None} for e in record["removed"]]
        for optional in OPTIONAL_FIELDS:
            if record.get(optional) is None:
                record.pop(optional, None)
        return (dumps(record),)

    schema = st.StructType([st.StructField("value", st.StringType(), False)])
    return clean.sparkSession.createDataFrame(clean.rdd.map(line), schema)


def _plain(value: Any) -> Any:
    """A Spark value as JSON-like Python: Rows become dicts (field order kept), recursively."""
    from pyspark.sql import Row

    if isinstance(value, Row):
        return {k: _plain(v) for k, v in value.asDict(recursive=False).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
