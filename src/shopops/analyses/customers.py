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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir

from shopops.errors import NotAvailableError
from shopops.settings import StoreConfig
from shopops.warehouse.scope import Scope, pay_time
from shopops.warehouse.store import Warehouse


@dataclass(frozen=True)
class Purchases:
    """The paid orders of identified buyers in ``scope``.

    ``table`` columns: ``store``, ``buyer_id``, ``order_id``, ``paid_at`` (timestamp), ``day``
    (date), ``month`` (first day of the month), ``amount`` (``orders.paid_amount``, decimal),
    ``channel`` (``''`` when unknown).
    """

    scope: Scope
    table: ir.Table

    @property
    def wh(self) -> Warehouse:
        return self.scope.wh

    @property
    def stores(self) -> tuple[StoreConfig, ...]:
        return self.scope.stores

    @property
    def currency(self) -> str:
        return self.stores[0].currency


def purchases(source: Scope | Any, stores: Iterable[str] = (), *, money: bool = False) -> Purchases:
    """The paid orders of identified buyers of ``source`` (a Scope, a Project or a Warehouse), narrowed
    to ``stores`` when given; only the stores with imported orders count.

    Raises :class:`NotAvailableError` when a store's orders carry no buyer id, when no store has
    orders, or (``money=True``) when the stores hold different currencies, whose amounts must not be added.
    """
    scope = buyer_scope(Scope.of(source, tuple(stores)))
    if money and len(scope.currencies) > 1:
        listed = ", ".join(f"{s.name} ({s.currency})" for s in scope.stores)
        raise NotAvailableError(
            f"the stores hold different currencies ({listed}); their amounts must not be added",
            hint="pick stores of one currency with --store",
        )
    o = scope.wh.table("orders")
    o = o.filter(o.store.isin(scope.names))
    o = o.mutate(_pay=pay_time(o, scope.without_paid_at()))
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
    return Purchases(scope=scope, table=t)


def buyer_scope(scope: Scope) -> Scope:
    """``scope`` narrowed to its stores with imported orders; an error when there are none, or when one
    of them cannot tell buyers apart (no ``orders.buyer_id``)."""
    with_orders = [s for s in scope.names if any(f.startswith("orders.") for f in scope.fields[s])]
    if not with_orders:
        raise NotAvailableError(
            "no orders imported for " + (", ".join(scope.names) or "any store"),
            hint="import an order export first (shopops import FILE --store S)",
        )
    lacking = [s for s in with_orders if not scope.has(s, "orders.buyer_id")]
    if lacking:
        raise NotAvailableError(
            f"orders of {', '.join(lacking)} carry no buyer id (orders.buyer_id), so buyers cannot be told apart",
            hint="import an export with the buyer column (e.g. Tmall's full 订单报表 with 买家会员名), "
            "or leave these stores out with --store",
        )
    return scope.narrow(with_orders)


def month_index(month: ir.DateValue) -> ir.IntegerValue:
    """Months since year 0: differences of it count calendar months on every engine."""
    return month.year() * 12 + month.month()  # type: ignore[no-any-return]


__all__ = ["Purchases", "buyer_scope", "month_index", "purchases"]
