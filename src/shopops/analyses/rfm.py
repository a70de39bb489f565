"""RFM: recency, frequency and monetary value per buyer, quintile scores and named segments.

Per buyer (``store``, ``buyer_id``), over the paid orders up to the as-of date ``as_of``
(and from ``start`` when given):

- **recency**: days from the buyer's last paid order (its local calendar day) to ``as_of``;
- **frequency**: the number of paid orders;
- **monetary**: their paid amount (``orders.paid_amount``, ``Decimal``).

**Scores 1–5 by quintiles**, computed in the engine over all buyers in scope: a buyer's score is
``1 + floor(5 · r / n)`` where ``n`` is the number of buyers and ``r`` the number of buyers ranked
strictly below them (SQL ``RANK() − 1``) — ascending frequency and monetary, descending recency
(a recent buyer ranks high). **Ties share a score**: equal values always get the same score, that of
the lowest position of the tie; so when most buyers bought once, all of them get F = 1 and the next
F score is the one their count leads to (a score may be skipped).

**Segments** (the 8-segment scheme used by Chinese 运营 teams): each of R, F, M is *high* when the
buyer's score is above the mean score of the buyers in scope, else *low*; the three high/low flags
name the segment (:data:`SEGMENTS`, zh and en, with a suggested action).

>>> result = rfm(project, RFMParams(as_of=date(2026, 12, 31)))    # doctest: +SKIP
>>> result.segments; result.customers                            # doctest: +SKIP
>>> segment_lists(result)["rfm_LLL_lost"]                           # doctest: +SKIP

Registered as ``rfm`` (:data:`ANALYSIS`): as of the end of the context's period, over the orders from
its start (``as_of`` and ``start`` unset), presented as the segment table.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa

from shopops.analyses.base import Analysis, Context
from shopops.analyses.customers import purchases
from shopops.analyses.narrative import Narrator
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.reports.model import Chart, Column, Section, Table
from shopops.warehouse.scope import Scope


@dataclass(frozen=True)
class Segment:
    code: str  # R, F, M high (H) / low (L)
    zh: str
    en: str
    action_zh: str
    action_en: str


#: the 8 segments, best first; ``code`` is R, F, M high/low
SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "HHH",
        "重要价值客户",
        "Champions",
        "VIP 权益、新品优先、专属客服，保持关系",
        "VIP perks, early access to new products, keep them close",
    ),
    Segment(
        "LHH",
        "重要保持客户",
        "Loyal, slipping away",
        "最近没来：主动触达（短信/电话/专属券）召回",
        "Not seen lately: reach out personally (SMS, call, exclusive coupon)",
    ),
    Segment(
        "HLH",
        "重要发展客户",
        "Big spenders to grow",
        "提高频次：会员体系、关联推荐、复购券",
        "Raise frequency: membership, cross-sell, repeat-purchase coupons",
    ),
    Segment(
        "LLH",
        "重要挽留客户",
        "Big spenders at risk",
        "高价值流失风险：了解原因，定向挽回",
        "Valuable and lapsing: find out why, targeted win-back",
    ),
    Segment(
        "HHL",
        "一般价值客户",
        "Loyal low spenders",
        "提升客单价：搭配套餐、满减、升级推荐",
        "Raise order value: bundles, spend thresholds, upsell",
    ),
    Segment(
        "LHL",
        "一般保持客户",
        "Need attention",
        "低成本提醒：上新与活动通知",
        "Low-cost reminders: new arrivals and campaign notices",
    ),
    Segment(
        "HLL",
        "一般发展客户",
        "New or occasional",
        "新客培育：二次购买券、关注店铺",
        "Nurture: second-purchase coupon, follow the shop",
    ),
    Segment(
        "LLL",
        "一般挽留客户",
        "Lost",
        "低成本唤醒，无反应则减少投入",
        "Cheap reactivation; otherwise stop spending on them",
    ),
)
BY_CODE = {s.code: s for s in SEGMENTS}
CUSTOMER_COLUMNS = [
    "store",
    "buyer_id",
    "last_purchase",
    "recency",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm",
    "segment",
    "segment_zh",
    "segment_en",
]
SEGMENT_COLUMNS = [
    "segment",
    "segment_zh",
    "segment_en",
    "buyers",
    "buyer_share",
    "revenue",
    "revenue_share",
    "action_zh",
    "action_en",
]


@dataclass(frozen=True)
class RFMParams:
    """RFM as of ``as_of`` (``None``: the last day with a paid order), over orders from ``start`` (``None``: all)."""

    as_of: date | None = None
    start: date | None = None
    stores: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for d in (self.as_of, self.start):
            if d is not None and not isinstance(d, date):
                raise QueryError("RFM needs dates", hint="pass datetime.date values")
        if self.as_of is not None and self.start is not None and self.start > self.as_of:
            raise QueryError(f"the range starts after the as-of date ({self.start} > {self.as_of})")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class RFMResult:
    """``customers``: one row per buyer (``CUSTOMER_COLUMNS``); ``segments``: one row per segment
    (all eight, best first), whose buyers and revenue add up to ``total_buyers`` and ``total_revenue``;
    ``thresholds``: the mean R, F and M scores that split high from low."""

    params: RFMParams
    as_of: date | None
    currency: str
    customers: pd.DataFrame
    segments: pd.DataFrame
    thresholds: dict[str, float]
    total_buyers: int
    total_revenue: Decimal
    timings: dict[str, float] = field(default_factory=dict)

    def headline(self, lang: str) -> str | None:
        """The sentence a report's summary takes from this analysis: the segment with the largest share
        of the revenue, its buyers and its share (``None`` without buyers)."""
        s, zh = Narrator(lang, "range"), lang == "zh"
        rows = records(self.segments)
        if not rows:
            return None
        top = max(rows, key=lambda r: r["revenue_share"] or 0)
        name = top["segment_zh"] if zh else top["segment_en"]
        n, share = s.f(top["buyers"], "count"), s.f(top["buyer_share"], "ratio")
        rev = s.f(top["revenue_share"], "ratio")
        if zh:
            return f"「{name}」{n} 人（占 {share}），贡献 {rev} 的金额。"
        return f"“{name}”: {n} buyers ({share}) bring {rev} of the revenue."


def _quintile(value: ir.Value, n: ir.IntegerValue, *, descending: bool = False) -> ir.IntegerValue:
    order = ibis.desc(value) if descending else value
    below = ibis.rank().over(order_by=order)  # 0-based; ties share their lowest rank
    return _score(below, n)


def _score(below: ir.IntegerValue, n: ir.IntegerValue) -> ir.IntegerValue:
    """``1 + floor(5 · below / n)``: the quintile of a buyer with ``below`` of the ``n`` buyers ranked below."""
    return (below * 5 / n).floor().cast("int64") + 1  # type: ignore[no-any-return]


def _quintile_of_values(per: ir.Table, column: str, name: str, *, descending: bool = False) -> ir.Table:
    """``column`` and the score ``name`` of each of its distinct values: the same score as :func:`_quintile`,
    from the number of buyers per value (a running total over the distinct values) instead of a window over
    every buyer. For columns with few distinct values (days, order counts) joining this small table back
    costs a fraction of a ``RANK()`` window, which sorts every buyer's whole row."""
    counts = per.group_by(column).aggregate(_k=per.count())
    order = ibis.desc(counts[column]) if descending else counts[column]
    below = counts._k.cumsum(order_by=order) - counts._k  # buyers strictly before this value
    return counts.select(column, **{name: _score(below, counts._k.sum().over())})


