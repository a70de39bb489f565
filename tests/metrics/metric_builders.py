"""Small data builders for the metric tests.

``write_csv(path, header, rows)`` writes a generic-source file (canonical field names as headers) that
``project.import_files([path], store=…, source="generic", kind=…)`` imports. ``load_rows`` puts rows
straight into a warehouse table with a manifest entry (for property tests, where importing a file per
example would be slow); the metric layer cannot tell the two apart.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa

from shopops.project import Project
from shopops.warehouse.schema import TABLES
from shopops.warehouse.store import Warehouse

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units,province,channel,device"
TRAFFIC = "date,channel,device,uv,pv,cart_users,fav_users,buyers"
ADS = "date,campaign,impressions,clicks,spend,orders,amount"
PRODUCTS = "sku,category,price,unit_cost"
ITEMS = "order_id,sku,quantity,unit_price"


def write_csv(path: Path, header: str, rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def import_csv(
    project: Project, folder: Path, name: str, store: str, kind: str, header: str, rows: Iterable[Sequence[object]]
) -> None:
    path = write_csv(folder / name, header, rows)
    (summary,) = project.import_files([path], store=store, source="generic", kind=kind)
    assert summary.quarantined == 0, project.quarantine(summary.import_id).to_dict("records")


def clear(wh: Warehouse, *tables: str) -> None:
    """Empty ``tables`` and the import manifest (between property-test examples)."""
    for name in (*tables, "imports"):
        wh.con.truncate_table(name)


def load_rows(wh: Warehouse, table: str, store: str, rows: Sequence[Mapping[str, Any]], fields: Iterable[str]) -> None:
    """Insert ``rows`` into ``table`` for ``store`` and record an import that supplied ``fields``."""
    spec = TABLES[table]
    ids = wh.table("imports").import_id.max().execute()
    import_id = 1 if ids is None or pd.isna(ids) else int(ids) + 1
    if rows:
        records = [
            {c: r.get(c) for c in spec.column_names} | {"store": store, "_import_id": import_id, "_hash": 0}
            for r in rows
        ]
        data = pa.Table.from_pylist(records, schema=spec.schema().to_pyarrow())
        wh.con.insert(table, ibis.memtable(data))
    now = datetime(2026, 1, 1)
    manifest = {
        "import_id": import_id,
        "file": f"{table}.rows",
        "sha256": str(import_id),
        "source": "test",
        "kind": table,
        "store": store,
        "encoding": "utf-8",
        "rows_read": len(rows),
        "loaded": len(rows),
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "fields": ",".join(f"{table}.{f}" for f in ("store", *fields)),
        "started_at": now,
        "finished_at": now,
    }
    wh.con.insert("imports", ibis.memtable(pd.DataFrame([manifest]), schema=TABLES["imports"].schema()))
