"""``shopops analyze NAME``: run any registered analysis for a period and stores, and print its section.

The one generic runner over :mod:`shopops.compositions.registry`: the scope (``--store``) and the
period (``--from``/``--to`` or ``--period``) are resolved here, once; the analysis's options come as
``--param key=value`` (checked by :func:`~shopops.analyses.base.params_from`); its section is printed
as a table, JSON (its tables as records), CSV or Markdown. ``shopops analyze --list`` lists the names.

    shopops analyze rfm --period 2026-Q3 --lang en
    shopops analyze products --from 2026-10-01 --to 2026-10-31 --param shown=20 --format json
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin, get_type_hints

import typer

from shopops.cli.state import STATE

if TYPE_CHECKING:
    from shopops.analyses.base import Context
    from shopops.calendar.period import Period
    from shopops.project import Project
    from shopops.reports.model import Report, Section
    from shopops.warehouse.scope import Scope

RUN_FORMATS = ("table", "json", "csv", "md")
#: how a period's grain names it in sentences
KINDS = {"day": "daily", "week": "weekly", "month": "monthly"}


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)


def run_cmd(
    name: Annotated[str, typer.Argument(help="A registered analysis (`shopops analyze --list`).")],
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (inclusive), YYYY-MM-DD.")] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="A period: 2026-10-19, 2026-W43, 2026-10, 2026-Q3, FY2026, a..b.")
    ] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")] = "table",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-P", help="An option of the analysis, key=value (repeatable).")
    ] = None,
) -> None:
    """Run any registered analysis and print its section (the period defaults to the month of the newest order). 运行任一分析。"""
    from shopops.analyses.base import Context, params_from
    from shopops.compositions import registry
    from shopops.warehouse.scope import Scope

    if fmt not in RUN_FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose {', '.join(RUN_FORMATS)}", param_hint="--format")
    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter(f"{lang!r}: choose zh or en", param_hint="--lang")
    analysis = registry.get(name)
    params = params_from(analysis.params, option_values(analysis.params, param or []))
    with STATE.open_project() as project:
        language = lang or project.settings.language
        scope = Scope.resolve(project, tuple(store or ()))
        when = resolve_period(project, scope, start, end, period)
        kind = KINDS.get(when.grain, "range")
        ctx = Context.create(scope, when, previous=when.previous(), yoy=when.year_ago(), kind=kind, lang=language)
        _, section = analysis.run(ctx, params, language)
    title = analysis.title_in(language) or name
    emit(section, ctx, title, fmt, language)


def option_values(cls: type[Any], pairs: list[str]) -> dict[str, Any]:
    """``key=value`` texts as the values :func:`params_from` converts; a list (``a,b``) for a tuple option."""
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        key = key.strip()
        hint = hints.get(key)
        is_tuple = get_origin(hint) is tuple or any(get_origin(a) is tuple for a in get_args(hint))
        values[key] = [v.strip() for v in value.split(",") if v.strip()] if is_tuple else value.strip()
    return values


def resolve_period(project: Project, scope: Scope, start: str | None, end: str | None, text: str | None) -> Period:
    """``--period``, or ``--from``..``--to`` (``--to`` defaults to the newest order's day), or the month of
    the newest order."""
    from shopops.calendar.fiscal import fiscal_calendar
    from shopops.calendar.period import Period, parse_day, parse_period

    if text is not None:
        if start is not None or end is not None:
            raise typer.BadParameter("give --period or --from/--to, not both", param_hint="--period")
        return parse_period(text, fiscal_calendar(project.settings), option="--period")
    if start is not None:
        last = parse_day(end, "--to") if end is not None else scope.newest_day()
        return Period.span(parse_day(start, "--from"), last)
    if end is not None:
        raise typer.BadParameter("give --from with --to", param_hint="--from")
    return Period.of(scope.newest_day(), "month")


def one_section_report(section: Section, ctx: Context, title: str) -> Report:
    """``section`` as a report of its own (what the renderers take), with the run's period, stores and notes."""
    import pandas as pd

    from shopops.reports.model import Report

    return Report(
        kind="analysis",  # type: ignore[arg-type]  # one registered analysis, not one of the report kinds
        lang=ctx.lang,  # type: ignore[arg-type]
        title=f"{title} {ctx.period.label}",
        stores=list(ctx.stores),
        currency=ctx.scope.currencies[0] if len(ctx.scope.currencies) == 1 else None,
        period=ctx.period,
        previous=ctx.previous or ctx.period,
        yoy=ctx.yoy,
        generated_at=pd.Timestamp.now().to_pydatetime().replace(microsecond=0),
        summary=[],
        kpis=[],
        sections=[section],
        notes=list(ctx.notes),
        timings=dict(ctx.timings),
    )


def section_records(section: Section | None) -> dict[str, list[dict[str, Any]]]:
    """table id → its rows, keyed by column id, values as JSON types."""
    from shopops.reports.model import plain

    if section is None:
        return {}
    return {t.id: [{c.id: plain(row.get(c.id)) for c in t.columns} for row in t.rows] for t in section.tables}


def emit(section: Section | None, ctx: Context, title: str, fmt: str, lang: str) -> None:
    """Print the section in ``fmt`` (notes go with the table and Markdown formats)."""
    if fmt == "json":
        typer.echo(json.dumps(section_records(section), ensure_ascii=False))
        return
    if fmt == "csv":
        _csv(section_records(section))
        return
    if fmt == "md":
        from shopops.reports.markdown import to_markdown

        if section is not None:
            typer.echo(to_markdown(one_section_report(section, ctx, title), max_rows=None), nl=False)
        return
    from shopops.cli.console import print_report_table

    out = STATE.console()
    out.out.print(f"[bold]{title}[/bold]  {ctx.period.label}  {', '.join(ctx.stores)}", highlight=False)
    if section is None:
        out.out.print("nothing to show" if lang == "en" else "无内容", highlight=False)
    else:
        for line in section.text:
            out.out.print(line, highlight=False)
        for table in section.tables:
            print_report_table(out.out, table, lang)
    for note in [*(section.notes if section else []), *ctx.notes]:
        out.out.print(f"note: {note}", highlight=False, markup=False)


def _csv(tables: dict[str, list[dict[str, Any]]]) -> None:
    """One table: plain CSV. Several: CSV sections headed ``# table id``."""
    import csv
    import io

    parts = []
    for rows in tables.values():
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        parts.append(buffer.getvalue())
    if len(tables) > 1:
        parts = [f"# {name}\n{text}" for name, text in zip(tables, parts, strict=True)]
    typer.echo("\n".join(parts), nl=False)


__all__ = ["RUN_FORMATS", "emit", "one_section_report", "option_values", "resolve_period", "run_cmd", "section_records"]
