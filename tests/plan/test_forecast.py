"""The baseline forecast (festival spike and weekly shape recovered from a synthetic shop), its
backtest and errors; reconciliation against hand-computed figures; ``shopops forecast``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shopops.calendar.festivals import Festival
from shopops.errors import ConfigError, InputError, NotAvailableError, QueryError
from shopops.plan.forecast import Events, ForecastParams, ForecastResult, backtest_window, forecast, seasonal_naive
from shopops.plan.reconcile import parse_view, reconcile, target_months
from shopops.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from builders import cli_ok, order, tmall_report_csv

FIRST, LAST = date(2023, 7, 1), date(2025, 12, 31)  # 915 days of history
BASE, WEEKEND, SPIKE = 1000.0, 1.3, 3.0


def shop_value(d: date) -> float:
    """The synthetic shop's paid amount: weekends ×1.3, the 618 node ×3, a gentle deterministic wiggle."""
    value = BASE * (WEEKEND if d.weekday() >= 5 else 1.0) * (1 + 0.02 * np.sin(d.toordinal()))
    return round(value * (SPIKE if (d.month, d.day) == (6, 18) else 1.0), 2)


def import_days(project: Project, folder: Path, first: date, last: date, store: str = "tmall") -> None:
    rows = []
    for i in range((last - first).days + 1):
        d = first + timedelta(days=i)
        stamp = f"{d} 10:00:00"
        rows.append(order(f"{store}{i}", total=f"{shop_value(d):.2f}", created=stamp, paid_at=stamp))
    path = tmall_report_csv(folder / f"{store}.csv", rows)
    project.import_files([path], store=store, source="tmall_report")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("forecast")
    stores = [
        {"name": "tmall", "platform": "tmall"},
        {"name": "short", "platform": "jd"},
        {"name": "shop", "platform": "shopify", "currency": "GBP", "timezone": "Europe/London"},
    ]
    project = Project.init(root / "p", stores=stores)
    import_days(project, root, FIRST, LAST)
    import_days(project, root, date(2025, 9, 1), LAST, store="short")  # 122 days
    yield project
    project.close()


@pytest.fixture(scope="module")
def result(shop: Project) -> ForecastResult:
    """One fit for the module: FY2026 (calendar year) for the long store."""
    return forecast(shop, ForecastParams(store="tmall", start=date(2026, 1, 1), end=date(2026, 12, 31)))


# ---------------------------------------------------------------- the forecast


def test_the_festival_spike_is_forecast_on_next_years_node(result: ForecastResult) -> None:
    daily = result.daily.set_index("date")["forecast"]
    node = daily[date(2026, 6, 18)]  # a Thursday
    ordinary = daily[[date(2026, 7, 8), date(2026, 7, 9), date(2026, 7, 15), date(2026, 7, 16)]].mean()  # Wed/Thu
    assert 2.3 < node / ordinary < 3.7  # the true lift is 3.0; Prophet shrinks festival effects toward 0


def test_the_weekly_shape_is_kept(result: ForecastResult) -> None:
    frame = result.daily.assign(weekday=[d.weekday() for d in result.daily["date"]])
    ordinary = frame[[d.month in (3, 4, 8, 9) for d in frame["date"]]]  # months without festival windows
    by_day = ordinary.groupby("weekday")["forecast"].mean()
    assert by_day[[5, 6]].mean() / by_day[[0, 1, 2, 3, 4]].mean() == pytest.approx(WEEKEND, abs=0.08)
    assert by_day[[0, 1, 2, 3, 4]].mean() == pytest.approx(BASE, rel=0.08)


