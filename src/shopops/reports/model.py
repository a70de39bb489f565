"""The report object: what a daily, weekly or monthly report says, as data.

The compositions (:mod:`shopops.compositions`) build a :class:`Report` from registered sections;
:mod:`shopops.reports` renders the same object to HTML, Excel, Markdown and JSON. Renderers never
query: every figure, label and sentence they show is in here.

Units (``Column.unit``, ``Kpi.unit``) tell renderers how to show a value:

==========  ==================================================  ===================
unit        value                                               shown as
==========  ==================================================  ===================
money       ``Decimal`` to the cent                              1,234.50
money_per   ``float`` (客单价, CPC …)                            123.45
count       ``int``                                             1,234
ratio       ``float`` fraction (CVR, refund rate …)             2.85%
number      ``float`` (ROAS, units per transaction …)           3.1416
pct         ``float`` fraction: a relative change               +12.30%
pp          ``float`` fraction: the change of a ratio           +0.33 pp
score       ``float`` (explanatory power, surprise …)           0.412
text        ``str``
date        ``datetime.date``
==========  ==================================================  ===================

``None`` is a figure that is not available (the notes say why); renderers show "n/a" / "—".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from shopops.calendar.period import Period

SCHEMA_VERSION = 1

Unit = Literal["money", "money_per", "count", "ratio", "number", "pct", "pp", "score", "text", "date"]
ChartKind = Literal["bar", "barh", "line", "waterfall", "pie"]


@dataclass(frozen=True)
class Column:
    """A table column: ``id`` is the key in each row; ``label`` is in the report's language."""

    id: str
    label: str
    unit: Unit = "text"


@dataclass
class Table:
    """Rows of figures; each row is a dict keyed by column id."""

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""

    def column(self, column_id: str) -> Column:
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(column_id)


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a table of the same section.

    ``x``: the category/period column; ``y``: the value columns (one series each). ``waterfall``
    draws ``y[0]`` as steps from a start to an end: the first and last rows are totals (absolute),
    the rows between are the changes. ``pie`` uses ``y[0]``.
    """

    id: str
    title: str
    kind: ChartKind
    table: str
    x: str
    y: tuple[str, ...]


@dataclass
class Section:
    """One part of the report: a few sentences, tables, charts and notes."""

    id: str
    title: str
    text: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)


@dataclass
class Kpi:
    """A headline figure with its comparisons.

    ``previous``: the previous period (day-on-day, WoW or MoM); ``yoy``: a year ago, aligned on the
    weekday for daily and weekly reports. Changes of ``ratio`` metrics are in points (unit ``pp``),
    of the others relative (``pct``). ``target``/``achievement`` only where a target exists.
    ``good``: ``up`` or ``down``, which direction is good news.
    """

    metric: str
    label: str
    unit: Unit
    value: Any
    previous: Any = None
    change: Any = None
    change_pct: float | None = None
    yoy: Any = None
    yoy_change: Any = None
    yoy_change_pct: float | None = None
    target: Any = None
    achievement: float | None = None
    good: str = "up"


@dataclass
class Report:
    """A daily, weekly, monthly or (quarterly) customer report for one store or several."""

    kind: Literal["daily", "weekly", "monthly", "customers", "plan", "track", "scorecard"]
    lang: Literal["zh", "en"]
    title: str
    stores: list[str]
    currency: str | None
    period: Period
    previous: Period
    yoy: Period | None
    generated_at: datetime
    summary: list[str]
    kpis: list[Kpi]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step of building; not rendered

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def kpi(self, metric: str) -> Kpi:
        for k in self.kpis:
            if k.metric == metric:
                return k
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: money as numbers with two decimals, dates ISO, ``None`` as null."""
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "lang": self.lang,
            "title": self.title,
            "stores": list(self.stores),
            "currency": self.currency,
            "period": _period(self.period),
            "previous": _period(self.previous),
            "yoy": _period(self.yoy) if self.yoy else None,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "summary": list(self.summary),
            "kpis": [{k: plain(v) for k, v in vars(kpi).items()} for kpi in self.kpis],
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "text": list(s.text),
                    "notes": list(s.notes),
                    "tables": [
                        {
                            "id": t.id,
                            "title": t.title,
                            "note": t.note,
                            "columns": [{"id": c.id, "label": c.label, "unit": c.unit} for c in t.columns],
                            "rows": [{c.id: plain(row.get(c.id)) for c in t.columns} for row in t.rows],
                        }
                        for t in s.tables
                    ],
                    "charts": [
                        {"id": c.id, "title": c.title, "kind": c.kind, "table": c.table, "x": c.x, "y": list(c.y)}
                        for c in s.charts
                    ],
                }
                for s in self.sections
            ],
            "notes": list(self.notes),
        }


def _period(p: Period) -> dict[str, Any]:
    return {"start": p.start.isoformat(), "end": p.end.isoformat(), "label": p.label}


def plain(value: Any) -> Any:
    """A JSON-ready value: ``Decimal`` → float (exact for cents: ``repr`` gives the same digits)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, bool | int | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return str(value)


def format_value(value: Any, unit: str, *, signed: bool = False, lang: str = "en") -> str:
    """Operators' formats: 1,234.50 money, 2.85% rates, +0.33 pp a rate's change, n/a when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—" if lang == "zh" else "n/a"
    if unit in ("text", "date"):
        return value.isoformat() if isinstance(value, date) else str(value)
    sign = "+" if signed else ""
    if unit == "money":
        return f"{Decimal(str(value)):{sign},.2f}"
    if unit == "count":
        return f"{int(value):{sign},}"
    number = float(value)
    if unit == "ratio":
        return f"{number * 100:{sign}.2f}%"
    if unit == "pct":
        return f"{number * 100:+.2f}%"
    if unit == "pp":
        return f"{number * 100:+.2f} pp"
    if unit == "money_per":
        return f"{number:{sign},.2f}"
    if unit == "score":
        return f"{number:{sign}.3f}"
    return f"{number:{sign},.4f}"


__all__ = [
    "SCHEMA_VERSION",
    "Chart",
    "Column",
    "Kpi",
    "Period",
    "Report",
    "Section",
    "Table",
    "format_value",
    "plain",
]
