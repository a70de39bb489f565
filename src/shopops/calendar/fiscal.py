"""Fiscal calendars: a fiscal year as halves, quarters, months, weeks and days.

A fiscal year starts in ``start_month`` and is **named by the calendar year it starts in** (start
month 4: 2026-04-01 to 2027-03-31 is FY2026), as in :mod:`shopops.calendar.grains`.

Two kinds of calendar:

``pattern="calendar"`` (the default)
    Months are calendar months. Weeks come in two views:

    * ``weeks="natural"``: weeks starting on ``week_start`` (0 = Monday … 6 = Sunday), clipped to the
      fiscal year, so the first and last week may be short; 52 or 53 (rarely 54) weeks. They cross
      month ends, so their parent is the year, not a month.
    * ``weeks="month4"``: the practitioners' "12 months × 4 weeks = 48 weeks": each month split into
      days 1–7, 8–14, 15–21 and 22 to the month's end (7–10 days). These nest inside the months.

``pattern="445"``, ``"454"`` or ``"544"`` (retail calendars)
    Whole weeks only. The year starts on the ``week_start`` weekday nearest to the 1st of
    ``start_month`` (the rule the NRF 4-5-4 calendar and most retailers use), so it has 52 weeks, or
    53 when the next year's start is 371 days later; the 53rd week goes to the year's last month.
    Each quarter's months take 4, 4 and 5 weeks (or 4-5-4, 5-4-4). Weeks nest inside months.

Every level tiles the year exactly: each day belongs to exactly one span of each level.

>>> cal = FiscalCalendar(start_month=4)
>>> cal.year(2026)
Span(level='year', label='FY2026', start=datetime.date(2026, 4, 1), end=datetime.date(2027, 3, 31), parent=None)
>>> [s.label for s in cal.quarters(2026)][:2]
['FY2026-Q1', 'FY2026-Q2']
>>> retail = FiscalCalendar(start_month=2, pattern="454", week_start=6)
>>> retail.year(2024).start, retail.year(2024).end, len(retail.weeks(2024))
(datetime.date(2024, 2, 4), datetime.date(2025, 2, 1), 52)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from shopops.calendar.grains import add_months

Level = Literal["year", "half", "quarter", "month", "week", "day"]
Pattern = Literal["calendar", "445", "454", "544"]
WeekView = Literal["natural", "month4"]
LEVELS: tuple[Level, ...] = ("year", "half", "quarter", "month", "week", "day")
PATTERNS: tuple[Pattern, ...] = ("calendar", "445", "454", "544")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Days:
    """What a run of days ``start``–``end`` (both included) knows of itself: shared by :class:`Span` and
    :class:`~shopops.calendar.period.Period`."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    def dates(self) -> Iterator[date]:
        for i in range(self.days):
            yield self.start + timedelta(days=i)


@dataclass(frozen=True)
class Span(Days):
    """One period of a fiscal year: ``start``–``end`` inclusive; ``parent`` is the enclosing span's label."""

    level: Level
    label: str
    start: date
    end: date
    parent: str | None


