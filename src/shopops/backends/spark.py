"""PySpark: the read-side engine. Queries run on Spark over a Parquet layout of the canonical tables.

The layout is one folder per canonical table (``<layout>/orders/``, ``<layout>/order_items/`` …)
holding Parquet files; ``shopops export parquet`` writes it from the DuckDB warehouse as
``<layout>/<table>/part-0.parquet``. Imports stay DuckDB-only.

Timestamps are the store's local wall time, without a zone. DuckDB writes them as Parquet
timestamps with ``isAdjustedToUTC=false``, which Spark reads as ``TIMESTAMP_NTZ`` (a wall-clock
value, independent of the session time zone); a layout written by another tool with UTC-adjusted
timestamps is cast to ``TIMESTAMP_NTZ`` in the session zone, which is UTC, so the wall clock is the
one written. Every table is registered with exactly the canonical column types.

>>> session = spark_session("local[2]")                     # doctest: +SKIP
>>> con = connect_spark(session, "myshop/parquet")           # doctest: +SKIP
>>> con.table("orders").count().execute()                    # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
from pyspark import SparkContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from shopops.errors import ConfigError

#: Session settings every shopops Spark session needs (runtime SQL settings: set on each session).
SQL_CONF: dict[str, str] = {
    # timestamps are wall time; UTC keeps any zone-aware conversion from shifting them
    "spark.sql.session.timeZone": "UTC",
    # Parquet timestamps written without a zone (isAdjustedToUTC=false) read as TIMESTAMP_NTZ
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}


def spark_session(master: str = "local[2]", **conf: str) -> SparkSession:
    """A Spark session for shopops (``getOrCreate``: an active session of this process is reused).

    Sets the session time zone to UTC, turns off the web UI and the console progress bar (core code
    never prints), points ``spark.sql.warehouse.dir`` at a fresh temporary folder (shopops writes no
    Spark tables; a shared folder makes ``overwrite`` fail across sessions) and, for a local master,
    uses as many shuffle partitions as local cores and has the driver log errors only. ``conf`` (``{"spark.executor.memory": "4g"}``)
    adds or overrides settings; dots in keys are fine, pass them as ``**{"spark.x": "y"}``.
    """
    scratch = Path(tempfile.mkdtemp(prefix="shopops-spark-"))
    settings: dict[str, str] = {
        **SQL_CONF,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
    }
    cores = _local_cores(master)
    if cores:
        settings["spark.sql.shuffle.partitions"] = str(cores)
        # a local driver logs errors only (Spark's default prints INFO/WARN lines on stderr); a
        # cluster's logging is its administrators' (spark-defaults.conf), so it is left alone
        settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={_quiet_log4j(scratch).as_uri()}"
    settings.update(conf)
    builder = SparkSession.builder.master(master).appName("shopops")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, master unreachable: py4j/pyspark raise their own types
        raise ConfigError(
            f"cannot start Spark (master {master}): {exc}",
            hint="Spark needs Java 17; check spark_master in shopops.toml (or SHOPOPS_SPARK_MASTER)",
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def _quiet_log4j(folder: Path) -> Path:
    path = folder / "log4j2.properties"
    path.write_text(
        "rootLogger.level = error\n"
        # pyspark's driver counts as a shell: unless its logger has a level of its own, it announces
        # a default level of WARN on stderr
        "logger.shell.name = org.apache.spark.api.python.PythonGatewayServer\n"
        "logger.shell.level = error\n"
        "rootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\n"
        "appender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\n"
        "appender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n\n",
        encoding="utf-8",
    )
    return path


def active_session() -> SparkSession | None:
    """The Spark session already running in this process (any thread), if any.

    A caller that gets None and starts a session owns it (and stops it); a session found here
    belongs to someone else (a notebook, a test run) and must be left running.
    """
    if SparkContext._active_spark_context is None:
        return None
    return SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()


def _local_cores(master: str) -> int | None:
    """The cores of a ``local``/``local[N]``/``local[*]`` master; None for a cluster."""
    m = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master.strip())
    if not m:
        return None
    n = m.group(1)
    if n is None:
        return 1
    return os.cpu_count() or 2 if n == "*" else max(int(n), 1)


def connect_spark(
    session: SparkSession,
    layout_dir: Path | str,
    tables: Mapping[str, ibis.Schema],
    *,
    optional: Collection[str] = ("_import_id", "_hash"),
) -> ibis.BaseBackend:
    """An Ibis PySpark backend in which each of ``tables`` (name -> schema) is a temporary view over
    ``layout_dir/<name>/`` Parquet with exactly the schema's columns and types. ``layout_dir`` is a
    local folder or a URI Spark reads (``hdfs://…``, ``s3a://…``, ``file:///…``).

    Columns named in ``optional`` may be missing from the files (they read as NULL); a missing
    folder or any other missing column is a :class:`ConfigError`. The views live in a new session
    sharing ``session``'s Spark context (``newSession()``), so two layouts can be open in one
    process without their table names colliding. (The warehouse layer passes the canonical
    schemas: this layer knows no tables of its own.)
    """
    location = str(layout_dir)
    remote = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", location) is not None  # hdfs://, s3a://, file:// …
    folders = {name: f"{location.rstrip('/')}/{name}" if remote else str(Path(location) / name) for name in tables}
    missing = [name for name, folder in folders.items() if not remote and not Path(folder).is_dir()]
    if missing:
        raise ConfigError(
            f"the Spark layout {location} has no folder for {', '.join(missing)}",
            hint="write the layout with `shopops export parquet DIR` (one folder per table; see docs/spark.md)",
        )
    own = session.newSession()
    for key, value in SQL_CONF.items():
        own.conf.set(key, value)
    for name, schema in tables.items():
        frame = _read(own, folders[name])
        _conform(frame, schema, optional, folders[name]).createOrReplaceTempView(name)
    return ibis.pyspark.connect(own)


def _read(session: SparkSession, folder: str) -> DataFrame:
    try:
        return session.read.parquet(folder)
    except Exception as exc:  # an empty folder: Spark cannot infer a schema (AnalysisException)
        raise ConfigError(
            f"cannot read Parquet from {folder}: {str(exc).splitlines()[0]}",
            hint="each table folder holds the table's Parquet files; write them with `shopops export parquet DIR`",
        ) from exc


def _conform(frame: DataFrame, schema: ibis.Schema, optional: Collection[str], where: str) -> DataFrame:
    """``frame`` with exactly the columns of ``schema``, cast to its types."""
    have = {f.name: f.dataType for f in frame.schema.fields}
    lacking = [c for c in schema.names if c not in have and c not in optional]
    if lacking:
        raise ConfigError(
            f"{where}: the Parquet files lack the column(s) {', '.join(lacking)}",
            hint="see docs/data-model.md for the canonical columns and docs/spark.md for the layout",
        )
    columns = []
    for name, dtype in schema.items():
        target = spark_type(dtype)
        if name not in have:
            columns.append(F.lit(None).cast(target).alias(name))
        elif have[name] == target:
            columns.append(F.col(name))
        else:
            columns.append(F.col(name).cast(target).alias(name))
    return frame.select(*columns)


def spark_type(dtype: dt.DataType) -> T.DataType:
    """The Spark type a canonical column is registered with (timestamps: ``TIMESTAMP_NTZ``)."""
    simple: dict[type[dt.DataType], T.DataType] = {
        dt.String: T.StringType(),
        dt.Int64: T.LongType(),
        dt.Int32: T.IntegerType(),
        dt.Float64: T.DoubleType(),
        dt.Boolean: T.BooleanType(),
        dt.Date: T.DateType(),
        dt.Timestamp: T.TimestampNTZType(),
    }
    if isinstance(dtype, dt.Decimal):
        return T.DecimalType(dtype.precision or 18, dtype.scale or 0)
    for kind, spark in simple.items():
        if isinstance(dtype, kind):
            return spark
    raise TypeError(f"no Spark type for canonical type {dtype}")


def stop_session(session: Any) -> None:
    """Stop ``session`` (and with it the Spark context, when it is the last user)."""
    if isinstance(session, SparkSession):
        session.stop()


__all__ = ["SQL_CONF", "active_session", "connect_spark", "spark_session", "spark_type", "stop_session"]
