"""Rows of figures for report sections: plain values, two periods side by side, their changes.

The sections of the periodic reports (:mod:`shopops.analyses.kpis`, :mod:`~shopops.analyses.attribution`,
:mod:`~shopops.analyses.traffic`, :mod:`~shopops.analyses.items`) build their tables from these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from shopops.analyses.base import Context
from shopops.analyses.narrative import Narrator
from shopops.errors import QueryError
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.reports.model import Column, Unit


@dataclass(frozen=True)
class SectionParams:
    """``top``: rows in top/bottom lists (1–1000)."""

    top: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.top <= 1000:
            raise QueryError(
                f"top must be between 1 and 1000 (got {self.top})", hint="e.g. top=10", code="param.invalid"
            )


@dataclass
class Rows:
    """What a section's ``build`` returns: its tables as rows, and the facts its words need.

    ``kind`` and ``stores`` tell ``present`` how the period is named and whether a store column is
    needed; ``tables`` maps a table id to its rows; ``facts`` holds anything else (totals, labels).
    """

    kind: str
    stores: tuple[str, ...]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.tables.values())


class Words:
    """The words ``present`` needs: the narrator's, and the catalogue's names of metrics and dimensions."""

    def __init__(self, lang: str, kind: str) -> None:
        self.say = Narrator(lang, kind)
        self.cat: Catalogue = load_catalogue()
        self.lang = lang

    def name(self, metric: str) -> str:
        m = self.cat.metrics[metric]
        return m.zh if self.lang == "zh" else m.en

    def unit(self, metric: str) -> Unit:
        return self.cat.metrics[metric].unit  # type: ignore[return-value]

    def dimension(self, dim: str) -> str:
        return self.say.dimension(self.cat, dim)

    def metric_columns(self, metric: str, *, prev: bool = True, pct: bool = True) -> list[Column]:
        """The metric, its comparison value and its change (points for a ratio, percent otherwise)."""
        s, unit = self.say, self.unit(metric)
        cols = [Column(metric, self.name(metric), unit)]
        if prev:
            cols.append(Column(f"{metric}_prev", f"{self.name(metric)} ({s.t('compare_period')})", unit))
        if unit == "ratio":
            cols.append(Column(f"{metric}_change", f"{self.name(metric)} {s.t('change')}", "pp"))
        elif pct:
            cols.append(Column(f"{metric}_change_pct", f"{self.name(metric)} {s.t('change_pct')}", "pct"))
        return cols


def effect_columns(w: Words) -> list[Column]:
    """The columns of an LMDI table: the segment, both periods' paid amount, the change and its parts."""
    s = w.say
    return [
        Column("segment", s.t("segment")),
        Column("paid_amount_base", s.t("previous"), "money"),
        Column("paid_amount_current", s.t("current"), "money"),
        Column("paid_amount_change", s.t("change"), "money"),
        Column("traffic_effect", s.t("traffic_effect"), "money"),
        Column("conversion_effect", s.t("conversion_effect"), "money"),
        Column("order_value_effect", s.t("order_value_effect"), "money"),
        Column("not_decomposed", s.t("not_decomposed"), "money"),
    ]


def clean(value: Any) -> Any:
    """A plain Python value: ``None`` for NA/NaN/NaT, numpy scalars as Python numbers, Decimals as they are."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal):
        return value.item()
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def first(df: pd.DataFrame, column: str) -> Any:
    if df.empty or column not in df.columns:
        return None
    return clean(df[column].iloc[0])


def change(unit: str, now: Any, before: Any) -> tuple[Any, float | None]:
    """(absolute change, relative change); ratios change in points and have no relative change."""
    if now is None or before is None:
        return None, None
    diff = now - before
    if unit == "ratio":
        return float(diff), None
    pct = None if not before else float(Decimal(str(now)) / Decimal(str(before)) - 1)
    return diff, pct


def merge(now: pd.DataFrame, prev: pd.DataFrame, keys: Sequence[str], metrics: Sequence[str]) -> list[dict[str, Any]]:
    """Current and previous rows side by side on ``keys`` (a segment missing in one period counts 0 there)."""
    index: dict[tuple[Any, ...], dict[str, Any]] = {}
    for label, df in (("", now), ("_prev", prev)):
        if df.empty:
            continue
        for r in df.to_dict("records"):
            key = tuple(r[k] for k in keys)
            row = index.setdefault(key, {k: r[k] for k in keys})
            for m in metrics:
                if m in r:
                    row[f"{m}{label}"] = clean(r[m])
    return list(index.values())


def with_change(cat: Catalogue, rows: list[dict[str, Any]], metric: str) -> None:
    """Add ``{metric}_change`` and ``_change_pct``.

    A segment with no rows in one period (its key is absent, see :func:`merge`) counts 0 there for an
    additive metric (sales, counts); a derived figure (ROAS, 客单价) stays n/a, and so does a figure the
    metric layer left empty (a store whose exports lack it).
    """
    m = cat.metrics[metric]
    zero: Any = Decimal("0.00") if m.unit == "money" else 0
    for r in rows:
        if m.is_base:
            for key in (metric, f"{metric}_prev"):
                if key not in r:
                    r[key] = zero
        now, before = r.get(metric), r.get(f"{metric}_prev")
        r.setdefault(metric, None)
        r.setdefault(f"{metric}_prev", None)
        diff, pct = change(m.unit, now, before)
        r[f"{metric}_change"] = diff
        r[f"{metric}_change_pct"] = pct


def by_store(ctx: Context | Rows, dim: str) -> tuple[str, ...]:
    """``dim`` within each store when the run covers several."""
    stores = ctx.stores
    return ("store", dim) if len(stores) > 1 else (dim,)


def split(ctx: Context, metrics: Sequence[str], by: Sequence[str]) -> list[dict[str, Any]]:
    """``metrics`` by ``by`` in the period and the one compared with, side by side with their changes."""
    now = ctx.query(metrics, ctx.period, by=by)
    prev = ctx.query(metrics, ctx.compared, by=by)
    present = [m for m in metrics if m in now.columns]
    rows = merge(now, prev, by, present)
    for m in present:
        with_change(ctx.catalogue, rows, m)
    return rows


def split_queries(ctx: Context, metrics: Sequence[str], by: Sequence[str]) -> list[Any]:
    """The metric queries :func:`split` asks (both periods), for planning."""
    return [ctx.metric_query(metrics, p, by=by) for p in (ctx.period, ctx.compared)]


def product_titles(ctx: Context) -> dict[tuple[str, str], str]:
    """(store, sku) → the product's title, for the stores in scope."""
    p = ctx.wh.table("products")
    p = p.filter(p.store.isin(list(ctx.stores)))
    frame = p.select("store", "sku", "title").execute()
    return {(str(r.store), str(r.sku)): str(r.title or "") for r in frame.itertuples(index=False)}


__all__ = [
    "Rows",
    "SectionParams",
    "Words",
    "by_store",
    "change",
    "clean",
    "effect_columns",
    "first",
    "merge",
    "product_titles",
    "records",
    "split",
    "split_queries",
    "with_change",
]
