"""Which segment moved a metric: root cause across dimensions with Adtributor.

Bhagwan, R. et al. 2014, "Adtributor: Revenue Debugging in Advertising Systems", NSDI '14.
Each candidate dimension (channel, device, province …) splits the metric into elements (segments).
With F the base period ("forecast") and A the current period ("actual"):

* explanatory power: the element's share of the change. For an additive metric
  ``EP_ij = (A_ij − F_ij) / (A − F)``, and ``Σ_j EP_ij = 1``. For a ratio ``f = a / b`` (§3.3) it is
  the change of ``f`` when only element ``ij`` moves from F to A, over the whole change::

      EP_ij = ((A_a,ij − F_a,ij)·F_b − (A_b,ij − F_b,ij)·F_a) / (F_b·(F_b + A_b,ij − F_b,ij)) / (f(A) − f(F))

* surprise: how unexpected the element's new share is, a Jensen–Shannon term with
  ``p = F_ij / F`` and ``q = A_ij / A``: ``S_ij = ½(p·log₂(2p/(p+q)) + q·log₂(2q/(p+q)))`` (0·log 0 = 0),
  summed over numerator and denominator for a ratio.

Algorithm 1: per dimension, take the elements by decreasing surprise, keep those with
``EP_ij ≥ T_EEP``, until the kept EP reaches ``T_EP``; a dimension that gets there explains the change,
and explaining dimensions rank by the summed surprise of their kept elements.

The ratio EP is a one-element-at-a-time counterfactual, so it does not add up to 1; what holds exactly
is ``Σ_j EP_ij·(F_b + A_b,ij − F_b,ij) / A_b = 1``. The contribution view always adds up:
``contribution_ij = ((A_a,ij − F_a,ij) − f(F)·(A_b,ij − F_b,ij)) / A_b`` sums to ``f(A) − f(F)``
exactly (for an additive metric it is ``A_ij − F_ij``, and ``share_of_change`` is EP).

>>> parts = pd.DataFrame({"base": [100.0, 50.0], "current": [40.0, 60.0]}, index=["search", "feed"])
>>> explain(parts)[["explanatory_power", "contribution"]].round(6).to_dict("index")
{'search': {'explanatory_power': 1.2, 'contribution': -60.0}, 'feed': {'explanatory_power': -0.2, 'contribution': 10.0}}
"""

from __future__ import annotations

import ast
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.decompose import SOURCES, check_periods
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.metrics import MetricQuery
from shopops.metrics.batch import Batch
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.gaps import Scope, history_notes
from shopops.reports.model import Column, Section, Table
from shopops.warehouse.store import Warehouse, warehouse_of

DEFAULT_DIMENSIONS = ("channel", "device", "province", "category", "buyer_type", "store")
#: ``source="traffic"``: the traffic report's figures instead of the orders' (channels on Tmall/JD)
TRAFFIC = dict(zip(SOURCES["orders"], SOURCES["traffic"], strict=True))
CENT = Decimal("0.01")
RATIO_PARTS = ("num_base", "num_current", "den_base", "den_current")
COLUMNS = [
    "rank",
    "dimension",
    "segment",
    "root_cause",
    "base",
    "current",
    "change",
    "change_pct",
    "explanatory_power",
    "surprise",
    "share_base",
    "share_current",
    "contribution",
    "share_of_change",
]
DIMENSION_COLUMNS = ["rank", "dimension", "explains", "surprise", "explanatory_power", "segments", "elements"]


# ---------------------------------------------------------------- the pure layer


