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

Scope: the stores asked (default: every store), one currency (:meth:`shopops.warehouse.scope.Scope.one_currency`);
figures per store and for all of them (store ``""``). Only additive metrics (sums and counts, and
formulas adding or subtracting them) can be tracked: a week's buyers do not add up to a year's.

>>> result = track(project, TrackParams(metric="paid_amount", week="2026-W47"))  # doctest: +SKIP
>>> result.total.achievement, result.total.needed_run_rate                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd

from shopops.analyses.base import Analysis, Context, stores_checked
from shopops.calendar.fiscal import FiscalCalendar, Pattern, Span, WeekView
from shopops.calendar.fiscal import fiscal_calendar as project_calendar
from shopops.calendar.period import Period, parse_period
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics.catalogue import load_catalogue
from shopops.metrics.query import query
from shopops.metrics.targets import TargetRows, additive, sum_all
from shopops.reports.model import Chart, Column, Kpi, Report, Section, Table, Unit, format_value
from shopops.warehouse.scope import Scope
from shopops.warehouse.store import Warehouse

CENT = Decimal("0.01")
RUN_RATE_DAYS = 28
THRESHOLD = 0.95
RUN_RATE_MARGIN = 0.10
TOTAL = ""  # the store key of the figures for all stores together
FOCUS_GRAINS = ("week", "fiscal_week", "month", "fiscal_month")  # the periods tracking can focus on

# ---------------------------------------------------------------- words (zh, en)

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "section": "目标达成跟踪",
        "ytd": "年累计",
        "weeks": "周达成",
        "months": "月达成",
        "store": "店铺",
        "all": "全部店铺",
        "period": "周期",
        "start": "开始",
        "end": "结束",
        "target": "目标",
        "target_to_date": "截至当日目标",
        "actual": "实际",
        "achievement": "达成率",
        "gap": "差额",
        "complete": "已结束",
        "yes": "是",
        "no": "否（进行中）",
        "full_target": "全年目标",
        "through": "年累计截至",
        "remaining": "剩余目标",
        "days_left": "剩余天数",
        "needed": "所需日均",
        "current": "当前日均（近28天）",
        "ratio": "所需/当前",
        "plan_needed": "剩余计划需达成",
        "pace": "年末预测（按进度）",
        "run_rate": "年末预测（按日均）",
        "last_year": "去年同期",
        "yoy": "同比",
    },
    "en": {
        "section": "Target tracking",
        "ytd": "Year to date",
        "weeks": "Weekly achievement",
        "months": "Monthly achievement",
        "store": "Store",
        "all": "All stores",
        "period": "Period",
        "start": "Start",
        "end": "End",
        "target": "Target",
        "target_to_date": "Target to date",
        "actual": "Actual",
        "achievement": "Achievement",
        "gap": "Gap",
        "complete": "Complete",
        "yes": "yes",
        "no": "no (running)",
        "full_target": "Full-year target",
        "through": "YTD through",
        "remaining": "Remaining",
        "days_left": "Days left",
        "needed": "Needed per day",
        "current": "Current per day (last 28 days)",
        "ratio": "Needed / current",
        "plan_needed": "Achievement the rest needs",
        "pace": "Year-end projection (pace)",
        "run_rate": "Year-end projection (run-rate)",
        "last_year": "Last year to date",
        "yoy": "YoY",
    },
}


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
class YearToDate:
    """The year-to-date figures of one store (``store == ""``: all stores)."""

    store: str
    through: date | None  # the last day the target to date covers (``as_of`` when the targets reach it)
    target_to_date: Decimal | None
    actual_through: Decimal | None  # actual up to ``through``
    achievement: float | None  # actual_through / target_to_date
    actual: Decimal | None  # actual up to as_of
    full_target: Decimal | None
    remaining: Decimal | None  # full_target - actual (negative: the year's target is passed)
    days_left: int
    needed_run_rate: Decimal | None
    current_run_rate: Decimal | None
    run_rate_ratio: float | None  # needed / current
    plan_needed: float | None  # remaining / (full_target - target to as_of): achievement the rest needs
    projection_pace: Decimal | None
    projection_run_rate: Decimal | None
    last_year: Decimal | None  # the same days of the previous fiscal year
    yoy: float | None


