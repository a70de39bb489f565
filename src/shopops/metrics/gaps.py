"""Honest gaps: which stores a query covers, what their imports supplied, and the notes that say
why a figure is empty (a field never imported, currencies that must not be added, too little history).

A figure is never guessed: where a store's sources lack what a metric needs, the metric is NULL for
every row that includes the store, and a note names the missing ``table.column``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from shopops.calendar import grains as calendar
from shopops.errors import NotAvailableError
from shopops.metrics.catalogue import Catalogue
from shopops.settings import StoreConfig
from shopops.warehouse.scope import Scope as StoreScope
from shopops.warehouse.store import Warehouse

if TYPE_CHECKING:
    from shopops.metrics.query import MetricQuery


@dataclass(frozen=True)
class Scope:
    """The stores a query covers (after store-level filters, with at least one import) and their fields."""

    stores: tuple[StoreConfig, ...]
    fields: Mapping[str, frozenset[str]]
    named: tuple[str, ...]  # stores matching the filters, imported or not

    @classmethod
    def of(cls, wh: Warehouse, q: MetricQuery, cat: Catalogue, within: StoreScope | None = None) -> Scope:
        """The stores of ``within`` (the scope the edge resolved; else the stores ``q`` names, resolved
        here) that pass ``q``'s store-level filters (platform, currency), with their fields."""
        if within is None and not wh.settings.stores:
            return cls(stores=(), fields={}, named=())
        base = within if within is not None else StoreScope.resolve(wh, q.where.get("store", ()))
        if within is not None and q.where.get("store"):
            base = within.narrow(q.where["store"])
        order = {s.name: i for i, s in enumerate(wh.settings.stores)}  # rows and notes in the project's order
        matching = tuple(
            s
            for s in sorted(base.stores, key=lambda s: order.get(s.name, len(order)))
            if all(store_attr(s, d) in v for d, v in q.where.items() if cat.dimensions[d].store_level)
        )
        fields = {s.name: base.fields[s.name] for s in matching}
        active = tuple(s for s in matching if fields[s.name])
        return cls(stores=active, fields=fields, named=tuple(s.name for s in matching))

    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stores)

    def lacking(self, needs: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """store -> the needed fields its imports never supplied (stores lacking nothing left out)."""
        out = {}
        for s in self.stores:
            missing = tuple(n for n in needs if n not in self.fields[s.name])
            if missing:
                out[s.name] = missing
        return out


def missing_fields(
    catalogue: Catalogue, metric: str, fields_by_store: Mapping[str, Mapping[str, Collection[str]]]
) -> tuple[str, ...]:
    """The ``table.column`` fields ``metric`` needs that the stores in scope lack: those some store's
    imports never supplied (in the catalogue's order); every needed field when no store is in scope.
    ``fields_by_store`` maps store → table → columns, as :meth:`Warehouse.fields_available` gives them.

    >>> from shopops.metrics.catalogue import load_catalogue
    >>> have = {"orders": {"refund_amount"}, "order_items": {"amount", "quantity"}, "products": {"sku"}}
    >>> missing_fields(load_catalogue(), "gross_margin", {"tm": have})
    ('products.unit_cost',)
    """
    needs = catalogue.needs(metric)
    if not fields_by_store:
        return needs

    def lacks(fields: Mapping[str, Collection[str]], need: str) -> bool:
        table, column = need.split(".", 1)
        return column not in fields.get(table, ())

    return tuple(n for n in needs if any(lacks(f, n) for f in fields_by_store.values()))


def store_attr(store: StoreConfig, dim: str) -> str:
    return {"store": store.name, "platform": store.platform, "currency": store.currency}[dim]


def store_dims(q: MetricQuery, cat: Catalogue) -> list[str]:
    return [d for d in q.by if cat.dimensions[d].store_level]


def mixed_currency_stores(scope: Scope, dims: Sequence[str]) -> list[StoreConfig]:
    groups: dict[tuple[str, ...], list[StoreConfig]] = {}
    for s in scope.stores:
        groups.setdefault(tuple(store_attr(s, d) for d in dims), []).append(s)
    return [s for members in groups.values() if len({m.currency for m in members}) > 1 for s in members]


def notes(q: MetricQuery, cat: Catalogue, scope: Scope) -> list[str]:
    """Why figures of ``q`` are empty or partial, one sentence each."""
    out: list[str] = []
    if not scope.stores:
        which = ", ".join(scope.named) or "none configured"
        out.append(f"no data imported for the stores in scope ({which}): every figure is empty")
        return out
    single = len(scope.stores) == 1
    for m in q.metrics:
        for store, missing in scope.lacking(cat.needs(m)).items():
            where = "this store's sources" if single else f"the sources of store {store}"
            out.append(f"{m}: not available from {where} ({', '.join(missing)} missing)")
    paid = [m for m in q.metrics if {"paid_orders", "paid_items"} & set(cat.facts_of(m))]
    for s in scope.stores:
        if paid and "orders.created_at" in scope.fields[s.name] and "orders.paid_at" not in scope.fields[s.name]:
            out.append(
                f"{', '.join(paid)}: the orders of store {s.name} carry no payment time (orders.paid_at);"
                " each counts as paid when it was created"
            )
    money = [m for m in q.metrics if cat.is_money(m)]
    mixed = mixed_currency_stores(scope, store_dims(q, cat))
    if money and mixed:
        currencies = ", ".join(sorted({s.currency for s in mixed}))
        out.append(
            f"{', '.join(money)}: stores in different currencies ({currencies}) are not added up;"
            " split with --by store or --by currency"
        )
    for d in q.by:
        dim = cat.dimensions[d]
        if dim.store_level:
            continue
        for fact in {f for m in q.metrics for f in cat.facts_of(m)}:
            cols = [c for c in dim.sources[fact] if not c.startswith("@")] or list(dim.needs)
            for s in scope.stores:
                if cols and not any(c in scope.fields[s.name] for c in cols):
                    out.append(f"{d}: {' / '.join(cols)} not in the sources of store {s.name}; its rows show ''")
    return list(dict.fromkeys(out))


def uses_buyer_type(q: MetricQuery, cat: Catalogue) -> bool:
    """``q`` splits or filters by new vs returning buyers, or one of its metrics counts only one kind."""
    uses = "buyer_type" in q.by or "buyer_type" in q.where
    return uses or any("buyer_type" in cat.metrics[b].where for m in q.metrics for b in cat.base_metrics(m))


def history_notes(wh: Warehouse, q: MetricQuery, cat: Catalogue, scope: Scope) -> list[str]:
    """Returning buyers need a year of history before the range; say when the imports start later.

    The stores' first order days are looked up once per ``wh.reads()`` block (a report asks often)."""
    uses = uses_buyer_type(q, cat)
    stores = tuple(s.name for s in scope.stores if "orders.buyer_id" in scope.fields[s.name])
    if not uses or not stores:
        return []
    first_orders = wh.memo(("first orders", stores), lambda: _first_orders(wh, stores))
    needed = calendar.shift(q.start, days=-365)
    out = []
    for store, day in first_orders:
        if day > needed:
            out.append(
                f"returning buyers: the orders of store {store} start on {day}, less than 365 days before"
                f" {q.start}; buyers who paid before that count as new"
            )
    return out


def _first_orders(wh: Warehouse, stores: tuple[str, ...]) -> list[tuple[str, date]]:
    o = wh.table("orders")
    o = o.filter(o.store.isin(list(stores)))
    frame = o.group_by("store").aggregate(first=o.created_at.min()).order_by("store").execute()
    return [(str(r.store), pd.Timestamp(r.first).date()) for r in frame.itertuples(index=False)]


def refuse_when_nothing(q: MetricQuery, cat: Catalogue, scope: Scope) -> None:
    """A single metric that no store in scope can give is an error, not an empty table."""
    if len(q.metrics) != 1 or not scope.stores:
        return
    m = q.metrics[0]
    lacking = scope.lacking(cat.needs(m))
    if len(lacking) == len(scope.stores):
        missing = sorted({c for cols in lacking.values() for c in cols})
        raise NotAvailableError(
            f"{m}: not available from the sources of {', '.join(lacking)} ({', '.join(missing)} missing)",
            hint=f"import a source that has {', '.join(missing)}; see `shopops sources`",
        )


def incomplete_notes(frame: pd.DataFrame, q: MetricQuery, cat: Catalogue) -> list[str]:
    out = []
    for m in q.metrics:
        for b in cat.base_metrics(m):
            base = cat.metrics[b]
            if base.strict and base.incomplete and frame[m].isna().any():
                out.append(f"{m}: empty where {base.incomplete}")
    return out
