"""``shopops report daily|weekly|monthly``: the 日报/周报/月报 as HTML, Excel, Markdown and JSON."""

from __future__ import annotations

import re
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
    or ``--quarter 2026-Q3``."""
    options = (("--date", day), ("--week", week), ("--month", month), ("--quarter", quarter))
    given = [(o, v) for o, v in options if v]
    if len(given) > 1:
        raise typer.BadParameter(
            f"give one of --date, --week, --month, --quarter (got {', '.join(o for o, _ in given)})"
        )
    if not given:
        return None
    option, text = given[0]
    if option == "--quarter":
        q = re.fullmatch(r"(\d{4})-?Q([1-4])", text.strip(), flags=re.IGNORECASE)
        if not q:
            raise typer.BadParameter(f"{text!r} is not a quarter; write it like 2026-Q3", param_hint="--quarter")
        return date(int(q[1]), 3 * int(q[2]) - 2, 1)
    if option == "--week":
        m = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), flags=re.IGNORECASE)
        if not m:
            raise typer.BadParameter(f"{text!r} is not an ISO week; write it like 2026-W43", param_hint="--week")
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError as exc:
            raise typer.BadParameter(f"{text!r}: {exc}", param_hint="--week") from exc
    if option == "--month":
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
        if not m or not 1 <= int(m[2]) <= 12:
            raise typer.BadParameter(f"{text!r} is not a month; write it like 2026-10", param_hint="--month")
        return date(int(m[1]), int(m[2]), 1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--date") from exc


def report_cmd(
    kind: Annotated[str, typer.Argument(help="daily, weekly, monthly (日报/周报/月报) or customers (客户与商品季报).")],
    day: Annotated[str | None, typer.Option("--date", help="A day of the period, YYYY-MM-DD.")] = None,
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2026-W43.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="Month, e.g. 2026-10.")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="Quarter (customers report), e.g. 2026-Q3.")] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    all_stores: Annotated[
        bool, typer.Option("--all-stores", help="Every store together (one report per currency).")
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Comma list of html, xlsx, md, json.")
    ] = "html,xlsx,md,json",
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the files (default: PROJECT/reports).")] = None,
) -> None:
    """Write the daily, weekly, monthly or customer report: KPIs, why they moved, a written summary. 日报/周报/月报。

    The customers report covers a quarter: buyers, repurchase, cohorts, RFM, CLV and churn, 20/80,
    product roles, items bought together, refunds. Without --date/--week/--month/--quarter: the newest
    complete period. Without --store: every store, one
    report per currency (money of different currencies is never added up).
    """
    from shopops.analyses.report import KINDS, ReportParams, build_report, report_scopes
    from shopops.errors import QueryError
    from shopops.reports import render

    if kind not in (*KINDS, "customers"):
        raise QueryError(f"unknown report {kind!r}; valid reports: {', '.join((*KINDS, 'customers'))}")
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
        scopes = report_scopes(project.warehouse, tuple(store or ()))
        for scope in scopes:
            with console.task(f"{kind} report: {', '.join(scope)}"):
                if kind == "customers":
                    from shopops.compositions.customers import CustomerReportParams, build_customer_report

                    cparams = CustomerReportParams(day=when, stores=scope, lang=language)  # type: ignore[arg-type]
                    report = build_customer_report(project, cparams)
                else:
                    params = ReportParams(kind, day=when, stores=scope, lang=language)  # type: ignore[arg-type]
                    report = build_report(project, params)
                paths = render(report, target, formats=tuple(formats))
            console.out.print(f"[bold]{report.title}[/bold]  {report.period.start} – {report.period.end}")
            for line in report.summary:
                console.out.print(f"  • {line}", highlight=False)
            for f, path in paths.items():
                console.out.print(f"  {f}: {path}", highlight=False)
