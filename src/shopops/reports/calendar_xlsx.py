"""The festival calendar as an Excel workbook (XlsxWriter), for ``shopops calendar --format xlsx``.

Sheet ``days``: one row per day (date, weekday, day off, make-up workday, official holiday, the
festivals whose window holds the day, the node, the phase); days off are shaded, nodes bold.
Sheet ``festivals``: one row per festival (key, names, kind, markets, window start, node, window end,
days in the window). Sheet ``periods``: the fiscal year's halves, quarters, months and weeks (level,
label, start, end, days, the enclosing period, festival nodes inside).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from shopops.i18n import LANGS, words

if TYPE_CHECKING:
    import pandas as pd

    from shopops.calendar.festivals import Festival

WEEKDAYS = dict(zip(LANGS, words("weekday"), strict=True))  # lang -> Monday first
DAY_HEADERS = (
    "date",
    "weekday",
    "day_off",
    "makeup_workday",
    "holiday",
    "festivals",
    "node",
    "phase",
)
FESTIVAL_HEADERS = ("key", "name_zh", "name_en", "kind", "markets", "start", "day", "end", "days")
PERIOD_HEADERS = ("level", "label", "start", "end", "days", "parent", "nodes")


def _table(ws: Any, rows: list[list[Any]], headers: Sequence[str], widths: Sequence[int]) -> None:
    ws.add_table(
        0, 0, max(len(rows), 1), len(headers) - 1,
        {"columns": [{"header": h} for h in headers], "data": rows, "style": "Table Style Light 9"},
    )  # fmt: skip
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


def write_calendar_xlsx(
    days: pd.DataFrame,
    festivals: Sequence[Festival],
    path: str | Path,
    *,
    language: str = "zh",
    periods: Sequence[dict[str, Any]] = (),
) -> Path:
    """Write the ``days`` frame (:func:`shopops.calendar.festivals.calendar_range`), ``festivals`` and the
    fiscal ``periods`` (rows of ``shopops calendar --periods --format json``)."""
    path = Path(path)
    names = WEEKDAYS.get(language, WEEKDAYS["en"])
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd"})
    try:
        off_fmt = book.add_format({"bg_color": "#FCE4D6"})
        node_fmt = book.add_format({"bold": True})
        ws = book.add_worksheet("days")
        rows = [
            [
                r["date"],
                names[int(r["weekday"])],
                bool(r["day_off"]),
                bool(r["makeup_workday"]),
                r["holiday"] or "",
                ", ".join(r["festivals"]),
                r["node"] or "",
                r["phase"] or "",
            ]
            for r in days.to_dict("records")
        ]
        _table(ws, rows, DAY_HEADERS, (12, 8, 9, 15, 16, 40, 18, 8))
        last = max(len(rows), 1)
        ws.conditional_format(1, 0, last, 7, {"type": "formula", "criteria": "=$C2=TRUE", "format": off_fmt})
        ws.conditional_format(1, 6, last, 6, {"type": "formula", "criteria": '=$G2<>""', "format": node_fmt})
        ws2 = book.add_worksheet("festivals")
        frows = [
            [f.key, f.name_zh, f.name_en, f.kind, ", ".join(sorted(f.markets)), f.start, f.day, f.end,
             (f.end - f.start).days + 1]
            for f in festivals
        ]  # fmt: skip
        _table(ws2, frows, FESTIVAL_HEADERS, (22, 16, 34, 10, 10, 12, 12, 12, 6))
        if periods:
            ws3 = book.add_worksheet("periods")
            prows = [
                [p["level"], p["label"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]), p["days"],
                 p["parent"] or "", "、".join(p["nodes"])]
                for p in periods
            ]  # fmt: skip
            _table(ws3, prows, PERIOD_HEADERS, (9, 13, 12, 12, 6, 13, 50))
    finally:
        book.close()
    return path
