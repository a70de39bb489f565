"""Cohort triangles by first-purchase month: buyers retained and revenue, month by month.

A buyer's **cohort** is the month of their first ever paid order in the store (all history, not
only the range asked for); with ``by="channel"`` also that first order's ``orders.channel`` (the
acquisition channel; ``''`` when the export has none). **Month k** of a cohort is the k-th calendar
month after it (k = 0 is the cohort month). A buyer is **retained** in month k when they have a
paid order in it; **revenue** is the paid amount of the cohort's orders paid in month k.
Rates divide by the cohort size (its buyers in month 0): ``retention = buyers / cohort_buyers``,
``revenue_per_buyer = revenue / cohort_buyers``. Cells after ``end`` are not observed (empty in the
triangle); observed months without a purchase are 0. The last month is partial when ``end`` is not
its last day.

Computed in the engine (a window picks each buyer's first order, then one group-by); pandas only
pivots the long table.

>>> result = cohorts(project, CohortParams(end=date(2026, 12, 31), start=date(2026, 1, 1)))  # doctest: +SKIP
>>> result.triangle("retention")                                                            # doctest: +SKIP

Registered as ``cohorts`` (:data:`ANALYSIS`): the cohorts whose first month lies in the context's
period (``start`` and ``end`` unset), presented as the retention triangle.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.customers import month_index, purchases
from shopops.analyses.rows import Words
from shopops.errors import QueryError
from shopops.reports.model import Chart, Column, Section, Table
from shopops.warehouse.scope import Scope

BY = (None, "channel")
VALUES = ("buyers", "retention", "revenue", "revenue_per_buyer", "orders")
LONG_COLUMNS = ["cohort", "month", "cohort_buyers", "buyers", "retention", "orders", "revenue", "revenue_per_buyer"]


@dataclass(frozen=True)
class CohortParams:
    """Cohorts whose first month lies in ``start``..``end`` (``start=None``: from the first order);
    activity is counted up to ``end`` inclusive (a registered run takes the context's period where
    ``start`` and ``end`` are unset)."""

    end: date | None = None
    start: date | None = None
    stores: tuple[str, ...] = ()
    by: str | None = None

    def __post_init__(self) -> None:
        for d in (self.start, self.end):
            if d is not None and not isinstance(d, date):
                raise QueryError("cohorts need dates", hint="pass datetime.date values")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise QueryError(f"the period starts after it ends ({self.start} > {self.end})", hint="swap the dates")
        if self.by not in BY:
            raise QueryError(f"cohorts split by channel only, not {self.by!r}", hint="--by channel, or leave it out")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class CohortResult:
    """``long``: one row per cohort (and channel) and month k (``LONG_COLUMNS``, ``channel`` after
    ``cohort`` when split); :meth:`triangle` pivots it."""

    params: CohortParams
    long: pd.DataFrame
    currency: str
    timings: dict[str, float] = field(default_factory=dict)

    def triangle(self, value: str = "retention") -> pd.DataFrame:
        """Rows: cohort month (and channel); columns: month k = 0, 1, …; cells: ``value``."""
        if value not in VALUES:
            raise QueryError(f"unknown cohort value {value!r}; valid: {', '.join(VALUES)}")
        index = ["cohort", "channel"] if self.params.by else ["cohort"]
        if self.long.empty:
            return pd.DataFrame(index=pd.Index([], name="cohort"))
        out = self.long.pivot(index=index, columns="month", values=value)
        out.columns = [int(c) for c in out.columns]
        return out


def cohorts(source: Scope | Any, params: CohortParams) -> CohortResult:
    """Monthly cohort triangles of retained buyers and revenue (see the module doc)."""
    if params.end is None:
        raise QueryError("cohorts need the last day counted", hint="give it with --to")
    clock = time.perf_counter()
    p = purchases(source, params.stores, money=True)
    t = p.table.filter(p.table.day <= ibis.literal(params.end, type="date"))
    first_order = ibis.row_number().over(group_by=[t.store, t.buyer_id], order_by=[t.paid_at, t.order_id])
    firsts = t.mutate(_n=first_order)
    firsts = firsts.filter(firsts._n == 0).select(
        _s=firsts.store, _b=firsts.buyer_id, cohort=firsts.month, _ch=firsts.channel
    )
    j = t.join(firsts, [t.store == firsts._s, t.buyer_id == firsts._b])
    j = j.mutate(channel=j._ch)  # the acquisition channel: that of the first order
    if params.start is not None:
        j = j.filter(j.cohort >= ibis.literal(params.start.replace(day=1), type="date"))
    j = j.mutate(k=month_index(j.month) - month_index(j.cohort))
    keys = ["cohort", "channel", "k"] if params.by else ["cohort", "k"]
    per = j.group_by([*keys, "store", "buyer_id"]).aggregate(paid=j.amount.sum(), n=j.count())
    g = per.group_by(keys).aggregate(buyers=per.count(), orders=per.n.sum(), revenue=per.paid.sum())
    frame = g.execute()
    queried = time.perf_counter()
    long = _long(frame, params)
    return CohortResult(
        params=params,
        long=long,
        currency=p.currency,
        timings={"query": queried - clock, "pivot": time.perf_counter() - queried},
    )


def _long(frame: pd.DataFrame, params: CohortParams) -> pd.DataFrame:
    """Every observed cell (0 where nobody bought), with the cohort's size and the rates."""
    split = ["channel"] if params.by else []
    columns = [LONG_COLUMNS[0], *split, *LONG_COLUMNS[1:]]
    if frame.empty or params.end is None:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(cohort=[pd.Timestamp(c).date() for c in frame["cohort"]])
    last = params.end.year * 12 + params.end.month
    cells = {(*(r[c] for c in ["cohort", *split]), int(r["k"])): r for r in frame.to_dict("records")}
    rows = []
    for group in sorted({key[:-1] for key in cells}):
        size = int(cells[(*group, 0)]["buyers"])
        cohort = group[0]
        for k in range(last - (cohort.year * 12 + cohort.month) + 1):
            r = cells.get((*group, k))
            n = int(r["buyers"]) if r else 0
            revenue = Decimal(r["revenue"]) if r and r["revenue"] is not None else Decimal("0.00")
            rows.append(
                {
                    "cohort": cohort,
                    **dict(zip(split, group[1:], strict=True)),
                    "month": k,
                    "cohort_buyers": size,
                    "buyers": n,
                    "retention": n / size,
                    "orders": int(r["orders"]) if r else 0,
                    "revenue": revenue,
                    "revenue_per_buyer": float(revenue) / size,
                }
            )
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: CohortParams) -> CohortResult:
    """:func:`cohorts` over the context's scope: the cohorts of its period where ``params`` give no dates."""
    if params.end is None:
        params = dataclasses.replace(params, end=ctx.period.end, start=params.start or ctx.period.start)
    return cohorts(ctx.scope, params)


