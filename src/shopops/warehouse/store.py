"""Open the warehouse, create or migrate its tables, and read the bookkeeping tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.backends import connect_duckdb, replace_rows, transaction
from shopops.backends.duckdb import persistent_tables
from shopops.settings import Settings
from shopops.warehouse.schema import TABLES


class Warehouse:
    """A handle on the project's warehouse (an Ibis backend plus our bookkeeping).

    >>> wh = Warehouse.open(settings)          # doctest: +SKIP
    >>> wh.table("orders").count().execute()   # doctest: +SKIP
    """

    def __init__(self, con: ibis.BaseBackend, settings: Settings) -> None:
        self.con = con
        self.settings = settings

    @classmethod
    def open(cls, settings: Settings, *, read_only: bool = False) -> Warehouse:
        path = settings.warehouse_path
        exists = Path(path).exists()
        con = connect_duckdb(path, read_only=read_only and exists, memory_limit=settings.memory_limit)
        wh = cls(con, settings)
        if not (read_only and exists):
            wh.ensure_tables()
        return wh

    def close(self) -> None:
        self.con.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_tables(self) -> None:
        """Create missing tables; add columns a newer shopops declares (a forward-only migration)."""
        existing = set(self.con.list_tables())
        with transaction(self.con):
            for spec in TABLES.values():
                schema = spec.schema()
                if spec.name not in existing:
                    self.con.create_table(spec.name, schema=schema)
                    continue
                have = self.con.table(spec.name).schema()
                missing = [n for n in schema.names if n not in have.names]
                if missing:
                    old = self.con.table(spec.name)
                    widened = old.select(
                        *[old[n] if n in have.names else ibis.null(schema[n]).name(n) for n in schema.names]
                    )
                    data = widened.to_pyarrow()
                    self.con.drop_table(spec.name)
                    self.con.create_table(spec.name, obj=data, schema=schema)
            self.sync_stores()

    def sync_stores(self) -> None:
        """Mirror the [[stores]] of shopops.toml into the ``stores`` table."""
        rows = [
            {"store": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone}
            for s in self.settings.stores
        ]
        if not rows:
            return
        frame = ibis.memtable(pd.DataFrame(rows), schema=TABLES["stores"].schema())
        replace_rows(self.con, "stores", frame, ["store"])

    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

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
        """
        t = self.table("imports")
        frame = t.filter(t.store == store).select("fields").execute()
        out: dict[str, set[str]] = {}
        for text in frame["fields"].dropna():
            for item in str(text).split(","):
                if "." in item:
                    table, column = item.split(".", 1)
                    out.setdefault(table, set()).add(column)
        return out

    def snapshot(self) -> dict[str, Any]:
        """Every stored table's rows, sorted: for tests that check a warehouse did not change.

        The session's temporary objects (staging tables, Ibis memtables) are not part of the warehouse.
        """
        out: dict[str, Any] = {}
        for name in persistent_tables(self.con):
            frame = self.table(name).to_pandas()
            out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
        return out
