"""The daily, weekly and monthly reports: how the shop did, against what, and why — as data.

:func:`build_report` runs the metric layer and the analyses and returns a
:class:`~shopops.analyses.reportmodel.Report`; :mod:`shopops.reports` renders it.

Periods: a daily report compares with the day before (日环比) and with the same weekday 52 weeks
earlier; a weekly report (ISO week, Monday–Sunday) with the week before (周环比) and the same week
52 weeks earlier (weekdays aligned); a monthly report with the whole previous month (月环比) and the
same month a year earlier (同比).

Scope: one store, or several stores **of one currency** (money of different currencies is never
added up). :func:`report_scopes` groups a project's stores by currency.

>>> report = build_report(project, ReportParams("weekly", day=date(2026, 10, 25)))   # doctest: +SKIP
>>> report.summary[0]                                                                # doctest: +SKIP
'本周（2026-W43）支付金额 102,929.09，周环比 +88.00%（上周 54,750.64）…'
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

from shopops.analyses.decompose import DecomposeParams, DecomposeResult, decompose, metric_queries
from shopops.analyses.narrative import Narrator
from shopops.analyses.reportmodel import Chart, Column, Kpi, Period, Report, Section, Table, Unit
from shopops.analyses.rootcause import RootCauseParams, RootCauseResult, metric_parts, rootcause
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics import MetricQuery, calendar
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.gaps import missing_fields
from shopops.metrics.query import Batch
from shopops.metrics.targets import targets
from shopops.warehouse.store import Warehouse, warehouse_of

Kind = Literal["daily", "weekly", "monthly", "customers"]
KINDS: tuple[str, ...] = ("daily", "weekly", "monthly")

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
EFFECTS = {"uv": "traffic_effect", "cvr": "conversion_effect", "aov": "order_value_effect"}
ROOT_CAUSE_METRICS = ("paid_amount", "cvr", "aov")
TREND_METRICS = ("paid_amount", "uv", "buyers", "cvr", "aov")
CHANNEL_METRICS = ("uv", "pv", "traffic_buyers", "traffic_paid_amount")
AD_TOOL_METRICS = ("ad_spend", "ad_amount", "roas", "clicks", "cpc", "ctr")
CAMPAIGN_METRICS = ("ad_spend", "ad_amount", "roas")


@dataclass(frozen=True)
class ReportParams:
    """``day``: a day inside the period (default: the last complete period before the newest data).

    ``stores``: the stores to cover (empty: every store of the project; they must share a currency).
    ``top``: rows in top/bottom lists. ``root_cause_dims``: dimensions the root-cause step searches.
    """

    kind: Kind
    day: date | None = None
    stores: tuple[str, ...] = ()
    lang: Literal["zh", "en"] = "zh"
    top: int = 10
    root_cause_dims: tuple[str, ...] = ("store", "channel", "device", "province", "category", "buyer_type")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise QueryError(f"unknown report {self.kind!r}; valid reports: {', '.join(KINDS)}")
        if self.lang not in ("zh", "en"):
            raise QueryError(f"unknown language {self.lang!r}; valid languages: zh, en")
        object.__setattr__(self, "stores", tuple(self.stores))


# ---------------------------------------------------------------- periods


def periods(kind: str, day: date) -> tuple[Period, Period, Period]:
    """The report period holding ``day``, the period it is compared with, and the year-ago period."""
    if kind == "daily":
        prev, yoy = day - timedelta(days=1), day - timedelta(days=364)
        return _day_period(day), _day_period(prev), _day_period(yoy)
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return _week(start), _week(start - timedelta(days=7)), _week(start - timedelta(days=364))
    if kind == "monthly":
        start = day.replace(day=1)
        return _month(start), _month(calendar.add_months(start, -1)), _month(calendar.add_months(start, -12))
    raise QueryError(f"unknown report {kind!r}; valid reports: {', '.join(KINDS)}")


def _day_period(d: date) -> Period:
    return Period(d, d, d.isoformat())


def _week(start: date) -> Period:
    return Period(start, start + timedelta(days=6), calendar.label(start, "week"))


def _month(start: date) -> Period:
    return Period(start, calendar.period_end(start, "month"), calendar.label(start, "month"))


def default_day(kind: str, last_day: date) -> date:
    """The newest complete period up to ``last_day`` (the last day with data)."""
    if kind == "daily":
        return last_day
    current, _, _ = periods(kind, last_day)
    if current.end <= last_day:
        return last_day
    return current.start - timedelta(days=1)


def last_data_day(wh: Warehouse, stores: Sequence[str]) -> date | None:
    """The newest day with an order (paid or created) in ``stores`` (looked up once per ``wh.reads()``)."""
    return wh.memo(("last data day", tuple(stores)), lambda: _last_data_day(wh, stores))


def _last_data_day(wh: Warehouse, stores: Sequence[str]) -> date | None:
    o = wh.table("orders")
    if stores:
        o = o.filter(o.store.isin(list(stores)))
    value = o.created_at.max().execute()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return pd.Timestamp(value).date()


def report_scopes(wh: Warehouse, stores: Sequence[str] = ()) -> list[tuple[str, ...]]:
    """Stores grouped by currency (all of them when ``stores`` is empty), each group one report."""
    configs = {s.name: s for s in wh.settings.stores}
    names = list(stores) or list(configs)
    unknown = [n for n in names if n not in configs]
    if unknown:
        raise QueryError(f"unknown store {', '.join(unknown)}; stores: {', '.join(configs)}")
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(configs[n].currency, []).append(n)
    return [tuple(g) for g in groups.values()]


# ---------------------------------------------------------------- building


@dataclass
class _Context:
    wh: Warehouse
    params: ReportParams
    cat: Catalogue
    stores: tuple[str, ...]
    current: Period
    previous: Period
    yoy: Period
    say: Narrator
    batch: Batch
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    source: Any = None  # what the caller passed (a Project or a Warehouse), for analyses that take a Project

    @property
    def lang(self) -> str:
        return self.params.lang

    def name(self, metric: str) -> str:
        m = self.cat.metrics[metric]
        return m.zh if self.lang == "zh" else m.en

    def unit(self, metric: str) -> Unit:
        return self.cat.metrics[metric].unit  # type: ignore[return-value]

    def query(
        self, metrics: Sequence[str], period: Period, *, by: Sequence[str] = (), grain: str = "total"
    ) -> pd.DataFrame:
        """A metric query over the report's stores; metrics no store can give are left out (noted)."""
        usable = [m for m in metrics if self._available(m)]
        if not usable:
            return pd.DataFrame()
        df = self.batch.run(self._query(usable, period, by, grain))
        self.note(*df.attrs.get("notes", []))
        return df

    def _query(
        self, metrics: Sequence[str], period: Period, by: Sequence[str] = (), grain: str = "total"
    ) -> MetricQuery:
        return MetricQuery.create(
            metrics,
            start=period.start,
            end=period.end,
            grain=grain,
            by=by,
            where={"store": self.stores},
            catalogue=self.cat,
        )

    def _available(self, metric: str) -> bool:
        needs = self.cat.needs(metric)
        fields = [self.wh.fields_available(s) for s in self.stores]
        ok = any(all(n.split(".", 1)[1] in f.get(n.split(".", 1)[0], set()) for n in needs) for f in fields)
        if not ok:
            missing = missing_fields(self.cat, metric, dict(zip(self.stores, fields, strict=True)))
            self.note(self.say.unavailable(self.name(metric), self.stores, missing))
        return ok

    def note(self, *notes: str) -> None:
        for n in notes:
            if n and n not in self.notes:
                self.notes.append(n)


