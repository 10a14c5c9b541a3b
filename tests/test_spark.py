"""The Spark engine gives the local engine's answer, record for record (docs/spark.md).

One ``local[2]`` session is shared by every test here. The module is skipped when pyspark or
Java is missing, unless ``CLEANER_REQUIRE_SPARK=1`` (CI), which makes that a failure instead.
The articles below are invented for these tests.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pytest

from cleaner.api import Cleaner
from cleaner.options import DedupOptions, RunOptions
from cleaner.readers import ReadOptions
from cleaner.runner import run
from cleaner.spark import tasks
from cleaner.stats import RunStats

REQUIRED = os.environ.get("CLEANER_REQUIRE_SPARK") == "1"


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and Path(home, "bin", "java").exists())


if REQUIRED:
    import pyspark  # noqa: F401 - fails the run loudly when CI lacks it

    assert _java(), "CLEANER_REQUIRE_SPARK=1 but java is not on PATH (nor in JAVA_HOME)"
else:
    pytest.importorskip("pyspark")
    if not _java():
        pytest.skip("java is not installed", allow_module_level=True)

from cleaner.spark.api import clean_dataframe, to_json_lines  # noqa: E402
from cleaner.spark.engine import run_spark, settings_for  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

from test_spark_free import lsh_corpus  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cleaner-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# ---------------------------------------------------------------------------------------------
# An invented corpus: outlets with footers, syndicated copies, a shared quote, bad lines.

SUBJECTS = (
    "council", "ferry operator", "hospital board", "school district", "water utility", "rail union",
    "port authority", "museum trust", "fire service", "housing agency", "transit board", "farm cooperative",
    "library service", "tourism office", "police commissioner", "harbour master", "bridge engineers",
    "county planners", "energy regulator", "university senate",
)  # fmt: skip
VERBS = (
    "approved", "delayed", "rejected", "published", "questioned", "expanded", "cut", "reviewed",
    "defended", "announced", "postponed", "funded", "challenged", "doubled", "scrapped", "renewed",
)  # fmt: skip
OBJECTS = (
    "a plan for new cycle lanes", "the winter timetable", "its annual budget", "a report on flooding",
    "the contract for bus shelters", "a survey of tenants", "repairs to the sea wall",
    "a ban on night flights",
    "the hiring of forty nurses", "a pilot for free school meals", "a levy on holiday homes",
    "a study of river pollution", "the sale of the old depot", "plans for a solar farm",
    "new rules for street traders", "a review of ambulance times", "the closure of two branches",
    "a grant for the concert hall", "the price of parking permits", "an inquiry into the fire",
)  # fmt: skip
PLACES = (
    "Eastmoor", "Dunmore", "Kelby", "Ashford Vale", "Port Linnet", "Greywater", "Saltcombe", "Brackley",
    "Northfold", "Wexham", "Larchfield", "Otterby", "Millbridge", "Cranwick", "Halden",
)  # fmt: skip
WHEN = ("on Monday", "on Tuesday", "late on Wednesday", "on Thursday", "after a long debate", "this week")
TAILS = (
    "officials said", "according to minutes of the meeting", "a spokesperson confirmed",
    "residents were told", "in a statement", "after months of pressure from campaigners",
)  # fmt: skip

OUTLETS = {
    "harbourgazette.example": "The Harbour Gazette is an independent newsroom. Tips to the desk.",
    "valleyherald.example": "Valley Herald journalism is funded by readers like you. Support us.",
    "northfoldpost.example": "Copyright Northfold Post Media Group. All rights reserved. No reuse.",
}
QUOTE = "\u201cWe will not let the town down, whatever the cost,\u201d the mayor told a packed hall."


def sentence(rng: random.Random, n: int) -> str:
    return (
        f"The {rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(WHEN)}, {rng.choice(TAILS)} (item {n})."
    )


def story(rng: random.Random, paragraphs: int = 5) -> tuple[str, list[str]]:
    title = f"{rng.choice(PLACES)} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    body = [" ".join(sentence(rng, rng.randrange(10**6)) for _ in range(3)) for _ in range(paragraphs)]
    return title, body


def generated_corpus(root: Path, seed: int = 7) -> None:
    """Three outlets as JSONL (one gzipped), one as a folder of .txt files, and some bad input."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    wire_title, wire_body = story(rng, 6)
    records: dict[str, list[dict[str, Any]]] = {host: [] for host in OUTLETS}
    for o, (host, footer) in enumerate(OUTLETS.items()):
        for n in range(10):
            title, body = story(rng)
            if host == "harbourgazette.example" and n in (2, 5):
                body.insert(2, QUOTE)  # two articles share a quote: not boilerplate
            if n < 8:
                body.append(footer)
            if n == 4:  # the syndicated wire story, lightly edited by each outlet
                title, body = wire_title, [*wire_body, footer]
                body[0] = body[0].replace("(item", f"(desk {o}, item")
            record = {
                "id": f"{host.split('.')[0]}-{n}",
                "url": f"https://www.{host}/news/{n}",
                "title": title,
            }
            record["text"] = "\n\n".join([title, *body, "Advertisement", "Share this article"])
            records[host].append(record)
    records["harbourgazette.example"][6]["id"] = "harbourgazette-1"  # an id used twice
    records["valleyherald.example"][1]["id"] = "x"
    records["valleyherald.example"][2]["id"] = "x#2"
    records["valleyherald.example"][3]["id"] = "x"  # becomes x#3, not x#2
    lines = [json.dumps(r, ensure_ascii=False) for r in records["harbourgazette.example"]]
    lines.insert(3, '{"id": "broken", "text": "no closing brace"')
    lines.insert(5, json.dumps({"id": "no-text", "title": "Missing body"}))
    lines.insert(7, "")
    (root / "01_harbour.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    valley = "\r\n".join(json.dumps(r) for r in records["valleyherald.example"]) + "\r\n"
    (root / "02_valley.jsonl").write_bytes(
        b"\xef\xbb\xbf" + valley.encode("utf-8") + b'{"id": "latin", "text": "caf\xe9"}\n'
    )
    with gzip.open(root / "03_northfold.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records["northfoldpost.example"])
    courier = root / "courier"
    courier.mkdir()
    for n in range(7):
        title, body = story(rng)
        if n == 3:
            title, body = wire_title, list(wire_body)
        courier_footer = "The Dunmore Courier \u2013 news for the valley since 1921. Subscribe at the desk."
        text = "\n\n".join([title, title, *body, *([courier_footer] if n != 5 else [])])
        (courier / f"{n:02d}_story.txt").write_text(text, encoding="utf-8")
    (courier / "07_empty.txt").write_bytes(b"")
    (courier / "08_latin1.txt").write_bytes(
        "\n\n".join(story(rng)[1]).replace("the", "th\u00e9").encode("cp1252")
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def same_but_engine(stats: RunStats) -> dict[str, Any]:
    """A run's stats as JSON, but for the settings' ``engine`` (which says which engine ran)."""
    data = stats.to_json()
    data["settings"] = {k: v for k, v in data.get("settings", {}).items() if k != "engine"}
    return data


def run_both(
    sources: list[Path], tmp: Path, spark: SparkSession, **kwargs: Any
) -> tuple[RunStats, RunStats, dict[str, bytes]]:
    """The local engine (one process) and the Spark engine on the same input and options."""
    single = kwargs.pop("single_file", True)
    split = kwargs.pop("split_bytes", None)
    local = RunOptions(
        [str(s) for s in sources],
        str(tmp / "local.jsonl"),
        rejects=str(tmp / "local-rejects.jsonl"),
        jobs=1,
        **kwargs,
    )
    local_stats = run(local)
    dest = tmp / ("spark.jsonl" if single else "spark-parts")
    options = RunOptions(
        [str(s) for s in sources], str(dest), rejects=str(tmp / "spark-rejects.jsonl"), **kwargs
    )
    messages: list[str] = []
    spark_stats = run_spark(options, spark=spark, single_file=single, split_bytes=split, warn=messages.append)
    out = {
        "local": (tmp / "local.jsonl").read_bytes(),
        "local_rejects": (tmp / "local-rejects.jsonl").read_bytes(),
        "spark": dest.read_bytes()
        if single
        else b"".join(p.read_bytes() for p in sorted(dest.glob("part-*.jsonl"))),
        "spark_rejects": (tmp / "spark-rejects.jsonl").read_bytes(),
        "warnings": "\n".join(messages).encode(),
    }
    return local_stats, spark_stats, out


def assert_same(out: dict[str, bytes]) -> None:
    local, spark = out["local"].decode().splitlines(), out["spark"].decode().splitlines()
    assert len(local) == len(spark)
    for a, b in zip(local, spark, strict=True):
        assert a == b, (json.loads(a)["id"], json.loads(b)["id"])
    assert out["local_rejects"] == out["spark_rejects"]
    assert out["local"] == out["spark"]


def json_rows(frame: DataFrame) -> list[dict[str, Any]]:
    """``frame.toJSON()``, parsed: what a Spark job writing JSON would hand on."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Spark 4: toJSON will return a DataFrame
        return [json.loads(cast(str, line)) for line in frame.toJSON().collect()]


def figures(stats: RunStats) -> dict[str, int]:
    return {
        "documents": stats.documents_in,
        "out": stats.documents_out,
        "duplicates": stats.rejected["near-duplicate"],
        "boilerplate_removals": stats.removals["boilerplate.site"],
        "rejected": stats.documents_rejected,
    }


# ---------------------------------------------------------------------------------------------
# Tests


def test_seeds_give_the_local_engines_records_and_rejects(spark: SparkSession, tmp_path: Path) -> None:
    local, remote, out = run_both([SEEDS], tmp_path, spark)
    assert_same(out)
    assert same_but_engine(local) == same_but_engine(remote)
    assert remote.rejected["near-duplicate"] == 1
    print("\nseeds:", "local", figures(local), "spark", figures(remote))


def test_generated_corpus_gives_the_local_engines_answer(spark: SparkSession, tmp_path: Path) -> None:
    generated_corpus(tmp_path / "in")
    # Small read splits: the JSONL files are cut into byte ranges mid-line.
    local, remote, out = run_both([tmp_path / "in"], tmp_path, spark, split_bytes=5000)
    assert_same(out)
    assert same_but_engine(local) == same_but_engine(remote)
    fig = figures(remote)
    print("\ngenerated corpus:", "local", figures(local), "spark", fig)
    assert fig["duplicates"] == 3  # the wire story in 4 outlets: the first kept
    assert fig["boilerplate_removals"] >= 3 * 7 + 5  # each outlet's footer on its kept pages
    records = [json.loads(line) for line in out["spark"].decode().splitlines()]
    by_id = {r["id"]: r for r in records}
    assert {"harbourgazette-1#2", "x", "x#2", "x#3"} <= by_id.keys()
    quoted = [r for r in records if "packed hall" in r["text"]]
    assert len(quoted) == 2  # a quote two articles share stays
    rejects = [json.loads(line) for line in out["spark_rejects"].decode().splitlines()]
    assert {r["reason"] for r in rejects} >= {"near-duplicate", "invalid-json", "missing-text", "empty"}
    said = out["warnings"].decode()
    assert "duplicate id 'x', renamed 'x#3'" in said
    assert "01_harbour.jsonl:4: invalid-json" in said


def test_part_files_and_options_match_the_local_engine(spark: SparkSession, tmp_path: Path) -> None:
    generated_corpus(tmp_path / "in")
    options: dict[str, Any] = {
        "languages": ["en"],
        "dedup": DedupOptions(duplicate_threshold=0.9, boilerplate_min_docs=6, boilerplate_min_share=0.7),
        "read": ReadOptions(title_field="headline"),
    }
    local, remote, out = run_both([tmp_path / "in"], tmp_path, spark, single_file=False, **options)
    assert_same(out)
    assert same_but_engine(local) == same_but_engine(remote)
    assert (tmp_path / "spark-parts" / "part-00000.jsonl").exists()
    local, remote, out = run_both([tmp_path / "in"], tmp_path, spark, dedup=DedupOptions(enabled=False))
    assert_same(out)
    assert same_but_engine(local) == same_but_engine(remote)
    assert remote.rejected["near-duplicate"] == 0


def test_dataframe_api_gives_the_contract(spark: SparkSession, tmp_path: Path) -> None:
    from pyspark.sql import types as st

    rng = random.Random(3)
    rows: list[dict[str, Any]] = []
    footer = OUTLETS["valleyherald.example"]
    wire = story(rng, 6)
    for n in range(9):
        title, body = wire if n in (2, 7) else story(rng)
        text = "\n\n".join([title, *body, *([footer] if n != 8 else []), "Advertisement"])
        rows.append(
            {
                "id": f"d{n}",
                "source": "valley",
                "url": f"https://valleyherald.example/{n}",
                "text": text,
                "section": n % 3,
            }
        )
    rows.append(
        {
            "id": "d1",
            "source": "valley",
            "url": "https://valleyherald.example/x",
            "text": "Short note.",
            "section": 0,
        }
    )
    rows.append({"id": "d9", "source": "valley", "url": None, "text": None, "section": 1})
    schema = st.StructType(
        [
            st.StructField("id", st.StringType()),
            st.StructField("source", st.StringType()),
            st.StructField("url", st.StringType()),
            st.StructField("text", st.StringType()),
            st.StructField("section", st.LongType()),
        ]
    )
    src = tmp_path / "records.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run(
        RunOptions([str(src)], str(tmp_path / "local.jsonl"), rejects=str(tmp_path / "rejects.jsonl"), jobs=1)
    )
    local = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()]
    local_rejects = [
        json.loads(x) for x in (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    ]

    # repartition shuffles the rows: the order comes from an explicit column.
    with_order = st.StructType([*schema.fields, st.StructField("order", st.LongType())])
    ordered = spark.createDataFrame([(*r.values(), i) for i, r in enumerate(rows)], with_order)
    clean, rejects = clean_dataframe(ordered.repartition(3), order_column="order")
    got = sorted(json_rows(clean), key=lambda r: r["order"])
    assert len(got) == len(local)
    for mine, theirs in zip(got, local, strict=True):
        mine.pop("order")
        assert mine == {k: v for k, v in theirs.items() if v is not None}
    lines = to_json_lines(clean.orderBy("order").drop("order")).collect()
    assert [row.value for row in lines] == (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    got_rejects = sorted(json_rows(rejects), key=lambda r: r["id"])
    assert got_rejects == sorted(local_rejects, key=lambda r: r["id"])
    assert {r["reason"] for r in got_rejects} == {"near-duplicate", "missing-text"}
    removed = clean.selectExpr("explode(removed) AS e").groupBy("e.rule").count().collect()
    assert {r["rule"] for r in removed} >= {"junk.advertisement", "boilerplate.site"}


def test_band_keys_cut_in_the_jvm_are_the_python_ones(spark: SparkSession) -> None:
    from cleaner.spark.core import lsh_bands

    bands = settings_for(Cleaner()).bands
    raws = [np.asarray(sig, dtype=tasks.SIG_DTYPE).tobytes() for sig in lsh_corpus()[:12]]
    frame = spark.createDataFrame(list(enumerate(raws)), "position long, doc_sig binary")
    got = sorted((r.band, bytes(r.key), r.position) for r in lsh_bands(frame, bands).collect())
    assert got == sorted(row for p, raw in enumerate(raws) for row in tasks.band_rows(p, raw, bands))
