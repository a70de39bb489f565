"""Targets (目标) for a period, from the ``targets`` table.

A target counts for a period when target rows cover **every day** of it for every store in scope,
without overlap: a weekly report uses a week target where there is one, else seven day targets; a
monthly report a month target, else week/day targets that tile the month. A target that only
partly covers the period (a month target seen from a week) is not pro-rated here — spreading a
target over days is planning's job (the plan writes day targets) — so no figure is invented.

>>> target(wh, "paid_amount", date(2026, 10, 19), date(2026, 10, 25), ["tmall_flagship"])  # doctest: +SKIP
Decimal('120000.00')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import ibis
import pandas as pd

from shopops.warehouse.store import Warehouse


def target(wh: Warehouse, metric: str, start: date, end: date, stores: Sequence[str]) -> Decimal | None:
    """The target of ``metric`` over ``start``–``end`` (inclusive) summed over ``stores``, or ``None``."""
    return targets(wh, [metric], start, end, stores)[metric]


def targets(
    wh: Warehouse, metrics: Sequence[str], start: date, end: date, stores: Sequence[str]
) -> dict[str, Decimal | None]:
    """:func:`target` of each of ``metrics``, read in one statement (a report's headline asks for seven)."""
    out: dict[str, Decimal | None] = dict.fromkeys(metrics)
    if not stores or not metrics:
        return out
    t = wh.table("targets")
    t = t.filter(
        t.metric.isin(list(metrics))
        & t.store.isin(list(stores))
        & (t.period_start >= ibis.literal(start, type="date"))
        & (t.period_end <= ibis.literal(end, type="date"))
    )
    rows: pd.DataFrame = t.select("metric", "store", "grain", "period_start", "period_end", "value").execute()
    for metric, of_metric in rows.groupby("metric", sort=False):
        out[str(metric)] = _sum_of_stores(of_metric, start, end, stores)
    return out


def _sum_of_stores(rows: pd.DataFrame, start: date, end: date, stores: Sequence[str]) -> Decimal | None:
    total = Decimal("0.00")
    for store in stores:
        value = _store_target(rows[rows["store"] == store], start, end)
        if value is None:
            return None
        total += value
    return total


def _store_target(rows: pd.DataFrame, start: date, end: date) -> Decimal | None:
    """The coarsest grain whose rows tile ``start``–``end`` exactly."""
    days = (end - start).days + 1
    for _, group in sorted(rows.groupby("grain"), key=lambda g: -_span(g[1])):
        covered: set[date] = set()
        overlap = False
        for r in group.itertuples(index=False):
            first, last = _day(r.period_start), _day(r.period_end)
            span = {first + timedelta(days=i) for i in range((last - first).days + 1)}
            overlap = overlap or bool(covered & span)
            covered |= span
        if not overlap and len(covered) == days and not any(v is None for v in group["value"]):
            return sum((Decimal(str(v)) for v in group["value"]), Decimal("0.00"))
    return None


def _span(group: pd.DataFrame) -> int:
    return max((_day(e) - _day(s)).days for s, e in zip(group["period_start"], group["period_end"], strict=True))


def _day(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


__all__ = ["target", "targets"]
