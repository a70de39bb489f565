"""The report as an Excel workbook (XlsxWriter): a summary sheet, one sheet per section, notes.

Every table is an Excel table (header style, filter buttons) with number formats by unit; figures
are numbers, never text (money from ``Decimal``, exact to the cent). Charts are native Excel charts
over the sheet's own cells. Excel has no waterfall chart that XlsxWriter can write, so a waterfall
is the classic stacked column chart over helper columns beside its table: an invisible *base*
series, then increases (green), decreases (red) and totals (blue). That technique assumes the
running total stays on one side of zero, as a sales bridge does.

Changes of ratios (unit ``pp``) are written in points (``0.73`` shown as ``+0.73 pp``), relative
changes (``pct``) and ratios as fractions with a percent format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from shopops.reports.charts import BAD, COLORS, GOOD, TOTAL
from shopops.reports.checks import check
from shopops.reports.figures import as_number, cell_text, is_numeric, kpi_delta, period_text, stores_text
from shopops.reports.i18n import chrome
from shopops.reports.model import Chart, Kpi, Report, Section, Table, format_value

NUM_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "money_per": "#,##0.00",
    "count": "#,##0",
    "ratio": "0.00%",
    "pct": "+0.00%;-0.00%;0.00%",
    "pp": '+0.00" pp";-0.00" pp";0.00" pp"',
    "number": "#,##0.00##",
    "score": "0.000",
    "date": "yyyy-mm-dd",
}
CHART_GAP = 19  # rows between charts stacked beside the tables
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class _Placed:
    """Where a table landed on its sheet: header row, first/last data row, first column."""

    table: Table
    header: int
    first: int
    last: int
    col: int = 0


@dataclass
class _Formats:
    book: Any
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def unit(self, unit: str, **extra: Any) -> Any:
        props = {"num_format": NUM_FORMATS[unit]} if unit in NUM_FORMATS else {}
        return self.get(**props, **extra)

    @property
    def header(self) -> Any:
        return self.get(bold=True, bg_color="#DCE6F1", border=1, border_color="#B7C4D6", text_wrap=True, valign="top")


def sheet_names(report: Report) -> list[str]:
    """Summary, one per section, Notes: at most 31 characters, no ``[]:*?/\\``, unique ignoring case."""
    c = chrome(report.lang)
    wanted = [c["summary"], *[s.title or s.id for s in report.sections], c["notes"]]
    names: list[str] = []
    taken: set[str] = set()
    for raw in wanted:
        base = INVALID_SHEET_CHARS.sub("_", raw).strip().strip("'")[:31].strip() or "Sheet"
        if base.lower() == "history":
            base += "_"
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(value: Any, unit: str) -> Any:
    """What goes into the cell: numbers for numeric units (points for ``pp``), dates, text."""
    if value is None:
        return None
    if unit == "date" and isinstance(value, date):
        return value
    if is_numeric(unit):
        number = as_number(value)
        return number * 100 if unit == "pp" and number is not None else number
    return str(value)


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, value, fmt)


class _Book:
    def __init__(self, report: Report, path: Path) -> None:
        self.report = report
        self.c = chrome(report.lang)
        self.book = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.fmt = _Formats(self.book)
        self.names = sheet_names(report)
        self.table_count = 0

    # -- summary -------------------------------------------------------------------------------
    def summary(self) -> None:
        r, c = self.report, self.c
        ws = self.book.add_worksheet(self.names[0])
        label = self.fmt.get(bold=True, font_color="#616E7C")
        ws.write_string(0, 0, r.title, self.fmt.get(bold=True, font_size=16))
        meta = [
            (c["period"], f"{c.get(r.kind, r.kind)} · {period_text(r.period)}"),
            (c["previous"], period_text(r.previous)),
            *([(c["yoy_period"], period_text(r.yoy))] if r.yoy else []),
            (c["stores"], stores_text(r)),
            *([(c["currency"], r.currency)] if r.currency else []),
            (c["generated"], r.generated_at.isoformat(sep=" ", timespec="minutes")),
        ]
        row = 2
        for key, value in meta:
            ws.write_string(row, 0, key, label)
            ws.write_string(row, 1, value)
            row += 1
        row += 1
        if r.summary:
            ws.write_string(row, 0, c["summary"], self.fmt.get(bold=True, font_size=12))
            for sentence in r.summary:
                row += 1
                ws.write_string(row, 0, f"• {sentence}")
            row += 2
        widths = self._kpi_table(ws, row) if r.kpis else [12]
        row += len(r.kpis) + 2
        ws.write_string(row, 0, c["contents"], self.fmt.get(bold=True, font_size=12))
        for name, section in zip(self.names[1:], r.sections, strict=False):
            row += 1
            ws.write_url(row, 0, f"internal:'{name.replace(chr(39), chr(39) * 2)}'!A1", string=section.title)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.hide_gridlines(2)

    def _kpi_table(self, ws: Any, top: int) -> list[int]:
        c = self.c
        headers = [c["metric"], c["current"], c["previous_value"], c["vs_previous"], c["yoy_value"], c["yoy"], c["target"], c["achievement"]]  # fmt: skip
        for col, text in enumerate(headers):
            ws.write_string(top, col, text, self.fmt.header)
        widths = [max(_width(h) + 2, 12) for h in headers]
        for i, kpi in enumerate(self.report.kpis, start=1):
            row = top + i
            cells = [
                (kpi.label, self.fmt.get()),
                (_cell_value(kpi.value, kpi.unit), self.fmt.unit(kpi.unit, bold=True)),
                (_cell_value(kpi.previous, kpi.unit), self.fmt.unit(kpi.unit)),
                *self._change(kpi, "previous"),
                (_cell_value(kpi.yoy, kpi.unit), self.fmt.unit(kpi.unit)),
                *self._change(kpi, "yoy"),
                (_cell_value(kpi.target, kpi.unit), self.fmt.unit(kpi.unit)),
                (_cell_value(kpi.achievement, "ratio"), self.fmt.unit("ratio", bold=True)),
            ]
            for col, (value, fmt) in enumerate(cells):
                _write(ws, row, col, value, fmt)
            widths[0] = max(widths[0], _width(kpi.label) + 2)
            for col, value in ((1, kpi.value), (2, kpi.previous), (4, kpi.yoy), (6, kpi.target)):
                widths[col] = max(widths[col], len(format_value(value, kpi.unit)) + 3)
        ws.autofilter(top, 0, top + len(self.report.kpis), len(headers) - 1)
        return widths

    def _change(self, kpi: Kpi, against: str) -> list[tuple[Any, Any]]:
        """The change cell: points for ratios, relative otherwise; green good, red bad."""
        delta = kpi_delta(kpi, "previous" if against == "previous" else "yoy")
        change, pct = (kpi.change, kpi.change_pct) if against == "previous" else (kpi.yoy_change, kpi.yoy_change_pct)
        colour = {"good": GOOD, "bad": BAD}.get(delta.tone if delta else "", "#616E7C")
        if kpi.unit == "ratio" and change is not None:
            return [(_cell_value(change, "pp"), self.fmt.unit("pp", font_color=colour))]
        if pct is not None:
            return [(_cell_value(pct, "pct"), self.fmt.unit("pct", font_color=colour))]
        return [(_cell_value(change, kpi.unit), self.fmt.unit(kpi.unit, font_color=colour))]

    # -- sections ------------------------------------------------------------------------------
    def section(self, section: Section, name: str) -> None:
        ws = self.book.add_worksheet(name)
        lang = self.report.lang
        ws.write_string(0, 0, section.title, self.fmt.get(bold=True, font_size=14))
        row = 1
        for sentence in section.text:
            ws.write_string(row, 0, sentence)
            row += 1
        row += 1
        placed: dict[str, _Placed] = {}
        ncols = max((len(t.columns) for t in section.tables), default=1)
        widths = [8] * ncols
        for table in section.tables:
            if table.title:
                ws.write_string(row, 0, table.title, self.fmt.get(bold=True, font_size=11))
                row += 1
            placed[table.id] = self._table(ws, table, row)
            for col, column in enumerate(table.columns):
                texts = [column.label] + [cell_text(r.get(column.id), column, lang) for r in table.rows]
                widths[col] = max(widths[col], min(max(_width(t) for t in texts) + 2, 60))
            row = placed[table.id].last + 1
            if table.note:
                ws.write_string(row, 0, table.note, self.fmt.get(italic=True, font_color="#616E7C"))
                row += 1
            row += 1
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        if section.tables:
            first = placed[section.tables[0].id]
            ws.freeze_panes(first.header + 1, 0)
        self._charts(ws, section, placed, name, ncols)

    def _table(self, ws: Any, table: Table, header: int) -> _Placed:
        last = header + max(len(table.rows), 1)
        self.table_count += 1
        seen: set[str] = set()
        columns = []
        for column in table.columns:
            label, n = column.label or column.id, 2
            while label.lower() in seen:
                label, n = f"{column.label} ({n})", n + 1
            seen.add(label.lower())
            columns.append({"header": label, "header_format": self.fmt.header})
        ident = re.sub(r"\W", "_", table.id, flags=re.ASCII)
        ws.add_table(
            header,
            0,
            last,
            len(table.columns) - 1,
            {"name": f"T{self.table_count}_{ident}"[:250], "columns": columns, "style": "Table Style Light 1"},
        )
        for i, row in enumerate(table.rows, start=1):
            for col, column in enumerate(table.columns):
                _write(ws, header + i, col, _cell_value(row.get(column.id), column.unit), self.fmt.unit(column.unit))
        return _Placed(table, header, header + 1, last)

    # -- charts --------------------------------------------------------------------------------
    def _charts(self, ws: Any, section: Section, placed: dict[str, _Placed], sheet: str, ncols: int) -> None:
        has_waterfall = any(ch.kind == "waterfall" for ch in section.charts)
        helper_col = ncols + 1
        chart_col = helper_col + (5 if has_waterfall else 0)
        row = placed[section.tables[0].id].header - 1 if section.tables else 1
        for chart in section.charts:
            where = placed[chart.table]
            if chart.kind == "waterfall":
                xl_chart = self._waterfall(ws, chart, where, sheet, helper_col)
            else:
                xl_chart = self._chart(chart, where, sheet)
            xl_chart.set_title({"name": chart.title, "name_font": {"size": 12, "bold": True}})
            height = max(340, 18 * len(where.table.rows) + 90) if chart.kind == "barh" else 340
            xl_chart.set_size({"width": 640, "height": height})
            ws.insert_chart(max(row, 0), chart_col, xl_chart, {"x_offset": 8, "y_offset": 4})
            row += max(CHART_GAP, height // 20 + 2)

    def _refs(self, where: _Placed, column_id: str) -> tuple[int, int, int, int]:
        col = where.col + [c.id for c in where.table.columns].index(column_id)
        return where.first, col, where.last, col

    def _chart(self, chart: Chart, where: _Placed, sheet: str) -> Any:
        kind = {"bar": "column", "barh": "bar", "line": "line", "pie": "pie"}[chart.kind]
        xl = self.book.add_chart({"type": kind})
        x = self._refs(where, chart.x)
        for i, y_id in enumerate(chart.y[:1] if chart.kind == "pie" else chart.y):
            y = self._refs(where, y_id)
            colour = COLORS[i % len(COLORS)]
            series: dict[str, Any] = {
                "name": [sheet, where.header, y[1]],
                "categories": [sheet, *x],
                "values": [sheet, *y],
            }
            if chart.kind == "line":
                series["line"] = {"color": colour, "width": 2.25, "dash_type": "solid" if i == 0 else "dash"}
                series["marker"] = {"type": "circle", "size": 5, "fill": {"color": colour}, "border": {"color": colour}}
            elif chart.kind == "pie":
                series["points"] = [{"fill": {"color": COLORS[j % len(COLORS)]}} for j in range(len(where.table.rows))]
                series["data_labels"] = {"percentage": True, "category": True, "separator": "\n"}
            else:
                series["fill"] = {"color": colour}
                series["gap"] = 60
            xl.add_series(series)
        unit = where.table.column(chart.y[0]).unit
        if chart.kind != "pie":
            value_axis = {
                "num_format": NUM_FORMATS.get(unit, "General"),
                "major_gridlines": {"visible": True, "line": {"color": "#E4E7EB"}},
            }
            if chart.kind == "barh":
                # in a bar chart XlsxWriter's y axis is the (vertical) category axis: first row on top
                xl.set_y_axis({"reverse": True})
                xl.set_x_axis(value_axis)
            else:
                xl.set_y_axis(value_axis)
        if len(chart.y) > 1 or chart.kind == "pie":
            xl.set_legend({"position": "bottom"})
        else:
            xl.set_legend({"none": True})
        return xl

    def _waterfall(self, ws: Any, chart: Chart, where: _Placed, sheet: str, col: int) -> Any:
        """Stacked columns over helper cells: base (no fill), increase, decrease, total."""
        column = where.table.column(chart.y[0])
        values = [_cell_value(r.get(column.id), column.unit) or 0 for r in where.table.rows]
        grey = self.fmt.unit(column.unit, font_color="#8E99A4", italic=True)
        heads = [self.c["base"], self.c["increase"], self.c["decrease"], self.c["total"]]
        for j, head in enumerate(heads):
            ws.write_string(
                where.header,
                col + j,
                f"{self.c['chart_helper']}: {head}",
                self.fmt.get(italic=True, font_color="#8E99A4"),
            )
            ws.set_column(col + j, col + j, max(_width(self.c["chart_helper"] + head) + 3, 12))
        running = 0.0
        for i, value in enumerate(values):
            row = where.first + i
            base = inc = dec = tot = None
            if i == 0 or i == len(values) - 1:
                tot = value
                running = value
            else:
                after = round(running + value, 9)  # no float dust in the helper cells
                base = min(running, after)
                inc, dec = (value, None) if value >= 0 else (None, -value)
                running = after
            for j, cell in enumerate((base, inc, dec, tot)):
                _write(ws, row, col + j, cell, grey)
        xl = self.book.add_chart({"type": "column", "subtype": "stacked"})
        x = self._refs(where, chart.x)
        fmt = NUM_FORMATS.get(column.unit, "General")
        for j, colour in enumerate((None, GOOD, BAD, TOTAL)):
            series: dict[str, Any] = {
                "name": [sheet, where.header, col + j],
                "categories": [sheet, *x],
                "values": [sheet, where.first, col + j, where.last, col + j],
                "gap": 50,
            }
            if colour is None:
                series["fill"] = {"none": True}
                series["border"] = {"none": True}
            else:
                series["fill"] = {"color": colour}
                series["data_labels"] = {"value": True, "num_format": fmt, "position": "inside_end"}
            xl.add_series(series)
        xl.set_y_axis({"num_format": fmt, "major_gridlines": {"visible": True, "line": {"color": "#E4E7EB"}}})
        xl.set_legend({"none": True})
        return xl

    # -- notes ---------------------------------------------------------------------------------
    def notes(self) -> None:
        ws = self.book.add_worksheet(self.names[-1])
        c = self.c
        ws.write_string(0, 0, c["notes"], self.fmt.get(bold=True, font_size=14))
        rows: list[tuple[str, str]] = [(self.report.title, n) for n in self.report.notes]
        for section in self.report.sections:
            rows += [(section.title, n) for n in section.notes]
            rows += [(f"{section.title} · {t.title}", t.note) for t in section.tables if t.note]
        for i, (where, note) in enumerate(rows, start=2):
            ws.write_string(i, 0, where, self.fmt.get(font_color="#616E7C", valign="top"))
            ws.write_string(i, 1, note, self.fmt.get(text_wrap=True, valign="top"))
        ws.set_column(0, 0, min(max((_width(w) for w, _ in rows), default=10) + 2, 40))
        ws.set_column(1, 1, 100)

    def close(self) -> None:
        self.book.close()


def to_xlsx(report: Report, path: str | Path) -> Path:
    """Write the workbook to ``path`` and return it."""
    check(report)
    out = Path(path)
    book = _Book(report, out)
    book.summary()
    for section, name in zip(report.sections, book.names[1:-1], strict=True):
        book.section(section, name)
    book.notes()
    book.close()
    return out


__all__ = ["NUM_FORMATS", "sheet_names", "to_xlsx"]
