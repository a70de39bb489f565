"""The report as one self-contained HTML page: opens offline, reads on a phone, prints.

plotly.js is embedded once at the end of the page (about 4.8 MB, no CDN); each chart is a ``<div>``
filled from a JSON list by one script after it, so text and tables show before the charts draw.
Every string from the report is autoescaped by Jinja2. Colours: see :mod:`shopops.reports.figures`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from shopops.reports.charts import chart_json
from shopops.reports.checks import check
from shopops.reports.figures import (
    Delta,
    cell_text,
    is_negative,
    is_numeric,
    kpi_delta,
    period_text,
    safe_name,
    stores_text,
)
from shopops.reports.i18n import chrome
from shopops.reports.model import Kpi, Report, Section, Table, format_value


@dataclass(frozen=True)
class KpiCard:
    label: str
    value: str
    previous: str
    delta: Delta | None
    yoy: str | None
    yoy_delta: Delta | None
    target: str | None
    achievement: str | None
    bar: float  # achievement as a width in percent, 0–100
    na: str


@dataclass(frozen=True)
class Cell:
    text: str
    classes: str


@dataclass(frozen=True)
class TableView:
    title: str
    note: str
    headers: list[tuple[str, str]]
    rows: list[list[Cell]]


@dataclass
class SectionView:
    id: str
    anchor: str
    title: str
    text: list[str]
    notes: list[str]
    charts: list[tuple[str, str]] = field(default_factory=list)  # (div id, title)
    tables: list[TableView] = field(default_factory=list)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("shopops.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _plotlyjs() -> Markup:
    return Markup(get_plotlyjs())


def _card(kpi: Kpi, lang: str) -> KpiCard:
    has_yoy = kpi.yoy is not None or kpi.yoy_change is not None or kpi.yoy_change_pct is not None
    yoy = format_value(kpi.yoy, kpi.unit, lang=lang) if has_yoy else None
    return KpiCard(
        label=kpi.label,
        value=format_value(kpi.value, kpi.unit, lang=lang),
        previous=format_value(kpi.previous, kpi.unit, lang=lang),
        delta=kpi_delta(kpi, "previous"),
        yoy=yoy,
        yoy_delta=kpi_delta(kpi, "yoy"),
        target=None if kpi.target is None else format_value(kpi.target, kpi.unit, lang=lang),
        achievement=None if kpi.achievement is None else format_value(kpi.achievement, "ratio", lang=lang),
        bar=round(min(max(kpi.achievement or 0.0, 0.0), 1.0) * 100, 1),
        na=format_value(None, kpi.unit, lang=lang),
    )


def _table(table: Table, lang: str) -> TableView:
    headers = [(c.label, "num" if is_numeric(c.unit) else "") for c in table.columns]
    rows = []
    for row in table.rows:
        cells = []
        for c in table.columns:
            value = row.get(c.id)
            classes = " ".join(
                name
                for name, on in (
                    ("num", is_numeric(c.unit)),
                    ("neg", is_negative(value, c.unit)),
                    ("na", value is None),
                )
                if on
            )
            cells.append(Cell(cell_text(value, c, lang), classes))
        rows.append(cells)
    return TableView(table.title, table.note, headers, rows)


def _section(section: Section, index: int, lang: str, charts: list[str]) -> SectionView:
    anchor = f"s{index}-{safe_name(section.id, 40)}"
    view = SectionView(section.id, anchor, section.title, list(section.text), list(section.notes))
    for j, chart in enumerate(section.charts):
        div_id = f"chart-{anchor}-{j}"
        view.charts.append((div_id, chart.title))
        charts.append(chart_json(chart, section.table(chart.table), div_id))
    view.tables = [_table(t, lang) for t in section.tables]
    return view


def to_html(report: Report) -> str:
    """The whole report as one HTML page (UTF-8 text, ``<html lang="zh">`` or ``"en"``)."""
    check(report)
    c = chrome(report.lang)
    charts: list[str] = []
    sections = [_section(s, i, report.lang, charts) for i, s in enumerate(report.sections, start=1)]
    context: dict[str, Any] = {
        "report": report,
        "c": c,
        "html_lang": "zh-CN" if report.lang == "zh" else report.lang,
        "colon": "：" if report.lang == "zh" else ": ",
        "kind_label": c.get(report.kind, report.kind),
        "period": period_text(report.period),
        "previous": period_text(report.previous),
        "yoy": period_text(report.yoy) if report.yoy else None,
        "stores": stores_text(report),
        "generated": report.generated_at.isoformat(sep=" ", timespec="minutes"),
        "cards": [_card(k, report.lang) for k in report.kpis],
        "sections": sections,
        "charts_json": Markup("[" + ",\n".join(charts) + "]"),
        "plotlyjs": _plotlyjs() if charts else None,
    }
    return _environment().get_template("report.html.j2").render(context)


__all__ = ["to_html"]
