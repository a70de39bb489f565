"""Sections on who came and who bought: the daily trend, traffic by channel, new and returning buyers,
and the stores side by side — each the period against the one compared with.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shopops.analyses.base import Analysis, Context
from shopops.analyses.rows import Rows, SectionParams, Words, by_store, clean, split, split_queries, with_change
from shopops.calendar.period import Period
from shopops.metrics.query import MetricQuery
from shopops.reports.model import Chart, Column, Section, Table

TREND_METRICS = ("paid_amount", "uv", "buyers", "cvr", "aov")
CHANNEL_METRICS = ("uv", "pv", "traffic_buyers", "traffic_paid_amount")
STORE_METRICS = ("paid_amount", "uv", "cvr", "aov", "buyers", "refund_rate", "ad_spend", "roas")
BUYER_METRICS = ("buyers", "paid_amount", "aov")


# ---------------------------------------------------------------- the daily trend


def trend_range(ctx: Context) -> tuple[Period, Period]:
    """A daily run shows the 14 days to its day (against the 14 days a week earlier); any other run its
    own period against the one compared with."""
    if ctx.kind == "daily":
        end = ctx.period.end
        start, week = end - timedelta(days=13), timedelta(days=7)
        return Period(start, end), Period(start - week, end - week)
    return ctx.period, ctx.compared


def build_trend(ctx: Context, params: SectionParams) -> Rows:
    now_p, prev_p = trend_range(ctx)
    now = ctx.query(TREND_METRICS, now_p, grain="day")
    prev = ctx.query(TREND_METRICS, prev_p, grain="day")
    out = Rows(ctx.kind, ctx.stores)
    if now.empty:
        return out
    present = [m for m in TREND_METRICS if m in now.columns]
    rows = []
    for i, r in enumerate(now.to_dict("records")):
        p = prev.iloc[i].to_dict() if i < len(prev) else {}
        row: dict[str, Any] = {"date": r["period_start"]}
        for m in present:
            row[m] = clean(r[m])
            row[f"{m}_prev"] = clean(p.get(m))
        rows.append(row)
    out.tables["daily"] = rows
    out.facts["metrics"] = present
    return out


def trend_queries(ctx: Context, params: SectionParams) -> list[MetricQuery]:
    return [ctx.metric_query(TREND_METRICS, p, grain="day") for p in trend_range(ctx)]


def present_trend(rows: Rows, lang: str) -> Section | None:
    if not rows:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    present = rows.facts["metrics"]
    shown = [{"date": r["date"], "weekday": s.weekday(r["date"]), **r} for r in rows.tables["daily"]]
    cols = [Column("date", s.t("date"), "date"), Column("weekday", s.t("weekday"))]
    for m in present:
        cols += [
            Column(m, w.name(m), w.unit(m)),
            Column(f"{m}_prev", f"{w.name(m)} ({s.t('compare_period')})", w.unit(m)),
        ]
    section = Section("trend", s.t("trend"), tables=[Table("daily", s.t("trend"), cols, shown)])
    section.charts.append(
        Chart("paid_trend", w.name("paid_amount"), "line", "daily", "date", ("paid_amount", "paid_amount_prev"))
    )
    if "uv" in present:
        section.charts.append(Chart("uv_trend", w.name("uv"), "line", "daily", "date", ("uv", "uv_prev")))
    return section


# ---------------------------------------------------------------- channels


def build_channels(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    if not ctx.available("uv"):
        return out
    rows = split(ctx, CHANNEL_METRICS, by_store(ctx, "channel"))
    for r in rows:
        for suffix in ("", "_prev"):
            b, u = r.get(f"traffic_buyers{suffix}"), r.get(f"uv{suffix}")
            r[f"cvr{suffix}"] = b / u if b is not None and u else None
        with_change(ctx.catalogue, [r], "cvr")
    rows.sort(key=lambda r: -(r.get("uv") or 0))
    out.tables["traffic"] = rows
    return out


def present_channels(rows: Rows, lang: str) -> Section | None:
    if not rows:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    by = by_store(rows, "channel")
    shown = [{**r, "channel": r["channel"] or s.t("all_sources")} for r in rows.tables["traffic"]]
    cols = [Column(d, w.dimension(d)) for d in by]
    cols += w.metric_columns("uv") + w.metric_columns("pv", prev=False)
    cols += [Column("traffic_buyers", w.name("traffic_buyers"), "count"), Column("cvr", w.name("cvr"), "ratio")]
    cols += [Column("cvr_change", f"{w.name('cvr')} {s.t('change')}", "pp")]
    cols += [Column("traffic_paid_amount", w.name("traffic_paid_amount"), "money")]
    section = Section("channels", s.t("channels"), tables=[Table("traffic", s.t("channels"), cols, shown)])
    if len(by) > 1:  # the chart needs one label per bar: channel names repeat across stores
        for r in shown:
            r["segment"] = f"{r['store']} · {r['channel']}"
        cols.insert(0, Column("segment", s.t("segment")))
    x = "segment" if len(by) > 1 else "channel"
    section.charts.append(Chart("uv_by_channel", s.t("channels"), "bar", "traffic", x, ("uv", "uv_prev")))
    if shown:
        section.text.append(s.channels(shown[0], w.name("uv")))
    return section


# ---------------------------------------------------------------- new and returning buyers


def build_buyer_types(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    if ctx.available("buyers"):
        out.tables["buyer_types"] = split(ctx, BUYER_METRICS, ["buyer_type"])
    return out


def present_buyer_types(rows: Rows, lang: str) -> Section | None:
    if not rows:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    shown = [{**r, "buyer_type": s.t(f"buyer_{r['buyer_type']}")} for r in rows.tables["buyer_types"]]
    cols = [Column("buyer_type", w.dimension("buyer_type"))]
    cols += w.metric_columns("buyers") + w.metric_columns("paid_amount") + w.metric_columns("aov")
    section = Section("buyers", s.t("buyers"), tables=[Table("buyer_types", s.t("buyers"), cols, shown)])
    section.charts.append(Chart("buyers_chart", s.t("buyers"), "pie", "buyer_types", "buyer_type", ("paid_amount",)))
    section.text.append(s.buyers(shown))
    return section


# ---------------------------------------------------------------- stores side by side


def build_stores(ctx: Context, params: SectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    if len(ctx.stores) > 1:
        out.tables["side_by_side"] = split(ctx, STORE_METRICS, ["store"])
    return out


def present_stores(rows: Rows, lang: str) -> Section | None:
    if len(rows.stores) < 2 or "side_by_side" not in rows.tables:
        return None
    w = Words(lang, rows.kind)
    s = w.say
    cols = [Column("store", w.dimension("store"))]
    cols += w.metric_columns("paid_amount") + w.metric_columns("uv")
    cols += w.metric_columns("cvr", prev=False) + w.metric_columns("aov", prev=False)
    cols += [Column("refund_rate", w.name("refund_rate"), "ratio"), Column("ad_spend", w.name("ad_spend"), "money")]
    cols += [Column("roas", w.name("roas"), "number")]
    table = Table("side_by_side", s.t("stores"), cols, rows.tables["side_by_side"])
    section = Section("stores", s.t("stores"), tables=[table])
    section.charts.append(
        Chart(
            "stores_chart", w.name("paid_amount"), "bar", "side_by_side", "store", ("paid_amount", "paid_amount_prev")
        )
    )
    return section


COMPARE = ("period", "compare")  # these sections compare the period with the one before


ANALYSES = (
    Analysis(
        "trend",
        SectionParams,
        build_trend,
        present_trend,
        queries=trend_queries,
        needs=COMPARE,
    ),
    Analysis(
        "channels",
        SectionParams,
        build_channels,
        present_channels,
        queries=lambda ctx, p: split_queries(ctx, CHANNEL_METRICS, by_store(ctx, "channel")),
        needs=COMPARE,
    ),
    Analysis(
        "buyer_types",
        SectionParams,
        build_buyer_types,
        present_buyer_types,
        queries=lambda ctx, p: split_queries(ctx, BUYER_METRICS, ["buyer_type"]),
        needs=COMPARE,
    ),
    Analysis(
        "stores",
        SectionParams,
        build_stores,
        present_stores,
        queries=lambda ctx, p: split_queries(ctx, STORE_METRICS, ["store"]) if len(ctx.stores) > 1 else [],
        needs=COMPARE,
    ),
)

__all__ = ["ANALYSES", "CHANNEL_METRICS", "TREND_METRICS", "trend_range"]
