"""``shopops calendar``: the year's festivals (window and node), official days off, make-up workdays
and the shop's campaigns, as a table, JSON or an Excel workbook."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.calendar_options import CalendarOption, WeeksOption, WeekStartOption, calendar_choice
from shopops.cli.state import STATE

if TYPE_CHECKING:
    from shopops.calendar.festivals import Festival, Market, OfficialDay
    from shopops.calendar.fiscal import FiscalCalendar, Span
    from shopops.cli.console import RichOut
    from shopops.settings import Settings

FORMATS = ("table", "json", "xlsx")


def register(app: typer.Typer) -> None:
    app.command("calendar")(calendar_cmd)


def _settings() -> Settings | None:
    """The project's settings; None when no project is found and none was asked for."""
    from shopops.errors import ConfigError
    from shopops.settings import load_settings

    try:
        return load_settings(STATE.project)
    except ConfigError:
        if STATE.project is not None:
            raise
        return None


def _fiscal(
    settings: Settings | None, pattern: str | None, weeks: str | None, week_start: str | None
) -> FiscalCalendar:
    """The fiscal calendar: the options, else ``[calendar]`` of the project, else calendar months and
    Monday weeks."""
    from shopops.calendar.fiscal import FiscalCalendar, fiscal_calendar

    pattern, weeks, start = calendar_choice(pattern, weeks, week_start)
    if settings is not None:
        return fiscal_calendar(settings, pattern=pattern, week_start=start, weeks=weeks)
    return FiscalCalendar(1, pattern or "calendar", start or 0, weeks or "natural")  # type: ignore[arg-type]


def _range(
    settings: Settings | None, year: int | None, fiscal_year: int | None, cal: FiscalCalendar | None = None
) -> tuple[date, date, str]:
    if year is not None and fiscal_year is not None:
        raise typer.BadParameter("give --year or --fiscal-year, not both", param_hint="--fiscal-year")
    if fiscal_year is not None:
        span = (cal or _fiscal(settings, None, None, None)).year(fiscal_year)
        return span.start, span.end, span.label
    y = year if year is not None else date.today().year
    return date(y, 1, 1), date(y, 12, 31), str(y)


def _fact_rows(fests: list[Festival], official: list[OfficialDay]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "type": "festival",
            "day": f.day.isoformat(),
            "key": f.key,
            "name_zh": f.name_zh,
            "name_en": f.name_en,
            "kind": f.kind,
            "markets": sorted(f.markets),
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
        }
        for f in fests
    ]
    rows += [
        {
            "type": "day_off" if o.off else "makeup_workday",
            "day": o.day.isoformat(),
            "key": o.holiday,
            "name_zh": o.name_zh,
            "name_en": o.name_en,
        }
        for o in official
    ]
    return sorted(rows, key=lambda r: (r["day"], r["type"] != "festival", r["key"]))


def _print_tables(out: RichOut, fests: list[Festival], official: list[OfficialDay], label: str, zh: bool) -> None:
    from rich.table import Table

    from shopops.reports.calendar_xlsx import WEEKDAYS

    names = WEEKDAYS["zh" if zh else "en"]
    table = Table("node", "weekday", "festival", "key", "kind", "window", "days", title=f"festivals {label}")
    for f in fests:
        window = f.start.isoformat() if f.start == f.end else f"{f.start.isoformat()} – {f.end.isoformat()}"
        name = f.name_zh if zh else f.name_en
        days = (f.end - f.start).days + 1
        table.add_row(f.day.isoformat(), names[f.day.weekday()], name, f.key, f.kind, window, str(days))
    out.out.print(table)
    if not official:
        return
    by_holiday: dict[tuple[str, str], list[OfficialDay]] = {}
    for o in official:
        by_holiday.setdefault((o.holiday, o.name_zh if zh else o.name_en), []).append(o)
    days_table = Table("holiday", "days off", "n", "make-up workdays", title=f"official days off {label}")
    for (_, name), rows in sorted(by_holiday.items(), key=lambda kv: min(o.day for o in kv[1] if o.off)):
        off = [o.day for o in rows if o.off]
        work = [f"{o.day.isoformat()} {names[o.day.weekday()]}" for o in rows if not o.off]
        span = f"{off[0].isoformat()} – {off[-1].isoformat()}" if off else ""
        days_table.add_row(name, span, str(len(off)), ", ".join(work))
    out.out.print(days_table)


def fiscal_periods(cal: FiscalCalendar, start: date, end: date, fests: list[Festival]) -> list[Span]:
    """Halves, quarters, months and weeks of the fiscal years overlapping ``start``..``end``, in order."""
    out = []
    for fy in range(cal.year_of(start), cal.year_of(end) + 1):
        for level in ("year", "half", "quarter", "month", "week"):
            out += [s for s in cal.spans(fy, level) if s.start <= end and s.end >= start]  # type: ignore[arg-type]
    return out


