"""``shopops analyze clv``: P(alive), expected purchases, discounted CLV and active / at risk / churned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.dates import day_option
from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd

    from shopops.analyses.clv import ClvResult


def register(app: typer.Typer) -> None:
    app.command("clv")(clv_cmd)


def clv_cmd(
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Last day observed, YYYY-MM-DD (default: the last payment day).")
    ] = None,
    holdout_days: Annotated[
        int, typer.Option("--holdout-days", help="Also fit on all but the last N days and check the prediction.")
    ] = 0,
    horizon_months: Annotated[int, typer.Option("--horizon-months", help="CLV horizon in months.")] = 12,
    discount: Annotated[float, typer.Option("--discount", help="Monthly discount rate (0.01 = 1% a month).")] = 0.01,
    model: Annotated[str, typer.Option("--model", help="bgnbd (BG/NBD) or pareto (Pareto/NBD).")] = "bgnbd",
    active_from: Annotated[float, typer.Option("--active-from", help="P(alive) from which a buyer is active.")] = 0.7,
    churned_below: Annotated[
        float, typer.Option("--churned-below", help="P(alive) below which a buyer has churned.")
    ] = 0.3,
    top: Annotated[int, typer.Option("--top", help="Customers shown in table format.")] = 20,
    fmt: Annotated[str, typer.Option("--format", help="table, csv (customers) or json (everything).")] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the customer table to FILE.csv or FILE.xlsx.")
    ] = None,
) -> None:
    """Customer lifetime value and churn: BG/NBD or Pareto/NBD with Gamma-Gamma spend. 客户终身价值与流失。"""
    from shopops.analyses.clv import ClvParams, clv
    from shopops.warehouse.scope import Scope

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"{fmt!r}: choose table, csv or json", param_hint="--format")
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter(f"{out.name}: write a .csv or .xlsx file", param_hint="--out")
    params = ClvParams(
        end=day_option(end, "--end"),
        model=model,
        horizon_months=horizon_months,
        monthly_discount=discount,
        active_from=active_from,
        churned_below=churned_below,
        holdout_days=holdout_days,
    )
    with STATE.open_project() as project:
        result = clv(Scope.resolve(project, store or ()), params)
    if out is not None:
        _write(result, out)
    if fmt == "csv":
        typer.echo(result.customers.to_csv(index=False), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps(_as_json(result), ensure_ascii=False, default=str))
    else:
        _print(result, top)


def _write(result: ClvResult, out: Path) -> None:
    """The customers to a CSV file, or a workbook of the customers, the statuses and the holdout check."""
    from shopops.reports.tables import write_table, write_workbook

    if out.suffix.lower() == ".csv":
        write_table(result.customers, out, "csv")
        return
    sheets = {"customers": result.customers, "segments": result.segments}
    if not result.holdout.empty:
        sheets["holdout"] = result.holdout
    write_workbook(sheets, out)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    days = [c for c in ("first_purchase", "last_purchase") if c in frame.columns]
    frame = frame.assign(**{c: frame[c].astype(str) for c in days})
    return json.loads(frame.to_json(orient="records", force_ascii=False, default_handler=str))  # type: ignore[no-any-return]


def _as_json(result: ClvResult) -> dict[str, Any]:
    return {
        "end": str(result.end),
        "currency": result.currency,
        "parameters": result.parameters,
        "diagnostics": result.diagnostics,
        "segments": _records(result.segments),
        "holdout": _records(result.holdout),
        "customers": _records(result.customers),
        "notes": result.notes,
    }


def _table(frame: pd.DataFrame, title: str, digits: int = 3) -> Any:
    from rich.table import Table

    table = Table(*[str(c) for c in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:,.{digits}f}" if isinstance(v, float) else str(v) for v in row])
    return table


def _print(result: ClvResult, top: int) -> None:
    import pandas as pd

    console = STATE.console()
    p = result.params
    fit = result.diagnostics["purchase_model"]
    console.out.print(
        f"CLV to {result.end} ({', '.join(result.diagnostics['stores'])}, {result.currency}): "
        f"{result.diagnostics['customers']:,} buyers, {result.diagnostics['repeat_customers']:,} repeat; "
        f"horizon {p.horizon_months} months at {p.monthly_discount:.2%} a month; time unit {p.unit}",
        highlight=False,
    )
    rows = [
        {"model": name, "parameter": k, "value": v}
        for name, values in result.parameters.items()
        for k, v in values.items()
    ]
    console.out.print(_table(pd.DataFrame(rows), "parameters", 4))
    console.out.print(f"log-likelihood {fit['log_likelihood']:,.2f} (converged: {fit['converged']})", highlight=False)
    console.out.print(
        _table(result.segments, f"status: active P(alive) ≥ {p.active_from}, churned < {p.churned_below}", 3)
    )
    if not result.holdout.empty:
        console.out.print(_table(result.holdout, f"holdout: last {p.holdout_days} days, actual vs predicted", 3))
    shown = result.customers.head(top).drop(columns=["first_purchase", "last_purchase"])
    console.out.print(_table(shown, f"top {min(top, len(result.customers))} customers by CLV", 2))
    for note in result.notes:
        console.out.print(f"note: {note}", highlight=False, markup=False)