def surprise(base: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Per-element Jensen–Shannon terms (base 2) between the base and current shares (each in [0, ½])."""
    p, q = _shares(base), _shares(current)
    m = (p + q) / 2
    with np.errstate(all="ignore"):
        tp = np.where(p > 0, p * np.log2(p / m), 0.0)
        tq = np.where(q > 0, q * np.log2(q / m), 0.0)
    return np.asarray(np.maximum((tp + tq) / 2, 0.0))  # rounding can leave −1e-17


def _shares(x: np.ndarray) -> np.ndarray:
    total = x.sum()
    return x / total if total else np.zeros_like(x)


def _div(a: Any, b: Any) -> Any:
    with np.errstate(all="ignore"):
        out = np.divide(a, b)
    return np.where(np.isfinite(out), out, np.nan)


def explain(parts: pd.DataFrame) -> pd.DataFrame:
    """Per-segment figures of one dimension from its additive parts (floats; NaN where undefined).

    ``parts`` is indexed by segment, with columns ``base`` and ``current`` (an additive metric) or
    ``num_base``, ``num_current``, ``den_base``, ``den_current`` (a ratio ``num / den``).
    """
    if "num_base" in parts:
        fa, aa, fb, ab = (parts[c].to_numpy(dtype=float) for c in RATIO_PARTS)
        f_base, f_current = _div(fa.sum(), fb.sum()), _div(aa.sum(), ab.sum())
        da, db = aa - fa, ab - fb
        delta = f_current - f_base
        base, current = _div(fa, fb), _div(aa, ab)
        ep = _div(_div(da * fb.sum() - db * fa.sum(), fb.sum() * (fb.sum() + db)), delta)
        contribution = _div(da - f_base * db, ab.sum())
        s = surprise(fa, aa) + surprise(fb, ab)
        weight_base, weight_current = _shares(fb), _shares(ab)
    else:
        base, current = (parts[c].to_numpy(dtype=float) for c in ("base", "current"))
        delta = current.sum() - base.sum()
        contribution = current - base
        ep = _div(contribution, delta)
        s = surprise(base, current)
        weight_base, weight_current = _shares(base), _shares(current)
    return pd.DataFrame(
        {
            "base": base,
            "current": current,
            "change": current - base,
            "change_pct": _div(current - base, base),
            "explanatory_power": ep,
            "surprise": s,
            "share_base": weight_base,
            "share_current": weight_current,
            "contribution": contribution,
            "share_of_change": _div(contribution, delta),
        },
        index=parts.index,
    )


def select(figures: pd.DataFrame, t_eep: float = 0.1, t_ep: float = 0.67) -> tuple[list[str], float, float]:
    """Algorithm 1 on one dimension: (kept segments, their summed EP, their summed surprise)."""
    kept: list[str] = []
    ep = s = 0.0
    for segment, row in figures.sort_index().sort_values("surprise", ascending=False, kind="stable").iterrows():
        if row["explanatory_power"] >= t_eep:  # False for NaN
            kept.append(str(segment))
            ep += float(row["explanatory_power"])
            s += float(row["surprise"])
            if ep >= t_ep:
                break
    return kept, ep, s


def adtributor(
    dimensions: Mapping[str, pd.DataFrame], t_eep: float = 0.1, t_ep: float = 0.67
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank dimensions by Algorithm 1; ``dimensions`` maps a dimension to its parts (see :func:`explain`).

    Returns ``(table, ranking)``: every segment of every dimension, by dimension rank, the kept ones
    (``root_cause``) first, then by explanatory power; and one row per dimension. Explaining dimensions
    come first, by the surprise of their kept segments; the others follow by their total surprise.
    """
    rows, ranking = [], []
    for dim, parts in dimensions.items():
        figures = explain(parts)
        kept, ep, s = select(figures, t_eep, t_ep)
        explains = ep >= t_ep
        ranking.append(
            {
                "dimension": dim,
                "explains": explains,
                "surprise": s if explains else float(figures["surprise"].sum()),
                "explanatory_power": ep,
                "segments": ", ".join(kept) if explains else "",
                "elements": len(figures),
            }
        )
        figures = figures.assign(dimension=dim, segment=figures.index.astype(str), root_cause=False)
        if explains:
            figures.loc[kept, "root_cause"] = True
        rows.append(figures)
    dims = pd.DataFrame(ranking, columns=DIMENSION_COLUMNS[1:])
    dims = dims.sort_values(["explains", "surprise", "dimension"], ascending=[False, False, True], kind="stable")
    dims.insert(0, "rank", range(1, len(dims) + 1))
    dims = dims.reset_index(drop=True)
    if not rows:
        return pd.DataFrame(columns=COLUMNS), dims
    table = pd.concat(rows, ignore_index=True)
    table["rank"] = table["dimension"].map(dict(zip(dims["dimension"], dims["rank"], strict=True)))
    table = table.sort_values(
        ["rank", "root_cause", "explanatory_power", "segment"], ascending=[True, False, False, True], kind="stable"
    )
    return table[COLUMNS].reset_index(drop=True), dims


# ---------------------------------------------------------------- the analysis layer


@dataclass(frozen=True)
class RootCauseParams:
    """Where did ``metric`` move between ``base_start``–``base_end`` and ``start``–``end`` (inclusive)?

    ``dimensions``: the candidates (empty: those of :data:`DEFAULT_DIMENSIONS` the metric supports);
    ``stores``: keep only these stores (empty: all); ``source``: ``orders``, or ``traffic`` for paid
    amount and buyers as the traffic report gives them per channel (Tmall and JD orders carry no
    traffic channel); ``t_eep``, ``t_ep``: the paper's thresholds; ``scale_base``: multiply the base
    by (current days / base days) when the periods differ in length.
    """

    metric: str
    start: date
    end: date
    base_start: date
    base_end: date
    dimensions: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    source: str = "orders"
    t_eep: float = 0.1
    t_ep: float = 0.67
    scale_base: bool = False

    def __post_init__(self) -> None:
        check_periods(self.start, self.end, self.base_start, self.base_end, self.source)
        if not 0 < self.t_eep <= 1 or not 0 < self.t_ep <= 1:
            raise QueryError("thresholds t_eep and t_ep lie in (0, 1]", hint="the paper uses 0.1 and 0.67")
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "stores", tuple(self.stores))

    @property
    def scale(self) -> Decimal:
        """What the base is multiplied by: 1, or current days / base days with ``scale_base``."""
        if not self.scale_base:
            return Decimal(1)
        days = (self.end - self.start).days + 1, (self.base_end - self.base_start).days + 1
        return Decimal(days[0]) / Decimal(days[1])


