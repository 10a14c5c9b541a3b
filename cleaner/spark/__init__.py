"""cleaner on Apache Spark: the local engine's stages as a PySpark job (``pip install 'cleaner[spark]'``).

- :func:`cleaner.spark.engine.run_spark`: ``cleaner run --engine spark``, files in, JSONL out;
- :func:`cleaner.spark.api.clean_dataframe`: a DataFrame of records in, clean records and
  rejects out, for an existing Spark job.

The per-document work is the local engine's own functions (:mod:`cleaner.spark.tasks`); only the
grouping between them is Spark's (:mod:`cleaner.spark.core`). pyspark is imported when a
function needs it, never at import time: the core install does not have it.
"""