def scored(source: Scope | Any, params: RFMParams) -> tuple[ir.Table, date | None, str]:
    """The per-buyer RFM table as an Ibis expression, the as-of date and the currency.

    Columns: ``store``, ``buyer_id``, ``last_purchase``, ``frequency``, ``monetary`` (decimal),
    ``monetary_cents`` (the same amount in integer cents: the M score ranks it, and sums of it are exact
    and cheap), ``recency``, ``r_score``, ``f_score``, ``m_score``."""
    p = purchases(source, params.stores, money=True)
    t = p.table
    as_of = params.as_of
    if as_of is None:
        last = t.day.max().execute()
        as_of = None if last is None or pd.isna(last) else pd.Timestamp(last).date()
    if as_of is not None:
        t = t.filter(t.day <= ibis.literal(as_of, type="date"))
    if params.start is not None:
        t = t.filter(t.day >= ibis.literal(params.start, type="date"))
    per = t.group_by("store", "buyer_id").aggregate(
        last_purchase=t.day.max(),
        frequency=t.count(),
        monetary=t.amount.sum(),
        # money is decimal(18,2): ×100 is a whole number, so the cast is exact
        monetary_cents=(t.amount * 100).cast("int64").sum(),
    )
    day = ibis.literal(as_of or date.today(), type="date")
    per = per.mutate(recency=day.delta(per.last_purchase, unit="day"))
    # R and F: a few hundred distinct values at most, scored once per value and joined back; M: about one
    # value per buyer, so a window (on integer cents: the order of the decimal amounts)
    per = per.join(_quintile_of_values(per, "recency", "r_score", descending=True), "recency")
    per = per.join(_quintile_of_values(per, "frequency", "f_score"), "frequency")
    per = per.mutate(m_score=_quintile(per.monetary_cents, per.count().over()))
    columns = ["store", "buyer_id", "last_purchase", "frequency", "monetary", "monetary_cents", "recency"]
    return per.select(*columns, "r_score", "f_score", "m_score"), as_of, p.currency


