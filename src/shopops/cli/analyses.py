"""``shopops decompose``: why 支付金额 moved — traffic, conversion or order value (exact LMDI);
``shopops rootcause``: which segment of which dimension moved a metric (Adtributor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from shopops.cli.dates import required_day as _day
from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd


def register(app: typer.Typer) -> None:
    app.command("decompose")(decompose_cmd)
    app.command("rootcause")(rootcause_cmd)


def _printed_as(table: pd.DataFrame, fmt: str) -> bool:
    """Print ``table`` as CSV or JSON when ``fmt`` asks for it (True), else leave it to the caller."""
    if fmt == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
        return True
    if fmt == "json":
        typer.echo(table.to_json(orient="records", force_ascii=False, default_handler=str))
        return True
    return False


def decompose_cmd(
    start: Annotated[str, typer.Option("--from", help="First day of the period, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period (inclusive).")],
    base_start: Annotated[str, typer.Option("--base-from", help="First day of the period to compare with.")],
    base_end: Annotated[str, typer.Option("--base-to", help="Last day of the period to compare with (inclusive).")],
    by: Annotated[str | None, typer.Option("--by", help="Decompose each segment: channel, store, device…")] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="orders, or traffic: paid amount and buyers per source from the traffic report (channels on Tmall/JD).",
        ),
    ] = "orders",
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Split the change in 支付金额 into traffic, conversion and order-value effects (LMDI, exact to the cent). 归因。"""
    from shopops.analyses import DecomposeParams, decompose
    from shopops.analyses.decompose import COLUMNS

    params = DecomposeParams(
        start=_day(start, "--from"),
        end=_day(end, "--to"),
        base_start=_day(base_start, "--base-from"),
        base_end=_day(base_end, "--base-to"),
        by=by,
        stores=tuple(store or ()),
        source=source,
    )
    project = STATE.open_project()
    with project:
        result = decompose(project, params)
    table = result.table
    if _printed_as(table, fmt):
        return
    from rich.table import Table

    out = STATE.console()
    shown = [
        c
        for c in COLUMNS
        if c not in ("uv_base", "uv_current", "buyers_base", "buyers_current", "decomposable", "reason")
    ]
    rich_table = Table(*shown)
    for row in table[shown].itertuples(index=False):
        rich_table.add_row(*["" if v is None else str(v) for v in row])
    out.out.print(rich_table)
    for segment, reason in result.not_decomposable.items():
        out.out.print(f"{segment}: not decomposable ({reason})", highlight=False)
    for note in result.notes:
        out.out.print(f"note: {note}", highlight=False, markup=False)


def rootcause_cmd(
    metric: Annotated[str, typer.Argument(help="The metric that moved: paid_amount, cvr, aov, refund_rate …")],
    start: Annotated[str, typer.Option("--from", help="First day of the period, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period (inclusive).")],
    base_start: Annotated[str, typer.Option("--base-from", help="First day of the period to compare with.")],
    base_end: Annotated[str, typer.Option("--base-to", help="Last day of the period to compare with (inclusive).")],
    by: Annotated[
        str | None, typer.Option("--by", help="Candidate dimensions, comma-separated (default: all that apply).")
    ] = None,
    store: Annotated[list[str] | None, typer.Option("--store", "-s", help="Only this store (repeatable).")] = None,
    source: Annotated[
        str, typer.Option("--source", help="orders, or traffic: buyers and paid amount per traffic source.")
    ] = "orders",
    every: Annotated[bool, typer.Option("--all", help="Show every segment, not only the root causes.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Find the dimension and segments that explain a metric's change (Adtributor). 根因定位。"""
    from shopops.analyses import RootCauseParams, rootcause

    params = RootCauseParams(
        metric=metric,
        start=_day(start, "--from"),
        end=_day(end, "--to"),
        base_start=_day(base_start, "--base-from"),
        base_end=_day(base_end, "--base-to"),
        dimensions=tuple(d.strip() for d in (by or "").split(",") if d.strip()),
        stores=tuple(store or ()),
        source=source,
    )
    project = STATE.open_project()
    with project:
        result = rootcause(project, params)
    table = result.table
    if _printed_as(table, fmt):
        return
    from rich.table import Table

    out = STATE.console()
    out.out.print(f"{metric}: {_text(result.base)} → {_text(result.current)}", highlight=False)
    ranking = Table(*result.dimensions.columns)
    for row in result.dimensions.itertuples(index=False):
        ranking.add_row(*[_text(v) for v in row])
    out.out.print(ranking)
    shown = table if every else table[table["root_cause"]]
    segments = Table(*[c for c in table.columns if c != "root_cause"])
    for row in shown.drop(columns="root_cause").itertuples(index=False):
        segments.add_row(*[_text(v) for v in row])
    out.out.print(segments)
    for note in result.notes:
        out.out.print(f"note: {note}", highlight=False, markup=False)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
