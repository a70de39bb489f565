"""DuckDB: the embedded default warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.types as pat
import sqlglot.expressions as sge
from ibis.backends.duckdb.converter import DuckDBPandasData

from shopops.errors import ConfigError


def connect_duckdb(path: Path | str, *, read_only: bool = False, memory_limit: str | None = None) -> ibis.BaseBackend:
    """Open (creating if missing) the DuckDB warehouse file at ``path``.

    ``memory_limit`` (e.g. ``"4GB"``) caps DuckDB's memory; past it, large imports spill to
    ``<warehouse>.tmp``. Default: half the machine's memory, so a big import leaves room for
    everything else (DuckDB's own default is 80%).
    """
    try:
        con = ibis.duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise ConfigError(
            f"cannot open the warehouse {path}: {exc}",
            hint="another shopops process may hold it open; wait for it to finish",
        ) from exc
    # Timestamps are stored as the store's local wall time; the session zone must not shift them.
    _raw(con).execute("SET TimeZone = 'UTC'")
    # Core code never prints (see shopops.console); DuckDB would draw its own progress bar on
    # stdout for any query that runs over two seconds.
    _raw(con).execute("SET enable_progress_bar = false")
    # Rows carry their own order (_row); not keeping insertion order lets big inserts stream.
    _raw(con).execute("SET preserve_insertion_order = false")
    _raw(con).execute("SET memory_limit = ?", [memory_limit or _half_of_memory()])
    return con


def fetch_frame(con: ibis.BaseBackend | duckdb.DuckDBPyConnection, text: str, schema: ibis.Schema) -> pd.DataFrame:
    """Run ``text`` (SQL that Ibis compiled) and return its rows as Ibis' ``execute`` would.

    ``con.sql(text).execute()`` would parse the text back into an Ibis expression and compile it again,
    which costs a weekly report about a fifth of a second. ``con``: the warehouse's backend, or a
    :func:`reader` (which is closed when the rows are in).
    """
    raw = con if isinstance(con, duckdb.DuckDBPyConnection) else _raw(con)
    try:
        table = raw.sql(text).to_arrow_table()
    finally:
        if raw is con:
            raw.close()
    # as DuckDB's Ibis backend converts (ibis/backends/duckdb/__init__.py, Backend.execute)
    frame = pd.DataFrame(
        {
            name: column.to_pylist()
            if pat.is_nested(column.type) or pat.is_dictionary(column.type) or column.null_count
            else column.to_pandas()
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    converted: pd.DataFrame = DuckDBPandasData.convert_table(frame, schema)
    return converted


def reader(con: ibis.BaseBackend) -> duckdb.DuckDBPyConnection:
    """A new connection to the warehouse's database (DuckDB's ``cursor()``), for :func:`fetch_frame`
    on another thread: two threads must not run statements on one connection object. Made on the
    thread that owns ``con``."""
    cursor = _raw(con).cursor()
    cursor.execute("SET TimeZone = 'UTC'")  # the one setting of connect_duckdb that is per connection
    return cursor


def _half_of_memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "4GB"
    return f"{max(total // 2 // (1 << 20), 512)}MB"


def _raw(con: ibis.BaseBackend) -> duckdb.DuckDBPyConnection:
    raw = getattr(con, "con", None)
    if not isinstance(raw, duckdb.DuckDBPyConnection):
        raise TypeError("not a DuckDB ibis backend")
    return raw


@contextmanager
def transaction(con: ibis.BaseBackend) -> Iterator[None]:
    """All-or-nothing: commit when the block ends, roll back on any error or interrupt.

    A process killed inside the block leaves an uncommitted WAL tail that DuckDB
    discards on the next open, so the warehouse is as it was before.
    """
    raw = _raw(con)
    raw.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    else:
        raw.execute("COMMIT")


def stage_arrow(con: ibis.BaseBackend, name: str, data: pa.RecordBatchReader | pa.Table) -> ir.Table:
    """Materialise Arrow data as a temporary table ``name`` (streams a RecordBatchReader)."""
    raw = _raw(con)
    ident = _ident(name)
    raw.register("__shopops_stage_src", data)
    try:
        raw.execute(f"CREATE OR REPLACE TEMP TABLE {ident} AS SELECT * FROM __shopops_stage_src")
    finally:
        raw.unregister("__shopops_stage_src")
    return con.table(name)


def drop_temp(con: ibis.BaseBackend, name: str) -> None:
    _raw(con).execute(f"DROP TABLE IF EXISTS temp.{_ident(name)}")


def replace_rows(con: ibis.BaseBackend, target: str, rows: ir.Table, keys: Sequence[str]) -> int:
    """Delete the rows of ``target`` whose key is in ``rows``, then insert ``rows``.

    ``rows`` must have ``target``'s columns. Returns the number of rows inserted.
    """
    raw = _raw(con)
    tmp = f"__replace_{target}"
    con.create_table(tmp, rows, temp=True, overwrite=True)
    try:
        count = _scalar(raw, f"SELECT count(*) FROM {_ident(tmp)}")
        if count:
            cond = " AND ".join(f"t.{_ident(k)} IS NOT DISTINCT FROM s.{_ident(k)}" for k in keys)
            raw.execute(f"DELETE FROM {_ident(target)} AS t USING {_ident(tmp)} AS s WHERE {cond}")
            raw.execute(f"INSERT INTO {_ident(target)} BY NAME SELECT * FROM {_ident(tmp)}")
    finally:
        raw.execute(f"DROP TABLE IF EXISTS temp.{_ident(tmp)}")
    return int(count)


def delete_within(
    con: ibis.BaseBackend,
    table: str,
    equal: Mapping[str, Any],
    start_column: str,
    end_column: str,
    start: Any,
    end: Any,
    margin: Any = None,
) -> int:
    """Delete the rows of ``table`` whose ``equal`` columns have those values and whose span
    ``start_column``..``end_column`` overlaps ``start``..``end`` without reaching further than
    ``margin`` (a timedelta; None: not at all) beyond it; the number deleted. (Values are bound
    parameters; names are our own columns.)"""
    raw = _raw(con)
    lo, hi = (start, end) if margin is None else (start - margin, end + margin)
    where = " AND ".join(
        [
            *(f"{_ident(c)} = ?" for c in equal),
            f"{_ident(start_column)} >= ?",
            f"{_ident(end_column)} <= ?",
            f"{_ident(start_column)} <= ?",
            f"{_ident(end_column)} >= ?",
        ]
    )
    params = [*equal.values(), lo, hi, end, start]
    row = raw.execute(f"SELECT count(*) FROM {_ident(table)} WHERE {where}", params).fetchone()
    raw.execute(f"DELETE FROM {_ident(table)} WHERE {where}", params)
    return int(row[0]) if row else 0


def persistent_tables(con: ibis.BaseBackend) -> list[str]:
    """Tables stored in the warehouse file, without this session's temporary tables and views.

    (Ibis' ``list_tables`` also lists temporary objects such as staging tables and memtables.)
    """
    rows = _raw(con).execute(
        "SELECT table_name FROM duckdb_tables()"
        " WHERE NOT temporary AND database_name = current_database() AND schema_name = current_schema()"
        " ORDER BY table_name"
    )
    return [name for (name,) in rows.fetchall()]


def table_columns(con: ibis.BaseBackend) -> dict[str, list[str]]:
    """The columns of every table stored in the warehouse file, in order: one catalogue query instead
    of a ``DESCRIBE`` per table (which every open of the warehouse would pay)."""
    rows = _raw(con).execute(
        "SELECT table_name, column_name FROM duckdb_columns()"  # (temporary tables are in database temp)
        " WHERE database_name = current_database() AND schema_name = current_schema()"
        " ORDER BY table_name, column_index"
    )
    out: dict[str, list[str]] = {}
    for table, column in rows.fetchall():
        out.setdefault(table, []).append(column)
    return out


def export_parquet(con: ibis.BaseBackend, out_dir: Path | str, tables: Sequence[str] | None = None) -> dict[str, Path]:
    """Write each of ``tables`` (default: every table stored in the file) as
    ``out_dir/<table>/part-0.parquet``, all from one snapshot.

    Column types are kept: ``DECIMAL(18,2)`` stays decimal, timestamps are written without a zone
    (``isAdjustedToUTC=false``: wall time, read by Spark as ``TIMESTAMP_NTZ``). Every file is
    written first and only then renamed over the previous export, so a failed export leaves the
    previous layout whole. Other ``*.parquet`` files in a table's folder (a layout written by
    another tool) are removed: the folder then holds exactly this table. Returns table -> file.
    """
    raw = _raw(con)
    root = Path(out_dir)
    tables = persistent_tables(con) if tables is None else tables
    staged: dict[str, Path] = {}
    try:
        with transaction(con):  # one snapshot: the tables agree with each other (orders with imports …)
            for name in tables:
                folder = root / name
                folder.mkdir(parents=True, exist_ok=True)
                staged[name] = folder / ".part-0.parquet.tmp"
                path = str(staged[name]).replace("'", "''")
                raw.execute(f"COPY (SELECT * FROM {_ident(name)}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    written: dict[str, Path] = {}
    for name, tmp in staged.items():
        target = tmp.with_name("part-0.parquet")
        os.replace(tmp, target)
        for stale in target.parent.glob("*.parquet"):
            if stale != target:
                stale.unlink()
        written[name] = target
    return written


def _scalar(raw: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = raw.execute(sql).fetchone()
    return row[0] if row else None


def _ident(name: str) -> str:
    """Quote an identifier (our own table/column names; never user text)."""
    return sge.to_identifier(name, quoted=True).sql("duckdb")
