"""Period and the one parser of period texts: hand-checked cases and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopops.calendar import FiscalCalendar, Period, parse_day, parse_period
from shopops.calendar.period import newest_complete_day, report_periods
from shopops.errors import QueryError

D = date


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "grain"),
    [
        ("2026-10-19", D(2026, 10, 19), D(2026, 10, 19), "2026-10-19", "day"),
        ("2026-W43", D(2026, 10, 19), D(2026, 10, 25), "2026-W43", "week"),
        ("2026w01", D(2025, 12, 29), D(2026, 1, 4), "2026-W01", "week"),  # ISO week 1 starts in December
        ("2026-10", D(2026, 10, 1), D(2026, 10, 31), "2026-10", "month"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02", "month"),
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "2026-Q3", "quarter"),
        ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026", "year"),
        ("FY2026", D(2026, 1, 1), D(2026, 12, 31), "FY2026", "fiscal_year"),
        ("2026-10-01..2026-10-31", D(2026, 10, 1), D(2026, 10, 31), "2026-10-01..2026-10-31", "range"),
        (" 2026-10-1 .. 2026-10-3 ", D(2026, 10, 1), D(2026, 10, 3), "2026-10-01..2026-10-03", "range"),
    ],
)
def test_texts(text: str, start: date, end: date, label: str, grain: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.label, p.grain) == (start, end, label, grain)


def test_fiscal_texts_follow_the_projects_calendar() -> None:
    april = FiscalCalendar(start_month=4)
    assert parse_period("FY2026", april).start == D(2026, 4, 1)
    assert parse_period("FY2026", april).end == D(2027, 3, 31)
    q1 = parse_period("FY2026-Q1", april)
    assert (q1.start, q1.end, q1.label) == (D(2026, 4, 1), D(2026, 6, 30), "FY2026-Q1")
    m12 = parse_period("FY2026-M12", april)
    assert (m12.start, m12.end) == (D(2027, 3, 1), D(2027, 3, 31))
    retail = FiscalCalendar(start_month=2, pattern="454", week_start=6)
    w1 = parse_period("FY2024-W01", retail)
    assert (w1.start, w1.end) == (D(2024, 2, 4), D(2024, 2, 10))  # the NRF 2024 year starts Sunday Feb 4


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026-13", "period.invalid"),
        ("2026-02-30", "period.invalid"),
        ("2026-W54", "period.invalid"),
        ("FY2026-Q5", "period.invalid"),  # FY2026 has 4 quarters
        ("FY2026-M13", "period.invalid"),
        ("last week", "period.syntax"),
        ("2026-10-31..2026-10-01", "period.reversed"),
    ],
)
def test_bad_texts_say_what_to_write(text: str, code: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_period(text, option="--period")
    assert info.value.code == code
    assert "--period" in info.value.message or code == "period.reversed"
    assert info.value.hint


def test_parse_day() -> None:
    assert parse_day("2026-11-11") == D(2026, 11, 11)
    with pytest.raises(QueryError, match="--from: 'x' is not a date") as info:
        parse_day("x", "--from")
    assert info.value.code == "period.day"


def test_previous_is_the_period_of_the_same_kind_before() -> None:
    assert parse_period("2026-03").previous() == Period(D(2026, 2, 1), D(2026, 2, 28), "2026-02")
    assert parse_period("2026-W01").previous().label == "2025-W52"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-03-01").previous().label == "2026-02-28"
    assert parse_period("2026-10-01..2026-10-31").previous() == Period.span(D(2026, 8, 31), D(2026, 9, 30))
    april = FiscalCalendar(start_month=4)
    assert parse_period("FY2026-Q1", april).previous(april).label == "FY2025-Q4"


def test_year_ago() -> None:
    assert parse_period("2026-W43").year_ago() == Period(D(2025, 10, 20), D(2025, 10, 26), "2025-W43")
    assert parse_period("2024-02").year_ago().label == "2023-02"
    assert parse_period("2024-02-29").year_ago() == Period.day(D(2023, 2, 28))  # clamped to the month
    assert parse_period("2026-11-11").same_weekday_last_year() == Period.day(D(2025, 11, 12))  # a Wednesday both


def test_report_periods_and_the_newest_complete_one() -> None:
    _, prev, yoy = report_periods("monthly", D(2024, 3, 31))
    assert (prev.start, prev.end) == (D(2024, 2, 1), D(2024, 2, 29))
    assert (yoy.start, yoy.end) == (D(2023, 3, 1), D(2023, 3, 31))
    _, prev, yoy = report_periods("daily", D(2026, 11, 11))
    assert (prev.start, yoy.start) == (D(2026, 11, 10), D(2025, 11, 12))
    assert newest_complete_day("weekly", D(2026, 10, 28)) == D(2026, 10, 25)
    assert newest_complete_day("monthly", D(2026, 10, 31)) == D(2026, 10, 31)


days = st.dates(min_value=D(2001, 1, 1), max_value=D(2098, 12, 31))


@given(days, st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_a_period_round_trips_through_its_label(d: date, grain: str) -> None:
    p = Period.of(d, grain)
    assert d in p
    assert parse_period(p.label) == p


@given(days, st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_previous_ends_the_day_before(d: date, grain: str) -> None:
    p = Period.of(d, grain)
    before = p.previous()
    assert before.end == p.start - timedelta(days=1)
    assert before.grain == p.grain
    assert Period.of(before.start, grain) == before


@given(days, st.integers(min_value=0, max_value=400))
def test_a_range_and_its_previous_are_as_long(d: date, n: int) -> None:
    p = Period.span(d, d + timedelta(days=n))
    assert p.previous().days == p.days
    assert p.previous().end == p.start - timedelta(days=1)
    assert parse_period(f"{p.start}..{p.end}") == p
