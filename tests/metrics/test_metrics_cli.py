"""`shopops metrics` as a user runs it: a real process on a real project folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from metric_builders import ORDERS, import_csv

from builders import run_cli
from shopops.project import Project

ROWS = [
    (1, "ann", "2026-01-05 10:00:00", "2026-01-05 10:01:00", "100.00", "100.00", "0.00", 2, "上海", "search", ""),
    (2, "bob", "2026-02-03 10:00:00", "2026-02-03 10:01:00", "40.10", "40.10", "0.10", 1, "北京", "feed", ""),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    with Project.init(root / "p", stores=[{"name": "tmall_flagship", "platform": "tmall"}]) as p:
        import_csv(p, root, "o.csv", "tmall_flagship", "orders", ORDERS, ROWS)
    return root / "p"


def shopops(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A real process (slow to start: one test uses it, the others run the same entry point in-process)."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "shopops.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli(*args, cwd=folder)``: ``shopops.cli.main.main()`` in this process, as the console script calls it."""

    def run(*args: str, cwd: Path) -> Result:
        return Result(*run_cli(monkeypatch, capsys, *args, cwd=cwd))

    return run


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def test_json_output_parses_and_carries_exact_figures(folder: Path) -> None:
    proc = shopops(
        "metrics", "paid_amount,buyers,aov", "--from", "2026-01-01", "--to", "2026-02-28", "--grain", "month",
        "--by", "store", "--where", "store=tmall_flagship", "--compare", "mom", "--format", "json", cwd=folder,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["query"]["grain"] == "month" and data["query"]["where"] == {"store": ["tmall_flagship"]}
    jan, feb = data["rows"]
    assert (jan["period"], jan["store"], jan["paid_amount"], jan["buyers"]) == ("2026-01", "tmall_flagship", 100.0, 1)
    assert (feb["paid_amount"], feb["paid_amount_prev"], feb["paid_amount_change"]) == (40.1, 100.0, -59.9)
    assert feb["paid_amount_change_pct"] == pytest.approx(-0.599)
    assert jan["paid_amount_prev"] == 0.0 and jan["paid_amount_change_pct"] is None


def test_table_and_csv(folder: Path, cli: Callable[..., Result]) -> None:
    table = cli("metrics", "paid_amount,refund_rate", "--from", "2026-01-01", "--to", "2026-02-28", cwd=folder)
    assert table.returncode == 0, table.stderr
    assert "140.10" in table.stdout and "0.07%" in table.stdout and "支付金额" in table.stdout
    csv = cli(
        "metrics", "paid_orders", "--from", "2026-01-01", "--to", "2026-01-31", "-g", "week", "-f", "csv", cwd=folder
    )
    assert csv.stdout.splitlines()[0] == "period_start,period,paid_orders"


def test_explain_prints_the_sql(folder: Path, cli: Callable[..., Result]) -> None:
    proc = cli("metrics", "paid_amount", "--from", "2026-01-01", "--to", "2026-01-31", "--explain", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.lstrip().startswith("SELECT") and 'FROM "orders"' in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paid_amont"], "unknown metric 'paid_amont'; valid metrics: gmv, paid_amount"),
        (["paid_amount", "--by", "category"], "cannot be split or filtered by category; it supports: store"),
        (["paid_amount", "--where", "province"], "invalid filter 'province'; write --where DIM=VALUE"),
        (["paid_amount", "--where", "colour=red"], "unknown filter dimension 'colour'"),
        (["paid_amount", "--format", "xml"], "unknown format 'xml'; valid formats: table, csv, json"),
    ],
)
def test_bad_input_is_one_clear_error(folder: Path, cli: Callable[..., Result], args: list[str], message: str) -> None:
    proc = cli("metrics", *args, "--from", "2026-01-01", "--to", "2026-01-31", cwd=folder)
    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    assert first.startswith("error: ") and message in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr


def test_buyers_unavailable_exits_4(tmp_path: Path, cli: Callable[..., Result]) -> None:
    with Project.init(tmp_path / "q", stores=[{"name": "t", "platform": "tmall"}]) as p:
        import_csv(
            p,
            tmp_path,
            "o.csv",
            "t",
            "orders",
            "order_id,created_at,paid_at,total_amount",
            [(1, "2026-01-01", "2026-01-01", "1.00")],
        )
    proc = cli("metrics", "buyers", "--from", "2026-01-01", "--to", "2026-01-31", cwd=tmp_path / "q")
    assert proc.returncode == 4 and "orders.buyer_id" in proc.stderr
