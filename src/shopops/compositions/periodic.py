"""The daily, weekly and monthly reports (日报/周报/月报): ordered lists of registered sections.

:func:`build_report` resolves the :class:`~shopops.warehouse.scope.Scope` (one currency: money of
different currencies is never added up) and the report's :class:`~shopops.calendar.period.Period`
with the periods it is compared with (:func:`~shopops.calendar.period.report_periods`: a day against
the day before and the same weekday 52 weeks earlier, a week against the week before and the week 52
weeks earlier, a month against the month before and the same month a year earlier), then:

1. asks every section which metric queries it will run, and plans them on one
   :class:`~shopops.metrics.batch.Batch` (each split one statement for the three periods), which starts
   them in the background;
2. builds each section (data) and presents it (zh or en), in the composition's order;
3. writes the summary from the headline, the attribution and the sections' first sentences.

A new section is one module with a registered analysis and one name in :data:`COMPOSITIONS`.

>>> report = build_report(project, ReportParams("weekly", day=date(2026, 10, 25)))   # doctest: +SKIP
>>> report.summary[0]                                                                # doctest: +SKIP
'本周（2026-W43）支付金额 102,929.09，周环比 +88.00%（上周 54,750.64）…'
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from shopops.analyses.attribution import ROOT_CAUSE_DIMS, RootCauseSectionParams
from shopops.analyses.base import Analysis, Context
from shopops.analyses.kpis import HEADLINE, headline_kpis, kpi_queries, present_tree, tree_rows
from shopops.analyses.rows import SectionParams
from shopops.calendar.period import REPORT_GRAINS, newest_complete_day, report_periods
from shopops.compositions import registry
from shopops.errors import QueryError
from shopops.reports.model import Report, Section
from shopops.warehouse.scope import Scope

Kind = Literal["daily", "weekly", "monthly"]
KINDS: tuple[str, ...] = ("daily", "weekly", "monthly")

#: the sections after the headline and the KPI tree, in the order the report shows them
SECTIONS = (
    "attribution",
    "root_cause",
    "trend",
    "channels",
    "product_sales",
    "refund_summary",
    "ads",
    "buyer_types",
    "stores",
)
#: the sections at the end of a weekly and monthly report: achievement against target, the role scorecard
TRACKING = ("track", "scorecard")
COMPOSITIONS: dict[str, tuple[str, ...]] = {
    "daily": SECTIONS,
    "weekly": SECTIONS + TRACKING,
    "monthly": SECTIONS + TRACKING,
}


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
    root_cause_dims: tuple[str, ...] = ROOT_CAUSE_DIMS

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise QueryError(f"unknown report {self.kind!r}; valid reports: {', '.join(KINDS)}", code="report.kind")
        if self.lang not in ("zh", "en"):
            raise QueryError(f"unknown language {self.lang!r}; valid languages: zh, en", code="param.invalid")
        object.__setattr__(self, "stores", tuple(self.stores))


def report_context(source: Scope | Any, params: ReportParams) -> Context:
    """The report's scope (one currency), period and comparisons: resolved once, here."""
    scope = Scope.of(source, params.stores).one_currency()
    day = params.day or newest_complete_day(params.kind, scope.newest_day())
    current, previous, yoy = report_periods(params.kind, day)
    return Context.create(scope, current, previous=previous, yoy=yoy, kind=params.kind, lang=params.lang)


def build_report(source: Scope | Any, params: ReportParams) -> Report:
    """Build the report for ``source`` (a Scope, a Project or a Warehouse); see the module docstring."""
    scope = Scope.of(source, params.stores)
    with scope.wh.reads():  # the report writes nothing: table schemas and import fields are looked up once
        ctx = report_context(scope, params)
        return _build(ctx, params)


def _section_params(analysis: Analysis[Any, Any], params: ReportParams) -> Any:
    if analysis.params is RootCauseSectionParams:
        return RootCauseSectionParams(top=params.top, dimensions=params.root_cause_dims)
    if analysis.params is SectionParams:
        return SectionParams(top=params.top)
    return analysis.params()


def _build(ctx: Context, params: ReportParams) -> Report:
    analyses = [registry.get(name) for name in COMPOSITIONS[params.kind] if name not in TRACKING]
    chosen = [(a, _section_params(a, params)) for a in analyses]
    _plan(ctx, chosen)
    # the tracking sections read no statement of the batch: they run while DuckDB runs the first ones
    tracked: dict[str, Section | None] = {}
    for name in (n for n in COMPOSITIONS[params.kind] if n in TRACKING):
        tracked[name] = ctx.timed(name, lambda name=name: _tracking(ctx, name))  # type: ignore[misc]
    kpis = ctx.timed("kpis", lambda: headline_kpis(ctx, HEADLINE))
    built: dict[str, Section | None] = {}
    attribution = None
    for a, p in chosen:
        result, built[a.name] = a.run(ctx, p, ctx.lang)
        if a.name == "attribution":
            attribution = result
    total = attribution.facts["total"] if attribution is not None else {}
    tree = present_tree(tree_rows(ctx, kpis, total), ctx.lang)
    built.update(tracked)
    sections = [tree, *(s for s in built.values() if s is not None)]
    say = ctx.say
    return Report(
        kind=params.kind,
        lang=params.lang,
        title=say.title(ctx.stores, ctx.period),
        stores=list(ctx.stores),
        currency=ctx.scope.currency,
        period=ctx.period,
        previous=ctx.compared,
        yoy=ctx.yoy,
        generated_at=datetime.now().replace(microsecond=0),
        summary=say.summary(kpis, total, sections, ctx.period, ctx.compared),
        kpis=kpis,
        sections=sections,
        notes=ctx.notes,
        timings=ctx.timings,
    )


def _tracking(ctx: Context, name: str) -> Section | None:
    """Achievement against target (:func:`shopops.plan.track.report_section`) and the role scorecard
    (:func:`shopops.plan.scorecard.report_section`), over the report's scope and period."""
    if name == "track":
        from shopops.plan.track import report_section as track_section

        return track_section(ctx)
    from shopops.plan.scorecard import report_section as scorecard_section

    return scorecard_section(ctx)


def _plan(ctx: Context, chosen: list[tuple[Analysis[Any, Any], Any]]) -> None:
    """Tell the batch every metric query the sections declare, in the order they will ask, after saying
    that the report's period and the one before go together (and the year-ago period with the headline),
    so that each split runs as one statement for the periods; the statements then start in the background
    (``Batch.prefetch``). Planning changes no figure: a split asked for more than planned runs again."""
    assert ctx.batch is not None and ctx.previous is not None and ctx.yoy is not None
    grain = REPORT_GRAINS[ctx.kind]
    both = [(p.start, p.end) for p in (ctx.previous, ctx.period)]
    ctx.batch.span(both, grain, extra=[(ctx.yoy.start, ctx.yoy.end)])
    queries = list(kpi_queries(ctx, [*HEADLINE, "refund_amount_by_refund_time", "ad_amount"]))
    for analysis, params in chosen:
        with suppress(QueryError):  # a split a metric does not support: its section does not ask either
            queries += list(analysis.queries(ctx, params))
    for q in queries:
        with suppress(QueryError):
            ctx.batch.plan(q)
    ctx.batch.prefetch()  # DuckDB runs the statements while the sections work (see Batch.prefetch)


__all__ = ["COMPOSITIONS", "KINDS", "ReportParams", "build_report", "report_context"]
