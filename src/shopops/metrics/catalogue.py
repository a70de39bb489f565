"""The metric dictionary, loaded from ``catalogue.toml`` into frozen dataclasses and validated.

>>> from shopops.metrics.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> cat.metrics["aov"].formula
'paid_amount / buyers'
>>> sorted(cat.supported_dims("paid_amount"))[:3]
['buyer_type', 'channel', 'currency']

A *base* metric aggregates one column expression of a fact (``sum``, ``count``, ``distinct``);
a *derived* metric is arithmetic over other metric ids (``formula``; ``ratio`` when it divides).
Column expressions and formulas are a small arithmetic language (``+ - * /``, names, numbers),
parsed with :mod:`ast` and checked at load: they are never evaluated as Python or pasted into SQL.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from shopops.warehouse.schema import TABLES

Unit = Literal["money", "count", "ratio", "money_per", "number"]
UNITS: tuple[str, ...] = ("money", "count", "ratio", "money_per", "number")
BASE_AGGREGATIONS = ("sum", "count", "distinct")
DERIVED_AGGREGATIONS = ("formula", "ratio")

#: Facts: the row sets base metrics aggregate, the tables each can read, and what dates it.
FACTS: dict[str, tuple[tuple[str, ...], str]] = {
    "orders": (("orders", "stores"), "orders.created_at"),
    "paid_orders": (("orders", "stores"), "orders.paid_at"),
    "paid_items": (("order_items", "orders", "products", "order_totals", "stores"), "orders.paid_at"),
    "traffic": (("traffic_daily", "stores"), "traffic_daily.date"),
    "ads": (("ad_spend", "stores"), "ad_spend.date"),
    "refunds": (("refunds", "stores"), "refunds.refund_at"),
}
#: Fields a fact needs beyond its metrics' columns (payment times fall back to order times, so none there).
FACT_NEEDS: dict[str, tuple[str, ...]] = {"refunds": ("refunds.refund_at",)}
#: Columns computed by a fact builder rather than read from a table.
COMPUTED_COLUMNS: dict[str, tuple[str, ...]] = {"order_totals": ("item_amount",)}
COMPUTED_DIMS = ("@buyer_type",)


class CatalogueError(ValueError):
    """The catalogue file is inconsistent (a developer error, caught by the tests)."""


@dataclass(frozen=True)
class Grain:
    id: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str


@dataclass(frozen=True)
class Compare:
    """A comparison: the previous period lies ``days`` days or ``months`` months back."""

    id: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    days: int
    months: int
    grains: tuple[str, ...]


@dataclass(frozen=True)
class Dimension:
    """A split/filter. ``sources`` maps fact -> columns read (first non-empty wins)."""

    id: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    sources: Mapping[str, tuple[str, ...]]
    level: Literal["row", "store"] = "row"
    values: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    @property
    def store_level(self) -> bool:
        """An attribute of the store (store, platform, currency): every fact can split by it."""
        return self.level == "store"


@dataclass(frozen=True)
class Metric:
    id: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    unit: Unit
    aggregation: str
    good: Literal["up", "down"] = "up"
    fact: str | None = None
    column: str | None = None
    where: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False
    incomplete: str = ""
    formula: str | None = None
    notes: str = ""
    platforms: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_base(self) -> bool:
        return self.fact is not None

    @property
    def formula_tree(self) -> ast.expr:
        return parse_expression(self.formula or self.column or "")

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Metric ids a derived metric's formula names, in order of appearance."""
        if self.is_base:
            return ()
        return tuple(dict.fromkeys(names(self.formula_tree)))

    @property
    def columns(self) -> tuple[str, ...]:
        """``table.column`` references of a base metric's column expression."""
        if not self.is_base:
            return ()
        return tuple(dict.fromkeys(names(self.formula_tree)))