class FiscalCalendar:
    """A fiscal calendar; see the module docstring for the rules."""

    def __init__(
        self,
        start_month: int = 1,
        pattern: Pattern = "calendar",
        week_start: int = 0,
        weeks: WeekView = "natural",
    ) -> None:
        if not 1 <= start_month <= 12:
            raise ValueError(f"start_month must be 1..12, not {start_month}")
        if pattern not in PATTERNS:
            raise ValueError(f"pattern must be one of {', '.join(PATTERNS)}, not {pattern!r}")
        if not 0 <= week_start <= 6:
            raise ValueError(f"week_start must be 0 (Monday) .. 6 (Sunday), not {week_start}")
        if weeks not in ("natural", "month4"):
            raise ValueError(f"weeks must be 'natural' or 'month4', not {weeks!r}")
        self.start_month = start_month
        self.pattern: Pattern = pattern
        self.week_start = week_start
        self.week_view: WeekView = weeks if pattern == "calendar" else "natural"

    def __repr__(self) -> str:
        return (
            f"FiscalCalendar(start_month={self.start_month}, pattern={self.pattern!r}, "
            f"week_start={self.week_start}, weeks={self.week_view!r})"
        )

    # -- the year ----------------------------------------------------------------------------------
    def _first_day(self, fy: int) -> date:
        first = date(fy, self.start_month, 1)
        if self.pattern == "calendar":
            return first
        back = (first.weekday() - self.week_start) % 7  # days back to the previous week start
        return first - timedelta(days=back) if back <= 3 else first + timedelta(days=7 - back)

    def year(self, fy: int) -> Span:
        return Span("year", f"FY{fy}", self._first_day(fy), self._first_day(fy + 1) - timedelta(days=1), None)

    def year_of(self, d: date) -> int:
        """The fiscal year holding ``d``."""
        fy = d.year if d.month >= self.start_month else d.year - 1
        if d < self._first_day(fy):
            return fy - 1
        if d >= self._first_day(fy + 1):
            return fy + 1
        return fy

    def week_count(self, fy: int) -> int:
        return len(self.weeks(fy))

    # -- levels ------------------------------------------------------------------------------------
    def months(self, fy: int) -> list[Span]:
        out = []
        if self.pattern == "calendar":
            first = date(fy, self.start_month, 1)
            for i in range(12):
                start = add_months(first, i)
                out.append(Span("month", _m(fy, i), start, add_months(first, i + 1) - timedelta(days=1), ""))
        else:
            weeks = [int(c) for c in self.pattern] * 4
            year = self.year(fy)
            weeks[-1] += (year.days - 364) // 7  # the 53rd week goes to the last month
            start = year.start
            for i, n in enumerate(weeks):
                end = start + timedelta(days=7 * n - 1)
                out.append(Span("month", _m(fy, i), start, end, ""))
                start = end + timedelta(days=1)
        return [_with_parent(s, _q(fy, i // 3)) for i, s in enumerate(out)]

    def quarters(self, fy: int) -> list[Span]:
        months = self.months(fy)
        return [
            Span("quarter", _q(fy, i), months[3 * i].start, months[3 * i + 2].end, f"FY{fy}-H{i // 2 + 1}")
            for i in range(4)
        ]

    def halves(self, fy: int) -> list[Span]:
        q = self.quarters(fy)
        return [Span("half", f"FY{fy}-H{i + 1}", q[2 * i].start, q[2 * i + 1].end, f"FY{fy}") for i in range(2)]

    def weeks(self, fy: int) -> list[Span]:
        year = self.year(fy)
        out: list[Span] = []
        if self.pattern != "calendar":
            for month in self.months(fy):
                for start in range(0, month.days, 7):
                    first = month.start + timedelta(days=start)
                    out.append(Span("week", _w(fy, len(out)), first, first + timedelta(days=6), month.label))
        elif self.week_view == "month4":
            for month in self.months(fy):
                cuts = [1, 8, 15, 22]
                for k, day in enumerate(cuts):
                    first = month.start.replace(day=day)
                    last = month.start.replace(day=cuts[k + 1] - 1) if k < 3 else month.end
                    out.append(Span("week", _w(fy, len(out)), first, last, month.label))
        else:
            first = year.start
            while first <= year.end:
                to_next = (self.week_start - first.weekday() - 1) % 7  # days to the last day of this week
                last = min(first + timedelta(days=to_next), year.end)
                out.append(Span("week", _w(fy, len(out)), first, last, year.label))
                first = last + timedelta(days=1)
        return out

    def days(self, fy: int) -> list[Span]:
        """Every day, its parent the week it falls in."""
        out = []
        for week in self.weeks(fy):
            for d in week.dates():
                out.append(Span("day", d.isoformat(), d, d, week.label))
        return out

    def spans(self, fy: int, level: Level) -> list[Span]:
        if level == "year":
            return [self.year(fy)]
        if level == "half":
            return self.halves(fy)
        if level == "quarter":
            return self.quarters(fy)
        if level == "month":
            return self.months(fy)
        if level == "week":
            return self.weeks(fy)
        if level == "day":
            return self.days(fy)
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")

    def span_of(self, d: date, level: Level) -> Span:
        """The span of ``level`` holding ``d``."""
        for span in self.spans(self.year_of(d), level):
            if d in span:
                return span
        raise AssertionError(f"{d} is in no {level} of {self!r}")  # every level tiles the year

    def weeks_nest_in_months(self) -> bool:
        """True when every week lies inside one month (retail patterns and the 48-week view)."""
        return self.pattern != "calendar" or self.week_view == "month4"


def fiscal_calendar(
    settings: Any, *, pattern: str | None = None, week_start: int | None = None, weeks: str | None = None
) -> FiscalCalendar:
    """The project's fiscal calendar: ``fiscal_year_start_month`` and ``[calendar] pattern / week_start /
    weeks`` of ``shopops.toml``, each overridden by the argument when given."""
    cfg = settings.calendar
    return FiscalCalendar(
        settings.fiscal_year_start_month,
        pattern or cfg.pattern,  # type: ignore[arg-type]
        week_start if week_start is not None else (0 if cfg.week_start == "mon" else 6),
        weeks or cfg.weeks,  # type: ignore[arg-type]
    )


def _m(fy: int, i: int) -> str:
    return f"FY{fy}-M{i + 1:02d}"


def _q(fy: int, i: int) -> str:
    return f"FY{fy}-Q{i + 1}"


def _w(fy: int, i: int) -> str:
    return f"FY{fy}-W{i + 1:02d}"


def _with_parent(span: Span, parent: str) -> Span:
    return Span(span.level, span.label, span.start, span.end, parent)


__all__ = ["LEVELS", "PATTERNS", "FiscalCalendar", "Level", "Pattern", "Span", "WeekView", "fiscal_calendar"]
