"""``shopops report``: which stores, how many reports, where the output goes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builders import cli_ok, run_cli
from shopops.project import Project

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount\n"


@pytest.fixture(scope="module")
def two_currencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CNY store (cn: 100 + 50 paid in 2026-W11) and a USD store (us: 30 paid)."""
    root = tmp_path_factory.mktemp("two_currencies") / "p"
    stores = [{"name": "cn", "platform": "tmall"}, {"name": "us", "platform": "shopify", "currency": "USD"}]
    with Project.init(root, stores=stores) as project:
        rows = {
            "cn": [
                "c1,a,2026-03-10 10:00,2026-03-10 10:00,100.00,100.00",
                "c2,b,2026-03-11 10:00,2026-03-11 10:00,50,50",
            ],
            "us": ["u1,x,2026-03-12 10:00,2026-03-12 10:00,30.00,30.00"],
        }
        for store, lines in rows.items():
            path = root / f"{store}.csv"
            path.write_text(ORDERS + "\n".join(lines) + "\n", encoding="utf-8")
            project.import_files([path], store=store, source="generic", kind="orders")
    return root


def _paid(path: Path) -> tuple[list[str], str, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    paid = next(k for k in data["kpis"] if k["metric"] == "paid_amount")["value"]
    return data["stores"], data["currency"], paid


def test_all_stores_gives_one_report_per_currency(
    two_currencies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    week = ("report", "weekly", "--week", "2026-W11", "--format", "json", "--lang", "en")
    cli_ok(monkeypatch, capsys, *week, "--all-stores", "--out", str(tmp_path / "all"), cwd=two_currencies)
    files = sorted((tmp_path / "all").iterdir())
    assert [f.name for f in files] == ["weekly-2026-W11-cn-en.json", "weekly-2026-W11-us-en.json"]
    assert [_paid(f) for f in files] == [(["cn"], "CNY", 150.0), (["us"], "USD", 30.0)]
    # leaving out --store is the same: every store of the project, one report per currency
    cli_ok(monkeypatch, capsys, *week, "--out", str(tmp_path / "none"), cwd=two_currencies)
    same = sorted((tmp_path / "none").iterdir())
    assert [(f.name, _paid(f)) for f in same] == [(f.name, _paid(f)) for f in files]
    code, _, err = run_cli(monkeypatch, capsys, *week, "--all-stores", "--store", "cn", cwd=two_currencies)
    assert code == 2 and "give --store or --all-stores, not both" in err


def test_one_printable_format_without_out_goes_to_stdout_and_writes_nothing(
    two_currencies: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    week = ("report", "weekly", "--week", "2026-W11", "--lang", "en")
    out = cli_ok(monkeypatch, capsys, *week, "--store", "cn", "--format", "json", cwd=two_currencies)
    data = json.loads(out)  # stdout holds the document and nothing else
    assert (data["stores"], data["currency"]) == (["cn"], "CNY")
    assert next(k for k in data["kpis"] if k["metric"] == "paid_amount")["value"] == 150.0
    md = cli_ok(monkeypatch, capsys, *week, "--format", "md", cwd=two_currencies)
    assert [line for line in md.splitlines() if line.startswith("# ")] == [
        "# cn Weekly report 2026-W11",
        "# us Weekly report 2026-W11",
    ]
    assert not (two_currencies / "reports").exists()
    code, out, err = run_cli(monkeypatch, capsys, *week, "--format", "json", cwd=two_currencies)
    assert (code, out) == (2, "")
    assert "2 reports (one per currency)" in err and "--store, or write the files with --out DIR" in err
    # a list of formats, or html/xlsx, are files: in PROJECT/reports without --out
    listed = cli_ok(monkeypatch, capsys, *week, "--store", "us", "--format", "md,json", cwd=two_currencies)
    assert sorted(p.name for p in (two_currencies / "reports").iterdir()) == [
        "weekly-2026-W11-us-en.json",
        "weekly-2026-W11-us-en.md",
    ]
    assert "weekly-2026-W11-us-en.md" in listed
