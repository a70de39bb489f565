"""Buyers: new vs returning by period, repurchase rates, and how often buyers bought.

Definitions (docs/customers.md, "Buyers and repurchase"); a purchase is a paid order of an
identified buyer (:mod:`shopops.analyses.customers`):

- **New vs returning** per period comes from the metric layer (``buyers``, ``new_buyers``,
  ``returning_buyers``): a 老买家 paid in the store in the 365 days before the period starts.
- **N-day repurchase rate** (京东商智 "N天复购率"): of the buyers with a paid order in the N days ending
  on ``end`` (``[end − N + 1, end]``), the share with two or more paid orders in those N days.
- **Repurchase within N days of a purchase** (follow-up): of the buyers who paid in ``[start, end]``,
  the share who paid again (a later paid order) within N days of their first purchase in the period.
  It is ``complete`` only when the data reaches ``end + N`` days; otherwise later purchases are unseen.
- **Purchase frequency**: buyers of ``[start, end]`` by their number of paid orders in it (1, 2, 3, 4+).

>>> result = buyers(project, BuyersParams(date(2026, 1, 1), date(2026, 12, 31)))   # doctest: +SKIP
>>> result.repurchase                                                               # doctest: +SKIP

Registered as ``buyers`` (:data:`ANALYSIS`): run over a context's scope and period, presented as the
section of new and returning buyers by month, repurchase rates and purchase frequency.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.customers import purchases
from shopops.analyses.narrative import Narrator
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.metrics import query
from shopops.reports.model import Chart, Column, Section, Table
from shopops.warehouse.scope import Scope

GRAINS = ("day", "week", "month", "quarter", "year", "total")
FREQUENCY_BUCKETS = ("1", "2", "3", "4+")


@dataclass(frozen=True)
class BuyersParams:
    """``start``..``end`` inclusive (a registered run takes the context's period where they are unset);
    ``grain`` of the new/returning table; ``windows`` in days."""

    start: date | None = None
    end: date | None = None
    grain: str = "month"
    stores: tuple[str, ...] = ()
    windows: tuple[int, ...] = (30, 90, 365)

    def __post_init__(self) -> None:
        for d in (self.start, self.end):
            if d is not None and not isinstance(d, date):
                raise QueryError("the period needs dates", hint="pass datetime.date values")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise QueryError(f"the period starts after it ends ({self.start} > {self.end})", hint="swap the dates")
        if self.grain not in GRAINS:
            raise QueryError(f"unknown grain {self.grain!r}; valid grains: {', '.join(GRAINS)}")
        if not self.windows or any(int(n) < 1 for n in self.windows):
            raise QueryError("repurchase windows must be whole days ≥ 1", hint="e.g. --windows 30,90,365")
        object.__setattr__(self, "stores", tuple(self.stores))
        object.__setattr__(self, "windows", tuple(int(n) for n in self.windows))


@dataclass
class BuyersResult:
    """``by_period``: period_start, buyers, new_buyers, returning_buyers, returning_share.
    ``repurchase``: one row per window (both definitions, see the module doc).
    ``frequency``: purchases (1, 2, 3, 4+), buyers, share, paid_amount."""

    params: BuyersParams
    by_period: pd.DataFrame
    repurchase: pd.DataFrame
    frequency: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def headline(self, lang: str) -> str | None:
        """The sentence a report's summary takes from this analysis: the 90-day repurchase rate and the
        share of the period's buyers who bought once (``None`` without a 90-day window)."""
        s = Narrator(lang, "range")
        r90 = next((r for r in records(self.repurchase) if r["window_days"] == 90), None)
        once = next((r for r in records(self.frequency) if str(r["purchases"]) == "1"), None)
        if r90 is None or once is None:
            return None
        rate, single = s.f(r90["repurchase_rate"], "ratio"), s.f(once["share"], "ratio")
        if lang == "zh":
            return f"90 天复购率 {rate}；本季度 {single} 的买家只买了一次。"
        return f"The 90-day repurchase rate is {rate}; {single} of this quarter's buyers bought once."


def buyers(source: Scope | Any, params: BuyersParams) -> BuyersResult:
    """New vs returning buyers by period, N-day repurchase rates and the purchase-frequency distribution."""
    if params.start is None or params.end is None:
        raise QueryError("buyers need a period", hint="give the first and the last day (--from, --to)")
    clock = time.perf_counter()
    p = purchases(source, params.stores)
    where = {"store": [s.name for s in p.stores]}
    by_period = query(
        p.wh,
        ["buyers", "new_buyers", "returning_buyers"],
        start=params.start,
        end=params.end,
        grain=params.grain,
        where=where,
    )
    notes = list(by_period.attrs.get("notes", []))
    by_period = by_period.copy()
    by_period.attrs = {}
    by_period["returning_share"] = [
        None if not b or pd.isna(b) or pd.isna(r) else int(r) / int(b)
        for b, r in zip(by_period["buyers"], by_period["returning_buyers"], strict=True)
    ]
    queried = time.perf_counter()
    last_day = p.table.day.max().execute()
    last = None if last_day is None or pd.isna(last_day) else pd.Timestamp(last_day).date()
    rows = [_repurchase_row(p.table, params, n, last) for n in params.windows]
    repurchase = pd.DataFrame(rows)
    frequency = _frequency(p.table, params)
    if len({s.currency for s in p.stores}) > 1:
        frequency["paid_amount"] = None
        notes.append("paid_amount of the frequency table is empty: the stores hold different currencies")
    return BuyersResult(
        params=params,
        by_period=by_period,
        repurchase=repurchase,
        frequency=frequency,
        notes=notes,
        timings={"new_returning": queried - clock, "repurchase_frequency": time.perf_counter() - queried},
    )


def _between(t: ir.Table, start: date, end: date) -> ir.Table:
    return t.filter(t.day.between(ibis.literal(start, type="date"), ibis.literal(end, type="date")))


def _repurchase_row(t: ir.Table, params: BuyersParams, n: int, last: date | None) -> dict[str, Any]:
    assert params.start is not None and params.end is not None  # checked by buyers()
    # 京东商智: buyers of the last n days with two or more paid orders in them
    w = _between(t, params.end - timedelta(days=n - 1), params.end)
    per = w.group_by("store", "buyer_id").aggregate(orders=w.count())
    jd = per.aggregate(buyers=per.count(), repeat=(per.orders >= 2).sum()).execute().iloc[0]
    base, repeat = int(jd["buyers"]), int(_int(jd["repeat"]))
    # follow-up: a later paid order within n days of the buyer's first purchase in [start, end]
    cur = _between(t, params.start, params.end)
    first = cur.group_by("store", "buyer_id").aggregate(first_at=cur.paid_at.min(), first_day=cur.day.min())
    later = t.select(_s=t.store, _b=t.buyer_id, _at=t.paid_at, _d=t.day)
    hits = first.join(
        later,
        [
            first.store == later._s,
            first.buyer_id == later._b,
            later._at > first.first_at,
            later._d <= first.first_day + ibis.interval(days=n),
        ],
    )
    again = hits.select("store", "buyer_id").distinct().count()
    cohort, back = int(first.count().execute()), int(again.execute())
    horizon = params.end + timedelta(days=n)
    return {
        "window_days": n,
        "window_start": params.end - timedelta(days=n - 1),
        "window_buyers": base,
        "window_repeat_buyers": repeat,
        "repurchase_rate": repeat / base if base else None,
        "period_buyers": cohort,
        "repurchased_within": back,
        "repurchase_within_rate": back / cohort if cohort else None,
        "complete": last is not None and last >= horizon,
    }


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _frequency(t: ir.Table, params: BuyersParams) -> pd.DataFrame:
    assert params.start is not None and params.end is not None  # checked by buyers()
    cur = _between(t, params.start, params.end)
    per = cur.group_by("store", "buyer_id").aggregate(orders=cur.count(), paid=cur.amount.sum())
    per = per.mutate(bucket=ibis.ifelse(per.orders >= 4, ibis.literal("4+"), per.orders.cast("string")))
    g = per.group_by("bucket").aggregate(buyers=per.count(), paid_amount=per.paid.sum()).execute()
    found = {str(r["bucket"]): r for r in g.to_dict("records")}
    total = sum(int(r["buyers"]) for r in found.values())
    rows = []
    for b in FREQUENCY_BUCKETS:
        r = found.get(b)
        n = int(r["buyers"]) if r else 0
        rows.append(
            {
                "purchases": b,
                "buyers": n,
                "share": n / total if total else None,
                "paid_amount": r["paid_amount"] if r else Decimal("0.00"),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: BuyersParams) -> BuyersResult:
    """:func:`buyers` over the context's scope, in its period where ``params`` give no dates."""
    if params.start is None or params.end is None:
        params = dataclasses.replace(params, start=params.start or ctx.period.start, end=params.end or ctx.period.end)
    result = buyers(ctx.scope, params)
    ctx.note(*result.notes)
    return result


def present(result: BuyersResult, lang: str) -> Section:
    """New and returning buyers by period, the repurchase rates and the purchase frequency."""
    w = Words(lang, "range")
    s = w.say
    section = Section("buyers", s.t("buyers"))
    periods = result.by_period[["period", "buyers", "new_buyers", "returning_buyers", "returning_share"]]
    months = [{**r, "month": r["period"]} for r in records(periods)]
    section.tables.append(
        Table(
            "buyers_by_month",
            s.t("buyers_by_month"),
            [
                Column("month", s.t("month")),
                Column("buyers", w.name("buyers"), "count"),
                Column("new_buyers", w.name("new_buyers"), "count"),
                Column("returning_buyers", w.name("returning_buyers"), "count"),
                Column("returning_share", s.t("returning_share"), "ratio"),
            ],
            months,
        )
    )
    section.charts.append(
        Chart(
            "buyers_chart",
            s.t("buyers_by_month"),
            "bar",
            "buyers_by_month",
            "month",
            ("new_buyers", "returning_buyers"),
        )
    )
    repurchase = records(result.repurchase[["window_days", "repurchase_rate", "repurchase_within_rate"]])
    section.tables.append(
        Table(
            "repurchase",
            s.t("repurchase"),
            [
                Column("window_days", s.t("window_days"), "count"),
                Column("repurchase_rate", s.t("repurchase_rate"), "ratio"),
                Column("repurchase_within_rate", s.t("repurchase_within_rate"), "ratio"),
            ],
            repurchase,
        )
    )
    frequency = [{**r, "purchases": str(r["purchases"])} for r in records(result.frequency)]
    section.tables.append(
        Table(
            "frequency",
            s.t("frequency"),
            [
                Column("purchases", s.t("purchases")),
                Column("buyers", w.name("buyers"), "count"),
                Column("share", s.t("share"), "ratio"),
                Column("paid_amount", w.name("paid_amount"), "money"),
            ],
            frequency,
        )
    )
    section.charts.append(Chart("frequency_chart", s.t("frequency"), "bar", "frequency", "purchases", ("buyers",)))
    return section


ANALYSIS: Analysis[BuyersParams, BuyersResult] = Analysis(
    "buyers",
    BuyersParams,
    build,
    present,
)

__all__ = ["ANALYSIS", "BuyersParams", "BuyersResult", "buyers"]
