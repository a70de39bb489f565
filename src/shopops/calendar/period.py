"""A period of days, and the one parser of the texts operators write for periods.

Every edge (the CLI, later the web server and the scheduler) turns what the user wrote into a
:class:`Period` here, once; everything below gets the ``Period`` and never parses a date again.

The texts, each naming the whole period:

=========================  ===========================================================
``2026-10-19``             a day
``2026-W43``               an ISO week, Monday to Sunday
``2026-10``                a calendar month
``2026-Q3``                a calendar quarter
``2026``                   a calendar year
``FY2026``                 a fiscal year (named by the calendar year it starts in)
``FY2026-Q1``, ``FY2026-M03``, ``FY2026-W12``  a fiscal quarter, month or week
``2026-10-01..2026-10-31`` any range of days, both ends included
=========================  ===========================================================

Fiscal texts follow the project's :class:`~shopops.calendar.fiscal.FiscalCalendar` (start month,
4-4-5 patterns, week views); without one, the calendar year.

>>> p = parse_period("2026-W43")
>>> p.start, p.end, p.label
(datetime.date(2026, 10, 19), datetime.date(2026, 10, 25), '2026-W43')
>>> p.previous().label, p.year_ago().label
('2026-W42', '2025-W43')
>>> parse_period("2026-03").previous()
Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28), label='2026-02', grain='month')
>>> parse_period("2026-10-01..2026-10-31").previous().label
'2026-08-31..2026-09-30'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from shopops.calendar import grains
from shopops.calendar.fiscal import Days, FiscalCalendar, Span
from shopops.errors import QueryError

#: the grains a :class:`Period` can have; ``range`` is any run of days
PERIOD_GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year", "fiscal_year", "fiscal_half")
PERIOD_GRAINS += ("fiscal_quarter", "fiscal_month", "fiscal_week", "range")
_FISCAL_LEVEL = {
    "fiscal_year": "year",
    "fiscal_half": "half",
    "fiscal_quarter": "quarter",
    "fiscal_month": "month",
    "fiscal_week": "week",
}


@dataclass(frozen=True)
class Period(Days):
    """The days ``start``–``end`` (both included), how operators name them (``label``) and what kind of
    period they are (``grain``: a day, an ISO week, a calendar or fiscal month…, or a ``range``).

    ``previous()`` is the period of the same kind just before (the month before, not 30 days before);
    ``year_ago()`` the same period a year earlier (a week: 52 weeks earlier, so weekdays line up);
    ``same_weekday_last_year()`` the same days shifted by 364 days.
    """

    start: date
    end: date
    label: str = ""
    grain: str = field(default="range", compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise QueryError(
                f"the period ends ({self.end}) before it starts ({self.start})",
                hint="give the first day first, e.g. 2026-10-01..2026-10-31",
                code="period.reversed",
            )

    # ------------------------------------------------------------ constructors

    @classmethod
    def day(cls, d: date) -> Period:
        return cls(d, d, d.isoformat(), "day")

    @classmethod
    def span(cls, start: date, end: date) -> Period:
        """Any run of days; labelled ``start..end`` (one day: the day)."""
        if start == end:
            return cls.day(start)
        return cls(start, end, f"{start.isoformat()}..{end.isoformat()}", "range")

    @classmethod
    def of(cls, d: date, grain: str) -> Period:
        """The calendar ``day``/``week``/``month``/``quarter``/``year`` holding ``d``."""
        if grain not in ("day", "week", "month", "quarter", "year"):
            raise QueryError(f"unknown period grain {grain!r}; valid: day, week, month, quarter, year")
        first = grains.period_start(d, grain)
        return cls(first, grains.period_end(first, grain), grains.label(first, grain), grain)

    @classmethod
    def fiscal(cls, span: Span) -> Period:
        """A span of a :class:`FiscalCalendar` (its year, half, quarter, month, week or day)."""
        grain = "day" if span.level == "day" else f"fiscal_{span.level}"
        return cls(span.start, span.end, span.label, grain)

    # ------------------------------------------------------------ facts

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label, "days": self.days}

    # ------------------------------------------------------------ related periods

    def previous(self, calendar: FiscalCalendar | None = None) -> Period:
        """The period of the same kind just before this one."""
        if self.grain in ("day", "week", "range"):
            return self.shifted(-self.days)
        if self.grain in ("month", "quarter", "year"):
            return Period.of(self.start - timedelta(days=1), self.grain)
        return self._fiscal_neighbour(calendar, self.start - timedelta(days=1))

    def year_ago(self, calendar: FiscalCalendar | None = None) -> Period:
        """The same period a year earlier: a day's same date, a week 52 weeks earlier (weekdays aligned),
        a month, quarter or year twelve months earlier, a fiscal period the same one of the year before."""
        if self.grain == "week":
            return self.shifted(-364)
        if self.grain == "day":
            return Period.day(grains.add_months(self.start, -12))
        if self.grain in ("month", "quarter", "year"):
            return Period.of(grains.add_months(self.start, -12), self.grain)
        if self.grain == "range":
            return Period.span(grains.add_months(self.start, -12), grains.add_months(self.end, -12))
        return self._fiscal_neighbour(calendar, grains.add_months(self.start, -12) + timedelta(days=3))

    def same_weekday_last_year(self) -> Period:
        """The same days 52 weeks (364 days) earlier: each day lines up with the same weekday."""
        return self.shifted(-364)

    def shifted(self, days: int) -> Period:
        """The same length moved by ``days``, relabelled for its grain (a range stays a range)."""
        start, end = self.start + timedelta(days=days), self.end + timedelta(days=days)
        if self.grain == "day":
            return Period.day(start)
        if self.grain == "week" and start.weekday() == 0:
            return Period.of(start, "week")
        if self.grain == "range":
            return Period.span(start, end)
        return replace(self, start=start, end=end, label=f"{start.isoformat()}..{end.isoformat()}", grain="range")

    def _fiscal_neighbour(self, calendar: FiscalCalendar | None, inside: date) -> Period:
        cal = calendar or FiscalCalendar()
        return Period.fiscal(cal.span_of(inside, _FISCAL_LEVEL[self.grain]))  # type: ignore[arg-type]


#: the report kinds and the grain of their period
REPORT_GRAINS = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}


def report_periods(kind: str, day: date) -> tuple[Period, Period, Period]:
    """The ``daily``/``weekly``/``monthly``/``quarterly`` report period holding ``day``, the period it is
    compared with (the one before) and the year-ago one: a day is compared with the same weekday 52 weeks
    earlier, a week with the week 52 weeks earlier, a month or quarter with the same one a year earlier."""
    if kind not in REPORT_GRAINS:
        raise QueryError(
            f"unknown report {kind!r}; valid reports: {', '.join(REPORT_GRAINS)}", code="report.unknown_kind"
        )
    current = Period.of(day, REPORT_GRAINS[kind])
    yoy = current.same_weekday_last_year() if kind == "daily" else current.year_ago()
    return current, current.previous(), yoy


def newest_complete_day(kind: str, last_day: date) -> date:
    """A day of the newest complete report period up to ``last_day`` (the last day with data)."""
    if kind == "daily":
        return last_day
    current = Period.of(last_day, REPORT_GRAINS[kind])
    return last_day if current.end <= last_day else current.start - timedelta(days=1)


_DAY = r"\d{4}-\d{1,2}-\d{1,2}"
_EXAMPLES = (
    "2026-10-19, 2026-W43, 2026-10, 2026-Q3, 2026, FY2026, FY2026-Q1, FY2026-M03, FY2026-W12, 2026-10-01..2026-10-31"
)


def parse_day(text: str, option: str | None = None) -> date:
    """A day written ``YYYY-MM-DD``; a :class:`QueryError` (code ``period.day``) naming ``option`` otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        where = f"{option}: " if option else ""
        raise QueryError(
            f"{where}{text!r} is not a date", hint="write it like 2026-10-19 (YYYY-MM-DD)", code="period.day"
        ) from None