def present(result: CohortResult, lang: str) -> Section | None:
    """The retention triangle: each cohort's size and the share of it buying in month 0, 1, …"""
    s = Words(lang, "range").say
    triangle = result.triangle("retention")
    if triangle.empty:
        return None
    first = result.long[result.long["month"] == 0]
    sizes = {k: int(v) for k, v in zip(first["cohort"], first["cohort_buyers"], strict=True)}
    months = [int(m) for m in triangle.columns]
    rows = []
    for cohort, values in triangle.iterrows():
        row: dict[str, Any] = {"cohort": str(cohort)[:7], "cohort_buyers": sizes.get(cohort)}
        for m in months:
            v = values[m]
            row[f"m{m}"] = None if pd.isna(v) else float(v)
        rows.append(row)
    cols = [Column("cohort", s.t("cohort")), Column("cohort_buyers", s.t("cohort_buyers"), "count")]
    cols += [Column(f"m{m}", f"M{m}", "ratio") for m in months]
    section = Section("cohorts", s.t("cohorts"), tables=[Table("retention", s.t("cohorts"), cols, rows)])
    section.charts.append(
        Chart("cohort_m1", s.t("cohorts"), "line", "retention", "cohort", ("m1", "m2", "m3")[: len(months) - 1])
    )
    return section


ANALYSIS: Analysis[CohortParams, CohortResult] = Analysis(
    "cohorts",
    CohortParams,
    build,
    present,
)

__all__ = ["ANALYSIS", "CohortParams", "CohortResult", "cohorts"]