@dataclass
class RootCauseResult:
    """``table``: one row per segment of every dimension analysed (columns :data:`COLUMNS`), sorted by
    dimension rank, root causes first; ``dimensions``: one row per dimension (:data:`DIMENSION_COLUMNS`).

    ``base``/``current``: the metric over the whole scope (``Decimal`` for money, None when not
    available); ``notes``: honest gaps and dimensions left out, with why; ``sql``: per ``period/dimension``.
    """

    params: RootCauseParams
    base: Any
    current: Any
    table: pd.DataFrame
    dimensions: pd.DataFrame
    notes: list[str]
    sql: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def rootcause(project_or_warehouse: Any, params: RootCauseParams, *, batch: Batch | None = None) -> RootCauseResult:
    """Rank the dimensions and segments that explain the change of ``params.metric`` (Adtributor).

    >>> result = rootcause(project, RootCauseParams("cvr", date(2026, 6, 8), date(2026, 6, 14),
    ...                    date(2026, 6, 1), date(2026, 6, 7)))                  # doctest: +SKIP
    >>> result.table[result.table.root_cause]                                    # doctest: +SKIP

    Additive metrics (sums, counts, their sums and differences) are split as they are; a ratio from
    its catalogue formula ``a / b`` is split into ``a`` and ``b``. Money stays ``Decimal`` in ``base``,
    ``current``, ``change`` and ``contribution`` of a money metric.

    ``batch``: answer the queries from a :class:`~shopops.metrics.batch.Batch` (a report shares its
    splits between analyses); the figures are the same.
    """
    clock = time.perf_counter()
    cat = load_catalogue()
    parts = metric_parts(cat, params.metric, params.source)
    where = {"store": params.stores} if params.stores else None
    dims, notes = _dimensions(cat, params, parts)
    wh = warehouse_of(project_or_warehouse)
    batch = batch or Batch(wh, cat)
    dims, notes = _recorded(wh, cat, params, parts, dims, notes, batch)
    frames: dict[tuple[str, str], pd.DataFrame] = {}
    sql: dict[str, str] = {}
    for dim in ("", *dims):
        for period, (start, end) in (
            ("base", (params.base_start, params.base_end)),
            ("current", (params.start, params.end)),
        ):
            q = MetricQuery.create(parts, start=start, end=end, by=[dim] if dim else [], where=where, catalogue=cat)
            df = batch.run(q)
            frames[period, dim] = df
            sql[f"{period}/{dim or 'total'}"] = str(df.attrs.get("sql", ""))
            notes += [n for n in df.attrs.get("notes", []) if n not in notes]
    queried = time.perf_counter()

    money = cat.metrics[params.metric].unit == "money"
    totals = {
        period: _values(frames[period, ""], parts, params.scale if period == "base" else Decimal(1))
        for period in ("base", "current")
    }
    value = {period: _value(totals[period]) for period in totals}
    elements: dict[str, pd.DataFrame] = {}
    if any(v is None for v in value.values()):
        notes.append(
            f"{params.metric} is not available over the whole scope (see the notes above); nothing to attribute"
        )
    else:
        for dim in dims:
            table, why = _elements(frames["base", dim], frames["current", dim], dim, parts, params.scale)
            if why:
                notes.append(f"{dim}: not analysed — {why}")
            else:
                elements[dim] = table
                notes += _sum_notes(dim, table, totals, parts)
                if (table.astype(float) < 0).any(axis=None):
                    notes.append(
                        f"{dim}: some segments are negative; surprise (a divergence of shares) is indicative only"
                    )
    if params.source == "traffic":
        notes.append(f"{params.metric} from the traffic report: {' / '.join(parts)}")
    if params.scale != 1:
        notes.append(f"base figures scaled by {float(params.scale):.4g} (current days / base days)")
    table, ranking = adtributor({d: e.astype(float) for d, e in elements.items()}, params.t_eep, params.t_ep)
    if money:
        table = _with_money(table, elements)
    return RootCauseResult(
        params=params,
        base=value["base"],
        current=value["current"],
        table=table,
        dimensions=ranking,
        notes=notes,
        sql=sql,
        timings={"query": queried - clock, "attribute": time.perf_counter() - queried},
    )


