"""The year's target broken down: exact to the cent at every level, shaped by last year's days and
festivals (aligned by festival, not date), saved as targets, what it takes, the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from shopops.calendar.fiscal import LEVELS, PATTERNS, FiscalCalendar
from shopops.cli.main import app
from shopops.cli.plan import parse_amount
from shopops.errors import QueryError
from shopops.metrics import query
from shopops.metrics.targets import target
from shopops.plan import PlanParams, allocate, build_plan, requirements, save_plan
from shopops.plan.breakdown import DEFAULT_UPLIFTS, PRE_SHARE, each, split_target
from shopops.project import Project
from shopops.sample import SampleSpec, generate

CENT = Decimal("0.01")


# ---------------------------------------------------------------- exact allocation


def test_allocate_by_hand() -> None:
    assert allocate(Decimal("100.00"), [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert allocate(Decimal("10.00"), [1, 3]) == [Decimal("2.50"), Decimal("7.50")]
    # 0.05 over shares 0.45 / 0.55 of 5 cents = 2.25 / 2.75 cents: floors 2 + 2, the cent left to .75
    assert allocate(Decimal("0.05"), [0.45, 0.55]) == [Decimal("0.02"), Decimal("0.03")]
    assert allocate(Decimal("1.00"), [0, 0]) == [Decimal("0.50"), Decimal("0.50")]
    with pytest.raises(ValueError, match="whole number of cents"):
        allocate(Decimal("1.005"), [1])


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(0, 10**13),
    weights=st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=60),
)
def test_allocate_is_exact_and_fair(cents: int, weights: list[float]) -> None:
    total = Decimal(cents) * CENT
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    assert all(p >= 0 and p == p.quantize(CENT) for p in parts)
    whole = sum(weights)
    if whole > 0:  # each part within a cent of its exact share
        for p, w in zip(parts, weights, strict=True):
            assert abs(float(p) - cents * w / whole / 100) <= 0.0100001 + 1e-9 * cents


@settings(max_examples=40, deadline=None)
@given(
    cents=st.integers(1, 10**12),
    fy=st.integers(2020, 2035),
    start_month=st.integers(1, 12),
    pattern=st.sampled_from(PATTERNS),
    view=st.sampled_from(["natural", "month4"]),
    week_start=st.sampled_from([0, 6]),
    seed=st.integers(0, 2**31),
)
def test_every_level_sums_exactly(
    cents: int, fy: int, start_month: int, pattern: str, view: str, week_start: int, seed: int
) -> None:
    """The issue's property: parts sum to their parent, to the cent, at every level, for random targets,
    fiscal start months and calendars (random day weights, some zero)."""
    import random

    rng = random.Random(seed)
    cal = FiscalCalendar(start_month, pattern, week_start, view)  # type: ignore[arg-type]
    year = cal.year(fy)
    weight = {d: (0.0 if rng.random() < 0.05 else rng.lognormvariate(0, 1)) for d in year.dates()}
    total = Decimal(cents) * CENT
    days, spans = split_target(cal, fy, total, weight)
    value = {s.label: v for s, v in spans}
    assert value[year.label] == total and sum(days.values(), Decimal(0)) == total
    for level in LEVELS:
        level_spans = cal.spans(fy, level)
        assert sum((value[s.label] for s in level_spans), Decimal(0)) == total
        for s in level_spans:
            assert value[s.label] == sum((days[d] for d in s.dates()), Decimal(0)), s.label
    children: dict[tuple[str, str], Decimal] = {}
    for s, v in spans:  # each parent equals the sum of its children of each level (the year: halves; weeks)
        if s.parent:
            children[s.parent, s.level] = children.get((s.parent, s.level), Decimal(0)) + v
    assert {level for _, level in children} == {"half", "quarter", "month", "week", "day"}
    for (parent, _), v in children.items():
        assert v == value[parent], parent


# ---------------------------------------------------------------- the default profile, by hand


@pytest.fixture
def empty_shop(project: Project) -> Project:
    """A project with stores but no orders: every plan takes the default profile."""
    return project


def test_default_profile_by_hand(empty_shop: Project) -> None:
    plan = build_plan(empty_shop, PlanParams(2026, target=Decimal("3650000.00"), stores=("tmall",)))
    (sp,) = plan.stores
    assert sp.source == "default profile" and sp.target == Decimal("3650000.00")
    assert any("default profile" in n for n in plan.notes)
    days = plan.days.set_index("date")
    # an ordinary day weighs 1, 双11 6.0, the day before it (pre-sale window) 1 + 5 × 0.25
    ordinary = days.loc[date(2026, 7, 15)]
    assert ordinary["festival"] is None and ordinary["uplift"] == 1.0
    node = days.loc[date(2026, 11, 11)]
    assert (node["festival"], node["phase"], node["uplift"]) == ("double11", "node", DEFAULT_UPLIFTS["double11"])
    assert days.loc[date(2026, 11, 10), "uplift"] == pytest.approx(1 + 5 * PRE_SHARE)
    weights = plan.days["weight"].astype(float)
    per_weight = 3650000 / weights.sum()
    assert float(node["target"]) == pytest.approx(6.0 * per_weight, abs=0.01)
    assert float(ordinary["target"]) == pytest.approx(per_weight, abs=0.01)
    assert sum(plan.days["target"], Decimal(0)) == Decimal("3650000.00")
    months = plan.level("month")
    assert len(months) == 12 and sum(months["target"], Decimal(0)) == Decimal("3650000.00")


def test_given_uplift_and_errors(empty_shop: Project) -> None:
    plan = build_plan(empty_shop, PlanParams(2026, target=Decimal("1000"), stores=("tmall",), uplifts={"618": 10.0}))
    day = plan.days.set_index("date").loc[date(2026, 6, 18)]
    assert (day["uplift"], day["uplift_source"]) == (10.0, "given")
    with pytest.raises(QueryError, match="--target AMOUNT, or --growth"):
        PlanParams(2026)
    with pytest.raises(QueryError, match="not both"):
        PlanParams(2026, target=Decimal("100"), growth=0.1)
    with pytest.raises(QueryError, match=r"at least 0\.01"):
        PlanParams(2026, target=Decimal("0.001"))
    with pytest.raises(QueryError, match="--uplift dbl11: no such festival") as err:
        build_plan(empty_shop, PlanParams(2026, target=Decimal("1"), stores=("tmall",), uplifts={"dbl11": 3.0}))
    assert "double11" in str(err.value.hint)
    with pytest.raises(QueryError, match=r"at least 0\.01"):
        PlanParams(2026, target=Decimal("-1"))
    with pytest.raises(QueryError, match="adds up over days"):
        build_plan(empty_shop, PlanParams(2026, target=Decimal("1"), metric="cvr", stores=("tmall",)))
    with pytest.raises(QueryError, match="last year's actual"):
        build_plan(empty_shop, PlanParams(2026, growth=0.1, stores=("tmall",)))


def test_parse_amount() -> None:
    assert parse_amount("12,000,000") == Decimal("12000000")
    assert parse_amount("1200万") == Decimal("12000000")
    assert parse_amount("1.2亿") == Decimal("120000000.0")
    assert parse_amount("3.5m") == Decimal("3500000.0")
    assert parse_amount("¥500k") == parse_amount("50w") == Decimal("500000")  # the forecast's views parse alike


# ---------------------------------------------------------------- from the sample shop's history


@dataclass
class Shop:
    project: Project
    root: Path


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """Tmall + JD, 2024-12-17 .. 2026-04-30: all of FY2025 (calendar) as history."""
    root = tmp_path_factory.mktemp("plan")
    spec = SampleSpec(stores=2, days=500, seed=21, orders_per_day=40, end_date=date(2026, 4, 30), events_users=0)
    result = generate(spec, out_dir=root / "exports")
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    with Project.init(root / "p", stores=stores) as project:
        for f in (f for f in result.files if f.rows):
            project.import_files([root / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
        yield Shop(project, root)


def _actual_by_month(project: Project, stores: list[str]) -> pd.Series:
    """Last year's paid amount per month, by pandas from the orders table (an independent oracle)."""
    o = project.warehouse.table("orders").execute()
    o = o[o["store"].isin(stores) & o["paid_at"].notna()]
    o = o.assign(day=[pd.Timestamp(t).date() for t in o["paid_at"]])  # stored in the store's local time
    o = o[(o["day"] >= date(2025, 1, 1)) & (o["day"] <= date(2025, 12, 31))]
    o = o.assign(month=[d.month for d in o["day"]], paid=[Decimal(str(v)) for v in o["paid_amount"]])
    return o.groupby("month")["paid"].apply(lambda s: sum(s, Decimal(0)))