def one_currency(wh: Warehouse, stores: Sequence[str]) -> tuple[str, ...]:
    """The report's stores (every store when ``stores`` is empty), refused when their currencies differ."""
    names = tuple(stores) or tuple(s.name for s in wh.settings.stores)
    if not names:
        raise QueryError("the project has no stores", hint="add one with `shopops stores add`")
    scopes = report_scopes(wh, names)
    if len(scopes) > 1:
        raise QueryError(
            f"stores {', '.join(names)} have different currencies; a report adds money of one currency only",
            hint="report each currency on its own: " + "; ".join("--store " + " --store ".join(g) for g in scopes),
        )
    return names


def newest_day(wh: Warehouse, stores: Sequence[str]) -> date:
    """The last day with orders in ``stores``; an error when there are none."""
    last = last_data_day(wh, stores)
    if last is None:
        raise NotAvailableError(
            f"no orders imported for {', '.join(stores)}", hint="import order exports first (`shopops import`)"
        )
    return last


def build_report(project_or_warehouse: Any, params: ReportParams) -> Report:
    """Run every query and analysis of the report and return it (see the module docstring)."""
    wh = warehouse_of(project_or_warehouse)
    with wh.reads():  # the report writes nothing: table schemas and import fields are looked up once
        return _build_report(wh, params)


def _build_report(wh: Warehouse, params: ReportParams) -> Report:
    stores = one_currency(wh, params.stores)
    day = params.day or default_day(params.kind, newest_day(wh, stores))
    current, previous, yoy = periods(params.kind, day)
    cat = load_catalogue()
    ctx = _Context(wh, params, cat, stores, current, previous, yoy, Narrator(params.lang, params.kind), Batch(wh, cat))
    _plan(ctx)
    currency = {s.name: s.currency for s in wh.settings.stores}[stores[0]]

    # first the sections that read no statement of the batch: they run while DuckDB runs the first ones
    tracking = {name: _timed(ctx, name, lambda build=build: build(ctx)) for name, build in TRACKING}  # type: ignore[misc]
    kpis = _timed(ctx, "kpis", lambda: _kpis(ctx))
    tree_parts = _timed(ctx, "attribution", lambda: _attribution(ctx))
    sections = [
        _kpi_tree_section(ctx, kpis, tree_parts["total"]),
        tree_parts["section"],
    ]
    root = _timed(ctx, "root_cause", lambda: _root_cause_section(ctx))
    if root is not None:
        sections.append(root)
    for name, build in (
        ("trend", _trend_section),
        ("channels", _channels_section),
        ("products", _products_section),
        ("refunds", _refunds_section),
        ("ads", _ads_section),
        ("buyers", _buyers_section),
        ("stores", _stores_section),
    ):
        section = _timed(ctx, name, lambda build=build: build(ctx))  # type: ignore[misc]
        if section is not None:
            sections.append(section)
    sections += [section for section in tracking.values() if section is not None]

    summary = ctx.say.summary(kpis, tree_parts["total"], sections, current, previous)
    title = ctx.say.title(stores, current)
    return Report(
        kind=params.kind,
        lang=params.lang,
        title=title,
        stores=list(stores),
        currency=currency,
        period=current,
        previous=previous,
        yoy=yoy,
        generated_at=datetime.now().replace(microsecond=0),
        summary=summary,
        kpis=kpis,
        sections=sections,
        notes=ctx.notes,
        timings=ctx.timings,
    )


