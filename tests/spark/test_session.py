"""The Spark session shopops starts: settings every query relies on."""

from __future__ import annotations

import os
from typing import Any

import pytest

pytestmark = pytest.mark.spark


def test_session_settings(spark_session: Any) -> None:
    conf = spark_session.conf
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.parquet.inferTimestampNTZ.enabled") == "true"
    assert conf.get("spark.sql.shuffle.partitions") == "2"
    spark_conf = spark_session.sparkContext.getConf()
    assert spark_conf.get("spark.ui.enabled") == "false"
    assert spark_conf.get("spark.ui.showConsoleProgress") == "false"
    assert "shopops-spark-" in spark_conf.get("spark.sql.warehouse.dir")
    assert "-Dlog4j2.configurationFile=file:" in spark_conf.get("spark.driver.extraJavaOptions")  # errors only


@pytest.mark.parametrize(
    ("master", "cores"),
    [("local", 1), ("local[3]", 3), ("local[*]", os.cpu_count()), ("local[2, 4]", 2), ("spark://host:7077", None)],
)
def test_shuffle_partitions_follow_local_cores(master: str, cores: int | None) -> None:
    from shopops.backends.spark import _local_cores

    assert _local_cores(master) == cores


def test_active_session_is_the_running_one(spark_session: Any) -> None:
    from shopops.backends.spark import active_session

    assert active_session() is not None
    assert active_session().sparkContext is spark_session.sparkContext
