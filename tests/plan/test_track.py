"""Tracking against target: a hand-computed shop, alerts at the threshold, a pandas oracle, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.metrics.metric_builders import import_csv

from shopops.calendar.fiscal import FiscalCalendar
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics.catalogue import load_catalogue
from shopops.plan.track import TOTAL, TargetRows, TrackParams, additive, focus_span, track, track_section
from shopops.project import Project

D = Decimal
ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units"
TARGETS = "metric,grain,period_start,period_end,value"


def paid(order_id: str, day: str, amount: int) -> tuple:  # type: ignore[type-arg]
    return (order_id, "b" + order_id, f"{day} 10:00:00", f"{day} 10:01:00", amount, amount, 0, 1)


# ---------------------------------------------------------------- a hand-computed shop
#
# FY2026 = calendar 2026 (start month 1). Natural Monday weeks clipped to the year:
#   W01 = 01-01 (Thu) .. 01-04, W02 = 01-05 .. 01-11, W03 = 01-12 .. 01-18.
# s1 (a plan: day targets of 100 for every day, full year 36,500):
#   paid 380 on 01-02, 500 on 01-05, 600 on 01-07, 700 on 01-12; an unpaid order on 01-14 (newest day);
#   a year earlier 200 on 2025-01-03 (and 999 on 2025-01-20, after the same 14 days): YoY 2,180 / 200 - 1.
#   W01: 380 / 400 = 0.95 exactly.  W02: 1,100 / 700.  W03 to 01-14: 700 / 300 (full 700).
#   YTD to 01-14: 2,180 / 1,400 = 1.5571...; remaining 36,500 - 2,180 = 34,320; days left 351;
#   needed 34,320 / 351 = 97.78; current (28 days 2025-12-18 .. 01-14) 2,180 / 28 = 77.86;
#   pace projection 2,180 + (36,500 - 1,400) x 2,180 / 1,400 = 56,835.71; run-rate 2,180 + 77.86 x 351 = 29,508.86.
# s2 (imported month targets of 1,000 each, no week or day rows):
#   paid 300 on 01-10 and 500 on 02-03 (newest day). Weeks: no target. January: 300 / 1,000.
#   YTD measured to 01-31: 300 / 1,000; actual to 02-03 800; remaining 11,200 in 331 days: 33.84 a day;
#   current (01-07 .. 02-03) 800 / 28 = 28.57; pace 300 + 11,000 x 0.3 = 3,600.00.


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    p = project_factory("track_shop")
    folder = tmp_path_factory.mktemp("track_files")
    p.add_store("s1", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    p.add_store("s2", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    orders = [paid("0", "2025-01-03", 200), paid("9", "2025-01-20", 999)]  # last year: 200 in the same 14 days
    orders += [paid("1", "2026-01-02", 380), paid("2", "2026-01-05", 500), paid("3", "2026-01-07", 600)]
    orders += [paid("4", "2026-01-12", 700), ("5", "b5", "2026-01-14 09:00:00", "", 90, 0, 0, 1)]
    import_csv(p, folder, "o1.csv", "s1", "orders", ORDERS, orders)
    import_csv(
        p, folder, "o2.csv", "s2", "orders", ORDERS, [paid("6", "2026-01-10", 300), paid("7", "2026-02-03", 500)]
    )
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    rows = [("paid_amount", "day", d.isoformat(), d.isoformat(), 100) for d in days]
    import_csv(p, folder, "t1.csv", "s1", "targets", TARGETS, rows)
    months = FiscalCalendar(1).months(2026)
    rows = [("paid_amount", "month", m.start.isoformat(), m.end.isoformat(), 1000) for m in months]
    import_csv(p, folder, "t2.csv", "s2", "targets", TARGETS, rows)
    yield p


def test_plan_targets_by_hand(shop: Project) -> None:
    r = track(shop, TrackParams(stores=("s1",)))
    assert r.as_of == date(2026, 1, 14) and r.year.label == "FY2026"
    weeks = r.level("week")
    assert list(weeks["label"]) == ["FY2026-W01", "FY2026-W02", "FY2026-W03"]
    assert list(weeks["target"]) == [D("400.00"), D("700.00"), D("700.00")]
    assert list(weeks["target_to_date"]) == [D("400.00"), D("700.00"), D("300.00")]
    assert list(weeks["actual"]) == [D("380.00"), D("1100.00"), D("700.00")]
    assert list(weeks["achievement"]) == pytest.approx([0.95, 1100 / 700, 700 / 300])
    assert list(weeks["complete"]) == [True, True, False]
    assert list(weeks["gap"]) == [D("-20.00"), D("400.00"), D("400.00")]
    month = r.level("month").iloc[0]
    assert (month["target"], month["target_to_date"], month["actual"]) == (D("3100.00"), D("1400.00"), D("2180.00"))
    y = r.total
    assert (y.through, y.target_to_date, y.actual, y.full_target) == (
        date(2026, 1, 14),
        D("1400.00"),
        D("2180.00"),
        D("36500.00"),
    )
    assert y.achievement == pytest.approx(2180 / 1400)
    assert (y.remaining, y.days_left, y.needed_run_rate, y.current_run_rate) == (
        D("34320.00"),
        351,
        D("97.78"),
        D("77.86"),
    )
    assert y.run_rate_ratio == pytest.approx(97.78 / 77.86)
    assert y.plan_needed == pytest.approx(34320 / 35100)
    assert y.projection_pace == D("56835.71")
    assert y.projection_run_rate == D("29508.86")
    assert y.last_year == D("200.00") and y.yoy == pytest.approx(2180 / 200 - 1)
    # the weekly KPI and the year: only the run-rate gap is behind
    assert [a.kind for a in r.alerts] == ["run_rate"]
    assert (
        "97.78" in r.alerts[0].en
        and "77.86" in r.alerts[0].en
        and "25.58%" in r.alerts[0].en
        and r.alerts[0].en.startswith("Reaching")
    )
    assert "97.78" in r.alerts[0].zh and "351 天" in r.alerts[0].zh


def test_month_targets_only_by_hand(shop: Project) -> None:
    r = track(shop, TrackParams(stores=("s2",)))
    assert r.as_of == date(2026, 2, 3)
    weeks = r.level("week")
    assert weeks["target"].isna().all() and weeks["achievement"].isna().all()  # never pro-rated
    months = r.level("month")
    assert list(months["target"]) == [D("1000.00"), D("1000.00")]
    assert months["achievement"].iloc[0] == pytest.approx(0.3)
    assert months["target_to_date"].iloc[1] is None  # three days of February: no target rows tile them
    y = r.total
    assert (y.through, y.target_to_date, y.actual_through, y.actual) == (
        date(2026, 1, 31),
        D("1000.00"),
        D("300.00"),
        D("800.00"),
    )
    assert (y.full_target, y.remaining, y.days_left) == (D("12000.00"), D("11200.00"), 331)
    assert (y.needed_run_rate, y.current_run_rate, y.projection_pace) == (D("33.84"), D("28.57"), D("3600.00"))
    assert y.plan_needed is None  # the plan to 02-03 is not known from month rows
    assert [a.kind for a in r.alerts] == ["month", "ytd", "projection", "run_rate"]
    assert r.alerts[0].en.startswith("Month FY2026-M01 (2026-01-01 – 2026-01-31): achievement 30.00%")
    assert "低于 95.00% 警戒线，差 700.00" in r.alerts[0].zh
    assert any("measured to 2026-01-31" in n for n in r.notes)
    assert any("no week has a target" in n for n in r.notes)


def test_alerts_fire_below_the_threshold_only(shop: Project) -> None:
    at = track(shop, TrackParams(stores=("s1",), week="FY2026-W01", threshold=0.95))
    assert at.as_of == date(2026, 1, 4)
    assert [a.kind for a in at.alerts if a.kind == "week"] == []  # 0.95 is not below 0.95
    above = track(shop, TrackParams(stores=("s1",), week="2026-W01", threshold=0.951))
    (week,) = [a for a in above.alerts if a.kind == "week"]
    assert week.label == "FY2026-W01" and week.value == pytest.approx(0.95)
    assert "short by 20.00" in week.en
    # a month in focus: the month and its weeks (only W01, at 0.95, is below 1.0)
    month = track(shop, TrackParams(stores=("s1",), month="2026-01", threshold=1.0))
    assert month.focus is not None and month.focus.label == "FY2026-M01" and month.as_of == date(2026, 1, 14)
    assert [a.label for a in month.alerts if a.kind in ("week", "month")] == ["FY2026-W01"]
    with pytest.raises(QueryError, match="achievement rate"):
        TrackParams(threshold=0)
    with pytest.raises(QueryError, match="pattern"):
        TrackParams(pattern="443")  # type: ignore[arg-type]
    # the plan's 48-week view: W01 is 01-01 .. 01-07 (380 + 500 + 600), W02 01-08 .. 01-14 (700)
    month4 = track(shop, TrackParams(stores=("s1",), weeks="month4"))
    assert list(month4.level("week")["actual"]) == [D("1480.00"), D("700.00")]
    assert month4.level("week")["target"].iloc[1] == D("700.00") and month4.level("week")["complete"].iloc[1]
    # the run-rate margin: needed / current = 1.2559 at 2026-01-14
    assert any(a.kind == "run_rate" for a in track(shop, TrackParams(stores=("s1",), run_rate_margin=0.25)).alerts)
    assert not any(a.kind == "run_rate" for a in track(shop, TrackParams(stores=("s1",), run_rate_margin=0.26)).alerts)


def test_two_stores_add_up(shop: Project) -> None:
    r = track(shop, TrackParams(stores=("s1", "s2"), as_of=date(2026, 1, 31)))
    jan = r.level("month").iloc[0]
    assert (jan["target"], jan["actual"]) == (D("4100.00"), D("2480.00"))
    assert r.level("week")["target"].isna().all()  # s2 has no week targets, so the sum has none
    assert r.level("week", "s1")["target"].iloc[0] == D("400.00")
    assert r.ytd["s1"].full_target + r.ytd["s2"].full_target == r.total.full_target == D("48500.00")
    assert {a.store for a in r.alerts} >= {TOTAL, "s2"}


def test_focus_periods_and_errors(shop: Project) -> None:
    cal = FiscalCalendar(4)
    assert focus_span(cal, "2026-W47", None).label == "FY2026-W34"  # type: ignore[union-attr]
    assert focus_span(cal, None, "2026-11").label == "FY2026-M08"  # type: ignore[union-attr]
    assert focus_span(cal, None, "FY2026-M01").start == date(2026, 4, 1)  # type: ignore[union-attr]
    for bad in (("2026-47", None), (None, "2026-13"), ("FY2026-W60", None)):
        with pytest.raises(QueryError):
            focus_span(cal, *bad)
    with pytest.raises(QueryError, match="not both"):
        TrackParams(week="2026-W01", month="2026-01")
    with pytest.raises(QueryError, match="does not add up"):
        track(shop, TrackParams(metric="buyers", stores=("s1",)))
    with pytest.raises(NotAvailableError, match="no paid_amount targets"):
        track(shop, TrackParams(stores=("s1",), fiscal_year=2025, as_of=date(2026, 1, 14)))
    with pytest.raises(NotAvailableError, match="has not started"):
        track(shop, TrackParams(stores=("s1",), month="2026-05"))
    cat = load_catalogue()
    assert additive(cat, "net_sales") and additive(cat, "paid_orders")
    assert not additive(cat, "buyers") and not additive(cat, "cvr")


def test_target_rows_tile_coarsest_first() -> None:
    rows = pd.DataFrame(
        [
            ("a", date(2026, 1, 1), date(2026, 1, 31), D("310")),
            ("a", date(2026, 1, 1), date(2026, 1, 1), D("5")),
            ("a", date(2026, 1, 2), date(2026, 1, 2), D("7")),
            ("a", date(2026, 2, 1), date(2026, 2, 28), D("280")),
        ],
        columns=["store", "period_start", "period_end", "value"],
    )
    t = TargetRows(rows)
    assert t.get("a", date(2026, 1, 1), date(2026, 1, 31)) == D("310")
    assert t.get("a", date(2026, 1, 1), date(2026, 2, 28)) == D("590")
    assert t.get("a", date(2026, 1, 1), date(2026, 1, 2)) == D("12")
    assert t.get("a", date(2026, 1, 1), date(2026, 1, 3)) is None
    assert t.covered_through(["a"], date(2026, 1, 1), date(2026, 2, 10)) == date(2026, 1, 31)
    assert t.get("b", date(2026, 1, 1), date(2026, 1, 1)) is None


@settings(max_examples=60, deadline=None)
@given(
    start_month=st.integers(1, 12),
    pattern=st.sampled_from(["calendar", "445"]),
    cents=st.lists(st.integers(0, 10**7), min_size=1, max_size=5),
    a=st.integers(0, 370),
    b=st.integers(0, 370),
)
def test_plan_rows_give_every_range_the_sum_of_its_days(
    start_month: int, pattern: str, cents: list[int], a: int, b: int
) -> None:
    """Rows of every level that sum their days (as a plan writes them): any day range inside the year
    has a target, equal to the sum of its day targets, whichever coarse rows cover it."""
    cal = FiscalCalendar(start_month, pattern)  # type: ignore[arg-type]
    days = [s.start for s in cal.days(2026)]
    value = {d: D(cents[i % len(cents)]) / 100 for i, d in enumerate(days)}
    rows = [
        ("s", span.start, span.end, sum((value[d] for d in span.dates()), D("0")))
        for level in ("year", "half", "quarter", "month", "week", "day")
        for span in cal.spans(2026, level)  # type: ignore[arg-type]
    ]
    t = TargetRows(pd.DataFrame(rows, columns=["store", "period_start", "period_end", "value"]))
    first, last = sorted((days[min(a, len(days) - 1)], days[min(b, len(days) - 1)]))
    want = sum((value[d] for d in days if first <= d <= last), D("0"))
    assert t.get("s", first, last) == want
    assert t.covered_through(["s"], days[0], last) == last


def test_section_for_the_weekly_report(shop: Project) -> None:
    section = track_section(shop, as_of=date(2026, 1, 11), stores=("s1",), lang="en")
    assert section is not None and section.id == "track"
    weeks = section.table("weeks").rows
    assert [w["label"] for w in weeks] == ["FY2026-W01", "FY2026-W02"]
    assert weeks[1]["achievement"] == pytest.approx(1100 / 700)
    ytd = section.table("ytd").rows[0]
    assert ytd["actual_through"] == D("1480.00") and ytd["target_to_date"] == D("1100.00")
    assert section.text[0].startswith("FY2026 year to date (to 2026-01-11): Paid amount (gross sales) 1,480.00")
    assert track_section(shop, as_of=date(2026, 1, 11), stores=("s1",), metric="refund_amount") is None
    zh = track_section(shop, as_of=date(2026, 1, 11), stores=("s1",), lang="zh")
    assert zh is not None and zh.title == "目标达成跟踪" and "达成率" in zh.text[0]


def test_report_renders_every_format(shop: Project, tmp_path: Path) -> None:
    from shopops.reports import render

    report = track(shop, TrackParams(stores=("s2",))).report("en")
    assert report.kind == "track" and report.kpis[0].value == D("800.00") and report.kpis[0].yoy == D("0.00")
    assert (report.previous.start, report.previous.end) == (date(2025, 1, 1), date(2025, 2, 3))
    paths = render(report, tmp_path, formats=("html", "xlsx", "md", "json"))
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    months = data["sections"][0]["tables"][2]["rows"]
    assert months[0]["achievement"] == pytest.approx(0.3) and months[0]["target"] == 1000.0
    assert "FY2026-M01" in paths["md"].read_text(encoding="utf-8")


# ---------------------------------------------------------------- a pandas oracle on a sample shop


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, pd.DataFrame]]:
    """Two sample stores, fiscal year from April; store A has a plan's rows of every level (random day
    targets, weeks / months / quarters / year as their sums), store B imported month targets only."""
    from shopops.sample import SampleSpec, generate

    folder = tmp_path_factory.mktemp("track_sample")
    spec = SampleSpec(stores=2, days=120, seed=3, orders_per_day=12, end_date=date(2026, 7, 20), events_users=0)
    result = generate(spec, out_dir=folder / "exports")
    stores = [{"name": s.name, "platform": s.platform, "currency": s.currency} for s in result.stores]
    p = Project.init(folder / "p", stores=stores, fiscal_year_start_month=4)
    for f in result.files:
        if f.kind == "orders":
            p.import_files([folder / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
    a, b = (s.name for s in result.stores)
    cal = FiscalCalendar(4)
    rng = np.random.default_rng(5)
    day_values = {d.start: D(int(rng.integers(50_000, 400_000))) / 100 for d in cal.days(2026)}
    rows = []
    for level in ("year", "half", "quarter", "month", "week", "day"):
        for s in cal.spans(2026, level):  # type: ignore[arg-type]
            value = sum((day_values[d] for d in s.dates()), D("0"))
            rows.append(("paid_amount", level, s.start.isoformat(), s.end.isoformat(), f"{value:.2f}"))
    import_csv(p, folder, "ta.csv", a, "targets", TARGETS, rows)
    month_rows = [
        ("paid_amount", "month", m.start.isoformat(), m.end.isoformat(), 150_000 + 1000 * i)
        for i, m in enumerate(cal.months(2026))
    ]
    import_csv(p, folder, "tb.csv", b, "targets", TARGETS, month_rows)
    targets = pd.DataFrame(
        [(a, r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3]), D(r[4])) for r in rows]
        + [(b, "month", date.fromisoformat(r[2]), date.fromisoformat(r[3]), D(r[4])) for r in month_rows],
        columns=["store", "grain", "start", "end", "value"],
    )
    with p:
        yield p, targets


def test_tracking_matches_a_pandas_oracle(sample: tuple[Project, pd.DataFrame]) -> None:
    p, targets = sample
    stores = tuple(s.name for s in p.settings.stores)
    a, b = stores
    as_of = date(2026, 7, 15)
    r = track(p, TrackParams(stores=stores, as_of=as_of))
    assert r.year.start == date(2026, 4, 1) and r.year.end == date(2027, 3, 31)

    orders = p.warehouse.table("orders").to_pandas()
    orders = orders[orders["paid_at"].notna()].copy()
    orders["day"] = pd.to_datetime(orders["paid_at"]).dt.date
    orders["paid_amount"] = orders["paid_amount"].map(lambda v: D(str(v)))

    def actual(store: str, start: date, end: date) -> Decimal:
        o = orders[(orders["store"] == store) & (orders["day"] >= start) & (orders["day"] <= end)]
        return sum(o["paid_amount"], D("0.00"))

    def day_target(start: date, end: date) -> Decimal:  # store A: the sum of its day targets
        t = targets[(targets["store"] == a) & (targets["grain"] == "day")]
        return sum(t[(t["start"] >= start) & (t["end"] <= end)]["value"], D("0"))

    month_b = targets[targets["store"] == b].set_index("start")["value"]
    weeks = r.level("week", a)
    assert len(weeks) == 16  # 2026-04-01 (Wed) .. 07-15: W01 is five days, W16 starts 07-13
    for w in weeks.itertuples():
        upto = min(w.end, as_of)
        assert w.actual == actual(a, w.start, upto), w.label
        assert w.target_to_date == day_target(w.start, upto) and w.target == day_target(w.start, w.end)
        assert w.achievement == pytest.approx(float(actual(a, w.start, upto) / day_target(w.start, upto)))
    for m in r.level("month").itertuples():  # all stores: A's day sums plus B's month rows
        upto = min(m.end, as_of)
        if m.complete:
            want = day_target(m.start, m.end) + month_b[m.start]
            assert m.target == want and m.actual == actual(a, m.start, m.end) + actual(b, m.start, m.end)
            assert m.achievement == pytest.approx(float(m.actual / want))
        else:  # July to the 15th: B's month row does not tile it
            assert m.target_to_date is None and m.target == day_target(m.start, m.end) + month_b[m.start]
    ya, yb, total = r.ytd[a], r.ytd[b], r.total
    assert ya.target_to_date == day_target(date(2026, 4, 1), as_of) and ya.through == as_of
    assert ya.actual == actual(a, date(2026, 4, 1), as_of)
    assert ya.achievement == pytest.approx(float(ya.actual / ya.target_to_date))  # type: ignore[operator]
    assert yb.through == date(2026, 6, 30) and yb.target_to_date == sum(month_b.iloc[:3], D("0"))
    assert total.through == date(2026, 6, 30)
    full = day_target(date(2026, 4, 1), date(2027, 3, 31)) + sum(month_b, D("0"))
    assert total.full_target == full
    days_left = (date(2027, 3, 31) - as_of).days
    act = actual(a, date(2026, 4, 1), as_of) + actual(b, date(2026, 4, 1), as_of)
    assert total.needed_run_rate == ((full - act) / days_left).quantize(D("0.01"))
    recent = actual(a, as_of - timedelta(days=27), as_of) + actual(b, as_of - timedelta(days=27), as_of)
    assert total.current_run_rate == (recent / 28).quantize(D("0.01"))
    assert total.projection_run_rate == act + total.current_run_rate * days_left  # type: ignore[operator]


# ---------------------------------------------------------------- the CLI


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "shopops.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_table_and_json(shop: Project, tmp_path: Path) -> None:
    shop.close()  # the command opens the warehouse itself
    root = shop.settings.root
    proc = run_cli("track", "--store", "s1", "--week", "2026-W02", "--lang", "en", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "FY2026-W02" in proc.stdout and "157.14%" in proc.stdout and "1,100.00" in proc.stdout
    proc = run_cli("track", "--store", "s2", "--format", "json", "--out", str(tmp_path), cwd=root)
    assert proc.returncode == 0, proc.stderr
    (path,) = tmp_path.glob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == "track" and data["sections"][0]["tables"][0]["rows"][0]["achievement"] == pytest.approx(0.3)
    printed = run_cli("track", "--store", "s2", "--format", "json", cwd=root)  # json alone, no --out: stdout
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["sections"] == data["sections"]
    assert not (root / "reports").exists()
    bad = run_cli("track", "--store", "s1", "--metric", "buyers", cwd=root)
    assert bad.returncode == 2 and "does not add up" in bad.stderr


def test_report_section_takes_the_period_whole(shop: Project) -> None:
    """The report passes its Context (scope + period): nothing is parsed again, and the section is the one
    the keyword entry point gave for the week's label."""
    from shopops.analyses.base import Context
    from shopops.calendar.period import parse_period
    from shopops.compositions.registry import get
    from shopops.plan.track import ANALYSIS, report_section
    from shopops.warehouse.scope import Scope

    ctx = Context.create(Scope.resolve(shop.warehouse, ["s1"]), parse_period("2026-W02"), lang="en")
    section = report_section(ctx)
    old = track_section(shop, as_of=date(2026, 1, 11), stores=("s1",), lang="en", week="2026-W02")
    assert section is not None and old is not None
    assert section.text == old.text and [t.rows for t in section.tables] == [t.rows for t in old.tables]
    assert get("track") is ANALYSIS
    result, zh = ANALYSIS.run(ctx, TrackParams(), "zh")
    assert result.focus is not None and result.focus.label == "FY2026-W02" and result.as_of == date(2026, 1, 11)
    assert zh is not None and zh.title == "目标达成跟踪"
    month = ANALYSIS.build(Context.create(ctx.scope, parse_period("2026-01")), TrackParams())
    assert month.focus is not None and month.focus.label == "FY2026-M01" and month.as_of == date(2026, 1, 14)
