"""The metric dictionary: complete, consistent, validated at load; the calendar behind the grains."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import ibis
import pandas as pd
import pytest
from metric_builders import ORDERS, import_csv

from shopops import docs
from shopops.calendar import grains as calendar
from shopops.metrics import query
from shopops.metrics.catalogue import CatalogueError, load_catalogue, parse_catalogue
from shopops.project import Project

ISSUE_METRICS = [
    "gmv",
    "paid_amount",
    "refund_amount",
    "net_sales",
    "orders",
    "paid_orders",
    "units",
    "buyers",
    "uv",
    "pv",
    "cvr",
    "aov",
    "avg_order_value",
    "upt",
    "refund_rate",
    "new_buyers",
    "returning_buyers",
    "repeat_rate",
    "add_to_cart_rate",
    "ad_spend",
    "ad_amount",
    "roas",
    "cpc",
    "ctr",
    "acos",
    "gross_profit",
    "gross_margin",
    "contribution",
]
TEXT = resources.files("shopops.metrics").joinpath("catalogue.toml").read_text(encoding="utf-8")


def test_every_metric_the_issue_names_is_declared_in_both_languages() -> None:
    cat = load_catalogue()
    assert set(ISSUE_METRICS) <= set(cat.metrics)
    for m in cat.metrics.values():
        assert m.zh and m.en and m.definition_zh and m.definition_en, m.id
    assert cat.metrics["paid_amount"].zh == "支付金额" and cat.metrics["aov"].zh == "客单价"


def test_ratios_come_from_summed_parts() -> None:
    cat = load_catalogue()
    assert cat.metrics["cvr"].formula == "buyers / uv"
    assert cat.metrics["aov"].formula == "paid_amount / buyers"
    assert cat.metrics["avg_order_value"].formula == "paid_amount / paid_orders"
    for m in cat.metrics.values():
        assert (m.aggregation == "ratio") == (m.unit in ("ratio", "money_per", "number")), m.id
    assert cat.base_metrics("contribution") == ("item_amount", "item_refund", "cogs", "ad_spend")


def test_supported_dimensions_and_needs() -> None:
    cat = load_catalogue()
    assert "province" not in cat.supported_dims("cvr")  # traffic has no province
    assert "category" in cat.supported_dims("gross_profit") and "category" not in cat.supported_dims("paid_amount")
    assert cat.supported_dims("contribution") == ("store", "platform", "currency")
    assert cat.needs("buyers") == ("orders.buyer_id",)
    assert cat.needs("cvr") == ("orders.buyer_id", "traffic_daily.uv")
    assert "products.unit_cost" in cat.needs("gross_profit")
    assert cat.is_money("roas") and not cat.is_money("cvr")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('formula = "buyers / uv"', 'formula = "buyers / visitors"', "unknown metric 'visitors'"),
        ('formula = "buyers / uv"', "formula = \"__import__('os')\"", r"only \+ - \* /"),
        ('formula = "paid_amount - refund_amount"', 'formula = "net_sales - refund_amount"', "cycle"),
        ('column = "orders.total_amount"', 'column = "orders.totl"', "no column 'orders.totl'"),
        ('column = "traffic_daily.pv"', 'column = "orders.units"', "fact traffic has no column 'orders.units'"),
        ('fact = "ads"\ncolumn = "ad_spend.spend"', 'fact = "adz"\ncolumn = "ad_spend.spend"', "unknown fact 'adz'"),
        ('unit = "count"\naggregation = "count"', 'unit = "pieces"\naggregation = "count"', "unit must be one of"),
        ('aggregation = "ratio"\nformula = "buyers / uv"', 'aggregation = "formula"\nformula = "buyers / uv"', "ratio"),
        ('paid_orders = "orders.province"', 'paid_orders = "orders.provinc"', "cannot read 'orders.provinc'"),
        ("months = 1\n", "months = 1\ndays = 2\n", "exactly one of days or months"),
        ('definition_en = "Paid amount / visitors."', 'definition_en = "x"\nsecret = 1', "unknown keys"),
    ],
)
def test_a_broken_catalogue_is_refused_at_load(old: str, new: str, message: str) -> None:
    assert old in TEXT
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(TEXT.replace(old, new, 1))


def test_docs_page_covers_every_metric_dimension_grain_and_comparison() -> None:
    page = docs.metrics()
    cat = load_catalogue()
    for m in cat.metrics.values():
        assert f"### `{m.id}` — {m.zh} / {m.en}" in page
        assert m.definition_zh in page and m.definition_en in page
    for group in (cat.dimensions, cat.grains, cat.compares):
        assert all(f"| `{k}` |" in page for k in group)


# ---------------------------------------------------------------- calendar


def test_python_and_sql_periods_agree_on_every_day() -> None:
    days = [date(2023, 1, 1) + timedelta(days=i) for i in range(366 * 3)]
    t = ibis.memtable(pd.DataFrame({"d": days}), schema={"d": "date"})
    con = ibis.duckdb.connect()
    for fiscal in (1, 4, 7, 11):
        exprs = {g: calendar.period_start_expr(t.d, g, fiscal_start=fiscal) for g in calendar.GRAINS if g != "total"}
        got = con.execute(t.select(t.d, **exprs))
        for g in exprs:
            want = [calendar.period_start(d, g, fiscal_start=fiscal) for d in days]
            assert [pd.Timestamp(v).date() for v in got[g]] == want, (g, fiscal)


def test_fiscal_years_are_named_by_the_year_they_start_in() -> None:
    start = calendar.period_start
    assert start(date(2025, 3, 31), "fiscal_year", fiscal_start=4) == date(2024, 4, 1)
    assert start(date(2025, 4, 1), "fiscal_year", fiscal_start=4) == date(2025, 4, 1)
    assert calendar.label(date(2025, 4, 1), "fiscal_year", fiscal_start=4) == "FY2025"
    assert calendar.label(date(2026, 1, 1), "fiscal_quarter", fiscal_start=4) == "FY2025-Q4"
    assert calendar.label(date(2025, 4, 1), "fiscal_month", fiscal_start=4) == "FY2025-M01"
    assert calendar.label(date(2026, 3, 1), "fiscal_month", fiscal_start=4) == "FY2025-M12"
    assert calendar.label(date(2026, 1, 1), "fiscal_year") == "FY2026"
    assert calendar.label(date(2025, 12, 29), "week") == "2026-W01"  # ISO week-year
    assert calendar.periods(date(2025, 3, 15), date(2025, 7, 1), "fiscal_quarter", fiscal_start=4) == [
        date(2025, 1, 1),
        date(2025, 4, 1),
        date(2025, 7, 1),
    ]


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert calendar.add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert calendar.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert calendar.add_months(date(2025, 1, 31), 13) == date(2026, 2, 28)
    assert calendar.shift(date(2026, 1, 12), days=-364) == date(2025, 1, 13)


@pytest.fixture(scope="module")
def fiscal_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("fiscal")
    p = Project.init(folder / "p", stores=[{"name": "s", "platform": "jd"}], fiscal_year_start_month=4)
    rows = [
        (1, "a", "2025-03-31 23:00:00", "2025-03-31 23:59:59", "1.00", "1.00", "0.00", 1, "", "", ""),
        (2, "b", "2025-04-01 00:00:00", "2025-04-01 00:00:01", "2.00", "2.00", "0.00", 1, "", "", ""),
        (3, "c", "2025-12-31 10:00:00", "2025-12-31 10:00:00", "4.00", "4.00", "0.00", 1, "", "", ""),
        (4, "d", "2026-01-01 10:00:00", "2026-01-01 10:00:00", "8.00", "8.00", "0.00", 1, "", "", ""),
        (5, "e", "2026-03-31 10:00:00", "2026-03-31 10:00:00", "16.00", "16.00", "0.00", 1, "", "", ""),
        (6, "f", "2026-04-01 10:00:00", "2026-04-01 10:00:00", "32.00", "32.00", "0.00", 1, "", "", ""),
    ]
    import_csv(p, folder, "o.csv", "s", "orders", ORDERS, rows)
    yield p
    p.close()


def test_fiscal_grains_in_queries(fiscal_shop: Project) -> None:
    fy = query(fiscal_shop, "paid_amount", start="2025-01-01", end="2026-12-31", grain="fiscal_year")
    assert list(fy["period"]) == ["FY2024", "FY2025", "FY2026"]
    assert list(fy["paid_amount"]) == [Decimal("1.00"), Decimal("30.00"), Decimal("32.00")]
    fq = query(fiscal_shop, "paid_amount", start="2025-10-01", end="2026-06-30", grain="fiscal_quarter")
    assert list(fq["period"]) == ["FY2025-Q3", "FY2025-Q4", "FY2026-Q1"]
    assert list(fq["period_start"]) == [date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1)]
    assert list(fq["paid_amount"]) == [Decimal("4.00"), Decimal("24.00"), Decimal("32.00")]
    cal = query(fiscal_shop, "paid_amount", start="2025-01-01", end="2026-12-31", grain="year")
    assert list(cal["paid_amount"]) == [Decimal("7.00"), Decimal("56.00")]


def test_docs_page_is_registered() -> None:
    # the page itself is checked by tests/test_docs.py once registered in docs.PAGES
    assert "metrics.md" in docs.PAGES
