"""What moved 支付金额 and where: the attribution section (the exact LMDI split of the change into
traffic, conversion and order value — in total, by store and by channel) and the root-cause section
(Adtributor across the orders' dimensions and the traffic report's channels).

Both compare the run's period with the one before (``ctx.previous``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.decompose import FACTORS, decompose, metric_queries
from shopops.analyses.kpis import decompose_params
from shopops.analyses.rootcause import RootCauseParams, RootCauseResult, metric_parts, rootcause, segment_columns
from shopops.analyses.rows import Rows, SectionParams, Words, effect_columns, records
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics.query import MetricQuery
from shopops.reports.model import Chart, Column, Section, Table

ROOT_CAUSE_METRICS = ("paid_amount", "cvr", "aov")
ROOT_CAUSE_DIMS = ("store", "channel", "device", "province", "category", "buyer_type")


# ---------------------------------------------------------------- attribution


def channel_traffic(ctx: Context, store: str) -> bool:
    """The store's traffic exports split paid amount and buyers by channel (the channel attribution)."""
    return all(ctx.scope.has(store, f"traffic_daily.{c}") for c in ("paid_amount", "buyers", "channel"))


def _decompose(ctx: Context, by: str | None, stores: Sequence[str], source: str = "orders") -> pd.DataFrame:
    result = decompose(ctx.wh, decompose_params(ctx, by, stores, source), batch=ctx.batch)
    ctx.note(*result.notes)
    return result.table


def _effect_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = records(table)
    segments = [r for r in rows if r["segment"] != "total"]
    return sorted(segments, key=lambda r: -abs(r["paid_amount_change"] or 0))


def build_attribution(ctx: Context, params: SectionParams) -> Rows:
    """The total LMDI row, the stores' rows (several stores) and each store's channels (from its traffic
    report, where it splits buyers and paid amount by source)."""
    total = records(_decompose(ctx, None, ctx.stores))[-1]
    out = Rows(ctx.kind, ctx.stores, facts={"total": total})
    if len(ctx.stores) > 1:
        out.tables["by_store"] = _effect_rows(_decompose(ctx, "store", ctx.stores))
    channel_rows: list[dict[str, Any]] = []
    for store in ctx.stores:
        if not channel_traffic(ctx, store):
            ctx.note(ctx.say.no_channel_attribution(store))
            continue
        table = _decompose(ctx, "channel", [store], source="traffic")
        channel_rows += [{**r, "store": store} for r in _effect_rows(table)]
    out.tables["by_channel"] = channel_rows
    return out


def attribution_queries(ctx: Context, params: SectionParams) -> list[MetricQuery]:
    out = list(metric_queries(decompose_params(ctx, None, ctx.stores, "orders"), ctx.catalogue).values())
    if len(ctx.stores) > 1:
        out += metric_queries(decompose_params(ctx, "store", ctx.stores, "orders"), ctx.catalogue).values()
    for store in filter(lambda store: channel_traffic(ctx, store), ctx.stores):
        out += metric_queries(decompose_params(ctx, "channel", [store], "traffic"), ctx.catalogue).values()
    return out


def present_attribution(rows: Rows, lang: str) -> Section:
    w = Words(lang, rows.kind)
    s = w.say
    total = rows.facts["total"]
    section = Section("attribution", s.t("attribution"))
    if total["decomposable"]:
        bridge = Table(
            "bridge",
            s.t("bridge"),
            [Column("step", s.t("step")), Column("amount", w.name("paid_amount"), "money")],
            [
                {"step": s.t("previous_paid"), "amount": total["paid_amount_base"]},
                {"step": s.t("traffic_effect"), "amount": total["traffic_effect"]},
                {"step": s.t("conversion_effect"), "amount": total["conversion_effect"]},
                {"step": s.t("order_value_effect"), "amount": total["order_value_effect"]},
                {"step": s.t("current_paid"), "amount": total["paid_amount_current"]},
            ],
        )
        section.tables.append(bridge)
        section.charts.append(Chart("bridge_chart", s.t("bridge"), "waterfall", "bridge", "step", ("amount",)))
        section.text.append(s.attribution(total))
    else:
        section.text.append(s.not_decomposable(str(total.get("reason") or "")))
    columns = effect_columns(w)
    if rows.tables.get("by_store"):
        section.tables.append(Table("by_store", s.t("by_store"), columns, rows.tables["by_store"]))
        section.charts.append(
            Chart("by_store_chart", s.t("by_store"), "bar", "by_store", "segment", tuple(FACTORS.values()))
        )
    several = len(rows.stores) > 1
    channel_rows = [
        {**r, "segment": (f"{r['store']} · " if several else "") + (r["segment"] or s.t("all_sources"))}
        for r in rows.tables.get("by_channel", [])
    ]
    for r in channel_rows:
        r.pop("store")
    if channel_rows:
        section.tables.append(Table("by_channel", s.t("by_channel"), columns, channel_rows, note=s.t("channel_source")))
        section.charts.append(
            Chart("by_channel_chart", s.t("by_channel"), "barh", "by_channel", "segment", tuple(FACTORS.values()))
        )
    return section


# ---------------------------------------------------------------- root cause


@dataclass(frozen=True)
class RootCauseSectionParams(SectionParams):
    """``dimensions``: the dimensions the root-cause step searches."""

    dimensions: tuple[str, ...] = ROOT_CAUSE_DIMS

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "dimensions", tuple(self.dimensions))