@dataclass(frozen=True)
class Alert:
    """A behind-target alert: ``kind`` is ``week``, ``month``, ``ytd``, ``projection`` or ``run_rate``."""

    kind: str
    store: str
    label: str
    value: float
    threshold: float
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


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
        return _section(self, lang)

    def report(self, lang: str = "zh") -> Report:
        return _report(self, lang)


# ---------------------------------------------------------------- actuals


class Actuals:
    """Daily actuals per store (``None`` on a day a store's imports cannot give the metric)."""

    def __init__(self, first: date, values: dict[str, list[Decimal | None]]) -> None:
        self.first = first
        self.values = values

    def get(self, store: str, start: date, end: date) -> Decimal | None:
        i, j = max((start - self.first).days, 0), (end - self.first).days + 1
        return sum_all(self.values[store][i:j])

    def total(self, stores: Sequence[str], start: date, end: date) -> Decimal | None:
        return sum_all([self.get(s, start, end) for s in stores])


def _actuals(wh: Warehouse, metric: str, stores: Sequence[str], start: date, end: date) -> tuple[Actuals, list[str]]:
    df = query(wh, [metric], start=start, end=end, grain="day", by=["store"], where={"store": list(stores)})
    n = (end - start).days + 1
    values: dict[str, list[Decimal | None]] = {s: [Decimal("0.00")] * n for s in stores}
    for r in df.itertuples(index=False):
        day = _day(r.period_start)
        v = getattr(r, metric)
        values[str(r.store)][(day - start).days] = None if v is None or pd.isna(v) else Decimal(str(v))
    return Actuals(start, values), list(df.attrs.get("notes", []))


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


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
        actuals, notes = _actuals(wh, params.metric, stores, first, as_of)
    m = cat.metrics[params.metric]
    unit: Unit = "money" if m.unit == "money" else "money_per"  # counts: targets and run-rates have cents
    rows = _period_rows(cal, year, as_of, stores, targets, actuals)
    ytd = {s: _ytd(s, year, ly_start, as_of, targets, actuals) for s in (*stores, TOTAL)}
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
    result.notes += _target_notes(result)
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


