"""Open the warehouse, create or migrate its tables, and read the bookkeeping tables."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.backends import connect_duckdb, export_parquet, replace_rows, transaction
from shopops.backends.duckdb import fetch_frame, persistent_tables, reader, table_columns
from shopops.errors import ConfigError
from shopops.settings import Settings
from shopops.warehouse.schema import TABLES

T = TypeVar("T")


class Warehouse:
    """A handle on the project's warehouse (an Ibis backend plus our bookkeeping).

    >>> wh = Warehouse.open(settings)          # doctest: +SKIP
    >>> wh.table("orders").count().execute()   # doctest: +SKIP

    The same queries run on Spark over a Parquet export of the tables (read only)::

        wh.export_parquet("myshop/parquet")                                 # from DuckDB
        spark_wh = Warehouse.open_spark(settings, "myshop/parquet")         # doctest: +SKIP
    """

    def __init__(
        self,
        con: ibis.BaseBackend,
        settings: Settings,
        *,
        engine: Literal["duckdb", "spark"] = "duckdb",
        read_only: bool = False,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.con = con
        self.settings = settings
        self.engine = engine
        self.read_only = read_only or engine == "spark"
        self._on_close = on_close
        self._fields: dict[str, dict[str, set[str]]] | None = None  # per store; cached on Spark and in reads()
        self._tables: dict[str, ir.Table] = {}  # likewise (each lookup asks the engine for the schema)
        self._reading = 0  # depth of reads() blocks
        self._pool: ThreadPoolExecutor | None = None  # runs submit()'s statements; lives in a reads() block
        self._memo: dict[Hashable, Any] = {}  # memo()'s values; likewise

    @classmethod
    def open(cls, settings: Settings, *, read_only: bool = False) -> Warehouse:
        path = settings.warehouse_path
        exists = Path(path).exists()
        con = connect_duckdb(path, read_only=read_only and exists, memory_limit=settings.memory_limit)
        wh = cls(con, settings, read_only=read_only and exists)
        if not (read_only and exists):
            wh.ensure_tables()
        return wh

    @classmethod
    def open_spark(
        cls, settings: Settings, layout_dir: Path | str | None = None, *, session: Any | None = None
    ) -> Warehouse:
        """A read-only warehouse over the Parquet layout ``layout_dir``, a folder or a URI such as
        ``s3a://bucket/shop`` (default: ``spark_layout`` of the settings).

        ``session``: a running ``SparkSession`` to use (left running on :meth:`close`). Without it,
        the session already active in this process is used, else one is started on
        ``settings.spark_master`` and stopped on :meth:`close`. See docs/spark.md.
        """
        try:
            from shopops.backends import spark
        except ImportError as exc:
            raise ConfigError(
                f"the Spark engine needs pyspark ({exc})", hint="install it with: pip install 'shopops[spark]'"
            ) from exc
        on_close = None
        if session is None:
            session = spark.active_session()
        if session is None:
            session = spark.spark_session(settings.spark_master)
            on_close = lambda: spark.stop_session(session)  # noqa: E731  (this warehouse started it)
        layout = str(layout_dir) if layout_dir is not None else settings.spark_layout_location
        con = spark.connect_spark(session, layout, {name: spec.schema() for name, spec in TABLES.items()})
        return cls(con, settings, engine="spark", on_close=on_close)

    def close(self) -> None:
        if self.engine == "spark":  # disconnecting Ibis' PySpark backend would stop a shared session
            if self._on_close is not None:
                self._on_close()
            return
        self.con.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _writable(self, what: str) -> None:
        if self.engine == "spark":
            raise ConfigError(
                f"{what} needs the DuckDB warehouse; the Spark engine only reads (a Parquet export)",
                hint='import with engine = "duckdb" (or SHOPOPS_ENGINE=duckdb), then `shopops export parquet`',
            )

    def ensure_tables(self) -> None:
        """Create missing tables; add columns a newer shopops declares (a forward-only migration)."""
        self._writable("creating tables")
        existing = table_columns(self.con)
        with transaction(self.con):
            for spec in TABLES.values():
                schema = spec.schema()
                if spec.name not in existing:
                    self.con.create_table(spec.name, schema=schema)
                    continue
                missing = [n for n in schema.names if n not in existing[spec.name]]
                if missing:
                    old = self.con.table(spec.name)
                    widened = old.select(
                        *[old[n] if n in old.columns else ibis.null(schema[n]).name(n) for n in schema.names]
                    )
                    data = widened.to_pyarrow()
                    self.con.drop_table(spec.name)
                    self.con.create_table(spec.name, obj=data, schema=schema)
            self.sync_stores()

    def sync_stores(self) -> None:
        """Mirror the [[stores]] of shopops.toml into the ``stores`` table."""
        self._writable("recording stores")
        rows = [
            {"store": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone}
            for s in self.settings.stores
        ]
        if not rows:
            return
        stores = self.con.table("stores")
        have = stores.filter(stores.store.isin([r["store"] for r in rows])).select(*rows[0]).execute()
        if sorted(have.to_dict("records"), key=lambda r: r["store"]) == sorted(rows, key=lambda r: r["store"]):
            return  # as recorded: no write (every open of the warehouse comes here)
        frame = ibis.memtable(pd.DataFrame(rows), schema=TABLES["stores"].schema())
        replace_rows(self.con, "stores", frame, ["store"])

    @contextmanager
    def reads(self) -> Iterator[Warehouse]:
        """A block of reads that writes nothing (a report): table schemas and the fields each store's
        imports supplied are looked up once in it, not before every query (a weekly report asked for
        them about 950 times). On Spark the layout is a fixed snapshot and they are always cached.

        >>> with wh.reads():                        # doctest: +SKIP
        ...     report = build_report(wh, params)
        """
        self._reading += 1
        try:
            yield self
        finally:
            self._reading -= 1
            if not self._reading:
                if self._pool is not None:  # statements nobody asked for (an error ended the block)
                    self._pool.shutdown(wait=True, cancel_futures=True)
                    self._pool = None
                self._memo = {}
                if self.engine != "spark":
                    self._fields, self._tables = None, {}

    def _caching(self) -> bool:
        return self.engine == "spark" or self._reading > 0

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per :meth:`reads` block for each ``key`` (every call outside one): for
        facts about the data that later layers look up often, such as the stores' first order days."""
        if not self._reading:
            return compute()
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def table(self, name: str) -> ir.Table:
        if not self._caching():
            return self.con.table(name)
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]

    def fetch(self, text: str, schema: ibis.Schema) -> pd.DataFrame:
        """The rows of ``text``, SQL compiled by ``self.con.compile`` from an expression of ``schema``,
        as ``expr.execute()`` returns them (without Ibis parsing the text back: see ``fetch_frame``)."""
        if self.engine == "duckdb":
            return fetch_frame(self.con, text, schema)
        frame: pd.DataFrame = self.con.sql(text, schema=schema).execute()
        return frame

    def runs_in_background(self) -> bool:
        """Whether :meth:`submit` starts statements (on DuckDB, inside a :meth:`reads` block)."""
        return self.engine == "duckdb" and self._reading > 0

    def submit(self, text: str, schema: ibis.Schema) -> Future[pd.DataFrame] | None:
        """Start :meth:`fetch` of ``text`` on a worker thread and return its future, or None where this
        warehouse cannot: outside a :meth:`reads` block, or on Spark (its jobs already use the cluster).

        On DuckDB the worker runs the statement on its own connection to the same file, and DuckDB runs it
        while this thread carries on: a report compiles the next statement and works on the results of
        the previous ones while DuckDB runs this one. ``SHOPOPS_READ_THREADS`` sets the number of
        statements that run at once (default 1: each already uses every core DuckDB is given).
        """
        if not self.runs_in_background():
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(_read_threads(), thread_name_prefix="shopops-read")
        return self._pool.submit(fetch_frame, reader(self.con), text, schema)

    def export_parquet(self, out_dir: Path | str) -> dict[str, Path]:
        """Write every canonical table as ``out_dir/<table>/part-0.parquet``: the layout the Spark
        engine reads (types kept; timestamps as zone-less wall time). Returns table -> file."""
        self._writable("exporting")  # (the export reads DuckDB; a Spark layout is already one)
        return export_parquet(self.con, out_dir, list(TABLES))

    def imports(self) -> pd.DataFrame:
        t = self.table("imports")
        frame: pd.DataFrame = t.order_by(t.import_id).execute()
        return frame

    def quarantine(self, import_id: int | None = None, limit: int | None = None) -> pd.DataFrame:
        t = self.table("quarantine")
        if import_id is not None:
            t = t.filter(t.import_id == import_id)
        expr = t.order_by([t.import_id, t.row])
        if limit is not None:
            expr = expr.limit(limit)
        frame: pd.DataFrame = expr.execute()
        return frame

    def counts(self) -> dict[str, int]:
        return {name: int(self.table(name).count().execute()) for name in TABLES}

    def fields_available(self, store: str) -> dict[str, set[str]]:
        """Canonical fields each table got from the sources imported for ``store``.

        Later layers use it to say "not available from this source" instead of guessing.
        On Spark the layout is a fixed snapshot: the manifest is read once per warehouse (on DuckDB once
        per :meth:`reads` block).
        """
        t = self.table("imports")
        if self._caching():
            if self._fields is None:
                self._fields = _fields_by_store(t.select("store", "fields").execute())
            return {table: set(cols) for table, cols in self._fields.get(store, {}).items()}
        frame = t.filter(t.store == store).select("store", "fields").execute()
        return _fields_by_store(frame).get(store, {})

    def snapshot(self) -> dict[str, Any]:
        """Every stored table's rows, sorted: for tests that check a warehouse did not change.

        The session's temporary objects (staging tables, Ibis memtables) are not part of the warehouse.
        """
        out: dict[str, Any] = {}
        for name in persistent_tables(self.con) if self.engine == "duckdb" else list(TABLES):
            frame = self.table(name).to_pandas()
            out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
        return out


