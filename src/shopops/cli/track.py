"""``shopops track`` (目标达成跟踪) and ``shopops scorecard`` (岗位KPI考核表)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.calendar_options import CalendarOption, WeeksOption, WeekStartOption, calendar_choice
from shopops.cli.console import print_report_table
from shopops.cli.dates import day_option
from shopops.cli.state import STATE

if TYPE_CHECKING:
    from shopops.reports.model import Report

FORMATS = ("table", "json", "html", "xlsx", "md")


def register(app: typer.Typer) -> None:
    app.command("track")(track_cmd)
    app.command("scorecard")(scorecard_cmd)


def _formats(fmt: str) -> list[str]:
    from shopops.errors import QueryError

    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise QueryError(f"unknown format {', '.join(bad) or fmt!r}; valid formats: {', '.join(FORMATS)}")
    return formats


def _emit(report: Report, formats: list[str], out: Path | None, root: Path) -> None:
    """Rich tables for ``table``; ``md`` or ``json`` alone without --out on stdout; else the report's files
    (the convention of every command, docs/cli.md)."""
    from shopops.cli.output import print_report, to_stdout

    if formats != ["table"] and to_stdout(formats, out):
        print_report(report, formats[0])
        return
    console = STATE.console()
    if "table" in formats:
        from rich.markup import escape

        console.out.print(f"[bold]{report.title}[/bold]  {report.period.start} – {report.period.end}", highlight=False)
        for section in report.sections:
            for line in section.text:
                console.out.print(f"  • {line}", highlight=False)
            for table in section.tables:
                print_report_table(console.out, table, report.lang)
            for note in section.notes:
                console.out.print(f"  [dim]{escape(note)}[/dim]", highlight=False)
    files = [f for f in formats if f != "table"]
    if files:
        from shopops.reports import render

        paths = render(report, out or root / "reports", formats=tuple(files))
        for f, path in paths.items():
            console.out.print(f"  {f}: {path}", highlight=False)


def _lang(lang: str | None, project: Any) -> str:
    from shopops.errors import QueryError

    chosen = lang or project.settings.language
    if chosen not in ("zh", "en"):
        raise QueryError(f"unknown language {chosen!r}; valid languages: zh, en")
    return str(chosen)


def track_cmd(
    week: Annotated[str | None, typer.Option("--week", help="ISO week 2026-W47, or fiscal FY2026-W12.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Month 2026-11, or fiscal FY2026-M08.")] = None,
    to_date: Annotated[
        bool, typer.Option("--to-date", help="The year to date up to the newest day (default).")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day counted, YYYY-MM-DD (default: newest data).")
    ] = None,
    fiscal_year: Annotated[int | None, typer.Option("--fiscal-year", help="Fiscal year, e.g. 2026.")] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    metric: Annotated[str, typer.Option("--metric", help="A summable metric with targets.")] = "paid_amount",
    threshold: Annotated[float, typer.Option("--threshold", help="Alert below this achievement.")] = 0.95,
    calendar: CalendarOption = None,
    weeks: WeeksOption = None,
    week_start: WeekStartOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, or a comma list of json, html, xlsx, md.")
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for files (default: PROJECT/reports; md or json alone: stdout)."),
    ] = None,
) -> None:
    """Achievement against target: weeks, months, year to date, run-rate needed, year-end projection, alerts.
    目标达成跟踪：周/月达成率、年累计、所需日均、年末预测、预警。

    Example: shopops track --week 2026-W47 --store tmall_flagship
    """

    from shopops.calendar.fiscal import fiscal_calendar
    from shopops.plan.track import TrackParams, focus_period, track

    if sum(bool(x) for x in (week, month, to_date)) > 1:
        raise typer.BadParameter("give one of --week, --month, --to-date")
    pattern, weeks, start = calendar_choice(calendar, weeks, week_start)
    day = day_option(as_of, "--as-of")
    formats = _formats(fmt)
    project = STATE.open_project()
    with project:
        cal = fiscal_calendar(project.settings, pattern=pattern, week_start=start, weeks=weeks)
        focus = focus_period(week, "week", cal) if week else focus_period(month, "month", cal) if month else None
        for scope in _scopes(project, store, formats, out):
            params = TrackParams(
                metric=metric,
                stores=scope,
                as_of=day,
                period=focus,
                fiscal_year=fiscal_year,
                threshold=threshold,
                pattern=pattern,  # type: ignore[arg-type]
                week_start=start,
                weeks=weeks,  # type: ignore[arg-type]
            )
            result = track(project, params)
            _emit(result.report(_lang(lang, project)), formats, out, project.settings.root)


def _scopes(project: Any, store: list[str] | None, formats: list[str], out: Path | None) -> list[tuple[str, ...]]:
    """The stores asked for, or without --store every store, one run per currency (as `shopops report`)."""
    from shopops.cli.output import check_printable, to_stdout

    if store:
        return [tuple(store)]
    from shopops.warehouse.scope import Scope

    scopes = [group.names for group in Scope.resolve(project.warehouse).by_currency()]
    if to_stdout(formats, out):
        check_printable(formats[0], len(scopes))
    return scopes


def scorecard_cmd(
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2026-W47.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Month, e.g. 2026-11.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Scorecard TOML (default: PROJECT/scorecard.toml, else built-in).")
    ] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, or a comma list of json, html, xlsx, md.")
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for files (default: PROJECT/reports; md or json alone: stdout)."),
    ] = None,
    show_default: Annotated[bool, typer.Option("--show-default", help="Print the built-in config and exit.")] = False,
) -> None:
    """KPI scorecard per role (运营, 推广, 客服, 设计): targets, actuals, scores, weighted role scores.
    岗位KPI考核表。

    Example: shopops scorecard --week 2026-W47 --config scorecard.toml
    """
    from shopops.plan.scorecard import DEFAULT_CONFIG, ScorecardParams, scorecard

    if show_default:
        typer.echo(DEFAULT_CONFIG, nl=False)
        return
    formats = _formats(fmt)
    project = STATE.open_project()
    with project:
        for scope in _scopes(project, store, formats, out):
            result = scorecard(project, ScorecardParams(week=week, month=month, stores=scope, config=config))
            _emit(result.report(_lang(lang, project)), formats, out, project.settings.root)
