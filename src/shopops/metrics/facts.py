"""Facts: the row sets base metrics aggregate, built as Ibis expressions over the canonical tables.

Every builder returns a table with ``store``, ``_day`` (the date that places a row in a
period) and the columns of the tables it joins, named ``{table}__{column}`` (the catalogue
writes them ``table.column``). Which tables a fact may join is declared in
:data:`shopops.metrics.catalogue.FACTS`; a builder joins the optional ones only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import ibis
import ibis.expr.types as ir

from shopops.warehouse.schema import TABLES
from shopops.warehouse.scope import pay_time as scope_pay_time
from shopops.warehouse.store import Warehouse


@dataclass(frozen=True)
class FactContext:
    """What a builder needs to know about the query."""

    wh: Warehouse
    stores: tuple[str, ...]  # stores in scope
    tables: frozenset[str] = frozenset()  # optional tables the query reads
    columns: frozenset[str] = frozenset()  # "table.column" the query reads (others are not selected)
    split_dims: frozenset[str] = frozenset()  # dimensions split by or filtered on
    no_paid_at: tuple[str, ...] = field(default=())  # stores whose orders carry no payment time
    # the query's days (inclusive) and the first period's start: builders use them to read less
    start: date | None = None
    end: date | None = None
    first_period: date | None = None
    # the days as separate ranges when the query reads only some of start–end (a Batch span over
    # periods with gaps: each range is whole periods, so each after the first starts a period)
    days: tuple[tuple[date, date], ...] = ()

    def ranges(self) -> tuple[tuple[date, date], ...]:
        """The query's days as ranges of consecutive days (empty: unbounded)."""
        if self.days:
            return self.days
        return () if self.start is None or self.end is None else ((self.start, self.end),)


def col(table: str, column: str) -> str:
    return f"{table}__{column}"


def _prefixed(ctx: FactContext, table: str, *required: str, store: bool = False) -> ir.Table:
    """``table``'s rows of the stores in scope: the columns the query reads plus ``required``, prefixed
    (and the store unprefixed too with ``store``)."""
    t = ctx.wh.table(table)
    t = t.filter(t.store.isin(ctx.stores))
    wanted = {"store", *required} | {c.split(".", 1)[1] for c in ctx.columns if c.startswith(f"{table}.")}
    columns = [t[c].name(col(table, c)) for c in TABLES[table].column_names if c in wanted]
    return t.select(*columns, *([t.store] if store else []))


def _with_stores(t: ir.Table, ctx: FactContext, **columns: ir.Value) -> ir.Table:
    """``t`` with ``columns`` added (among them ``store`` where ``t`` has it prefixed only) and the
    ``stores`` columns the query reads, in as few layers as it can (see ``query._period_table``)."""
    if not any(c.startswith("stores.") and c != "stores.store" for c in ctx.columns):
        store = columns.get("store", t.store if "store" in t.columns else None)
        return t.mutate(**columns, **{col("stores", "store"): store})
    t = t.mutate(**columns) if columns else t
    s = _prefixed(ctx, "stores")
    return t.left_join(s, t.store == s[col("stores", "store")])


def pay_time(o: ir.Table, ctx: FactContext) -> ir.TimestampValue:
    """The payment time of an order (:func:`shopops.warehouse.scope.pay_time`, on this layer's prefixed columns)."""
    return scope_pay_time(o, ctx.no_paid_at, paid_at=col("orders", "paid_at"), created_at=col("orders", "created_at"))


def _near(ts: ir.TimestampValue, first: date | None, last: date | None) -> ir.BooleanValue | None:
    """A coarse bound on a raw timestamp column: the days ``first``–``last`` and one more on each side.

    The exact filter is on the row's day (a date cast of the column), which hides the column from the
    engine's storage statistics; this bound on the column itself lets DuckDB skip the row groups outside
    the range (zone maps: 10x on a one-week query of 8.5M orders). A day wider each side, so that it holds
    every row of the range whatever time zone an engine reads a zone-less timestamp in.
    """
    if first is None or last is None:
        return None
    lo = datetime.combine(first - timedelta(days=1), datetime.min.time())
    hi = datetime.combine(last + timedelta(days=2), datetime.min.time())
    return (ts >= ibis.literal(lo, type="timestamp")) & (ts < ibis.literal(hi, type="timestamp"))  # type: ignore[no-any-return]


