"""Tracking against target (目标跟踪): 周达成率, 年累计, the run-rate needed, a year-end projection, alerts.

:func:`track` compares a metric's actuals (from the metric layer) with the ``targets`` table over a
fiscal year (:class:`~shopops.calendar.fiscal.FiscalCalendar`, start month from settings; natural
Monday weeks clipped to the year by default, as ``shopops plan`` uses them), up to ``as_of``
(default: the newest day with orders).

Figures
    * Per week and per month up to ``as_of``: target, actual, **achievement** = actual ÷ target and
      gap = actual − target. The current, unfinished period is compared with its **target to
      date** (the target rows up to ``as_of``, e.g. the plan's day targets); its full target is shown
      beside it.
    * Year to date (年累计): target to date, actual, achievement; the full-year target; the remaining
      target = full-year target − actual (negative once it is passed); days left after ``as_of``; the
      **daily run-rate needed** = remaining ÷ days left (0 once the target is passed), against the **current run-rate** = the average daily actual of the last
      :data:`RUN_RATE_DAYS` days up to ``as_of``, and their ratio. Also the achievement the rest of the
      plan needs: remaining ÷ (full-year target − target to date).
    * Year-end projections, both shown with their names:
      ``pace`` = actual to date + the rest of the plan × the achievement so far (a plan with festival
      weight keeps its shape, scaled by how the year is going); ``run_rate`` = actual to date +
      current run-rate × days left (flat: blind to festivals still to come).
    * Alerts (plain sentences with their numbers, zh and en): a week or month whose achievement is below
      ``threshold`` (default 95%) — the periods in focus only: the current week and month to date and
      the last complete ones, or the asked week / month; the year to date below ``threshold``; a
      projection below the full-year target; a needed run-rate more than ``run_rate_margin`` (default
      10%) above the current run-rate.

Targets
    A period's target is the sum of target rows lying inside it that tile every one of its days,
    coarsest rows first (a month row, else its weeks or days): a plan saved by ``shopops plan`` has rows
    of every level, so any day range has a target; imported month targets give months (and a year when
    all twelve are there) but no natural week, which is shown as n/a, never pro-rated. When the target
    rows do not reach ``as_of`` (month targets in mid-month), the year to date is measured up to the
    last day they cover (``ytd_through``).

Code: this module holds the parameters, the result and the entry points (:func:`track`; the registered
``ANALYSIS``; :func:`report_section` for the periodic reports); the figures are computed in
:mod:`shopops.plan.track_figures`, the alerts and words written in :mod:`shopops.plan.track_text`,
and target rows read by :class:`shopops.metrics.targets.TargetRows` (the rule the report's headline uses).

Scope: the stores asked (default: every store), one currency (:meth:`shopops.warehouse.scope.Scope.one_currency`);
figures per store and for all of them (store ``""``). Only additive metrics (sums and counts, and
formulas adding or subtracting them) can be tracked: a week's buyers do not add up to a year's.

>>> result = track(project, TrackParams(metric="paid_amount", week="2026-W47"))  # doctest: +SKIP
>>> result.total.achievement, result.total.needed_run_rate                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from shopops.analyses.base import Analysis, Context, stores_checked
from shopops.calendar.fiscal import FiscalCalendar, Pattern, Span, WeekView
from shopops.calendar.fiscal import fiscal_calendar as project_calendar
from shopops.calendar.period import Period, parse_period
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics.catalogue import load_catalogue
from shopops.metrics.targets import TargetRows, additive
from shopops.plan.track_figures import RUN_RATE_DAYS, TOTAL, YearToDate, load_actuals, period_rows, year_to_date
from shopops.plan.track_text import Alert, alerts, report, section, target_notes
from shopops.reports.model import Report, Section, Unit
from shopops.warehouse.scope import Scope

THRESHOLD = 0.95
RUN_RATE_MARGIN = 0.10
FOCUS_GRAINS = ("week", "fiscal_week", "month", "fiscal_month")  # the periods tracking can focus on
# ---------------------------------------------------------------- params and result


@dataclass(frozen=True)
class TrackParams:
    """What to track. ``period``: the week or month in focus, as the edge parsed it (:func:`focus_period`):
    an ISO week stands for the fiscal week holding its Thursday, a calendar month for the fiscal month
    holding its 15th (:func:`focus_of`). ``week`` / ``month``: the text of one instead (``2026-W47``,
    ``FY2026-W12``; ``2026-11``, ``FY2026-M08``), read once when the run starts, with the project's
    fiscal calendar; at most one of the three. ``as_of``: the last day counted (default: the newest
    day with orders, or the end of the week or month asked if earlier). ``fiscal_year``: named by the
    calendar year it starts in."""

    metric: str = "paid_amount"
    stores: tuple[str, ...] = ()
    as_of: date | None = None
    week: str | None = None
    month: str | None = None
    fiscal_year: int | None = None
    threshold: float = THRESHOLD
    run_rate_margin: float = RUN_RATE_MARGIN
    pattern: Pattern | None = None  # None: [calendar] of shopops.toml, as the plan
    week_start: int | None = None
    weeks: WeekView | None = None
    period: Period | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "stores", tuple(self.stores))
        if sum(bool(x) for x in (self.week, self.month, self.period)) > 1:
            raise QueryError(
                "give a week or a month to track, not both",
                hint="--week 2026-W47 or --month 2026-11",
                code="param.invalid",
            )
        if self.period is not None and self.period.grain not in FOCUS_GRAINS:
            raise QueryError(
                f"tracking focuses on a week or a month, not {self.period.label}",
                hint="give a week (2026-W47, FY2026-W12) or a month (2026-11, FY2026-M08)",
                code="param.invalid",
            )
        if not 0 < self.threshold <= 10:
            raise QueryError(
                f"the alert threshold is an achievement rate such as 0.95, not {self.threshold}",
                hint="--threshold 0.95 alerts below 95%",
                code="param.invalid",
            )
        try:
            FiscalCalendar(1, self.pattern or "calendar", self.week_start or 0, self.weeks or "natural")
        except ValueError as exc:
            raise QueryError(
                f"calendar: {exc}", hint="use the calendar the plan was made with", code="param.invalid"
            ) from exc
        if self.run_rate_margin < 0:
            raise QueryError(
                f"the run-rate margin must be 0 or more (0.1 = 10%), not {self.run_rate_margin}",
                hint="0.1 alerts when the needed run-rate is 10% above the current one",
                code="param.invalid",
            )


@dataclass
class TrackResult:
    """``periods``: one row per store (``""`` = all) and week / month up to ``as_of`` with ``target``,
    ``target_to_date``, ``actual``, ``achievement``, ``gap``, ``complete``; ``ytd``: per store."""

    params: TrackParams
    metric: str
    metric_zh: str
    metric_en: str
    unit: Unit
    calendar: FiscalCalendar
    year: Span
    as_of: date
    stores: tuple[str, ...]
    currency: str | None
    focus: Span | None
    periods: pd.DataFrame
    ytd: dict[str, YearToDate]
    alerts: list[Alert]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> YearToDate:
        return self.ytd[TOTAL]

    def level(self, level: str, store: str = TOTAL) -> pd.DataFrame:
        p = self.periods
        return p[(p["level"] == level) & (p["store"] == store)].reset_index(drop=True)

    def section(self, lang: str = "zh") -> Section:
        return section(self, lang)

    def report(self, lang: str = "zh") -> Report:
        return report(self, lang)


# ---------------------------------------------------------------- the tracking


def fiscal_calendar(settings: Any, params: TrackParams) -> FiscalCalendar:
    """The project's calendar (``[calendar]`` of shopops.toml) with the params' overrides."""
    return project_calendar(settings, pattern=params.pattern, week_start=params.week_start, weeks=params.weeks)


def focus_period(text: str, level: Literal["week", "month"], cal: FiscalCalendar) -> Period:
    """The week (``2026-W47``, ``FY2026-W12``) or month (``2026-11``, ``FY2026-M08``) a ``--week`` /
    ``--month`` text names, read by :func:`~shopops.calendar.period.parse_period` with ``cal``."""
    period = parse_period(text, cal, option=f"--{level}")
    if period.grain not in (level, f"fiscal_{level}"):
        example = "2026-W47 (ISO) or FY2026-W12 (fiscal)" if level == "week" else "2026-11 or FY2026-M08"
        raise QueryError(f"--{level}: {text!r} is not a {level}", hint=f"write it like {example}", code="period.grain")
    return period


def focus_span(cal: FiscalCalendar, week: str | None, month: str | None) -> Span | None:
    """The fiscal week or month of ``cal`` a ``--week`` / ``--month`` text names (:func:`focus_of`)."""
    if week:
        return focus_of(cal, focus_period(week, "week", cal))
    if month:
        return focus_of(cal, focus_period(month, "month", cal))
    return None


def focus_of(cal: FiscalCalendar, period: Period) -> Span:
    """The fiscal week or month of ``cal`` a period names: an ISO week (``2026-W47``) is the fiscal week
    holding its Thursday (the day ISO names the week by), a calendar month (``2026-11``) the fiscal month
    holding its 15th (right for retail calendars too), a fiscal week or month itself."""
    if period.grain == "week":
        return cal.span_of(period.start + timedelta(days=3), "week")
    if period.grain == "month":
        return cal.span_of(period.start + timedelta(days=14), "month")
    if period.grain in ("fiscal_week", "fiscal_month"):
        return cal.span_of(period.start, "week" if period.grain == "fiscal_week" else "month")
    raise QueryError(
        f"tracking focuses on a week or a month, not {period.label} ({period.grain})",
        hint="give a week (2026-W47, FY2026-W12) or a month (2026-11, FY2026-M08)",
        code="param.invalid",
    )


def track(project_or_wh: Any, params: TrackParams) -> TrackResult:
    """Tracking figures, projections and alerts; see the module docstring."""
    return _track(Scope.of(project_or_wh, params.stores).one_currency(), params)


def build(ctx: Context, params: TrackParams) -> TrackResult:
    """The registered analysis over ``ctx.scope``. When the params name no period, ``ctx.period`` is the
    one in focus if it is a week or a month (counted to its end or the newest data day, whichever is
    first); any other period is counted to its end (or the newest data day)."""
    scope = stores_checked(ctx, params.stores).one_currency()
    if params.period is None and not params.week and not params.month:
        if ctx.period.grain in FOCUS_GRAINS:
            params = replace(params, period=ctx.period)
        elif params.as_of is None:
            params = replace(params, as_of=min(ctx.period.end, scope.newest_day()))
    return _track(scope, params)


def present(result: TrackResult, lang: str) -> Section:
    return result.section(lang)


def report_section(ctx: Context, metric: str = "paid_amount") -> Section | None:
    """The tracking section of a weekly or monthly report, in ``ctx.lang``: the year to the last day of
    ``ctx.period``; a week is the week in focus (its alerts), a month shows the latest weeks and months.
    ``None`` when the stores have no target of ``metric`` in that fiscal year."""
    focus = ctx.period if ctx.period.grain in ("week", "fiscal_week") else None
    try:
        result = _track(ctx.scope.one_currency(), TrackParams(metric=metric, as_of=ctx.period.end, period=focus))
    except NotAvailableError:
        return None
    return result.section(ctx.lang)


def _track(scope: Scope, params: TrackParams) -> TrackResult:
    wh, stores = scope.wh, scope.names
    cat = load_catalogue()
    if params.metric not in cat.metrics:
        raise QueryError(f"unknown metric {params.metric!r}; valid metrics: {', '.join(cat.metrics)}")
    if not additive(cat, params.metric):
        able = [m for m in cat.metrics if additive(cat, m)]
        raise QueryError(
            f"metric {params.metric} does not add up over days, so it cannot be tracked against a target",
            hint=f"track one of: {', '.join(able)}",
        )
    cal = fiscal_calendar(wh.settings, params)
    with wh.reads():
        newest = scope.newest_day()
        focus = focus_of(cal, params.period) if params.period else focus_span(cal, params.week, params.month)
        as_of, year = _as_of(cal, params, focus, newest)
        targets = TargetRows.load(wh, params.metric, stores, year.start, year.end)
        if not targets:
            raise NotAvailableError(
                f"no {params.metric} targets for {', '.join(stores)} in {year.label} ({year.start} – {year.end})",
                hint="import a target file (`shopops import FILE --kind targets`) or make a plan (`shopops plan`)",
            )
        ly_start = cal.year(cal.year_of(year.start - timedelta(days=1))).start
        first = min(ly_start, as_of - timedelta(days=RUN_RATE_DAYS - 1))
        actuals, notes = load_actuals(wh, params.metric, stores, first, as_of)
    m = cat.metrics[params.metric]
    unit: Unit = "money" if m.unit == "money" else "money_per"  # counts: targets and run-rates have cents
    rows = period_rows(cal, year, as_of, stores, targets, actuals)
    ytd = {s: year_to_date(s, year, ly_start, as_of, targets, actuals) for s in (*stores, TOTAL)}
    result = TrackResult(
        params=params,
        metric=params.metric,
        metric_zh=m.zh,
        metric_en=m.en,
        unit=unit,
        calendar=cal,
        year=year,
        as_of=as_of,
        stores=stores,
        currency=scope.currency,
        focus=focus,
        periods=rows,
        ytd=ytd,
        alerts=[],
        notes=notes,
    )
    result.alerts = alerts(result)
    result.notes += target_notes(result)
    return result


def _as_of(cal: FiscalCalendar, params: TrackParams, focus: Span | None, newest: date) -> tuple[date, Span]:
    as_of = params.as_of or newest
    if focus is not None:
        as_of = min(focus.end, as_of)
        if as_of < focus.start:
            raise NotAvailableError(
                f"{focus.label} ({focus.start} – {focus.end}) has not started in the data yet; the newest day is {newest}",
                hint="track an earlier week or month, or import newer exports",
            )
    if params.fiscal_year is not None:
        year = cal.year(params.fiscal_year)
        if focus is not None and not year.start <= focus.start <= year.end:
            raise QueryError(f"{focus.label} is not in {year.label}")
        as_of = min(as_of, year.end)
        if as_of < year.start:
            raise NotAvailableError(
                f"{year.label} starts on {year.start}, after the newest day with data ({newest})",
                hint="track an earlier fiscal year, or import newer exports",
            )
        return as_of, year
    return as_of, cal.year(cal.year_of(as_of))


def track_section(
    project_or_wh: Any,
    *,
    as_of: date,
    stores: Sequence[str] = (),
    lang: Literal["zh", "en"] = "zh",
    metric: str = "paid_amount",
    week: str | None = None,
) -> Section | None:
    """The keyword form of :func:`report_section`, for notebooks and scripts (``week``:
    the report's week label, read again here; ``as_of``: the report's last day)."""
    try:
        result = track(project_or_wh, TrackParams(metric=metric, stores=tuple(stores), as_of=as_of, week=week))
    except NotAvailableError:
        return None
    return result.section(lang)


ANALYSIS: Analysis[TrackParams, TrackResult] = Analysis("track", TrackParams, build, present)

__all__ = [
    "ANALYSIS",
    "RUN_RATE_DAYS",
    "RUN_RATE_MARGIN",
    "THRESHOLD",
    "TOTAL",
    "Alert",
    "TargetRows",
    "TrackParams",
    "TrackResult",
    "YearToDate",
    "additive",
    "alerts",
    "build",
    "focus_of",
    "focus_period",
    "focus_span",
    "present",
    "report_section",
    "track",
    "track_section",
]
