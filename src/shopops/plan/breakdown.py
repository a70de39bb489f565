"""A year's target broken into halves, quarters, months, weeks and days (目标拆解).

The year's target is split over the stores, then each store's share over its fiscal year, level by
level, **exactly to the cent**: every part is a whole number of cents and the parts of every span sum
to it (largest-remainder rounding at each level). The split follows a **day shape**:

``weight(day) = level(month) × weekday(day) × uplift(day)``

* **From history** (default, when the store has at least :data:`MIN_HISTORY_DAYS` days with sales in the
  previous fiscal year): *ordinary* days of last year (no festival window, no public holiday) give a
  weekday index (each weekday's mean relative to its month's mean) and a level per calendar month
  (mean of the weekday-adjusted ordinary days). Every festival or holiday day of last year gives a
  measured **uplift**: actual ÷ (level × weekday). This year's festival days take the uplift of the
  **same festival day last year, aligned on the festival's node** (this year's 七夕 − 1 against last
  year's 七夕 − 1), not of the same calendar date: a festival that moves (七夕, Spring Festival and
  its 年货节) takes its weight with it.
* **Without history** (or ``from_history=False``): a documented default profile — a flat level, a
  flat week, and the uplifts of :data:`DEFAULT_UPLIFTS` on festival days.
* Uplifts given by the user (``uplifts={"618": 4.0}``, ``--uplift 618=4``, or ``uplift`` of a
  campaign in ``shopops.toml``) set a festival's node-day multiplier; its other window days get
  ``1 + (u − 1) × PRE_SHARE``. A user's uplift overrides a measured one; a campaign's configured
  uplift is used where history has no such campaign.

The stores share the target in proportion to last year's actuals (equally without history). With no
``target`` but a ``growth``, the target is last year's actual × (1 + growth).

Weeks: where weeks nest in months (the 48-week view, retail 4-4-5 calendars) they are a level of
the chain year → half → quarter → month → week → day; natural weeks cross month ends, so there a
week's target is the sum of its days (still exact: days are whole cents).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.calendar.festivals import festivals_between, holiday_years, market_of, official_days
from shopops.calendar.fiscal import FiscalCalendar, Pattern, Span, WeekView, fiscal_calendar
from shopops.errors import QueryError
from shopops.metrics.catalogue import load_catalogue
from shopops.metrics.query import query
from shopops.plan.allocation import allocate, split_target
from shopops.plan.day_shape import DEFAULT_UPLIFTS, PRE_SHARE, DayShape, day_shape
from shopops.reports.model import Section
from shopops.warehouse.scope import Scope

CENT = Decimal("0.01")
MIN_HISTORY_DAYS = 300


@dataclass(frozen=True)
class PlanParams:
    """``fiscal_year`` as named in settings (the calendar year it starts in); ``target`` for all
    ``stores`` together (empty: every store); ``growth`` a fraction (0.2 = +20 %)."""

    fiscal_year: int
    target: Decimal | None = None
    metric: str = "paid_amount"
    stores: tuple[str, ...] = ()
    from_history: bool = True
    growth: float | None = None
    uplifts: Mapping[str, float] = field(default_factory=dict)
    pattern: Pattern | None = None  # None: [calendar] of shopops.toml (default: calendar months)
    week_start: int | None = None  # 0 Monday, 6 Sunday; None: [calendar] week_start
    weeks: WeekView | None = None  # None: [calendar] weeks

    def __post_init__(self) -> None:
        object.__setattr__(self, "stores", tuple(self.stores))
        if self.target is not None:
            value = Decimal(str(self.target)).quantize(CENT, ROUND_HALF_UP)
            if value <= 0:
                raise QueryError(
                    f"the target must be at least 0.01, not {self.target}",
                    hint="e.g. --target 12000000 (or 1200万)",
                    code="param.invalid",
                )
            object.__setattr__(self, "target", value)
            if self.growth is not None:
                raise QueryError(
                    "give --target or --growth, not both",
                    hint="--growth PCT sets the target to last year's actual + PCT %; --target sets it directly",
                    code="param.invalid",
                )
        if self.target is None and self.growth is None:
            raise QueryError(
                "a plan needs --target AMOUNT, or --growth PCT to grow last year's actual",
                hint="e.g. `shopops plan --fiscal-year 2027 --target 12000000` or `--growth 15`",
                code="param.invalid",
            )
        for key, u in self.uplifts.items():
            if not u > 0:
                raise QueryError(
                    f"uplift of {key!r} must be a positive multiplier, not {u}",
                    hint="e.g. --uplift double11=6 (six times an ordinary day)",
                    code="param.invalid",
                )


@dataclass
class StorePlan:
    store: str
    market: str
    source: str  # "history FY2025", "history 2025-11-01..2026-10-31" or "default profile"
    last_year: Decimal | None  # the previous fiscal year's actual, when the data covers all of it
    target: Decimal
    recent: Decimal = Decimal("0.00")  # the 12 months the shape is read from: the stores' shares


@dataclass
class PlanResult:
    """``days``: one row per store and day; ``spans``: one row per store (``""`` = all stores) and
    span of every level; ``festivals``: one row per store and festival of the year."""

    params: PlanParams
    calendar: FiscalCalendar
    metric: str
    currency: str | None
    total: Decimal
    stores: list[StorePlan]
    days: pd.DataFrame
    spans: pd.DataFrame
    festivals: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def year(self) -> Span:
        return self.calendar.year(self.params.fiscal_year)

    def level(self, level: str, store: str = "") -> pd.DataFrame:
        s = self.spans
        return s[(s["level"] == level) & (s["store"] == store)].reset_index(drop=True)


def each(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``frame`` as named tuples (typed ``Any``: columns are read by name)."""
    return iter(frame.itertuples(index=False))