def _traffic_channels(ctx: Context) -> bool:
    """Every store's traffic report gives paying buyers and paid amount per source."""
    return all(channel_traffic(ctx, store) for store in ctx.stores)


def root_cause_plan(ctx: Context, metric: str, dims_asked: Sequence[str]) -> list[tuple[tuple[str, ...], str]]:
    """The orders' dimensions from the orders; channels from the traffic report where it has them
    (Tmall and JD orders carry no traffic source, and their order ``channel`` is not one)."""
    dims = tuple(d for d in dims_asked if d in ctx.catalogue.supported_dims(metric))
    if len(ctx.stores) == 1:
        dims = tuple(d for d in dims if d != "store")
    if "channel" in dims and _traffic_channels(ctx):
        return [(tuple(d for d in dims if d != "channel"), "orders"), (("channel",), "traffic")]
    return [(dims, "orders")]


def root_cause_queries(ctx: Context, params: RootCauseSectionParams) -> list[MetricQuery]:
    splits: dict[tuple[str, ...], list[str]] = {}
    for metric in ROOT_CAUSE_METRICS:
        for dims, source in root_cause_plan(ctx, metric, params.dimensions):
            for dim in ("", *dims):
                splits.setdefault((dim,) if dim else (), []).extend(metric_parts(ctx.catalogue, metric, source))
    out = []
    for by, metrics in splits.items():
        for period in (ctx.period, ctx.compared):
            try:
                out.append(ctx.metric_query(list(dict.fromkeys(metrics)), period, by=by))
            except QueryError:  # a metric the split does not support: the section does not ask for it either
                continue
    return out


def _root_cause_runs(ctx: Context, metric: str, dims: Sequence[str]) -> list[RootCauseResult]:
    out = []
    for run_dims, source in root_cause_plan(ctx, metric, dims):
        if not run_dims:
            continue
        params = RootCauseParams(
            metric=metric,
            start=ctx.period.start,
            end=ctx.period.end,
            base_start=ctx.compared.start,
            base_end=ctx.compared.end,
            dimensions=run_dims,
            stores=ctx.stores,
            source=source,
        )
        try:
            result = rootcause(ctx.wh, params, batch=ctx.batch)
        except (QueryError, NotAvailableError) as exc:
            ctx.note(f"{metric}: {exc}")
            continue
        ctx.note(*result.notes)
        out.append(result)
    return out


def _ranked(results: list[RootCauseResult]) -> pd.DataFrame:
    """The root-cause rows of several runs, dimensions ranked together as Adtributor ranks them
    (explaining dimensions first, then by the surprise of their root-cause set)."""
    ranked = [r for r in results if not r.dimensions.empty and not r.table.empty]
    if not ranked:
        return pd.DataFrame()
    dims = pd.concat([r.dimensions for r in ranked], ignore_index=True)
    dims = dims.sort_values(["explains", "surprise", "dimension"], ascending=[False, False, True], kind="stable")
    rank = {d: i + 1 for i, d in enumerate(dims["dimension"])}
    table = pd.concat([r.table for r in ranked], ignore_index=True)
    table["rank"] = table["dimension"].map(rank)
    table = table.sort_values(
        ["rank", "root_cause", "explanatory_power", "segment"], ascending=[True, False, False, True], kind="stable"
    )
    causes = table[table["root_cause"].astype(bool)]
    return causes if not causes.empty else table[table["rank"] == 1]


def build_root_cause(ctx: Context, params: RootCauseSectionParams) -> Rows:
    out = Rows(ctx.kind, ctx.stores)
    for metric in ROOT_CAUSE_METRICS:
        if not ctx.available(metric):
            continue
        results = _root_cause_runs(ctx, metric, params.dimensions)
        table = _ranked(results) if results else pd.DataFrame()
        if not table.empty:
            out.tables[metric] = records(table.head(params.top))
    return out


def present_root_cause(rows: Rows, lang: str) -> Section | None:
    w = Words(lang, rows.kind)
    s = w.say
    section = Section("root_cause", s.t("root_cause"))
    for metric, found in rows.tables.items():
        unit = w.unit(metric)
        cols = segment_columns(w, unit)
        shown = [{**r, "dimension": w.dimension(str(r["dimension"]))} for r in found]
        section.tables.append(Table(f"root_cause_{metric}", f"{s.t('root_cause')} · {w.name(metric)}", cols, shown))
        if metric == "paid_amount":
            section.text.append(s.root_cause(w.name(metric), shown[0], unit))
    return section if section.tables else None


ATTRIBUTION: Analysis[SectionParams, Rows] = Analysis(
    "attribution",
    SectionParams,
    build_attribution,
    present_attribution,
    queries=attribution_queries,
    needs=("period", "compare"),
)
ROOT_CAUSE: Analysis[RootCauseSectionParams, Rows] = Analysis(
    "root_cause",
    RootCauseSectionParams,
    build_root_cause,
    present_root_cause,
    queries=root_cause_queries,
    needs=("period", "compare"),
)
ANALYSES = (ATTRIBUTION, ROOT_CAUSE)

__all__ = ["ANALYSES", "ROOT_CAUSE_DIMS", "ROOT_CAUSE_METRICS", "RootCauseSectionParams", "channel_traffic"]
