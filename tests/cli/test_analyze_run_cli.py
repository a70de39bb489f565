"""``shopops analyze NAME`` / ``analyze run NAME``: any registered analysis through the registry, on the
hand-computed shop of the product tests; its figures are those of the analysis's own command."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from builders import cli_ok, run_cli
from shopops.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses"))
from product_shop import build_shop

OCTOBER = ("--from", "2026-10-01", "--to", "2026-10-31")


@pytest.fixture
def shop(project: Project, tmp_path: Path) -> Path:
    build_shop(project, tmp_path)
    root = project.settings.root
    project.close()
    return root


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str) -> str:
    return cli_ok(monkeypatch, capsys, *args, cwd=cwd, columns=250)


def test_rfm_through_the_registry_matches_its_command(
    shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    own = json.loads(run(monkeypatch, capsys, shop, "analyze", "rfm", "--as-of", "2026-10-31",
                         "--from", "2026-10-01", "--format", "json"))  # fmt: skip
    tables = json.loads(run(monkeypatch, capsys, shop, "analyze", "run", "rfm", *OCTOBER, "--lang", "en",
                            "--format", "json"))  # fmt: skip
    rows = tables["segments"]
    assert [r["segment"] for r in rows] == [r["segment_en"] for r in own]  # the eight segments, best first
    assert [r["buyers"] for r in rows] == [r["buyers"] for r in own]
    assert [Decimal(str(r["revenue"])) for r in rows] == [Decimal(r["revenue"]) for r in own]
    # ann 70 + 50, bob 110 + 200, cat 180: three buyers, 610.00 in October
    assert sum(r["buyers"] for r in rows) == 3
    assert sum(Decimal(str(r["revenue"])) for r in rows) == Decimal("610.00")


def test_products_through_the_registry_matches_its_command(
    shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    own = json.loads(run(monkeypatch, capsys, shop, "analyze", "products", *OCTOBER, "--view", "pareto",
                         "--format", "json"))  # fmt: skip
    tables = json.loads(run(monkeypatch, capsys, shop, "analyze", "run", "products", *OCTOBER, "--format", "json"))
    top = tables["top20"]
    assert [(r["count"], r["top_count"]) for r in top] == [(r["count"], r["top_count"]) for r in own]
    assert [r["top_sales_share"] for r in top] == pytest.approx([r["top_sales_share"] for r in own])  # (10 digits)
    # products A 60, B 150, C 200, D 200: the top one of four makes 200 / 610; buyers: bob's 310 of 610
    assert [(r["count"], r["top_count"]) for r in top] == [(4, 1), (3, 1)]
    assert [r["top_sales_share"] for r in top] == pytest.approx([200 / 610, 310 / 610])
    roles = {r["sku"]: r["role"] for r in tables["roles"]}
    assert roles["C"] == "定制款" and len(roles) == 4  # the product file's role, in the project's language (zh)
    shown = json.loads(run(monkeypatch, capsys, shop, "analyze", "run", "products", *OCTOBER, "-P", "shown=2",
                           "--format", "json"))  # fmt: skip
    assert len(shown["roles"]) == 2


def test_any_name_and_the_formats(
    shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = run(monkeypatch, capsys, shop, "analyze", "--list")
    assert "rfm" in listed and "RFM segments" in listed and "products" in listed
    md = run(monkeypatch, capsys, shop, "analyze", "run", "products", "--period", "2026-10", "--format", "md")
    assert "## 二八分析与 ABC 分类" in md and "| 对象 | 店铺 | 数量 | 前 20% |" in md
    csv_out = run(monkeypatch, capsys, shop, "analyze", "run", "buyers", "--period", "2026-10", "--format", "csv",
                  "-P", "grain=total", "-P", "windows=30")  # fmt: skip
    assert "# frequency\npurchases,buyers,share,paid_amount\n1,1,0.3333333333333333,180.0" in csv_out
    # a name without a command of its own runs through the generic runner
    kpis = json.loads(run(monkeypatch, capsys, shop, "analyze", "kpis", "--period", "2026-10", "--format", "json"))
    assert {r["metric"]: r["value"] for r in kpis["kpis"]}["支付金额"] == "610.00"
    code, _, err = run_cli(monkeypatch, capsys, "analyze", "run", "rfm", "-P", "depth=3", cwd=shop)
    assert code != 0 and "unknown option depth" in err
