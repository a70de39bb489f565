"""The report builder: periods, a hand-computed shop, the real Tmall February 2020 export."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer

from shopops.calendar.period import newest_complete_day as default_day
from shopops.calendar.period import report_periods as periods
from shopops.cli.report import parse_day
from shopops.compositions.periodic import ReportParams, build_report
from shopops.errors import QueryError
from shopops.project import Project
from shopops.reports.model import Report
from shopops.warehouse.scope import Scope

D = Decimal
ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units,province,channel,device"


def import_csv(
    project: Project, folder: Path, name: str, store: str, kind: str, header: str, rows: list[tuple]
) -> None:  # type: ignore[type-arg]
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header.split(","), *rows])
    (summary,) = project.import_files([path], store=store, source="generic", kind=kind)
    assert summary.quarantined == 0, project.quarantine(summary.import_id).to_dict("records")


# ---------------------------------------------------------------- periods


def test_periods_of_each_kind() -> None:
    cur, prev, yoy = periods("weekly", date(2026, 10, 22))  # a Thursday
    assert (cur.start, cur.end, cur.label) == (date(2026, 10, 19), date(2026, 10, 25), "2026-W43")
    assert (prev.start, prev.end) == (date(2026, 10, 12), date(2026, 10, 18))
    assert (yoy.start, yoy.end) == (date(2025, 10, 20), date(2025, 10, 26))  # 52 weeks back: Monday again
    assert yoy.start.weekday() == 0
    cur, prev, yoy = periods("monthly", date(2024, 3, 31))
    assert (cur.start, cur.end, cur.label) == (date(2024, 3, 1), date(2024, 3, 31), "2024-03")
    assert (prev.start, prev.end) == (date(2024, 2, 1), date(2024, 2, 29))  # the whole previous month
    assert (yoy.start, yoy.end) == (date(2023, 3, 1), date(2023, 3, 31))
    cur, prev, yoy = periods("daily", date(2026, 11, 11))
    assert (cur.start, prev.start, yoy.start) == (date(2026, 11, 11), date(2026, 11, 10), date(2025, 11, 12))
    assert yoy.start.weekday() == cur.start.weekday()


def test_default_period_is_the_newest_complete_one() -> None:
    last = date(2026, 10, 31)  # a Saturday: that week is incomplete
    assert default_day("weekly", last) == date(2026, 10, 25)
    assert default_day("weekly", date(2026, 11, 1)) == date(2026, 11, 1)  # Sunday closes the week
    assert default_day("monthly", last) == last  # October is complete
    assert default_day("monthly", date(2026, 10, 30)) == date(2026, 9, 30)
    assert default_day("daily", last) == last


def test_cli_period_options() -> None:
    assert parse_day("weekly", None, "2026-W43", None) == date(2026, 10, 19)
    assert parse_day("monthly", None, None, "2026-02") == date(2026, 2, 1)
    assert parse_day("daily", "2026-11-11", None, None) == date(2026, 11, 11)
    assert parse_day("daily", None, None, None) is None
    assert parse_day("customers", None, None, None, "2026-Q3") == date(2026, 7, 1)
    with pytest.raises(typer.BadParameter, match="2026-Q3"):
        parse_day("customers", None, None, None, "2026-Q5")
    for args in (("x", None, None), (None, "2026-43", None), (None, None, "2026-13"), ("2026-01-01", "2026-W01", None)):
        with pytest.raises(typer.BadParameter):
            parse_day("weekly", *args)


def test_params_are_validated() -> None:
    with pytest.raises(QueryError, match="valid reports"):
        ReportParams("yearly")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="valid languages"):
        ReportParams("weekly", lang="fr")  # type: ignore[arg-type]


# ---------------------------------------------------------------- a hand-computed shop
#
# Week 2026-W10 (03-02..03-08) is the base, 2026-W11 (03-09..03-15) the report week.
#   base:    b1 pays 100, b2 pays 200 (50 refunded)          -> paid 300, 2 buyers, uv 100
#   current: b1 150, b3 300, b4 150 (30 refunded), b5 unpaid -> paid 600, 3 buyers, uv 200
# cvr 0.02 -> 0.015, aov 150 -> 200. LMDI: L = 300 / ln 2;
#   traffic = L ln 2 = 300.00, conversion = L ln 0.75 = -124.51, order value = L ln(4/3) = +124.51.
# Day targets of 100 for the seven current days: 700, achievement 600 / 700.


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    p = project_factory("report_shop")
    folder = tmp_path_factory.mktemp("report_shop_files")
    p.add_store("s1", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    orders = [
        ("o1", "b1", "2026-03-02 10:00:00", "2026-03-02 10:01:00", 100, 100, 0, 1, "上海", "", "mobile"),
        ("o2", "b2", "2026-03-04 11:00:00", "2026-03-04 11:05:00", 200, 200, 50, 2, "浙江省", "", "pc"),
        ("o3", "b1", "2026-03-10 09:00:00", "2026-03-10 09:01:00", 150, 150, 0, 1, "上海", "", "mobile"),
        ("o4", "b3", "2026-03-11 20:00:00", "2026-03-11 20:02:00", 300, 300, 0, 3, "北京", "", "mobile"),
        ("o5", "b4", "2026-03-12 21:00:00", "2026-03-12 21:00:30", 150, 150, 30, 1, "上海", "", "pc"),
        ("o6", "b5", "2026-03-13 08:00:00", "", 80, 0, 0, 1, "上海", "", "mobile"),
    ]
    import_csv(p, folder, "orders.csv", "s1", "orders", ORDERS, orders)
    traffic = [(d, "", "", uv, uv * 3, 0, 0, "") for d, uv in (("2026-03-02", 50), ("2026-03-04", 50))]
    traffic += [
        (d, "", "", uv, uv * 3, 0, 0, "") for d, uv in (("2026-03-10", 60), ("2026-03-11", 60), ("2026-03-12", 80))
    ]
    import_csv(
        p, folder, "traffic.csv", "s1", "traffic", "date,channel,device,uv,pv,cart_users,fav_users,buyers", traffic
    )
    targets = [("paid_amount", "day", f"2026-03-{d:02d}", f"2026-03-{d:02d}", 100) for d in range(9, 16)]
    targets += [("paid_orders", "week", "2026-03-09", "2026-03-15", 5)]  # a count, one week row
    targets += [("refund_amount", "day", f"2026-03-{d:02d}", f"2026-03-{d:02d}", 10) for d in range(9, 12)]  # 3 days
    import_csv(p, folder, "targets.csv", "s1", "targets", "metric,grain,period_start,period_end,value", targets)
    yield p


def test_targets_of_several_metrics_in_one_read(shop: Project) -> None:
    """A target counts where its rows tile the period: seven day rows, one week row; three day rows of
    a week do not (nothing is pro-rated), nor does a metric without rows."""
    from shopops.metrics.targets import target, targets

    wh, start, end = shop.warehouse, date(2026, 3, 9), date(2026, 3, 15)
    metrics = ["paid_amount", "paid_orders", "refund_amount", "uv"]
    got = targets(wh, metrics, start, end, ["s1"])
    assert got == {"paid_amount": D("700.00"), "paid_orders": D("5.00"), "refund_amount": None, "uv": None}
    assert got == {m: target(wh, m, start, end, ["s1"]) for m in metrics}
    assert targets(wh, metrics, start, end, []) == dict.fromkeys(metrics)


@pytest.fixture(scope="module")
def week(shop: Project) -> Report:
    return build_report(shop, ReportParams("weekly", day=date(2026, 3, 12), stores=("s1",), lang="zh"))


def test_headline_figures_by_hand(week: Report) -> None:
    paid = week.kpi("paid_amount")
    assert (paid.value, paid.previous, paid.change) == (D("600.00"), D("300.00"), D("300.00"))
    assert paid.change_pct == 1.0
    assert paid.target == D("700.00")
    assert paid.achievement == pytest.approx(600 / 700)
    assert paid.yoy is None or paid.yoy == D("0.00")  # nothing a year before
    uv, cvr, aov = week.kpi("uv"), week.kpi("cvr"), week.kpi("aov")
    assert (uv.value, uv.previous) == (200, 100)
    assert (cvr.value, cvr.previous) == (pytest.approx(0.015), pytest.approx(0.02))
    assert cvr.change == pytest.approx(-0.005) and cvr.change_pct is None  # a ratio moves in points
    assert (aov.value, aov.previous) == (pytest.approx(200.0), pytest.approx(150.0))
    refund = week.kpi("refund_amount")
    assert (refund.value, refund.previous) == (D("30.00"), D("50.00"))
    assert week.kpi("refund_rate").value == pytest.approx(0.05)
    orders = week.kpi("paid_orders")
    assert (orders.value, orders.target, orders.achievement) == (3, D("5.00"), pytest.approx(0.6))
    assert refund.target is None and refund.achievement is None  # day targets for 3 of the 7 days


def test_a_year_ago_without_data_is_unknown_not_zero(week: Report) -> None:
    """The orders start in March 2026: the year-ago week has no data, so its figures are null (not 0.0,
    and no change is computed from them), the JSON says null, and a note says why."""
    for k in week.kpis:
        assert (k.yoy, k.yoy_change, k.yoy_change_pct) == (None, None, None), k.metric
    paid = next(k for k in week.to_dict()["kpis"] if k["metric"] == "paid_amount")
    assert (paid["yoy"], paid["yoy_change"], paid["yoy_change_pct"]) == (None, None, None)
    assert "去年同期（2025-W11）没有数据（订单数据从 2026-03-02 开始），不做比较" in week.notes
    assert week.kpi("paid_amount").previous == D("300.00")  # the week before has data: compared as usual
    # the orders end on Friday 03-13: the week is covered on 5 of its 7 days, and the report says so
    assert "本期（2026-W11）只有 5 天有数据（共 7 天），比较时请留意" in week.notes
    assert not any("2026-W10" in n for n in week.notes)  # 03-02..03-08 is covered whole


def test_attribution_bridge_by_hand(week: Report) -> None:
    bridge = {r["step"]: r["amount"] for r in week.section("attribution").table("bridge").rows}
    assert list(bridge.values()) == [D("300.00"), D("300.00"), D("-124.51"), D("124.51"), D("600.00")]
    effects = list(bridge.values())[1:4]
    assert sum(effects) == D("300.00")  # the parts add up to the change, to the cent
    assert math.isclose(300 / math.log(2) * math.log(0.75), -124.5112, abs_tol=1e-4)


def test_summary_states_the_figures(week: Report) -> None:
    first, second = week.summary[:2]
    assert "600.00" in first and "+100.00%" in first and "300.00" in first and "85.71%" in first
    assert "+300.00" in second and "-124.51" in second and "+124.51" in second and "流量" in second
    assert 3 <= len(week.summary) <= 5


def test_trend_has_every_day_of_both_weeks(week: Report) -> None:
    rows = week.section("trend").table("daily").rows
    assert [r["date"] for r in rows] == [date(2026, 3, d) for d in range(9, 16)]
    by_day = {r["date"].day: (r["paid_amount"], r["paid_amount_prev"]) for r in rows}
    assert by_day[10] == (D("150.00"), D("0.00"))  # the base week's Tuesday had no payment
    assert by_day[9] == (D("0.00"), D("100.00"))  # Monday 03-02 paid 100
    assert by_day[11][1] == D("200.00")


def test_missing_sources_are_noted_not_guessed(week: Report) -> None:
    ids = [s.id for s in week.sections]
    assert "ads" not in ids and "products" not in ids  # no ad or item exports
    assert any("ad_spend" in n or "广告" in n for n in week.notes)


def test_english_report_and_json(shop: Project) -> None:
    report = build_report(shop, ReportParams("weekly", day=date(2026, 3, 12), stores=("s1",), lang="en"))
    assert report.summary[0].startswith("This week (2026-W11)")
    data = report.to_dict()
    kpi = next(k for k in data["kpis"] if k["metric"] == "paid_amount")
    assert kpi["value"] == 600.0 and kpi["target"] == 700.0
    assert data["period"] == {"start": "2026-03-09", "end": "2026-03-15", "label": "2026-W11"}


def test_daily_report_compares_with_the_day_before(shop: Project) -> None:
    report = build_report(shop, ReportParams("daily", day=date(2026, 3, 11), stores=("s1",), lang="en"))
    paid = report.kpi("paid_amount")
    assert (paid.value, paid.previous) == (D("300.00"), D("150.00"))
    assert paid.target == D("100.00") and paid.achievement == pytest.approx(3.0)
    assert len(report.section("trend").table("daily").rows) == 14


def test_scopes_group_stores_by_currency(shop: Project) -> None:
    assert [s.names for s in Scope.resolve(shop.warehouse, ["s1"]).by_currency()] == [("s1",)]
    assert [s.names for s in Scope.resolve(shop.warehouse).by_currency()] == [
        ("tmall", "jd", "s1"),
        ("shop", "uk"),
    ]  # CNY; USD (the template's)
    with pytest.raises(QueryError, match="different currencies"):
        build_report(shop, ReportParams("weekly", day=date(2026, 3, 12)))
    with pytest.raises(QueryError, match="unknown store"):
        Scope.resolve(shop.warehouse, ["nope"])


# ---------------------------------------------------------------- the real Tmall export, February 2020


@pytest.fixture(scope="module")
def tmall(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Project:
    path = dataset_file("tmall_order_report", "tmall_order_report.csv")
    p = project_factory("tmall_report_monthly")
    p.import_files([path], store="tmall")
    return p


def test_tmall_february_monthly_report_matches_source(tmall: Project) -> None:
    """SOURCE.md: 买家实际支付金额 1,902,487.15 + 退款金额 572,335.92 = gross paid 2,474,823.07 over
    24,087 paid orders. By payment time six of them fall on 2020-03-01, so February is the total less
    the 2020-03-01 daily figures."""
    month = build_report(tmall, ReportParams("monthly", day=date(2020, 2, 1), stores=("tmall",), lang="zh"))
    day = build_report(tmall, ReportParams("daily", day=date(2020, 3, 1), stores=("tmall",), lang="zh"))
    paid, orders, refunds = (month.kpi(m) for m in ("paid_amount", "paid_orders", "refund_amount"))
    march = [day.kpi(m).value for m in ("paid_amount", "paid_orders", "refund_amount")]
    assert paid.value + march[0] == D("1902487.15") + D("572335.92")
    assert orders.value + march[1] == 24_087
    assert refunds.value + march[2] == D("572335.92")
    assert (paid.value, orders.value, refunds.value) == (D("2474347.07"), 24_081, D("572157.92"))
    assert month.kpi("net_sales").value == paid.value - refunds.value
    # buyer-level figures are not in this export: unavailable, said so, never guessed
    for metric in ("uv", "cvr", "aov", "buyers"):
        assert metric not in {k.metric for k in month.kpis} or month.kpi(metric).value is None
    assert any("buyer_id" in n for n in month.notes)
    assert any("traffic_daily.uv" in n for n in month.notes)
    assert month.previous.label == "2020-01" and month.kpi("paid_amount").change_pct is None
    assert month.summary and "2,474,347.07" in month.summary[0]


# ---------------------------------------------------------------- a planted anomaly


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """jd_store's 京东搜索 converts 50 % worse for the week of 2026-04-20 (sample generator's anomaly)."""
    from shopops.sample import Anomaly, SampleSpec, generate

    folder = tmp_path_factory.mktemp("planted_report")
    a = Anomaly("jd_store", "京东搜索", date(2026, 4, 20), 7, -0.5)
    spec = SampleSpec(stores=2, days=14, seed=7, orders_per_day=200, end_date=a.end, events_users=0, anomalies=[a])
    result = generate(spec, out_dir=folder / "exports")
    stores = [{"name": s.name, "platform": s.platform, "currency": s.currency} for s in result.stores]
    p = Project.init(folder / "p", stores=stores)
    for f in result.files:
        if f.kind in ("orders", "traffic"):
            p.import_files([folder / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
    with p:
        yield p


def test_the_report_finds_a_planted_conversion_drop(planted: Project) -> None:
    report = build_report(planted, ReportParams("weekly", day=date(2026, 4, 26), lang="en"))
    cvr = report.section("root_cause").table("root_cause_cvr").rows
    assert (cvr[0]["dimension"], cvr[0]["segment"]) == ("channel", "京东搜索")
    assert cvr[0]["change"] < 0
    channels = {r["segment"]: r for r in report.section("attribution").table("by_channel").rows}
    jd_search = channels["jd_store · 京东搜索"]
    # the drop shows up as a negative conversion effect of the planted channel, the largest of any channel
    assert jd_search["conversion_effect"] == min(r["conversion_effect"] for r in channels.values())
    assert jd_search["conversion_effect"] < 0


def test_python_api_writes_a_report(shop: Project, tmp_path: Path) -> None:
    report, paths = shop.report("weekly", day=date(2026, 3, 12), stores=["s1"], out_dir=tmp_path, formats=["md"])
    assert report.kpi("paid_amount").value == D("600.00")
    assert list(paths) == ["md"] and paths["md"].parent == tmp_path and "600.00" in paths["md"].read_text("utf-8")


# ---------------------------------------------------------------- the command line


def shopops(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "shopops.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_writes_the_report_files(shop: Project, tmp_path: Path) -> None:
    shop.close()  # the command opens the warehouse itself
    root = str(shop.settings.root)
    done = shopops("--project", root, "report", "weekly", "--week", "2026-W11", "--store", "s1", "--lang", "en",
                   "--format", "md,json", "--out", str(tmp_path), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["weekly-2026-W11-s1-en.json", "weekly-2026-W11-s1-en.md"]  # an en report: its own files
    data = json.loads((tmp_path / files[0]).read_text(encoding="utf-8"))
    assert next(k for k in data["kpis"] if k["metric"] == "paid_amount")["value"] == 600.0
    assert "This week (2026-W11)" in done.stdout and "weekly-2026-W11-s1-en.md" in done.stdout
    bad = shopops("--project", root, "report", "yearly", cwd=tmp_path)
    assert bad.returncode == 2 and "valid reports: daily, weekly, monthly" in bad.stderr
    mixed = shopops("--project", root, "report", "weekly", "--week", "2026-W11", "--format", "pdf", cwd=tmp_path)
    assert mixed.returncode == 2 and "valid formats: html, xlsx, md, json" in mixed.stderr
