"""Analyses built on the metric layer give the same result on Spark (the pattern for new analyses)."""

from __future__ import annotations

from datetime import date

import pytest
from spark_parity import Pair, assert_same_frame

from shopops.analyses.decompose import DecomposeParams, decompose

pytestmark = pytest.mark.spark


@pytest.mark.parametrize(("by", "source"), [("store", "orders"), ("channel", "traffic")])
def test_decompose(warehouses: Pair, by: str, source: str) -> None:
    params = DecomposeParams(
        start=date(2026, 6, 1),
        end=date(2026, 6, 30),
        base_start=date(2026, 5, 1),
        base_end=date(2026, 5, 31),
        by=by,
        stores=("tmall_flagship", "jd_store"),
        source=source,
    )
    duck, spark = decompose(warehouses.duckdb, params), decompose(warehouses.spark, params)
    assert_same_frame(duck.table, spark.table, what=f"decompose by {by}")
    assert duck.notes == spark.notes and duck.not_decomposable == spark.not_decomposable