def _near_days(ts: ir.TimestampValue, ranges: tuple[tuple[date, date], ...]) -> ir.BooleanValue | None:
    """:func:`_near` of each range, any of them."""
    bounds = [b for first, last in ranges if (b := _near(ts, first, last)) is not None]
    if not bounds:
        return None
    return bounds[0] if len(bounds) == 1 else ibis.or_(*bounds)


def _near_range(t: ir.Table, ts: ir.TimestampValue, ctx: FactContext) -> ir.Table:
    bound = _near_days(ts, ctx.ranges())
    return t if bound is None else t.filter(bound)


def _orders(ctx: FactContext) -> ir.Table:
    return _prefixed(ctx, "orders", "order_id", "created_at", "paid_at", store=True)


def orders_fact(ctx: FactContext) -> ir.Table:
    o = _orders(ctx)
    o = _near_range(o, o[col("orders", "created_at")], ctx)
    return _with_stores(o, ctx, _day=o[col("orders", "created_at")].date())


def paid_orders_fact(ctx: FactContext) -> ir.Table:
    o = _orders(ctx)
    pay = pay_time(o, ctx)
    bound = _near_days(pay, ctx.ranges())
    o = o.filter(pay.notnull() if bound is None else bound & pay.notnull())  # (few layers: see query._period_table)
    return _with_stores(o, ctx, _day=pay_time(o, ctx).date())


def _in_range(t: ir.Table, ctx: FactContext) -> ir.Table:
    """``t``'s rows whose ``_day`` lies in the query's days (the query filters again; this is for speed)."""
    if ctx.start is None or ctx.end is None:
        return t
    return t.filter(in_days(t._day, ctx.ranges()))


