"""``shopops sample`` (a realistic synthetic shop as native exports) and ``shopops demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shopops.cli.dates import required_day
from shopops.cli.state import STATE

if TYPE_CHECKING:
    from shopops.project import Project
    from shopops.sample import Anomaly, SampleResult


def register(app: typer.Typer) -> None:
    app.command("sample")(sample)
    app.command("demo")(demo)


def _anomaly(text: str) -> Anomaly:
    from shopops.sample import Anomaly

    try:
        store, channel, start, days, change = text.split(":")
        return Anomaly(
            store=store, channel=channel, start=date.fromisoformat(start), days=int(days), cvr_change=float(change)
        )
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r}: expected STORE:CHANNEL:YYYY-MM-DD:DAYS:CHANGE, e.g. tmall_flagship:手淘搜索:2026-03-02:7:-0.4",
            param_hint="--anomaly",
        ) from exc


def _generate(
    out: Path, stores: int, days: int, seed: int, orders_per_day: int, end: str | None, anomaly: list[str] | None
) -> SampleResult:
    from shopops.sample import SampleSpec, generate

    kwargs = {"end_date": required_day(end, "--end")} if end else {}
    spec = SampleSpec(
        stores=stores,
        days=days,
        seed=seed,
        orders_per_day=orders_per_day,
        anomalies=[_anomaly(a) for a in anomaly or []],
        **kwargs,  # type: ignore[arg-type]
    )
    console = STATE.console()
    with console.task("generating the sample shop", total=days) as progress:
        last = [0]

        def tick(done: int, total: int) -> None:
            progress.advance(done - last[0])
            last[0] = done

        return generate(spec, out_dir=out, progress=tick)


def sample(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the exports.")],
    stores: Annotated[int, typer.Option(help="1 = Tmall, 2 = + JD, 3 = + Shopify.")] = 3,
    days: Annotated[int, typer.Option(help="Days of history.")] = 730,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 7,
    orders_per_day: Annotated[
        int, typer.Option("--orders-per-day", help="Ordinary-day orders of the Tmall store.")
    ] = 200,
    end: Annotated[str | None, typer.Option("--end", help="Last day, YYYY-MM-DD (default 2026-10-31).")] = None,
    anomaly: Annotated[
        list[str] | None,
        typer.Option("--anomaly", help="Plant a conversion drop: STORE:CHANNEL:YYYY-MM-DD:DAYS:CHANGE (e.g. -0.4)."),
    ] = None,
) -> None:
    """Write a realistic synthetic shop as native platform exports. 生成示例店铺数据。"""
    result = _generate(out, stores, days, seed, orders_per_day, end, anomaly)
    console = STATE.console()
    for f in result.files:
        console.out.print(f"{out / f.path}  ({f.kind}, {f.source}, {f.store}, {f.rows:,} rows)", highlight=False)
    console.out.print(f"described in {out / 'sample.json'}", highlight=False)


def write_reports(project: Project, kind: str) -> list[Path]:
    """The newest complete ``kind`` report of every currency group, all formats; the HTML paths."""
    from shopops.compositions.periodic import ReportParams, build_report
    from shopops.reports import render
    from shopops.warehouse.scope import Scope

    console = STATE.console()
    out = []
    for scope in Scope.resolve(project.warehouse).by_currency():
        with console.task(f"{kind} report: {', '.join(scope.names)}"):
            report = build_report(scope, ReportParams(kind, lang=project.settings.language))  # type: ignore[arg-type]
            paths = render(report, project.settings.root / "reports")
        for line in report.summary:
            console.out.print(f"  • {line}", highlight=False)
        out.append(paths["html"])
    return out


def write_plans(project: Project, growth: float = 0.2) -> list[Path]:
    """Plan the fiscal year holding the newest data (last year's actual + ``growth``) for every currency
    group and save it as targets, so the weekly report tracks it; the HTML paths. A group without a
    year of history gets no plan (said so)."""
    from shopops.calendar.fiscal import FiscalCalendar
    from shopops.errors import ShopopsError
    from shopops.plan import PlanParams

    console = STATE.console()
    out = []
    cal = FiscalCalendar(project.settings.fiscal_year_start_month)
    from shopops.warehouse.scope import Scope

    for currency_scope in Scope.resolve(project.warehouse).by_currency():
        scope = currency_scope.names
        fy = cal.year_of(currency_scope.newest_day())
        try:
            with console.task(f"plan FY{fy}: {', '.join(scope)}"):
                run = project.plan(PlanParams(fy, growth=growth, stores=scope), formats=("html", "xlsx", "json"))
        except ShopopsError as exc:
            console.out.print(f"  no plan for {', '.join(scope)}: {exc}", highlight=False)
            continue
        for line in run.report.summary[:2]:
            console.out.print(f"  • {line}", highlight=False)
        out.append(run.paths["html"])
    return out


def demo(
    directory: Annotated[Path, typer.Argument(help="Project folder for the demo (replaced if it exists).")] = Path(
        "demo"
    ),
    days: Annotated[int, typer.Option(help="Days of history.")] = 730,
    orders_per_day: Annotated[
        int, typer.Option("--orders-per-day", help="Ordinary-day orders of the Tmall store.")
    ] = 200,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Generate a sample shop, import it, plan the year (last year + 20%) and write the weekly report. 演示。"""
    import shutil

    from shopops.cli.data import _print_summary, print_store_totals
    from shopops.project import Project

    console = STATE.console()
    directory = directory.resolve()
    if directory.exists():
        if not (directory / "shopops.toml").exists() and any(directory.iterdir()):
            raise typer.BadParameter(f"{directory} exists and is not a shopops project; choose another folder")
        shutil.rmtree(directory)
    exports = directory / "exports"
    result = _generate(exports, 3, days, seed, orders_per_day, None, None)
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    project = Project.init(directory, stores=stores, console=console)
    with project:
        for f in result.files:
            summary = project.import_files([exports / f.path], store=f.store, source=f.source, kind=f.kind)[0]
            _print_summary(console, summary)
        print_store_totals(project)
        plans = write_plans(project)
        written = write_reports(project, "weekly")
    console.out.print(f"\nproject: {directory}  (try: shopops --project {directory} summary)", highlight=False)
    for path in plans:
        console.out.print(f"target plan (saved as targets): {path}", highlight=False)
    for path in written:
        console.out.print(f"weekly report: {path}", highlight=False)
