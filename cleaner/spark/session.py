"""The SparkSession a run uses, and how cleaner's own code reaches the executors.

Nothing is downloaded at run time: the session uses the jars pyspark ships with (no
``--packages``), and cleaner travels either installed on the executors' Python (the image or the
packed virtual environment, see docs/spark.md) or as a zip of this very package
(:func:`ship_cleaner`), which executors put in front of their ``sys.path``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "cleaner"


def missing_runtime() -> str | None:
    """Why ``--engine spark`` cannot start here (pyspark or Java missing), or None.

    Said before Spark starts: without Java, pyspark fails with a gateway error that names
    neither Java nor the fix.
    """
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "--engine spark needs pyspark: pip install 'cleaner[spark]'"
    home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (home and (Path(home) / "bin" / "java").exists()):
        return "--engine spark needs Java 17 (no java on PATH or in JAVA_HOME)"
    return None


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def get_session(master: str | None = None) -> tuple[SparkSession, bool]:
    """A session for ``master`` and whether this call started it (then the caller stops it).

    Under ``spark-submit`` the master and every setting come from it; otherwise ``master``
    (default ``local[*]``). A local master runs its Python workers with this interpreter, so
    they import the same cleaner the driver does.
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active, False
    conf = SparkConf()
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):
        conf.setMaster("local[*]")
    resolved = conf.get("spark.master") or "local[*]"
    if is_local(resolved):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # One machine: a few shuffle partitions per core, not the cluster default of 200.
        conf.setIfMissing("spark.sql.shuffle.partitions", str(4 * (os.cpu_count() or 1)))
    conf.setIfMissing("spark.app.name", APP_NAME)
    conf.setIfMissing("spark.ui.showConsoleProgress", "false")  # cleaner reports its own progress
    log_config = Path(__file__).with_name("log4j2.properties")
    conf.setIfMissing("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_config}")
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    if not is_local(resolved):
        ship_cleaner(spark)
    return spark, True


def ship_cleaner(spark: SparkSession) -> Path:
    """Zip the running cleaner package and add it to the executors' ``sys.path`` (``addPyFile``).

    Executors then run exactly the driver's cleaner code, even where an older version is
    installed. Its dependencies (numpy, xxhash, regex, ftfy, datasketch, langdetect) must still
    be installed on the executors: the compiled ones cannot travel in a zip.
    """
    import cleaner

    package = Path(cleaner.__file__).resolve().parent
    target = Path(tempfile.mkdtemp(prefix="cleaner-spark-")) / "cleaner.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                archive.write(path, Path("cleaner") / path.relative_to(package))
    spark.sparkContext.addPyFile(str(target))
    return target