def _targets_section(ctx: _Context) -> Section | None:
    """Weekly and monthly reports: achievement by week and month, the year to date, the run-rate
    needed and the year-end projection (:mod:`shopops.plan.track`), when the stores have targets."""
    if ctx.params.kind == "daily":
        return None
    from shopops.plan.track import track_section  # plan builds on this module: imported when used

    label = ctx.current.label
    return track_section(
        ctx.wh,
        as_of=ctx.current.end,
        stores=ctx.stores,
        lang=ctx.params.lang,
        week=label if ctx.params.kind == "weekly" else None,
    )


def _scorecard_section(ctx: _Context) -> Section | None:
    """Weekly and monthly reports: the KPI scorecard per role, when the project has ``scorecard.toml``."""
    if ctx.params.kind == "daily":
        return None
    from shopops.plan.scorecard import scorecard_section

    return scorecard_section(
        ctx.wh,
        start=ctx.current.start,
        end=ctx.current.end,
        stores=ctx.stores,
        lang=ctx.params.lang,
        label=ctx.current.label,
    )


#: the last sections, computed first (see _build_report)
TRACKING: tuple[tuple[str, Callable[[_Context], Section | None]], ...] = (
    ("targets", _targets_section),
    ("scorecard", _scorecard_section),
)


def _plan(ctx: _Context) -> None:
    """Tell the batch which metrics the sections will ask of each split shared between them (the total,
    the stores, buyer types, products, the root-cause dimensions, channels, ads, the daily trend, the
    channel attribution of each store), and that the current and previous
    periods go together, so that each split runs as one statement for both periods; the headline KPIs
    of the year-ago period join them (one statement for the three). The statements start at once, in the
    background. Planning changes no figure: a split asked for more than planned runs again."""
    grain = {"daily": "day", "weekly": "week", "monthly": "month"}[ctx.params.kind]
    both = [(p.start, p.end) for p in (ctx.previous, ctx.current)]
    ctx.batch.span(both, grain, extra=[(ctx.yoy.start, ctx.yoy.end)])  # one statement for both (or the three)
    # in the order the sections ask for them, which is the order their statements start in
    splits: dict[tuple[str, ...], list[str]] = {
        (): [*HEADLINE, "refund_amount_by_refund_time", "ad_amount"],
        ("store",): ["paid_amount", "uv", "cvr", "aov", "buyers", "refund_rate", "ad_spend", "roas"],
        ("buyer_type",): ["buyers", "paid_amount", "aov"],
    }
    for metric in ROOT_CAUSE_METRICS:
        for dims, source in _root_cause_plan(ctx, metric):
            for dim in ("", *dims):
                splits.setdefault((dim,) if dim else (), []).extend(metric_parts(ctx.cat, metric, source))
    later = {
        _by_store(ctx, "channel"): CHANNEL_METRICS,
        ("store", "product"): ("item_amount", "item_units", "item_refund"),
        _by_store(ctx, "ad_tool"): AD_TOOL_METRICS,
        ("store", "campaign"): CAMPAIGN_METRICS,
    }

    def plan(*args: Any, **kwargs: Any) -> None:
        with suppress(QueryError):  # a metric the split does not support: the section does not ask for it either
            ctx.batch.plan(ctx._query(*args, **kwargs))

    def plan_splits(splits: Mapping[tuple[str, ...], Sequence[str]]) -> None:
        for by, metrics in splits.items():
            for period in (ctx.current, ctx.previous, *([ctx.yoy] if by == () else [])):
                plan(list(dict.fromkeys(metrics)), period, by)

    first = ((), ("store",))  # the headline KPIs and the stores: the KPIs and the attribution
    plan_splits({by: splits[by] for by in first})
    for store in filter(lambda store: _channel_traffic(ctx, store), ctx.stores):
        for q in metric_queries(_decompose_params(ctx, "channel", [store], "traffic"), ctx.cat).values():
            ctx.batch.plan(q)
    plan_splits({by: metrics for by, metrics in splits.items() if by not in first})  # the root cause
    for period in _trend_range(ctx):
        plan(TREND_METRICS, period, grain="day")
    plan_splits(later)  # a split planned twice gets the metrics of both
    ctx.batch.prefetch()  # DuckDB runs the statements while the sections work (see Batch.prefetch)