def test_the_result_holds_days_bounds_months_and_backtest(result: ForecastResult) -> None:
    daily = result.daily
    assert list(daily.columns) == ["date", "store", "forecast", "lower", "upper"]
    assert (daily["date"].iloc[0], daily["date"].iloc[-1], len(daily)) == (date(2026, 1, 1), date(2026, 12, 31), 365)
    assert ((daily["lower"] <= daily["forecast"]) & (daily["forecast"] <= daily["upper"])).all()
    months = result.months()
    assert list(months["month"]) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert all(isinstance(v, Decimal) and v == v.quantize(Decimal("0.01")) for v in months["forecast"])
    assert abs(result.total() - Decimal(str(daily["forecast"].sum()))) < Decimal("0.06")  # 12 roundings
    (bt,) = result.backtests
    assert (bt.start, bt.end) == (date(2025, 10, 1), date(2025, 12, 31))  # the last full quarter
    actual = sum(shop_value(bt.start + timedelta(days=i)) for i in range(92))
    assert bt.actual == Decimal(f"{actual:.2f}")
    assert bt.mape < 0.05 and abs(bt.total_error) < 0.03  # a clean series: the model nearly recovers it
    assert result.history == {"tmall": (FIRST, LAST)}
    assert "Prophet" in result.model


def test_amounts_of_different_currencies_are_not_added(result: ForecastResult) -> None:
    mixed = replace(result, currencies={"tmall": "CNY", "shop": "GBP"})
    with pytest.raises(NotAvailableError, match="different currencies"):
        mixed.total()
    with pytest.raises(NotAvailableError, match="different currencies"):
        mixed.months()


def test_errors_say_what_is_needed(shop: Project) -> None:
    with pytest.raises(NotAvailableError, match=r"short: a forecast needs at least 182 days .* it has 122 "):
        forecast(shop, ForecastParams(store="short"))
    with pytest.raises(ConfigError, match="cannot forecast cvr"):
        forecast(shop, ForecastParams(metric="cvr", store="tmall"))
    with pytest.raises(ConfigError, match="unknown store 'nope'"):
        forecast(shop, ForecastParams(store="nope"))
    with pytest.raises(ConfigError, match="not both"):
        ForecastParams(end=date(2026, 1, 1), horizon_days=10)


