"""Buyers, cohorts and RFM give the same tables on Spark as on DuckDB."""

from __future__ import annotations

from datetime import date

import pytest
from spark_parity import Pair, assert_same_frame

from shopops.analyses.buyers import BuyersParams, buyers
from shopops.analyses.cohorts import CohortParams, cohorts
from shopops.analyses.rfm import RFMParams, rfm

pytestmark = pytest.mark.spark
STORES = ("tmall_flagship", "jd_store")  # both CNY


def test_buyers(warehouses: Pair) -> None:
    params = BuyersParams(date(2026, 4, 1), date(2026, 6, 30), grain="month", stores=STORES)
    duck, spark = buyers(warehouses.duckdb, params), buyers(warehouses.spark, params)
    for name in ("by_period", "repurchase", "frequency"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert duck.frequency["buyers"].sum() > 0


@pytest.mark.parametrize("by", [None, "channel"])
def test_cohorts(warehouses: Pair, by: str | None) -> None:
    params = CohortParams(end=date(2026, 6, 30), start=date(2025, 7, 1), stores=STORES, by=by)
    duck, spark = cohorts(warehouses.duckdb, params), cohorts(warehouses.spark, params)
    assert_same_frame(duck.long, spark.long, what=f"cohorts by {by}")
    assert len(duck.long) > 12


def test_rfm(warehouses: Pair) -> None:
    params = RFMParams(as_of=date(2026, 6, 30), stores=STORES)
    duck, spark = rfm(warehouses.duckdb, params), rfm(warehouses.spark, params)
    assert_same_frame(duck.customers, spark.customers, what="rfm customers")
    assert_same_frame(duck.segments, spark.segments, what="rfm segments")
    assert duck.total_revenue == spark.total_revenue
