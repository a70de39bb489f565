"""``shopops import`` for a store not yet in shopops.toml: the store gets the export format's platform."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from builders import cli_ok, order, run_cli, tmall_report_csv, write_csv

ROOT = Path(__file__).resolve().parents[2]
TMALL = ROOT.parent / "shared" / "data" / "tmall_order_report" / "tmall_order_report.csv"

JD = ["订单号", "商品ID", "订购数量", "下单时间", "付款确认时间", "京东价", "订单金额", "应付金额", "订单状态"]
SHOPIFY = ["Name", "Email", "Financial Status", "Paid at", "Subtotal", "Total", "Created at"]
SHOPIFY += ["Lineitem quantity", "Lineitem name", "Lineitem price"]


def _store(root: Path, name: str) -> tuple[str, str]:
    config = tomllib.loads((root / "shopops.toml").read_text(encoding="utf-8"))
    found = next(s for s in config["stores"] if s["name"] == name)
    return found["platform"], found["currency"]


def _jd(path: Path) -> Path:
    return write_csv(
        path, JD, [["J1", "100", "1", "2024-01-01 10:00:00", "2024-01-01 10:05:00", "50", "50", "50", "完成"]]
    )


def _shopify(path: Path) -> Path:
    row = ["#1001", "a@x.com", "paid", "2024-01-01 10:05:00 -0500", "20.00", "20.00", "2024-01-01 10:00:00 -0500"]
    return write_csv(path, SHOPIFY, [[*row, "1", "Mug", "20.00"]])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: tmall_report_csv(p, [order(1), order(2, total="30.00", refund="10.00")]), ("tmall", "CNY")),
        (_jd, ("jd", "CNY")),
        (_shopify, ("shopify", "USD")),
    ],
    ids=["tmall_report", "jd", "shopify"],
)
def test_a_store_added_by_an_import_gets_the_detected_platform(
    make: object,
    expected: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    path = make(root / "export.csv")  # type: ignore[operator]
    out = cli_ok(monkeypatch, capsys, "import", str(path), "--store", "new", cwd=root)
    assert "rows read" in out and "quarantined 0" in out
    assert _store(root, "new") == expected
    # --platform still wins
    cli_ok(monkeypatch, capsys, "import", str(path), "--store", "mine", "--platform", "douyin", cwd=root)
    assert _store(root, "mine")[0] == "douyin"


def test_a_generic_file_adds_a_store_of_platform_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    data = write_csv(root / "o.csv", ["order_id", "created_at", "paid_amount"], [["A1", "2024-05-20 10:00", "9.50"]])
    cli_ok(monkeypatch, capsys, "import", str(data), "--store", "g", "--kind", "orders", cwd=root)
    assert _store(root, "g") == ("other", "CNY")


@pytest.mark.skipif(not TMALL.exists(), reason="../shared/data is not beside the repo")
def test_the_real_tmall_order_report_adds_a_tmall_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    out = cli_ok(monkeypatch, capsys, "import", str(TMALL), "--store", "tm", cwd=root)
    assert "(tmall_report, utf-8, import #1): rows read 28,010 = loaded 28,010" in out
    assert _store(root, "tm") == ("tmall", "CNY")


@pytest.mark.skipif(not TMALL.exists(), reason="../shared/data is not beside the repo")
def test_the_wrong_source_names_the_one_the_headers_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"), "--store", "tm:tmall")
    code, _, err = run_cli(
        monkeypatch, capsys, "import", str(TMALL), "-s", "tm", "--source", "tmall", cwd=tmp_path / "p"
    )
    assert code == 3
    assert "missing required column(s) '买家会员名', '订单状态' for source 'tmall'" in err
    assert "this file's headers are those of tmall_report (天猫订单报表" in err
    assert "hint: import it with --source tmall_report or without --source" in err
