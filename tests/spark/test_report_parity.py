"""The weekly report on PySpark: every figure, label and sentence equal to the DuckDB report."""

from __future__ import annotations

import time
from typing import Any

import pytest
from spark_parity import Pair

from shopops.compositions.periodic import ReportParams, build_report

pytestmark = pytest.mark.spark


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """The report's JSON without the build time."""
    return {k: v for k, v in data.items() if k != "generated_at"}


def assert_same(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats to 1e-9 relative (aggregation order differs between engines)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), path
    else:
        assert a == b, path


def test_weekly_report_is_identical_on_spark(warehouses: Pair) -> None:
    stores = ("tmall_flagship", "jd_store")
    params = ReportParams("weekly", stores=stores, lang="en")
    duck = build_report(warehouses.duckdb, params)
    clock = time.perf_counter()
    spark = build_report(warehouses.spark, params)
    print(f"weekly report on Spark: {time.perf_counter() - clock:.1f} s")
    assert duck.period == spark.period
    assert [s.id for s in duck.sections] == [s.id for s in spark.sections]
    assert {"attribution", "root_cause", "channels", "products", "ads", "buyers", "stores"} <= {
        s.id for s in duck.sections
    }
    assert_same(comparable(duck.to_dict()), comparable(spark.to_dict()))