# ---------------------------------------------------------------- the plan


def _history(scope: Scope, metric: str, store: str, last: Span) -> tuple[dict[date, float], tuple[date, date], bool]:
    """The store's known days (from its first sale to its newest order; later days are not zeros, they
    are not known yet), the 12-month window the shape is read from (the previous fiscal year, or the 12
    months to the newest day when that year has not closed) and whether the year is complete."""
    wh = scope.wh
    newest = scope.narrow([store]).last_data_day()
    end = min(last.end, newest) if newest else last.end
    start = min(last.start, end - timedelta(days=364))
    values = _history_values(wh, metric, store, start - timedelta(days=364 + 60), end)  # a year more: growth
    sold = [d for d, v in values.items() if v > 0]
    first = min(sold) if sold else end + timedelta(days=1)
    known = {d: v for d, v in values.items() if first <= d <= end}
    complete = bool(sold) and first <= last.start + timedelta(days=7) and end >= last.end  # a week's grace to open
    window = (last.start, last.end) if end >= last.end else (end - timedelta(days=364), end)
    return known, window, complete


def _catch_up(
    known: Mapping[date, float], window: tuple[date, date], last: Span
) -> tuple[dict[date, float], float | None]:
    """A 12-month window reaching back before the last fiscal year: its days before the year are a year
    older, so raise them by the growth of the year so far over the same days a year earlier (both fully
    known), so that e.g. last November does not shrink next November's share by a year of growth."""
    days = [last.start + timedelta(days=i) for i in range((window[1] - last.start).days + 1)]
    before = [d - timedelta(days=364) for d in days]
    if not days or not all(d in known for d in days + before):
        return dict(known), None
    now, then = sum(known[d] for d in days), sum(known[d] for d in before)
    if then <= 0 or now <= 0:
        return dict(known), None
    growth = now / then - 1
    return {d: v * (1 + growth) if d < last.start else v for d, v in known.items()}, growth


def _history_values(wh: Any, metric: str, store: str, start: date, end: date) -> dict[date, float]:
    frame = query(wh, [metric], start=start, end=end, grain="day", by=["store"], where={"store": store})
    out: dict[date, float] = {}
    for d, v in zip(frame["period_start"], frame[metric], strict=True):
        if v is not None and not (isinstance(v, float) and v != v):
            out[d] = float(v)
    return out


def _check_metric(metric: str) -> None:
    cat = load_catalogue()
    m = cat.metrics.get(metric)
    if m is None:
        raise QueryError(f"unknown metric {metric!r}", hint="`shopops metrics --list` shows the metric dictionary")
    if m.unit != "money" or m.aggregation not in ("sum", "formula"):
        raise QueryError(
            f"{metric} ({m.zh}) is a {m.unit} metric aggregated by {m.aggregation}; a target plan splits an "
            "amount of money that adds up over days (gmv, paid_amount, net_sales, gross_profit …)",
            hint="plan paid_amount, then see what it takes in visitors, conversion and 客单价 (`shopops plan` prints it)",
        )