def test_zero_growth_reproduces_last_years_months(shop: Shop) -> None:
    """The issue's check: a plan from last year's actuals at 0% growth gives last year's monthly shares
    within one percentage point; its total is last year's actual, to the cent.

    Spring Festival moves from 2025-01-29 to 2026-02-17, and its 年货节 (the three weeks before) with
    it, out of January into February: the plan follows the festival (as it must, see the next tests),
    so those two months are compared together; each other month on its own."""
    plan = build_plan(shop.project, PlanParams(2026, growth=0.0))
    stores = [sp.store for sp in plan.stores]
    actual = _actual_by_month(shop.project, stores)
    year_total = sum(actual, Decimal(0))
    assert plan.total == year_total
    assert all(sp.source == "history FY2025" for sp in plan.stores)
    months = plan.level("month")
    planned = [float(v) / float(year_total) for v in months["target"]]
    last = [float(actual[m]) / float(year_total) for m in range(1, 13)]
    gaps = [abs(a - b) for a, b in zip(planned, last, strict=True)]
    assert max(gaps[2:]) < 0.01, gaps
    assert abs(planned[0] + planned[1] - last[0] - last[1]) < 0.01, gaps
    assert planned[1] > last[1] and planned[0] < last[0]  # the festival's weight went to February
    assert list(months["last_year"]) == [actual[m] for m in range(1, 13)]