def test_a_forecast_inside_the_history_learns_only_before_its_start(shop: Project) -> None:
    r = forecast(shop, ForecastParams(store="tmall", start=date(2025, 7, 1), horizon_days=30))
    assert r.history == {"tmall": (FIRST, date(2025, 6, 30))}
    assert (r.backtests[0].start, r.backtests[0].end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert r.notes == [
        "tmall: the data runs to 2025-12-31, past the forecast's start 2025-07-01; the forecast learns only "
        "from the days before 2025-07-01 (what that history predicted), so it can be read against them"
    ]
    actual = np.array([shop_value(d) for d in r.daily["date"]])
    assert np.mean(np.abs(r.daily["forecast"] - actual) / actual) < 0.05


def test_backtest_window() -> None:
    def series(first: str, last: str) -> pd.Series:
        return pd.Series(1.0, index=pd.date_range(first, last))

    assert backtest_window(series("2024-11-01", "2026-10-31")) == (date(2026, 7, 1), date(2026, 9, 30))
    assert backtest_window(series("2024-11-01", "2026-09-30")) == (date(2026, 7, 1), date(2026, 9, 30))
    assert backtest_window(series("2026-05-01", "2026-10-31")) == (date(2026, 8, 2), date(2026, 10, 31))


def test_seasonal_naive_aligns_festivals_by_festival_not_date() -> None:
    # 七夕-like: node 2025-08-29 (Friday), next year 2026-08-19 (Wednesday); 3-day pre-window
    f25 = Festival(
        "qixi", "七夕", "Qixi", date(2025, 8, 29), date(2025, 8, 26), date(2025, 8, 29), "lunar", frozenset({"cn"})
    )
    f26 = Festival(
        "qixi", "七夕", "Qixi", date(2026, 8, 19), date(2026, 8, 16), date(2026, 8, 19), "lunar", frozenset({"cn"})
    )
    events = Events("cn", (f25, f26), frozenset(), frozenset())
    index = pd.date_range("2025-06-01", "2026-06-30")
    train = pd.Series(np.arange(len(index), dtype=float), index=index)
    future = pd.date_range("2026-08-18", "2026-08-21")
    got = seasonal_naive(train, future, events, growth=False)
    at = {d.date(): v for d, v in train.items()}
    assert list(got) == [
        at[date(2025, 8, 28)],  # one day before the node, a year before
        at[date(2025, 8, 29)],  # the node
        at[date(2026, 8, 20) - timedelta(days=364)],  # outside the window: same weekday a year back
        at[date(2026, 8, 21) - timedelta(days=364)],
    ]


# ---------------------------------------------------------------- reconciliation (hand-computed)

VIEWS = {"sales": Decimal("12000000"), "finance": Decimal("9000000"), "market": Decimal("10800000")}


def test_median_is_the_middle_pair_and_shown() -> None:
    r = reconcile(Decimal("10000000"), VIEWS)
    # sorted: 9.0M, 10.0M, 10.8M, 12.0M -> (10.0M + 10.8M) / 2
    assert r.target == Decimal("10400000.00")
    assert [(ln.name, ln.weight) for ln in r.lines] == [
        ("baseline", Decimal("0.5")), ("sales", 0), ("finance", 0), ("market", Decimal("0.5")),
    ]  # fmt: skip
    assert [ln.diff for ln in r.lines] == [0, Decimal("2000000"), Decimal("-1000000"), Decimal("800000")]
    assert [ln.diff_pct for ln in r.lines] == [0.0, 0.2, -0.1, 0.08]
    assert r.formula == "0.5 × 10,000,000.00 + 0.5 × 10,800,000.00 = 10,400,000.00"
    assert r.explain("en")[0].startswith("Proposed target = the median of the 4 numbers")
    assert r.explain("zh")[1] == "计算：0.5 × 10,000,000.00 + 0.5 × 10,800,000.00 = 10,400,000.00"


def test_median_ignores_one_wild_view() -> None:
    r = reconcile(Decimal("100"), {"sales": Decimal("1000"), "finance": Decimal("90")})
    assert r.target == Decimal("100.00")


def test_mean_and_weighted() -> None:
    assert reconcile(Decimal("10000000"), VIEWS, "mean").target == Decimal("10450000.00")  # 41.8M / 4
    assert reconcile(Decimal("100"), {"a": Decimal("130"), "b": Decimal("90")}, "mean").target == Decimal("106.67")
    weights = {"baseline": Decimal(2), "market": Decimal(0)}  # sales and finance: 1 each
    r = reconcile(Decimal("10000000"), VIEWS, "weighted", weights)
    assert [ln.weight for ln in r.lines] == [Decimal("0.5"), Decimal("0.25"), Decimal("0.25"), 0]
    assert r.target == Decimal("10250000.00")  # (2×10 + 12 + 9) / 4 M
    assert r.formula == "0.5 × 10,000,000.00 + 0.25 × 12,000,000.00 + 0.25 × 9,000,000.00 = 10,250,000.00"


def test_reconcile_errors() -> None:
    with pytest.raises(ConfigError, match="unknown method"):
        reconcile(Decimal(1), VIEWS, "vote")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no views"):
        reconcile(Decimal(1), {})
    with pytest.raises(ConfigError, match="weights apply to --method weighted"):
        reconcile(Decimal(1), VIEWS, "median", {"sales": Decimal(2)})
    with pytest.raises(ConfigError, match="weight for boss, which is not a view"):
        reconcile(Decimal(1), VIEWS, "weighted", {"boss": Decimal(2)})
    with pytest.raises(ConfigError, match="cannot be named 'baseline'"):
        reconcile(Decimal(1), {"baseline": Decimal(2)})


def test_target_split_in_the_baselines_shape() -> None:
    split = target_months(Decimal("1000.00"), {"2026-01": Decimal(1), "2026-02": Decimal(1), "2026-03": Decimal(1)})
    assert split == {"2026-01": Decimal("333.33"), "2026-02": Decimal("333.33"), "2026-03": Decimal("333.34")}


def test_views_from_numbers_and_files(tmp_path: Path) -> None:
    months = ["2026-01", "2026-02", "2026-03"]
    assert parse_view("sales=12,000,000", months).amount == Decimal("12000000")
    assert parse_view("sales=1200万", months).amount == parse_view("sales=0.12亿", months).amount == Decimal("12000000")
    good = tmp_path / "finance.csv"
    good.write_text('月份,金额\n2026-01,100.50\n2026/3,200\n2,"1,000"\n', encoding="utf-8")
    view = parse_view(f"finance={good}", months)
    assert (view.amount, dict(view.months or {})) == (
        Decimal("1300.50"), {"2026-01": Decimal("100.50"), "2026-02": Decimal("1000"), "2026-03": Decimal("200")},
    )  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text("month,amount\n2026-01,1\n2027-05,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv, row 3, column 'month': month '2027-05' is not one of"):
        parse_view(f"finance={bad}", months)
    with pytest.raises(InputError, match="neither a number nor an existing file"):
        parse_view("market=twelve", months)
    with pytest.raises(ConfigError, match="expected NAME=NUMBER"):
        parse_view("12000000", months)


# ---------------------------------------------------------------- the command


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    return cli_ok(monkeypatch, capsys, "--project", str(root), *args, cwd=root, columns=250)


def test_cli_json_and_table(
    shop: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = shop.settings.root
    views = tmp_path / "finance.csv"
    views.write_text("month,amount\n" + "".join(f"2026-{m:02d},30000\n" for m in range(1, 13)), encoding="utf-8")
    args = [
        "forecast",
        "--fiscal-year",
        "2026",
        "--store",
        "tmall",
        "--view",
        "sales=500000",
        "--view",
        f"finance={views}",
    ]
    doc = json.loads(run(monkeypatch, capsys, root, *args, "--format", "json"))
    assert (doc["period"]["start"], doc["period"]["end"]) == ("2026-01-01", "2026-12-31")
    baseline = Decimal(doc["reconciliation"]["baseline"])
    assert baseline == sum(Decimal(m["baseline"]) for m in doc["months"])
    # three numbers: 360,000 (finance), the baseline (about 400,000), 500,000 (sales): the median is the baseline
    assert Decimal("360000") < baseline < Decimal("500000")
    assert Decimal(doc["reconciliation"]["target"]) == baseline
    assert [v["name"] for v in doc["reconciliation"]["views"]] == ["baseline", "sales", "finance"]
    assert doc["months"][0]["finance"] == "30000" and len(doc["daily"]) == 365
    written = run(monkeypatch, capsys, root, *args, "--format", "json", "--out", str(tmp_path / "f.json"))
    assert written == f"written {tmp_path / 'f.json'}\n"  # --out writes the file (docs/cli.md), stdout says where
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))["months"] == doc["months"]
    table = run(monkeypatch, capsys, root, *args, "--lang", "en", "--method", "mean")
    assert (
        "proposed target" in table
        and "Computed: 0.3333 ×" in table
        and "tmall: backtest 2025-10-01..2025-12-31" in table
    )
    zh = run(monkeypatch, capsys, root, *args, "--method", "weighted", "--weight", "baseline=2")
    assert "建议目标 = 3 个数按给定权重的加权平均" in zh and "计算：0.5 ×" in zh


