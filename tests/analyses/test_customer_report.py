"""The quarterly customer and product report: its sections agree with each other and with the data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from shopops.compositions.customers import CustomerReportParams, build_customer_report, quarters
from shopops.project import Project
from shopops.reports import render
from shopops.reports.model import Report
from shopops.sample import SampleSpec, generate

STORES = ("tmall_flagship", "jd_store")


def test_quarters() -> None:
    cur, prev, yoy = quarters(date(2026, 8, 15))
    assert (cur.start, cur.end, cur.label) == (date(2026, 7, 1), date(2026, 9, 30), "2026-Q3")
    assert (prev.start, prev.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (yoy.start, yoy.end) == (date(2025, 7, 1), date(2025, 9, 30))
    cur, prev, _ = quarters(date(2026, 2, 1))
    assert (cur.label, prev.label, prev.start) == ("2026-Q1", "2025-Q4", date(2025, 10, 1))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("customer_report")
    spec = SampleSpec(stores=2, days=200, seed=11, orders_per_day=15, end_date=date(2026, 9, 30), events_users=0)
    result = generate(spec, out_dir=folder / "exports")
    stores = [{"name": s.name, "platform": s.platform, "currency": s.currency} for s in result.stores]
    p = Project.init(folder / "p", stores=stores)
    for f in result.files:
        if f.kind in ("orders", "items", "products", "traffic", "ads"):
            p.import_files([folder / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
    with p:
        yield p


@pytest.fixture(scope="module")
def report(shop: Project) -> Report:
    return build_customer_report(shop, CustomerReportParams(day=date(2026, 8, 1), stores=STORES, lang="en"))


def paid_orders(shop: Project, start: date, end: date) -> pd.DataFrame:
    o = shop.warehouse.table("orders").to_pandas()
    o = o[o["store"].isin(STORES) & o["paid_at"].notna()]
    day = pd.to_datetime(o["paid_at"]).dt.date
    return o[(day >= start) & (day <= end)]


def test_every_section_and_a_written_summary(report: Report) -> None:
    assert report.kind == "customers" and report.period.label == "2026-Q3"
    assert [s.id for s in report.sections] == ["buyers", "cohorts", "rfm", "clv", "pareto", "basket"]
    assert 3 <= len(report.summary) <= 5
    assert report.summary[0].startswith("This quarter (2026-Q3) paying buyers was")


def test_buyers_match_the_orders(shop: Project, report: Report) -> None:
    orders = paid_orders(shop, date(2026, 7, 1), date(2026, 9, 30))
    distinct = orders.groupby("store")["buyer_id"].nunique().sum()  # a buyer is a store and a buyer id
    assert report.kpi("buyers").value == distinct
    frequency = report.section("buyers").table("frequency").rows
    assert sum(r["buyers"] for r in frequency) == distinct
    assert sum(r["paid_amount"] for r in frequency) == report.kpi("paid_amount").value
    assert sum(r["share"] for r in frequency) == pytest.approx(1.0)
    months = report.section("buyers").table("buyers_by_month").rows
    assert [r["month"] for r in months] == ["2026-07", "2026-08", "2026-09"]
    assert all(r["buyers"] == r["new_buyers"] + r["returning_buyers"] for r in months)


def test_rfm_segments_add_up_to_the_year(shop: Project, report: Report) -> None:
    rows = report.section("rfm").table("segments").rows
    year = paid_orders(shop, date(2025, 10, 1), date(2026, 9, 30))
    assert sum(r["buyers"] for r in rows) == year.groupby("store")["buyer_id"].nunique().sum()
    assert sum(r["revenue"] for r in rows) == Decimal(str(year["paid_amount"].sum())).quantize(Decimal("0.01"))
    assert sum(r["revenue_share"] for r in rows) == pytest.approx(1.0)


def test_cohorts_clv_and_abc_are_consistent(report: Report) -> None:
    cohorts = report.section("cohorts").table("retention").rows
    assert all(r["m0"] == 1.0 for r in cohorts) and cohorts[-1]["cohort"] == "2026-09"
    status = report.section("clv").table("status").rows
    assert sum(r["share"] for r in status) == pytest.approx(1.0)
    holdout = report.section("clv").table("holdout").rows  # fitted before the quarter, checked on it
    assert holdout[0]["frequency"] == "0" and all(r["actual"] >= 0 and r["predicted"] >= 0 for r in holdout)
    abc = pd.DataFrame(report.section("pareto").table("abc").rows)
    assert abc.groupby(["entity", "store"])["sales_share"].sum().tolist() == pytest.approx([1.0] * 4)


def test_renders_and_notes_missing_refund_exports(report: Report, tmp_path: Path) -> None:
    assert any("refund" in n for n in report.notes)  # no refund export imported: said, not guessed
    paths = render(report, tmp_path, formats=("html", "json"))
    assert paths["html"].name == "customers-2026-Q3-tmall_flagship+jd_store-en.html"  # an en report's own file
    assert "RFM" in paths["html"].read_text(encoding="utf-8")
