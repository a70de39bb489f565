"""The stores a question covers — resolved once, at the edge, and passed down whole.

A :class:`Scope` is what the CLI (and later the web server and the scheduler) makes of ``--store``
(or of a user's allowed stores): the store configurations, which canonical fields each store's imports
supplied, and their one currency. Everything below takes the ``Scope`` it is given and never re-reads
the settings to decide which stores are in: an analysis asked for a store outside its scope refuses.

Money of different currencies is never added up: :meth:`Scope.by_currency` splits a scope into one
scope per currency, :meth:`Scope.one_currency` refuses a mixed one.

The pay-time rule lives here too, once (:func:`pay_time`): an order counts as paid at ``paid_at``;
for a store whose imports carry no payment time (invoice files list completed sales only) at
``created_at``.

>>> scope = Scope.resolve(project.warehouse, ["tmall_flagship"])   # doctest: +SKIP
>>> scope.names, scope.currency                                     # doctest: +SKIP
(('tmall_flagship',), 'CNY')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.errors import ConfigError, NotAvailableError, QueryError
from shopops.settings import StoreConfig
from shopops.warehouse.store import Warehouse, warehouse_of


@dataclass(frozen=True)
class Scope:
    """The stores in scope (``stores``, in the order asked), the ``table.column`` fields each store's
    imports supplied (``fields``; empty for a store with nothing imported), and ``allowed``: the
    stores the user may see (``None``: every store; set by the web server from the user's rights)."""

    wh: Warehouse = field(repr=False, compare=False)
    stores: tuple[StoreConfig, ...]
    fields: Mapping[str, frozenset[str]] = field(repr=False)
    allowed: tuple[str, ...] | None = None

    # ------------------------------------------------------------ resolving

    @classmethod
    def resolve(
        cls, source: Warehouse | Any, stores: Iterable[str] = (), *, allowed: Iterable[str] | None = None
    ) -> Scope:
        """The scope of ``stores`` (every store the user may see when empty) of ``source`` (a Warehouse or
        a Project). An unknown store, or one outside ``allowed``, is an error naming the valid ones."""
        wh = warehouse_of(source)
        names = list(dict.fromkeys(stores))
        configs = {s.name: s for s in wh.settings.stores}
        permitted = tuple(allowed) if allowed is not None else None
        visible = [n for n in configs if permitted is None or n in permitted]
        unknown = [n for n in names if n not in configs]
        if unknown:
            raise QueryError(
                f"unknown store {', '.join(map(repr, unknown))}"
                f" (stores in {wh.settings.config_path}: {', '.join(visible) or 'none yet'})",
                hint="choose one of these, or add the store with `shopops stores add NAME[:PLATFORM]`",
                code="scope.unknown_store",
            )
        hidden = [n for n in names if permitted is not None and n not in permitted]
        if hidden:
            raise ConfigError(
                f"store {', '.join(hidden)} is not among the stores you may see",
                hint=f"your stores: {', '.join(visible) or 'none'}",
                code="scope.forbidden",
            )
        chosen = tuple(configs[n] for n in (names or visible))
        if not chosen:
            raise ConfigError(
                "the project has no stores", hint="add one with `shopops stores add NAME`", code="scope.empty"
            )
        return cls(wh, chosen, {s.name: _fields(wh, s.name) for s in chosen}, permitted)

    @classmethod
    def of(cls, source: Scope | Warehouse | Any, stores: Iterable[str] = ()) -> Scope:
        """``source`` itself when it is a Scope (narrowed to ``stores`` when given: they must be in it),
        else :meth:`resolve`. Analyses start with this, so they take a Scope, a Project or a Warehouse."""
        if isinstance(source, Scope):
            return source.narrow(stores) if stores else source
        return cls.resolve(source, stores)

    def narrow(self, stores: Iterable[str]) -> Scope:
        """The same scope with only ``stores`` (each must be in scope)."""
        names = list(dict.fromkeys(stores))
        outside = [n for n in names if n not in self.names]
        if outside:
            raise ConfigError(
                f"store {', '.join(outside)} is outside this scope ({', '.join(self.names)})",
                hint=f"choose among {', '.join(self.names)}",
                code="scope.outside",
            )
        chosen = tuple(s for s in self.stores if s.name in names)
        return Scope(self.wh, chosen, {s.name: self.fields[s.name] for s in chosen}, self.allowed)

    # ------------------------------------------------------------ facts

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stores)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.currency for s in self.stores))

    @property
    def currency(self) -> str:
        """The scope's one currency; an error when its stores hold several."""
        return self.one_currency().stores[0].currency

    @property
    def timezone(self) -> str | None:
        """The stores' one timezone, or ``None`` when they differ (each store keeps its own calendar)."""
        zones = {s.timezone for s in self.stores}
        return zones.pop() if len(zones) == 1 else None

    @property
    def active(self) -> tuple[str, ...]:
        """The stores with at least one import."""
        return tuple(s.name for s in self.stores if self.fields[s.name])

    def store(self, name: str) -> StoreConfig:
        return next(s for s in self.stores if s.name == name)

    def has(self, store: str, needed: str) -> bool:
        """Whether ``store``'s imports supplied ``needed`` (``table.column``)."""
        return needed in self.fields.get(store, frozenset())

    def having(self, *needs: str) -> tuple[str, ...]:
        """The stores whose imports supplied every one of ``needs``."""
        return tuple(s.name for s in self.stores if all(n in self.fields[s.name] for n in needs))

    def lacking(self, needs: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """store → the needed fields its imports never supplied (stores with nothing imported, and stores
        lacking nothing, left out)."""
        wanted = tuple(needs)
        out: dict[str, tuple[str, ...]] = {}
        for s in self.stores:
            if not self.fields[s.name]:
                continue
            missing = tuple(n for n in wanted if n not in self.fields[s.name])
            if missing:
                out[s.name] = missing
        return out

    # ------------------------------------------------------------ currencies

    def by_currency(self) -> list[Scope]:
        """One scope per currency, in the order the stores come."""
        return [self.narrow([s.name for s in self.stores if s.currency == c]) for c in self.currencies]

    def one_currency(self) -> Scope:
        """This scope, refused when its stores hold different currencies (money is added within one only)."""
        if len(self.currencies) > 1:
            groups = self.by_currency()
            raise QueryError(
                f"stores {', '.join(self.names)} have different currencies "
                f"({', '.join(f'{s.name} {s.currency}' for s in self.stores)}); money of one currency only is added up",
                hint="ask for each currency on its own: "
                + "; ".join("--store " + " --store ".join(g.names) for g in groups),
                code="scope.mixed_currency",
            )
        return self

    # ------------------------------------------------------------ data facts

    def last_data_day(self) -> date | None:
        """The newest day with an order (by creation time) in scope; ``None`` when there is none."""
        return self.wh.memo(("last data day", self.names), lambda: _last_data_day(self.wh, self.names))

    def first_data_day(self) -> date | None:
        """The oldest day with an order (by creation time) in scope; ``None`` when there is none."""
        return self.wh.memo(("first data day", self.names), lambda: _first_data_day(self.wh, self.names))

    def days_with_data(self, start: date, end: date) -> int:
        """How many days of ``start``–``end`` lie within the scope's data (its first to its last order day):
        0 means the period has no data at all, and its figures are unknown (never zero)."""
        first, last = self.first_data_day(), self.last_data_day()
        if first is None or last is None:
            return 0
        lo, hi = max(start, first), min(end, last)
        return max((hi - lo).days + 1, 0)

    def newest_day(self) -> date:
        """:meth:`last_data_day`, or an error saying what to import."""
        last = self.last_data_day()
        if last is None:
            raise NotAvailableError(
                f"no orders imported for {', '.join(self.names)}",
                hint="import order exports first (`shopops import`)",
                code="scope.no_orders",
            )
        return last

    def without_paid_at(self) -> tuple[str, ...]:
        """The stores with orders whose imports carry no payment time (see :func:`pay_time`)."""
        return tuple(n for n in self.names if self.has(n, "orders.created_at") and not self.has(n, "orders.paid_at"))


def pay_time(
    orders: ir.Table, without_paid_at: Sequence[str], *, paid_at: str = "paid_at", created_at: str = "created_at"
) -> ir.TimestampValue:
    """When an order counts as paid: ``paid_at``; for the stores in ``without_paid_at`` (their imports
    carry no payment time: invoice files list completed sales only) ``created_at``. The one place this
    rule is written; ``paid_at`` / ``created_at`` name the columns where a query has renamed them."""
    paid = orders[paid_at]
    if not without_paid_at:
        return paid  # type: ignore[no-any-return]
    return ibis.ifelse(orders.store.isin(list(without_paid_at)), orders[created_at], paid)  # type: ignore[no-any-return]


def _fields(wh: Warehouse, store: str) -> frozenset[str]:
    got = wh.fields_available(store)
    return frozenset(f"{t}.{c}" for t, cols in got.items() for c in cols)


def _last_data_day(wh: Warehouse, stores: Sequence[str]) -> date | None:
    return _edge_day(wh, stores, last=True)


def _first_data_day(wh: Warehouse, stores: Sequence[str]) -> date | None:
    return _edge_day(wh, stores, last=False)


def _edge_day(wh: Warehouse, stores: Sequence[str], *, last: bool) -> date | None:
    o = wh.table("orders")
    if stores:
        o = o.filter(o.store.isin(list(stores)))
    value = (o.created_at.max() if last else o.created_at.min()).execute()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return pd.Timestamp(value).date()


__all__ = ["Scope", "pay_time"]
