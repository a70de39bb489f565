"""Time grains: which period a day belongs to, as an Ibis expression and in plain Python.

Weeks are ISO weeks (Monday first). Fiscal grains start in ``settings.fiscal_year_start_month``;
a fiscal year is **named by the calendar year it starts in** (start month 4: 2025-04-01 to
2026-03-31 is FY2025), the common convention of retailers whose year starts in spring.
With start month 1 the fiscal grains equal the calendar ones.

>>> from datetime import date
>>> period_start(date(2026, 2, 14), "fiscal_quarter", fiscal_start=4)
datetime.date(2026, 1, 1)
>>> label(date(2026, 1, 1), "fiscal_quarter", fiscal_start=4)
'FY2025-Q4'
>>> shift(date(2024, 3, 31), months=-1)
datetime.date(2024, 2, 29)
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

GRAINS: tuple[str, ...] = (
    "total",
    "day",
    "week",
    "month",
    "quarter",
    "year",
    "fiscal_month",
    "fiscal_quarter",
    "fiscal_year",
)
_MONTHS = {"month": 1, "quarter": 3, "year": 12, "fiscal_month": 1, "fiscal_quarter": 3, "fiscal_year": 12}


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months; a day past the target month's end clamps to its last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def shift(d: date, *, days: int = 0, months: int = 0) -> date:
    return add_months(d, months) + timedelta(days=days)


def _offset(grain: str, fiscal_start: int) -> int:
    """Months from January to the start of the grain's year (0 for calendar grains)."""
    return (fiscal_start - 1) if grain.startswith("fiscal_") else 0


def period_start(d: date, grain: str, *, fiscal_start: int = 1, start: date | None = None) -> date:
    """The first day of the period of ``grain`` holding ``d`` (``start`` for the ``total`` grain)."""
    if grain == "total":
        if start is None:
            raise ValueError("the total grain needs the range start")
        return start
    if grain == "day":
        return d
    if grain == "week":
        return d - timedelta(days=d.weekday())
    span = _MONTHS[grain]
    offset = _offset(grain, fiscal_start)
    index = d.year * 12 + d.month - 1 - offset
    index -= index % span
    return add_months(date(1, 1, 1), index + offset - 12)  # date(1,1,1) is month index 12


def period_end(first: date, grain: str, *, end: date | None = None) -> date:
    """The last day (inclusive) of the period starting ``first`` (``end`` for the ``total`` grain)."""
    if grain == "total":
        if end is None:
            raise ValueError("the total grain needs the range end")
        return end
    if grain == "day":
        return first
    if grain == "week":
        return first + timedelta(days=6)
    return add_months(first, _MONTHS[grain]) - timedelta(days=1)


def periods(start: date, end: date, grain: str, *, fiscal_start: int = 1) -> list[date]:
    """Every period start from the one holding ``start`` to the one holding ``end``."""
    if grain == "total":
        return [start]
    out = []
    first = period_start(start, grain, fiscal_start=fiscal_start)
    while first <= end:
        out.append(first)
        first = period_end(first, grain) + timedelta(days=1)
    return out


def fiscal_year(d: date, fiscal_start: int) -> int:
    """The fiscal year holding ``d``, named by the calendar year it starts in."""
    return d.year if d.month >= fiscal_start else d.year - 1


def label(first: date, grain: str, *, fiscal_start: int = 1, end: date | None = None) -> str:
    """How operators write the period: 2026-01-05, 2026-W02, 2026-01, 2026-Q1, FY2025-Q4 …"""
    if grain == "total":
        return f"{first.isoformat()}..{end.isoformat()}" if end else first.isoformat()
    if grain == "day":
        return first.isoformat()
    if grain == "week":
        iso = first.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        return f"{first.year}-{first.month:02d}"
    if grain == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if grain == "year":
        return str(first.year)
    fy = fiscal_year(first, fiscal_start)
    months_in = (first.month - fiscal_start) % 12
    if grain == "fiscal_month":
        return f"FY{fy}-M{months_in + 1:02d}"
    if grain == "fiscal_quarter":
        return f"FY{fy}-Q{months_in // 3 + 1}"
    return f"FY{fy}"


def period_start_expr(
    day: ir.DateValue, grain: str, *, fiscal_start: int = 1, start: date | None = None
) -> ir.DateValue:
    """:func:`period_start` as an Ibis expression over a date column."""
    if grain == "total":
        if start is None:
            raise ValueError("the total grain needs the range start")
        return ibis.literal(start, type="date")
    if grain == "day":
        return day
    if grain == "week":
        return day.truncate("W")  # ISO week: Monday
    unit = {1: "M", 3: "Q", 12: "Y"}[_MONTHS[grain]]
    offset = _offset(grain, fiscal_start)
    if not offset:
        return day.truncate(unit)
    moved = (day - ibis.interval(months=offset)).truncate(unit)
    return (moved + ibis.interval(months=offset)).cast("date")


__all__ = [
    "GRAINS",
    "add_months",
    "fiscal_year",
    "label",
    "period_end",
    "period_start",
    "period_start_expr",
    "periods",
    "shift",
]
