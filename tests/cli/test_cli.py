"""The CLI end to end, as a user runs it: a real process, a real project folder."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TMALL = ROOT.parent / "shared" / "data" / "tmall_order_report" / "tmall_order_report.csv"


def shopops(*args: str, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "shopops.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_help_is_instant_and_lists_commands(tmp_path: Path) -> None:
    out = shopops("--help", cwd=tmp_path).stdout
    for command in ("init", "import", "imports", "quarantine", "sources", "summary", "sample", "demo"):
        assert command in out


def test_init_writes_config_and_warehouse(tmp_path: Path) -> None:
    shopops("init", "shop", "--store", "tm:tmall", "--store", "us:shopify:USD:America/New_York", cwd=tmp_path)
    config = tomllib.loads((tmp_path / "shop" / "shopops.toml").read_text(encoding="utf-8"))
    assert config["project"]["language"] == "zh"
    assert [(s["name"], s["platform"], s["currency"], s["timezone"]) for s in config["stores"]] == [
        ("tm", "tmall", "CNY", "Asia/Shanghai"),
        ("us", "shopify", "USD", "America/New_York"),
    ]
    assert (tmp_path / "shop" / "warehouse.duckdb").exists()
    again = shopops("init", "shop", cwd=tmp_path, ok=False)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_commands_outside_a_project_say_how_to_start(tmp_path: Path) -> None:
    proc = shopops("imports", cwd=tmp_path, ok=False)
    assert proc.returncode == 2
    assert "shopops init" in proc.stderr


@pytest.mark.skipif(not TMALL.exists(), reason="../shared/data is not beside the repo")
def test_import_summary_adds_up_and_reimport_changes_nothing(tmp_path: Path) -> None:
    shopops("init", "p", "--store", "tm:tmall", cwd=tmp_path)
    project = tmp_path / "p"
    first = shopops("import", str(TMALL), "--store", "tm", cwd=project).stdout
    assert "rows read 28,010 = loaded 28,010 + updated 0 + unchanged 0 + quarantined 0" in first
    second = shopops("import", str(TMALL), "--store", "tm", cwd=project).stdout
    assert "rows read 28,010 = loaded 0 + updated 0 + unchanged 28,010 + quarantined 0" in second
    imports = shopops("imports", cwd=project).stdout
    assert "tmall_report" in imports and "28010" in imports
    summary = shopops("summary", cwd=project).stdout
    assert "2,474,823.07" in summary and "572,335.92" in summary
    assert "not available" in summary  # no buyer id in this export


def test_a_header_only_file_says_it_held_no_rows(tmp_path: Path) -> None:
    """Issue 12 (12): a file with its header and no row imports nothing, and says so."""
    shopops("init", "p", "--store", "tm:tmall", cwd=tmp_path)
    project = tmp_path / "p"
    csv = project / "orders.csv"
    csv.write_text("订单编号,总金额,买家实际支付金额,收货地址 ,订单创建时间,订单付款时间 ,退款金额\n", encoding="utf-8")
    done = shopops("import", str(csv), "--store", "tm", cwd=project)
    assert "rows read 0 = loaded 0" in done.stdout
    assert "the file held no rows (only its header): nothing was imported" in done.stderr


def test_bad_rows_are_quarantined_and_listed(tmp_path: Path) -> None:
    shopops("init", "p", "--store", "tm:tmall", cwd=tmp_path)
    project = tmp_path / "p"
    csv = project / "orders.csv"
    csv.write_text(
        "订单编号,总金额,买家实际支付金额,收货地址 ,订单创建时间,订单付款时间 ,退款金额\n"
        "1,10.00,10.00,上海,2020-02-01 10:00:00,2020-02-01 10:01:00,0\n"
        "2,￥abc,0,上海,2020-02-01 10:00:00,,0\n"
        "3,5.00,5.00,北京,2020-13-01 10:00:00,2020-02-01 10:01:00,0\n",
        encoding="gbk",
    )
    done = shopops("import", str(csv), "--store", "tm", cwd=project)
    out = done.stdout
    assert "rows read 3 = loaded 1 + updated 0 + unchanged 0 + quarantined 2" in out
    assert "`shopops quarantine --import 1`" in done.stderr  # the real import number (issue 12, item 12)
    listing = shopops("quarantine", "--format", "csv", cwd=project).stdout.splitlines()
    assert listing[0] == "import_id,file,row,column,value,reason"
    assert any(",2,总金额,￥abc," in line for line in listing)
    assert any(",3,订单创建时间,2020-13-01 10:00:00," in line for line in listing)


def test_unknown_format_names_columns_and_exits_nonzero(tmp_path: Path) -> None:
    shopops("init", "p", "--store", "tm:tmall", cwd=tmp_path)
    project = tmp_path / "p"
    odd = project / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    proc = shopops("import", str(odd), "--store", "tm", cwd=project, ok=False)
    assert proc.returncode == 3
    assert "odd.csv" in proc.stderr and "'foo', 'bar'" in proc.stderr and "--suggest-mapping" in proc.stderr
    debug = shopops("--debug", "import", str(odd), "--store", "tm", cwd=project, ok=False)
    assert "Traceback" in debug.stderr


def test_suggest_mapping_then_import_with_it(tmp_path: Path) -> None:
    shopops("init", "p", "--store", "shop:other", cwd=tmp_path)
    project = tmp_path / "p"
    data = project / "erp.csv"
    data.write_text(
        "订单号,下单时间,实付金额,买家,省份\nA1,2024-05-20 10:00,99.50,ann,浙江省\nA2,2024-05-20 11:00,20.00,bob,上海\n"
    )
    mapping = shopops("import", "--suggest-mapping", str(data), cwd=project).stdout
    assert 'kind = "orders"' in mapping and 'order_id = "订单号"' in mapping and 'paid_amount = "实付金额"' in mapping
    (project / "map.toml").write_text(mapping, encoding="utf-8")
    out = shopops("import", str(data), "--store", "shop", "--mapping", "map.toml", cwd=project).stdout
    assert "rows read 2 = loaded 2" in out
    summary = shopops("summary", cwd=project).stdout
    assert "119.50" in summary


def test_import_for_a_new_store_adds_it(tmp_path: Path) -> None:
    shopops("init", "p", cwd=tmp_path)
    project = tmp_path / "p"
    data = project / "t.csv"
    data.write_text(
        "统计日期,流量来源,终端类型,访客数,浏览量,加购人数,收藏人数,支付买家数,支付金额\n2024-01-01,手淘搜索,无线,100,300,10,5,3,300.00\n",
        encoding="utf-8",
    )
    proc = shopops("import", str(data), "--store", "jd1", "--platform", "jd", cwd=project)
    assert "added store 'jd1'" in proc.stderr
    config = tomllib.loads((project / "shopops.toml").read_text(encoding="utf-8"))
    assert config["stores"][0]["platform"] == "jd"


def test_decompose_splits_the_change_exactly(tmp_path: Path) -> None:
    shopops("init", "p", "--store", "s:other", cwd=tmp_path)
    project = tmp_path / "p"
    orders = project / "orders.csv"
    rows = ["order_id,buyer_id,created_at,paid_at,total_amount,paid_amount"]
    # base day: 2 buyers × 100.00; current day: 3 buyers × 110.00
    rows += [f"b{i},u{i},2024-01-01 10:00,2024-01-01 10:00,100.00,100.00" for i in range(2)]
    rows += [f"c{i},v{i},2024-01-02 10:00,2024-01-02 10:00,110.00,110.00" for i in range(3)]
    orders.write_text("\n".join(rows) + "\n", encoding="utf-8")
    traffic = project / "traffic.csv"
    traffic.write_text("date,uv\n2024-01-01,100\n2024-01-02,120\n", encoding="utf-8")
    shopops("import", str(orders), "--store", "s", "--kind", "orders", "--source", "generic", cwd=project)
    shopops("import", str(traffic), "--store", "s", "--kind", "traffic", "--source", "generic", cwd=project)
    out = shopops(
        "decompose",
        "--from",
        "2024-01-02",
        "--to",
        "2024-01-02",
        "--base-from",
        "2024-01-01",
        "--base-to",
        "2024-01-01",
        "--format",
        "csv",
        cwd=project,
    ).stdout
    total = next(line for line in out.splitlines() if line.startswith("total,"))
    fields = total.split(",")
    # oracle: V0 = 200, V1 = 330, L = 130 / ln(1.65); effects = L·ln(1.2), L·ln(1.25), L·ln(1.1)
    scale = 130 / math.log(330 / 200)
    expected = [scale * math.log(120 / 100), scale * math.log((3 / 120) / (2 / 100)), scale * math.log(110 / 100)]
    assert fields[3] == "130.00"
    parts = [float(x) for x in fields[4:7]]
    assert all(abs(p - e) <= 0.011 for p, e in zip(parts, expected, strict=True))
    assert round(sum(parts), 2) == 130.00