def warehouse_of(obj: Warehouse | Any) -> Warehouse:
    """The warehouse of ``obj``: a :class:`Warehouse` itself, or anything with a ``.warehouse`` (a
    ``Project``, on whichever engine it is set to). Analyses take either."""
    wh = obj if isinstance(obj, Warehouse) else getattr(obj, "warehouse", None)
    if not isinstance(wh, Warehouse):
        raise TypeError("pass a Warehouse or a Project")
    return wh


def _read_threads() -> int:
    text = os.environ.get("SHOPOPS_READ_THREADS", "1")
    if not text.strip().isdigit() or int(text) < 1:
        raise ConfigError(
            f"SHOPOPS_READ_THREADS={text!r} is not a number of threads",
            hint="set it to 1 (the default) or more, or unset it",
        )
    return int(text)


def _fields_by_store(frame: pd.DataFrame) -> dict[str, dict[str, set[str]]]:
    """store -> table -> columns, from rows of ``imports`` (``fields``: "table.column,…")."""
    out: dict[str, dict[str, set[str]]] = {}
    for store, text in zip(frame["store"], frame["fields"], strict=True):
        if text is None or text != text:  # NULL / NaN
            continue
        per_store = out.setdefault(str(store), {})
        for item in str(text).split(","):
            if "." in item:
                table, column = item.split(".", 1)
                per_store.setdefault(table, set()).add(column)
    return out