def _timed(ctx: _Context, name: str, fn: Callable[[], Any]) -> Any:
    clock = time.perf_counter()
    try:
        return fn()
    finally:
        ctx.timings[name] = time.perf_counter() - clock


# ---------------------------------------------------------------- figures


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def _first(df: pd.DataFrame, column: str) -> Any:
    if df.empty or column not in df.columns:
        return None
    return _clean(df[column].iloc[0])


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal):
        return value.item()
    return value


def change(unit: str, now: Any, before: Any) -> tuple[Any, float | None]:
    """(absolute change, relative change); ratios change in points and have no relative change."""
    if now is None or before is None:
        return None, None
    diff = now - before
    if unit == "ratio":
        return float(diff), None
    pct = None if not before else float(Decimal(str(now)) / Decimal(str(before)) - 1)
    return diff, pct


def _kpis(ctx: _Context, metrics: Sequence[str] = HEADLINE) -> list[Kpi]:
    frames = {
        p: ctx.query(metrics, period) for p, period in (("now", ctx.current), ("prev", ctx.previous), ("yoy", ctx.yoy))
    }
    shown = [m for m in metrics if m in frames["now"].columns]
    additive = [m for m in shown if ctx.unit(m) in ("money", "count")]  # a ratio has no target of its own
    goals = targets(ctx.wh, additive, ctx.current.start, ctx.current.end, ctx.stores)
    out = []
    for m in shown:
        unit = ctx.unit(m)
        now, prev, yoy = (_first(frames[p], m) for p in ("now", "prev", "yoy"))
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
                good=ctx.cat.metrics[m].good,
            )
        )
    return out


# ---------------------------------------------------------------- KPI tree and attribution


def _decompose_params(ctx: _Context, by: str | None, stores: Sequence[str], source: str) -> DecomposeParams:
    return DecomposeParams(
        start=ctx.current.start,
        end=ctx.current.end,
        base_start=ctx.previous.start,
        base_end=ctx.previous.end,
        by=by,
        stores=tuple(stores),
        source=source,
    )


def _decompose(ctx: _Context, by: str | None, stores: Sequence[str], source: str = "orders") -> DecomposeResult:
    result = decompose(ctx.wh, _decompose_params(ctx, by, stores, source), batch=ctx.batch)
    ctx.note(*result.notes)
    return result


