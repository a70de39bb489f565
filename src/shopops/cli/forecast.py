"""``shopops forecast``: the statistical baseline of a period (festival and holiday effects included),
its backtest, and the teams' views reconciled with it into a proposed target, the method shown."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shopops.cli.dates import day_option as _day
from shopops.cli.state import STATE
from shopops.i18n import table

if TYPE_CHECKING:
    import pandas as pd

    from shopops.plan.forecast import ForecastResult
    from shopops.plan.reconcile import Reconciliation, View

#: lang -> key -> text, from the message catalogue ([cli_forecast] in shopops/i18n/messages.toml)
LABELS = table("cli_forecast")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_cmd)


def forecast_cmd(
    fiscal_year: Annotated[
        int | None, typer.Option("--fiscal-year", help="Forecast this fiscal year (named by the year it starts in).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First forecast day (default: after the data).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last forecast day (inclusive).")] = None,
    horizon: Annotated[int | None, typer.Option("--horizon-days", help="Days to forecast (default 92).")] = None,
    store: Annotated[str | None, typer.Option("--store", "-s", help="Only this store.")] = None,
    metric: Annotated[str, typer.Option("--metric", help="A metric that adds up over days.")] = "paid_amount",
    view: Annotated[
        list[str] | None,
        typer.Option("--view", help="A team's number NAME=AMOUNT or NAME=FILE (CSV/xlsx of month,amount); repeat."),
    ] = None,
    method: Annotated[str, typer.Option("--method", help="median (default), mean or weighted.")] = "median",
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", help="With --method weighted: NAME=WEIGHT (baseline or a view; default 1); repeat."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx.")] = "table",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File for --format json or xlsx (json default: stdout; xlsx: forecast-….xlsx)."
        ),
    ] = None,
    daily: Annotated[bool, typer.Option("--daily", help="Also print the daily forecast (table format).")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en (default: the project's language).")] = None,
) -> None:
    """Baseline forecast with festival effects, its backtest, and views reconciled into a target. 预测与目标校准。"""
    from shopops.plan.forecast import ForecastParams, forecast
    from shopops.plan.reconcile import METHODS

    if fmt not in ("table", "json", "xlsx"):
        raise typer.BadParameter("use table, json or xlsx", param_hint="--format")
    if method not in METHODS:
        raise typer.BadParameter(f"use one of: {', '.join(METHODS)}", param_hint="--method")
    if fiscal_year is not None and (start or end or horizon):
        raise typer.BadParameter(
            "give --fiscal-year or --from/--to/--horizon-days, not both", param_hint="--fiscal-year"
        )
    project = STATE.open_project()
    with project:
        language = lang or project.settings.language
        if language not in LABELS:
            raise typer.BadParameter("use zh or en", param_hint="--lang")
        first, last = _day(start, "--from"), _day(end, "--to")
        if fiscal_year is not None:
            from shopops.calendar.fiscal import FiscalCalendar

            span = FiscalCalendar(project.settings.fiscal_year_start_month).year(fiscal_year)
            first, last = span.start, span.end
        params = ForecastParams(metric=metric, store=store, start=first, end=last, horizon_days=horizon)
        with STATE.console().task("fitting the forecast"):
            result = forecast(project, params)
    views = [_view(v, result) for v in view or []]
    rec = _reconcile(result, views, method, _weights(weight or [])) if views else None
    label = f"FY{fiscal_year}" if fiscal_year is not None else f"{result.start}..{result.end}"
    doc = _document(result, views, rec, language, label)
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=1, default=str)
        if out is None:
            typer.echo(text)
        else:  # --out writes the file, as `shopops calendar --format json --out FILE` (docs/cli.md)
            out.write_text(text + "\n", encoding="utf-8")
            STATE.console().out.print(f"written {out}", highlight=False)
    elif fmt == "xlsx":
        path = out or Path(f"forecast-{label.replace('..', '_')}.xlsx")
        _write_xlsx(doc, result, path)
        STATE.console().out.print(f"written {path}", highlight=False)
    else:
        _print(doc, result, language, daily)


def _view(text: str, result: ForecastResult) -> View:
    from shopops.plan.reconcile import parse_view

    return parse_view(text, sorted(set(result.monthly["month"])))


def _weights(texts: list[str]) -> dict[str, Decimal]:
    from decimal import InvalidOperation

    out = {}
    for text in texts:
        name, _, value = text.partition("=")
        try:
            out[name.strip()] = Decimal(value.strip())
        except InvalidOperation as exc:
            raise typer.BadParameter(f"{text!r}: expected NAME=NUMBER, e.g. baseline=2", param_hint="--weight") from exc
    return out


def _reconcile(result: ForecastResult, views: list[View], method: str, weights: dict[str, Decimal]) -> Reconciliation:
    from shopops.plan.reconcile import reconcile

    return reconcile(result.total(), {v.name: v.amount for v in views}, method, weights)  # type: ignore[arg-type]


def _document(
    result: ForecastResult, views: list[View], rec: Reconciliation | None, lang: str, label: str
) -> dict[str, Any]:
    """Everything the command shows, as plain data (the JSON output; the table and xlsx read it too)."""
    from shopops.plan.reconcile import target_months

    if not result.one_currency:  # one column per store: amounts of different currencies are not added
        wide = result.monthly.pivot(index="month", columns="store", values="forecast")
        rows: list[dict[str, Any]] = [{"month": m, **wide.loc[m].to_dict()} for m in wide.index]
        return _doc(result, rows, None, label)
    months = result.months()
    baseline_months = dict(zip(months["month"], months["forecast"], strict=True))
    target_split = target_months(rec.target, baseline_months) if rec else {}
    rows = []
    for m, b in baseline_months.items():
        row: dict[str, Any] = {"month": m, "baseline": b}
        row.update({v.name: v.months.get(m) for v in views if v.months is not None})
        if rec:
            row["target"] = target_split[m]
        rows.append(row)
    return _doc(result, rows, _reconciliation_doc(rec, views, lang) if rec else None, label)


def _doc(result: ForecastResult, rows: list[dict[str, Any]], rec: dict[str, Any] | None, label: str) -> dict[str, Any]:
    return {
        "period": {"label": label, "start": result.start, "end": result.end},
        "metric": result.params.metric,
        "stores": list(result.currencies),
        "model": result.model,
        "history": {s: {"first": a, "last": b} for s, (a, b) in result.history.items()},
        "backtests": [
            {
                "store": b.store,
                "start": b.start,
                "end": b.end,
                "mape_daily": round(b.mape, 4),
                "total_error": round(b.total_error, 4),
                "forecast": b.forecast,
                "actual": b.actual,
            }
            for b in result.backtests
        ],
        "months": rows,
        "reconciliation": rec,
        "notes": result.notes,
        "daily": result.daily.assign(date=result.daily["date"].astype(str)).to_dict(orient="records"),
    }


def _reconciliation_doc(rec: Reconciliation, views: list[View], lang: str) -> dict[str, Any]:
    from shopops.plan.reconcile import format_weight

    sources = {v.name: v.source for v in views}
    return {
        "method": rec.method,
        "baseline": rec.baseline,
        "views": [
            {
                "name": ln.name,
                "source": sources.get(ln.name, "forecast"),
                "amount": ln.amount,
                "diff": ln.diff,
                "diff_pct": round(ln.diff_pct, 4),
                "weight": format_weight(ln.weight),
            }
            for ln in rec.lines
        ],
        "target": rec.target,
        "formula": rec.formula,
        "explanation": rec.explain(lang),  # type: ignore[arg-type]
    }


def _money(v: Any) -> str:
    return "" if v is None else f"{Decimal(v):,.2f}"


def _print(doc: dict[str, Any], result: ForecastResult, lang: str, daily: bool) -> None:
    from rich.table import Table

    t = LABELS[lang]
    console = STATE.console().out
    span = f"{result.start}..{result.end}"
    period = span if doc["period"]["label"] == span else f"{doc['period']['label']} ({span})"
    console.print(f"{t['title']} {period}, {doc['metric']}, {', '.join(doc['stores'])}", highlight=False)
    console.print(f"{t['model']}: {doc['model']}", highlight=False)
    columns = list(doc["months"][0])
    table = Table(*[t.get(c, c) for c in columns])
    for row in doc["months"]:
        table.add_row(*[row["month"], *(_money(row[c]) for c in columns[1:])])
    totals = [sum((row[c] or Decimal(0) for row in doc["months"]), Decimal(0)) for c in columns[1:]]
    table.add_row(t["total"], *(_money(v) for v in totals))
    console.print(table)
    for b in result.backtests:
        line = t["backtest"].format(
            store=b.store, start=b.start, end=b.end, mape=f"{b.mape:.1%}", err=f"{b.total_error:+.1%}",
            fc=_money(b.forecast), act=_money(b.actual),
        )  # fmt: skip
        console.print(line, highlight=False)
    rec = doc["reconciliation"]
    if rec:
        views = Table(t["view"], t["amount"], t["diff"], t["pct"], t["weight"])
        for v in rec["views"]:
            name = t["baseline"] if v["name"] == "baseline" else v["name"]
            views.add_row(name, _money(v["amount"]), _money(v["diff"]), f"{v['diff_pct']:+.1%}", v["weight"])
        console.print(views)
        for line in rec["explanation"]:
            console.print(line, highlight=False, markup=False)
        console.print(f"{t['target']}: {_money(rec['target'])}", highlight=False)
    for note in doc["notes"]:
        console.print(f"{t['note']}: {note}", highlight=False, markup=False)
    if daily:
        _print_frame(result.daily)


def _print_frame(frame: pd.DataFrame) -> None:
    from rich.table import Table

    table = Table(*[str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    STATE.console().out.print(table)


def _write_xlsx(doc: dict[str, Any], result: ForecastResult, path: Path) -> None:
    import pandas as pd

    def numbers(rows: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows)
        return pd.DataFrame({c: [float(v) if isinstance(v, Decimal) else v for v in frame[c]] for c in frame.columns})

    with pd.ExcelWriter(path, engine="openpyxl") as book:
        numbers(doc["months"]).to_excel(book, sheet_name="months", index=False)
        if doc["reconciliation"]:
            rec = doc["reconciliation"]
            views = [{**v, "weight": float(v["weight"])} for v in rec["views"]]
            numbers(views).to_excel(book, sheet_name="reconciliation", index=False)
            pd.DataFrame({"method": rec["explanation"]}).to_excel(book, sheet_name="method", index=False)
        numbers(doc["backtests"]).to_excel(book, sheet_name="backtest", index=False)
        result.daily.to_excel(book, sheet_name="daily", index=False)
