"""Refunds: rate by product, reason, channel and days since purchase; products whose rate jumped.

Refunds come from the ``refunds`` table (one row per refund, with SKU, amount, units, reason and time)
and count in the period by ``refund_at`` (refunds without a time are left out, with a note). Sales
count by the order's payment time, as in :mod:`shopops.analyses.orderlines` — 生意参谋's 退款率 reads
refunds of the period against sales of the period the same way.

Stores without a refund export (Tmall/JD order reports carry each order's refund amount) fall back
to the orders: by product, each paid order's refund spread over its lines by amount (the catalogue's
``item_refund``), and by channel, the paid orders' refund amounts — both against the same paid orders;
``refunds`` then counts orders with a refund, and reasons, units returned and days since purchase are
not available (a note says so).

- **by product**: ``refund_rate = refund amount / sales`` and ``unit_refund_rate = units returned /
  units sold`` per store and SKU;
- **by reason** (when the store's refund export carries ``reason``), **by channel** (the order's
  channel, joined on store and order id; '' when unknown) and **by days since purchase**: refunds,
  amount and share of all refunds;
- **days since purchase**: ``refund_at`` day − the order's ``paid_at`` day, in the buckets
  0–3, 4–7, 8–15, 16–30, 31+ days; ``unknown`` when the refund is not linked to a paid order;
- **jumps**: per product, the unit refund rate of the last ``recent_weeks`` (4) weeks to ``end``
  against the ``base_weeks`` (12) weeks before, one-sided two-proportion z-test with pooled variance
  (``z = (p1 − p0) / sqrt(p(1 − p)(1/n1 + 1/n0))``, ``p_value = P(Z ≥ z)``, the normal tail as in
  ``scipy.stats.norm.sf``). Flagged when ``n1 ≥ min_units``, at least ``min_refunds`` refunded units
  in the recent window, ``p1 > p0`` and ``p_value < alpha``. Returned units above units sold in a
  window are capped at units sold. For a store without a refund export (refunds only as the orders'
  refund amounts, as in Tmall and JD order reports) the counts are orders: ``units_*`` are the paid
  orders holding the SKU and ``returned_*`` those of them with a refund (``basis = "orders"``).

Registered as ``refunds`` (:data:`ANALYSIS`): refunds and sales in the context's period (``start`` and
``end`` unset), presented as the refunds by days after payment.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.analyses.base import Analysis, Context, over_period
from shopops.analyses.orderlines import check_period, lacking_note, line_scope, paid_lines, paid_orders, within
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.reports.model import Column, Section, Table
from shopops.warehouse.scope import Scope

BUCKETS = ((0, 3, "0-3"), (4, 7, "4-7"), (8, 15, "8-15"), (16, 30, "16-30"))
LAST_BUCKET = "31+"
UNKNOWN = "unknown"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RefundsParams:
    """Refunds and sales in ``start``–``end`` (inclusive); jump windows end at ``end`` (default: the
    newest refund or payment day)."""

    start: date | None = None
    end: date | None = None
    stores: tuple[str, ...] = ()
    recent_weeks: int = 4
    base_weeks: int = 12
    min_units: int = 30
    min_refunds: int = 3
    alpha: float = 0.05

    def __post_init__(self) -> None:
        check_period(self.start, self.end)
        if self.recent_weeks < 1 or self.base_weeks < 1:
            raise QueryError("recent_weeks and base_weeks must be at least 1")
        if not 0 < self.alpha < 1:
            raise QueryError(f"alpha must be in (0, 1) (got {self.alpha})")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class RefundsResult:
    by_product: pd.DataFrame
    by_reason: pd.DataFrame
    by_channel: pd.DataFrame
    by_days: pd.DataFrame
    jumps: pd.DataFrame
    params: RefundsParams
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def days_bucket(days: ir.IntegerValue) -> ir.StringValue:
    """The bucket label of a number of days since purchase (NULL → 'unknown')."""
    cases = [(days.between(lo, hi), ibis.literal(label)) for lo, hi, label in BUCKETS]
    return ibis.cases((days.isnull(), ibis.literal(UNKNOWN)), *cases, else_=ibis.literal(LAST_BUCKET))  # type: ignore[no-any-return]


def z_test(x1: int, n1: int, x0: int, n0: int) -> tuple[float, float]:
    """One-sided two-proportion z-test of p1 > p0 with pooled variance: (z, p-value).

    >>> round(z_test(20, 100, 30, 300)[1], 4)
    0.0044
    """
    if n1 <= 0 or n0 <= 0:
        return math.nan, math.nan
    p = (x1 + x0) / (n1 + n0)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))
    if se == 0:
        return math.nan, math.nan
    z = (x1 / n1 - x0 / n0) / se
    return z, 0.5 * math.erfc(z / math.sqrt(2))


def _refund_rows(scope: Scope, start: date | None, end: date | None) -> ir.Table:
    r = scope.wh.table("refunds")
    r = r.filter(r.store.isin(scope.names) & r.refund_at.notnull())
    r = within(r, r.refund_at, start, end)
    o = paid_orders(scope, None, None)
    o = o.select(os=o.store, oid=o.order_id, channel=o.channel.fill_null(""), paid_at=o.paid_at)
    j = r.left_join(o, [r.store == o.os, r.order_id == o.oid])
    days = j.refund_at.date().delta(j.paid_at.date(), unit="day")
    return j.select(
        store=j.store,
        sku=j.sku.fill_null(""),
        quantity=j.quantity.fill_null(0),
        amount=j.amount,
        reason=j.reason.fill_null(""),
        channel=j.channel.fill_null(""),
        refund_at=j.refund_at,
        days=days,
    )


def refunds(source: Scope | Any, params: RefundsParams) -> RefundsResult:
    """Refund rates by product, reason, channel and days since purchase, and products whose rate jumped.

    >>> refunds(project, RefundsParams(date(2026, 9, 1), date(2026, 11, 30))).by_days  # doctest: +SKIP
    """
    scope = line_scope(source, params.stores)
    notes: list[str] = []
    timings: dict[str, float] = {}
    exported = scope.having("refunds.amount")
    from_orders = tuple(s for s in scope.having("orders.refund_amount") if s not in exported)
    for s in scope.names:
        if s in from_orders:
            notes.append(
                f"refunds of {s} come from its orders' refund amounts (no refund export): rates by product"
                " (spread over lines by amount) and channel are against the same paid orders; reasons,"
                " units returned and days since purchase need a refund export"
            )
        elif s not in exported:
            notes.append(f"refunds: not available for {s} (no refund export imported)")
    note = lacking_note(scope, "refunds.refund_at", "refund times") if exported else None
    if note:
        notes.append(note)
    t0 = time.perf_counter()
    r = _refund_rows(scope, params.start, params.end)
    lines = paid_lines(scope, params.start, params.end)
    sold = lines.group_by(["store", "sku"]).agg(sales=lines.amount.sum(), units_sold=lines.quantity.sum())
    ref = r.group_by(["store", "sku"]).agg(
        refunds=r.count(), refund_amount=r.amount.sum(), units_returned=r.quantity.sum()
    )
    j = sold.outer_join(ref, [sold.store == ref.store, sold.sku == ref.sku])
    by_product = (
        j.select(
            store=ibis.coalesce(j.store, j.store_right),
            sku=ibis.coalesce(j.sku, j.sku_right),
            sales=j.sales.fill_null(0),
            units_sold=j.units_sold.fill_null(0),
            refunds=j.refunds.fill_null(0),
            refund_amount=j.refund_amount.fill_null(0),
            units_returned=j.units_returned.fill_null(0),
        )
        .order_by(["store", "sku"])
        .execute()
    )
    if from_orders:
        by_product = _replace(by_product, _order_refunds(lines, from_orders, "sku"), ["store", "sku"], "units_returned")
    by_product["refund_rate"] = _ratio(by_product["refund_amount"], by_product["sales"])
    by_product["unit_refund_rate"] = _ratio(by_product["units_returned"], by_product["units_sold"])
    by_product = by_product.sort_values(["refund_amount", "store", "sku"], ascending=[False, True, True])
    timings["by_product"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    reason_stores = scope.having("refunds.reason")
    note = lacking_note(scope, "refunds.reason", "refund reasons")
    if note:
        notes.append(note)
    by_reason = _shares(r.filter(r.store.isin(reason_stores)), "reason") if reason_stores else _empty("reason")
    by_channel = _shares(r, "channel")
    paid_by_channel = lines.group_by(["store", "channel"]).agg(sales=lines.amount.sum()).execute()
    by_channel = by_channel.merge(paid_by_channel, on=["store", "channel"], how="outer")
    by_channel["refunds"] = by_channel["refunds"].fillna(0).astype(int)
    by_channel["refund_amount"] = by_channel["refund_amount"].map(_zero)
    by_channel["sales"] = by_channel["sales"].map(_zero)
    if from_orders:
        by_channel = _replace(by_channel, _order_refunds(lines, from_orders, "channel"), ["store", "channel"], None)
        by_channel["share"] = by_channel["refunds"] / by_channel.groupby("store")["refunds"].transform("sum")
    by_channel["refund_rate"] = _ratio(by_channel["refund_amount"], by_channel["sales"])
    by_channel = by_channel.sort_values(["store", "channel"]).reset_index(drop=True)
    by_days = _shares(r.mutate(bucket=days_bucket(r.days)), "bucket")
    order = {label: i for i, label in enumerate([*(b[2] for b in BUCKETS), LAST_BUCKET, UNKNOWN])}
    by_days = by_days.sort_values(["store", "bucket"], key=lambda c: c.map(order) if c.name == "bucket" else c)
    by_days = by_days.reset_index(drop=True)
    timings["breakdowns"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    jumps = _jumps(scope, params)
    timings["jumps"] = time.perf_counter() - t0
    return RefundsResult(
        by_product.reset_index(drop=True), by_reason, by_channel, by_days, jumps, params, notes, timings
    )


def _zero(v: object) -> object:
    return Decimal(0) if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _order_refunds(lines: ir.Table, stores: tuple[str, ...], dim: str) -> pd.DataFrame:
    """Per store and ``dim``: orders with a refund and the refund spread over lines by amount."""
    t = lines.filter(lines.store.isin(stores))
    share = ibis.ifelse(t.order_items_amount != 0, t.order_refund * t.amount / t.order_items_amount, 0)
    refunded = ibis.ifelse(t.order_refund > 0, t.order_id, ibis.null("string"))
    g = t.group_by(["store", dim]).agg(refunds=refunded.nunique(), refund_amount=share.sum())
    out: pd.DataFrame = g.execute()
    out["refund_amount"] = pd.Series(
        [Decimal(str(v)).quantize(CENT) for v in out["refund_amount"]], index=out.index, dtype=object
    )
    return out


def _replace(frame: pd.DataFrame, repl: pd.DataFrame, key: list[str], unknown: str | None) -> pd.DataFrame:
    """``frame`` with refunds and refund_amount of the stores in ``repl`` taken from ``repl``."""
    stores = set(repl["store"])
    mine = frame[frame["store"].isin(stores)].drop(columns=["refunds", "refund_amount"])
    mine = mine.merge(repl, on=key, how="left")
    mine["refunds"] = mine["refunds"].fillna(0).astype(int)
    mine["refund_amount"] = mine["refund_amount"].map(_zero)
    if unknown:
        mine[unknown] = None
    rest = frame[~frame["store"].isin(stores)]
    return pd.concat([rest, mine[frame.columns]], ignore_index=True) if len(rest) else mine[frame.columns]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    n, d = num.astype(float), den.astype(float)
    return (n / d).where(d > 0)


def _empty(dim: str) -> pd.DataFrame:
    return pd.DataFrame(columns=["store", dim, "refunds", "refund_amount", "share"])


def _shares(r: ir.Table, dim: str) -> pd.DataFrame:
    g: pd.DataFrame = r.group_by(["store", dim]).agg(refunds=r.count(), refund_amount=r.amount.sum()).execute()
    totals = g.groupby("store")["refunds"].transform("sum")
    g["share"] = g["refunds"] / totals
    return g.sort_values(["store", dim]).reset_index(drop=True)


def _jumps(scope: Scope, params: RefundsParams) -> pd.DataFrame:
    columns = ["store", "sku", "basis", "units_recent", "returned_recent", "rate_recent", "units_base", "returned_base",
               "rate_base", "z", "p_value", "jumped"]  # fmt: skip
    exported = scope.having("refunds.amount")
    from_orders = tuple(s for s in scope.having("orders.refund_amount") if s not in exported)
    end = params.end or _newest_day(scope)
    if end is None:
        return pd.DataFrame(columns=columns)
    recent_start = end - timedelta(weeks=params.recent_weeks) + timedelta(days=1)
    base_start = recent_start - timedelta(weeks=params.base_weeks)
    base_end = recent_start - timedelta(days=1)
    frames = []
    for label, a, b in (("recent", recent_start, end), ("base", base_start, base_end)):
        lines = paid_lines(scope, a, b)
        sold = lines.filter(~lines.store.isin(from_orders)) if from_orders else lines
        sold = sold.group_by(["store", "sku"]).agg(units=sold.quantity.sum()).execute()
        r = _refund_rows(scope, a, b)
        back = r.group_by(["store", "sku"]).agg(returned=r.quantity.sum()).execute()
        f = sold.merge(back, on=["store", "sku"], how="outer").fillna(0)
        if from_orders:  # orders holding the SKU, and those of them with a refund
            o = lines.filter(lines.store.isin(from_orders))
            refunded = ibis.ifelse(o.order_refund > 0, o.order_id, ibis.null("string"))
            g = o.group_by(["store", "sku"]).agg(units=o.order_id.nunique(), returned=refunded.nunique())
            f = pd.concat([f, g.execute()], ignore_index=True)
        frames.append(f.rename(columns={"units": f"units_{label}", "returned": f"returned_{label}"}))
    f = frames[0].merge(frames[1], on=["store", "sku"], how="outer").fillna(0)
    rows = []
    for rec in f.sort_values(["store", "sku"]).to_dict("records"):
        n1, n0 = int(rec["units_recent"]), int(rec["units_base"])
        x1, x0 = min(int(rec["returned_recent"]), max(n1, 0)), min(int(rec["returned_base"]), max(n0, 0))
        z, p = z_test(x1, n1, x0, n0)
        p1 = x1 / n1 if n1 > 0 else math.nan
        p0 = x0 / n0 if n0 > 0 else math.nan
        jumped = bool(n1 >= params.min_units and x1 >= params.min_refunds and p1 > p0 and p < params.alpha)
        basis = "orders" if rec["store"] in from_orders else "units"
        rows.append([rec["store"], rec["sku"], basis, n1, x1, p1, n0, x0, p0, z, p, jumped])
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["jumped", "p_value", "store", "sku"], ascending=[False, True, True, True]).reset_index(
        drop=True
    )


def _newest_day(scope: Scope) -> date | None:
    o = paid_orders(scope, None, None)
    newest = o.paid_at.max().execute()
    if newest is None or pd.isna(newest):
        return None
    return pd.Timestamp(newest).date()


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: RefundsParams) -> RefundsResult:
    """:func:`refunds` over the context's scope, for its period where ``params`` give no dates."""
    return over_period(ctx, refunds, params)


def present(result: RefundsResult, lang: str) -> Section | None:
    """Refunds by days after payment (``None`` without refunds linked to a time)."""
    w = Words(lang, "range")
    s = w.say
    if result.by_days.empty:
        return None
    cols = [
        Column("store", w.dimension("store")),
        Column("bucket", s.t("bucket")),
        Column("refunds", s.t("refunds_count"), "count"),
        Column("refund_amount", s.t("refund_amount_col"), "money"),
        Column("share", s.t("share"), "ratio"),
    ]
    table = Table("by_days", s.t("refund_days"), cols, records(result.by_days))
    return Section("refund_days", s.t("refund_days"), tables=[table])


ANALYSIS: Analysis[RefundsParams, RefundsResult] = Analysis(
    "refunds",
    RefundsParams,
    build,
    present,
)