def test_festival_weeks_carry_their_uplift(shop: Shop) -> None:
    plan = build_plan(shop.project, PlanParams(2026, target=Decimal("5000000.00")))
    weeks = plan.level("week")
    weeks = weeks[weeks["days"] == 7]
    d11 = weeks[(weeks["start"] <= date(2026, 11, 11)) & (weeks["end"] >= date(2026, 11, 11))].iloc[0]
    july = weeks[(weeks["start"] >= date(2026, 7, 6)) & (weeks["end"] <= date(2026, 7, 26))]  # no festival
    ratio = float(d11["target"]) / float(sum(july["target"], Decimal(0)) / len(july))
    # last year: the 双11 week against the same July weeks, from the actuals
    ly = float(d11["last_year"]) / float(sum(july["last_year"], Decimal(0)) / len(july))
    assert ratio > 1.8 and ratio == pytest.approx(ly, rel=0.2)


def test_moving_festivals_align_on_their_node(shop: Shop) -> None:
    """七夕 is 2025-08-29 and 2026-08-19: this year's 七夕 takes last year's 七夕's uplift."""
    plan = build_plan(shop.project, PlanParams(2026, target=Decimal("5000000.00"), stores=("tmall_flagship",)))
    fest = plan.festivals.set_index("key")
    assert fest.loc["qixi", "node"] == date(2026, 8, 19)
    assert fest.loc["qixi", "aligned_node"] == date(2025, 8, 29)
    assert fest.loc["qixi", "source"] == "history"
    days = plan.days.set_index("date")
    assert days.loc[date(2026, 8, 19), "uplift"] > 1.5  # the sample's 七夕 peak
    assert days.loc[date(2026, 8, 29), "festival"] is None  # last year's date is ordinary this year
    assert days.loc[date(2026, 8, 19), "target"] > Decimal("1.4") * days.loc[date(2026, 8, 29), "target"]