def parse_period(text: str, calendar: FiscalCalendar | None = None, *, option: str | None = None) -> Period:
    """The period ``text`` names (see the module docstring); ``calendar`` places fiscal periods."""
    t = text.strip()
    where = f"{option}: " if option else ""
    try:
        period = _parse(t, calendar or FiscalCalendar())
    except ValueError as exc:  # a date that does not exist (2026-02-30, 2026-W54)
        raise QueryError(
            f"{where}{text!r}: {exc}", hint=f"periods are written like {_EXAMPLES}", code="period.invalid"
        ) from None
    if period is None:
        raise QueryError(
            f"{where}{text!r} is not a period", hint=f"write it like one of {_EXAMPLES}", code="period.syntax"
        )
    return period


def _parse(t: str, cal: FiscalCalendar) -> Period | None:
    if m := re.fullmatch(rf"({_DAY})\s*\.\.\s*({_DAY})", t):
        start, end = date.fromisoformat(_pad(m[1])), date.fromisoformat(_pad(m[2]))
        return Period.span(start, end)
    if re.fullmatch(_DAY, t):
        return Period.day(date.fromisoformat(_pad(t)))
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", t, flags=re.IGNORECASE):
        return Period.of(date.fromisocalendar(int(m[1]), int(m[2]), 1), "week")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"month {int(m[2])} is not between 1 and 12")
        return Period.of(date(int(m[1]), int(m[2]), 1), "month")
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t, flags=re.IGNORECASE):
        return Period.of(date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter")
    if re.fullmatch(r"\d{4}", t):
        return Period.of(date(int(t), 1, 1), "year")
    if m := re.fullmatch(r"FY(\d{4})(?:-?([HQMW])(\d{1,2}))?", t, flags=re.IGNORECASE):
        return _fiscal(cal, int(m[1]), (m[2] or "").upper(), int(m[3] or 0))
    return None


def _fiscal(cal: FiscalCalendar, year: int, part: str, n: int) -> Period:
    if not part:
        return Period.fiscal(cal.year(year))
    spans = {"H": cal.halves, "Q": cal.quarters, "M": cal.months, "W": cal.weeks}[part](year)
    if not 1 <= n <= len(spans):
        raise ValueError(
            f"FY{year} has {len(spans)} {({'H': 'halves', 'Q': 'quarters', 'M': 'months', 'W': 'weeks'})[part]}"
        )
    return Period.fiscal(spans[n - 1])


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


__all__ = [
    "PERIOD_GRAINS",
    "REPORT_GRAINS",
    "Period",
    "newest_complete_day",
    "parse_day",
    "parse_period",
    "report_periods",
]