def metric_parts(cat: Catalogue, metric: str, source: str = "orders") -> tuple[str, ...]:
    """The additive parts a metric is split into: ``(metric,)``, or ``(a, b)`` for a ratio ``a / b``."""
    if metric not in cat.metrics:
        raise QueryError(f"unknown metric {metric!r}; valid metrics: {', '.join(cat.metrics)}")
    m = cat.metrics[metric]
    parts: tuple[str, ...] = (metric,)
    if m.aggregation == "ratio":
        tree = m.formula_tree
        assert isinstance(tree, ast.BinOp)  # the catalogue checks that a ratio's last step divides
        if not isinstance(tree.left, ast.Name) or not isinstance(tree.right, ast.Name):
            raise QueryError(f"{metric} is not a ratio of two metrics ({m.formula}); root cause cannot split it")
        parts = (tree.left.id, tree.right.id)
    if source == "traffic":
        parts = tuple(TRAFFIC.get(p, p) for p in parts)
        if any(cat.facts_of(p) != ("traffic",) for p in parts):
            raise QueryError(
                f"{metric} does not come from the traffic report",
                hint=f"--source traffic works for metrics built from {', '.join(TRAFFIC)}, uv, pv …",
            )
    return parts


def _dimensions(cat: Catalogue, params: RootCauseParams, parts: tuple[str, ...]) -> tuple[list[str], list[str]]:
    supported = [d for d in cat.dimensions if all(d in cat.supported_dims(p) for p in parts)]
    for d in params.dimensions:
        if d not in cat.dimensions:
            raise QueryError(f"unknown dimension {d!r}; valid dimensions: {', '.join(cat.dimensions)}")
        if d not in supported:
            raise QueryError(f"{params.metric} cannot be split by {d}; it supports: {', '.join(supported)}")
    if params.dimensions:
        return list(params.dimensions), []
    dims = [d for d in DEFAULT_DIMENSIONS if d in supported]
    left = [d for d in DEFAULT_DIMENSIONS if d not in supported]
    notes = [f"{params.metric} cannot be split by {', '.join(left)}"] if left else []
    return dims, notes


