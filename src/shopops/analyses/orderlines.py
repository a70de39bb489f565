"""Paid order lines and the stores in scope: the row set the product, basket and refund analyses share.

A line counts when its order was paid in the period (``orders.paid_at``; for a store whose imports
carry no payment time — invoice files list completed sales only — the order's creation time, as the
metric layer does). Times are the store's local wall time; periods are inclusive calendar days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from shopops.errors import NotAvailableError, QueryError
from shopops.warehouse.store import Warehouse


@dataclass(frozen=True)
class LineScope:
    """The stores an analysis covers (those with at least one import) and the fields each imported."""

    stores: tuple[str, ...]
    fields: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, wh: Warehouse, stores: tuple[str, ...] = ()) -> LineScope:
        for name in stores:
            wh.settings.store(name)  # unknown store: ConfigError listing the stores
        names = stores or tuple(s.name for s in wh.settings.stores)
        fields: dict[str, frozenset[str]] = {}
        for name in names:
            got = wh.fields_available(name)
            fields[name] = frozenset(f"{t}.{c}" for t, cols in got.items() for c in cols)
        active = tuple(n for n in names if fields[n])
        if not active:
            raise NotAvailableError("no data imported for the stores in scope", hint="import exports first")
        return cls(stores=active, fields={n: fields[n] for n in active})

    def having(self, *needs: str) -> tuple[str, ...]:
        """The stores whose imports supplied every field in ``needs``."""
        return tuple(s for s in self.stores if all(n in self.fields[s] for n in needs))

    def lacking_note(self, needs: str, what: str) -> str | None:
        """A note naming the stores whose imports never supplied ``needs`` (None when all have it)."""
        missing = [s for s in self.stores if needs not in self.fields[s]]
        if not missing:
            return None
        return f"{what}: not available for {', '.join(missing)} (their imports have no {needs})"


def check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise QueryError(f"the period starts after it ends ({start} > {end})", hint="swap the dates")


def paid_orders(wh: Warehouse, scope: LineScope, start: date | None, end: date | None) -> ir.Table:
    """Orders of the stores in scope paid in ``[start, end]``: store, order_id, buyer_id, channel, refund_amount, paid_at."""
    o = wh.table("orders")
    o = o.filter(o.store.isin(scope.stores))
    no_paid = tuple(s for s in scope.stores if "orders.paid_at" not in scope.fields[s])
    paid = ibis.ifelse(o.store.isin(no_paid), o.created_at, o.paid_at) if no_paid else o.paid_at
    o = o.select("store", "order_id", "buyer_id", "channel", "refund_amount", paid_at=paid)
    o = o.filter(o.paid_at.notnull())
    return within(o, o.paid_at, start, end)


def within(t: ir.Table, ts: ir.TimestampValue, start: date | None, end: date | None) -> ir.Table:
    """Rows of ``t`` whose time ``ts`` falls on a day in ``[start, end]`` (either end open when None)."""
    if start is not None:
        t = t.filter(ts >= ibis.timestamp(start.isoformat()))
    if end is not None:
        t = t.filter(ts < ibis.timestamp((end + timedelta(days=1)).isoformat()))
    return t


def paid_lines(wh: Warehouse, scope: LineScope, start: date | None, end: date | None) -> ir.Table:
    """Lines of the orders paid in the period with their order's buyer, channel, payment time and refund.

    Columns: store, order_id, line_no, sku ('' when the line has none), quantity, unit_price, amount,
    buyer_id, channel, paid_at, order_refund, order_items_amount (the order's line total).
    """
    o = paid_orders(wh, scope, start, end)
    i = wh.table("order_items")
    i = i.filter(i.store.isin(scope.stores))
    per_order = ibis.window(group_by=[i.store, i.order_id])
    i = i.select(
        "store",
        "order_id",
        "line_no",
        "quantity",
        "unit_price",
        "amount",
        sku=i.sku.fill_null(""),
        order_items_amount=i.amount.sum().over(per_order),
    )
    j = i.join(o, [i.store == o.store, i.order_id == o.order_id])
    return j.select(
        *[j[c] for c in i.columns],
        buyer_id=j.buyer_id,
        channel=j.channel.fill_null(""),
        paid_at=j.paid_at,
        order_refund=j.refund_amount.fill_null(0),
    )
