"""The figures of tracking against target (:mod:`shopops.plan.track`): daily actuals, the week and
month rows, and the year to date with its run-rates and projections.

Targets are read through :class:`shopops.metrics.targets.TargetRows` (the one tiling rule); the words
and alerts are in :mod:`shopops.plan.track_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from shopops.calendar.fiscal import FiscalCalendar, Span
from shopops.metrics.query import query
from shopops.metrics.targets import TargetRows, sum_all
from shopops.warehouse.store import Warehouse

CENT = Decimal("0.01")
RUN_RATE_DAYS = 28
TOTAL = ""  # the store key of the figures for all stores together


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


def load_actuals(
    wh: Warehouse, metric: str, stores: Sequence[str], start: date, end: date
) -> tuple[Actuals, list[str]]:
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


def ratio(num: Decimal | None, den: Decimal | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return float(num / den)


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


def period_rows(
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
                        "achievement": ratio(actual, to_date),
                        "gap": None if actual is None or to_date is None else actual - to_date,
                    }
                )
    return pd.DataFrame(out)


def year_to_date(
    store: str, year: Span, ly_start: date, as_of: date, targets: TargetRows, actuals: Actuals
) -> YearToDate:
    scope = tuple(s for s in actuals.values) if store == TOTAL else (store,)
    through = targets.covered_through(scope, year.start, as_of)
    to_date = targets.total(scope, year.start, through) if through else None
    actual_through = actuals.total(scope, year.start, through) if through else None
    achievement = ratio(actual_through, to_date)
    actual = actuals.total(scope, year.start, as_of)
    full = targets.total(scope, year.start, year.end)
    days_left = (year.end - as_of).days
    remaining = full - actual if full is not None and actual is not None else None
    needed = cents(max(remaining, Decimal(0)) / days_left) if remaining is not None and days_left > 0 else None
    window = actuals.total(scope, as_of - timedelta(days=RUN_RATE_DAYS - 1), as_of)
    current = cents(window / RUN_RATE_DAYS) if window is not None else None
    plan_to_as_of = targets.total(scope, year.start, as_of)
    rest_plan = full - plan_to_as_of if full is not None and plan_to_as_of is not None else None
    pace = None
    if full is not None and to_date is not None and actual_through is not None and achievement is not None:
        pace = cents(actual_through + (full - to_date) * Decimal(str(achievement)))
    run_rate = cents(actual + current * days_left) if actual is not None and current is not None else None
    ly_end = ly_start + (as_of - year.start)
    ly = actuals.total(scope, ly_start, min(ly_end, year.start - timedelta(days=1)))
    yoy = ratio(actual - ly, ly) if actual is not None and ly is not None else None
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
        run_rate_ratio=ratio(needed, current),
        plan_needed=ratio(max(remaining, Decimal(0)), rest_plan) if rest_plan and remaining is not None else None,
        projection_pace=pace,
        projection_run_rate=run_rate,
        last_year=ly,
        yoy=yoy,
    )


__all__ = ["CENT", "RUN_RATE_DAYS", "TOTAL", "Actuals", "YearToDate", "load_actuals", "period_rows", "year_to_date"]
