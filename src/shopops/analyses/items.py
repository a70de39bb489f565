"""Sections on what sold, what came back and what advertising cost: top, rising and falling products,
refunds (amounts, rates, the products refunded most) and ads by tool and campaign — each the period
against the one compared with.
"""

from __future__ import annotations

from typing import Any

from shopops.analyses.base import Analysis, Context
from shopops.analyses.rows import (
    Rows,
    SectionParams,
    Words,
    by_store,
    change,
    first,
    product_titles,
    split,
    split_queries,
)
from shopops.metrics.query import MetricQuery
from shopops.reports.model import Chart, Column, Section, Table

AD_TOOL_METRICS = ("ad_spend", "ad_amount", "roas", "clicks", "cpc", "ctr")
CAMPAIGN_METRICS = ("ad_spend", "ad_amount", "roas")
REFUND_METRICS = ("refund_amount", "refund_rate", "refund_amount_by_refund_time")
PRODUCT_METRICS = ("item_amount", "item_units", "item_refund")


def _product_columns(w: Words, several: bool) -> list[Column]:
    cols = [Column("product", w.say.t("product")), Column("title", w.say.t("title"))]
    if several:
        cols.insert(0, Column("store", w.dimension("store")))
    return cols


# ---------------------------------------------------------------- products


def build_product_sales(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores, facts={"top": params.top})
    if not ctx.available("item_amount"):
        return out
    rows = split(ctx, ["item_amount", "item_units"], ["store", "product"])
    if not rows:
        return out
    titles = product_titles(ctx)
    for r in rows:
        r["title"] = titles.get((str(r["store"]), str(r["product"])), "")
    n = params.top
    out.tables["top"] = sorted(rows, key=lambda r: -(r.get("item_amount") or 0))[:n]
    falls = [r for r in rows if (r.get("item_amount_change") or 0) < 0]
    rises = [r for r in rows if (r.get("item_amount_change") or 0) > 0]
    out.tables["fallers"] = sorted(falls, key=lambda r: r["item_amount_change"])[:n]
    out.tables["risers"] = sorted(rises, key=lambda r: -r["item_amount_change"])[:n]
    out.facts["products"] = len(rows)
    return out


def present_product_sales(rows: Rows, lang: str) -> Section | None:
    if "top" not in rows.tables:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    cols = _product_columns(w, len(rows.stores) > 1)
    cols += [*w.metric_columns("item_amount"), Column("item_amount_change", s.t("change"), "money")]
    cols += w.metric_columns("item_units", prev=False)
    top, rises, falls = rows.tables["top"], rows.tables["risers"], rows.tables["fallers"]
    section = Section("products", s.t("products"))
    section.tables += [
        Table("top", s.t("top_products"), cols, top),
        Table("risers", s.t("rising_products"), cols, rises),
        Table("fallers", s.t("falling_products"), cols, falls),
    ]
    section.charts.append(
        Chart("top_chart", s.t("top_products"), "barh", "top", "product", ("item_amount", "item_amount_prev"))
    )
    section.text += s.products(top, rises, falls, rows.facts["products"])
    return section


# ---------------------------------------------------------------- refunds


