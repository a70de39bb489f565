"""Presentation rules every renderer shares: how a change is worded and coloured, how a cell reads.

Colour convention (all renderers): **green is good news, red is bad news**, judged by the KPI's
``good`` direction — a refund rate that falls is green. The arrow (▲/▼) always shows the direction of
the figure itself. Inside tables, negative numbers are red (the accountant's convention), whatever
they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from shopops.reports.i18n import chrome
from shopops.reports.model import Column, Kpi, Period, Report, format_value

NUMERIC_UNITS = frozenset({"money", "money_per", "count", "ratio", "number", "pct", "pp", "score"})
CHANGE_UNITS = frozenset({"pct", "pp"})

Tone = Literal["good", "bad", "neutral"]
Direction = Literal["up", "down", "flat"]


@dataclass(frozen=True)
class Delta:
    """A comparison as shown: ``+12.30%`` going ``up``, which is ``good`` news."""

    text: str
    direction: Direction
    tone: Tone

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "–"}[self.direction]


def _direction(value: Any) -> Direction:
    number = float(value)
    if number > 0:
        return "up"
    if number < 0:
        return "down"
    return "flat"


def kpi_delta(kpi: Kpi, against: Literal["previous", "yoy"] = "previous") -> Delta | None:
    """The change of ``kpi`` against the previous period or a year ago; ``None`` when unknown.

    Ratios (conversion, refund rate) change in points (``+0.33 pp``); other figures relatively
    (``+12.30%``), falling back to the absolute change when no relative change exists.

    >>> kpi_delta(Kpi("paid", "支付金额", "money", Decimal("110"), change=Decimal("10"), change_pct=0.1)).text
    '+10.00%'
    """
    change, pct = (kpi.change, kpi.change_pct) if against == "previous" else (kpi.yoy_change, kpi.yoy_change_pct)
    if kpi.unit == "ratio" and change is not None:
        text, basis = format_value(change, "pp"), change
    elif pct is not None:
        text, basis = format_value(pct, "pct"), pct
    elif change is not None:
        text, basis = format_value(change, kpi.unit, signed=True), change
    else:
        return None
    direction = _direction(basis)
    tone: Tone = "neutral" if direction == "flat" else ("good" if direction == kpi.good else "bad")
    return Delta(text, direction, tone)


def is_numeric(unit: str) -> bool:
    return unit in NUMERIC_UNITS


def is_negative(value: Any, unit: str) -> bool:
    """True for a negative figure in a numeric column (shown in red)."""
    if value is None or not is_numeric(unit) or isinstance(value, bool):
        return False
    try:
        return float(value) < 0
    except (TypeError, ValueError):
        return False


def cell_text(value: Any, column: Column, lang: str) -> str:
    """A table cell as text; changes (``pct``/``pp``) always carry their sign."""
    return format_value(value, column.unit, signed=column.unit in CHANGE_UNITS, lang=lang)


def as_number(value: Any) -> float | int | None:
    """A figure as a plain number for charts and spreadsheets (``Decimal`` cents stay exact as floats)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        number = float(value)
        return None if number != number else number  # NaN
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def period_text(period: Period) -> str:
    """``2026-W47 (2026-11-16 – 2026-11-22)``; the dates alone when the label says nothing more."""
    dates = period.start.isoformat() if period.days == 1 else f"{period.start.isoformat()} – {period.end.isoformat()}"
    if not period.label or period.label == dates:
        return dates
    return f"{period.label} ({dates})"


def stores_text(report: Report) -> str:
    return ", ".join(report.stores) if report.stores else chrome(report.lang)["all_stores"]


_UNSAFE = re.compile(r"[^\w.+-]+")


def safe_name(text: str, limit: int = 120) -> str:
    """File-name-safe text: letters (Chinese too), digits, ``.+-_``; other runs become ``-``."""
    cleaned = _UNSAFE.sub("-", text).strip("-.")
    return cleaned[:limit].strip("-.") or "report"


def default_stem(report: Report) -> str:
    """``weekly-2026-W47-all-stores``: kind, period label and stores, safe for a file name; a report in
    another language than Chinese ends in its language (``weekly-2026-W47-all-stores-en``), so that the
    English report of a period never overwrites the Chinese one.

    Stores: none listed → ``all-stores``; up to three → their names joined with ``+``; more → ``N-stores``.
    """
    label = report.period.label or f"{report.period.start.isoformat()}_{report.period.end.isoformat()}"
    if not report.stores:
        stores = "all-stores"
    elif len(report.stores) <= 3:
        stores = "+".join(safe_name(s, 40) for s in report.stores)
    else:
        stores = f"{len(report.stores)}-stores"
    language = "" if report.lang == "zh" else f"-{report.lang}"
    return safe_name(f"{report.kind}-{label}-{stores}{language}")


__all__ = [
    "CHANGE_UNITS",
    "NUMERIC_UNITS",
    "Delta",
    "as_number",
    "cell_text",
    "default_stem",
    "is_negative",
    "is_numeric",
    "kpi_delta",
    "period_text",
    "safe_name",
    "stores_text",
]
