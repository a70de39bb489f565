"""Key totals per store, straight from the canonical tables (what an import brought in).

Money stays Decimal. A figure the store's sources cannot give (e.g. buyers from a Tmall
report with no buyer id) is ``None`` with the reason in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import ibis.expr.types as ir

from shopops.warehouse.store import Warehouse


@dataclass
class StoreTotals:
    store: str
    platform: str
    currency: str
    orders: int
    paid_orders: int
    paid_amount: Decimal
    refund_amount: Decimal
    units: int | None
    buyers: int | None
    first_day: date | None
    last_day: date | None
    traffic_uv: int | None
    ad_spend: Decimal | None
    notes: list[str] = field(default_factory=list)


def store_totals(wh: Warehouse) -> list[StoreTotals]:
    out = []
    for store in wh.settings.stores:
        o = _for_store(wh, "orders", store.name)
        row = (
            o.aggregate(
                orders=o.count(),
                paid_orders=o.paid_at.count(),
                paid_amount=o.paid_amount.sum(),
                refund_amount=o.refund_amount.sum(),
                units=o.units.sum(),
                units_known=o.units.count(),
                buyers=o.buyer_id.nunique(where=o.paid_at.notnull()),
                buyer_known=o.buyer_id.count(),
                first=o.created_at.min(),
                last=o.created_at.max(),
            )
            .execute()
            .iloc[0]
        )
        tr = _for_store(wh, "traffic_daily", store.name)
        ads = _for_store(wh, "ad_spend", store.name)
        uv = tr.aggregate(uv=tr.uv.sum(), n=tr.count()).execute().iloc[0]
        spend = ads.aggregate(spend=ads.spend.sum(), n=ads.count()).execute().iloc[0]
        notes = []
        if int(row["orders"]) and not int(row["buyer_known"]):
            notes.append("buyers: not available from this store's sources (no buyer id)")
        if int(row["orders"]) and not int(row["units_known"]):
            notes.append("units: not available from this store's sources")
        out.append(
            StoreTotals(
                store=store.name,
                platform=store.platform,
                currency=store.currency,
                orders=int(row["orders"]),
                paid_orders=int(row["paid_orders"]),
                paid_amount=_dec(row["paid_amount"]),
                refund_amount=_dec(row["refund_amount"]),
                units=int(row["units"]) if int(row["units_known"]) else None,
                buyers=int(row["buyers"]) if int(row["buyer_known"]) else None,
                first_day=row["first"].date() if row["first"] is not None and row["first"] == row["first"] else None,
                last_day=row["last"].date() if row["last"] is not None and row["last"] == row["last"] else None,
                traffic_uv=int(uv["uv"]) if int(uv["n"]) else None,
                ad_spend=_dec(spend["spend"]) if int(spend["n"]) else None,
                notes=notes,
            )
        )
    return out


def _for_store(wh: Warehouse, table: str, store: str) -> ir.Table:
    t = wh.table(table)
    return t.filter(t.store == store)


def _dec(value: object) -> Decimal:
    if value is None or (isinstance(value, float) and value != value):
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


__all__ = ["StoreTotals", "store_totals"]
