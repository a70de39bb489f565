"""The fiscal-calendar options `shopops plan`, `track` and `calendar` share, and their check."""

from __future__ import annotations

from typing import Annotated

import typer

PATTERN_CHOICES = ("calendar", "445", "454", "544")

CalendarOption = Annotated[
    str | None, typer.Option("--calendar", help="calendar, 445, 454 or 544 (default: the pattern in shopops.toml).")
]
WeeksOption = Annotated[
    str | None,
    typer.Option("--weeks", help="natural (clipped to the year) or month4 (12 × 4 = 48); default: shopops.toml."),
]
WeekStartOption = Annotated[str | None, typer.Option("--week-start", help="mon or sun (default: shopops.toml).")]


def calendar_choice(
    pattern: str | None, weeks: str | None, week_start: str | None
) -> tuple[str | None, str | None, int | None]:
    """The options checked: (pattern, weeks, week start as 0 Monday / 6 Sunday); None leaves shopops.toml's."""
    if pattern not in (None, *PATTERN_CHOICES):
        raise typer.BadParameter(f"{pattern!r}: use {', '.join(PATTERN_CHOICES)}", param_hint="--calendar")
    if weeks not in (None, "natural", "month4"):
        raise typer.BadParameter(f"{weeks!r}: use natural or month4", param_hint="--weeks")
    if week_start not in (None, "mon", "sun"):
        raise typer.BadParameter(f"{week_start!r}: use mon or sun", param_hint="--week-start")
    return pattern, weeks, None if week_start is None else (0 if week_start == "mon" else 6)
