"""``shopops analyze buyers|cohorts|rfm``: new vs returning buyers and repurchase, cohort triangles, RFM segments."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.dates import day_option as _day
from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd

    from shopops.analyses.rfm import RFMResult

FORMATS = ("table", "csv", "json")
StoreOpt = Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


def register(app: typer.Typer) -> None:
    app.command("buyers")(buyers_cmd)
    app.command("cohorts")(cohorts_cmd)
    app.command("rfm")(rfm_cmd)


def _required(text: str | None, option: str) -> date:
    day = _day(text, option)
    if day is None:
        raise typer.BadParameter("required", param_hint=option)
    return day


def buyers_cmd(
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (inclusive), YYYY-MM-DD.")] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="day, week, month, quarter, year or total.")] = "month",
    windows: Annotated[
        str, typer.Option("--windows", help="Repurchase windows in days, comma-separated.")
    ] = "30,90,365",
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """New vs returning buyers by period, 30/90/365-day repurchase rates, purchase frequency. 新老买家与复购。"""
    from shopops.analyses.buyers import BuyersParams, buyers
    from shopops.warehouse.scope import Scope

    _check_format(fmt)
    try:
        days = tuple(int(n) for n in windows.split(",") if n.strip())
    except ValueError as exc:
        raise typer.BadParameter(f"{windows!r} is not a list of days", param_hint="--windows") from exc
    params = BuyersParams(_required(start, "--from"), _required(end, "--to"), grain=grain, windows=days)
    with STATE.open_project() as project:
        result = buyers(Scope.resolve(project, store or ()), params)
    _emit(
        {"by_period": result.by_period, "repurchase": result.repurchase, "frequency": result.frequency},
        fmt,
        result.notes,
    )


def cohorts_cmd(
    end: Annotated[str, typer.Option("--to", help="Last day counted (inclusive), YYYY-MM-DD.")],
    start: Annotated[str | None, typer.Option("--from", help="First cohort month (a day in it).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="channel: split cohorts by acquisition channel.")] = None,
    value: Annotated[
        str, typer.Option("--value", help="Triangle cells: retention, buyers, revenue, revenue_per_buyer, orders.")
    ] = "retention",
    long: Annotated[bool, typer.Option("--long", help="Print the long table instead of the triangle.")] = False,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Cohort triangles by first-purchase month: buyers retained and revenue. 同期群分析。"""
    from shopops.analyses.cohorts import CohortParams, cohorts
    from shopops.warehouse.scope import Scope

    _check_format(fmt)
    params = CohortParams(end=_required(end, "--to"), start=_day(start, "--from"), by=by)
    with STATE.open_project() as project:
        result = cohorts(Scope.resolve(project, store or ()), params)
    if long:
        _emit({"cohorts": result.long}, fmt, [])
        return
    triangle = result.triangle(value)
    triangle.columns = [f"m{c}" for c in triangle.columns]
    _emit({f"cohorts_{value}": triangle.reset_index()}, fmt, [])


def rfm_cmd(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Score as of this day (default: the last day with a paid order).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Count orders from this day only.")] = None,
    export: Annotated[
        str | None, typer.Option("--export", help="Write each segment's customer list into this folder.")
    ] = None,
    export_format: Annotated[str, typer.Option("--export-format", help="csv, xlsx or json.")] = "csv",
    customers: Annotated[
        bool, typer.Option("--customers", help="Print every buyer's scores, not the segments.")
    ] = False,
    store: StoreOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """RFM scores and the eight segments (重要价值客户 …) with counts, revenue share and actions. RFM 客户分层。"""
    from shopops.analyses.rfm import RFMParams, rfm
    from shopops.warehouse.scope import Scope

    _check_format(fmt)
    params = RFMParams(as_of=_day(as_of, "--as-of"), start=_day(start, "--from"))
    with STATE.open_project() as project:
        result = rfm(Scope.resolve(project, store or ()), params)
    notes = [
        f"as of {result.as_of}; {result.total_buyers} buyers, revenue {result.total_revenue} {result.currency}; "
        f"high = score above the mean (R {result.thresholds['r']:.2f}, F {result.thresholds['f']:.2f}, "
        f"M {result.thresholds['m']:.2f})"
    ]
    if export:
        written = export_segments(result, export, fmt=export_format)
        notes += [f"wrote {path}" for path in written]
    _emit({"customers" if customers else "segments": result.customers if customers else result.segments}, fmt, notes)


def export_segments(result: RFMResult, out_dir: Path | str, *, fmt: str = "csv") -> list[Path]:
    """Write each segment's customer list for marketing tools: ``rfm_<code>_<en name>.csv`` (UTF-8 with
    BOM, so Excel shows Chinese) or one workbook ``rfm_segments.xlsx`` with a summary sheet and a sheet
    per segment. Empty segments are skipped. Returns the files written."""
    from shopops.analyses.rfm import segment_lists
    from shopops.reports.tables import write_tables

    lists = segment_lists(result, workbook=fmt == "xlsx")
    return write_tables(lists, out_dir, fmt, workbook="rfm_segments", bom=True)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        from shopops.errors import QueryError

        raise QueryError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")


def _emit(tables: dict[str, pd.DataFrame], fmt: str, notes: list[str]) -> None:
    """One table: plain CSV / a JSON array. Several: CSV sections headed ``# name`` / a JSON object."""
    if fmt == "csv":
        parts = [t.to_csv(index=False) for t in tables.values()]
        if len(tables) > 1:
            parts = [f"# {name}\n{text}" for name, text in zip(tables, parts, strict=True)]
        typer.echo("\n".join(parts), nl=False)
        return
    if fmt == "json":
        records = {
            name: [{k: _plain(v) for k, v in r.items()} for r in t.to_dict("records")] for name, t in tables.items()
        }
        body: Any = next(iter(records.values())) if len(records) == 1 else records
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    from rich.table import Table

    out = STATE.console()
    for name, frame in tables.items():
        table = Table(*[str(c) for c in frame.columns], title=name)
        for row in frame.itertuples(index=False):
            table.add_row(*[_text(v) for v in row])
        out.out.print(table)
    for note in notes:
        out.out.print(f"note: {note}", highlight=False, markup=False)


def _plain(value: Any) -> Any:
    import pandas as pd

    if value is None or (not isinstance(value, str | Decimal | date) and bool(pd.isna(value))):
        return None
    if isinstance(value, Decimal | date):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
