"""The only package that imports duckdb and pyspark.

Everything above this layer speaks Ibis. What Ibis does not cover portably lives
here: opening the warehouse, transactions, staging Arrow batches, and the
delete-then-insert that replaces changed rows (Ibis' ``upsert`` joins on a single
column only; our canonical keys are composite).

``shopops.backends.spark`` (PySpark, the read-side engine) is imported on its own, never from here:
pyspark is an optional dependency and slow to import.
"""

from __future__ import annotations

from shopops.backends.duckdb import (
    connect_duckdb,
    delete_within,
    drop_temp,
    export_parquet,
    replace_rows,
    stage_arrow,
    transaction,
)

__all__ = [
    "connect_duckdb",
    "delete_within",
    "drop_temp",
    "export_parquet",
    "replace_rows",
    "stage_arrow",
    "transaction",
]