def _period_rows(spans: list[Span], fests: list[Festival], zh: bool) -> list[dict[str, Any]]:
    return [
        {
            "level": s.level,
            "label": s.label,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "days": s.days,
            "parent": s.parent,
            "nodes": [f.name_zh if zh else f.name_en for f in fests if s.start <= f.day <= s.end],
        }
        for s in spans
    ]


def _print_periods(out: RichOut, rows: list[dict[str, Any]], cal: FiscalCalendar, label: str) -> None:
    from rich.table import Table

    title = f"fiscal periods {label} ({cal.pattern}, weeks {cal.week_view}, week starts {'Mon' if cal.week_start == 0 else 'Sun'})"
    table = Table("period", "start", "end", "days", "in", "festival nodes", title=title)
    for r in rows:
        if r["level"] == "year":
            continue
        table.add_row(r["label"], r["start"], r["end"], str(r["days"]), r["parent"] or "", "、".join(r["nodes"]))
    out.out.print(table)


def calendar_cmd(
    year: Annotated[int | None, typer.Option("--year", "-y", help="Calendar year (default: this year).")] = None,
    fiscal_year: Annotated[
        int | None, typer.Option("--fiscal-year", help="Fiscal year instead (starts in fiscal_year_start_month).")
    ] = None,
    market: Annotated[
        str | None,
        typer.Option(
            "--market", help="cn or west (default: calendar.market in shopops.toml, else the stores' market)."
        ),
    ] = None,
    periods: Annotated[
        bool, typer.Option("--periods", help="Show the fiscal halves, quarters, months and weeks instead.")
    ] = False,
    pattern: CalendarOption = None,
    weeks: WeeksOption = None,
    week_start: WeekStartOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx.")] = "table",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (xlsx default: calendar-YEAR.xlsx).")
    ] = None,
) -> None:
    """Festivals (window and node), official days off and make-up workdays, and campaigns; with
    --periods the fiscal year's halves, quarters, months and weeks. 节日日历 / 财年周期。

    Example: shopops calendar --year 2026 --market cn --format xlsx;
    shopops calendar --fiscal-year 2026 --periods --calendar 454 --week-start sun
    """
    from shopops.calendar import festivals as fx

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: use table, json or xlsx", param_hint="--format")
    if market is not None and market not in fx.MARKETS:
        raise typer.BadParameter(f"{market!r}: use cn or west", param_hint="--market")
    settings = _settings()
    cal = _fiscal(settings, pattern, weeks, week_start)
    start, end, label = _range(settings, year, fiscal_year, cal)
    chosen: Market | None = market if market is not None else None  # type: ignore[assignment]
    if chosen is None and settings is not None:
        chosen = fx.settings_market(settings)
    kwargs: dict[str, Any] = {"market": chosen}
    if settings is not None:
        kwargs |= {
            "campaigns": settings.campaigns,
            "extra": settings.holidays_path,
            "platforms": {s.name: s.platform for s in settings.stores},
        }
    fests = [f for f in fx.festivals_between(start, end, **kwargs) if start <= f.day <= end]
    official = [o for y in range(start.year, end.year + 1) for o in fx.official_days(y, extra=kwargs.get("extra"))]
    official = [o for o in official if start <= o.day <= end and chosen != "west"]
    out = STATE.console()
    covered = fx.holiday_years(extra=kwargs.get("extra"))
    missing = [y for y in range(start.year, end.year + 1) if y not in covered and chosen != "west"]
    if missing:
        from rich.markup import escape

        out.warn(
            escape(
                f"no official holiday arrangement for {', '.join(map(str, missing))} (data: "
                f"{', '.join(map(str, sorted(covered)))}); add the year's notice with [calendar] holidays_file "
                "(docs/calendar.md)"
            )
        )
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter(f"{lang!r}: use zh or en", param_hint="--lang")
    zh = (lang or (settings.language if settings is not None else "zh")) == "zh"
    spans = _period_rows(fiscal_periods(cal, start, end, fests), fests, zh)
    if fmt == "json":
        text = json.dumps(spans if periods else _fact_rows(fests, official), ensure_ascii=False, indent=2)
        if out_file is None:
            typer.echo(text)
        else:
            out_file.write_text(text + "\n", encoding="utf-8")
            out.info(f"wrote {out_file}")
    elif fmt == "xlsx":
        from shopops.reports.calendar_xlsx import write_calendar_xlsx

        days = fx.calendar_range(start, end, **kwargs)
        path = write_calendar_xlsx(
            days, fests, out_file or Path(f"calendar-{label}.xlsx"), language="zh" if zh else "en", periods=spans
        )
        out.out.print(f"wrote {path} ({len(days)} days, {len(fests)} festivals)", highlight=False)
    elif periods:
        _print_periods(out, spans, cal, label)
    else:
        _print_tables(out, fests, official, label, zh)
