"""``shopops`` with ``engine = "spark"``: the same figures as on DuckDB, from the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from spark_parity import Pair, SparkSample

from builders import run_cli
from shopops.cli.metrics import to_json
from shopops.metrics import query
from shopops.warehouse.summary import store_totals

pytestmark = pytest.mark.spark

JUNE = ["--from", "2026-06-01", "--to", "2026-06-30"]
ARGS = ["paid_amount,buyers,aov", "--from", "2026-05-01", "--to", "2026-06-30", "--grain", "month", "--by", "store"]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli(*args, cwd=folder, env={...})``: ``shopops.cli.main.main()`` in this process (its Spark session)."""

    def run(*args: str, cwd: Path, env: dict[str, str]) -> Result:
        return Result(*run_cli(monkeypatch, capsys, *args, cwd=cwd, env=env))

    return run


def expected_json(pair: Pair, *args: str) -> object:
    frame = query(pair.duckdb, args[0], start=args[2], end=args[4], grain=args[6], by=args[8], compare="mom")
    return json.loads(json.dumps(to_json(frame), ensure_ascii=False))


def test_metrics_on_spark_through_the_environment(
    warehouses: Pair, spark_sample: SparkSample, cli: Callable[..., Result]
) -> None:
    env = {"SHOPOPS_ENGINE": "spark", "SHOPOPS_SPARK_LAYOUT": str(spark_sample.layout)}
    proc = cli("metrics", *ARGS, "--compare", "mom", "--format", "json", cwd=spark_sample.root, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected_json(warehouses, *ARGS)
    explain = cli("metrics", *ARGS, "--explain", cwd=spark_sample.root, env=env)
    assert explain.returncode == 0 and "`orders`" in explain.stdout  # Spark SQL quotes with backticks


def test_summary_and_imports_on_spark(warehouses: Pair, spark_sample: SparkSample, cli: Callable[..., Result]) -> None:
    assert store_totals(warehouses.spark) == store_totals(warehouses.duckdb)
    env = {"SHOPOPS_ENGINE": "spark", "SHOPOPS_SPARK_LAYOUT": str(spark_sample.layout)}
    imports = cli("imports", cwd=spark_sample.root, env=env)
    assert imports.returncode == 0, imports.stderr
    assert imports.stdout.count("tmall_flagship") == sum(f.store == "tmall_flagship" for f in spark_sample.result.files)
    quarantine = cli("quarantine", cwd=spark_sample.root, env=env)
    assert quarantine.returncode == 0 and "no quarantined rows" in quarantine.stdout, quarantine.stderr


def test_metrics_on_spark_from_shopops_toml(
    warehouses: Pair, spark_sample: SparkSample, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    """A project folder whose shopops.toml says engine = "spark" (no DuckDB file: a cluster's view).

    (In this process the test run's Spark session is reused; a new process starts its own session on
    ``spark_master`` and stops it on exit, which is what `shopops` does from a shell.)
    """
    folder = tmp_path / "cluster"
    folder.mkdir()
    toml = (spark_sample.root / "shopops.toml").read_text(encoding="utf-8")
    settings = f'engine = "spark"\nspark_master = "local[1]"\nspark_layout = "{spark_sample.layout}"\n'
    (folder / "shopops.toml").write_text(toml.replace('engine = "duckdb"\n', settings), encoding="utf-8")
    env = {k: "" for k in os.environ if k.startswith("SHOPOPS_")}  # empty: not set
    proc = cli("metrics", "paid_amount", *JUNE, "--by", "store", "--format", "csv", cwd=folder, env=env)
    assert proc.returncode == 0, proc.stderr
    want = query(warehouses.duckdb, "paid_amount", start=JUNE[1], end=JUNE[3], by="store")
    assert proc.stdout == want.to_csv(index=False)
    assert not (folder / "warehouse.duckdb").exists()  # the Spark engine never opened (or created) DuckDB
