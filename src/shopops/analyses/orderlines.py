"""Paid order lines of a :class:`~shopops.warehouse.scope.Scope`: the row set the product, basket and
refund analyses share.

A line counts when its order was paid in the period (:func:`~shopops.warehouse.scope.pay_time`: the
payment time, or the creation time for a store whose imports carry none). Times are the store's local
wall time; periods are inclusive calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from shopops.errors import NotAvailableError, QueryError
from shopops.warehouse.scope import Scope, pay_time


def line_scope(source: Scope | Any, stores: Iterable[str] = ()) -> Scope:
    """The stores of ``source`` (a Scope, a Project or a Warehouse; narrowed to ``stores`` when given)
    that have at least one import; an error when none has."""
    scope = Scope.of(source, tuple(stores))
    if not scope.active:
        raise NotAvailableError("no data imported for the stores in scope", hint="import exports first")
    return scope.narrow(scope.active)


def lacking_note(scope: Scope, needs: str, what: str) -> str | None:
    """A note naming the stores whose imports never supplied ``needs`` (None when all have it)."""
    missing = [s for s in scope.names if not scope.has(s, needs)]
    if not missing:
        return None
    return f"{what}: not available for {', '.join(missing)} (their imports have no {needs})"


def check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise QueryError(f"the period starts after it ends ({start} > {end})", hint="swap the dates")


def paid_orders(scope: Scope, start: date | None, end: date | None) -> ir.Table:
    """Orders of the stores in scope paid in ``[start, end]``: store, order_id, buyer_id, channel, refund_amount, paid_at."""
    o = scope.wh.table("orders")
    o = o.filter(o.store.isin(scope.names))
    o = o.select(
        "store", "order_id", "buyer_id", "channel", "refund_amount", paid_at=pay_time(o, scope.without_paid_at())
    )
    o = o.filter(o.paid_at.notnull())
    return within(o, o.paid_at, start, end)


def within(t: ir.Table, ts: ir.TimestampValue, start: date | None, end: date | None) -> ir.Table:
    """Rows of ``t`` whose time ``ts`` falls on a day in ``[start, end]`` (either end open when None)."""
    if start is not None:
        t = t.filter(ts >= ibis.timestamp(start.isoformat()))
    if end is not None:
        t = t.filter(ts < ibis.timestamp((end + timedelta(days=1)).isoformat()))
    return t


def paid_lines(scope: Scope, start: date | None, end: date | None) -> ir.Table:
    """Lines of the orders paid in the period with their order's buyer, channel, payment time and refund.

    Columns: store, order_id, line_no, sku ('' when the line has none), quantity, unit_price, amount,
    buyer_id, channel, paid_at, order_refund, order_items_amount (the order's line total).
    """
    o = paid_orders(scope, start, end)
    i = scope.wh.table("order_items")
    i = i.filter(i.store.isin(scope.names))
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


__all__ = ["check_period", "lacking_note", "line_scope", "paid_lines", "paid_orders", "within"]
