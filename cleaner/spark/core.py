"""The Spark stages between the per-document functions: the grouping and the decisions.

Shared by the CLI engine (:mod:`cleaner.spark.engine`) and the DataFrame API
(:mod:`cleaner.spark.api`). Each global step of :func:`cleaner.runner.run` becomes shuffles:

- stage 1 (:func:`stage_one`): ``mapPartitions`` of :func:`cleaner.stages.clean_one`; the rows
  keep the signatures in columns and the cleaned document as a pickled payload, persisted
  (memory, then disk) so stage 1 runs once;
- duplicate ids (:func:`renames`): ids grouped by family (:func:`.tasks.id_family`), the local
  engine's sequential renaming replayed per family;
- duplicate documents (:func:`duplicates`): identical signatures grouped, then the LSH bands
  datasketch's ``MinHashLSH`` would use grouped by key, candidate pairs verified with the
  signatures, connected components by min-label propagation (:func:`connected_components`);
  the earliest position of a component is kept, as :meth:`DocumentIndex.decide` keeps it;
- site boilerplate (:func:`site_boilerplate`): paragraph signatures of the kept documents
  grouped by source and run through :func:`cleaner.dedup.boilerplate.find_boilerplate` on the
  executors; only the small index comes back to the driver, to be broadcast;
- stage 3 (:func:`finish`): a join of the payloads with the (small) decisions, then
  ``mapPartitions`` of :func:`cleaner.stages.finish` (and :func:`cleaner.stages.render`).

pyspark is imported inside the functions: importing :mod:`cleaner` (and the doctest run over
the whole package) must work where pyspark is not installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.captions.templates import CaptionTemplates
from cleaner.dedup.boilerplate import BoilerplateIndex
from cleaner.spark import tasks
from cleaner.spark.tasks import Finishing, Settings

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType


SIG_BYTES = tasks.SIG_DTYPE.itemsize
# Up to this many decisions (renames and duplicates, ~50 bytes each) are broadcast to stage 3, so
# the cleaned documents are not shuffled to meet them; more, and Spark joins them by shuffling.
BROADCAST_DECISIONS = 2_000_000


def stage_one_schema() -> StructType:
    from pyspark.sql import types as st

    return st.StructType(
        [
            st.StructField("position", st.LongType(), False),
            st.StructField("id", st.StringType(), False),
            st.StructField("family", st.StringType(), False),
            st.StructField("cleaned", st.BooleanType(), False),
            st.StructField("group", st.StringType(), True),
            st.StructField("doc_sig", st.BinaryType(), True),
            st.StructField("paragraph_sigs", st.BinaryType(), True),
            st.StructField("paragraphs", st.IntegerType(), False),
            st.StructField("caption_shapes", st.StringType(), True),
            st.StructField("payload", st.BinaryType(), False),
        ]
    )


def stage_one(spark: SparkSession, items: RDD[Any], settings: Broadcast[Settings]) -> DataFrame:
    """Stage 1 over (position, item, extra) triples; the result is persisted (memory, then disk)."""
    from pyspark import StorageLevel

    def run(part: Iterable[tuple[int, Any, Any]]) -> Iterator[tuple[Any, ...]]:
        return tasks.stage_one(part, settings.value)

    rows = items.mapPartitions(run)
    frame = spark.createDataFrame(rows, stage_one_schema(), verifySchema=False)
    return frame.persist(StorageLevel.MEMORY_AND_DISK)


def renames(spark: SparkSession, s1: DataFrame) -> DataFrame:
    """(position, new_id, original_id) for every document whose id an earlier one already used."""
    from pyspark.sql import functions as sf
    from pyspark.sql import types as st

    families = (
        s1.groupBy("family")
        .agg(sf.count(sf.lit(1)).alias("n"), sf.collect_list(sf.struct("position", "id")).alias("members"))
        .where(sf.col("n") > 1)
    )

    def rename(row: Any) -> Iterator[tuple[int, str, str]]:
        return tasks.rename_family((m.position, m.id) for m in row.members)

    schema = st.StructType(
        [
            st.StructField("position", st.LongType(), False),
            st.StructField("new_id", st.StringType(), False),
            st.StructField("original_id", st.StringType(), False),
        ]
    )
    return spark.createDataFrame(families.rdd.flatMap(rename), schema, verifySchema=False)


def duplicates(spark: SparkSession, s1: DataFrame, names: DataFrame, settings: Settings) -> DataFrame:
    """(position, duplicate_of, similarity) for every duplicate document, as ``decide()`` finds them.

    Documents with byte-identical signatures are joined first (an exact pair always verifies),
    so a page scraped ten thousand times costs ten thousand rows, not fifty million pairs; the
    bands are then built for one representative per signature. ``names`` is :func:`renames`.
    """
    from pyspark.sql import functions as sf
    from pyspark.sql import types as st

    sigs = s1.where("cleaned").select("position", "doc_sig")
    classes = (
        sigs.groupBy("doc_sig").agg(sf.min("position").alias("rep"), sf.count(sf.lit(1)).alias("n")).persist()
    )
    exact = (
        sigs.join(classes.where("n > 1"), "doc_sig")
        .where(sf.col("position") != sf.col("rep"))
        .select(sf.col("rep").alias("a"), sf.col("position").alias("b"))
    )
    reps = classes.select(sf.col("rep").alias("position"), "doc_sig")
    band_rows = lsh_bands(reps, settings.bands)
    buckets = (
        band_rows.groupBy("band", "key")
        .agg(sf.collect_list("position").alias("members"))
        .where(sf.size("members") > 1)
    )
    pair_schema = st.StructType(
        [st.StructField("a", st.LongType(), False), st.StructField("b", st.LongType(), False)]
    )
    candidates = spark.createDataFrame(
        buckets.rdd.flatMap(lambda r: tasks.bucket_pairs(r.members)), pair_schema, verifySchema=False
    ).distinct()
    threshold = settings.dedup.duplicate_threshold
    with_sigs = candidates.join(
        reps.select(sf.col("position").alias("a"), sf.col("doc_sig").alias("sig_a")), "a"
    ).join(reps.select(sf.col("position").alias("b"), sf.col("doc_sig").alias("sig_b")), "b")
    verified = spark.createDataFrame(
        with_sigs.rdd.filter(lambda r: tasks.verified(r.sig_a, r.sig_b, threshold)).map(lambda r: (r.a, r.b)),
        pair_schema,
        verifySchema=False,
    )
    edges = exact.unionByName(verified).persist()
    labels = connected_components(edges)
    members = labels.where(sf.col("v") != sf.col("root"))
    ids = s1.select("position", "id").join(names.select("position", "new_id"), "position", "left")
    decided = (
        members.join(sigs.select(sf.col("position").alias("v"), sf.col("doc_sig").alias("sig_v")), "v")
        .join(sigs.select(sf.col("position").alias("root"), sf.col("doc_sig").alias("sig_root")), "root")
        .join(
            ids.select(sf.col("position").alias("root"), sf.coalesce("new_id", "id").alias("duplicate_of")),
            "root",
        )
    )
    schema = st.StructType(
        [
            st.StructField("position", st.LongType(), False),
            st.StructField("duplicate_of", st.StringType(), False),
            st.StructField("similarity", st.DoubleType(), False),
        ]
    )
    result = spark.createDataFrame(
        decided.rdd.map(lambda r: (r.v, r.duplicate_of, tasks.similarity(r.sig_v, r.sig_root))),
        schema,
        verifySchema=False,
    ).localCheckpoint()
    edges.unpersist()
    classes.unpersist()
    return result


def lsh_bands(reps: DataFrame, bands: Iterable[tuple[int, int]]) -> DataFrame:
    """(band, key, position) rows of :func:`.tasks.band_rows`, cut in the JVM from ``doc_sig``.

    The key is the bytes of the signature's values in one of datasketch's ``hashranges``, so two
    documents share a key exactly when ``MinHashLSH`` puts them in one bucket (the tests check
    both against ``MinHashLSH.query``).
    """
    from pyspark.sql import functions as sf

    keys = [
        sf.struct(
            sf.lit(band).alias("band"),
            sf.substring("doc_sig", start * SIG_BYTES + 1, (end - start) * SIG_BYTES).alias("key"),
        )
        for band, (start, end) in enumerate(bands)
    ]
    return reps.select("position", sf.explode(sf.array(*keys)).alias("b")).select(
        "b.band", "b.key", "position"
    )


def connected_components(edges: DataFrame, max_rounds: int = 1000) -> DataFrame:
    """(v, root) for every vertex of ``edges`` (columns a, b): root is its component's smallest v.

    Min-label propagation with pointer jumping: each round every vertex takes the smallest label
    among itself and its neighbours, then the label of its label. Labels only fall and stay
    inside the component; when a round changes nothing, every edge joins equal labels, so each
    component carries one label, and that is its minimum (the minimum's label cannot fall). The
    pointer jump makes a chain of n syndicated copies settle in about log2(n) rounds. Each
    round is checkpointed locally so the plan does not grow with the rounds.
    """
    from pyspark.sql import functions as sf

    spark = edges.sparkSession
    with small_shuffles(spark, edges.count()):
        both = (
            edges.select(sf.col("a").alias("v"), sf.col("b").alias("n"))
            .unionByName(edges.select(sf.col("b").alias("v"), sf.col("a").alias("n")))
            .distinct()
            .persist()
        )
        labels = both.groupBy("v").agg(sf.least(sf.col("v"), sf.min("n")).alias("label")).localCheckpoint()
        labels = _propagate(both, labels, max_rounds)
        both.unpersist()
    return labels.select("v", sf.col("label").alias("root"))


@contextlib.contextmanager
def small_shuffles(spark: SparkSession, rows: int, rows_per_partition: int = 1_000_000) -> Iterator[None]:
    """Fewer shuffle partitions while the (small) duplicate graph is worked on.

    Each round of :func:`connected_components` is a few joins over the graph, which is tiny next
    to the corpus; with the session's shuffle partitions (200 by default) every round would run
    hundreds of near-empty tasks. Only ever lowers the setting, and restores it afterwards
    (the setting is the session's: another job in the same session sees it meanwhile).
    """
    key = "spark.sql.shuffle.partitions"
    before = spark.conf.get(key) or "200"
    wanted = max(1, rows // rows_per_partition + 1)
    if wanted >= int(before):
        yield
        return
    spark.conf.set(key, str(wanted))
    try:
        yield
    finally:
        spark.conf.set(key, before)


def _propagate(both: DataFrame, labels: DataFrame, max_rounds: int) -> DataFrame:
    from pyspark.sql import functions as sf

    for _ in range(max_rounds):
        neighbours = (
            both.join(labels.select(sf.col("v").alias("n"), sf.col("label").alias("nl")), "n")
            .groupBy("v")
            .agg(sf.min("nl").alias("m"))
        )
        step = labels.join(neighbours, "v").select("v", sf.least("label", "m").alias("label"))
        jumped = (
            step.alias("s")
            .join(step.alias("t"), sf.col("s.label") == sf.col("t.v"))
            .select(sf.col("s.v").alias("v"), sf.col("t.label").alias("label"))
            .localCheckpoint()
        )
        changed = (
            jumped.join(labels.select("v", sf.col("label").alias("old")), "v")
            .where(sf.col("label") != sf.col("old"))
            .count()
        )
        labels = jumped
        if not changed:
            return labels
    raise RuntimeError("connected components did not settle")  # pragma: no cover - log2(chain) rounds


def site_boilerplate(s1: DataFrame, dups: DataFrame | None, settings: Settings) -> BoilerplateIndex:
    """The run's :class:`BoilerplateIndex`, found per source on the executors.

    Only sources with at least ``boilerplate_min_docs`` kept documents can have boilerplate (a
    component counts distinct documents), so the others' paragraphs are not shuffled at all.
    One source's paragraph signatures must fit in one Python worker (see docs/spark.md).
    """
    from pyspark.sql import functions as sf

    kept = s1.where("cleaned")
    if dups is not None:
        kept = kept.join(dups.select("position"), "position", "left_anti")
    large = (
        kept.groupBy("group")
        .count()
        .where(sf.col("count") >= settings.dedup.boilerplate_min_docs)
        .select("group")
    )
    paragraphs = kept.join(large, "group").select("group", "position", "paragraph_sigs")
    found = (
        paragraphs.rdd.map(lambda r: (r.group, (r.position, r.paragraph_sigs)))
        .groupByKey()
        .flatMap(lambda kv: tasks.group_boilerplate(kv[0], kv[1], settings))
        .collect()
    )
    return tasks.boilerplate_index(
        sorted(found, key=lambda row: row[0]), settings.dedup.boilerplate_threshold
    )


def site_templates(s1: DataFrame, dups: DataFrame | None, settings: Settings) -> CaptionTemplates:
    """The run's :class:`CaptionTemplates`: the kept documents' caption shapes grouped by source
    and shape, each group decided by :func:`cleaner.captions.templates.learn_templates`."""
    kept = s1.where("cleaned AND caption_shapes IS NOT NULL")
    if dups is not None:
        kept = kept.join(dups.select("position"), "position", "left_anti")
    found = (
        kept.select("group", "position", "caption_shapes")
        .rdd.flatMap(lambda r: tasks.shape_rows(r.group, r.position, r.caption_shapes))
        .groupByKey()
        .flatMap(lambda kv: tasks.group_templates(kv[0], kv[1], settings))
        .collect()
    )
    templates = CaptionTemplates()
    for group, shape, docs in sorted(found):
        templates.add(group, shape, docs)
    return templates


@dataclass
class Decided:
    """Stage 2's answer: renames and duplicates (small DataFrames), the boilerplate index and
    the caption templates."""

    renames: DataFrame
    duplicates: DataFrame | None
    index: BoilerplateIndex
    templates: CaptionTemplates


def decide(spark: SparkSession, s1: DataFrame, settings: Settings) -> Decided:
    """Stage 2: ids made unique, duplicate documents, then the boilerplate of the kept ones."""
    names = renames(spark, s1).localCheckpoint()
    if not settings.dedup.enabled:
        empty = BoilerplateIndex(threshold=settings.dedup.boilerplate_threshold)
        return Decided(names, None, empty, CaptionTemplates())
    dups = duplicates(spark, s1, names, settings)
    return Decided(names, dups, site_boilerplate(s1, dups, settings), site_templates(s1, dups, settings))


def finish(
    spark: SparkSession,
    s1: DataFrame,
    decided: Decided,
    settings: Broadcast[Settings],
    emit: Callable[[Iterable[Any], Settings, Finishing], Iterator[Any]],
) -> RDD[Any]:
    """Stage 3: each payload with its decisions (a left join), then ``emit`` per partition."""
    from pyspark.sql import functions as sf

    decisions = decided.renames
    if decided.duplicates is not None:
        decisions = decisions.join(decided.duplicates, "position", "full_outer")
    else:
        decisions = decisions.withColumn("duplicate_of", sf.lit(None).cast("string")).withColumn(
            "similarity", sf.lit(None).cast("double")
        )
    decisions = decisions.localCheckpoint()
    if decisions.count() <= BROADCAST_DECISIONS:
        decisions = sf.broadcast(decisions)  # the payloads stay where stage 1 left them
    joined = s1.select("position", "payload", "paragraph_sigs").join(decisions, "position", "left")
    finishing = spark.sparkContext.broadcast(Finishing(decided.index, decided.templates))

    def run(part: Iterable[Any]) -> Iterator[Any]:
        return emit(part, settings.value, finishing.value)

    return joined.rdd.mapPartitions(run)
