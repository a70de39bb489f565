"""The quarterly customer and product report (客户与商品季报), as a :class:`Report`.

It brings the customer and product analyses together for one quarter: buyers new and returning,
repurchase, purchase frequency, cohort retention, RFM segments, CLV and churn status, 20/80 and ABC,
product roles and margin, items bought together and refunds by days after payment. The renderers of
:mod:`shopops.reports` present it like the other reports.

>>> report = build_customer_report(project, CustomerReportParams(day=date(2026, 9, 30)))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from shopops.analyses.base import Context
from shopops.analyses.basket import BasketParams, basket
from shopops.analyses.buyers import BuyersParams, buyers
from shopops.analyses.clv import ClvParams, clv
from shopops.analyses.cohorts import CohortParams, cohorts
from shopops.analyses.kpis import headline_kpis
from shopops.analyses.narrative import Narrator
from shopops.analyses.products import ProductsParams, products
from shopops.analyses.refunds import RefundsParams, refunds
from shopops.analyses.rfm import RFMParams, rfm
from shopops.analyses.rows import records as _records
from shopops.calendar import grains as calendar
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics.batch import Batch
from shopops.metrics.catalogue import load_catalogue
from shopops.reports.model import Chart, Column, Period, Report, Section, Table

#: headline figures of the customer report
CUSTOMER_KPIS = ("buyers", "new_buyers", "returning_buyers", "repeat_rate", "paid_amount", "aov", "avg_order_value")


@dataclass(frozen=True)
class CustomerReportParams:
    """``day``: a day of the quarter (default: the newest complete quarter); ``stores``: one currency."""

    day: date | None = None
    stores: tuple[str, ...] = ()
    lang: Literal["zh", "en"] = "zh"
    top: int = 10

    def __post_init__(self) -> None:
        if self.lang not in ("zh", "en"):
            raise QueryError(f"unknown language {self.lang!r}; valid languages: zh, en")
        object.__setattr__(self, "stores", tuple(self.stores))


def quarters(day: date) -> tuple[Period, Period, Period]:
    """The quarter holding ``day``, the quarter before and the same quarter a year earlier."""

    def quarter(first: date) -> Period:
        return Period(first, calendar.period_end(first, "quarter"), calendar.label(first, "quarter"))

    first = calendar.period_start(day, "quarter")
    return quarter(first), quarter(calendar.add_months(first, -3)), quarter(calendar.add_months(first, -12))


def default_quarter_day(last_day: date) -> date:
    current, _, _ = quarters(last_day)
    return last_day if current.end <= last_day else current.start - timedelta(days=1)


@dataclass
class _Context(Context):
    """The customer report's context: the shared one, with the names its sections use."""

    top: int = 10
    source: Any = None

    @property
    def cat(self) -> Any:
        return self.catalogue

    @property
    def current(self) -> Period:
        return self.period

    @property
    def params(self) -> _Context:
        return self


def build_customer_report(project_or_warehouse: Any, params: CustomerReportParams) -> Report:
    """Run the customer and product analyses for a quarter and return the report."""
    from shopops.warehouse.scope import Scope

    scope = Scope.of(project_or_warehouse, params.stores).one_currency()
    wh, stores = scope.wh, scope.names
    day = params.day or default_quarter_day(scope.newest_day())
    current, previous, yoy = quarters(day)
    say = Narrator(params.lang, "customers")
    cat = load_catalogue()
    ctx = _Context(
        scope,
        current,
        previous,
        yoy,
        "customers",
        params.lang,
        cat,
        Batch(wh, cat),
        top=params.top,
        source=project_or_warehouse,
    )
    kpis = ctx.timed("kpis", lambda: headline_kpis(ctx, CUSTOMER_KPIS))
    sections: list[Section] = []
    facts: dict[str, str] = {}
    steps: list[tuple[str, Callable[[_Context, dict[str, str]], Section | None]]] = [
        ("buyers", _buyers_section),
        ("cohorts", _cohorts_section),
        ("rfm", _rfm_section),
        ("clv", _clv_section),
        ("pareto", _pareto_section),
        ("basket", _basket_section),
        ("refund_days", _refunds_section),
    ]
    for name, step in steps:
        try:
            section = ctx.timed(name, lambda step=step: step(ctx, facts))  # type: ignore[misc]
        except NotAvailableError as exc:
            ctx.note(f"{say.t(name)}: {exc}")
            continue
        if section is not None:
            sections.append(section)
    by = {k.metric: k for k in kpis}
    summary = [say.headline(by["buyers"], current, previous)] if "buyers" in by else []
    summary += [facts[k] for k in ("repurchase", "rfm", "pareto", "clv") if k in facts]
    currency = {s.name: s.currency for s in wh.settings.stores}[stores[0]]
    return Report(
        kind="customers",
        lang=params.lang,
        title=say.title(stores, current),
        stores=list(stores),
        currency=currency,
        period=current,
        previous=previous,
        yoy=yoy,
        generated_at=pd.Timestamp.now().to_pydatetime().replace(microsecond=0),
        summary=summary[:5],
        kpis=kpis,
        sections=sections,
        notes=ctx.notes,
        timings=ctx.timings,
    )