def rfm(source: Scope | Any, params: RFMParams) -> RFMResult:
    """Score every buyer 1–5 on recency, frequency and monetary value and name their segment.

    ``timings``: ``query`` (the engine's statement and fetching its Arrow result), ``segments`` (building
    the per-buyer frame and the segment table from it, column-wise)."""
    clock = time.perf_counter()
    per, as_of, currency = scored(source, params)
    # Arrow, not ``execute()``: Ibis would normalise every buyer's Decimal in Python (most of the time at 6M buyers)
    table = per.order_by(["store", "buyer_id"]).to_pyarrow()
    queried = time.perf_counter()
    n = table.num_rows
    scores = {s: _ints(table, f"{s}_score") for s in "rfm"}
    thresholds = {s: float(scores[s].mean()) if n else 0.0 for s in "rfm"}
    high = [(scores[s] > thresholds[s]).astype("int64", copy=False) for s in "rfm"]
    ids = high[0] * 4 + high[1] * 2 + high[2] if n else np.zeros(0, dtype="int64")  # index into _CODES
    cents = _ints(table, "monetary_cents")
    money = table.column("monetary").to_pandas().to_numpy(dtype=object)  # Arrow makes the Decimals, in C
    if n and not isinstance(money[0], Decimal):
        money = np.array([Decimal(str(v)) for v in money], dtype=object)
    columns = {
        "store": _few_strings(table.column("store")),
        "buyer_id": table.column("buyer_id").to_numpy(zero_copy_only=False),
        "last_purchase": table.column("last_purchase").to_pandas(date_as_object=True).to_numpy(dtype=object),
        "recency": _ints(table, "recency"),
        "frequency": _ints(table, "frequency"),
        "monetary": money,
        "r_score": scores["r"],
        "f_score": scores["f"],
        "m_score": scores["m"],
        "rfm": _RFM_LABELS[scores["r"] * 100 + scores["f"] * 10 + scores["m"]],
        "segment": np.array(_CODES, dtype=object)[ids],
        "segment_zh": np.array([BY_CODE[c].zh for c in _CODES], dtype=object)[ids],
        "segment_en": np.array([BY_CODE[c].en for c in _CODES], dtype=object)[ids],
    }
    # one Series per column, concatenated with copy=False: no consolidation of the object columns into one
    # block (a copy: 1.4 s at 6M buyers)
    parts = [pd.Series(columns[c], name=c, copy=False) for c in CUSTOMER_COLUMNS]
    customers = pd.concat(parts, axis=1, copy=False)  # type: ignore[call-overload]  # (pandas-stubs lacks copy=)
    total_revenue = _money(int(cents.sum()))
    segments = _segments(ids, cents, total_revenue)
    return RFMResult(
        params=params,
        as_of=as_of,
        currency=currency,
        customers=customers,
        segments=segments,
        thresholds=thresholds,
        total_buyers=n,
        total_revenue=total_revenue,
        timings={"query": queried - clock, "segments": time.perf_counter() - queried},
    )


_CODES = ("LLL", "LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH")  # index: R high ×4 + F high ×2 + M high
_RFM_LABELS = np.array([str(i) for i in range(556)], dtype=object)  # "111" … "555", indexed by the number