def _recorded(
    wh: Warehouse,
    cat: Catalogue,
    params: RootCauseParams,
    parts: tuple[str, ...],
    dims: list[str],
    notes: list[str],
    batch: Batch,
) -> tuple[list[str], list[str]]:
    """Leave out dimensions a store's exports do not record (its rows would all be ''), and buyer_type
    without a year of history before the base period (returning buyers would be undercounted)."""
    where = {"store": params.stores} if params.stores else None
    q = MetricQuery.create(parts, start=params.base_start, end=params.base_end, where=where)
    scope = Scope.of(wh, q, cat)
    kept = []
    for dim in dims:
        d = cat.dimensions[dim]
        lacking = set()
        for fact in {f for p in parts for f in cat.facts_of(p)} if not d.store_level else ():
            cols = [c for c in d.sources[fact] if not c.startswith("@")] or list(d.needs)
            lacking |= {s.name for s in scope.stores if cols and not any(c in scope.fields[s.name] for c in cols)}
        if lacking:
            notes.append(
                f"{dim}: not analysed — the exports of {', '.join(sorted(lacking))} do not record it"
                " (leave those stores out with --store, or use --source traffic for channels)"
            )
        elif dim == "buyer_type" and history_notes(wh, replace(q, by=(dim,)), cat, scope):
            notes.append(f"{dim}: not analysed — the orders start less than 365 days before {params.base_start}")
        else:
            kept.append(dim)
    return kept, notes


def _values(df: pd.DataFrame, parts: tuple[str, ...], scale: Decimal) -> list[Any]:
    """The parts on the first row (None where the metric layer has no figure), scaled."""
    if df.empty:
        return [0] * len(parts)
    return [_scaled(df[p].iloc[0], scale) for p in parts]


def _scaled(value: Any, scale: Decimal) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if scale == 1:
        return value
    if isinstance(value, Decimal):
        return (value * scale).quantize(CENT)
    return float(value) * float(scale)


def _value(parts: list[Any]) -> Any:
    if any(p is None for p in parts):
        return None
    if len(parts) == 1:
        return parts[0]
    return float(parts[0]) / float(parts[1]) if parts[1] else None


def _elements(
    base: pd.DataFrame, current: pd.DataFrame, dim: str, parts: tuple[str, ...], scale: Decimal
) -> tuple[pd.DataFrame, str]:
    """The parts per segment (the :func:`explain` layout), or an empty frame and why the dimension is left out."""
    names = ["base", "current"] if len(parts) == 1 else list(RATIO_PARTS)
    out = pd.DataFrame(index=pd.Index(sorted({*base[dim], *current[dim]}), name=dim))
    for i, p in enumerate(parts):
        for period, df, s in (("base", base, scale), ("current", current, Decimal(1))):
            values = {seg: _scaled(v, s) for seg, v in zip(df[dim], df[p], strict=True)}
            # a segment absent from one period had no rows there
            out[names[2 * i + (period == "current")]] = [values.get(seg, 0) for seg in out.index]
    missing = [str(seg) or "''" for seg, row in out.iterrows() if row.isna().any()]
    if missing:
        return out, f"no figure for {', '.join(missing[:5])} (see the notes)"
    if len(out) < 2:
        return out, "fewer than two segments"
    if len(parts) == 2:
        orphans = [
            str(seg) or "''"
            for seg, r in out.iterrows()
            if (r.num_base and not r.den_base) or (r.num_current and not r.den_current)
        ]
        if orphans:
            return (
                out,
                f"{', '.join(orphans[:5])} have {parts[0]} but no {parts[1]}: the two are split by different sources",
            )
    return out, ""


def _sum_notes(dim: str, table: pd.DataFrame, totals: Mapping[str, list[Any]], parts: tuple[str, ...]) -> list[str]:
    """Say where the segments do not add up to the whole (distinct counts, platform all-channel rows)."""
    notes = []
    for i, p in enumerate(parts):
        for j, period in enumerate(("base", "current")):
            summed, whole = table.iloc[:, 2 * i + j].sum(), totals[period][i]
            if whole is not None and abs(float(summed) - float(whole)) > 1e-9 * max(abs(float(whole)), 1):
                notes.append(
                    f"{dim}: the segments' {p} add up to {summed} in the {period} period, the whole to {whole}"
                    " (counted in more than one segment, or a platform total); shares are of the segments' sum"
                )
                break
    return notes


