"""Customer analyses' common ground: the paid orders of identified buyers, as an Ibis table.

A *purchase* is a paid order (``orders.paid_at`` set; stores whose exports carry no payment time,
such as invoice files, count an order as paid when created), as in the metric layer's ``buyers``.
Times are the store's local wall time, so days and months are the store's calendar. A buyer is
``(store, buyer_id)``: the same account in two stores is two customers, as 生意参谋 and 京东商智
count them. Orders without a buyer id are left out; a store whose imports never supplied
``orders.buyer_id`` (the short Tmall report) makes the analysis refuse with
:class:`~shopops.errors.NotAvailableError` rather than guess.

Used by :mod:`shopops.analyses.buyers`, :mod:`shopops.analyses.cohorts` and
:mod:`shopops.analyses.rfm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from shopops.errors import NotAvailableError
from shopops.settings import StoreConfig
from shopops.warehouse.store import Warehouse, warehouse_of


@dataclass(frozen=True)
class Purchases:
    """The paid orders of identified buyers in ``stores``.

    ``table`` columns: ``store``, ``buyer_id``, ``order_id``, ``paid_at`` (timestamp), ``day``
    (date), ``month`` (first day of the month), ``amount`` (``orders.paid_amount``, decimal),
    ``channel`` (``''`` when unknown).
    """

    wh: Warehouse
    stores: tuple[StoreConfig, ...]
    table: ir.Table

    @property
    def currency(self) -> str:
        return self.stores[0].currency


def purchases(source: Warehouse | Any, stores: Sequence[str] = (), *, money: bool = False) -> Purchases:
    """The paid orders of identified buyers of ``stores`` (default: every store with imports).

    Raises :class:`NotAvailableError` when a store's orders carry no buyer id, when no store has
    orders, or (``money=True``) when the stores hold different currencies, whose amounts must not be added.
    """
    wh = warehouse_of(source)
    scope = _scope(wh, stores)
    if money and len({s.currency for s in scope}) > 1:
        listed = ", ".join(f"{s.name} ({s.currency})" for s in scope)
        raise NotAvailableError(
            f"the stores hold different currencies ({listed}); their amounts must not be added",
            hint="pick stores of one currency with --store",
        )
    names = [s.name for s in scope]
    no_paid_at = [s for s in names if "paid_at" not in wh.fields_available(s).get("orders", set())]
    o = wh.table("orders")
    o = o.filter(o.store.isin(names))
    paid = ibis.ifelse(o.store.isin(no_paid_at), o.created_at, o.paid_at) if no_paid_at else o.paid_at
    o = o.mutate(_pay=paid)
    o = o.filter(o._pay.notnull() & o.buyer_id.notnull() & (o.buyer_id != ""))
    t = o.select(
        store=o.store,
        buyer_id=o.buyer_id,
        order_id=o.order_id,
        paid_at=o._pay,
        day=o._pay.date(),
        month=o._pay.truncate("M").date(),
        amount=o.paid_amount.fill_null(0),
        channel=o.channel.fill_null(""),
    )
    return Purchases(wh=wh, stores=scope, table=t)


def _scope(wh: Warehouse, stores: Sequence[str]) -> tuple[StoreConfig, ...]:
    chosen = [wh.settings.store(s) for s in stores] if stores else list(wh.settings.stores)
    with_orders = [s for s in chosen if "orders" in wh.fields_available(s.name)]
    if not with_orders:
        raise NotAvailableError(
            "no orders imported for " + (", ".join(s.name for s in chosen) or "any store"),
            hint="import an order export first (shopops import FILE --store S)",
        )
    lacking = [s.name for s in with_orders if "buyer_id" not in wh.fields_available(s.name)["orders"]]
    if lacking:
        raise NotAvailableError(
            f"orders of {', '.join(lacking)} carry no buyer id (orders.buyer_id), so buyers cannot be told apart",
            hint="import an export with the buyer column (e.g. Tmall's full 订单报表 with 买家会员名), "
            "or leave these stores out with --store",
        )
    return tuple(with_orders)


def month_index(month: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0: differences of it count calendar months on every engine."""
    return month.year() * 12 + month.month()  # type: ignore[no-any-return]


__all__ = ["Purchases", "month_index", "purchases"]
