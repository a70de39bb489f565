"""KPI scorecards per role: figures by hand, the config's validation, the section and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.metrics.metric_builders import ADS, TRAFFIC, import_csv

from shopops.errors import ConfigError, QueryError
from shopops.plan.scorecard import (
    DEFAULT_CONFIG,
    SCORE_CAP,
    ScorecardParams,
    kpi_score,
    load_config,
    parse_config,
    scorecard,
    scorecard_section,
)
from shopops.project import Project

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units"

# ---------------------------------------------------------------- a hand-computed shop
#
# 2026-W10 (03-02..03-08) is the previous week, 2026-W11 (03-09..03-15) the one scored.
#                 previous            scored
# paid amount     300 (100 + 200)     600 (150 + 300 + 150); day targets 7 x 100 = 700 -> 600 / 700
# refunds         50 -> 1/6           30 -> 0.05
# visitors        100, 2 buyers 0.02  200, 3 buyers -> cvr 0.015
# ads             1000 imp, 50 clicks, spend 100, sales 300 -> ROAS 3, CPC 2, CTR 0.05
#                 2000 imp, 80 clicks, spend 200, sales 500 -> ROAS 2.5, CPC 2.5, CTR 0.04
# Built-in scorecard:
#   operations  achievement 0.857143 / 1.0 (w 0.7), cvr 0.015 / 0.02 = 0.75 (w 0.3) -> 0.6 + 0.225 = 0.825
#   ads         roas 2.5 / 3 = 0.8333 (w 0.6), cpc lower: 2 / 2.5 = 0.8 (w 0.4)     -> 0.5 + 0.32 = 0.82
#   service     refund rate lower: (1/6) / 0.05 = 3.33, capped at 1.2, met             -> 1.2
#   design      ctr 0.04 / 0.05 = 0.8                                                  -> 0.8


def paid(order_id: str, day: str, amount: int, refund: int = 0) -> tuple:  # type: ignore[type-arg]
    return (order_id, "b" + order_id, f"{day} 10:00:00", f"{day} 10:01:00", amount, amount, refund, 1)


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    p = project_factory("scorecard_shop")
    folder = tmp_path_factory.mktemp("scorecard_files")
    p.add_store("s1", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    p.add_store("s2", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    orders = [paid("1", "2026-03-02", 100), paid("2", "2026-03-04", 200, 50)]
    orders += [paid("3", "2026-03-10", 150), paid("4", "2026-03-11", 300), paid("5", "2026-03-12", 150, 30)]
    import_csv(p, folder, "o.csv", "s1", "orders", ORDERS, orders)
    traffic = [("2026-03-03", "", "", 100, 300, 0, 0, ""), ("2026-03-10", "", "", 200, 600, 0, 0, "")]
    import_csv(p, folder, "t.csv", "s1", "traffic", TRAFFIC, traffic)
    ads = [("2026-03-03", "brand", 1000, 50, 100, 2, 300), ("2026-03-10", "brand", 2000, 80, 200, 3, 500)]
    import_csv(p, folder, "a.csv", "s1", "ads", ADS, ads)
    targets = [("paid_amount", "day", f"2026-03-{d:02d}", f"2026-03-{d:02d}", 100) for d in range(9, 16)]
    import_csv(p, folder, "g.csv", "s1", "targets", "metric,grain,period_start,period_end,value", targets)
    import_csv(p, folder, "o2.csv", "s2", "orders", ORDERS, [paid("9", "2026-03-11", 80)])
    yield p


def by_metric(rows: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["metric"]: r for r in rows}


def test_built_in_scorecard_by_hand(shop: Project) -> None:
    r = scorecard(shop, ScorecardParams(week="2026-W11", stores=("s1",)))
    assert (r.period.start, r.period.end, r.previous.start) == (date(2026, 3, 9), date(2026, 3, 15), date(2026, 3, 2))
    assert r.config.source == "built-in"
    k = by_metric(r.kpis)
    assert k["paid_amount"]["actual"] == pytest.approx(600 / 700) and k["paid_amount"]["target"] == 1.0
    assert k["paid_amount"]["status"] == "missed"
    assert (k["cvr"]["actual"], k["cvr"]["target"], k["cvr"]["score"]) == pytest.approx((0.015, 0.02, 0.75))
    assert (k["roas"]["actual"], k["roas"]["target"]) == pytest.approx((2.5, 3.0))
    assert (k["cpc"]["score"], k["cpc"]["direction"]) == (pytest.approx(0.8), "lower")
    assert (k["refund_rate"]["actual"], k["refund_rate"]["target"]) == pytest.approx((0.05, 1 / 6))
    assert k["refund_rate"]["score"] == SCORE_CAP and k["refund_rate"]["status"] == "met"
    assert k["ctr"]["score"] == pytest.approx(0.8)
    roles = {x["role"]: x for x in r.roles}
    assert roles["operations"]["score"] == pytest.approx(0.7 * 600 / 700 + 0.3 * 0.75)
    assert roles["ads"]["score"] == pytest.approx(0.6 * 2.5 / 3 + 0.4 * 0.8)
    assert roles["service"]["score"] == pytest.approx(1.2) and roles["service"]["met"] == 1
    assert roles["design"]["score"] == pytest.approx(0.8) and roles["design"]["met"] == 0


def test_config_targets_numbers_and_missing_data(shop: Project, tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text(
        """
