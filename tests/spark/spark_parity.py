"""Comparing what DuckDB and Spark return: exact for money, counts, dates and text; ratios to 1e-12.

(The fixtures' types live here, not in conftest.py: test modules import them by name, and every
test folder's conftest is a module called ``conftest``.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from shopops.sample import SampleResult
from shopops.warehouse import Warehouse

RATIO_TOLERANCE = 1e-12


@dataclass(frozen=True)
class SparkSample:
    """The sample project (its DuckDB warehouse closed), its Parquet layout and the generator's output."""

    root: Path
    layout: Path
    result: SampleResult


@dataclass(frozen=True)
class Pair:
    """One warehouse on both engines: same settings, same data."""

    duckdb: Warehouse
    spark: Warehouse


def assert_same_frame(duck: pd.DataFrame, spark: pd.DataFrame, *, what: str = "") -> None:
    """The same columns, dtypes and rows in the same order; floats equal to a relative 1e-12.

    Decimals must be equal as numbers *and* carry the same exponent (1.50 vs 1.5 is a difference),
    NULLs must be NULL on both sides.
    """
    label = f"{what}: " if what else ""
    assert list(duck.columns) == list(spark.columns), f"{label}columns differ"
    assert len(duck) == len(spark), f"{label}{len(duck)} rows on DuckDB, {len(spark)} on Spark"
    for c in duck.columns:
        assert duck[c].dtype == spark[c].dtype, f"{label}{c}: dtype {duck[c].dtype} vs {spark[c].dtype}"
        for i, (a, b) in enumerate(zip(duck[c], spark[c], strict=True)):
            assert _same(a, b), f"{label}{c}, row {i}: {a!r} on DuckDB, {b!r} on Spark\n{duck.iloc[i]}"


def _is_null(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _same(a: object, b: object) -> bool:
    if _is_null(a) or _is_null(b):
        return _is_null(a) and _is_null(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (
            isinstance(a, Decimal)
            and isinstance(b, Decimal)
            and a == b
            and a.as_tuple().exponent == b.as_tuple().exponent
        )
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=RATIO_TOLERANCE, abs_tol=RATIO_TOLERANCE)  # type: ignore[arg-type]
    return bool(a == b) and type(a) is type(b)


def assert_same_values(duck: pd.DataFrame, spark: pd.DataFrame, *, what: str = "") -> None:
    """Like :func:`assert_same_frame` for raw table reads, where the engines' pandas dtypes may differ
    (timestamps in µs or ns, integers with or without NULL support): the values must be equal."""
    label = f"{what}: " if what else ""
    assert list(duck.columns) == list(spark.columns), f"{label}columns differ"
    assert len(duck) == len(spark), f"{label}{len(duck)} rows on DuckDB, {len(spark)} on Spark"
    for c in duck.columns:
        for i, (a, b) in enumerate(zip(_plain(duck[c]), _plain(spark[c]), strict=True)):
            assert _same(a, b), f"{label}{c}, row {i}: {a!r} on DuckDB, {b!r} on Spark"


def _plain(column: pd.Series) -> list[object]:  # type: ignore[type-arg]
    """Python values: datetimes as ``pd.Timestamp``, numbers as Python numbers, NULL as None."""
    out: list[object] = []
    for v in column.astype(object):
        if _is_null(v):
            out.append(None)
        elif hasattr(v, "item") and not isinstance(v, pd.Timestamp):
            out.append(v.item())
        else:
            out.append(pd.Timestamp(v) if hasattr(v, "isoformat") and not isinstance(v, str) else v)
    return out
