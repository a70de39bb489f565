"""``shopops report daily|weekly|monthly``: the 日报/周报/月报 as HTML, Excel, Markdown and JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from shopops.cli.state import STATE

FORMATS = ("html", "xlsx", "md", "json")


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def parse_day(
    kind: str, day: str | None, week: str | None, month: str | None, quarter: str | None = None
) -> date | None:
    """The day that places the report: ``--date 2026-10-25``, ``--week 2026-W43``, ``--month 2026-10``
    or ``--quarter 2026-Q3`` (read by the one period parser, :func:`shopops.calendar.parse_period`)."""
    from shopops.calendar.period import parse_day as read_day
    from shopops.calendar.period import parse_period
    from shopops.errors import QueryError

    options = (("--date", day), ("--week", week), ("--month", month), ("--quarter", quarter))
    given = [(o, v) for o, v in options if v]
    if len(given) > 1:
        raise typer.BadParameter(
            f"give one of --date, --week, --month, --quarter (got {', '.join(o for o, _ in given)})"
        )
    if not given:
        return None
    option, text = given[0]
    try:
        if option == "--date":
            return read_day(text)
        period = parse_period(text)
    except QueryError as exc:  # a usage error of this option: shown with the option, as Typer shows them
        raise typer.BadParameter(f"{exc.message}; {exc.hint}", param_hint=option) from None
    grain = {"--week": "week", "--month": "month", "--quarter": "quarter"}[option]
    if period.grain != grain:
        raise typer.BadParameter(f"{text!r} is not a {grain} (e.g. {_EXAMPLE[grain]})", param_hint=option)
    return period.start


_EXAMPLE = {"week": "2026-W43", "month": "2026-10", "quarter": "2026-Q3"}


def report_cmd(
    kind: Annotated[str, typer.Argument(help="daily, weekly, monthly (日报/周报/月报) or customers (客户与商品季报).")],
    day: Annotated[str | None, typer.Option("--date", help="A day of the period, YYYY-MM-DD.")] = None,
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2026-W43.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Month, e.g. 2026-10.")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="Quarter (customers report), e.g. 2026-Q3.")] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    all_stores: Annotated[
        bool,
        typer.Option(
            "--all-stores",
            help="Every store of the project, one report per currency (what leaving out --store does; say it "
            "explicitly, e.g. in a schedule).",
        ),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Comma list of html, xlsx, md, json.")
    ] = "html,xlsx,md,json",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the files (default: PROJECT/reports; with --format md or json alone: stdout)."
        ),
    ] = None,
) -> None:
    """Write the daily, weekly, monthly or customer report: KPIs, why they moved, a written summary. 日报/周报/月报。

    The customers report covers a quarter: buyers, repurchase, cohorts, RFM, CLV and churn, 20/80,
    product roles, items bought together, refunds. Without --date/--week/--month/--quarter: the newest
    complete period. With --all-stores, or without --store: every store of the project (shopops.toml),
    one report per currency (money of different currencies is never added up).
    Files go to --out or PROJECT/reports; --format md or --format json alone, without --out, prints the
    report to stdout instead (docs/cli.md).
    """
    from shopops.cli.output import check_printable, print_report, to_stdout
    from shopops.compositions.reports import KINDS, build
    from shopops.errors import QueryError
    from shopops.warehouse.scope import Scope

    if kind not in KINDS:
        raise QueryError(f"unknown report {kind!r}; valid reports: {', '.join(KINDS)}")
    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise QueryError(f"unknown format {', '.join(bad) or fmt!r}; valid formats: {', '.join(FORMATS)}")
    if store and all_stores:
        raise typer.BadParameter("give --store or --all-stores, not both")
    when = parse_day(kind, day, week, month, quarter)
    project = STATE.open_project()
    console = STATE.console()
    language = lang or project.settings.language
    target = out or project.settings.root / "reports"
    with project:
        # --store, --all-stores or neither: resolved once, here, into one scope per currency
        scopes = Scope.resolve(project.warehouse, () if all_stores else tuple(store or ())).by_currency()
        printed = to_stdout(formats, out)
        if printed:
            check_printable(formats[0], len(scopes))
        for n, scope in enumerate(scopes):
            with console.task(f"{kind} report: {', '.join(scope.names)}"):
                paths: dict[str, Path] = {}
                if printed:
                    report = build(kind, scope, day=when, lang=language)
                else:
                    report, paths = project.report(
                        kind, day=when, stores=scope, lang=language, out_dir=target, formats=formats
                    )
            if printed:
                if n:
                    typer.echo()
                print_report(report, formats[0])
                continue
            console.out.print(f"[bold]{report.title}[/bold]  {report.period.start} – {report.period.end}")
            for line in report.summary:
                console.out.print(f"  • {line}", highlight=False)
            for f, path in paths.items():
                console.out.print(f"  {f}: {path}", highlight=False)
