"""``shopops analyze products|basket|refunds``: 20/80 and product roles, cross-sell, refunds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from shopops.cli.dates import day_option as _day
from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd


def register(app: typer.Typer) -> None:
    app.command("products")(products_cmd)
    app.command("basket")(basket_cmd)
    app.command("refunds")(refunds_cmd)


FROM = typer.Option("--from", help="First payment day, YYYY-MM-DD (default: all history).")
TO = typer.Option("--to", help="Last payment day (inclusive).")
STORE = typer.Option("--store", "-s", help="Only this store (repeatable).")
FORMAT = typer.Option("--format", help="table, csv or json.")
LIMIT = typer.Option("--limit", help="Rows shown per table in table format (csv/json: all).")


def _pick(views: dict[str, pd.DataFrame], view: str) -> pd.DataFrame:
    if view not in views:
        raise typer.BadParameter(f"{view!r} is not a view; choose one of: {', '.join(views)}", param_hint="--view")
    return views[view]


def _emit(
    views: dict[str, pd.DataFrame], view: str, fmt: str, summary: list[str], notes: list[str], limit: int
) -> None:
    frame = _pick(views, view)
    if fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        typer.echo(frame.to_json(orient="records", force_ascii=False, default_handler=str))
        return
    if fmt != "table":
        raise typer.BadParameter(f"{fmt!r}: choose table, csv or json", param_hint="--format")
    out = STATE.console()
    for name in summary:
        if name != view:
            _print(out, views[name], name, limit)
    _print(out, frame, view, limit)
    for note in notes:
        out.out.print(f"note: {note}", highlight=False, markup=False)


def _print(out: object, frame: pd.DataFrame, title: str, limit: int) -> None:
    from rich.table import Table

    table = Table(*[str(c) for c in frame.columns], title=title)
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*[_text(v) for v in row])
    out.out.print(table)  # type: ignore[attr-defined]
    if len(frame) > limit:
        out.out.print(f"… {len(frame) - limit} more rows (--limit, or --format csv)", highlight=False)  # type: ignore[attr-defined]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def products_cmd(
    start: Annotated[str | None, FROM] = None,
    end: Annotated[str | None, TO] = None,
    store: Annotated[list[str] | None, STORE] = None,
    a: Annotated[float, typer.Option("--a", help="ABC: class A up to this cumulative sales share.")] = 0.80,
    b: Annotated[float, typer.Option("--b", help="ABC: class B up to this cumulative sales share.")] = 0.95,
    view: Annotated[str, typer.Option("--view", help="products, customers, abc, pareto or curve.")] = "products",
    fmt: Annotated[str, FORMAT] = "table",
    limit: Annotated[int, LIMIT] = 30,
) -> None:
    """20/80, ABC classes, roles (引流款/利润款/形象款/定制款) and margin per product. 商品分析。"""
    from shopops.analyses.products import ProductsParams, products
    from shopops.warehouse.scope import Scope

    params = ProductsParams(_day(start, "--from"), _day(end, "--to"), a=a, b=b)
    with STATE.open_project() as project:
        r = products(Scope.resolve(project, store or ()), params)
    views = {"products": r.products, "customers": r.customers, "abc": r.abc, "pareto": r.pareto, "curve": r.curve}
    _emit(views, view, fmt, ["pareto", "abc"], r.notes, limit)


def basket_cmd(
    start: Annotated[str | None, FROM] = None,
    end: Annotated[str | None, TO] = None,
    store: Annotated[list[str] | None, STORE] = None,
    min_support: Annotated[float, typer.Option("--min-support", help="Least share of orders an itemset is in.")] = 0.01,
    min_count: Annotated[int, typer.Option("--min-count", help="Least number of orders (buyers for sequences).")] = 2,
    within_days: Annotated[int, typer.Option("--within-days", help="Sequences: Y bought within N days of X.")] = 30,
    no_triples: Annotated[bool, typer.Option("--no-triples", help="Pairs only.")] = False,
    view: Annotated[str, typer.Option("--view", help="pairs, triples, sequences or baskets.")] = "pairs",
    fmt: Annotated[str, FORMAT] = "table",
    limit: Annotated[int, LIMIT] = 30,
) -> None:
    """Items bought together (support, confidence, lift) and 'bought X, then Y within N days'. 关联分析。"""
    from shopops.analyses.basket import BasketParams, basket
    from shopops.warehouse.scope import Scope

    params = BasketParams(
        _day(start, "--from"),
        _day(end, "--to"),
        min_support=min_support,
        min_count=min_count,
        triples=not no_triples,
        within_days=within_days,
    )
    with STATE.open_project() as project:
        r = basket(Scope.resolve(project, store or ()), params)
    views = {"pairs": r.pairs, "triples": r.triples, "sequences": r.sequences, "baskets": r.baskets}
    _emit(views, view, fmt, ["baskets"], r.notes, limit)


def refunds_cmd(
    start: Annotated[str | None, FROM] = None,
    end: Annotated[str | None, TO] = None,
    store: Annotated[list[str] | None, STORE] = None,
    recent_weeks: Annotated[int, typer.Option("--recent-weeks", help="Jumps: the recent window.")] = 4,
    base_weeks: Annotated[int, typer.Option("--base-weeks", help="Jumps: the history before it.")] = 12,
    min_units: Annotated[int, typer.Option("--min-units", help="Jumps: least units sold in the recent window.")] = 30,
    view: Annotated[str, typer.Option("--view", help="product, reason, channel, days or jumps.")] = "product",
    fmt: Annotated[str, FORMAT] = "table",
    limit: Annotated[int, LIMIT] = 30,
) -> None:
    """Refund rate by product, reason, channel and days since purchase; products whose rate jumped. 退款分析。"""
    from shopops.analyses.refunds import RefundsParams, refunds
    from shopops.warehouse.scope import Scope

    params = RefundsParams(
        _day(start, "--from"),
        _day(end, "--to"),
        recent_weeks=recent_weeks,
        base_weeks=base_weeks,
        min_units=min_units,
    )
    with STATE.open_project() as project:
        r = refunds(Scope.resolve(project, store or ()), params)
    views = {
        "product": r.by_product,
        "reason": r.by_reason,
        "channel": r.by_channel,
        "days": r.by_days,
        "jumps": r.jumps,
    }
    _emit(views, view, fmt, ["days"], r.notes, limit)
