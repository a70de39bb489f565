"""A year's plan and what it takes give the same figures on Spark as on DuckDB."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from spark_parity import Pair, assert_same_frame

from shopops.plan import PlanParams, build_plan, requirements
from shopops.warehouse import Warehouse

pytestmark = pytest.mark.spark
STORES = ("tmall_flagship", "jd_store")  # both CNY


def _project(wh: Warehouse) -> Any:
    """What the plan reads of a project: its warehouse and settings."""
    return SimpleNamespace(warehouse=wh, settings=wh.settings)


def test_plan_and_what_it_takes(warehouses: Pair) -> None:
    # fiscal years start in April here: FY2026 = 2026-04-01 .. 2027-03-31, shaped by FY2025's days
    params = PlanParams(2026, target=Decimal("2500000.00"), stores=STORES)
    duck, spark = build_plan(_project(warehouses.duckdb), params), build_plan(_project(warehouses.spark), params)
    assert duck.total == spark.total and duck.total > Decimal(0)
    # the sample starts 2025-04-27, so FY2025 (from 04-01) is not complete: shaped by its 12 months
    assert [sp.source for sp in duck.stores] == ["history 2025-04-01..2026-03-31"] * 2
    for name in ("days", "spans", "festivals"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    needs_duck = requirements(_project(warehouses.duckdb), duck)
    needs_spark = requirements(_project(warehouses.spark), spark)
    for name in ("periods", "channels", "roles", "products"):
        assert_same_frame(getattr(needs_duck, name), getattr(needs_spark, name), what=f"needs {name}")