def _attribution(ctx: _Context) -> dict[str, Any]:
    s = ctx.say
    total = _records(_decompose(ctx, None, ctx.stores).table)[-1]
    section = Section("attribution", s.t("attribution"))
    if total["decomposable"]:
        bridge = Table(
            "bridge",
            s.t("bridge"),
            [Column("step", s.t("step")), Column("amount", ctx.name("paid_amount"), "money")],
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
    columns = _effect_columns(ctx)
    if len(ctx.stores) > 1:
        by_store = _decompose(ctx, "store", ctx.stores).table
        section.tables.append(Table("by_store", s.t("by_store"), columns, _effect_rows(by_store)))
        section.charts.append(
            Chart("by_store_chart", s.t("by_store"), "bar", "by_store", "segment", tuple(EFFECTS.values()))
        )
    channel_rows: list[dict[str, Any]] = []
    for store in ctx.stores:
        if not _channel_traffic(ctx, store):
            ctx.note(s.no_channel_attribution(store))
            continue
        table = _decompose(ctx, "channel", [store], source="traffic").table
        prefix = f"{store} · " if len(ctx.stores) > 1 else ""
        channel_rows += [{**r, "segment": prefix + (r["segment"] or s.t("all_sources"))} for r in _effect_rows(table)]
    if channel_rows:
        section.tables.append(Table("by_channel", s.t("by_channel"), columns, channel_rows, note=s.t("channel_source")))
        section.charts.append(
            Chart("by_channel_chart", s.t("by_channel"), "barh", "by_channel", "segment", tuple(EFFECTS.values()))
        )
    return {"total": total, "section": section}


def _channel_traffic(ctx: _Context, store: str) -> bool:
    """The store's traffic exports split paid amount and buyers by channel (the channel attribution)."""
    return {"paid_amount", "buyers", "channel"} <= ctx.wh.fields_available(store).get("traffic_daily", set())


def _effect_columns(ctx: _Context) -> list[Column]:
    s = ctx.say
    return [
        Column("segment", s.t("segment")),
        Column("paid_amount_base", s.t("previous"), "money"),
        Column("paid_amount_current", s.t("current"), "money"),
        Column("paid_amount_change", s.t("change"), "money"),
        Column("traffic_effect", s.t("traffic_effect"), "money"),
        Column("conversion_effect", s.t("conversion_effect"), "money"),
        Column("order_value_effect", s.t("order_value_effect"), "money"),
        Column("not_decomposed", s.t("not_decomposed"), "money"),
    ]


def _effect_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = _records(table)
    segments = [r for r in rows if r["segment"] != "total"]
    return sorted(segments, key=lambda r: -abs(r["paid_amount_change"] or 0))


def _kpi_tree_section(ctx: _Context, kpis: list[Kpi], total: dict[str, Any]) -> Section:
    s = ctx.say
    by_metric = {k.metric: k for k in kpis}
    section = Section("kpi_tree", s.t("kpi_tree"), text=[s.t("kpi_tree_identity")])
    columns = [Column("period", s.t("period"))] + [Column(m, ctx.name(m), ctx.unit(m)) for m in TREE]
    rows = [
        {
            "period": f"{s.t('previous')} {ctx.previous.label}",
            **{m: _kpi_value(by_metric, m, "previous") for m in TREE},
        },
        {"period": f"{s.t('current')} {ctx.current.label}", **{m: _kpi_value(by_metric, m, "value") for m in TREE}},
    ]
    section.tables.append(Table("tree", s.t("kpi_tree"), columns, rows))
    factor_rows = []
    for m in TREE:
        k = by_metric.get(m)
        now, before = (k.value, k.previous) if k else (None, None)
        rel = None if now is None or not before else float(Decimal(str(now)) / Decimal(str(before)) - 1)
        effect = total.get(EFFECTS[m]) if m in EFFECTS else total.get("paid_amount_change")
        factor_rows.append({"factor": ctx.name(m), "change_pct": rel, "effect": effect})
    section.tables.append(
        Table(
            "factors",
            s.t("factor_changes"),
            [
                Column("factor", s.t("factor")),
                Column("change_pct", s.t("change_pct"), "pct"),
                Column("effect", s.t("effect"), "money"),
            ],
            factor_rows,
        )
    )
    section.charts.append(Chart("factors_chart", s.t("factor_changes"), "bar", "factors", "factor", ("change_pct",)))
    return section


def _kpi_value(by_metric: dict[str, Kpi], metric: str, attr: str) -> Any:
    k = by_metric.get(metric)
    return getattr(k, attr) if k else None


# ---------------------------------------------------------------- root cause


def _traffic_channels(ctx: _Context) -> bool:
    """Every store's traffic report gives paying buyers and paid amount per source."""
    return all(
        {"paid_amount", "buyers", "channel"} <= ctx.wh.fields_available(store).get("traffic_daily", set())
        for store in ctx.stores
    )


def _root_cause_plan(ctx: _Context, metric: str) -> list[tuple[tuple[str, ...], str]]:
    """The orders' dimensions from the orders; channels from the traffic report where it has them
    (Tmall and JD orders carry no traffic source, and their order ``channel`` is not one)."""
    dims = tuple(d for d in ctx.params.root_cause_dims if d in ctx.cat.supported_dims(metric))
    if len(ctx.stores) == 1:
        dims = tuple(d for d in dims if d != "store")
    if "channel" in dims and _traffic_channels(ctx):
        return [(tuple(d for d in dims if d != "channel"), "orders"), (("channel",), "traffic")]
    return [(dims, "orders")]


def _root_cause_runs(ctx: _Context, metric: str) -> list[RootCauseResult]:
    out = []
    for run_dims, source in _root_cause_plan(ctx, metric):
        if not run_dims:
            continue
        params = RootCauseParams(
            metric=metric,
            start=ctx.current.start,
            end=ctx.current.end,
            base_start=ctx.previous.start,
            base_end=ctx.previous.end,
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


def _root_cause_section(ctx: _Context) -> Section | None:
    s = ctx.say
    section = Section("root_cause", s.t("root_cause"))
    for metric in ROOT_CAUSE_METRICS:
        if not ctx._available(metric):
            continue
        results = _root_cause_runs(ctx, metric)
        table = _ranked(results) if results else pd.DataFrame()
        if table.empty:
            continue
        rows = _records(table.head(ctx.params.top))
        unit = ctx.unit(metric)
        cols = [
            Column("rank", "#", "count"),
            Column("dimension", s.t("dimension")),
            Column("segment", s.t("segment")),
            Column("base", s.t("previous"), unit),
            Column("current", s.t("current"), unit),
            Column("change", s.t("change"), "pp" if unit == "ratio" else unit),
            Column("explanatory_power", s.t("explanatory_power"), "ratio"),
            Column("surprise", s.t("surprise"), "score"),
        ]
        for r in rows:
            r["dimension"] = s.dimension(ctx.cat, str(r["dimension"]))
        section.tables.append(Table(f"root_cause_{metric}", f"{s.t('root_cause')} · {ctx.name(metric)}", cols, rows))
        if metric == "paid_amount":
            section.text.append(s.root_cause(ctx.name(metric), rows[0], unit))
    return section if section.tables else None


# ---------------------------------------------------------------- the other sections


def _trend_range(ctx: _Context) -> tuple[Period, Period]:
    """Daily reports show the 14 days to the report day; weekly and monthly the period itself."""
    if ctx.params.kind == "daily":
        start = ctx.current.end - timedelta(days=13)
        return Period(start, ctx.current.end, ""), Period(
            start - timedelta(days=7), ctx.current.end - timedelta(days=7), ""
        )
    return ctx.current, ctx.previous


def _trend_section(ctx: _Context) -> Section | None:
    s = ctx.say
    now_p, prev_p = _trend_range(ctx)
    now = ctx.query(TREND_METRICS, now_p, grain="day")
    prev = ctx.query(TREND_METRICS, prev_p, grain="day")
    if now.empty:
        return None
    present = [m for m in TREND_METRICS if m in now.columns]
    rows = []
    for i, r in enumerate(now.to_dict("records")):
        day = r["period_start"]
        p = prev.iloc[i].to_dict() if i < len(prev) else {}
        row: dict[str, Any] = {"date": day, "weekday": s.weekday(day)}
        for m in present:
            row[m] = _clean(r[m])
            row[f"{m}_prev"] = _clean(p.get(m))
        rows.append(row)
    cols = [Column("date", s.t("date"), "date"), Column("weekday", s.t("weekday"))]
    for m in present:
        cols += [
            Column(m, ctx.name(m), ctx.unit(m)),
            Column(f"{m}_prev", f"{ctx.name(m)} ({s.t('compare_period')})", ctx.unit(m)),
        ]
    section = Section("trend", s.t("trend"), tables=[Table("daily", s.t("trend"), cols, rows)])
    section.charts.append(
        Chart("paid_trend", ctx.name("paid_amount"), "line", "daily", "date", ("paid_amount", "paid_amount_prev"))
    )
    if "uv" in present:
        section.charts.append(Chart("uv_trend", ctx.name("uv"), "line", "daily", "date", ("uv", "uv_prev")))
    return section


def _merge(now: pd.DataFrame, prev: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str]) -> list[dict[str, Any]]:
    """Current and previous rows side by side on ``keys`` (a segment missing in one period counts 0 there)."""
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    for label, df in (("", now), ("_prev", prev)):
        if df.empty:
            continue
        for r in df.to_dict("records"):
            key = tuple(r[k] for k in keys)
            row = index.setdefault(key, {k: r[k] for k in keys})
            for m in metrics:
                if m in r:
                    row[f"{m}{label}"] = _clean(r[m])
    return list(index.values())


def _with_change(ctx: _Context, rows: list[dict[str, Any]], metric: str) -> None:
    """Add ``{metric}_change`` and ``_change_pct``.

    A segment with no rows in one period (its key is absent, see :func:`_merge`) counts 0 there for an
    additive metric (sales, counts); a derived figure (ROAS, 客单价) stays n/a, and so does a figure the
    metric layer left empty (a store whose exports lack it).
    """
    m = ctx.cat.metrics[metric]
    zero: Any = Decimal("0.00") if m.unit == "money" else 0
    for r in rows:
        if m.is_base:
            for key in (metric, f"{metric}_prev"):
                if key not in r:
                    r[key] = zero
        now, before = r.get(metric), r.get(f"{metric}_prev")
        r.setdefault(metric, None)
        r.setdefault(f"{metric}_prev", None)
        diff, pct = change(m.unit, now, before)
        r[f"{metric}_change"] = diff
        r[f"{metric}_change_pct"] = pct


def _metric_columns(ctx: _Context, metric: str, *, prev: bool = True, pct: bool = True) -> list[Column]:
    s, unit = ctx.say, ctx.unit(metric)
    cols = [Column(metric, ctx.name(metric), unit)]
    if prev:
        cols.append(Column(f"{metric}_prev", f"{ctx.name(metric)} ({s.t('compare_period')})", unit))
    if unit == "ratio":
        cols.append(Column(f"{metric}_change", f"{ctx.name(metric)} {s.t('change')}", "pp"))
    elif pct:
        cols.append(Column(f"{metric}_change_pct", f"{ctx.name(metric)} {s.t('change_pct')}", "pct"))
    return cols


def _by_store(ctx: _Context, dim: str) -> tuple[str, ...]:
    """``dim`` within each store when the report covers several."""
    return ("store", dim) if len(ctx.stores) > 1 else (dim,)


def _split(ctx: _Context, metrics: Sequence[str], by: Sequence[str]) -> list[dict[str, Any]]:
    now = ctx.query(metrics, ctx.current, by=by)
    prev = ctx.query(metrics, ctx.previous, by=by)
    present = [m for m in metrics if m in now.columns]
    rows = _merge(now, prev, by, present)
    for m in present:
        _with_change(ctx, rows, m)
    return rows


def _channels_section(ctx: _Context) -> Section | None:
    s = ctx.say
    if not ctx._available("uv"):
        return None
    by = _by_store(ctx, "channel")
    rows = _split(ctx, CHANNEL_METRICS, by)
    for r in rows:
        r["channel"] = r["channel"] or s.t("all_sources")
        for suffix in ("", "_prev"):
            b, u = r.get(f"traffic_buyers{suffix}"), r.get(f"uv{suffix}")
            r[f"cvr{suffix}"] = b / u if b is not None and u else None
        _with_change(ctx, [r], "cvr")
    rows.sort(key=lambda r: -(r.get("uv") or 0))
    cols = [Column(d, s.dimension(ctx.cat, d)) for d in by]
    cols += _metric_columns(ctx, "uv") + _metric_columns(ctx, "pv", prev=False)
    cols += [Column("traffic_buyers", ctx.name("traffic_buyers"), "count"), Column("cvr", ctx.name("cvr"), "ratio")]
    cols += [Column("cvr_change", f"{ctx.name('cvr')} {s.t('change')}", "pp")]
    cols += [Column("traffic_paid_amount", ctx.name("traffic_paid_amount"), "money")]
    section = Section("channels", s.t("channels"), tables=[Table("traffic", s.t("channels"), cols, rows)])
    if len(by) > 1:  # the chart needs one label per bar: channel names repeat across stores
        for r in rows:
            r["segment"] = f"{r['store']} · {r['channel']}"
        cols.insert(0, Column("segment", s.t("segment")))
    x = "segment" if len(by) > 1 else "channel"
    section.charts.append(Chart("uv_by_channel", s.t("channels"), "bar", "traffic", x, ("uv", "uv_prev")))
    if rows:
        section.text.append(s.channels(rows[0], ctx.name("uv")))
    return section


def _product_titles(ctx: _Context) -> dict[tuple[str, str], str]:
    p = ctx.wh.table("products")
    p = p.filter(p.store.isin(list(ctx.stores)))
    frame = p.select("store", "sku", "title").execute()
    return {(str(r.store), str(r.sku)): str(r.title or "") for r in frame.itertuples(index=False)}


def _products_section(ctx: _Context) -> Section | None:
    s = ctx.say
    if not ctx._available("item_amount"):
        return None
    rows = _split(ctx, ["item_amount", "item_units"], ["store", "product"])
    if not rows:
        return None
    titles = _product_titles(ctx)
    for r in rows:
        r["title"] = titles.get((str(r["store"]), str(r["product"])), "")
    cols = [Column("product", s.t("product")), Column("title", s.t("title"))]
    if len(ctx.stores) > 1:
        cols.insert(0, Column("store", s.dimension(ctx.cat, "store")))
    cols += [*_metric_columns(ctx, "item_amount"), Column("item_amount_change", s.t("change"), "money")]
    cols += _metric_columns(ctx, "item_units", prev=False)
    n = ctx.params.top
    top = sorted(rows, key=lambda r: -(r.get("item_amount") or 0))[:n]
    falls = sorted((r for r in rows if (r.get("item_amount_change") or 0) < 0), key=lambda r: r["item_amount_change"])[
        :n
    ]
    rises = sorted((r for r in rows if (r.get("item_amount_change") or 0) > 0), key=lambda r: -r["item_amount_change"])[
        :n
    ]
    section = Section("products", s.t("products"))
    section.tables += [
        Table("top", s.t("top_products"), cols, top),
        Table("risers", s.t("rising_products"), cols, rises),
        Table("fallers", s.t("falling_products"), cols, falls),
    ]
    section.charts.append(
        Chart("top_chart", s.t("top_products"), "barh", "top", "product", ("item_amount", "item_amount_prev"))
    )
    section.text += s.products(top, rises, falls, len(rows))
    return section


def _refunds_section(ctx: _Context) -> Section | None:
    s = ctx.say
    if not ctx._available("refund_amount"):
        return None
    metrics = ["refund_amount", "refund_rate", "refund_amount_by_refund_time"]
    now = ctx.query(metrics, ctx.current)
    prev = ctx.query(metrics, ctx.previous)
    rows = []
    for m in metrics:
        if m not in now.columns:
            continue
        unit = ctx.unit(m)
        a, b = _first(now, m), _first(prev, m)
        diff, pct = change(unit, a, b)
        rows.append(
            {
                "metric": ctx.name(m),
                "value": a,
                "previous": b,
                "change_pct": pct,
                "change_pp": diff if unit == "ratio" else None,
                "_unit": unit,
            }
        )
    money_rows = [r for r in rows if r["_unit"] == "money"]
    ratio_rows = [r for r in rows if r["_unit"] == "ratio"]
    section = Section("refunds", s.t("refunds"))
    base_cols = [Column("metric", s.t("metric"))]
    if money_rows:
        section.tables.append(
            Table(
                "refund_amounts",
                s.t("refunds"),
                [
                    *base_cols,
                    Column("value", s.t("current"), "money"),
                    Column("previous", s.t("previous"), "money"),
                    Column("change_pct", s.t("change_pct"), "pct"),
                ],
                money_rows,
            )
        )
    if ratio_rows:
        section.tables.append(
            Table(
                "refund_rates",
                ctx.name("refund_rate"),
                [
                    *base_cols,
                    Column("value", s.t("current"), "ratio"),
                    Column("previous", s.t("previous"), "ratio"),
                    Column("change_pp", s.t("change"), "pp"),
                ],
                ratio_rows,
            )
        )
    if ctx._available("item_refund"):
        prod = _split(ctx, ["item_refund", "item_amount"], ["store", "product"])
        titles = _product_titles(ctx)
        for r in prod:
            r["title"] = titles.get((str(r["store"]), str(r["product"])), "")
            amount, refund = r.get("item_amount"), r.get("item_refund")
            r["refund_share"] = float(refund / amount) if refund is not None and amount else None
        prod = [r for r in prod if (r.get("item_refund") or 0) > 0]
        prod.sort(key=lambda r: -(r.get("item_refund") or 0))
        cols = [Column("product", s.t("product")), Column("title", s.t("title"))]
        if len(ctx.stores) > 1:
            cols.insert(0, Column("store", s.dimension(ctx.cat, "store")))
        cols += [*_metric_columns(ctx, "item_refund"), Column("refund_share", s.t("refund_share"), "ratio")]
        section.tables.append(Table("refund_products", s.t("refund_products"), cols, prod[: ctx.params.top]))
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


def _ads_section(ctx: _Context) -> Section | None:
    s = ctx.say
    if not ctx._available("ad_spend"):
        return None
    by = _by_store(ctx, "ad_tool")
    rows = _split(ctx, AD_TOOL_METRICS, by)
    rows.sort(key=lambda r: -(r.get("ad_spend") or 0))
    cols = [Column(d, s.dimension(ctx.cat, d)) for d in by]
    cols += _metric_columns(ctx, "ad_spend") + _metric_columns(ctx, "ad_amount", prev=False)
    cols += _metric_columns(ctx, "roas") + _metric_columns(ctx, "clicks", prev=False)
    cols += [Column("cpc", ctx.name("cpc"), "money_per"), Column("ctr", ctx.name("ctr"), "ratio")]
    campaigns = _split(ctx, CAMPAIGN_METRICS, ["store", "campaign"])
    campaigns.sort(key=lambda r: -(r.get("ad_spend") or 0))
    ccols = [Column("store", s.dimension(ctx.cat, "store")), Column("campaign", s.dimension(ctx.cat, "campaign"))]
    ccols += _metric_columns(ctx, "ad_spend", prev=False) + _metric_columns(ctx, "ad_amount", prev=False, pct=False)
    ccols += _metric_columns(ctx, "roas", prev=False)
    section = Section("ads", s.t("ads"))
    section.tables += [
        Table("ad_tools", s.t("ad_tools"), cols, rows),
        Table("campaigns", s.t("campaigns"), ccols, campaigns[: ctx.params.top]),
    ]
    section.charts.append(Chart("spend_chart", s.t("ad_tools"), "bar", "ad_tools", by[-1], ("ad_spend", "ad_amount")))
    total = _split(ctx, ["ad_spend", "ad_amount", "roas"], [])
    if total:
        section.text.append(s.ads(total[0]))
    return section


def _buyers_section(ctx: _Context) -> Section | None:
    s = ctx.say
    if not ctx._available("buyers"):
        return None
    rows = _split(ctx, ["buyers", "paid_amount", "aov"], ["buyer_type"])
    if not rows:
        return None
    for r in rows:
        r["buyer_type"] = s.t(f"buyer_{r['buyer_type']}")
    cols = [Column("buyer_type", s.dimension(ctx.cat, "buyer_type"))]
    cols += _metric_columns(ctx, "buyers") + _metric_columns(ctx, "paid_amount") + _metric_columns(ctx, "aov")
    section = Section("buyers", s.t("buyers"), tables=[Table("buyer_types", s.t("buyers"), cols, rows)])
    section.charts.append(Chart("buyers_chart", s.t("buyers"), "pie", "buyer_types", "buyer_type", ("paid_amount",)))
    section.text.append(s.buyers(rows))
    return section


def _stores_section(ctx: _Context) -> Section | None:
    if len(ctx.stores) < 2:
        return None
    s = ctx.say
    metrics = ["paid_amount", "uv", "cvr", "aov", "buyers", "refund_rate", "ad_spend", "roas"]
    rows = _split(ctx, metrics, ["store"])
    cols = [Column("store", s.dimension(ctx.cat, "store"))]
    cols += _metric_columns(ctx, "paid_amount") + _metric_columns(ctx, "uv")
    cols += _metric_columns(ctx, "cvr", prev=False) + _metric_columns(ctx, "aov", prev=False)
    cols += [Column("refund_rate", ctx.name("refund_rate"), "ratio"), Column("ad_spend", ctx.name("ad_spend"), "money")]
    cols += [Column("roas", ctx.name("roas"), "number")]
    section = Section("stores", s.t("stores"), tables=[Table("side_by_side", s.t("stores"), cols, rows)])
    section.charts.append(
        Chart(
            "stores_chart", ctx.name("paid_amount"), "bar", "side_by_side", "store", ("paid_amount", "paid_amount_prev")
        )
    )
    return section


def iter_figures(report: Report) -> Iterable[tuple[str, Any]]:
    """Every (path, value) of a report's tables: for tests and oracles."""
    for section in report.sections:
        for table in section.tables:
            for i, row in enumerate(table.rows):
                for c in table.columns:
                    yield f"{section.id}.{table.id}[{i}].{c.id}", row.get(c.id)


__all__ = ["KINDS", "ReportParams", "build_report", "default_day", "periods", "report_scopes"]
