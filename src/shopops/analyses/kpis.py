"""The headline figures (against the period before, the year-ago period and the target) and the KPI tree
支付金额 = 访客数 × 支付转化率 × 客单价.

``kpis`` is a run's headline (:func:`headline_kpis`, also used by the customer report with its own
metrics); ``kpi_tree`` shows the tree's four figures in both periods and what each factor contributed
(the exact LMDI split of :mod:`shopops.analyses.decompose`).

A comparison period without data is unknown, not zero: its figures stay ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopops.analyses.base import Analysis, Context
from shopops.analyses.decompose import FACTORS, DecomposeParams, decompose
from shopops.analyses.rows import Rows, SectionParams, Words, change, first, records
from shopops.metrics.query import MetricQuery
from shopops.metrics.targets import targets
from shopops.reports.model import Chart, Column, Kpi, Section, Table

#: headline figures, in the order the report shows them
HEADLINE = (
    "paid_amount",
    "uv",
    "cvr",
    "aov",
    "buyers",
    "paid_orders",
    "refund_amount",
    "refund_rate",
    "net_sales",
    "ad_spend",
    "roas",
    "gross_margin",
)
#: the KPI tree: 支付金额 = 访客数 × 支付转化率 × 客单价
TREE = ("paid_amount", "uv", "cvr", "aov")


@dataclass(frozen=True)
class KpiParams:
    """``metrics``: the headline figures (default: the report's twelve)."""

    metrics: tuple[str, ...] = HEADLINE

    def __post_init__(self) -> None:
        from shopops.errors import QueryError
        from shopops.metrics.catalogue import load_catalogue

        object.__setattr__(self, "metrics", tuple(self.metrics))
        unknown = [m for m in self.metrics if m not in load_catalogue().metrics]
        if unknown:
            raise QueryError(
                f"unknown metric {', '.join(unknown)}", hint="`shopops metrics --list` lists them", code="param.invalid"
            )


def headline_kpis(ctx: Context, metrics: Sequence[str] = HEADLINE) -> list[Kpi]:
    """Each of ``metrics`` in the period, the period before, the year-ago period and against its target."""
    periods = {"now": ctx.period, "prev": ctx.previous, "yoy": ctx.yoy}
    frames = {p: ctx.query(metrics, period) for p, period in periods.items() if period is not None}
    for p, which in (("now", "current"), ("prev", "previous"), ("yoy", "yoy")):
        period = periods[p]
        if period is None:
            continue
        covered = ctx.scope.days_with_data(period.start, period.end)
        if not covered and p != "now":  # a comparison period without data is unknown, not zero
            frames.pop(p, None)
            ctx.note(ctx.say.no_data(period, ctx.scope.first_data_day(), year_ago=p == "yoy"))
        elif covered < period.days:  # the data starts or ends inside the period
            ctx.note(ctx.say.partial_data(period, covered, which))
    shown = [m for m in metrics if m in frames["now"].columns]
    additive = [m for m in shown if ctx.unit(m) in ("money", "count")]  # a ratio has no target of its own
    goals = targets(ctx.wh, additive, ctx.period.start, ctx.period.end, ctx.stores)
    out = []
    for m in shown:
        unit = ctx.unit(m)
        now, prev, yoy = (first(frames[p], m) if p in frames else None for p in ("now", "prev", "yoy"))
        diff, pct = change(unit, now, prev)
        ydiff, ypct = change(unit, now, yoy)
        goal = goals.get(m)
        achievement = float(Decimal(str(now)) / goal) if goal and now is not None else None
        out.append(
            Kpi(
                metric=m,
                label=ctx.name(m),
                unit=unit,
                value=now,
                previous=prev,
                change=diff,
                change_pct=pct,
                yoy=yoy,
                yoy_change=ydiff,
                yoy_change_pct=ypct,
                target=goal,
                achievement=achievement,
                good=ctx.catalogue.metrics[m].good,
            )
        )
    return out


def kpi_queries(ctx: Context, metrics: Sequence[str] = HEADLINE) -> list[MetricQuery]:
    return [ctx.metric_query(list(metrics), p) for p in (ctx.period, ctx.previous, ctx.yoy) if p is not None]


# ---------------------------------------------------------------- the headline as an analysis


@dataclass
class KpiResult:
    kind: str
    kpis: list[Kpi]


def _build_kpis(ctx: Context, params: KpiParams) -> KpiResult:
    return KpiResult(ctx.kind, headline_kpis(ctx, params.metrics))


def _present_kpis(result: KpiResult, lang: str) -> Section | None:
    w = Words(lang, result.kind)
    if not result.kpis:
        return None
    cols = [Column("metric", w.say.t("metric")), Column("value", w.say.t("current"), "text")]
    cols += [Column("previous", w.say.t("previous"), "text"), Column("change", w.say.t("change"), "text")]
    rows = []
    for k in result.kpis:
        delta = k.change if k.unit == "ratio" else k.change_pct
        rows.append(
            {
                "metric": w.name(k.metric),
                "value": w.say.f(k.value, k.unit),
                "previous": w.say.f(k.previous, k.unit),
                "change": w.say.f(delta, "pp" if k.unit == "ratio" else "pct", signed=True),
            }
        )
    return Section("kpis", w.say.words[0], tables=[Table("kpis", w.say.words[0], cols, rows)])


# ---------------------------------------------------------------- the KPI tree


def tree_rows(ctx: Context, kpis: Sequence[Kpi], total: dict[str, Any]) -> Rows:
    """The tree's figures in both periods (from ``kpis``) and each factor's change and effect (from the
    decomposition's ``total`` row)."""
    by_metric = {k.metric: k for k in kpis}
    tree = [
        {"period": "previous", "label": ctx.compared.label, **{m: _kpi_value(by_metric, m, "previous") for m in TREE}},
        {"period": "current", "label": ctx.period.label, **{m: _kpi_value(by_metric, m, "value") for m in TREE}},
    ]
    factors = []
    for m in TREE:
        k = by_metric.get(m)
        now, before = (k.value, k.previous) if k else (None, None)
        rel = None if now is None or not before else float(Decimal(str(now)) / Decimal(str(before)) - 1)
        effect = total.get(FACTORS[m]) if m in FACTORS else total.get("paid_amount_change")
        factors.append({"metric": m, "change_pct": rel, "effect": effect})
    return Rows(ctx.kind, ctx.stores, {"tree": tree, "factors": factors})


def present_tree(rows: Rows, lang: str) -> Section:
    w = Words(lang, rows.kind)
    s = w.say
    section = Section("kpi_tree", s.t("kpi_tree"), text=[s.t("kpi_tree_identity")])
    columns = [Column("period", s.t("period"))] + [Column(m, w.name(m), w.unit(m)) for m in TREE]
    tree = [{**r, "period": f"{s.t(r['period'])} {r['label']}"} for r in rows.tables["tree"]]
    for r in tree:
        r.pop("label")
    section.tables.append(Table("tree", s.t("kpi_tree"), columns, tree))
    factors = [
        {"factor": w.name(r["metric"]), "change_pct": r["change_pct"], "effect": r["effect"]}
        for r in rows.tables["factors"]
    ]
    section.tables.append(
        Table(
            "factors",
            s.t("factor_changes"),
            [
                Column("factor", s.t("factor")),
                Column("change_pct", s.t("change_pct"), "pct"),
                Column("effect", s.t("effect"), "money"),
            ],
            factors,
        )
    )
    section.charts.append(Chart("factors_chart", s.t("factor_changes"), "bar", "factors", "factor", ("change_pct",)))
    return section


def decompose_total(ctx: Context) -> dict[str, Any]:
    """The whole scope's LMDI row (period against the one compared with), its notes kept."""
    result = decompose(ctx.wh, decompose_params(ctx, None, ctx.stores, "orders"), batch=ctx.batch)
    ctx.note(*result.notes)
    return records(result.table)[-1]


def decompose_params(ctx: Context, by: str | None, stores: Sequence[str], source: str) -> DecomposeParams:
    return DecomposeParams(
        start=ctx.period.start,
        end=ctx.period.end,
        base_start=ctx.compared.start,
        base_end=ctx.compared.end,
        by=by,
        stores=tuple(stores),
        source=source,
    )


def _kpi_value(by_metric: dict[str, Kpi], metric: str, attr: str) -> Any:
    k = by_metric.get(metric)
    return getattr(k, attr) if k else None


def _build_tree(ctx: Context, params: SectionParams) -> Rows:
    return tree_rows(ctx, headline_kpis(ctx, TREE), decompose_total(ctx))


KPIS: Analysis[KpiParams, KpiResult] = Analysis(
    "kpis",
    KpiParams,
    _build_kpis,
    _present_kpis,
    queries=lambda ctx, p: kpi_queries(ctx, p.metrics),
)
KPI_TREE: Analysis[SectionParams, Rows] = Analysis(
    "kpi_tree",
    SectionParams,
    _build_tree,
    present_tree,
    queries=lambda ctx, p: kpi_queries(ctx, TREE),
    needs=("period", "compare"),
)
ANALYSES = (KPIS, KPI_TREE)

__all__ = ["ANALYSES", "HEADLINE", "TREE", "KpiParams", "decompose_params", "headline_kpis", "tree_rows"]