def test_saved_as_targets_and_replanned(shop: Shop, tmp_path: Path) -> None:
    project = shop.project
    plan = build_plan(project, PlanParams(2026, target=Decimal("1000000.00"), stores=("tmall_flagship",)))
    (first,) = save_plan(project, plan, tmp_path)
    rows = 1 + 2 + 4 + 12 + len(plan.calendar.weeks(2026)) + 365
    assert (first.rows_read, first.loaded) == (rows, rows)
    week = plan.level("week", "tmall_flagship").iloc[10]
    assert target(project.warehouse, "paid_amount", week.start, week.end, ["tmall_flagship"]) == week.target
    got = target(project.warehouse, "paid_amount", date(2026, 3, 3), date(2026, 3, 9), ["tmall_flagship"])
    days = plan.days[(plan.days["date"] >= date(2026, 3, 3)) & (plan.days["date"] <= date(2026, 3, 9))]
    assert got == sum(days["target"], Decimal(0))  # any day range: the sum of its days
    again = build_plan(project, PlanParams(2026, target=Decimal("1200000.00"), stores=("tmall_flagship",)))
    (second,) = save_plan(project, again, tmp_path)
    assert (second.superseded, second.loaded) == (rows, rows) and second.balanced
    assert "replacing" in second.line()
    assert target(
        project.warehouse, "paid_amount", date(2026, 1, 1), date(2026, 12, 31), ["tmall_flagship"]
    ) == Decimal("1200000.00")
    # re-planned on a retail 4-5-4 calendar (year 2026-01-04 .. 2027-01-02, Sunday weeks): no row of the
    # earlier plan is left inside the new year, the year's and a week's targets are the new plan's
    retail = build_plan(
        project, PlanParams(2026, target=Decimal("900000.00"), stores=("tmall_flagship",), pattern="454", week_start=6)
    )
    (third,) = save_plan(project, retail, tmp_path)
    year = retail.year
    assert (year.start, year.end) == (date(2026, 1, 4), date(2027, 1, 2))
    stored = project.warehouse.table("targets").execute()
    stored = stored[(stored["store"] == "tmall_flagship") & (stored["metric"] == "paid_amount")]
    first = [pd.Timestamp(v).date() for v in stored["period_start"]]
    last = [pd.Timestamp(v).date() for v in stored["period_end"]]
    overlapping = [a <= year.end and b >= year.start for a, b in zip(first, last, strict=True)]
    assert sum(overlapping) == 1 + 2 + 4 + 12 + 52 + 364 == third.loaded + third.updated + third.unchanged
    # what is left of the earlier plan lies outside the retail year (its days 2026-01-01 .. 01-03)
    assert all(b < year.start or a > year.end for a, b, o in zip(first, last, overlapping, strict=True) if not o)
    assert len(stored) - sum(overlapping) == 3
    assert third.superseded == rows - (len(stored) - sum(overlapping)) and third.balanced
    years = stored[(stored["grain"] == "year") & pd.Series(overlapping, index=stored.index)]
    assert sum((Decimal(str(v)) for v in years["value"]), Decimal(0)) == Decimal("900000.00")
    wk = retail.level("week", "tmall_flagship").iloc[20]
    assert target(project.warehouse, "paid_amount", wk.start, wk.end, ["tmall_flagship"]) == wk.target


