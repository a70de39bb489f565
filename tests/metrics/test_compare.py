"""Comparisons (环比 / 同比) against figures computed here from the same daily series."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from metric_builders import load_rows

from shopops.calendar.grains import add_months
from shopops.errors import QueryError
from shopops.metrics import query
from shopops.project import Project

FIRST, LAST = date(2024, 11, 1), date(2026, 3, 31)
D = Decimal


def amount(d: date) -> Decimal:
    """One paid order a day (none on the 10th of a month), worth a day-dependent amount."""
    return D(d.toordinal() % 97 + 1) + D("0.25")


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def total(start: date, end: date, channel: str | None = None) -> Decimal:
    return sum((amount(d) for d in days(start, end) if d.day != 10 and (channel is None or chan(d) == channel)), D(0))


def chan(d: date) -> str:
    return "search" if d.toordinal() % 2 else "feed"


@pytest.fixture(scope="module")
def series(project_factory: Callable[[str], Project]) -> Project:
    p = project_factory("compare")
    rows = [
        {
            "order_id": d.isoformat(),
            "buyer_id": "b",
            "created_at": pd.Timestamp(d) + pd.Timedelta(hours=9),
            "paid_at": pd.Timestamp(d) + pd.Timedelta(hours=10),
            "total_amount": amount(d),
            "paid_amount": amount(d),
            "refund_amount": D("0.00"),
            "channel": chan(d),
        }
        for d in days(FIRST, LAST)
        if d.day != 10
    ]
    fields = (
        "order_id",
        "buyer_id",
        "created_at",
        "paid_at",
        "total_amount",
        "paid_amount",
        "refund_amount",
        "channel",
    )
    load_rows(p.warehouse, "orders", "tmall", rows, fields)
    return p


def values(frame: pd.DataFrame, column: str) -> list[object]:
    return [None if v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for v in frame[column]]


def test_week_on_week_for_days(series: Project) -> None:
    df = query(series, "paid_amount", start="2026-03-08", end="2026-03-14", grain="day", compare="wow")
    for r in df.itertuples():
        before = D(0) if (r.period_start - timedelta(days=7)).day == 10 else amount(r.period_start - timedelta(days=7))
        now = D(0) if r.period_start.day == 10 else amount(r.period_start)
        assert (r.paid_amount, r.paid_amount_prev, r.paid_amount_change) == (now, before, now - before)
        assert r.paid_amount_change_pct == pytest.approx(float((now - before) / before))


def test_week_on_week_for_a_partial_first_week(series: Project) -> None:
    # 2026-03-04 is a Wednesday: the first week holds Wed–Sun, compared with Wed–Sun of the week before
    df = query(series, "paid_amount", start="2026-03-04", end="2026-03-22", grain="week", compare="wow")
    assert values(df, "period_start") == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert values(df, "paid_amount") == [
        total(date(2026, 3, 4), date(2026, 3, 8)),
        total(date(2026, 3, 9), date(2026, 3, 15)),
        total(date(2026, 3, 16), date(2026, 3, 22)),
    ]
    assert values(df, "paid_amount_prev") == [
        total(date(2026, 2, 25), date(2026, 3, 1)),
        total(date(2026, 3, 2), date(2026, 3, 8)),
        total(date(2026, 3, 9), date(2026, 3, 15)),
    ]


def test_month_on_month_and_year_on_year_for_months(series: Project) -> None:
    df = query(
        series, ["paid_amount", "paid_orders"], start="2025-12-01", end="2026-03-31", grain="month", compare="mom"
    )
    months = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    end = lambda m: add_months(m, 1) - timedelta(days=1)  # noqa: E731
    assert values(df, "paid_amount") == [total(m, end(m)) for m in months]
    prev = [add_months(m, -1) for m in months]
    assert values(df, "paid_amount_prev") == [total(m, end(m)) for m in prev]
    assert values(df, "paid_orders_prev") == [29, 30, 30, 27]  # Nov, Dec, Jan, Feb without their 10th
    assert values(df, "paid_orders_change") == [1, 0, -3, 3]
    yoy = query(series, "paid_amount", start="2025-11-01", end="2026-03-31", grain="month", compare="yoy")
    months = [add_months(date(2025, 11, 1), k) for k in range(5)]
    assert values(yoy, "paid_amount_prev") == [total(add_months(m, -12), end(add_months(m, -12))) for m in months]


def test_month_on_month_for_days_clamps_month_ends(series: Project) -> None:
    df = query(series, "paid_amount", start="2026-03-28", end="2026-03-31", grain="day", compare="mom")
    # 29, 30 and 31 March all compare with 28 February
    assert values(df, "paid_amount_prev") == [amount(date(2026, 2, 28))] * 4


def test_year_on_year_by_weekday(series: Project) -> None:
    df = query(series, "paid_amount", start="2026-03-02", end="2026-03-15", grain="week", compare="yoy_weekday")
    assert values(df, "paid_amount_prev") == [
        total(date(2025, 3, 3), date(2025, 3, 9)),  # 364 days earlier: also Monday to Sunday
        total(date(2025, 3, 10), date(2025, 3, 16)),
    ]
    whole = query(series, "paid_amount", start="2026-03-02", end="2026-03-15", compare="yoy_weekday")
    assert values(whole, "paid_amount_prev") == [total(date(2025, 3, 3), date(2025, 3, 16))]
    by_date = query(series, "paid_amount", start="2026-03-02", end="2026-03-15", compare="yoy")
    assert values(by_date, "paid_amount_prev") == [total(date(2025, 3, 2), date(2025, 3, 15))]


def test_compare_by_dimension_and_for_ratios(series: Project) -> None:
    df = query(
        series,
        ["paid_amount", "avg_order_value"],
        start="2026-03-01",
        end="2026-03-31",
        grain="month",
        by="channel",
        compare="mom",
    )
    rows = {r.channel: r for r in df.itertuples()}
    for c in ("search", "feed"):
        now, before = total(date(2026, 3, 1), date(2026, 3, 31), c), total(date(2026, 2, 1), date(2026, 2, 28), c)
        assert (rows[c].paid_amount, rows[c].paid_amount_prev) == (now, before)
        assert isinstance(rows[c].avg_order_value_change, float)
    # no sales in the previous period: the change is there, the percentage is not
    empty = query(series, "paid_amount", start="2024-11-01", end="2024-11-30", compare="mom")
    assert values(empty, "paid_amount_prev") == [D("0.00")]
    assert values(empty, "paid_amount_change_pct") == [None]


@pytest.mark.parametrize(("grain", "compare"), [("week", "yoy"), ("month", "wow"), ("year", "mom"), ("week", "mom")])
def test_comparisons_that_do_not_fit_the_grain_are_refused(series: Project, grain: str, compare: str) -> None:
    with pytest.raises(QueryError, match=f"--compare {compare} does not fit grain {grain}"):
        query(series, "paid_amount", start="2026-01-01", end="2026-03-31", grain=grain, compare=compare)
