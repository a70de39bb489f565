"""The Parquet layout: what ``export_parquet`` writes and what Spark reads back from it.

Every canonical table must read back on Spark with the canonical types and exactly DuckDB's
rows: money as the same decimals, timestamps as the same wall-clock values (the session zone
is UTC and the columns are ``TIMESTAMP_NTZ``, so nothing shifts).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from spark_parity import Pair, SparkSample, assert_same_values

from shopops.errors import ConfigError
from shopops.project import Project
from shopops.warehouse import TABLES, Warehouse

pytestmark = pytest.mark.spark


def rows(wh: Warehouse, table: str) -> pd.DataFrame:
    frame = wh.table(table).to_pandas()
    return frame.sort_values(list(TABLES[table].key)).reset_index(drop=True)


def test_every_table_reads_back_identically(warehouses: Pair) -> None:
    for name in TABLES:
        spark_table = warehouses.spark.table(name)
        assert spark_table.schema() == TABLES[name].schema(), name  # (DuckDB adds timestamp scale 6)
        assert_same_values(rows(warehouses.duckdb, name), rows(warehouses.spark, name), what=name)
    orders = rows(warehouses.spark, "orders")
    assert len(orders) > 5000 and orders["created_at"].dt.hour.nunique() == 24  # wall clock, every hour


def test_export_writes_one_file_per_table_with_types_kept(spark_sample: SparkSample) -> None:
    assert sorted(p.name for p in spark_sample.layout.iterdir()) == sorted(TABLES)
    for name in TABLES:
        assert [p.name for p in (spark_sample.layout / name).iterdir()] == ["part-0.parquet"]
    schema = pq.read_schema(spark_sample.layout / "orders" / "part-0.parquet")
    assert schema.field("paid_amount").type == pa.decimal128(18, 2)
    assert schema.field("created_at").type == pa.timestamp("us")  # no zone: wall time
    timestamp = pq.ParquetFile(spark_sample.layout / "orders" / "part-0.parquet").schema.column(5)
    assert timestamp.name == "created_at"
    assert json.loads(timestamp.logical_type.to_json())["isAdjustedToUTC"] is False


def test_export_again_replaces_the_folder_contents(spark_sample: SparkSample, tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    (layout / "orders").mkdir(parents=True)
    (layout / "orders" / "part-00001-from-elsewhere.parquet").write_bytes(b"stale")
    (layout / "orders" / "_SUCCESS").write_bytes(b"")
    with Warehouse.open(Project.open(spark_sample.root).settings, read_only=True) as wh:
        written = wh.export_parquet(layout)
    assert written["orders"] == layout / "orders" / "part-0.parquet"
    assert sorted(p.name for p in (layout / "orders").iterdir()) == ["_SUCCESS", "part-0.parquet"]


def copy_layout(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_foreign_layout_is_conformed(
    warehouses: Pair, spark_sample: SparkSample, tmp_path: Path, spark_session: Any
) -> None:
    """Another tool's Parquet: UTC-adjusted timestamps, int32 counts, no lineage columns, an extra column."""
    layout = copy_layout(spark_sample.layout, tmp_path / "foreign")
    path = layout / "orders" / "part-0.parquet"
    t = pq.read_table(path)
    t = t.drop_columns(["_import_id", "_hash"]).append_column("note", pa.array(["x"] * len(t)))
    for name in ("created_at", "paid_at"):  # the same wall-clock values, stored as UTC instants
        t = t.set_column(t.schema.get_field_index(name), name, pc.cast(t[name], pa.timestamp("us", tz="UTC")))
    t = t.set_column(t.schema.get_field_index("units"), "units", pc.cast(t["units"], pa.int32()))
    path.unlink()
    pq.write_table(t, layout / "orders" / "from-another-tool.parquet")
    foreign = Warehouse.open_spark(warehouses.duckdb.settings, layout, session=spark_session)
    assert foreign.table("orders").schema() == TABLES["orders"].schema()
    got = rows(foreign, "orders")
    assert got["_hash"].isna().all()
    want = rows(warehouses.duckdb, "orders").drop(columns=["_import_id", "_hash"])
    assert_same_values(want, got.drop(columns=["_import_id", "_hash"]), what="orders")


def test_layout_by_uri(warehouses: Pair, spark_sample: SparkSample, spark_session: Any) -> None:
    """A cluster reads the layout from its storage (hdfs://, s3a://); file:// takes the same path."""
    uri = spark_sample.layout.as_uri()
    assert uri.startswith("file:///")
    wh = Warehouse.open_spark(warehouses.duckdb.settings, uri, session=spark_session)
    assert wh.imports()["import_id"].tolist() == warehouses.duckdb.imports()["import_id"].tolist()
    with pytest.raises(ConfigError, match=r"cannot read Parquet from file:///nowhere/stores"):
        Warehouse.open_spark(warehouses.duckdb.settings, "file:///nowhere", session=spark_session)


def test_incomplete_layouts_are_refused(spark_sample: SparkSample, tmp_path: Path, spark_session: Any) -> None:
    settings = Project.open(spark_sample.root).settings
    layout = copy_layout(spark_sample.layout, tmp_path / "partial")
    shutil.rmtree(layout / "targets")
    with pytest.raises(ConfigError, match="has no folder for targets"):
        Warehouse.open_spark(settings, layout, session=spark_session)
    (layout / "targets").mkdir()
    with pytest.raises(ConfigError, match=r"cannot read Parquet from .*targets"):
        Warehouse.open_spark(settings, layout, session=spark_session)
    shutil.copytree(spark_sample.layout / "targets", layout / "targets", dirs_exist_ok=True)
    t = pq.read_table(layout / "stores" / "part-0.parquet").drop_columns(["currency"])
    pq.write_table(t, layout / "stores" / "part-0.parquet")
    with pytest.raises(ConfigError, match=r"lack the column\(s\) currency"):
        Warehouse.open_spark(settings, layout, session=spark_session)


def test_spark_warehouse_is_read_only(warehouses: Pair) -> None:
    for write in (warehouses.spark.ensure_tables, warehouses.spark.sync_stores):
        with pytest.raises(ConfigError, match="the Spark engine only reads"):
            write()
    with pytest.raises(ConfigError, match="the Spark engine only reads"):
        warehouses.spark.export_parquet("anywhere")
    assert_same_values(warehouses.duckdb.imports(), warehouses.spark.imports(), what="imports")
