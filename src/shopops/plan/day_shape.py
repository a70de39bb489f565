"""The day shape of a fiscal year (目标拆解的日权重): how much of a year's target each day carries.

``weight(day) = level(month) × weekday(day) × uplift(day)``, read from last year's days (ordinary days
give the month levels and the weekday index; festival days their uplift, aligned on the festival's
node) or, without history, from a documented default profile; see :mod:`shopops.plan.breakdown`, which
splits the target by these weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any, Literal

from shopops.calendar.festivals import Festival, festivals_between
from shopops.calendar.fiscal import FiscalCalendar

PRE_SHARE = 0.25
# Node-day multipliers of an ordinary day when history has no such festival (default profile).
# Window days other than the node get 1 + (u − 1) × PRE_SHARE. Public holidays are dips.
DEFAULT_UPLIFTS: dict[str, float] = {
    "double11": 6.0,
    "618": 3.5,
    "double12": 1.8,
    "520": 1.6,
    "qixi": 1.6,
    "women_38": 1.8,
    "99": 1.5,
    "nianhuo": 1.3,
    "valentines": 1.4,
    "mothers_day": 1.4,
    "black_friday": 3.0,
    "cyber_monday": 2.5,
    "christmas": 1.5,
    "spring_festival": 0.6,
    "spring_festival_eve": 0.6,
    "national_day": 0.9,
}
Source = Literal["history", "given", "campaign", "default", "none"]


# ---------------------------------------------------------------- the day shape


@dataclass(frozen=True)
class DayShape:
    day: date
    level: float
    weekday: float
    uplift: float
    uplift_source: Source
    festival: str | None  # the festival (key) whose window holds the day, nearest node first
    phase: str | None  # "node", "pre" or "tail"
    aligned: date | None  # last year's day whose uplift it takes

    @property
    def weight(self) -> float:
        return self.level * self.weekday * self.uplift


def _special_days(
    start: date, end: date, market: str, campaigns: Sequence[Any], extra: Path | None = None
) -> dict[date, Festival]:
    """Each day of ``start``–``end`` inside a festival window → that festival (the nearest node wins)."""
    out: dict[date, Festival] = {}
    for f in festivals_between(start, end, market=market, campaigns=campaigns, extra=extra):  # type: ignore[arg-type]
        d = max(f.start, start)
        while d <= min(f.end, end):
            best = out.get(d)
            if best is None or abs((f.day - d).days) < abs((best.day - d).days):
                out[d] = f
            d += timedelta(days=1)
    return out


def _phase(f: Festival, d: date) -> str:
    return "node" if d == f.day else ("pre" if d < f.day else "tail")


@dataclass
class _History:
    level: dict[int, float]  # calendar month → ordinary-day level
    weekday: list[float]  # Monday … Sunday index, mean 1
    uplift: dict[date, float]  # every day of history → actual ÷ (level × weekday)
    nodes: dict[str, list[date]]  # festival key → its nodes in the history range


def _history_model(
    values: Mapping[date, float],
    start: date,
    end: date,
    special: Mapping[date, Festival],
    festivals: Sequence[Festival],
) -> _History:
    ordinary = {d: v for d, v in values.items() if d not in special and start <= d <= end}
    by_month: dict[int, list[float]] = defaultdict(list)
    for d, v in ordinary.items():
        by_month[d.month].append(v)
    month_mean = {m: fmean(v) for m, v in by_month.items() if v}
    ratios: dict[int, list[float]] = defaultdict(list)
    for d, v in ordinary.items():
        if month_mean.get(d.month):
            ratios[d.weekday()].append(v / month_mean[d.month])
    wd = [fmean(ratios[w]) if ratios[w] else 1.0 for w in range(7)]
    scale = fmean(wd) or 1.0
    wd = [w / scale for w in wd]
    adjusted: dict[int, list[float]] = defaultdict(list)
    for d, v in ordinary.items():
        adjusted[d.month].append(v / wd[d.weekday()] if wd[d.weekday()] else v)
    level = {m: fmean(v) for m, v in adjusted.items() if v}
    overall = fmean(level.values()) if level else 1.0
    for m in range(1, 13):  # a month with no ordinary day: the mean of its neighbours, else overall
        if m not in level:
            near = [level[k] for k in (m - 1 or 12, m % 12 + 1) if k in level]
            level[m] = fmean(near) if near else overall
    uplift: dict[date, float] = {}
    for d, v in values.items():  # every day: a festival that moved may align with any of them
        base = level[d.month] * wd[d.weekday()]
        if base > 0:
            uplift[d] = v / base
    nodes: dict[str, list[date]] = defaultdict(list)
    for f in festivals:
        nodes[f.key].append(f.day)
    return _History(level, wd, uplift, dict(nodes))


def day_shape(
    cal: FiscalCalendar,
    fiscal_year: int,
    market: str,
    *,
    history: Mapping[date, float] | None,
    uplifts: Mapping[str, float] = {},
    campaigns: Sequence[Any] = (),
    extra: Path | None = None,
    window: tuple[date, date] | None = None,
) -> list[DayShape]:
    """The weight of every day of the fiscal year (see the module docstring). ``history`` holds known
    days only; ``window``: the 12 months it is read from (default: the previous fiscal year)."""
    year = cal.year(fiscal_year)
    special = _special_days(year.start, year.end, market, campaigns, extra)
    model: _History | None = None
    if history is not None:
        last = cal.year(fiscal_year - 1)
        start, end = window or (last.start, last.end)
        first, final = start - timedelta(days=60), end + timedelta(days=60)
        last_special = _special_days(first, final, market, campaigns, extra)
        known = [
            f
            for f in festivals_between(start, end, market=market, campaigns=campaigns, extra=extra)  # type: ignore[arg-type]
            if f.day in history
        ]
        model = _history_model(history, start, end, last_special, known)
    configured = {c.key: float(c.uplift) for c in campaigns if getattr(c, "uplift", None) is not None}
    out = []
    for span in cal.days(fiscal_year):
        d = span.start
        f = special.get(d)
        level = model.level[d.month] if model else 1.0
        weekday = model.weekday[d.weekday()] if model else 1.0
        uplift, source, aligned = 1.0, "none", None
        if f is not None:
            phase = _phase(f, d)
            if f.key in uplifts:
                uplift, source = _window_uplift(float(uplifts[f.key]), phase), "given"
            else:
                aligned = _aligned(model, f, d) if model else None
                if model and aligned is not None and aligned in model.uplift:
                    uplift, source = model.uplift[aligned], "history"
                elif f.key in configured:
                    uplift, source = _window_uplift(configured[f.key], phase), "campaign"
                elif f.key in DEFAULT_UPLIFTS:
                    uplift, source = _window_uplift(DEFAULT_UPLIFTS[f.key], phase), "default"
        out.append(
            DayShape(d, level, weekday, uplift, source, f.key if f else None, _phase(f, d) if f else None, aligned)  # type: ignore[arg-type]
        )
    return out


def _window_uplift(node: float, phase: str) -> float:
    return node if phase == "node" else 1 + (node - 1) * PRE_SHARE


def _aligned(model: _History, f: Festival, d: date) -> date | None:
    """The history's day at the same offset from the same festival's node: last year's node, or the
    one before when last year's is not in the data yet (a plan made before the year has closed)."""
    target = f.day - timedelta(days=364)
    nodes = [n for n in model.nodes.get(f.key, []) if -60 - 364 <= (n - target).days <= 60]
    if not nodes:
        return None
    node = max(nodes)  # the most recent occurrence in the window
    return node + (d - f.day)


__all__ = ["DEFAULT_UPLIFTS", "PRE_SHARE", "DayShape", "Source", "day_shape"]