[[roles]]
key = "ops"
name_zh = "运营"
name_en = "Ops"
[[roles.kpis]]
metric = "paid_amount"
kind = "value"
target = "targets"
weight = 3
[[roles.kpis]]
metric = "refund_rate"
target = 0.04
weight = 1

[[roles]]
key = "ads"
[[roles.kpis]]
metric = "roas"
target = 2
""",
        encoding="utf-8",
    )
    r = scorecard(shop, ScorecardParams(week="2026-W11", stores=("s1",), config=path))
    k = by_metric(r.kpis)
    assert (k["paid_amount"]["actual"], k["paid_amount"]["target"]) == (600.0, 700.0)
    assert k["refund_rate"]["direction"] == "lower"  # the catalogue's good direction
    assert k["refund_rate"]["score"] == pytest.approx(0.04 / 0.05) and k["refund_rate"]["status"] == "missed"
    assert r.roles[0]["score"] == pytest.approx((3 * 600 / 700 + 0.8) / 4)
    assert k["roas"]["score"] == SCORE_CAP and k["roas"]["status"] == "met"  # 2.5 / 2 = 1.25, capped
    # s2 has no ads and no targets: n/a, noted, and no role score
    r2 = scorecard(shop, ScorecardParams(week="2026-W11", stores=("s2",), config=path))
    assert [x["status"] for x in r2.kpis] == ["na", "met", "na"]
    assert r2.roles[1]["score"] is None
    assert any("roas" in n for n in r2.notes) and any("no target" in n for n in r2.notes)
    section = r.section("en")
    assert section.table("roles").rows[0] == {
        "role": "Ops",
        "score": pytest.approx((3 * 600 / 700 + 0.8) / 4),
        "met": "0/2",
    }
    assert section.table("kpis").rows[0]["target"] == "700.00 (targets table)"
    assert section.text[1] == "ads: weighted score 120.00%, 1 of 1 KPIs met."


def test_kpi_score_rules() -> None:
    assert kpi_score(0.9, 1.0, "higher") == pytest.approx(0.9)
    assert kpi_score(2.0, 1.0, "higher") == SCORE_CAP
    assert kpi_score(0.05, 0.04, "lower") == pytest.approx(0.8)
    assert kpi_score(0.0, 0.04, "lower") == SCORE_CAP
    assert kpi_score(None, 1.0, "higher") is None and kpi_score(1.0, None, "lower") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roles = 1", "no \\[\\[roles\\]\\]"),
        (
            "[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'roass'",
            r"roles\[0\] \(a\)\.kpis\[0\]: unknown metric 'roass'",
        ),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'roas'\nkind = 'rate'", "kind must be achievement or value"),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\nkind = 'achievement'", "an achievement needs"),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\ntarget = 'targets'", "targets table holds sums"),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\nweight = -1", "weight must be a positive"),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\nwieght = 1", "unknown key wieght"),
        ("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\ndirection = 'up'", "direction must be higher or lower"),
        ("[[roles]]\nkey = 'a'\nkpis = []", "has no \\[\\[roles.kpis\\]\\]"),
        (
            "[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'\n[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'cvr'",
            "repeated",
        ),
        ("[[roles]\nkey = 'a'", "not valid TOML"),
    ],
)
def test_bad_configs_name_the_file_and_entry(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        parse_config(text, "my/scorecard.toml")
    assert info.value.message.startswith("my/scorecard.toml: ")


def test_config_files(shop: Project, tmp_path: Path) -> None:
    assert [r.key for r in parse_config(DEFAULT_CONFIG, "built-in").roles] == ["operations", "ads", "service", "design"]
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "scorecard.toml").write_text("[[roles]]\nkey = 'x'\n[[roles.kpis]]\nmetric = 'uv'\n", encoding="utf-8")
    assert load_config(None, tmp_path).roles[0].key == "x"
    assert load_config(None, tmp_path / "elsewhere").source == "built-in"
    with pytest.raises(QueryError, match="not both"):
        ScorecardParams(week="2026-W11", month="2026-03")
    with pytest.raises(QueryError, match="ISO week"):
        scorecard(shop, ScorecardParams(week="2026-W60", stores=("s1",)))


def test_section_for_the_weekly_report(shop: Project) -> None:
    start, end = date(2026, 3, 9), date(2026, 3, 15)
    assert scorecard_section(shop, start=start, end=end, stores=("s1",)) is None  # no scorecard.toml
    path = shop.settings.root / "scorecard.toml"
    path.write_text(DEFAULT_CONFIG, encoding="utf-8")
    try:
        section = scorecard_section(shop, start=start, end=end, stores=("s1",), lang="zh", label="2026-W11")
    finally:
        path.unlink()
    assert section is not None and section.id == "scorecard" and section.title == "岗位KPI考核"
    roles = section.table("roles").rows
    assert [r["role"] for r in roles] == ["运营", "推广", "客服", "设计"]
    assert roles[0]["score"] == pytest.approx(0.825) and roles[0]["met"] == "0/2"
    kpis = section.table("kpis").rows
    assert kpis[0]["actual"] == "85.71% (600.00 / 700.00)" and kpis[0]["status"] == "未达标"
    assert [k["role_score"] for k in kpis] == pytest.approx([0.825, 0.825, 0.82, 0.82, 1.2, 0.8])
    assert section.text[2] == "客服：加权得分 120.00%，1/1 项达标。"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "shopops.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_table_and_json(shop: Project, tmp_path: Path) -> None:
    shop.close()  # the command opens the warehouse itself
    root = shop.settings.root
    proc = run_cli("scorecard", "--week", "2026-W11", "--store", "s1", "--lang", "en", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "Operations" in proc.stdout and "82.50%" in proc.stdout and "85.71% (600.00 / 700.00)" in proc.stdout
    proc = run_cli("scorecard", "--week", "2026-W11", "-s", "s1", "--format", "json", "--out", str(tmp_path), cwd=root)
    assert proc.returncode == 0, proc.stderr
    (path,) = tmp_path.glob("scorecard-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == "scorecard" and data["period"]["label"] == "2026-W11"
    assert data["sections"][0]["tables"][0]["rows"][1]["score"] == pytest.approx(0.82)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[roles]]\nkey = 'a'\n[[roles.kpis]]\nmetric = 'nope'\n", encoding="utf-8")
    proc = run_cli("scorecard", "--config", str(bad), "-s", "s1", cwd=root)
    assert proc.returncode == 2 and "bad.toml: roles[0] (a).kpis[0]: unknown metric 'nope'" in proc.stderr
    assert run_cli("scorecard", "--show-default", cwd=root).stdout == DEFAULT_CONFIG


def test_periods_beyond_the_data(shop: Project) -> None:
    """Data ends 2026-03-12: W12 has nothing to score (refused, a complete week suggested); W11 runs to
    03-15, so its actuals cover 4 of 7 days, which a note says."""
    from shopops.errors import QueryError

    with pytest.raises(QueryError, match="after the newest data day 2026-03-12") as err:
        scorecard(shop, ScorecardParams(week="2026-W12", stores=("s1",)))
    assert "2026-W10" in str(err.value.hint)
    r = scorecard(shop, ScorecardParams(week="2026-W11", stores=("s1",)))
    assert any("actuals cover 4 of its 7 days" in n for n in r.notes)


# ---------------------------------------------------------------- a month compared with the month before
#
# Regression: a monthly report's scorecard compared March with the 31 days before it (Jan 29 – Feb 28)
# while the rest of the report compares it with February (Feb 1 – 28). Paid amount: 400 on 01-30 (in the
# 31 days, not in February), 250 on 02-10, 300 on 03-05. "At least last period" targets February's 250.00.

CARD = """
[[roles]]
key = "ops"
name_zh = "运营"
name_en = "Ops"
[[roles.kpis]]
metric = "paid_amount"
kind = "value"
target = "previous"
"""


@pytest.fixture(scope="module")
def months_shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = project_factory("scorecard_months")
    folder = tmp_path_factory.mktemp("scorecard_months")
    p.add_store("s1", platform="tmall", currency="CNY", timezone="Asia/Shanghai")
    orders = [paid("1", "2026-01-30", 400), paid("2", "2026-02-10", 250), paid("3", "2026-03-05", 300)]
    import_csv(p, folder, "o.csv", "s1", "orders", ORDERS, orders)
    (p.settings.root / "scorecard.toml").write_text(CARD, encoding="utf-8")
    return p


def test_a_month_is_compared_with_the_month_before(months_shop: Project) -> None:
    from shopops.analyses.base import Context
    from shopops.calendar.period import parse_period
    from shopops.plan.scorecard import ANALYSIS, report_section
    from shopops.warehouse.scope import Scope

    march = parse_period("2026-03")
    ctx = Context.create(Scope.resolve(months_shop.warehouse, ["s1"]), march, lang="en")
    result = ANALYSIS.build(ctx, ScorecardParams())
    assert (result.previous.start, result.previous.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert by_metric(result.kpis)["paid_amount"]["target"] == 250.0
    section = report_section(ctx)
    assert section is not None and section.table("kpis").rows[0]["target"] == "250.00 (previous period)"
    # the keyword entry point agrees
    old = scorecard_section(months_shop, start=march.start, end=march.end, stores=("s1",), lang="en", label="2026-03")
    assert old is not None and old.table("kpis").rows[0]["target"] == "250.00 (previous period)"
    by_month = scorecard(months_shop, ScorecardParams(month="2026-03", stores=("s1",)))
    assert (by_month.previous.start, by_month.previous.end) == (date(2026, 2, 1), date(2026, 2, 28))