@dataclass(frozen=True)
class Catalogue:
    grains: Mapping[str, Grain]
    compares: Mapping[str, Compare]
    dimensions: Mapping[str, Dimension]
    metrics: Mapping[str, Metric]

    def base_metrics(self, metric_id: str) -> tuple[str, ...]:
        """The base metrics ``metric_id`` is computed from (itself when it is one), in dependency order."""
        out: dict[str, None] = {}
        for dep in self._walk(metric_id):
            if self.metrics[dep].is_base:
                out[dep] = None
        return tuple(out)

    def dependency_order(self, metric_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Every metric needed for ``metric_ids``, each after the metrics it depends on."""
        out: dict[str, None] = {}
        for mid in metric_ids:
            for dep in self._walk(mid):
                out[dep] = None
        return tuple(out)

    def _walk(self, metric_id: str) -> Iterator[str]:
        for dep in self.metrics[metric_id].depends_on:
            yield from self._walk(dep)
        yield metric_id

    def facts_of(self, metric_id: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.metrics[b].fact or "" for b in self.base_metrics(metric_id)))

    def supported_dims(self, metric_id: str) -> tuple[str, ...]:
        """Dimensions every fact behind ``metric_id`` can split by (and the base metrics' own filters allow)."""
        facts = self.facts_of(metric_id)
        return tuple(d.id for d in self.dimensions.values() if all(f in d.sources for f in facts))

    def needs(self, metric_id: str) -> tuple[str, ...]:
        """``table.column`` fields the store's imports must have supplied for ``metric_id``."""
        out: dict[str, None] = {}
        for b in self.base_metrics(metric_id):
            m = self.metrics[b]
            for col in (*m.columns, *FACT_NEEDS.get(m.fact or "", ())):
                table = col.split(".", 1)[0]
                if table in TABLES and table != "stores":
                    out[col] = None
            for dim in m.where:
                for col in self.dimensions[dim].needs:
                    out[col] = None
        return tuple(out)

    def is_money(self, metric_id: str) -> bool:
        """Whether any base metric behind ``metric_id`` is an amount of money (so currencies must not mix)."""
        return any(self.metrics[b].unit == "money" for b in self.base_metrics(metric_id))


# ---------------------------------------------------------------- the expression language


def parse_expression(text: str) -> ast.expr:
    """Parse ``a.b * c / 2``-style arithmetic; anything else is a :class:`CatalogueError`."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise CatalogueError(f"not an arithmetic expression: {text!r}") from exc
    for node in ast.walk(tree):
        ok = isinstance(
            node,
            ast.BinOp | ast.Name | ast.Attribute | ast.Constant | ast.Load | ast.Add | ast.Sub | ast.Mult | ast.Div,
        )
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            ok = False
        if isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Name):
            ok = False
        if not ok:
            raise CatalogueError(f"{text!r}: only + - * /, names and numbers are allowed")
    return tree


def names(tree: ast.expr) -> Iterator[str]:
    """Names (``x``) and qualified names (``t.x``) an expression uses, left to right."""
    if isinstance(tree, ast.Name):
        yield tree.id
    elif isinstance(tree, ast.Attribute) and isinstance(tree.value, ast.Name):
        yield f"{tree.value.id}.{tree.attr}"
    elif isinstance(tree, ast.BinOp):
        yield from names(tree.left)
        yield from names(tree.right)


def divides(tree: ast.expr) -> bool:
    return isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div)


# ---------------------------------------------------------------- loading and validation


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once and validated."""
    text = resources.files("shopops.metrics").joinpath("catalogue.toml").read_text(encoding="utf-8")
    return parse_catalogue(text)


def parse_catalogue(text: str) -> Catalogue:
    raw = tomllib.loads(text)
    cat = Catalogue(
        grains={k: Grain(id=k, **v) for k, v in raw.get("grains", {}).items()},
        compares={k: _compare(k, v) for k, v in raw.get("compares", {}).items()},
        dimensions={k: _dimension(k, v) for k, v in raw.get("dimensions", {}).items()},
        metrics={k: _metric(k, v) for k, v in raw.get("metrics", {}).items()},
    )
    validate(cat)
    return cat


def _compare(key: str, v: dict[str, Any]) -> Compare:
    return Compare(
        id=key,
        zh=v["zh"],
        en=v["en"],
        definition_zh=v["definition_zh"],
        definition_en=v["definition_en"],
        days=int(v.get("days", 0)),
        months=int(v.get("months", 0)),
        grains=tuple(v["grains"]),
    )


def _dimension(key: str, v: dict[str, Any]) -> Dimension:
    sources = {fact: (cols,) if isinstance(cols, str) else tuple(cols) for fact, cols in v["sources"].items()}
    return Dimension(
        id=key,
        zh=v["zh"],
        en=v["en"],
        definition_zh=v["definition_zh"],
        definition_en=v["definition_en"],
        sources=sources,
        level=v.get("level", "row"),
        values=tuple(v.get("values", ())),
        needs=tuple(v.get("needs", ())),
    )


_METRIC_KEYS = {f for f in Metric.__dataclass_fields__ if f != "id"}


def _metric(key: str, v: dict[str, Any]) -> Metric:
    unknown = set(v) - _METRIC_KEYS
    if unknown:
        raise CatalogueError(f"metric {key}: unknown keys {sorted(unknown)}")
    try:
        return Metric(id=key, **v)
    except TypeError as exc:
        raise CatalogueError(f"metric {key}: {exc}") from exc


def validate(cat: Catalogue) -> None:
    """Check every reference in the catalogue; raise :class:`CatalogueError` on the first problem."""
    from shopops.calendar.grains import GRAINS

    if tuple(cat.grains) != GRAINS:
        raise CatalogueError(
            f"grains must be exactly {GRAINS} (the calendar implements those), got {tuple(cat.grains)}"
        )
    for c in cat.compares.values():
        if (c.days > 0) == (c.months > 0):
            raise CatalogueError(f"compare {c.id}: give exactly one of days or months")
        bad = [g for g in c.grains if g not in cat.grains]
        if bad:
            raise CatalogueError(f"compare {c.id}: unknown grains {bad}")
    for d in cat.dimensions.values():
        _validate_dimension(d)
    for m in cat.metrics.values():
        _validate_metric(cat, m)
    for m in cat.metrics.values():
        _check_cycle(cat, m.id, ())


def _known_column(col: str, fact: str) -> bool:
    table, _, name = col.partition(".")
    if table not in FACTS[fact][0]:
        return False
    if table in COMPUTED_COLUMNS:
        return name in COMPUTED_COLUMNS[table]
    return name in TABLES[table].column_names


def _validate_dimension(d: Dimension) -> None:
    if d.level not in ("row", "store"):
        raise CatalogueError(f"dimension {d.id}: level must be row or store")
    for fact, cols in d.sources.items():
        if fact not in FACTS:
            raise CatalogueError(f"dimension {d.id}: unknown fact {fact!r} (facts: {', '.join(FACTS)})")
        for col in cols:
            if col in COMPUTED_DIMS:
                continue
            if not _known_column(col, fact):
                raise CatalogueError(f"dimension {d.id}: fact {fact} cannot read {col!r}")
    if d.store_level and set(d.sources) != set(FACTS):
        raise CatalogueError(f"dimension {d.id}: a store-level dimension needs a source in every fact")


def _validate_metric(cat: Catalogue, m: Metric) -> None:
    where = f"metric {m.id}"
    if m.unit not in UNITS:
        raise CatalogueError(f"{where}: unit must be one of {UNITS}")
    if m.good not in ("up", "down"):
        raise CatalogueError(f"{where}: good must be up or down")
    tree = m.formula_tree
    if m.is_base:
        if m.aggregation not in BASE_AGGREGATIONS or m.formula or not m.column:
            raise CatalogueError(f"{where}: a base metric has fact, column and aggregation in {BASE_AGGREGATIONS}")
        if m.fact not in FACTS:
            raise CatalogueError(f"{where}: unknown fact {m.fact!r} (facts: {', '.join(FACTS)})")
        for col in names(tree):
            if not _known_column(col, m.fact):
                raise CatalogueError(f"{where}: fact {m.fact} has no column {col!r}")
        for dim, value in m.where.items():
            d = cat.dimensions.get(dim)
            if d is None or m.fact not in d.sources or (d.values and value not in d.values):
                raise CatalogueError(f"{where}: bad filter {dim}={value!r}")
        return
    if m.aggregation not in DERIVED_AGGREGATIONS or not m.formula or m.column or m.where:
        raise CatalogueError(f"{where}: a derived metric has a formula and aggregation in {DERIVED_AGGREGATIONS}")
    if (m.aggregation == "ratio") != divides(tree):
        raise CatalogueError(f"{where}: aggregation 'ratio' exactly when the formula's last step divides")
    for name in names(tree):
        if name not in cat.metrics:
            raise CatalogueError(f"{where}: formula names unknown metric {name!r}")
    if m.aggregation == "formula" and m.unit != cat.metrics[m.depends_on[0]].unit:
        raise CatalogueError(f"{where}: a sum/difference keeps its parts' unit")


def _check_cycle(cat: Catalogue, metric_id: str, path: tuple[str, ...]) -> None:
    if metric_id in path:
        raise CatalogueError(f"metric formulas form a cycle: {' -> '.join((*path, metric_id))}")
    for dep in cat.metrics[metric_id].depends_on:
        _check_cycle(cat, dep, (*path, metric_id))


__all__ = [
    "FACTS",
    "Catalogue",
    "CatalogueError",
    "Compare",
    "Dimension",
    "Grain",
    "Metric",
    "load_catalogue",
    "parse_catalogue",
]
