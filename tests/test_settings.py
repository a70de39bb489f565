"""shopops.toml and SHOPOPS_* variables: the engine settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopops.errors import ConfigError
from shopops.settings import Settings, load_settings


def write(root: Path, project: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "shopops.toml").write_text(f"[project]\n{project}\n", encoding="utf-8")
    return root


def test_spark_engine_from_the_file(tmp_path: Path) -> None:
    root = write(tmp_path / "p", 'engine = "spark"\nspark_master = "spark://head:7077"\nspark_layout = "/data/shop"')
    s = load_settings(root, env={})
    assert (s.engine, s.spark_master, s.spark_layout_path) == ("spark", "spark://head:7077", Path("/data/shop"))


def test_defaults_and_the_older_engine_name(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path / "p", 'engine = "pyspark"'), env={})
    assert (s.engine, s.spark_master) == ("spark", "local[*]")
    assert s.spark_layout_path == tmp_path / "p" / "parquet"  # relative to the project folder


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    root = write(tmp_path / "p", 'engine = "duckdb"')
    env = {"SHOPOPS_ENGINE": "spark", "SHOPOPS_SPARK_MASTER": "local[2]", "SHOPOPS_SPARK_LAYOUT": "out"}
    s = load_settings(root, env=env)
    assert (s.engine, s.spark_master, s.spark_layout_path) == ("spark", "local[2]", root / "out")


def test_unknown_engine_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="engine"):
        load_settings(write(tmp_path / "p", 'engine = "hive"'), env={})


def test_saved_file_keeps_the_spark_settings(tmp_path: Path) -> None:
    s = Settings(root=tmp_path, engine="spark", spark_master="yarn", spark_layout="lake/shop")
    s.save()
    assert load_settings(tmp_path, env={}) == s
    default = Settings(root=tmp_path)
    assert "spark_" not in default.to_toml()  # defaults are not written


def test_layout_on_cluster_storage_is_a_uri(tmp_path: Path) -> None:
    s = Settings(root=tmp_path, engine="spark", spark_layout="s3a://bucket/shop")
    assert s.spark_layout_location == "s3a://bucket/shop"
    with pytest.raises(ConfigError, match="not a local folder"):
        s.spark_layout_path  # noqa: B018  (export needs a local folder)