def _ratio(num: Decimal | None, den: Decimal | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return float(num / den)


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def _period_rows(
    cal: FiscalCalendar, year: Span, as_of: date, stores: Sequence[str], targets: TargetRows, actuals: Actuals
) -> pd.DataFrame:
    out: list[dict[str, Any]] = []
    fy = cal.year_of(year.start)
    for level in ("week", "month"):
        for span in cal.spans(fy, level):  # type: ignore[arg-type]
            if span.start > as_of:
                break
            upto = min(span.end, as_of)
            for store in (*stores, TOTAL):
                scope = stores if store == TOTAL else (store,)
                full = targets.total(scope, span.start, span.end)
                to_date = full if upto == span.end else targets.total(scope, span.start, upto)
                actual = actuals.total(scope, span.start, upto)
                out.append(
                    {
                        "store": store,
                        "level": level,
                        "label": span.label,
                        "start": span.start,
                        "end": span.end,
                        "through": upto,
                        "complete": upto == span.end,
                        "target": full,
                        "target_to_date": to_date,
                        "actual": actual,
                        "achievement": _ratio(actual, to_date),
                        "gap": None if actual is None or to_date is None else actual - to_date,
                    }
                )
    return pd.DataFrame(out)


def _ytd(store: str, year: Span, ly_start: date, as_of: date, targets: TargetRows, actuals: Actuals) -> YearToDate:
    scope = tuple(s for s in actuals.values) if store == TOTAL else (store,)
    through = targets.covered_through(scope, year.start, as_of)
    to_date = targets.total(scope, year.start, through) if through else None
    actual_through = actuals.total(scope, year.start, through) if through else None
    achievement = _ratio(actual_through, to_date)
    actual = actuals.total(scope, year.start, as_of)
    full = targets.total(scope, year.start, year.end)
    days_left = (year.end - as_of).days
    remaining = full - actual if full is not None and actual is not None else None
    needed = _cents(max(remaining, Decimal(0)) / days_left) if remaining is not None and days_left > 0 else None
    window = actuals.total(scope, as_of - timedelta(days=RUN_RATE_DAYS - 1), as_of)
    current = _cents(window / RUN_RATE_DAYS) if window is not None else None
    plan_to_as_of = targets.total(scope, year.start, as_of)
    rest_plan = full - plan_to_as_of if full is not None and plan_to_as_of is not None else None
    pace = None
    if full is not None and to_date is not None and actual_through is not None and achievement is not None:
        pace = _cents(actual_through + (full - to_date) * Decimal(str(achievement)))
    run_rate = _cents(actual + current * days_left) if actual is not None and current is not None else None
    ly_end = ly_start + (as_of - year.start)
    ly = actuals.total(scope, ly_start, min(ly_end, year.start - timedelta(days=1)))
    yoy = _ratio(actual - ly, ly) if actual is not None and ly is not None else None
    return YearToDate(
        store=store,
        through=through,
        target_to_date=to_date,
        actual_through=actual_through,
        achievement=achievement,
        actual=actual,
        full_target=full,
        remaining=remaining,
        days_left=days_left,
        needed_run_rate=needed,
        current_run_rate=current,
        run_rate_ratio=_ratio(needed, current),
        plan_needed=_ratio(max(remaining, Decimal(0)), rest_plan) if rest_plan and remaining is not None else None,
        projection_pace=pace,
        projection_run_rate=run_rate,
        last_year=ly,
        yoy=yoy,
    )


def _target_notes(r: TrackResult) -> list[str]:
    notes = []
    weeks = r.level("week")
    if not weeks.empty and weeks["target"].isna().all():
        notes.append(
            "no week has a target: the target rows do not tile the weeks (month targets do not split into "
            "natural weeks; `shopops plan` writes day targets)"
        )
    t = r.total
    if t.full_target is None:
        notes.append(f"no full-year target: the target rows do not cover every day of {r.year.label}")
    if t.through is not None and t.through < r.as_of:
        notes.append(f"year to date is measured to {t.through}, the last day the target rows cover")
    return notes


# ---------------------------------------------------------------- alerts


def _f(value: Any, unit: str) -> str:
    return format_value(value, unit)


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def alerts(r: TrackResult) -> list[Alert]:
    """Behind-target alerts of the periods in focus and of the year (see the module docstring)."""
    out: list[Alert] = []
    th = r.params.threshold
    for level, label in _focus_periods(r):
        row = r.periods[(r.periods["label"] == label) & (r.periods["store"] == TOTAL)].iloc[0]
        ach = row["achievement"]
        if ach is None or pd.isna(ach) or ach >= th:
            continue
        out.append(_period_alert(r, level, row, float(ach)))
    scopes = [TOTAL, *r.stores] if len(r.stores) > 1 else [TOTAL]
    for store in scopes:
        out += _year_alerts(r, r.ytd[store], th)
    return out


def _focus_periods(r: TrackResult) -> list[tuple[str, str]]:
    """(level, label): the asked week or month (and its month or weeks), else the current and last
    complete week and month."""
    cal, as_of = r.calendar, r.as_of
    if r.focus is not None and r.focus.level == "week":
        return [("week", r.focus.label), ("month", cal.span_of(as_of, "month").label)]
    if r.focus is not None:
        weeks = r.level("week")
        inside = weeks[(weeks["end"] >= r.focus.start) & (weeks["start"] <= r.focus.end)]
        return [("month", r.focus.label), *[("week", str(w)) for w in inside["label"]]]
    out = []
    for level in ("week", "month"):
        rows = r.level(level)
        done = rows[rows["complete"]]
        if not done.empty:
            out.append((level, str(done["label"].iloc[-1])))
        if not bool(rows["complete"].iloc[-1]):
            out.append((level, str(rows["label"].iloc[-1])))
    return out


def _period_alert(r: TrackResult, level: str, row: pd.Series, ach: float) -> Alert:
    u, th = r.unit, r.params.threshold
    start, end, through = row["start"], row["end"], row["through"]
    short = _f(-row["gap"], u)
    upto_zh = "" if row["complete"] else f"，截至 {through}"
    upto_en = "" if row["complete"] else f", to {through}"
    kind_zh = "周" if level == "week" else "月"
    zh = (
        f"{row['label']} {kind_zh}（{start} 至 {end}{upto_zh}）达成率 {_pct(ach)}（{r.metric_zh} "
        f"{_f(row['actual'], u)} / 目标 {_f(row['target_to_date'], u)}），低于 {_pct(th)} 警戒线，差 {short}。"
    )
    en = (
        f"{level.capitalize()} {row['label']} ({start} – {end}{upto_en}): achievement {_pct(ach)} "
        f"({r.metric_en} {_f(row['actual'], u)} against a target of {_f(row['target_to_date'], u)}), "
        f"below the {_pct(th)} threshold; short by {short}."
    )
    return Alert(level, TOTAL, str(row["label"]), ach, th, zh, en)


def _year_alerts(r: TrackResult, y: YearToDate, th: float) -> list[Alert]:
    u, out = r.unit, []
    who_zh = f"{y.store}：" if y.store else ""
    who_en = f"{y.store}: " if y.store else ""
    if y.achievement is not None and y.achievement < th:
        out.append(
            Alert(
                "ytd",
                y.store,
                r.year.label,
                y.achievement,
                th,
                f"{who_zh}{r.year.label} 年累计（截至 {y.through}）达成率 {_pct(y.achievement)}（{_f(y.actual_through, u)} / "
                f"{_f(y.target_to_date, u)}），低于 {_pct(th)}。",
                f"{who_en}{r.year.label} year to date (to {y.through}): achievement {_pct(y.achievement)} "
                f"({_f(y.actual_through, u)} against {_f(y.target_to_date, u)}), below {_pct(th)}.",
            )
        )
    method, projection = (
        ("pace", y.projection_pace) if y.projection_pace is not None else ("run-rate", y.projection_run_rate)
    )
    if projection is not None and y.full_target and projection < y.full_target:
        share = float(projection / y.full_target)
        method_zh = "按进度" if method == "pace" else "按日均"
        out.append(
            Alert(
                "projection",
                y.store,
                r.year.label,
                share,
                1.0,
                f"{who_zh}年末预测（{method_zh}）{_f(projection, u)}，低于全年目标 {_f(y.full_target, u)}（{_pct(share)}）。",
                f"{who_en}year-end projection ({method} method) {_f(projection, u)} is below the full-year target "
                f"of {_f(y.full_target, u)} ({_pct(share)}).",
            )
        )
    margin = r.params.run_rate_margin
    if y.run_rate_ratio is not None and y.run_rate_ratio > 1 + margin:
        above = y.run_rate_ratio - 1
        out.append(
            Alert(
                "run_rate",
                y.store,
                r.year.label,
                y.run_rate_ratio,
                1 + margin,
                f"{who_zh}完成全年目标需日均 {_f(y.needed_run_rate, u)}（剩余 {y.days_left} 天），比近 {RUN_RATE_DAYS} 天日均 "
                f"{_f(y.current_run_rate, u)} 高 {_pct(above)}。",
                f"{who_en}reaching the year's target needs {_f(y.needed_run_rate, u)} a day for the remaining "
                f"{y.days_left} days, {_pct(above)} above the current run-rate of {_f(y.current_run_rate, u)} a day "
                f"(last {RUN_RATE_DAYS} days).",
            )
        )
    return [
        a if y.store else Alert(a.kind, a.store, a.label, a.value, a.threshold, a.zh, a.en[:1].upper() + a.en[1:])
        for a in out
    ]


# ---------------------------------------------------------------- report section and report


def _period_table(r: TrackResult, level: str, lang: str) -> Table:
    w = WORDS[lang]
    u = r.unit
    rows = [
        {
            str(k): (None if v is not None and not isinstance(v, str | date | bool) and pd.isna(v) else v)
            for k, v in row.items()
        }
        for row in r.level(level).to_dict("records")
    ]
    for row in rows:
        row["complete"] = w["yes"] if row["complete"] else w["no"]
    spec = "label:period:text start::date end::date target::$ target_to_date::$ actual::$ achievement::ratio gap::$"
    return Table(f"{level}s", w[f"{level}s"], _columns(spec + " complete::text", w, u), rows)


def _ytd_table(r: TrackResult, lang: str) -> Table:
    w = WORDS[lang]
    u = r.unit
    rows = []
    for store in (*r.stores, TOTAL) if len(r.stores) > 1 else (TOTAL,):
        y = r.ytd[store]
        row = dict(vars(y))
        row["store"] = store or (r.stores[0] if len(r.stores) == 1 else w["all"])
        rows.append(row)
    spec = (
        "store::text through::date target_to_date::$ actual_through:actual:$ achievement::ratio full_target::$ "
        "remaining::$ days_left::count needed_run_rate:needed:$ current_run_rate:current:$ "
        "run_rate_ratio:ratio:ratio plan_needed::ratio projection_pace:pace:$ projection_run_rate:run_rate:$ "
        "last_year::$ yoy::pct"
    )
    return Table("ytd", w["ytd"], _columns(spec, w, u), rows)


def _columns(spec: str, words: Mapping[str, str], money: Unit) -> list[Column]:
    """Columns from ``id:word:unit`` items (word defaults to the id; ``$`` is the metric's unit)."""
    out = []
    for item in spec.split():
        cid, word, unit = item.split(":")
        out.append(Column(cid, words[word or cid], money if unit == "$" else unit))  # type: ignore[arg-type]
    return out


def headline(r: TrackResult, lang: str) -> list[str]:
    """The sentences that open the tracking section."""
    y, u = r.total, r.unit
    name = r.metric_zh if lang == "zh" else r.metric_en
    out = []
    if y.achievement is not None:
        out.append(
            f"{r.year.label} 年累计（截至 {y.through}）{name} {_f(y.actual_through, u)}，目标 {_f(y.target_to_date, u)}，"
            f"达成率 {_pct(y.achievement)}。"
            if lang == "zh"
            else f"{r.year.label} year to date (to {y.through}): {name} {_f(y.actual_through, u)} against a target of "
            f"{_f(y.target_to_date, u)}, achievement {_pct(y.achievement)}."
        )
    if y.remaining is not None and y.remaining <= 0:
        out.append(
            f"全年目标 {_f(y.full_target, u)} 已完成，超出 {_f(-y.remaining, u)}。"
            if lang == "zh"
            else f"The full-year target of {_f(y.full_target, u)} is reached, {_f(-y.remaining, u)} over."
        )
    elif y.needed_run_rate is not None:
        out.append(
            f"全年目标 {_f(y.full_target, u)}，剩余 {_f(y.remaining, u)}、{y.days_left} 天：需日均 {_f(y.needed_run_rate, u)}，"
            f"近 {RUN_RATE_DAYS} 天日均 {_f(y.current_run_rate, u)}。"
            if lang == "zh"
            else f"Full-year target {_f(y.full_target, u)}; {_f(y.remaining, u)} to go in {y.days_left} days: "
            f"{_f(y.needed_run_rate, u)} a day needed, against {_f(y.current_run_rate, u)} a day over the last "
            f"{RUN_RATE_DAYS} days."
        )
    if y.projection_pace is not None or y.projection_run_rate is not None:
        out.append(
            f"年末预测：按进度 {_f(y.projection_pace, u)}，按日均 {_f(y.projection_run_rate, u)}。"
            if lang == "zh"
            else f"Year-end projection: {_f(y.projection_pace, u)} at the pace so far, "
            f"{_f(y.projection_run_rate, u)} at the current run-rate."
        )
    return out


METHOD_NOTES = {
    "zh": [
        "达成率 = 实际 ÷ 目标；进行中的周、月与截至当日的目标（目标行，如计划的日目标）相比。",
        f"所需日均 = （全年目标 − 年累计实际）÷ 剩余天数；当前日均 = 截至当日近 {RUN_RATE_DAYS} 天的日均实际。",
        "年末预测（按进度）= 年累计实际 + 剩余计划 × 年累计达成率；（按日均）= 年累计实际 + 当前日均 × 剩余天数。",
    ],
    "en": [
        "Achievement = actual ÷ target; a running week or month is compared with its target to date "
        "(the target rows up to that day, e.g. the plan's day targets).",
        f"Needed per day = (full-year target − actual to date) ÷ days left; current per day = the average "
        f"daily actual of the last {RUN_RATE_DAYS} days.",
        "Year-end projection (pace) = actual to date + the rest of the plan × the achievement so far; "
        "(run-rate) = actual to date + current per day × days left.",
    ],
}


def _section(r: TrackResult, lang: str) -> Section:
    w = WORDS[lang]
    tables = [_ytd_table(r, lang), _period_table(r, "week", lang), _period_table(r, "month", lang)]
    section = Section("track", w["section"], text=headline(r, lang) + [a.text(lang) for a in r.alerts], tables=tables)
    section.charts += [
        Chart("weeks_chart", w["weeks"], "bar", "weeks", "label", ("actual", "target_to_date")),
        Chart("months_chart", w["months"], "bar", "months", "label", ("actual", "target_to_date")),
    ]
    section.notes += METHOD_NOTES[lang] + r.notes
    return section


def _report(r: TrackResult, lang: str) -> Report:
    from datetime import datetime

    y = r.total
    period = Period(r.year.start, r.as_of, f"{r.year.label}-to-{r.as_of.isoformat()}")
    last = r.calendar.year(r.calendar.year_of(r.year.start - timedelta(days=1)))
    ly_end = last.start + (r.as_of - r.year.start)
    previous = Period(last.start, min(ly_end, last.end), f"{last.label}-to-{min(ly_end, last.end).isoformat()}")
    name = r.metric_zh if lang == "zh" else r.metric_en
    kpi = Kpi(  # the year to date against the same days of last year (同比) and the target to date
        metric=r.metric,
        label=f"{name} {WORDS[lang]['ytd']}",
        unit=r.unit,
        value=y.actual,
        yoy=y.last_year,
        yoy_change=y.actual - y.last_year if y.actual is not None and y.last_year is not None else None,
        yoy_change_pct=y.yoy,
        target=y.target_to_date if y.through == r.as_of else None,
        achievement=y.achievement if y.through == r.as_of else None,
    )
    stores = ", ".join(r.stores)
    return Report(
        kind="track",
        lang=lang,  # type: ignore[arg-type]
        title=f"{stores} {WORDS[lang]['section']} {r.year.label}",
        stores=list(r.stores),
        currency=r.currency,
        period=period,
        previous=previous,
        yoy=previous,
        generated_at=datetime.now().replace(microsecond=0),
        summary=headline(r, lang)[:3] + [a.text(lang) for a in r.alerts][:2],
        kpis=[kpi],
        sections=[_section(r, lang)],
        notes=[],
    )


def track_section(
    project_or_wh: Any,
    *,
    as_of: date,
    stores: Sequence[str] = (),
    lang: Literal["zh", "en"] = "zh",
    metric: str = "paid_amount",
    week: str | None = None,
) -> Section | None:
    """The keyword form of :func:`report_section`, kept while ``analyses/report.py`` calls it (``week``:
    the report's week label, read again here; ``as_of``: the report's last day)."""
    try:
        result = track(project_or_wh, TrackParams(metric=metric, stores=tuple(stores), as_of=as_of, week=week))
    except NotAvailableError:
        return None
    return result.section(lang)


ANALYSIS: Analysis[TrackParams, TrackResult] = Analysis(
    "track", TrackParams, build, present, title=("目标达成跟踪", "Target tracking")
)

__all__ = [
    "ANALYSIS",
    "RUN_RATE_DAYS",
    "RUN_RATE_MARGIN",
    "THRESHOLD",
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