def build_plan(project: Any, params: PlanParams) -> PlanResult:
    """Break ``params.target`` (or last year × growth) into every level of the fiscal year."""
    _check_metric(params.metric)
    scope = Scope.of(project, params.stores).one_currency()
    wh = scope.wh
    settings = wh.settings
    stores = scope.names
    unit = load_catalogue().metrics[params.metric].unit
    cal = fiscal_calendar(settings, pattern=params.pattern, week_start=params.week_start, weeks=params.weeks)
    fy = params.fiscal_year
    last = cal.year(fy - 1)
    campaigns_all = tuple(getattr(settings, "campaigns", ()))
    notes: list[str] = []
    shapes: dict[str, list[DayShape]] = {}
    store_plans: list[StorePlan] = []
    histories: dict[str, dict[date, float]] = {}
    for store in stores:
        cfg = settings.store(store)
        market = settings.calendar.market or market_of(cfg.platform)
        campaigns = tuple(c for c in campaigns_all if not getattr(c, "stores", ()) or store in c.stores)
        known, window, complete = _history(scope, params.metric, store, last)
        histories[store] = known
        days_with = sum(1 for d, v in known.items() if v > 0 and window[0] <= d <= window[1])
        use = params.from_history and days_with >= MIN_HISTORY_DAYS
        if params.from_history and not use:
            notes.append(
                f"{store}: only {days_with} days with {params.metric} in {window[0]}..{window[1]}; the plan "
                f"uses the default profile (at least {MIN_HISTORY_DAYS} days are needed to shape it from history)"
            )
        shaped_by = known
        if use and not complete:
            shaped_by, growth = _catch_up(known, window, last)
            notes.append(
                f"{store}: {last.label} has data only to {window[1]}; the plan is shaped by the 12 months "
                f"{window[0]}..{window[1]}, each festival by its latest occurrence there"
                + (
                    f", the days before {last.start} raised by {growth:+.2%} (the growth of {last.start}.."
                    f"{window[1]} over the same days a year earlier) to stand for {last.label}"
                    if growth is not None
                    else f" (no year before {last.start} to measure growth with: months before it are taken as they were)"
                )
            )
        shapes[store] = day_shape(
            cal,
            fy,
            market,
            history=shaped_by if use else None,
            uplifts=params.uplifts,
            campaigns=campaigns,
            extra=settings.holidays_path,
            window=window,
        )
        last_total = _sum_money([v for d, v in known.items() if last.start <= d <= last.end], unit)
        share = _sum_money([v for d, v in known.items() if window[0] <= d <= window[1]], unit)
        source = (
            (f"history {last.label}" if complete else f"history {window[0]}..{window[1]}") if use else "default profile"
        )
        store_plans.append(StorePlan(store, market, source, last_total if complete else None, Decimal("0.00"), share))
    total = params.target
    if total is None:
        if any(sp.last_year is None or sp.last_year <= 0 for sp in store_plans):
            missing = [sp.store for sp in store_plans if sp.last_year is None or sp.last_year <= 0]
            raise QueryError(
                f"--growth grows last year's actual, and {', '.join(missing)} has no complete {last.label} "
                f"({last.start}..{last.end}) in the data",
                hint="give the target itself with --target AMOUNT (e.g. from `shopops forecast`), or plan once the year has closed",
            )
        base = sum((sp.last_year or Decimal(0) for sp in store_plans), Decimal("0.00"))
        total = (base * (Decimal(1) + Decimal(str(params.growth)))).quantize(CENT, ROUND_HALF_UP)
        if total <= 0:
            raise QueryError(f"last year's actual {base} × growth gives no positive target")
    store_weights = [float(sp.recent) for sp in store_plans]
    if not all(w > 0 for w in store_weights):
        store_weights = [1.0] * len(store_plans)
        if len(store_plans) > 1:
            notes.append("not every store has sales in the last 12 months of data: the stores share the target equally")
    _check_uplift_keys(params.uplifts, shapes, cal.year(fy))
    plan_year = cal.year(fy)
    have = holiday_years(extra=settings.holidays_path)
    missing = [str(y) for y in range(plan_year.start.year, plan_year.end.year + 1) if y not in have]
    if missing and any(sp.market == "cn" for sp in store_plans):
        notes.append(
            f"no official holiday arrangement for {', '.join(missing)} yet: its days off and make-up "
            "workdays are not in the plan (add the year's notice with [calendar] holidays_file, docs/calendar.md)"
        )
    for sp, part in zip(store_plans, allocate(total, store_weights), strict=True):
        sp.target = part
    day_rows, span_rows, fest_rows = [], [], []
    for sp in store_plans:
        days, spans = split_target(cal, fy, sp.target, {s.day: s.weight for s in shapes[sp.store]})
        labels = _labels(cal, fy)
        for s in shapes[sp.store]:
            lab = labels[s.day]
            day_rows.append(
                {
                    "store": sp.store,
                    "date": s.day,
                    "weekday": s.day.weekday(),
                    **lab,
                    "festival": s.festival,
                    "phase": s.phase,
                    "uplift": s.uplift,
                    "uplift_source": s.uplift_source,
                    "weight": s.weight,
                    "target": days[s.day],
                    # the day a year ago: the same festival day where the day is a festival's, else 364 days back
                    "last_year": _money_or_none(
                        histories[sp.store].get(s.aligned or s.day - timedelta(days=364)), unit
                    ),
                }
            )
        for span, value in spans:
            span_rows.append(_span_row(sp.store, span, value, sp.target, histories[sp.store], unit))
        fest_rows += _festival_rows(
            sp.store, cal, fy, shapes[sp.store], days, campaigns_all, sp.market, settings.holidays_path
        )
    days_frame = pd.DataFrame(day_rows)
    span_frame = pd.DataFrame(span_rows)
    span_frame = pd.concat([_all_stores(span_frame, total), span_frame], ignore_index=True)
    off = _day_off([s.day for s in shapes[store_plans[0].store]], settings.holidays_path)
    west = {sp.store for sp in store_plans if sp.market == "west"}  # China's official days are not theirs
    days_frame["day_off"] = [
        d.weekday() >= 5 if store in west else off.get(d, d.weekday() >= 5)
        for store, d in zip(days_frame["store"], days_frame["date"], strict=True)
    ]
    currency = settings.store(stores[0]).currency
    return PlanResult(
        params, cal, params.metric, currency, total, store_plans, days_frame, span_frame, pd.DataFrame(fest_rows), notes
    )