def test_what_it_takes(shop: Shop) -> None:
    plan = build_plan(shop.project, PlanParams(2026, target=Decimal("2000000.00"), stores=("tmall_flagship",)))
    given_ = requirements(shop.project, plan, cvr=0.04, aov=200.0)
    m1 = given_.periods[(given_.periods["level"] == "month")].iloc[0]
    buyers = math.ceil(float(m1["target"]) / 200.0)
    assert (m1["buyers"], m1["visitors"], m1["basis"]) == (buyers, math.ceil(buyers / 0.04), "given")
    needs = requirements(shop.project, plan)
    m = needs.periods[needs.periods["level"] == "month"].iloc[2]  # March: from March 2025
    f = query(
        shop.project,
        ["uv", "buyers", "paid_amount"],
        start="2025-03-01",
        end="2025-03-31",
        where={"store": "tmall_flagship"},
    )
    cvr = float(f["buyers"].iloc[0]) / float(f["uv"].iloc[0])
    aov = float(f["paid_amount"].iloc[0]) / float(f["buyers"].iloc[0])
    assert m["cvr"] == pytest.approx(cvr) and m["aov"] == pytest.approx(aov)
    assert m["visitors"] == math.ceil(math.ceil(float(m["target"]) / aov) / cvr)
    ch = needs.channels[needs.channels["label"] == m["label"]]
    assert ch["visitors"].sum() == m["visitors"] and ch["share"].sum() == pytest.approx(1.0)
    for w in each(needs.periods[needs.periods["level"] == "week"].head(8)):  # weeks split too
        wk = needs.channels[(needs.channels["level"] == "week") & (needs.channels["label"] == w.label)]
        assert wk["visitors"].sum() == w.visitors
    roles = needs.roles
    assert sum(roles["target"], Decimal(0)) == Decimal("2000000.00")
    by_month = needs.roles_by_month
    assert sum(by_month["target"], Decimal(0)) == Decimal("2000000.00")
    march = plan.level("month", "tmall_flagship").iloc[2]
    assert sum(by_month[by_month["label"] == march["label"]]["target"], Decimal(0)) == march["target"]
    assert set(needs.products["role"]) <= set(roles["role"])


