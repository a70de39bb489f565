"""Targets (目标) for a period, from the ``targets`` table: the one place target rows are tiled.

A target counts for a period when target rows lying inside it cover **every day** of it, without
overlap, for every store in scope. The rows are taken **coarsest first**: a row is used when it lies
inside the period and none of its days is already covered by a longer one. So a weekly report uses a
week target where there is one, else seven day targets; a monthly report a month target, else the
week and day targets that tile the month. A week row and day rows of the same week: the week's own
row is its target (its days count only where no coarser row covers them). A target that only partly
covers the period (a month target seen from a week) is not pro-rated — spreading a target over days
is planning's job (the plan writes day targets) — so no figure is invented: a day left uncovered
makes the period's target unknown (``None``).

The report's headline (:func:`targets`), the tracking (:mod:`shopops.plan.track`) and the scorecard
(:mod:`shopops.plan.scorecard`) all read targets through :class:`TargetRows`.

>>> target(wh, "paid_amount", date(2026, 10, 19), date(2026, 10, 25), ["tmall_flagship"])  # doctest: +SKIP
Decimal('120000.00')
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import pandas as pd

from shopops.metrics.catalogue import Catalogue
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
    rows = _rows(wh, metrics, stores, start, end, inside=True)
    for metric, of_metric in rows.groupby("metric", sort=False):
        out[str(metric)] = TargetRows(of_metric).total(stores, start, end)
    return out


def sum_all(values: Sequence[Decimal | None]) -> Decimal | None:
    """The sum, or ``None`` when any part is unknown."""
    total = Decimal("0.00")
    for v in values:
        if v is None:
            return None
        total += v
    return total


class TargetRows:
    """The target rows of one metric, per store; :meth:`get` sums the rows that tile a day range
    (coarsest first, see the module docstring)."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.by_store: dict[str, list[tuple[date, date, Decimal]]] = {}
        for r in rows.itertuples(index=False):
            if r.value is None or (isinstance(r.value, float) and pd.isna(r.value)):
                continue
            first, last = _day(r.period_start), _day(r.period_end)
            self.by_store.setdefault(str(r.store), []).append((first, last, Decimal(str(r.value))))
        for spans in self.by_store.values():
            spans.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first

    @classmethod
    def load(cls, wh: Warehouse, metric: str, stores: Sequence[str], start: date, end: date) -> TargetRows:
        """The rows of ``metric`` for ``stores`` overlapping ``start``–``end`` (a year, for tracking)."""
        return cls(_rows(wh, [metric], stores, start, end, inside=False))

    def __bool__(self) -> bool:
        return bool(self.by_store)

    def get(self, store: str, start: date, end: date) -> Decimal | None:
        """The target of ``start``–``end`` for ``store``: rows inside the range, coarsest first, that
        cover every day without overlap; ``None`` when they leave a day uncovered."""
        days = (end - start).days + 1
        if days <= 0:
            return None
        covered = bytearray(days)
        total = Decimal("0.00")
        for first, last, value in self.by_store.get(store, ()):
            if first < start or last > end:
                continue
            i, j = (first - start).days, (last - start).days + 1
            if any(covered[i:j]):
                continue
            covered[i:j] = b"\x01" * (j - i)
            total += value
        return total if all(covered) else None

    def total(self, stores: Sequence[str], start: date, end: date) -> Decimal | None:
        """:meth:`get` summed over ``stores`` (``None`` when one of them has no target)."""
        return sum_all([self.get(s, start, end) for s in stores])

    def covered_through(self, stores: Sequence[str], start: date, end: date) -> date | None:
        """The last day ``d`` <= ``end`` such that ``start``–``d`` has a target for every store."""
        if self.total(stores, start, end) is not None:
            return end
        ends = sorted({e for s in stores for _, e, _ in self.by_store.get(s, ()) if start <= e < end}, reverse=True)
        for d in ends:
            if self.total(stores, start, d) is not None:
                return d
        return None


def additive(cat: Catalogue, metric: str) -> bool:
    """A metric whose value over a range is the sum of its daily values: the metrics targets are set for."""
    m = cat.metrics[metric]
    if m.is_base:
        return m.aggregation in ("sum", "count")
    if m.aggregation != "formula" or m.unit not in ("money", "count"):
        return False

    def ok(node: ast.expr) -> bool:
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Add | ast.Sub) and ok(node.left) and ok(node.right)
        if isinstance(node, ast.Name):
            return node.id in cat.metrics and additive(cat, node.id)
        return False

    return ok(m.formula_tree)


def _rows(
    wh: Warehouse, metrics: Sequence[str], stores: Sequence[str], start: date, end: date, *, inside: bool
) -> pd.DataFrame:
    """The target rows of ``metrics`` for ``stores`` inside ``start``–``end`` (``inside``) or overlapping it."""
    t = wh.table("targets")
    first, last = ibis.literal(start, type="date"), ibis.literal(end, type="date")
    within = (
        (t.period_start >= first) & (t.period_end <= last)
        if inside
        else (t.period_end >= first) & (t.period_start <= last)
    )
    t = t.filter(t.metric.isin(list(metrics)) & t.store.isin(list(stores)) & within)
    return t.select("metric", "store", "period_start", "period_end", "value").execute()  # type: ignore[no-any-return]


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


__all__ = ["TargetRows", "additive", "sum_all", "target", "targets"]