def _check_uplift_keys(uplifts: Mapping[str, float], shapes: Mapping[str, Sequence[DayShape]], year: Span) -> None:
    """A given uplift must name a festival of the plan's year (a typo would silently change nothing)."""
    if not uplifts:
        return
    present = {s.festival for shape in shapes.values() for s in shape if s.festival}
    unknown = sorted(set(uplifts) - present)
    if unknown:
        raise QueryError(
            f"--uplift {', '.join(unknown)}: no such festival in {year.label} ({year.start}..{year.end}) for these stores",
            hint=f"festival keys of the year: {', '.join(sorted(present))} (`shopops calendar --fiscal-year` lists them)",
        )


def _sum_money(values: Any, unit: str) -> Decimal:
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return total.quantize(CENT) if unit == "money" else total


def _money_or_none(v: float | None, unit: str) -> Decimal | None:
    return None if v is None else _sum_money([v], unit)


def _labels(cal: FiscalCalendar, fy: int) -> dict[date, dict[str, str]]:
    out: dict[date, dict[str, str]] = defaultdict(dict)
    for level in ("half", "quarter", "month", "week"):
        for span in cal.spans(fy, level):  # type: ignore[arg-type]
            for d in span.dates():
                out[d][level] = span.label
    return out


def _span_row(
    store: str, span: Span, value: Decimal, year_total: Decimal, hist: Mapping[date, float], unit: str
) -> dict[str, Any]:
    shift = 364 if span.level in ("week", "day") else None
    if shift is None:  # months and above: the same calendar dates a year earlier
        from shopops.calendar.grains import add_months

        first, last = add_months(span.start, -12), add_months(span.end + timedelta(days=1), -12) - timedelta(days=1)
    else:
        first, last = span.start - timedelta(days=shift), span.end - timedelta(days=shift)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    # a year ago, when the data knows every day of it (else n/a, not a part of it)
    last_year = _sum_money([hist[d] for d in days], unit) if all(d in hist for d in days) else None
    return {
        "store": store,
        "level": span.level,
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "parent": span.parent,
        "days": span.days,
        "target": value,
        "share": float(value / year_total) if year_total else None,
        "last_year": last_year,
        "growth": float(value / last_year - 1) if last_year else None,
    }