def merge_days(ranges: Iterable[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    """``ranges`` (first and last day) sorted, with overlapping or adjacent ones joined."""
    out: list[tuple[date, date]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def in_days(day: ir.DateValue, ranges: tuple[tuple[date, date], ...]) -> ir.BooleanValue:
    """``day`` lies in one of ``ranges`` (first and last day, inclusive)."""
    inside = [day.between(ibis.literal(a, type="date"), ibis.literal(b, type="date")) for a, b in ranges]
    return inside[0] if len(inside) == 1 else ibis.or_(*inside)  # type: ignore[no-any-return]


def paid_items_fact(ctx: FactContext) -> ir.Table:
    """Order lines of paid orders. The per-order line total (``order_totals.item_amount``, which spreads
    an order's refund over its lines) is computed only when asked for, and after the join with the
    range's paid orders: every line of an order joins the same order, so the partition is the same,
    but the window then runs over the range's lines, not every line of the stores (10x at 10M orders)."""
    o = _in_range(paid_orders_fact(ctx), ctx)
    i = _prefixed(ctx, "order_items", "order_id", "sku", "amount")
    t = i.join(
        o,
        [
            i[col("order_items", "store")] == o.store,
            i[col("order_items", "order_id")] == o[col("orders", "order_id")],
        ],
    )
    if "order_totals.item_amount" in ctx.columns:
        per_order = ibis.window(group_by=[t[col("order_items", "store")], t[col("order_items", "order_id")]])
        t = t.mutate(**{col("order_totals", "item_amount"): t[col("order_items", "amount")].sum().over(per_order)})
    if "products" in ctx.tables:
        p = _prefixed(ctx, "products", "sku")
        t = t.left_join(
            p,
            [
                t.store == p[col("products", "store")],
                t[col("order_items", "sku")] == p[col("products", "sku")],
            ],
        ).select(t, *[p[c] for c in p.columns])
    return t


def traffic_fact(ctx: FactContext) -> ir.Table:
    """traffic_daily at the level the query needs.

    A report may hold all-channel rows (channel '' / device '') next to per-channel rows; adding
    both would count visitors twice. Per store and day the coarsest rows that answer the query are
    used: unsplit queries take the total row where there is one (else add up the split rows); a
    split by channel takes per-channel rows, adding devices only when there is no per-channel
    total, and falls back to the day's total row (shown as channel '') when the day has no
    per-channel rows.
    """
    t = _prefixed(ctx, "traffic_daily", "date", "channel", "device")
    store, day = t[col("traffic_daily", "store")], t[col("traffic_daily", "date")]
    has_c = t[col("traffic_daily", "channel")] != ""
    has_d = t[col("traffic_daily", "device")] != ""
    rank = _level_rank(has_c, "channel" in ctx.split_dims, 1) + _level_rank(has_d, "device" in ctx.split_dims, 2)
    t = t.mutate(store=store, _day=day, _level=rank, _best=rank.min().over(ibis.window(group_by=[store, day])))
    t = t.filter(t._level == t._best).drop("_level", "_best")
    return _with_stores(t, ctx)


def _level_rank(split: ir.BooleanValue, needed: bool, weight: int) -> ir.IntegerValue:
    """0 for the level asked for; a finer level next (it is added up); a coarser one last (fallback)."""
    if needed:
        return ibis.ifelse(split, 0, 4 * weight)  # type: ignore[no-any-return]
    return ibis.ifelse(split, weight, 0)  # type: ignore[no-any-return]


def ads_fact(ctx: FactContext) -> ir.Table:
    t = _prefixed(ctx, "ad_spend", "date")
    return _with_stores(t, ctx, store=t[col("ad_spend", "store")], _day=t[col("ad_spend", "date")])


def refunds_fact(ctx: FactContext) -> ir.Table:
    t = _prefixed(ctx, "refunds", "refund_at")
    at = t[col("refunds", "refund_at")]
    bound = _near_days(at, ctx.ranges())
    t = t.filter(at.notnull() if bound is None else bound & at.notnull())
    return _with_stores(t, ctx, store=t[col("refunds", "store")], _day=t[col("refunds", "refund_at")].date())


BUILDERS: dict[str, Callable[[FactContext], ir.Table]] = {
    "orders": orders_fact,
    "paid_orders": paid_orders_fact,
    "paid_items": paid_items_fact,
    "traffic": traffic_fact,
    "ads": ads_fact,
    "refunds": refunds_fact,
}


def add_buyer_type(t: ir.Table, ctx: FactContext) -> ir.Table:
    """``buyer_type``: 'returning' when the order's buyer paid in the store in the 365 days before the
    row's ``period_start`` ([start − 365 days, start)), else 'new' ('' without a buyer id)."""
    o = _prefixed(ctx, "orders", "created_at", "paid_at", "buyer_id")
    # the history any period of the range can look at: from 365 days before each range's first period
    ranges = ctx.ranges()
    firsts = [ctx.first_period or a for a, _ in ranges[:1]] + [a for a, _ in ranges[1:]]
    history = merge_days([(first - timedelta(days=365), b) for first, (_, b) in zip(firsts, ranges, strict=True)])
    if ctx.first_period is not None:
        bound = _near_days(pay_time(o, ctx), history)
        o = o if bound is None else o.filter(bound)
    o = o.mutate(store=o[col("orders", "store")], _pay=pay_time(o, ctx))
    hist = o.filter(o._pay.notnull() & o[col("orders", "buyer_id")].notnull()).select(
        _h_store=o.store, _h_buyer=o[col("orders", "buyer_id")], _h_day=o._pay.date()
    )
    if ctx.first_period is not None and history:
        hist = hist.filter(in_days(hist._h_day, history))  # as literals the engine can prune by
    buyer = t[col("orders", "buyer_id")]
    cur = t.filter(buyer.notnull()).select(_c_store=t.store, _c_buyer=buyer, _c_start=t.period_start).distinct()
    # EXISTS: a buyer with many orders in the year is matched once (a join then DISTINCT took 3x longer)
    paid_before = (
        (hist._h_store == cur._c_store)
        & (hist._h_buyer == cur._c_buyer)
        & (hist._h_day >= cur._c_start - ibis.interval(days=365))
        & (hist._h_day < cur._c_start)
    ).any()
    returning = cur.filter(paid_before).mutate(_returning=True)
    joined = t.left_join(
        returning,
        [
            t.store == returning._c_store,
            buyer == returning._c_buyer,
            t.period_start == returning._c_start,
        ],
    )
    kind = ibis.cases(
        (joined[col("orders", "buyer_id")].isnull(), ibis.literal("")),
        (joined._returning.notnull(), ibis.literal("returning")),
        else_=ibis.literal("new"),
    )
    return joined.select(*[joined[c] for c in t.columns], buyer_type=kind)


def optional_tables(fact: str, columns: Iterable[str]) -> frozenset[str]:
    """The optional tables (``products``) a set of ``table.column`` references needs joined."""
    return frozenset(c.split(".", 1)[0] for c in columns if fact == "paid_items" and c.startswith("products."))
