"""Dates as the options give them: read by the one parser (:mod:`shopops.calendar.period`) and shown as
Typer shows a bad option value."""

from __future__ import annotations

from datetime import date

import typer


def day_option(text: str | None, option: str) -> date | None:
    """``text`` (``YYYY-MM-DD``) as a date, ``None`` when the option was not given; a usage error naming
    ``option`` otherwise."""
    if text is None:
        return None
    from shopops.calendar.period import parse_day
    from shopops.errors import QueryError

    try:
        return parse_day(text)
    except QueryError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def required_day(text: str, option: str) -> date:
    """:func:`day_option` of an option that is always given."""
    day = day_option(text, option)
    assert day is not None
    return day
