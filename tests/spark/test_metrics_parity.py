"""The metric layer on Spark gives exactly what it gives on DuckDB, over the same sample shop.

Every query runs on both engines through ``shopops.metrics.query``; the frames must match
(money to the cent with the same scale, counts exactly, ratios to 1e-12) and so must the notes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from spark_parity import Pair, assert_same_frame

from shopops.metrics import load_catalogue, query

pytestmark = pytest.mark.spark

CAT = load_catalogue()
FIVE = ["paid_amount", "uv", "buyers", "cvr", "aov"]
ITEMS = ["item_amount", "item_units", "gross_profit"]  # what splits by category and product (order lines)
RANGE = {"start": "2026-03-01", "end": "2026-06-30"}  # four calendar months, parts of two fiscal years


def both(pair: Pair, metrics: list[str], **kwargs: Any) -> pd.DataFrame:
    duck = query(pair.duckdb, metrics, **kwargs)
    spark = query(pair.spark, metrics, **kwargs)
    assert_same_frame(duck, spark, what=f"{metrics} {kwargs}")
    assert duck.attrs["notes"] == spark.attrs["notes"]
    assert duck.attrs["stores"] == spark.attrs["stores"]
    return duck


def splittable(metrics: list[str], *dims: str) -> list[str]:
    return [m for m in metrics if all(d in CAT.supported_dims(m) for d in dims)]


def test_every_metric_at_grain_total(warehouses: Pair) -> None:
    """All 41 metrics in one query (every fact, buyer types, the honest-gap notes), per store: one
    currency per row, so money is not masked and every figure the sample supports is compared."""
    assert splittable(list(CAT.metrics), "store") == list(CAT.metrics)
    frame = both(warehouses, list(CAT.metrics), grain="total", by=["store"], **RANGE)
    filled = [m for m in CAT.metrics if frame[m].notna().all()]
    assert len(filled) >= 35, sorted(set(CAT.metrics) - set(filled))


@pytest.mark.parametrize("grain", ["day", "week", "month", "fiscal_month"])
def test_grains(warehouses: Pair, grain: str) -> None:
    frame = both(warehouses, FIVE, grain=grain, by=["store"], **RANGE)
    assert frame["paid_amount"].notna().all() and (frame["uv"] > 0).all()


@pytest.mark.parametrize("dim", ["store", "channel", "device", "province", "category", "product", "buyer_type"])
def test_dimensions(warehouses: Pair, dim: str) -> None:
    metrics = splittable(FIVE, dim) or ITEMS
    frame = both(warehouses, metrics, grain="month", by=[dim], where={"currency": "CNY"}, **RANGE)
    assert frame[dim].nunique() > 1


@pytest.mark.parametrize(
    ("where", "metrics"),
    [
        ({"store": ["jd_store", "shopify_us"]}, FIVE),  # two currencies: money is masked on both engines
        ({"platform": "tmall", "channel": "手淘搜索"}, FIVE),
        ({"device": "mobile", "buyer_type": "returning"}, ["paid_amount", "buyers", "aov"]),
        ({"category": ["面部护理", "彩妆"]}, ITEMS),
    ],
    ids=["two-stores", "platform-and-channel", "device-and-buyer-type", "category"],
)
def test_where_filters(warehouses: Pair, where: dict[str, Any], metrics: list[str]) -> None:
    both(warehouses, metrics, grain="week", where=where, **RANGE)


@pytest.mark.parametrize(
    ("compare", "grain", "start", "end"),
    [
        ("wow", "week", "2026-05-04", "2026-06-28"),
        ("mom", "month", "2026-03-01", "2026-06-30"),
        ("yoy", "month", "2026-05-01", "2026-06-30"),
        ("yoy_weekday", "week", "2026-05-04", "2026-06-28"),
    ],
)
def test_comparisons(warehouses: Pair, compare: str, grain: str, start: str, end: str) -> None:
    frame = both(warehouses, FIVE, grain=grain, by=["store"], compare=compare, start=start, end=end)
    assert frame["paid_amount_prev"].notna().all()


@pytest.mark.parametrize("by", [["channel"], ["store"]], ids=["no-rows", "zeros"])
def test_before_the_data(warehouses: Pair, by: list[str]) -> None:
    """A range with no data: no rows when a row-level dimension splits, else every period at 0."""
    frame = both(warehouses, ["paid_amount", "uv", "cvr"], grain="week", by=by, start="2024-01-01", end="2024-01-31")
    assert len(frame) == (0 if by == ["channel"] else 5 * 3)
