"""``shopops metrics``: query the metric dictionary from the command line."""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd

    from shopops.metrics.catalogue import Catalogue

FORMATS = ("table", "csv", "json")


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics_cmd)


def metrics_cmd(
    metrics: Annotated[
        str | None, typer.Argument(help="Metric ids, comma-separated (e.g. paid_amount,buyers); see --list.")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (inclusive), YYYY-MM-DD.")] = None,
    grain: Annotated[
        str,
        typer.Option(
            "--grain",
            "-g",
            help="total, day, week, month, quarter, year, fiscal_month, fiscal_quarter, fiscal_year.",
        ),
    ] = "total",
    by: Annotated[
        str | None, typer.Option("--by", help="Dimensions, comma-separated: store, channel, province, category, …")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", "-w", help="Filter DIM=VALUE; repeat for more (same DIM twice: either value)."),
    ] = None,
    compare: Annotated[
        str | None, typer.Option("--compare", "-c", help="dod, wow, mom, qoq, yoy or yoy_weekday.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    explain: Annotated[
        bool, typer.Option("--explain", help="Print the SQL the query runs instead of the figures.")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the metrics and dimensions, then exit.")] = False,
) -> None:
    """Metrics by period and dimension, with comparisons. 指标查询。

    Example: shopops metrics paid_amount,buyers --from 2026-01-01 --to 2026-03-31 --grain month --by store --compare mom
    """
    from shopops.errors import QueryError
    from shopops.metrics.catalogue import load_catalogue

    cat = load_catalogue()
    if list_:
        _print_catalogue(cat)
        return
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if not metrics:
        raise QueryError(
            "name at least one metric", hint="e.g. `shopops metrics paid_amount --from … --to …`; see --list"
        )
    if not start or not end:
        raise QueryError("--from and --to are required", hint="write dates as YYYY-MM-DD")
    from shopops.metrics.query import MetricQuery, build, run, sql

    q = MetricQuery.create(
        metrics, start=start, end=end, grain=grain, by=by or (), where=_filters(where or []), compare=compare
    )
    project = STATE.open_project()
    out = STATE.console()
    with project:
        wh = project.warehouse
        if explain:
            plan = build(wh, q, cat)
            typer.echo(sql(wh, plan.expr))
            for note in plan.notes:
                out.warn(note)
            return
        frame = run(wh, q, cat)
    if fmt == "json":
        typer.echo(json.dumps(to_json(frame), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        _print_table(frame, cat, project.settings.language)
    if fmt != "json":
        for note in frame.attrs.get("notes", []):
            out.warn(note)


def _filters(items: list[str]) -> dict[str, list[str]]:
    from shopops.errors import QueryError

    out: dict[str, list[str]] = {}
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip():
            raise QueryError(f"invalid filter {item!r}; write --where DIM=VALUE, e.g. --where store=tmall_flagship")
        out.setdefault(dim.strip(), []).append(value.strip())
    return out


def to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """The result as JSON-ready data: query, notes and one object per row (money as numbers)."""
    rows = [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return {
        "query": frame.attrs.get("query", {}),
        "stores": frame.attrs.get("stores", []),
        "columns": [str(c) for c in frame.columns],
        "rows": rows,
        "notes": frame.attrs.get("notes", []),
    }


def _plain(value: object) -> object:
    if value is None or value is _na():
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _na() -> object:
    import pandas as pd

    return pd.NA


def _print_table(frame: pd.DataFrame, cat: Catalogue, language: str) -> None:
    from rich.table import Table

    out = STATE.console()
    if not len(frame):
        out.out.print("no rows")
        return
    frame = frame.drop(columns=["period_start"])  # the period label says it
    table = Table(*[_header(str(c), cat, language) for c in frame.columns])
    for row in frame.itertuples(index=False):
        table.add_row(*[_cell(str(c), v, cat) for c, v in zip(frame.columns, row, strict=True)])
    out.out.print(table)


def _header(column: str, cat: Catalogue, language: str) -> str:
    from shopops.metrics.query import _metric_of

    base = _metric_of(column)
    m = cat.metrics.get(base)
    if m is None:
        d = cat.dimensions.get(column)
        return (d.zh if language == "zh" else d.en) if d else column
    name = m.zh if language == "zh" else m.en
    suffix = column[len(base) :]
    # comparison columns follow their metric, so short headers keep the table narrow
    return {"": name, "_prev": "prev", "_change": "Δ", "_change_pct": "Δ%"}[suffix]


def _cell(column: str, value: object, cat: Catalogue) -> str:
    """Operators' formats: 1,234.50 for money, 2.85% for rates, +0.33 pp for a rate's change."""
    from shopops.metrics.query import _metric_of

    plain = _plain(value)
    if plain is None:
        return "n/a"
    m = cat.metrics.get(_metric_of(column))
    if m is None or isinstance(plain, str):
        return str(plain)
    number = float(plain)  # type: ignore[arg-type]
    if column.endswith("_change_pct"):
        return f"{number * 100:+.2f}%"
    sign = "+" if column.endswith("_change") else ""
    if m.unit == "ratio":
        return f"{number * 100:+.2f} pp" if sign else f"{number * 100:.2f}%"
    if m.unit == "count":
        return f"{int(number):{sign},}"
    if m.unit == "money":
        return f"{Decimal(str(value)):{sign},.2f}"
    return f"{number:{sign},.2f}" if m.unit == "money_per" else f"{number:{sign},.4f}"


def _print_catalogue(cat: Catalogue) -> None:
    from rich.table import Table

    table = Table("metric", "中文", "English", "unit", "definition")
    for m in cat.metrics.values():
        table.add_row(m.id, m.zh, m.en, m.unit, m.definition_en)
    out = STATE.console()
    out.out.print(table)
    dims = Table("dimension", "中文", "English", "metrics from")
    for d in cat.dimensions.values():
        dims.add_row(d.id, d.zh, d.en, ", ".join(d.sources))
    out.out.print(dims)