def _with_money(table: pd.DataFrame, elements: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Exact ``Decimal`` base, current, change and contribution of an additive money metric."""
    table = table.copy()
    exact = [elements[d].loc[s] for d, s in zip(table["dimension"], table["segment"], strict=True)]
    # a segment absent from one period is a plain 0 there (a numpy integer, which Decimal refuses)
    base = [Decimal(str(e["base"])).quantize(CENT) for e in exact]
    current = [Decimal(str(e["current"])).quantize(CENT) for e in exact]
    change = [c - b for b, c in zip(base, current, strict=True)]
    table["base"], table["current"] = pd.Series(base, dtype=object), pd.Series(current, dtype=object)
    table["change"], table["contribution"] = pd.Series(change, dtype=object), pd.Series(change, dtype=object)
    return table


# ---------------------------------------------------------------- the registered analysis


@dataclass(frozen=True)
class RootCauseRun:
    """What a registered run chooses beyond its scope and periods (the run's period against the one it is
    compared with): the ``metric`` that moved, the candidate ``dimensions`` (empty: those the metric
    supports), ``source`` ``orders`` or ``traffic``, and ``show_all`` segments or only the root causes."""

    metric: str = "paid_amount"
    dimensions: tuple[str, ...] = ()
    source: str = "orders"
    show_all: bool = False

    def __post_init__(self) -> None:
        cat = load_catalogue()
        if self.metric not in cat.metrics:
            raise QueryError(
                f"unknown metric {self.metric!r}", hint="`shopops metrics --list` lists them", code="param.invalid"
            )
        if self.source not in SOURCES:
            raise QueryError(
                f"unknown source {self.source!r}", hint=f"choose from {', '.join(SOURCES)}", code="param.invalid"
            )
        object.__setattr__(self, "dimensions", tuple(self.dimensions))


def _build(ctx: Context, run: RootCauseRun) -> RootCauseResult:
    stores = ctx.stores
    dims = run.dimensions  # empty: those of DEFAULT_DIMENSIONS the metric supports
    params = RootCauseParams(
        run.metric,
        ctx.period.start,
        ctx.period.end,
        ctx.compared.start,
        ctx.compared.end,
        dimensions=dims,
        stores=stores,
        source=run.source,
    )
    result = rootcause(ctx.wh, params, batch=ctx.batch)
    ctx.note(*result.notes)
    if not run.show_all and not result.table.empty:
        causes = result.table[result.table["root_cause"].astype(bool)]
        result.table = causes if not causes.empty else result.table[result.table["rank"] == 1]
    return result


def segment_columns(w: Words, unit: Any) -> list[Column]:
    """The columns of a table of segments: rank, dimension, segment, both periods, the change, the
    explanatory power and the surprise."""
    s = w.say
    return [
        Column("rank", "#", "count"),
        Column("dimension", s.t("dimension")),
        Column("segment", s.t("segment")),
        Column("base", s.t("previous"), unit),
        Column("current", s.t("current"), unit),
        Column("change", s.t("change"), "pp" if unit == "ratio" else unit),
        Column("explanatory_power", s.t("explanatory_power"), "ratio"),
        Column("surprise", s.t("surprise"), "score"),
    ]


def _present(result: RootCauseResult, lang: str) -> Section:
    w = Words(lang, "range")
    s = w.say
    metric = result.params.metric
    unit = w.unit(metric)
    title = f"{s.t('root_cause')} · {w.name(metric)}"
    ranking = [{**r, "dimension": w.dimension(str(r["dimension"]))} for r in records(result.dimensions)]
    segments = [{**r, "dimension": w.dimension(str(r["dimension"]))} for r in records(result.table)]
    dim_cols = [
        Column("rank", "#", "count"),
        Column("dimension", s.t("dimension")),
        Column("explanatory_power", s.t("explanatory_power"), "ratio"),
        Column("surprise", s.t("surprise"), "score"),
    ]
    seg_cols = segment_columns(w, unit)
    section = Section("rootcause", title)
    section.tables += [
        Table("dimensions", s.t("dimension"), dim_cols, ranking),
        Table("segments", title, seg_cols, segments),
    ]
    if segments:
        section.text.append(s.root_cause(w.name(metric), segments[0], unit))
    return section


ANALYSIS: Analysis[RootCauseRun, RootCauseResult] = Analysis(
    "rootcause",
    RootCauseRun,
    _build,
    _present,
    needs=("period", "compare"),
)

__all__ = [
    "ANALYSIS",
    "DEFAULT_DIMENSIONS",
    "RootCauseParams",
    "RootCauseResult",
    "RootCauseRun",
    "adtributor",
    "explain",
    "metric_parts",
    "rootcause",
    "select",
    "surprise",
]