def _all_stores(spans: pd.DataFrame, total: Decimal) -> pd.DataFrame:
    keys = ["level", "label", "start", "end", "parent", "days"]
    rows = []
    for key, g in spans.groupby(keys, sort=False, dropna=False):
        target = sum(g["target"], Decimal("0.00"))
        ly_values = [v for v in g["last_year"] if v is not None and v == v]
        last_year = sum(ly_values, Decimal("0.00")) if len(ly_values) == len(g) else None
        row = dict(zip(keys, key, strict=True))
        row.update(
            store="",
            target=target,
            share=float(target / total),
            last_year=last_year,
            growth=float(target / last_year - 1) if last_year else None,
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=list(spans.columns))


def _day_off(year_days: Sequence[date], extra: Path | None) -> dict[date, bool]:
    out: dict[date, bool] = {}
    for y in sorted({d.year for d in year_days}):
        for od in official_days(y, extra=extra):
            out[od.day] = od.off
    return out


def _festival_rows(
    store: str,
    cal: FiscalCalendar,
    fy: int,
    shape: Sequence[DayShape],
    days: Mapping[date, Decimal],
    campaigns: Sequence[Any],
    market: str,
    extra: Path | None,
) -> list[dict[str, Any]]:
    year = cal.year(fy)
    by_day = {s.day: s for s in shape}
    rows = []
    for f in festivals_between(year.start, year.end, market=market, campaigns=campaigns, extra=extra):  # type: ignore[arg-type]
        inside = [d for d in (f.start + timedelta(days=i) for i in range((f.end - f.start).days + 1)) if d in days]
        own = [d for d in inside if by_day[d].festival == f.key]
        if not own:
            continue
        node = by_day.get(f.day)
        rows.append(
            {
                "store": store,
                "key": f.key,
                "name_zh": f.name_zh,
                "name_en": f.name_en,
                "kind": f.kind,
                "node": f.day,
                "start": f.start,
                "end": f.end,
                "node_uplift": node.uplift if node and node.festival == f.key else None,
                "source": node.uplift_source if node and node.festival == f.key else by_day[own[0]].uplift_source,
                "aligned_node": node.aligned if node and node.festival == f.key else None,
                "window_target": sum((days[d] for d in own), Decimal("0.00")),
                "window_share": float(sum((days[d] for d in own), Decimal(0)) / sum(days.values(), Decimal(0))),
            }
        )
    return rows


# ---------------------------------------------------------------- saving as targets


def save_plan(project: Any, plan: PlanResult, folder: Path | None = None) -> list[Any]:
    """Write each store's plan as a targets CSV (kept under ``plans/``) and import it: every level
    becomes target rows (grain = level), so reports and tracking find the week's, month's or any
    day range's target. The import first removes the store's earlier targets of the metric for the
    same year (an earlier plan, on any calendar: rows overlapping the year and reaching at most a week
    beyond it), in the same transaction, so no row of a replaced plan is left to be read."""
    from shopops.warehouse.load import Supersede, import_file

    out = folder or (project.settings.root / "plans")
    out.mkdir(parents=True, exist_ok=True)
    year = plan.year
    summaries = []
    for sp in plan.stores:
        spans = plan.spans[plan.spans["store"] == sp.store]
        path = out / f"{year.label}_{plan.metric}_{sp.store}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["metric", "grain", "period_start", "period_end", "value"])
            for r in each(spans):
                w.writerow([plan.metric, r.level, r.start.isoformat(), r.end.isoformat(), f"{r.target:.2f}"])
        summaries.append(
            import_file(
                project.duckdb_warehouse,
                path,
                store=sp.store,
                source="generic",
                kind="targets",
                console=project.console,
                supersede=Supersede(plan.metric, year.start, year.end, margin_days=7),
            )
        )
    return summaries


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: PlanParams) -> PlanResult:
    """The registered analysis: the plan of ``params.fiscal_year`` for ``ctx.scope`` (narrowed to
    ``params.stores`` when given). A plan is about a fiscal year, so it needs no period."""
    return build_plan(ctx.scope, params)


def present(result: PlanResult, lang: str) -> Section:
    """The plan's overview: each store's target, last year, growth, share and what shaped it."""
    from shopops.plan.plan_report import overview_section  # plan_report builds on this module

    return overview_section(result, lang)


ANALYSIS: Analysis[PlanParams, PlanResult] = Analysis("plan", PlanParams, build, present, needs=())


__all__ = [
    "ANALYSIS",
    "DEFAULT_UPLIFTS",
    "MIN_HISTORY_DAYS",
    "PRE_SHARE",
    "DayShape",
    "PlanParams",
    "PlanResult",
    "StorePlan",
    "allocate",
    "build",
    "build_plan",
    "day_shape",
    "each",
    "present",
    "save_plan",
    "split_target",
]
