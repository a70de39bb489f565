"""Plotly figures drawn from a section's table, one per :class:`~shopops.reports.model.Chart`.

Generic over sections: the chart's ``kind``, ``x`` and ``y`` columns and the columns' units decide
everything (axis formats, hover text), so a new section's charts need no code here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from shopops.reports.figures import as_number
from shopops.reports.model import Chart, Column, Table

FONT = (
    "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
    "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, sans-serif"
)
GOOD = "#1a9e5a"
BAD = "#d93a3a"
TOTAL = "#4a6fa5"
COLORS = ["#4a6fa5", "#f0a04b", "#6aaa96", "#c06c84", "#8e7cc3", "#7f8c8d", "#e3c567", "#5aa9e6"]
CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}

# unit → (scale, d3 format for hover, suffix, axis tick format)
_FORMATS: dict[str, tuple[int, str, str, str]] = {
    "money": (1, ",.2f", "", ",.0f"),
    "money_per": (1, ",.2f", "", ",.0f"),
    "count": (1, ",.0f", "", ",.0f"),
    "ratio": (1, ".2%", "", ".1%"),
    "pct": (1, "+.2%", "", "+.0%"),
    "pp": (100, "+.2f", " pp", "+.1f"),
    "number": (1, ",.2f", "", ",.2f"),
    "score": (1, ".3f", "", ".2f"),
}


def _values(table: Table, column: Column) -> list[float | int | None]:
    scale = _FORMATS.get(column.unit, (1, "", "", ""))[0]
    values = [as_number(row.get(column.id)) for row in table.rows]
    return [None if v is None else v * scale for v in values]


def _categories(table: Table, column: Column) -> list[Any]:
    out: list[Any] = []
    for row in table.rows:
        value = row.get(column.id)
        if isinstance(value, date):
            value = value.isoformat()
        out.append("" if value is None else value)
    return out


def _hover(column: Column, *, horizontal: bool = False) -> str:
    fmt, suffix = _FORMATS.get(column.unit, (1, "", "", ""))[1:3]
    value = "%{x" if horizontal else "%{y"
    value += f":{fmt}}}" if fmt else "}"
    category = "%{y}" if horizontal else "%{x}"
    return f"{category}<br>{column.label}: {value}{suffix}<extra></extra>"


def _traces(chart: Chart, table: Table) -> list[Any]:
    x_col = table.column(chart.x)
    xs = _categories(table, x_col)
    y_cols = [table.column(y) for y in chart.y]
    if chart.kind == "waterfall":
        return [_waterfall(xs, y_cols[0], table)]
    if chart.kind == "pie":
        pairs = [(x, v) for x, v in zip(xs, _values(table, y_cols[0]), strict=True) if v is not None and v > 0]
        return [
            go.Pie(
                labels=[p[0] for p in pairs],
                values=[p[1] for p in pairs],
                hole=0.45,
                sort=False,
                marker={"colors": COLORS},
                textinfo="label+percent",
                textposition="inside",
                hovertemplate="%{label}: %{value:,.2f} (%{percent})<extra></extra>",
            )
        ]
    traces: list[Any] = []
    for i, col in enumerate(y_cols):
        color = COLORS[i % len(COLORS)]
        values = _values(table, col)
        if chart.kind == "line":
            traces.append(
                go.Scatter(
                    x=xs,
                    y=values,
                    name=col.label,
                    mode="lines+markers",
                    line={"color": color, "width": 2.5 if i == 0 else 1.8, "dash": "solid" if i == 0 else "dot"},
                    hovertemplate=_hover(col),
                )
            )
        elif chart.kind == "barh":
            traces.append(
                go.Bar(
                    y=xs,
                    x=values,
                    name=col.label,
                    orientation="h",
                    marker_color=color,
                    hovertemplate=_hover(col, horizontal=True),
                )
            )
        else:
            traces.append(go.Bar(x=xs, y=values, name=col.label, marker_color=color, hovertemplate=_hover(col)))
    return traces


def _waterfall(xs: list[Any], column: Column, table: Table) -> Any:
    """First row: the starting total; last row: the end total; rows between: the steps."""
    values = [0 if v is None else v for v in _values(table, column)]
    n = len(values)
    measure = ["absolute"] + ["relative"] * max(n - 2, 0) + (["total"] if n > 1 else [])
    fmt, suffix = _FORMATS.get(column.unit, (1, ",.2f", "", ""))[1:3]
    return go.Waterfall(
        x=xs,
        y=values,
        measure=measure,
        name=column.label,
        text=[_d3ish(v, fmt, signed=0 < i < n - 1) + suffix for i, v in enumerate(values)],
        textposition="outside",
        cliponaxis=False,
        connector={"line": {"color": "#9aa5b1", "width": 1}},
        increasing={"marker": {"color": GOOD}},
        decreasing={"marker": {"color": BAD}},
        totals={"marker": {"color": TOTAL}},
        hovertemplate=f"%{{x}}<br>{column.label}: %{{y:{fmt}}}{suffix}<extra></extra>",
    )


def _d3ish(value: float | int, fmt: str, *, signed: bool) -> str:
    """The label printed on a waterfall bar (Python's format for the d3 format we hover with)."""
    sign = "+" if signed else ""
    if fmt.endswith("%"):
        return f"{value * 100:{sign}.2f}%"
    decimals = 0 if fmt.endswith(".0f") else 2
    return f"{value:{sign},.{decimals}f}"


def figure(chart: Chart, table: Table) -> Any:
    """The Plotly figure for ``chart`` drawn from ``table``."""
    # no named template: plotly_white is deep-copied per figure (half the rendering time) and adds
    # 8 kB of JSON to every chart; the few settings we need are below
    fig = go.Figure(data=_traces(chart, table), layout={"template": "none"})
    value_col = table.column(chart.y[0])
    tickformat = _FORMATS.get(value_col.unit, (1, "", "", ""))[3]
    rows = len(table.rows)
    legend = chart.kind != "waterfall" and (len(chart.y) > 1 or chart.kind == "pie")
    height = max(340, 26 * rows + 140) if chart.kind == "barh" else 380
    fig.update_layout(
        title={"text": chart.title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=COLORS,
        hoverlabel={"font": {"family": FONT}},
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 72 if legend and chart.kind != "pie" else 48, "b": 10},
        # above the plot (rotated category labels below would run into it); under a pie
        legend={"orientation": "h", "x": 0, "xanchor": "left"}
        | ({"yanchor": "top", "y": -0.02} if chart.kind == "pie" else {"yanchor": "bottom", "y": 1.0}),
        showlegend=legend,
        barmode="group",
        separators=".,",
    )
    grid = {"gridcolor": "#E4E7EB", "zerolinecolor": "#9AA5B1", "linecolor": "#CBD2D9", "automargin": True}
    if chart.kind == "barh":
        fig.update_yaxes(autorange="reversed", showgrid=False, **grid)
        fig.update_xaxes(tickformat=tickformat, **grid)
    elif chart.kind != "pie":
        fig.update_yaxes(tickformat=tickformat, **grid)
        fig.update_xaxes(type="category", showgrid=False, **grid)
    return fig


def chart_json(chart: Chart, table: Table, div_id: str) -> str:
    """``{"id", "data", "layout", "config"}`` as JSON safe to embed in a ``<script>`` (``<``, ``>``, ``/`` escaped)."""
    fig = figure(chart, table).to_plotly_json()
    payload = {"id": div_id, "data": fig["data"], "layout": fig["layout"], "config": CONFIG}
    text: str = to_json_plotly(payload)
    return text


__all__ = ["chart_json", "figure"]