# ---------------------------------------------------------------- sections


def _zh(ctx: _Context) -> bool:
    return ctx.lang == "zh"


def _buyers_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    result = buyers(ctx.wh, BuyersParams(ctx.current.start, ctx.current.end, grain="month", stores=ctx.stores))
    ctx.note(*result.notes)
    section = Section("buyers", s.t("buyers"))
    months = [
        {**r, "month": r["period"]}
        for r in _records(result.by_period[["period", "buyers", "new_buyers", "returning_buyers", "returning_share"]])
    ]
    section.tables.append(
        Table(
            "buyers_by_month",
            s.t("buyers_by_month"),
            [
                Column("month", s.t("month")),
                Column("buyers", ctx.name("buyers"), "count"),
                Column("new_buyers", ctx.name("new_buyers"), "count"),
                Column("returning_buyers", ctx.name("returning_buyers"), "count"),
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
    repurchase = _records(result.repurchase[["window_days", "repurchase_rate", "repurchase_within_rate"]])
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
    frequency = _records(result.frequency)
    section.tables.append(
        Table(
            "frequency",
            s.t("frequency"),
            [
                Column("purchases", s.t("purchases")),
                Column("buyers", ctx.name("buyers"), "count"),
                Column("share", s.t("share"), "ratio"),
                Column("paid_amount", ctx.name("paid_amount"), "money"),
            ],
            [{**r, "purchases": str(r["purchases"])} for r in frequency],
        )
    )
    section.charts.append(Chart("frequency_chart", s.t("frequency"), "bar", "frequency", "purchases", ("buyers",)))
    r90 = next((r for r in repurchase if r["window_days"] == 90), None)
    once = next((r for r in frequency if str(r["purchases"]) == "1"), None)
    if r90 is not None and once is not None:
        rate, single = s.f(r90["repurchase_rate"], "ratio"), s.f(once["share"], "ratio")
        facts["repurchase"] = (
            f"90 天复购率 {rate}；本季度 {single} 的买家只买了一次。"
            if _zh(ctx)
            else f"The 90-day repurchase rate is {rate}; {single} of this quarter's buyers bought once."
        )
    return section


def _cohorts_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    start = calendar.add_months(calendar.period_start(ctx.current.end, "month"), -11)
    result = cohorts(ctx.wh, CohortParams(end=ctx.current.end, start=start, stores=ctx.stores))
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


def _rfm_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    result = rfm(
        ctx.wh, RFMParams(as_of=ctx.current.end, start=ctx.current.end - timedelta(days=364), stores=ctx.stores)
    )
    zh = _zh(ctx)
    rows = [
        {
            "segment": r["segment_zh"] if zh else r["segment_en"],
            "buyers": r["buyers"],
            "buyer_share": r["buyer_share"],
            "revenue": r["revenue"],
            "revenue_share": r["revenue_share"],
            "action": r["action_zh"] if zh else r["action_en"],
        }
        for r in _records(result.segments)
    ]
    cols = [
        Column("segment", s.t("segment_name")),
        Column("buyers", ctx.name("buyers"), "count"),
        Column("buyer_share", s.t("share"), "ratio"),
        Column("revenue", s.t("revenue"), "money"),
        Column("revenue_share", s.t("revenue_share"), "ratio"),
        Column("action", s.t("action")),
    ]
    section = Section("rfm", s.t("rfm"), tables=[Table("segments", s.t("rfm"), cols, rows)])
    section.charts.append(Chart("rfm_revenue", s.t("revenue_share"), "pie", "segments", "segment", ("revenue",)))
    if rows:
        top = max(rows, key=lambda r: r["revenue_share"] or 0)
        n, share, rev = (
            s.f(top["buyers"], "count"),
            s.f(top["buyer_share"], "ratio"),
            s.f(top["revenue_share"], "ratio"),
        )
        facts["rfm"] = (
            f"「{top['segment']}」{n} 人（占 {share}），贡献 {rev} 的金额。"
            if zh
            else f"“{top['segment']}”: {n} buyers ({share}) bring {rev} of the revenue."
        )
    return section


def _clv_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    # Pareto/NBD: BG/NBD counts every one-time buyer as alive, which hides churn in a shop where most buy once
    # and a calibration-vs-holdout check on the quarter: fitted to the quarter's start, predicting the quarter
    holdout = (ctx.current.end - ctx.current.start).days + 1
    try:
        result = clv(ctx.wh, ClvParams(end=ctx.current.end, stores=ctx.stores, model="pareto", holdout_days=holdout))
    except (NotAvailableError, QueryError) as exc:
        ctx.note(f"{s.t('holdout')}: {exc}")
        result = clv(ctx.wh, ClvParams(end=ctx.current.end, stores=ctx.stores, model="pareto"))
    ctx.note(*result.notes)
    rows = [
        {
            "status": s.t(f"status_{r['status']}"),
            "customers": r["customers"],
            "share": r["share"],
            "clv": r["clv"],
            "mean_p_alive": r["mean_p_alive"],
        }
        for r in _records(result.segments)
    ]
    cols = [
        Column("status", s.t("status")),
        Column("customers", s.t("customers_count"), "count"),
        Column("share", s.t("share"), "ratio"),
        Column("clv", s.t("expected_clv"), "money_per"),
        Column("mean_p_alive", s.t("mean_p_alive"), "ratio"),
    ]
    section = Section("clv", s.t("clv"), tables=[Table("status", s.t("clv"), cols, rows)])
    section.charts.append(Chart("status_chart", s.t("status"), "pie", "status", "status", ("customers",)))
    if not result.holdout.empty:
        hcols = [
            Column("frequency", s.t("calibration_purchases")),
            Column("customers", s.t("customers_count"), "count"),
            Column("actual", s.t("holdout_actual"), "number"),
            Column("predicted", s.t("holdout_predicted"), "number"),
        ]
        section.tables.append(Table("holdout", s.t("holdout"), hcols, _records(result.holdout[[c.id for c in hcols]])))
        section.charts.append(
            Chart("holdout_chart", s.t("holdout"), "line", "holdout", "frequency", ("actual", "predicted"))
        )
    model = result.params.model
    fitted = result.parameters.get(model, {})
    if fitted:
        section.text.append(
            f"{model}: "
            + ", ".join(f"{k} = {v:.4g}" for k, v in fitted.items())
            + (
                f"；月贴现率 {result.params.monthly_discount:.2%}，{result.params.horizon_months} 个月"
                if _zh(ctx)
                else f"; monthly discount {result.params.monthly_discount:.2%} over {result.params.horizon_months} months"
            )
        )
    counts = {r["status"]: r["customers"] for r in _records(result.segments)}
    if counts:
        churned, risk = s.f(counts.get("churned", 0), "count"), s.f(counts.get("at_risk", 0), "count")
        facts["clv"] = (
            f"按存活概率，{churned} 位客户已流失，{risk} 位有流失风险。"
            if _zh(ctx)
            else f"By P(alive), {churned} customers have churned and {risk} are at risk."
        )
    return section


def _pareto_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    result = products(ctx.source, ProductsParams(ctx.current.start, ctx.current.end, stores=ctx.stores))
    ctx.note(*result.notes)
    entity = {"product": s.t("entity_product"), "customer": s.t("entity_customer")}
    pareto = [
        {**r, "entity": entity.get(str(r["entity"]), r["entity"])}
        for r in _records(result.pareto[["entity", "store", "count", "top_count", "top_sales_share"]])
    ]
    abc = [
        {**r, "entity": entity.get(str(r["entity"]), r["entity"])}
        for r in _records(result.abc[["entity", "store", "abc", "count", "sales_share"]])
    ]
    store = Column("store", s.dimension(ctx.cat, "store"))
    section = Section("pareto", s.t("pareto"))
    section.tables.append(
        Table(
            "top20",
            s.t("pareto"),
            [
                Column("entity", s.t("entity")),
                store,
                Column("count", s.t("count"), "count"),
                Column("top_count", "top 20%", "count"),
                Column("top_sales_share", s.t("top_sales_share"), "ratio"),
            ],
            pareto,
        )
    )
    section.tables.append(
        Table(
            "abc",
            s.t("abc"),
            [
                Column("entity", s.t("entity")),
                store,
                Column("abc", s.t("abc")),
                Column("count", s.t("count"), "count"),
                Column("sales_share", s.t("sales_share"), "ratio"),
            ],
            abc,
        )
    )
    zh = _zh(ctx)
    top = result.products.sort_values("sales", ascending=False).head(ctx.params.top)
    roles = [
        {**r, "role": r["role_zh"] if zh else r["role"]}
        for r in _records(
            top[["store", "sku", "title", "role", "role_zh", "abc", "units", "sales", "margin", "margin_rate"]]
        )
    ]
    section.tables.append(
        Table(
            "roles",
            s.t("roles"),
            [
                store,
                Column("sku", s.t("product")),
                Column("title", s.t("title")),
                Column("role", s.t("role")),
                Column("abc", s.t("abc")),
                Column("units", ctx.name("item_units"), "count"),
                Column("sales", s.t("sales"), "money"),
                Column("margin", s.t("margin"), "money"),
                Column("margin_rate", s.t("margin_rate"), "ratio"),
            ],
            roles,
        )
    )
    section.charts.append(Chart("roles_chart", s.t("roles"), "barh", "roles", "sku", ("sales", "margin")))
    products_rows = [r for r in pareto if r["entity"] == entity["product"]]
    if products_rows:
        best = max(products_rows, key=lambda r: r["top_sales_share"] or 0)
        share = s.f(best["top_sales_share"], "ratio")
        facts["pareto"] = (
            f"{best['store']}：销售额前 20% 的商品（{best['top_count']} 个）贡献了 {share} 的销售额。"
            if zh
            else f"{best['store']}: the top 20% of products ({best['top_count']}) bring {share} of sales."
        )
    return section


def _basket_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    result = basket(ctx.source, BasketParams(ctx.current.start, ctx.current.end, stores=ctx.stores, triples=False))
    ctx.note(*result.notes)
    pairs = result.pairs.sort_values(["lift", "n_ab"], ascending=False).head(ctx.params.top)
    if pairs.empty:
        return None
    cols = [
        Column("store", s.dimension(ctx.cat, "store")),
        Column("a", s.t("pair_a")),
        Column("b", s.t("pair_b")),
        Column("n_ab", s.t("count"), "count"),
        Column("support", s.t("support"), "ratio"),
        Column("confidence_ab", s.t("confidence"), "ratio"),
        Column("lift", s.t("lift"), "number"),
    ]
    return Section("basket", s.t("basket"), tables=[Table("pairs", s.t("basket"), cols, _records(pairs))])


def _refunds_section(ctx: _Context, facts: dict[str, str]) -> Section | None:
    s = ctx.say
    result = refunds(ctx.source, RefundsParams(ctx.current.start, ctx.current.end, stores=ctx.stores))
    ctx.note(*result.notes)
    if result.by_days.empty:
        return None
    cols = [
        Column("store", s.dimension(ctx.cat, "store")),
        Column("bucket", s.t("bucket")),
        Column("refunds", s.t("refunds_count"), "count"),
        Column("refund_amount", s.t("refund_amount_col"), "money"),
        Column("share", s.t("share"), "ratio"),
    ]
    return Section(
        "refund_days", s.t("refund_days"), tables=[Table("by_days", s.t("refund_days"), cols, _records(result.by_days))]
    )


__all__ = ["CustomerReportParams", "build_customer_report", "quarters"]
