"""Spark fixtures: one local Spark session per test run, and a small sample shop seen through
DuckDB and through Spark (a Parquet export of the same warehouse).

Reusable for any parity test (metrics, reports): take ``warehouses`` (a :class:`spark_parity.Pair`)
and compare what a function returns on ``warehouses.duckdb`` and ``warehouses.spark`` with
:func:`spark_parity.assert_same_frame`; mark the test ``@pytest.mark.spark``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from spark_parity import Pair, SparkSample

from shopops.project import Project
from shopops.sample import SampleSpec, generate
from shopops.warehouse import Warehouse

#: About 9,700 orders: 430 days (a year of history before the last two months, for yoy and
#: returning buyers) of three stores (Tmall and JD in CNY, Shopify in USD, two time zones).
SPEC = SampleSpec(stores=3, days=430, orders_per_day=10, seed=11, end_date=date(2026, 6, 30), events_users=60)
FISCAL_START = 4  # fiscal grains differ from calendar ones


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """The local Spark session (about 5 s to start; every Spark test shares it)."""
    pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install -e '.[spark]')")
    from shopops.backends.spark import spark_session as start

    session = start("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_sample(tmp_path_factory: pytest.TempPathFactory) -> SparkSample:
    """The sample shop imported into a fresh project, exported to ``<root>/parquet`` (about 15 s)."""
    base = tmp_path_factory.mktemp("spark_sample")
    result = generate(SPEC, out_dir=base / "exports")
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    with Project.init(base / "p", stores=stores, fiscal_year_start_month=FISCAL_START) as project:
        for f in result.files:
            project.import_files([base / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
        project.export_parquet()
        layout = project.settings.spark_layout_path
    return SparkSample(root=base / "p", layout=layout, result=result)


@pytest.fixture(scope="session")
def warehouses(spark_sample: SparkSample, spark_session: Any) -> Iterator[Pair]:
    """The sample warehouse on DuckDB (read only) and on Spark."""
    settings = Project.open(spark_sample.root).settings
    duck = Warehouse.open(settings, read_only=True)
    spark = Warehouse.open_spark(settings, spark_sample.layout, session=spark_session)
    yield Pair(duckdb=duck, spark=spark)
    spark.close()
    duck.close()
