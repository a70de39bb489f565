"""Fiscal calendars: every level tiles the year; retail 4-4-5 / 4-5-4 years; the 48-week view."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.calendar.fiscal import LEVELS, PATTERNS, FiscalCalendar


def test_april_fiscal_year() -> None:
    cal = FiscalCalendar(start_month=4)
    year = cal.year(2026)
    assert (year.start, year.end, year.days) == (date(2026, 4, 1), date(2027, 3, 31), 365)
    assert [(h.start, h.end) for h in cal.halves(2026)] == [
        (date(2026, 4, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2027, 3, 31)),
    ]
    q = cal.quarters(2026)
    assert [x.label for x in q] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    assert (q[3].start, q[3].end, q[3].parent) == (date(2027, 1, 1), date(2027, 3, 31), "FY2026-H2")
    m = cal.months(2026)
    assert (m[10].label, m[10].start, m[10].end, m[10].parent) == (
        "FY2026-M11",
        date(2027, 2, 1),
        date(2027, 2, 28),
        "FY2026-Q4",
    )
    assert cal.year_of(date(2027, 3, 31)) == 2026 and cal.year_of(date(2027, 4, 1)) == 2027


def test_natural_weeks_are_clipped_to_the_year() -> None:
    cal = FiscalCalendar()  # calendar year, Monday weeks
    weeks = cal.weeks(2026)
    # 2026-01-01 is a Thursday: the first week is Thu-Sun (4 days); 2026-12-28 is a Monday
    assert (weeks[0].start, weeks[0].end) == (date(2026, 1, 1), date(2026, 1, 4))
    assert (weeks[1].start, weeks[1].end) == (date(2026, 1, 5), date(2026, 1, 11))
    assert (weeks[-1].start, weeks[-1].end, weeks[-1].label) == (date(2026, 12, 28), date(2026, 12, 31), "FY2026-W53")
    assert all(w.parent == "FY2026" for w in weeks)
    sunday = FiscalCalendar(week_start=6).weeks(2026)
    assert (sunday[0].start, sunday[0].end) == (date(2026, 1, 1), date(2026, 1, 3))  # Sat Jan 3


def test_48_week_view() -> None:
    cal = FiscalCalendar(weeks="month4")
    weeks = cal.weeks(2026)
    assert len(weeks) == 48
    feb = [w for w in weeks if w.parent == "FY2026-M02"]
    assert [(w.start.day, w.end.day) for w in feb] == [(1, 7), (8, 14), (15, 21), (22, 28)]
    assert weeks[-1].end == date(2026, 12, 31) and weeks[-1].days == 10
    assert cal.weeks_nest_in_months() and not FiscalCalendar().weeks_nest_in_months()


def test_nrf_454_calendar() -> None:
    """The NRF retail calendar: FY2023 = 2023-01-29 .. 2024-02-03 (53 weeks), FY2024 = 2024-02-04 .. 2025-02-01."""
    cal = FiscalCalendar(start_month=2, pattern="454", week_start=6)
    y23, y24 = cal.year(2023), cal.year(2024)
    assert (y23.start, y23.end, len(cal.weeks(2023))) == (date(2023, 1, 29), date(2024, 2, 3), 53)
    assert (y24.start, y24.end, len(cal.weeks(2024))) == (date(2024, 2, 4), date(2025, 2, 1), 52)
    months = cal.months(2024)
    assert [m.days // 7 for m in months] == [4, 5, 4] * 4
    assert [m.days // 7 for m in cal.months(2023)][-1] == 5  # 4 + the 53rd week
    assert (months[0].start, months[0].end) == (date(2024, 2, 4), date(2024, 3, 2))
    assert all(w.start.weekday() == 6 and w.days == 7 for w in cal.weeks(2024))
    assert cal.year_of(date(2024, 2, 3)) == 2023 and cal.year_of(date(2024, 2, 4)) == 2024


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="start_month"):
        FiscalCalendar(start_month=13)
    with pytest.raises(ValueError, match="pattern"):
        FiscalCalendar(pattern="4-4-5")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    fy=st.integers(2000, 2060),
    start_month=st.integers(1, 12),
    pattern=st.sampled_from(PATTERNS),
    week_start=st.integers(0, 6),
    view=st.sampled_from(["natural", "month4"]),
)
def test_every_level_tiles_the_year(fy: int, start_month: int, pattern: str, week_start: int, view: str) -> None:
    cal = FiscalCalendar(start_month, pattern, week_start, view)  # type: ignore[arg-type]
    year = cal.year(fy)
    assert cal.year(fy + 1).start == year.end + timedelta(days=1)
    by_label = {s.label: s for level in LEVELS for s in cal.spans(fy, level)}
    for level in LEVELS:
        spans = cal.spans(fy, level)
        assert spans[0].start == year.start and spans[-1].end == year.end
        for a, b in pairwise(spans):
            assert b.start == a.end + timedelta(days=1)
        for s in spans:
            if s.parent:  # inside its parent
                parent = by_label[s.parent]
                assert parent.start <= s.start and s.end <= parent.end
    if pattern != "calendar":
        assert year.days in (364, 371) and len(cal.weeks(fy)) == year.days // 7
    d = year.start + timedelta(days=(fy * 37) % year.days)
    assert cal.year_of(d) == fy and d in cal.span_of(d, "week")
