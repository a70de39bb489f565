"""``shopops export parquet``: the Spark engine's layout, written from the DuckDB warehouse."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders import cli_ok
from shopops.project import Project
from shopops.warehouse import TABLES


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str) -> str:
    return cli_ok(monkeypatch, capsys, *args, cwd=cwd)


def test_export_to_the_configured_folder_and_elsewhere(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project.settings.root
    project.close()
    out = run(monkeypatch, capsys, root, "export", "parquet")
    assert f"wrote {len(TABLES)} tables" in out and str(root / "parquet") in out
    for name, spec in TABLES.items():
        schema = pq.read_schema(root / "parquet" / name / "part-0.parquet")
        assert schema.names == list(spec.schema().names), name
    stores = pq.read_table(root / "parquet" / "stores" / "part-0.parquet").column("store").to_pylist()
    assert sorted(stores) == sorted(s.name for s in project.settings.stores)
    run(monkeypatch, capsys, root, "export", "parquet", str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "orders" / "part-0.parquet").is_file()


def test_python_export_with_the_spark_engine_reads_duckdb(project: Project, tmp_path: Path) -> None:
    """engine = "spark" changes where queries run, not what an export reads (the DuckDB file)."""
    spark_settings = project.settings.model_copy(update={"engine": "spark"})
    with Project(spark_settings) as p:
        written = p.export_parquet(tmp_path / "out")
    assert sorted(written) == sorted(TABLES)
    assert pq.read_table(written["stores"]).num_rows == len(project.settings.stores)