def test_cli_plan(shop: Shop, tmp_path: Path) -> None:
    root = shop.project.settings.root
    res = CliRunner().invoke(
        app,
        [
            "--project", str(root), "plan", "--fiscal-year", "2026", "--target", "600万", "--store", "jd_store",
            "--weeks", "month4", "--format", "json,xlsx", "--out", str(tmp_path), "--no-save", "--lang", "en",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "FY2026 target 6,000,000.00" in res.output
    data = json.loads(next(tmp_path.glob("plan-FY2026-*.json")).read_text())
    assert data["kind"] == "plan"
    weeks = next(s for s in data["sections"] if s["id"] == "week")["tables"][0]["rows"]
    assert len(weeks) == 48 and round(sum(r["target"] for r in weeks), 2) == 6000000.00
    import openpyxl

    book = openpyxl.load_workbook(next(tmp_path.glob("plan-FY2026-*.xlsx")), read_only=True)
    assert {"月度", "周", "日"} & set(book.sheetnames) or {"Months", "Weeks", "Days"} <= set(book.sheetnames)
    bad = CliRunner().invoke(app, ["--project", str(root), "plan", "--fiscal-year", "2026", "--target", "lots"])
    assert bad.exit_code != 0 and "1200万" in bad.output


def test_cli_plan_json_alone_goes_to_stdout(shop: Shop) -> None:
    """One printable format and no --out: the plan report on stdout, no files (docs/cli.md)."""
    root = shop.project.settings.root
    args = ["--project", str(root), "plan", "--fiscal-year", "2026", "--target", "600万", "-s", "jd_store", "--no-save"]
    res = CliRunner().invoke(app, [*args, "--format", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["kind"] == "plan" and data["stores"] == ["jd_store"]
    months = next(s for s in data["sections"] if s["id"] == "month")["tables"][0]["rows"]
    assert round(sum(r["target"] for r in months), 2) == 6000000.00
    assert list(root.glob("reports/*")) == []


def test_run_plan_python_api(shop: Shop, tmp_path: Path) -> None:
    run = shop.project.plan(
        PlanParams(2026, growth=0.2, stores=("tmall_flagship",)),
        save=False,
        out_dir=tmp_path,
        formats=("md",),
    )
    (sp,) = run.plan.stores
    assert sp.target == (sp.last_year * Decimal("1.2")).quantize(CENT)
    assert run.paths["md"].exists() and run.imports == []
    assert run.report.kind == "plan" and run.needs is not None
    assert run.plan.calendar.year(2026).start == date(2026, 1, 1)
    assert run.plan.level("day", "tmall_flagship")["start"].iloc[0] == date(2026, 1, 1)
    assert run.plan.days["date"].iloc[-1] == date(2026, 1, 1) + timedelta(days=364)


def test_weekly_report_tracks_the_saved_plan(shop: Shop, tmp_path: Path) -> None:
    """Once a plan is saved, the weekly report shows the week's target and the tracking section."""
    from shopops.compositions.periodic import ReportParams, build_report

    project = shop.project
    plan = build_plan(project, PlanParams(2026, target=Decimal("3000000.00"), stores=("jd_store",)))
    save_plan(project, plan, tmp_path)
    report = build_report(project, ReportParams("weekly", day=date(2026, 4, 15), stores=("jd_store",), lang="en"))
    week = plan.level("week", "jd_store")
    goal = week[(week["start"] <= date(2026, 4, 15)) & (week["end"] >= date(2026, 4, 15))]["target"].iloc[0]
    kpi = report.kpi("paid_amount")
    assert kpi.target == goal and kpi.achievement == pytest.approx(float(kpi.value / goal))
    track = report.section("track")
    ytd = plan.days[(plan.days["store"] == "jd_store") & (plan.days["date"] <= date(2026, 4, 19))]
    assert any(f"{sum(ytd['target'], Decimal(0)):,.2f}" in line for line in track.text), track.text
    daily = build_report(project, ReportParams("daily", day=date(2026, 4, 15), stores=("jd_store",), lang="en"))
    assert "track" not in [s.id for s in daily.sections]


def test_demo_plans_the_year(shop: Shop) -> None:
    """`shopops demo` plans the fiscal year holding the newest data (last year + 20%) before the weekly report."""
    from shopops.cli.sample import write_plans

    (html,) = write_plans(shop.project)
    assert html.name == "plan-FY2026-tmall_flagship+jd_store.html" and html.exists()
    rows = shop.project.warehouse.table("targets").execute()
    years = rows[(rows["grain"] == "year") & (rows["period_start"].astype(str) == "2026-01-01")]
    assert len(years) == 2  # one year row per store, together last year's actual + 20%
    last = build_plan(shop.project, PlanParams(2026, growth=0.0)).total
    assert sum((Decimal(str(v)) for v in years["value"]), Decimal(0)) == (last * Decimal("1.2")).quantize(CENT)


def test_calendar_from_shopops_toml(empty_shop: Project) -> None:
    """[calendar] pattern / week_start / weeks of shopops.toml choose the plan's (and tracking's) calendar."""
    from shopops.calendar.fiscal import fiscal_calendar
    from shopops.settings import load_settings

    root = empty_shop.settings.root
    text = (root / "shopops.toml").read_text(encoding="utf-8")
    (root / "shopops.toml").write_text(text + '\n[calendar]\nweeks = "month4"\nweek_start = "sun"\n', encoding="utf-8")
    settings = load_settings(root)
    assert (settings.calendar.weeks, settings.calendar.week_start, settings.calendar.pattern) == (
        "month4",
        "sun",
        "calendar",
    )
    assert 'weeks = "month4"' in settings.to_toml() and "pattern" not in settings.to_toml()
    with Project.open(root) as project:
        plan = build_plan(project, PlanParams(2026, target=Decimal("4800.00"), stores=("tmall",)))
        assert len(plan.level("week")) == 48 and plan.calendar.week_view == "month4"
        natural = build_plan(project, PlanParams(2026, target=Decimal("4800.00"), stores=("tmall",), weeks="natural"))
        assert natural.calendar.week_start == 6  # Sunday weeks from the file, natural from the argument
        assert natural.level("week")["start"].iloc[1] == date(2026, 1, 4)  # 2026-01-04 is a Sunday
        assert fiscal_calendar(project.settings).week_view == "month4"


def test_planning_before_the_year_has_closed(shop: Shop) -> None:
    """Data to 2026-04-30, planning FY2027: FY2026 is not over. Its unknown days are not zeros; the
    shape comes from the 12 months to 2026-04-30 (the older months raised by the growth so far), so
    every month has its share, close to the one a full year of history gives."""
    plan = build_plan(shop.project, PlanParams(2027, target=Decimal("6000000.00")))
    assert all(sp.source == "history 2025-05-01..2026-04-30" and sp.last_year is None for sp in plan.stores)
    assert any("has data only to 2026-04-30" in n and "raised by" in n for n in plan.notes)
    months = plan.level("month")
    full = build_plan(shop.project, PlanParams(2026, target=Decimal("6000000.00"))).level("month")
    gaps = [abs(a - b) for a, b in zip(months["share"], full["share"], strict=True)]
    assert min(months["target"]) > Decimal(0) and max(gaps[2:]) < 0.015, gaps
    # Spring Festival moves from 2026-02-17 to 2027-02-06, its 年货节 partly into January
    assert abs(sum(months["share"][:2]) - sum(full["share"][:2])) < 0.015, gaps
    assert months["last_year"].iloc[4] is None  # 2026-05 is not known yet: n/a, not a part of it
    assert months["last_year"].iloc[3] is not None  # 2026-04 is
    with pytest.raises(QueryError, match="no complete FY2026"):
        build_plan(shop.project, PlanParams(2027, growth=0.1))


def test_docs_python_example_runs(shop: Shop) -> None:
    """docs/plan.md's Python example, run on the test shop (its stores are the demo's CNY stores)."""
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "plan.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert 'Project.open("demo")' in code
    code = code.replace('Project.open("demo")', f"Project.open({str(shop.project.settings.root)!r})")
    code = code.replace('formats=("xlsx",))', f'formats=("xlsx",), out_dir={str(shop.root / "doc")!r})')
    scope: dict[str, object] = {}
    exec(compile(code, "docs/plan.md", "exec"), scope)
    run = scope["run"]
    assert run.plan.total == Decimal("24000000.00") and (shop.root / "doc").is_dir()  # type: ignore[attr-defined]


def test_registered_plan_analysis(empty_shop: Project) -> None:
    """``plan`` in the registry (with track, scorecard and forecast): built over the context's scope, its
    overview presented in zh and en; a bad parameter has a stable code and a hint."""
    from shopops.analyses.base import Context
    from shopops.calendar.period import parse_period
    from shopops.compositions.registry import get
    from shopops.warehouse.scope import Scope

    assert [get(n).name for n in ("track", "scorecard", "plan", "forecast")] == [
        "track",
        "scorecard",
        "plan",
        "forecast",
    ]
    ctx = Context.create(Scope.resolve(empty_shop.warehouse, ["tmall"]), parse_period("FY2026"))
    result, zh = get("plan").run(ctx, PlanParams(2026, target=Decimal("3650000.00")), "zh")
    assert result.total == Decimal("3650000.00") and [sp.store for sp in result.stores] == ["tmall"]
    assert zh is not None and zh.id == "overview" and zh.table("stores").rows[0]["target"] == Decimal("3650000.00")
    en = get("plan").present(result, "en")
    assert en is not None and en.table("stores").columns[1].label != zh.table("stores").columns[1].label
    with pytest.raises(QueryError) as err:
        PlanParams(2026)
    assert err.value.code == "param.invalid" and err.value.hint


def test_cli_notes_keep_their_brackets(shop: Shop, tmp_path: Path) -> None:
    """Issue 12 (12): a note naming a shopops.toml table ("[calendar] holidays_file") is printed whole; Rich
    used to read the brackets as markup and drop them."""
    root = shop.project.settings.root
    res = CliRunner().invoke(
        app,
        ["--project", str(root), "plan", "--fiscal-year", "2027", "--target", "600万", "--store", "jd_store",
         "--format", "json", "--out", str(tmp_path), "--no-save", "--lang", "en"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "[calendar] holidays_file" in res.output  # 2027's official days off are not in the built-in data
