"""Cross-sell: items bought together in one order, and "bought X, then Y within N days".

Computed in the warehouse engine with Ibis self-joins on the order lines; only the rules come back.

**Baskets.** A basket is a paid order (period as in :mod:`shopops.analyses.orderlines`) and its set of
SKUs (lines with quantity > 0 and a SKU; each SKU once). Per store, with ``N`` baskets:

- ``support(X) = n(X) / N``; ``confidence(X → Y) = n(X ∪ Y) / n(X)``;
  ``lift(X, Y) = support(X ∪ Y) / (support(X) · support(Y))``;
- triples ``{a, b, c}``: ``support``, ``confidence({a, b} → c)`` for each of the three rules and
  ``lift = support(abc) / (support(a) · support(b) · support(c))``.

Itemsets are kept when they appear in at least ``min_count`` baskets and reach ``min_support``; items
below those are pruned before the joins (an itemset is never more frequent than its items: Apriori).

**Sequences.** Per store and buyer, the first paid time of each SKU. A buyer counts for ``X → Y`` when
they bought Y (≠ X) in a later order within ``within_days`` days after their first purchase of X.
``rate = buyers(X → Y) / buyers(X)``. Needs buyer ids.

Registered as ``basket`` (:data:`ANALYSIS`): the orders paid in the context's period (``start`` and
``end`` unset), presented as the pairs with the highest lift.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.analyses.base import Analysis, Context, over_period
from shopops.analyses.orderlines import check_period, lacking_note, line_scope, paid_lines
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.reports.model import Column, Section, Table
from shopops.warehouse.scope import Scope


@dataclass(frozen=True)
class BasketParams:
    """Orders paid in ``start``–``end``; ``stores``: only these (empty: all); ``shown``: the pairs listed
    in the section (those of the highest lift)."""

    start: date | None = None
    end: date | None = None
    stores: tuple[str, ...] = ()
    min_support: float = 0.01
    min_count: int = 2
    triples: bool = True
    within_days: int = 30
    limit: int | None = None
    shown: int = 10

    def __post_init__(self) -> None:
        check_period(self.start, self.end)
        if self.shown < 1:
            raise QueryError(f"shown must be at least 1 (got {self.shown})", code="param.invalid")
        if not 0 <= self.min_support <= 1:
            raise QueryError(f"min_support must be in [0, 1] (got {self.min_support})")
        if self.min_count < 1:
            raise QueryError(f"min_count must be at least 1 (got {self.min_count})")
        if self.within_days < 1:
            raise QueryError(f"within_days must be at least 1 (got {self.within_days})")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class BasketResult:
    """``pairs``/``triples``/``sequences`` (sorted by count, then lift or rate); ``baskets``: N per store."""

    pairs: pd.DataFrame
    triples: pd.DataFrame
    sequences: pd.DataFrame
    baskets: pd.DataFrame
    params: BasketParams
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def basket_items(lines: ir.Table) -> ir.Table:
    """Distinct (store, order_id, sku) of the lines with quantity > 0 and a SKU."""
    ok = lines.filter((lines.quantity > 0) & (lines.sku != ""))
    return ok.select("store", "order_id", "sku").distinct()


def _thresholds(items: ir.Table, params: BasketParams) -> tuple[ir.Table, ir.Table]:
    """(baskets per store with the count floor, frequent items with their count)."""
    n = items.group_by("store").agg(n=items.order_id.nunique())
    floor = (n.n.cast("float64") * params.min_support).ceil().cast("int64")
    n = n.mutate(floor=ibis.greatest(floor, ibis.literal(params.min_count)))
    counts = items.group_by(["store", "sku"]).agg(cnt=items.order_id.count())
    c = counts.join(n, "store")
    frequent = c.filter(c.cnt >= c.floor).select("store", "sku", "cnt", "n", "floor")
    return n, frequent


def pair_rules(items: ir.Table, params: BasketParams) -> ir.Table:
    """Pairs a < b with n_ab, support, both confidences and lift, in the engine."""
    _, freq = _thresholds(items, params)
    f = items.join(freq.select("store", "sku"), ["store", "sku"])
    x = f.select(store=f.store, order_id=f.order_id, a=f.sku)
    y = f.select(s2=f.store, o2=f.order_id, b=f.sku)
    pairs = x.join(y, [x.store == y.s2, x.order_id == y.o2, x.a < y.b])
    counted = pairs.group_by(["store", "a", "b"]).agg(n_ab=pairs.order_id.count())
    fa = freq.select(store_a=freq.store, sku_a=freq.sku, n_a=freq.cnt, n=freq.n, floor=freq.floor)
    fb = freq.select(store_b=freq.store, sku_b=freq.sku, n_b=freq.cnt)
    j = counted.join(fa, [counted.store == fa.store_a, counted.a == fa.sku_a])
    j = j.join(fb, [j.store == fb.store_b, j.b == fb.sku_b])
    j = j.filter(j.n_ab >= j.floor)
    nf = j.n.cast("float64")
    return j.select(
        "store",
        "a",
        "b",
        "n_ab",
        "n_a",
        "n_b",
        baskets=j.n,
        support=j.n_ab / nf,
        confidence_ab=j.n_ab.cast("float64") / j.n_a,
        confidence_ba=j.n_ab.cast("float64") / j.n_b,
        lift=j.n_ab * nf / (j.n_a.cast("float64") * j.n_b),
    )


def _frequent_pair_rows(items: ir.Table, params: BasketParams) -> tuple[ir.Table, ir.Table, ir.Table]:
    """(order-level rows of frequent pairs a < b, pair counts of those pairs, frequent items)."""
    n, freq = _thresholds(items, params)
    f = items.join(freq.select("store", "sku"), ["store", "sku"])
    x = f.select(store=f.store, order_id=f.order_id, a=f.sku)
    y = f.select(s2=f.store, o2=f.order_id, b=f.sku)
    rows = x.join(y, [x.store == y.s2, x.order_id == y.o2, x.a < y.b]).select("store", "order_id", "a", "b")
    pc = rows.group_by(["store", "a", "b"]).agg(n_ab=rows.order_id.count())
    nn = n.select(ns=n.store, floor=n.floor)
    pc = pc.join(nn, pc.store == nn.ns)
    pc = pc.filter(pc.n_ab >= pc.floor).select("store", "a", "b", "n_ab")
    k = pc.select(ps=pc.store, pa=pc.a, pb=pc.b)
    rows = rows.join(k, [rows.store == k.ps, rows.a == k.pa, rows.b == k.pb])
    return rows.select("store", "order_id", "a", "b"), pc, freq


def triple_rules(items: ir.Table, params: BasketParams) -> ir.Table:
    """Triples a < b < c above the thresholds, with support, the three confidences and lift.

    Apriori: a frequent triple has frequent pairs, so candidates are joined from the orders' frequent
    pairs {a, b} and {a, c} (b < c) only, which keeps the join small.
    """
    rows, pc, freq = _frequent_pair_rows(items, params)
    y = rows.select(s2=rows.store, o2=rows.order_id, a2=rows.a, c=rows.b)
    t = rows.join(y, [rows.store == y.s2, rows.order_id == y.o2, rows.a == y.a2, rows.b < y.c])
    counted = t.group_by(["store", "a", "b", "c"]).agg(n_abc=t.order_id.count())
    j = counted
    for u, v, name in (("a", "b", "n_ab"), ("a", "c", "n_ac"), ("b", "c", "n_bc")):
        p = pc.select(ps=pc.store, pu=pc.a, pv=pc.b, **{name: pc.n_ab})
        j = j.join(p, [j.store == p.ps, j[u] == p.pu, j[v] == p.pv]).drop("ps", "pu", "pv")
    for item, name in (("a", "n_a"), ("b", "n_b"), ("c", "n_c")):
        q = freq.select(qs=freq.store, qk=freq.sku, n=freq.n, floor=freq.floor, **{name: freq.cnt})
        if name != "n_a":
            q = q.drop("n", "floor")
        j = j.join(q, [j.store == q.qs, j[item] == q.qk]).drop("qs", "qk")
    j = j.filter(j.n_abc >= j.floor)
    nf = j.n.cast("float64")
    abc = j.n_abc.cast("float64")
    return j.select(
        "store",
        "a",
        "b",
        "c",
        "n_abc",
        baskets=j.n,
        support=abc / nf,
        confidence_ab_c=abc / j.n_ab,
        confidence_ac_b=abc / j.n_ac,
        confidence_bc_a=abc / j.n_bc,
        lift=abc * nf * nf / (j.n_a.cast("float64") * j.n_b * j.n_c),
    )


def sequence_rules(lines: ir.Table, params: BasketParams) -> ir.Table:
    """Per store, X → Y: buyers who bought Y in a later order within ``within_days`` of first buying X."""
    ok = lines.filter((lines.quantity > 0) & (lines.sku != "") & lines.buyer_id.notnull())
    buys = ok.select("store", "buyer_id", "order_id", "sku", "paid_at").distinct()
    first = buys.group_by(["store", "buyer_id", "sku"]).agg(t=buys.paid_at.min())
    base = first.group_by(["store", "sku"]).agg(buyers_x=first.buyer_id.count())
    later = buys.select(s2=buys.store, b2=buys.buyer_id, y=buys.sku, t2=buys.paid_at)
    j = first.join(
        later,
        [
            first.store == later.s2,
            first.buyer_id == later.b2,
            first.sku != later.y,
            later.t2 > first.t,
            later.t2 <= first.t + ibis.interval(days=params.within_days),
        ],
    )
    pairs = j.select(store=j.store, buyer_id=j.buyer_id, x=j.sku, y=j.y).distinct()
    counted = pairs.group_by(["store", "x", "y"]).agg(buyers_xy=pairs.buyer_id.count())
    counted = counted.filter(counted.buyers_xy >= params.min_count)
    b = base.select(bs=base.store, bx=base.sku, buyers_x=base.buyers_x)
    r = counted.join(b, [counted.store == b.bs, counted.x == b.bx])
    return r.select("store", "x", "y", "buyers_xy", "buyers_x", rate=r.buyers_xy.cast("float64") / r.buyers_x)


def basket(source: Scope | Any, params: BasketParams) -> BasketResult:
    """Pairs, triples and follow-up sequences of the orders paid in the period.

    >>> basket(project, BasketParams(min_support=0.01, within_days=30)).pairs  # doctest: +SKIP
    """
    scope = line_scope(source, params.stores)
    notes: list[str] = []
    timings: dict[str, float] = {}
    lines = paid_lines(scope, params.start, params.end)
    items = basket_items(lines)
    t0 = time.perf_counter()
    n = items.group_by("store").agg(baskets=items.order_id.nunique()).order_by("store").execute()
    pairs = _sorted(pair_rules(items, params), ["n_ab", "lift"], ["store", "a", "b"], params.limit)
    timings["pairs"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    triples = (
        _sorted(triple_rules(items, params), ["n_abc", "lift"], ["store", "a", "b", "c"], params.limit)
        if params.triples
        else pd.DataFrame()
    )
    timings["triples"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    buyers_ok = scope.having("orders.buyer_id")
    note = lacking_note(scope, "orders.buyer_id", "follow-up sequences (bought X, then Y)")
    if note:
        notes.append(note)
    seq_lines = lines.filter(lines.store.isin(buyers_ok)) if buyers_ok else None
    sequences = (
        _sorted(sequence_rules(seq_lines, params), ["buyers_xy", "rate"], ["store", "x", "y"], params.limit)
        if seq_lines is not None
        else pd.DataFrame(columns=["store", "x", "y", "buyers_xy", "buyers_x", "rate"])
    )
    timings["sequences"] = time.perf_counter() - t0
    return BasketResult(pairs, triples, sequences, n, params, notes, timings)


def _sorted(expr: ir.Table, desc: list[str], asc: list[str], limit: int | None) -> pd.DataFrame:
    ordered = expr.order_by([*[ibis.desc(c) for c in desc], *asc])
    if limit is not None:
        ordered = ordered.limit(limit)
    frame: pd.DataFrame = ordered.execute()
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: BasketParams) -> BasketResult:
    """:func:`basket` over the context's scope, for the orders paid in its period where ``params`` give no
    dates."""
    return over_period(ctx, basket, params)


def present(result: BasketResult, lang: str) -> Section | None:
    """The pairs bought together with the highest lift (``None`` when no pair is frequent enough)."""
    w = Words(lang, "range")
    s = w.say
    pairs = result.pairs.sort_values(["lift", "n_ab"], ascending=False).head(result.params.shown)
    if pairs.empty:
        return None
    cols = [
        Column("store", w.dimension("store")),
        Column("a", s.t("pair_a")),
        Column("b", s.t("pair_b")),
        Column("n_ab", s.t("count"), "count"),
        Column("support", s.t("support"), "ratio"),
        Column("confidence_ab", s.t("confidence"), "ratio"),
        Column("lift", s.t("lift"), "number"),
    ]
    return Section("basket", s.t("basket"), tables=[Table("pairs", s.t("basket"), cols, records(pairs))])


ANALYSIS: Analysis[BasketParams, BasketResult] = Analysis(
    "basket",
    BasketParams,
    build,
    present,
)
