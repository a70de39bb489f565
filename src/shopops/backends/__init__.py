"""The only package that imports duckdb (and, later, pyspark).

Everything above this layer speaks Ibis. What Ibis does not cover portably lives
here: opening the warehouse, transactions, staging Arrow batches, and the
delete-then-insert that replaces changed rows (Ibis' ``upsert`` joins on a single
column only; our canonical keys are composite).
"""

from __future__ import annotations

from shopops.backends.duckdb import (
    connect_duckdb,
    drop_temp,
    replace_rows,
    stage_arrow,
    transaction,
)

__all__ = ["connect_duckdb", "drop_temp", "replace_rows", "stage_arrow", "transaction"]
