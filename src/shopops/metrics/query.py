"""Metric queries: validated against the catalogue, built as Ibis expressions, returned as pandas.

>>> from datetime import date, timedelta
>>> from shopops.metrics import query
>>> df = query(wh, ["paid_amount", "buyers"], start=date(2026, 1, 1), end=date(2026, 3, 31),
...            grain="month", by=["store"], compare="mom")          # doctest: +SKIP
>>> df.attrs["notes"], df.attrs["sql"]                               # doctest: +SKIP

How a query runs
1. Every base metric is aggregated on its fact (orders, paid orders, items, traffic, ads, refunds),
   grouped by ``period_start`` and the ``by`` dimensions; the per-fact results are stacked and
   collapsed to one row per key (a union, so facts never multiply each other's rows).
2. Without row-level dimensions every period of the range appears, with 0 where nothing happened.
3. Honest gaps: a base metric is NULL on every row that includes a store whose imports never
   supplied the fields it needs (``Warehouse.fields_available``), and money is NULL where stores of
   different currencies would be added up. ``attrs["notes"]`` says why.
4. Derived metrics are computed from the summed parts (ratios are never averaged).

User text never becomes SQL: metric, dimension and grain names are checked against the catalogue
and filter values enter as literals.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from shopops.calendar import grains as calendar
from shopops.errors import QueryError
from shopops.metrics import gaps
from shopops.metrics.catalogue import Catalogue, Metric, load_catalogue, names
from shopops.metrics.facts import BUILDERS, FactContext, add_buyer_type, col, in_days, optional_tables
from shopops.metrics.gaps import Scope, mixed_currency_stores, store_attr, store_dims
from shopops.settings import StoreConfig
from shopops.warehouse.store import Warehouse, warehouse_of

MONEY = dt.Decimal(38, 2)
KEY = "period_start"


# ---------------------------------------------------------------- the query


@dataclass(frozen=True)
class MetricQuery:
    """A validated request: metrics × period grain × dimensions, with filters and a comparison.

    ``where`` maps a dimension to the values to keep (several values of one dimension: any of
    them; several dimensions: all of them).
    """

    metrics: tuple[str, ...]
    start: date
    end: date
    grain: str = "total"
    by: tuple[str, ...] = ()
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    compare: str | None = None

    @classmethod
    def create(
        cls,
        metrics: str | Iterable[str],
        *,
        start: date | str,
        end: date | str,
        grain: str = "total",
        by: str | Iterable[str] = (),
        where: Mapping[str, str | Iterable[str]] | None = None,
        compare: str | None = None,
        catalogue: Catalogue | None = None,
    ) -> MetricQuery:
        """Normalise (comma lists, ISO dates) and validate against the catalogue."""
        q = cls(
            metrics=_names(metrics),
            start=_date(start, "start"),
            end=_date(end, "end"),
            grain=grain,
            by=_names(by),
            where={k: (v,) if isinstance(v, str) else tuple(v) for k, v in (where or {}).items()},
            compare=compare or None,
        )
        q.validate(catalogue or load_catalogue())
        return q

    def validate(self, cat: Catalogue) -> None:
        _one_of("metric", self.metrics, cat.metrics, empty="name at least one metric")
        _one_of("grain", (self.grain,), cat.grains)
        _one_of("dimension", self.by, cat.dimensions)
        _one_of("filter dimension", tuple(self.where), cat.dimensions)
        if self.start > self.end:
            raise QueryError(f"the range starts after it ends ({self.start} > {self.end})", hint="swap --from and --to")
        if len(set(self.by)) != len(self.by):
            raise QueryError(f"a dimension is repeated in --by {','.join(self.by)}")
        for m in self.metrics:
            supported = cat.supported_dims(m)
            for d in (*self.by, *self.where):
                if d not in supported:
                    able = [k for k in cat.metrics if d in cat.supported_dims(k)]
                    raise QueryError(
                        f"metric {m} cannot be split or filtered by {d}; it supports: {', '.join(supported)}",
                        hint=f"metrics that split by {d}: {', '.join(able)}",
                    )
        for d, values in self.where.items():
            allowed = cat.dimensions[d].values
            bad = [v for v in values if allowed and v not in allowed]
            if bad or not values:
                raise QueryError(f"invalid filter {d}={','.join(bad)}; valid values: {', '.join(allowed)}")
        if self.compare is not None:
            _one_of("comparison", (self.compare,), cat.compares)
            grains = cat.compares[self.compare].grains
            if self.grain not in grains:
                raise QueryError(
                    f"--compare {self.compare} does not fit grain {self.grain}; it works with grains: {', '.join(grains)}",
                    hint="for weeks use wow or yoy_weekday; for months mom or yoy",
                )

    def run(self, wh: Warehouse) -> pd.DataFrame:
        """Execute against ``wh``; see :func:`run`."""
        return run(wh, self)

    def explain(self, wh: Warehouse) -> str:
        """The SQL :meth:`run` executes on ``wh``."""
        return sql(wh, build(wh, self).expr)

    def shifted(self) -> MetricQuery:
        """The same query for the comparison period (no comparison of its own)."""
        if self.compare is None:
            raise ValueError("no comparison")
        c = load_catalogue().compares[self.compare]
        return MetricQuery(
            metrics=self.metrics,
            start=calendar.shift(self.start, days=-c.days, months=-c.months),
            end=calendar.shift(self.end, days=-c.days, months=-c.months),
            grain=self.grain,
            by=self.by,
            where=self.where,
        )


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(s.strip() for item in items for s in str(item).split(",") if s.strip())


def _date(value: date | str, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise QueryError(f"invalid {what} date {value!r}", hint="write dates as YYYY-MM-DD") from exc


def _one_of(what: str, given: Sequence[str], known: Mapping[str, Any], empty: str | None = None) -> None:
    if empty and not given:
        raise QueryError(empty, hint=f"valid {what}s: {', '.join(known)}")
    for name in given:
        if name not in known:
            raise QueryError(f"unknown {what} {name!r}; valid {what}s: {', '.join(known)}")


# ---------------------------------------------------------------- building the expression


@dataclass
class Plan:
    """The Ibis expression of a query, the notes on its honest gaps and the stores it covered."""

    query: MetricQuery
    expr: ir.Table
    notes: list[str]
    stores: tuple[str, ...]


def build(wh: Warehouse, q: MetricQuery, cat: Catalogue | None = None) -> Plan:
    """The Ibis expression for ``q`` (with the comparison joined when ``q.compare`` is set)."""
    cat = cat or load_catalogue()
    scope = Scope.of(wh, q, cat)
    notes = gaps.notes(q, cat, scope)
    gaps.refuse_when_nothing(q, cat, scope)
    expr = _period_table(wh, q, cat, scope)
    if q.compare:
        from shopops.metrics.compare import join_previous

        previous = _period_table(wh, q.shifted(), cat, scope)
        expr = join_previous(expr, previous, q, cat)
    notes += gaps.history_notes(wh, q, cat, scope)
    return Plan(query=q, expr=expr, notes=notes, stores=scope.names())


def _period_table(
    wh: Warehouse,
    q: MetricQuery,
    cat: Catalogue,
    scope: Scope,
    *,
    keep_rows: bool = False,
    days: tuple[tuple[date, date], ...] = (),
) -> ir.Table:
    """``days``: only these ranges of ``q.start``–``q.end`` (whole periods of ``q.grain``; see Batch)."""
    needed = cat.dependency_order(q.metrics)
    bases = [m for m in needed if cat.metrics[m].is_base]
    facts = _facts(cat, bases)
    parts = [_aggregate_fact(wh, q, cat, scope, f, [b for b in bases if cat.metrics[b].fact == f], days) for f in facts]
    keys = [KEY, *q.by]
    stacked = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    # one row per key: each fact contributes at most one non-null value per metric
    t = stacked.group_by(keys).aggregate(**{c: stacked[c].max() for c in [*bases, *[f"_rows_{f}" for f in facts]]})
    t = _densify(wh, t, q, cat, scope, days)
    # 0 where the fact has no rows for the key; an aggregate that is NULL over existing rows stays NULL.
    # One projection with the derived metrics written out (not a layer per step: Ibis compiles a deep
    # expression in time that grows with its layers, and the report's headline query had a dozen).
    values = {b: _masked(t, _zero_filled(t, b, cat.metrics[b]), b, q, cat, scope) for b in bases}
    for m in needed:
        metric = cat.metrics[m]
        if not metric.is_base:
            values[m] = _derived(values, metric)
    rows = [f"_rows_{f}" for f in facts] if keep_rows else []  # which facts had rows: see Batch
    return t.select(KEY, *q.by, *[values[m].name(m) for m in q.metrics], *rows).order_by([KEY, *q.by])


def _facts(cat: Catalogue, bases: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(cat.metrics[b].fact or "" for b in bases))


def _aggregate_fact(
    wh: Warehouse,
    q: MetricQuery,
    cat: Catalogue,
    scope: Scope,
    fact: str,
    bases: Sequence[str],
    days: tuple[tuple[date, date], ...] = (),
) -> ir.Table:
    all_bases = [m for m in cat.dependency_order(q.metrics) if cat.metrics[m].is_base]
    columns = [c for b in bases for c in cat.metrics[b].columns]
    dims_used = (*q.by, *q.where)
    for d in dims_used:
        columns += [c for c in cat.dimensions[d].sources[fact] if not c.startswith("@")]
    wants_type = "buyer_type" in dims_used or any("buyer_type" in cat.metrics[b].where for b in bases)
    if wants_type:
        columns.append("orders.buyer_id")
    for d in _where_dims(cat, bases):
        columns += [c for c in cat.dimensions[d].sources[fact] if not c.startswith("@")]
    ctx = FactContext(
        wh=wh,
        stores=scope.names() or ("",),
        tables=optional_tables(fact, columns),
        columns=frozenset(columns),
        split_dims=frozenset(dims_used),
        no_paid_at=tuple(s for s in scope.names() if "orders.paid_at" not in scope.fields[s]),
        start=q.start,
        end=q.end,
        first_period=calendar.period_start(
            q.start, q.grain, fiscal_start=wh.settings.fiscal_year_start_month, start=q.start
        ),
        days=days,
    )
    t = BUILDERS[fact](ctx)
    fiscal = wh.settings.fiscal_year_start_month
    key = calendar.period_start_expr(t._day, q.grain, fiscal_start=fiscal, start=q.start)
    typed = wants_type and fact in cat.dimensions["buyer_type"].sources
    dims = {*dims_used, *_where_dims(cat, bases)}
    # as few layers as the buyer type allows (Ibis compiles a deep expression slowly: see _period_table)
    if typed:
        t = add_buyer_type(t.filter(in_days(t._day, ctx.ranges())).mutate(**{KEY: key}), ctx)
        t = t.mutate(**{f"_dim_{d}": _dimension_value(t, cat, d, fact) for d in dims})
        keep = [t[f"_dim_{d}"].isin([ibis.literal(v, type="string") for v in vs]) for d, vs in q.where.items()]
    else:
        values = {d: _dimension_value(t, cat, d, fact) for d in dims}
        keep = [in_days(t._day, ctx.ranges())]
        keep += [values[d].isin([ibis.literal(v, type="string") for v in vs]) for d, vs in q.where.items()]
        t = t.filter(*keep).mutate(**{KEY: key}, **{f"_dim_{d}": v for d, v in values.items()})
        keep = []
    if keep:
        t = t.filter(*keep)
    aggs = {b: _aggregate(t, cat.metrics[b]) for b in bases}
    g = t.group_by([t[KEY], *[t[f"_dim_{d}"].name(d) for d in q.by]]).aggregate(**aggs, **{f"_rows_{fact}": t.count()})
    # every fact's part has every base column (and row counter) so the parts stack
    facts = _facts(cat, all_bases)
    return g.select(
        KEY,
        *q.by,
        **{b: g[b] if b in aggs else ibis.null(_type(cat.metrics[b])) for b in all_bases},
        **{f"_rows_{f}": g[f"_rows_{f}"] if f == fact else ibis.null(dt.int64) for f in facts},
    )


def _where_dims(cat: Catalogue, bases: Sequence[str]) -> set[str]:
    return {d for b in bases for d in cat.metrics[b].where}


def _dimension_value(t: ir.Table, cat: Catalogue, dim: str, fact: str) -> ir.StringValue:
    sources = cat.dimensions[dim].sources[fact]
    if sources == ("@buyer_type",):
        return t.buyer_type  # type: ignore[no-any-return]
    values = [t[col(*s.split(".", 1))].cast("string").nullif("") for s in sources]
    return ibis.coalesce(*values, ibis.literal("")) if len(values) > 1 else values[0].fill_null("")  # type: ignore[no-any-return]


def _type(m: Metric) -> dt.DataType:
    if m.unit == "money":
        return MONEY
    if m.unit == "count":
        return dt.int64
    return dt.float64


def _aggregate(t: ir.Table, m: Metric) -> ir.Scalar:
    value = evaluate(m.formula_tree, lambda name: t[col(*name.split(".", 1))])
    cond = (
        ibis.and_(*[t[f"_dim_{d}"] == ibis.literal(v, type="string") for d, v in m.where.items()]) if m.where else None
    )
    if m.aggregation == "count":
        out: ir.Scalar = value.count(where=cond)
    elif m.aggregation == "distinct":
        out = value.nunique(where=cond)
    else:
        out = value.sum(where=cond)
        if m.strict:
            out = ibis.ifelse(value.count(where=cond) < t.count(where=cond), ibis.null(), out)
    if m.unit == "money":
        return out.round(2).cast(MONEY) if out.type().is_floating() else out.cast(MONEY)  # type: ignore[no-any-return]
    return out.cast(_type(m))  # type: ignore[no-any-return]


def evaluate(tree: ast.expr, lookup: Callable[[str], ir.Value]) -> ir.Value:
    """An Ibis expression from a catalogue formula; ``/`` divides as float and yields NULL for x/0."""
    if isinstance(tree, ast.Constant):
        return ibis.literal(tree.value)
    if isinstance(tree, ast.BinOp):
        left, right = evaluate(tree.left, lookup), evaluate(tree.right, lookup)
        if isinstance(tree.op, ast.Div):
            return left.cast("float64") / right.cast("float64").nullif(0)  # type: ignore[attr-defined,no-any-return]
        if isinstance(tree.op, ast.Add):
            return left + right  # type: ignore[operator,no-any-return]
        if isinstance(tree.op, ast.Sub):
            return left - right  # type: ignore[operator,no-any-return]
        return left * right  # type: ignore[operator,no-any-return]
    name = next(names(tree))
    return lookup(name)


def _derived(values: Mapping[str, ir.Value], m: Metric) -> ir.Value:
    value = evaluate(m.formula_tree, lambda name: values[name])
    return value.cast(_type(m))


def _zero_filled(t: ir.Table, base: str, m: Metric) -> ir.Value:
    zero = ibis.literal(0).cast(_type(m))
    return ibis.ifelse(t[f"_rows_{m.fact}"].isnull(), zero, t[base])


def _bad_rows(t: ir.Table, stores: Iterable[StoreConfig], dims: Sequence[str]) -> ir.BooleanValue:
    """True on rows whose slice includes any of ``stores`` (judged by the store-level dimensions)."""
    stores = list(stores)
    if not stores:
        return ibis.literal(False)
    if not dims:
        return ibis.literal(True)
    return ibis.or_(*[ibis.and_(*[t[d] == store_attr(s, d) for d in dims]) for s in stores])


def _masked(t: ir.Table, value: ir.Value, base: str, q: MetricQuery, cat: Catalogue, scope: Scope) -> ir.Value:
    dims = store_dims(q, cat)
    lacking = scope.lacking(cat.needs(base))
    bad = [s for s in scope.stores if s.name in lacking]
    if cat.metrics[base].unit == "money":
        bad += [s for s in mixed_currency_stores(scope, dims) if s not in bad]
    if not bad:
        return value
    return ibis.ifelse(_bad_rows(t, bad, dims), ibis.null(_type(cat.metrics[base])), value)


def _densify(
    wh: Warehouse, t: ir.Table, q: MetricQuery, cat: Catalogue, scope: Scope, days: tuple[tuple[date, date], ...] = ()
) -> ir.Table:
    """Every period (× store-level dimension values) when only store-level dimensions split the result."""
    dims = store_dims(q, cat)
    if len(dims) != len(q.by) or not scope.stores:
        return t
    spine = period_spine(q, wh.settings.fiscal_year_start_month, days)
    if dims:
        s = wh.table("stores")
        s = s.filter(s.store.isin(scope.names())).select(*dims).distinct()
        spine = spine.cross_join(s)
    joined = spine.left_join(t, [spine[k] == t[k] for k in (KEY, *dims)])
    return joined.select(*[spine[k] for k in (KEY, *dims)], *[joined[c] for c in t.columns if c not in (KEY, *dims)])


def period_spine(q: MetricQuery, fiscal: int, days: tuple[tuple[date, date], ...] = ()) -> ir.Table:
    """One row per period of the range (of its ``days`` when given), generated in SQL (``UNNEST(RANGE(…))``)."""
    t = ibis.range(0, (q.end - q.start).days + 1).unnest().name("_i").as_table()
    day = (ibis.literal(q.start, type="date") + t._i.as_interval("D")).cast("date")
    if days:
        t = t.select(_day=day)
        t = t.filter(in_days(t._day, days))
        day = t._day
    return t.select(calendar.period_start_expr(day, q.grain, fiscal_start=fiscal, start=q.start).name(KEY)).distinct()


# ---------------------------------------------------------------- running


def run(wh: Warehouse, q: MetricQuery, cat: Catalogue | None = None) -> pd.DataFrame:
    """Execute ``q``: a DataFrame with ``period_start``, ``period``, the dimensions and the metrics.

    ``attrs``: ``notes`` (honest gaps), ``sql`` (what ran), ``query`` (the parameters), ``stores``.
    """
    cat = cat or load_catalogue()
    plan = build(wh, q, cat)
    frame, text = _execute(wh, plan.expr, q, cat)
    return _attach(frame, q, cat, plan.notes, text, plan.stores)


def _execute(wh: Warehouse, expr: ir.Table, q: MetricQuery, cat: Catalogue) -> tuple[pd.DataFrame, str]:
    # Compiling a large expression costs Ibis more than DuckDB spends running it (0.5–1 s for the
    # report's headline query), so it is compiled once: the SQL shown is the SQL that runs.
    text = sql(wh, expr)
    frame = wh.fetch(text, expr.schema())
    return _tidy(frame, q, cat, wh.settings.fiscal_year_start_month), text


def _attach(
    frame: pd.DataFrame, q: MetricQuery, cat: Catalogue, notes: list[str], text: str, stores: Sequence[str]
) -> pd.DataFrame:
    frame.attrs["notes"] = notes + gaps.incomplete_notes(frame, q, cat)
    frame.attrs["sql"] = text
    frame.attrs["query"] = {
        "metrics": list(q.metrics),
        "start": q.start.isoformat(),
        "end": q.end.isoformat(),
        "grain": q.grain,
        "by": list(q.by),
        "where": {k: list(v) for k, v in q.where.items()},
        "compare": q.compare,
    }
    frame.attrs["stores"] = list(stores)
    return frame


# ---------------------------------------------------------------- several queries as one statement


def _tidy(frame: pd.DataFrame, q: MetricQuery, cat: Catalogue, fiscal: int) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    starts = [pd.Timestamp(v).date() for v in frame[KEY]]
    frame[KEY] = pd.Series(starts, dtype=object)
    labels = [calendar.label(s, q.grain, fiscal_start=fiscal, end=q.end) for s in starts]
    frame.insert(1, "period", pd.Series(labels, dtype=object))
    for c in frame.columns:
        metric = cat.metrics.get(_metric_of(c))
        if metric is None:
            continue
        if c.endswith("_change_pct"):
            frame[c] = frame[c].astype("float64")
        elif metric.unit == "money":
            frame[c] = pd.Series([_money(v) for v in frame[c]], dtype=object)
        elif metric.unit == "count":
            frame[c] = frame[c].astype("Int64")
        else:
            frame[c] = frame[c].astype("float64")
    return frame


def _metric_of(column: str) -> str:
    for suffix in ("_change_pct", "_change", "_prev"):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def _money(value: object) -> Decimal | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def query(
    warehouse: Warehouse | Any,
    metrics: str | Iterable[str],
    *,
    start: date | str,
    end: date | str,
    grain: str = "total",
    by: str | Iterable[str] = (),
    where: Mapping[str, str | Iterable[str]] | None = None,
    compare: str | None = None,
) -> pd.DataFrame:
    """Run a metric query; see :class:`MetricQuery` and :func:`run`.

    ``warehouse``: a :class:`~shopops.warehouse.Warehouse` or anything with a ``.warehouse`` (a Project).
    """
    wh = warehouse_of(warehouse)
    q = MetricQuery.create(metrics, start=start, end=end, grain=grain, by=by, where=where, compare=compare)
    return run(wh, q)


def explain(
    warehouse: Warehouse | Any,
    metrics: str | Iterable[str],
    *,
    start: date | str,
    end: date | str,
    grain: str = "total",
    by: str | Iterable[str] = (),
    where: Mapping[str, str | Iterable[str]] | None = None,
    compare: str | None = None,
) -> str:
    """The SQL :func:`query` would run, from ``con.compile`` of the same Ibis expression."""
    wh = warehouse_of(warehouse)
    q = MetricQuery.create(metrics, start=start, end=end, grain=grain, by=by, where=where, compare=compare)
    return sql(wh, build(wh, q).expr)


def sql(wh: Warehouse, expr: ir.Table) -> str:
    """The SQL of ``expr`` on the warehouse's engine, formatted for reading."""
    return str(wh.con.compile(expr, pretty=True))


__all__ = ["MetricQuery", "Plan", "build", "evaluate", "explain", "query", "run"]
