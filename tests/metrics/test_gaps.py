"""Honest gaps: a note names exactly the fields the stores in scope lack."""

from __future__ import annotations

from datetime import date

import pytest
from metric_builders import ITEMS, ORDERS, import_csv

from shopops.compositions.periodic import ReportParams, build_report
from shopops.metrics import query
from shopops.metrics.catalogue import load_catalogue
from shopops.metrics.gaps import missing_fields
from shopops.project import Project

CAT = load_catalogue()
EVERYTHING = {"orders": {"refund_amount"}, "order_items": {"amount", "quantity"}, "products": {"unit_cost"}}
NO_COST = {"orders": {"refund_amount"}, "order_items": {"amount", "quantity"}, "products": {"sku", "price"}}


def test_needs_of_gross_margin_are_the_four_fields() -> None:
    assert CAT.needs("gross_margin") == (
        "order_items.amount",
        "orders.refund_amount",
        "order_items.quantity",
        "products.unit_cost",
    )


@pytest.mark.parametrize(
    ("stores", "missing"),
    [
        ({"tm": NO_COST}, ("products.unit_cost",)),
        ({"tm": EVERYTHING}, ()),
        ({"tm": EVERYTHING, "jd": NO_COST}, ("products.unit_cost",)),  # jd lacks it
        (
            {"tm": NO_COST, "jd": {"orders": {"refund_amount"}}},
            CAT.needs("gross_margin")[:1] + CAT.needs("gross_margin")[2:],
        ),
        ({"tm": {}}, CAT.needs("gross_margin")),  # nothing imported
        ({}, CAT.needs("gross_margin")),  # no store in scope supplies anything
    ],
    ids=["only cost", "nothing", "one store of two", "union in catalogue order", "no imports", "no stores"],
)
def test_missing_fields_names_exactly_what_the_stores_lack(
    stores: dict[str, dict[str, set[str]]], missing: tuple[str, ...]
) -> None:
    assert missing_fields(CAT, "gross_margin", stores) == missing


@pytest.fixture(scope="module")
def no_cost_shop(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One Tmall store with orders (refunds) and order lines (quantity, amount) but no product costs."""
    folder = tmp_path_factory.mktemp("no_cost")
    project = Project.init(folder / "p", stores=[{"name": "tm", "platform": "tmall"}])
    orders = [("o1", "b1", "2026-03-10 10:00", "2026-03-10 10:00", 100, 100, 10, 2, "上海", "", "mobile")]
    import_csv(project, folder, "orders.csv", "tm", "orders", ORDERS, orders)
    import_csv(project, folder, "items.csv", "tm", "items", f"{ITEMS},amount", [("o1", "A", 2, 50, 100)])
    import_csv(project, folder, "products.csv", "tm", "products", "sku,category,price", [("A", "cups", 50)])
    return project


def test_the_report_note_names_only_the_missing_cost(no_cost_shop: Project) -> None:
    report = build_report(no_cost_shop, ReportParams("weekly", day=date(2026, 3, 15), stores=("tm",), lang="en"))
    margin = [n for n in report.notes if n.startswith("Gross margin")]
    assert margin == ["Gross margin: not available from the sources of tm (products.unit_cost missing)"]
    zh = build_report(no_cost_shop, ReportParams("weekly", day=date(2026, 3, 15), stores=("tm",), lang="zh"))
    assert [n for n in zh.notes if n.startswith("毛利率")] == ["毛利率：tm 的数据源没有 products.unit_cost，无法计算"]


def test_the_query_note_names_only_the_missing_cost(no_cost_shop: Project) -> None:
    frame = query(
        no_cost_shop.warehouse, ["gross_margin", "paid_amount"], start=date(2026, 3, 9), end=date(2026, 3, 15)
    )
    notes = frame.attrs["notes"]  # gaps.notes was already exact (per store, Scope.lacking): this pins it
    assert [n for n in notes if "not available" in n] == [
        "gross_margin: not available from this store's sources (products.unit_cost missing)"
    ]
    assert all("order_items" not in n and "refund_amount" not in n for n in notes)
    assert frame["gross_margin"].isna().all() and float(frame["paid_amount"].iloc[0]) == 100.0
