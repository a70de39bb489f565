"""The forecast as a report section (:mod:`shopops.plan.forecast`'s ``present``), in zh and en: the
months in a table (one column per store, and their total when they share a currency), a line chart
of it, each store's backtest and how the model works.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopops.i18n import table
from shopops.metrics.catalogue import load_catalogue
from shopops.reports.model import Chart, Column, Section, Table, format_value

if TYPE_CHECKING:
    from shopops.plan.forecast import ForecastResult

#: lang -> key -> text, from the message catalogue ([forecast] in shopops/i18n/messages.toml)
WORDS: dict[str, dict[str, str]] = table("forecast")


def present(result: ForecastResult, lang: str) -> Section:
    """The forecast by month (one column per store, and their total when they share a currency), a
    line chart of it, and each store's backtest."""
    w = WORDS[lang]
    unit = "money" if load_catalogue().metrics[result.params.metric].unit == "money" else "count"
    stores = list(dict.fromkeys(str(s) for s in result.monthly["store"]))
    by_month: dict[str, dict[str, Any]] = {}
    for r in result.monthly.itertuples(index=False):
        by_month.setdefault(str(r.month), {"month": str(r.month)})[str(r.store)] = r.forecast
    rows = [by_month[m] for m in sorted(by_month)]
    columns = [Column("month", w["month"])] + [Column(s, s, unit) for s in stores]  # type: ignore[arg-type]
    series = tuple(stores)
    text = []
    if result.one_currency:
        for row in rows:
            row["total"] = sum((row.get(s) or Decimal(0) for s in stores), Decimal(0))
        columns.append(Column("total", w["total"], unit))  # type: ignore[arg-type]
        series = ("total",) if len(stores) > 1 else series
        total = format_value(result.total(), unit, lang=lang)
        text.append(w["summary"].format(start=result.start, end=result.end, total=total))
    for bt in result.backtests:
        error = w["none"] if math.isnan(bt.total_error) else f"{bt.total_error:+.2%}"
        text.append(
            w["backtest"].format(store=bt.store, start=bt.start, end=bt.end, mape=f"{bt.mape:.2%}", error=error)
        )
    notes = [w["method"].format(interval=f"{result.params.interval:.0%}")]
    if lang == "en":
        notes += result.notes
    return Section(
        "forecast",
        w["section"],
        text=text,
        tables=[Table("months", w["section"], columns, rows)],
        charts=[Chart("months_chart", w["chart"], "line", "months", "month", series)],
        notes=notes,
    )


__all__ = ["WORDS", "present"]
