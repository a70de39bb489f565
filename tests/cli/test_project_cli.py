"""``shopops init`` and ``shopops stores [list|add]``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from builders import cli_ok, run_cli
from shopops.errors import ConfigError
from shopops.project import Project


def _stores(root: Path) -> list[tuple[str, str, str, str]]:
    config = tomllib.loads((root / "shopops.toml").read_text(encoding="utf-8"))
    return [(s["name"], s["platform"], s["currency"], s["timezone"]) for s in config.get("stores", [])]


def test_stores_add_writes_every_store_then_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    empty = cli_ok(monkeypatch, capsys, "stores", cwd=root)
    assert "no stores yet" in empty and "shopops stores add" in empty
    out = cli_ok(monkeypatch, capsys, "stores", "add", "tm:tmall", "us:shopify:usd:America/New_York", "x", cwd=root)
    assert "added store tm (tmall, CNY, Asia/Shanghai)" in out
    assert "added store us (shopify, USD, America/New_York)" in out
    assert _stores(root) == [
        ("tm", "tmall", "CNY", "Asia/Shanghai"),
        ("us", "shopify", "USD", "America/New_York"),
        ("x", "other", "CNY", "Asia/Shanghai"),
    ]
    listed = cli_ok(monkeypatch, capsys, "stores", "list", cwd=root)
    assert cli_ok(monkeypatch, capsys, "stores", cwd=root) == listed  # the old command still lists
    rows = [line for line in listed.splitlines() if "│" in line]
    assert [[cell.strip() for cell in r.split("│")[1:5]] for r in rows] == [
        ["tm", "tmall", "CNY", "Asia/Shanghai"],
        ["us", "shopify", "USD", "America/New_York"],
        ["x", "other", "CNY", "Asia/Shanghai"],
    ]


@pytest.mark.parametrize(
    ("spec", "message", "hint"),
    [
        ("tm:tmall", "store 'tm' already exists", "edit its [[stores]] entry"),
        ("x:tmal", "store 'x': unknown platform 'tmal'", "tmall, taobao, jd, douyin, shopify, other"),
        ("x:tmall:US", "store 'x': 'US' is not a currency code", "ISO 4217"),
        ("x:tmall:CNY:Mars/Base", "store 'x': unknown timezone 'Mars/Base'", "IANA"),
        ("a b", "invalid store name 'a b'", "letters, digits"),
    ],
)
def test_stores_add_refuses_a_wrong_store_and_writes_nothing(
    spec: str,
    message: str,
    hint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"), "--store", "tm:tmall")
    root = tmp_path / "p"
    code, _, err = run_cli(monkeypatch, capsys, "stores", "add", "ok:jd", spec, cwd=root)
    assert code == 2
    assert f"error: {message}" in err and hint in err
    assert _stores(root) == [("tm", "tmall", "CNY", "Asia/Shanghai")]  # not even ok:jd


def test_the_hint_for_a_project_without_stores_is_a_real_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    code, _, err = run_cli(monkeypatch, capsys, "plan", "--fiscal-year", "2026", "--target", "100", cwd=root)
    assert code == 2 and "hint: add one with `shopops stores add NAME`" in err
    cli_ok(monkeypatch, capsys, "stores", "add", "tm:tmall", cwd=root)
    assert _stores(root) == [("tm", "tmall", "CNY", "Asia/Shanghai")]


def test_add_store_refuses_a_name_already_there(tmp_path: Path) -> None:
    with Project.init(tmp_path / "p", stores=[{"name": "tm", "platform": "tmall"}]) as p:
        with pytest.raises(ConfigError, match="store 'tm' already exists"):
            p.add_store("tm", platform="jd")
        assert [(s.name, s.platform) for s in p.settings.stores] == [("tm", "tmall")]
        assert p.add_store("us", platform="shopify").currency == "USD"


def test_stores_loads_no_data_library(tmp_path: Path) -> None:
    """Issue 12 (11): `shopops stores` reads shopops.toml only: pandas, Ibis, DuckDB, Arrow and numpy are not
    imported (they cost seconds at start-up). The import graph is checked, not a time."""
    import subprocess
    import sys

    Project.init(tmp_path / "p", stores=[{"name": "tm", "platform": "tmall"}]).close()
    code = (
        "import sys\n"
        "from shopops.cli.main import app\n"
        "app(['stores'], standalone_mode=False)\n"
        "print('HEAVY', sorted(m for m in ('pandas', 'ibis', 'duckdb', 'pyarrow', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "p", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "tm" in done.stdout and "tmall" in done.stdout
    assert "HEAVY []" in done.stdout