def build_refund_summary(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    if not ctx.available("refund_amount"):
        return out
    now = ctx.query(REFUND_METRICS, ctx.period)
    prev = ctx.query(REFUND_METRICS, ctx.compared)
    figures = []
    for m in REFUND_METRICS:
        if m not in now.columns:
            continue
        unit = ctx.unit(m)
        a, b = first(now, m), first(prev, m)
        diff, pct = change(unit, a, b)
        figures.append(
            {"metric": m, "value": a, "previous": b, "change_pct": pct, "change_pp": diff if unit == "ratio" else None}
        )
    out.tables["figures"] = figures
    if ctx.available("item_refund"):
        prod = split(ctx, ["item_refund", "item_amount"], ["store", "product"])
        titles = product_titles(ctx)
        for r in prod:
            r["title"] = titles.get((str(r["store"]), str(r["product"])), "")
            amount, refund = r.get("item_amount"), r.get("item_refund")
            r["refund_share"] = float(refund / amount) if refund is not None and amount else None
        prod = [r for r in prod if (r.get("item_refund") or 0) > 0]
        prod.sort(key=lambda r: -(r.get("item_refund") or 0))
        out.tables["refund_products"] = prod[: params.top]
    return out


def refund_queries(ctx: Context, params: SectionParams) -> list[MetricQuery]:
    return [ctx.metric_query(list(REFUND_METRICS), p) for p in (ctx.period, ctx.compared)]


def present_refund_summary(rows: Rows, lang: str) -> Section | None:
    if "figures" not in rows.tables:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    figures = [{**r, "metric": w.name(r["metric"]), "_unit": w.unit(r["metric"])} for r in rows.tables["figures"]]
    money_rows = [r for r in figures if r["_unit"] == "money"]
    ratio_rows = [r for r in figures if r["_unit"] == "ratio"]
    section = Section("refunds", s.t("refunds"))
    base_cols = [Column("metric", s.t("metric"))]
    if money_rows:
        cols = [Column("value", s.t("current"), "money"), Column("previous", s.t("previous"), "money")]
        cols.append(Column("change_pct", s.t("change_pct"), "pct"))
        section.tables.append(Table("refund_amounts", s.t("refunds"), [*base_cols, *cols], money_rows))
    if ratio_rows:
        cols = [Column("value", s.t("current"), "ratio"), Column("previous", s.t("previous"), "ratio")]
        cols.append(Column("change_pp", s.t("change"), "pp"))
        section.tables.append(Table("refund_rates", w.name("refund_rate"), [*base_cols, *cols], ratio_rows))
    if "refund_products" in rows.tables:
        prod = rows.tables["refund_products"]
        cols = _product_columns(w, len(rows.stores) > 1)
        cols += [*w.metric_columns("item_refund"), Column("refund_share", s.t("refund_share"), "ratio")]
        section.tables.append(Table("refund_products", s.t("refund_products"), cols, prod))
        if prod:
            section.charts.append(
                Chart(
                    "refund_products_chart",
                    s.t("refund_products"),
                    "barh",
                    "refund_products",
                    "product",
                    ("item_refund",),
                )
            )
    rate = next((r for r in ratio_rows), None)
    if rate:
        section.text.append(s.refunds(money_rows[0] if money_rows else None, rate))
    return section if section.tables else None


# ---------------------------------------------------------------- ads


def build_ads(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    if not ctx.available("ad_spend"):
        return out
    tools = split(ctx, AD_TOOL_METRICS, by_store(ctx, "ad_tool"))
    tools.sort(key=lambda r: -(r.get("ad_spend") or 0))
    campaigns = split(ctx, CAMPAIGN_METRICS, ["store", "campaign"])
    campaigns.sort(key=lambda r: -(r.get("ad_spend") or 0))
    out.tables = {"ad_tools": tools, "campaigns": campaigns[: params.top]}
    total = split(ctx, ["ad_spend", "ad_amount", "roas"], [])
    out.facts["total"] = total[0] if total else None
    return out


def ads_queries(ctx: Context, params: SectionParams) -> list[MetricQuery]:
    return split_queries(ctx, AD_TOOL_METRICS, by_store(ctx, "ad_tool")) + split_queries(
        ctx, CAMPAIGN_METRICS, ["store", "campaign"]
    )


def present_ads(rows: Rows, lang: str) -> Section | None:
    if "ad_tools" not in rows.tables:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    by = by_store(rows, "ad_tool")
    cols = [Column(d, w.dimension(d)) for d in by]
    cols += w.metric_columns("ad_spend") + w.metric_columns("ad_amount", prev=False)
    cols += w.metric_columns("roas") + w.metric_columns("clicks", prev=False)
    cols += [Column("cpc", w.name("cpc"), "money_per"), Column("ctr", w.name("ctr"), "ratio")]
    ccols = [Column("store", w.dimension("store")), Column("campaign", w.dimension("campaign"))]
    ccols += w.metric_columns("ad_spend", prev=False) + w.metric_columns("ad_amount", prev=False, pct=False)
    ccols += w.metric_columns("roas", prev=False)
    section = Section("ads", s.t("ads"))
    section.tables += [
        Table("ad_tools", s.t("ad_tools"), cols, rows.tables["ad_tools"]),
        Table("campaigns", s.t("campaigns"), ccols, rows.tables["campaigns"]),
    ]
    section.charts.append(Chart("spend_chart", s.t("ad_tools"), "bar", "ad_tools", by[-1], ("ad_spend", "ad_amount")))
    total: dict[str, Any] | None = rows.facts.get("total")
    if total:
        section.text.append(s.ads(total))
    return section


COMPARE = ("period", "compare")  # these sections compare the period with the one before


ANALYSES = (
    Analysis(
        "product_sales",
        SectionParams,
        build_product_sales,
        present_product_sales,
        queries=lambda ctx, p: split_queries(ctx, PRODUCT_METRICS, ["store", "product"]),
        needs=COMPARE,
    ),
    Analysis(
        "refund_summary",
        SectionParams,
        build_refund_summary,
        present_refund_summary,
        queries=refund_queries,
        needs=COMPARE,
    ),
    Analysis("ads", SectionParams, build_ads, present_ads, queries=ads_queries, needs=COMPARE),
)

__all__ = ["AD_TOOL_METRICS", "ANALYSES", "CAMPAIGN_METRICS"]
