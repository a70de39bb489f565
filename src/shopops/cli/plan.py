"""``shopops plan``: a year's target broken into halves, quarters, months, weeks and days, what it
takes in visitors, buyers, channels and products, written as a report and saved as targets."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.calendar_options import CalendarOption, WeeksOption, WeekStartOption, calendar_choice
from shopops.cli.console import print_report_table
from shopops.cli.state import STATE

if TYPE_CHECKING:
    pass

FORMATS = ("html", "xlsx", "md", "json")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_cmd)


def parse_amount(text: str) -> Decimal:
    """``12000000``, ``12,000,000``, ``1200万``, ``1.2亿``, ``12m`` → Decimal (see
    :func:`shopops.plan.reconcile.parse_amount`, which reads the views of ``shopops forecast`` too)."""
    from shopops.plan.reconcile import parse_amount as amount

    value = amount(text)
    if value is None:
        raise typer.BadParameter(
            f"{text!r} is not an amount; write it like 12000000, 12,000,000, 1200万 or 1.2亿", param_hint="--target"
        )
    return value


def parse_uplifts(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r}: write KEY=MULTIPLIER, e.g. double11=6", param_hint="--uplift")
    return out


def plan_cmd(
    fiscal_year: Annotated[
        int, typer.Option("--fiscal-year", help="The fiscal year to plan (named by the year it starts in).")
    ],
    target: Annotated[
        str | None, typer.Option("--target", help="The year's target: 12000000, 12,000,000, 1200万 or 1.2亿.")
    ] = None,
    growth: Annotated[
        float | None, typer.Option("--growth", help="Without --target: last year's actual grown by PCT percent.")
    ] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    metric: Annotated[
        str, typer.Option("--metric", help="An amount of money that adds up over days (default paid_amount).")
    ] = "paid_amount",
    from_history: Annotated[
        bool,
        typer.Option(
            "--from-history/--no-history", help="Shape the year from last year's days (default) or the default profile."
        ),
    ] = True,
    uplift: Annotated[
        list[str] | None,
        typer.Option("--uplift", help="A festival's main-day multiplier, KEY=X (repeatable), e.g. 618=4."),
    ] = None,
    calendar: CalendarOption = None,
    weeks: WeeksOption = None,
    week_start: WeekStartOption = None,
    cvr: Annotated[
        float | None, typer.Option("--cvr", help="Planned conversion (0.035 = 3.5%) for every period.")
    ] = None,
    aov: Annotated[float | None, typer.Option("--aov", help="Planned 客单价 for every period.")] = None,
    top: Annotated[int, typer.Option("--top", help="Products per role in the product split.")] = 5,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the plan as targets in the warehouse.")] = True,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma list of html, xlsx, md, json.")] = "html,xlsx,json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the files (default: PROJECT/reports; with --format md or json alone: stdout)."
        ),
    ] = None,
) -> None:
    """Break a year's target into halves, quarters, months, weeks and days (festival nodes weighted from
    history), show what it takes, and save it as targets. 年度目标拆解。

    Files go to --out or PROJECT/reports; --format md or --format json alone, without --out, prints the
    plan report to stdout instead (docs/cli.md).
    """
    from shopops.cli.output import check_printable, print_report, to_stdout
    from shopops.errors import QueryError
    from shopops.plan import PlanParams

    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise QueryError(f"unknown format {', '.join(bad) or fmt!r}; valid formats: {', '.join(FORMATS)}")
    pattern, weeks, start = calendar_choice(calendar, weeks, week_start)
    params = PlanParams(
        fiscal_year,
        target=parse_amount(target) if target is not None else None,
        metric=metric,
        stores=tuple(store or ()),
        from_history=from_history,
        growth=growth / 100 if growth is not None else None,
        uplifts=parse_uplifts(uplift),
        pattern=pattern,  # type: ignore[arg-type]
        week_start=start,
        weeks=weeks,  # type: ignore[arg-type]
    )
    project = STATE.open_project()
    console = STATE.console()
    with project:
        scopes = [params.stores]
        if not params.stores and params.target is None:  # --growth: each currency grows its own actual
            from shopops.warehouse.scope import Scope

            scopes = [group.names for group in Scope.resolve(project.warehouse).by_currency()]
        printed = to_stdout(formats, out)
        if printed:
            check_printable(formats[0], len(scopes))
        for n, scope in enumerate(scopes):
            with console.task(f"planning {params.metric} for FY{fiscal_year}: {', '.join(scope) or 'all stores'}"):
                run = project.plan(
                    dataclasses.replace(params, stores=scope),
                    cvr=cvr,
                    aov=aov,
                    top=top,
                    save=save,
                    lang=lang,
                    out_dir=out,
                    formats=() if printed else tuple(formats),
                )
            if printed:
                if n:
                    typer.echo()
                print_report(run.report, formats[0])
                for summary in run.imports:
                    console.info(f"saved as targets: {summary.line()}")
                continue
            _print_run(console.out, run)


def _print_run(out: Any, run: Any) -> None:
    report = run.report
    out.print(f"[bold]{report.title}[/bold]  {report.period.start} – {report.period.end}")
    for line in report.summary:
        out.print(f"  • {line}", highlight=False)
    print_report_table(out, report.section("month").table("month"), report.lang)
    for note in report.notes:
        out.print(f"  note: {note}", highlight=False, markup=False)
    for summary in run.imports:
        out.print(f"  saved as targets: {summary.line()}", highlight=False)
    for f, path in run.paths.items():
        out.print(f"  {f}: {path}", highlight=False)