def _ints(table: pa.Table, column: str) -> np.ndarray:
    return np.asarray(table.column(column).to_numpy(), dtype="int64")  # (no second copy when already int64)


def _few_strings(column: pa.ChunkedArray) -> np.ndarray:
    """A string column with few distinct values (store) as an object array, one ``str`` per distinct value."""
    encoded = column.combine_chunks().dictionary_encode()
    values = np.array(encoded.dictionary.to_pylist(), dtype=object)
    return values[encoded.indices.to_numpy(zero_copy_only=False)]  # type: ignore[no-any-return]


def _money(cents: int) -> Decimal:
    """Integer cents as an exact ``Decimal`` with two places (12345 → 123.45, 0 → 0.00)."""
    return Decimal(cents).scaleb(-2)


def _segments(ids: np.ndarray, cents: np.ndarray, total_revenue: Decimal) -> pd.DataFrame:
    """One row per segment from each buyer's segment (``ids``, index into ``_CODES``) and amount in cents."""
    n = len(ids)
    buyers = np.bincount(ids, minlength=len(_CODES))
    rows = []
    for s in SEGMENTS:
        i = _CODES.index(s.code)
        revenue = _money(int(cents[ids == i].sum()))  # int64 cents: exact
        rows.append(
            {
                "segment": s.code,
                "segment_zh": s.zh,
                "segment_en": s.en,
                "buyers": int(buyers[i]),
                "buyer_share": int(buyers[i]) / n if n else None,
                "revenue": revenue,
                "revenue_share": float(revenue / total_revenue) if total_revenue else None,
                "action_zh": s.action_zh,
                "action_en": s.action_en,
            }
        )
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def segment_lists(result: RFMResult, *, workbook: bool = False) -> dict[str, pd.DataFrame]:
    """Each non-empty segment's customers, for marketing tools (``shopops.reports.tables`` writes them):
    named ``rfm_<code>_<en name>`` (a file each), or for a workbook (``workbook=True``) the segment table
    first (``segments``) and a sheet per segment named ``<code> <zh name>``."""
    groups = [(s, result.customers[result.customers["segment"] == s.code]) for s in SEGMENTS]
    groups = [(s, g) for s, g in groups if len(g)]
    if not workbook:
        return {f"rfm_{s.code}_{_slug(s.en)}": g for s, g in groups}
    return {"segments": result.segments, **{f"{s.code} {s.zh}": g for s, g in groups}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: RFMParams) -> RFMResult:
    """:func:`rfm` over the context's scope: as of the period's last day, over the orders from its first
    day, where ``params`` give no dates."""
    if params.as_of is None:
        params = dataclasses.replace(params, as_of=ctx.period.end, start=params.start or ctx.period.start)
    return rfm(ctx.scope, params)


def present(result: RFMResult, lang: str) -> Section:
    """The eight segments: buyers, revenue, their shares and the suggested action."""
    w = Words(lang, "range")
    s, zh = w.say, lang == "zh"
    rows = [
        {
            "segment": r["segment_zh"] if zh else r["segment_en"],
            "buyers": r["buyers"],
            "buyer_share": r["buyer_share"],
            "revenue": r["revenue"],
            "revenue_share": r["revenue_share"],
            "action": r["action_zh"] if zh else r["action_en"],
        }
        for r in records(result.segments)
    ]
    cols = [
        Column("segment", s.t("segment_name")),
        Column("buyers", w.name("buyers"), "count"),
        Column("buyer_share", s.t("share"), "ratio"),
        Column("revenue", s.t("revenue"), "money"),
        Column("revenue_share", s.t("revenue_share"), "ratio"),
        Column("action", s.t("action")),
    ]
    section = Section("rfm", s.t("rfm"), tables=[Table("segments", s.t("rfm"), cols, rows)])
    section.charts.append(Chart("rfm_revenue", s.t("revenue_share"), "pie", "segments", "segment", ("revenue",)))
    return section


ANALYSIS: Analysis[RFMParams, RFMResult] = Analysis(
    "rfm",
    RFMParams,
    build,
    present,
)

__all__ = [
    "ANALYSIS",
    "BY_CODE",
    "SEGMENTS",
    "RFMParams",
    "RFMResult",
    "Segment",
    "rfm",
    "scored",
    "segment_lists",
]