def test_registered_analysis_over_the_context_period(shop: Project) -> None:
    """``forecast`` in the registry: the context's period is the forecast's, its scope the stores; the
    section has the months in a table and a chart, zh without English words and en without Chinese."""
    import re

    from shopops.analyses.base import Context
    from shopops.calendar.period import parse_period
    from shopops.compositions.registry import get
    from shopops.plan.forecast import ANALYSIS
    from shopops.warehouse.scope import Scope

    assert get("forecast") is ANALYSIS
    ctx = Context.create(Scope.resolve(shop.warehouse, ["tmall"]), parse_period("2026-Q1"))
    result, zh = ANALYSIS.run(ctx, ForecastParams(), "zh")
    en = ANALYSIS.present(result, "en")
    assert (result.start, result.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert zh is not None and [r["month"] for r in zh.table("months").rows] == ["2026-01", "2026-02", "2026-03"]
    assert zh.table("months").rows[0]["total"] == result.months()["forecast"].iloc[0]
    assert zh.charts[0].table == "months" and zh.charts[0].y == ("tmall",)
    words = [zh.title, *zh.text, *zh.notes, *(c.label for c in zh.table("months").columns)]
    assert not re.search("[A-Za-z]{2,}", " ".join(words).replace("tmall", ""))
    words = [en.title, *en.text, *en.notes, *(c.label for c in en.table("months").columns)]
    assert not re.search("[\u4e00-\u9fff]", " ".join(words))
    with pytest.raises(QueryError) as err:
        ForecastParams(horizon_days=0)
    assert err.value.code == "param.invalid" and err.value.hint
