"""Exact attribution of a change in paid amount to traffic, conversion and order value (LMDI-I).

支付金额 = 访客数 × 支付转化率 × 客单价, i.e. ``paid_amount = uv × cvr × aov`` with
``cvr = buyers / uv`` and ``aov = paid_amount / buyers`` (per buyer, see DOMAIN.md).

The log-mean Divisia index, additive form I (Ang, B.W. 2004, "Decomposition analysis for
policymaking in energy", Energy Policy 32, eq. 3; Ang 2005, "The LMDI approach to decomposition
analysis: a practical guide", Energy Policy 33, Table 1): for ``V = Π x_i``

    ΔV = V1 − V0 = Σ_i L(V1, V0) · ln(x_i1 / x_i0),   L(a, b) = (a − b) / (ln a − ln b),  L(a, a) = a

and the parts add up to ΔV with no residual. Money parts are returned as ``Decimal`` cents; the
cent-rounded parts are made to sum *exactly* to the cent-rounded total change by giving the rounding
remainder (at most a cent or two) to the part largest in absolute value (the first such part on a tie).

LMDI is undefined when a factor is 0 (or missing) in one period: the pure layer (:func:`lmdi`) raises
``ValueError``; the analysis layer (:func:`decompose`) reports such segments as not decomposable.

>>> lmdi({"uv": 1000, "cvr": 0.02, "aov": 100}, {"uv": 1200, "cvr": 0.015, "aov": 110})
{'uv': Decimal('362.82'), 'cvr': Decimal('-572.49'), 'aov': Decimal('189.67')}
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.rows import Words, effect_columns, records
from shopops.errors import QueryError
from shopops.metrics import MetricQuery
from shopops.metrics.batch import Batch
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.reports.model import Chart, Section, Table
from shopops.warehouse.scope import Scope
from shopops.warehouse.store import warehouse_of

CENT = Decimal("0.01")
FACTORS = {"uv": "traffic_effect", "cvr": "conversion_effect", "aov": "order_value_effect"}
TOTAL = "total"
#: where paid amount and buyers come from: (paid amount metric, buyers metric)
SOURCES = {"orders": ("paid_amount", "buyers"), "traffic": ("traffic_paid_amount", "traffic_buyers")}
NOTHING: Mapping[str, Any] = {"paid_amount": Decimal("0.00"), "uv": 0, "buyers": 0}

Number = float | int | Decimal


# ---------------------------------------------------------------- the pure layer


def _checked(v0: Mapping[str, Number], v1: Mapping[str, Number]) -> list[str]:
    if not v0 and not v1:
        raise ValueError("LMDI needs at least one factor")
    if set(v0) != set(v1):
        missing = sorted(set(v0) ^ set(v1))
        raise ValueError(f"factor(s) {', '.join(missing)} missing in one period; LMDI is undefined")
    for period, factors in (("base", v0), ("current", v1)):
        for name, x in factors.items():
            value = float(x)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"factor {name} is {x} in the {period} period; LMDI needs positive factors")
    return list(v0)


def lmdi_float(v0_factors: Mapping[str, Number], v1_factors: Mapping[str, Number]) -> dict[str, float]:
    """The LMDI-I parts ``L(V1, V0) · ln(x_i1 / x_i0)`` as floats (they sum to ``V1 − V0``).

    Computed so that swapping the periods negates every part exactly: ``ln x_i1 − ln x_i0`` is
    antisymmetric in floating point, and ``L`` is evaluated from the smaller ``V`` as
    ``V_lo · expm1(s) / s`` with ``s = |ln V1 − ln V0|`` (stable when ``V1 ≈ V0``; ``L(a, a) = a``).
    """
    names = _checked(v0_factors, v1_factors)
    logs = {n: math.log(float(v1_factors[n])) - math.log(float(v0_factors[n])) for n in names}
    s = math.fsum(logs.values())
    if s == 0:  # V1 = V0: the two products may still differ in the last bit; take one for both orders
        v_lo = min(math.prod(float(f[n]) for n in names) for f in (v0_factors, v1_factors))
    else:
        lo = v0_factors if s > 0 else v1_factors
        v_lo = math.prod(float(lo[n]) for n in names)
    a = abs(s)
    mean = v_lo if a == 0 else v_lo * (math.expm1(a) / a)
    return {n: mean * logs[n] for n in names}


def _product(factors: Mapping[str, Number], names: list[str]) -> Decimal:
    out = Decimal(1)
    for n in names:
        out *= Decimal(factors[n])  # Decimal(float) is exact
    return out


def lmdi(v0_factors: Mapping[str, Number], v1_factors: Mapping[str, Number]) -> dict[str, Decimal]:
    """LMDI-I parts in ``Decimal`` cents that sum exactly to ``(V1 − V0)`` rounded to the cent.

    ``V`` is the product of the factors (computed in 60-digit ``Decimal``). Each float part is rounded
    half-even to the cent; the remainder ``round(V1 − V0) − Σ round(part)`` goes to the part largest in
    absolute value. Raises ``ValueError`` when a factor is missing, zero, negative or not finite.
    """
    floats = lmdi_float(v0_factors, v1_factors)
    names = list(floats)
    with localcontext() as ctx:
        ctx.prec = 60
        change = (_product(v1_factors, names) - _product(v0_factors, names)).quantize(CENT, ROUND_HALF_EVEN)
        parts = {n: Decimal(repr(p)).quantize(CENT, ROUND_HALF_EVEN) for n, p in floats.items()}
        remainder = change - sum(parts.values(), Decimal(0))
        if remainder:
            largest = max(names, key=lambda n: abs(floats[n]))
            parts[largest] += remainder
    return parts


# ---------------------------------------------------------------- the analysis layer


def check_periods(start: date, end: date, base_start: date, base_end: date, source: str) -> None:
    """The current and base periods are date ranges in order; ``source`` is one of :data:`SOURCES`."""
    for a, b, what in ((start, end, "current"), (base_start, base_end, "base")):
        if not isinstance(a, date) or not isinstance(b, date):
            raise QueryError(f"the {what} period needs dates", hint="pass datetime.date values")
        if a > b:
            raise QueryError(f"the {what} period starts after it ends ({a} > {b})", hint="swap the dates")
    if source not in SOURCES:
        raise QueryError(f"unknown source {source!r}; valid sources: {', '.join(SOURCES)}")


@dataclass(frozen=True)
class DecomposeParams:
    """Current period ``start``–``end`` against the base period ``base_start``–``base_end`` (inclusive).

    ``by``: an optional dimension (``"channel"``, ``"store"``, ``"device"``…) to decompose each segment
    on its own; ``stores``: keep only these stores (empty: all). ``source``: ``orders`` (paid amount
    and buyers from the orders) or ``traffic`` (as the traffic report gives them per traffic source,
    ``traffic_paid_amount`` and ``traffic_buyers``: the way to split by channel when order exports
    carry no traffic channel, as on Tmall and JD).
    """

    start: date
    end: date
    base_start: date
    base_end: date
    by: str | None = None
    stores: tuple[str, ...] = ()
    source: str = "orders"

    def __post_init__(self) -> None:
        check_periods(self.start, self.end, self.base_start, self.base_end, self.source)
        if self.by == TOTAL:
            raise QueryError("'total' is not a dimension", hint="leave by=None for the whole shop")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class DecomposeResult:
    """``table``: one row per segment and a ``total`` row (see :func:`decompose`).

    ``notes``: the metric layer's notes on honest gaps (both periods, without repeats);
    ``not_decomposable``: segment → why; ``sql``: the SQL of the base and current queries;
    ``timings``: seconds per step.
    """

    params: DecomposeParams
    table: pd.DataFrame
    notes: list[str]
    not_decomposable: dict[str, str]
    sql: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


COLUMNS = [
    "segment",
    "paid_amount_base",
    "paid_amount_current",
    "paid_amount_change",
    "traffic_effect",
    "conversion_effect",
    "order_value_effect",
    "not_decomposed",
    "uv_base",
    "uv_current",
    "buyers_base",
    "buyers_current",
    "decomposable",
    "reason",
]


def metric_queries(params: DecomposeParams, cat: Catalogue | None = None) -> dict[str, MetricQuery]:
    """The queries :func:`decompose` runs, ``base`` and ``current`` (a report plans its batch with them)."""
    paid, buyers = SOURCES[params.source]
    by = [params.by] if params.by else []
    where = {"store": params.stores} if params.stores else None
    return {
        period: MetricQuery.create([paid, "uv", buyers], start=start, end=end, by=by, where=where, catalogue=cat)
        for period, (start, end) in (
            ("base", (params.base_start, params.base_end)),
            ("current", (params.start, params.end)),
        )
    }


def decompose(project_or_warehouse: Any, params: DecomposeParams, *, batch: Batch | None = None) -> DecomposeResult:
    """Attribute the change in paid amount between two periods to traffic, conversion and order value.

    Runs ``shopops.metrics.query`` for ``paid_amount``, ``uv`` and ``buyers`` (grain ``total``) over
    the base and the current period. Each segment is decomposed with its own uv, cvr and aov
    (:func:`lmdi`); the effects are ``Decimal`` cents that add up exactly to the segment's change.

    The ``total`` row sums the segment rows. With ``by`` set its effects are the **sum of the segment
    effects**, which differs from decomposing the aggregate (a shift of traffic between segments of
    different conversion shows up as conversion/order-value effects inside the segments, not as
    traffic). Without ``by`` there is one segment, ``total``, decomposed from the shop's figures.

    A segment is not decomposable when a factor is zero or missing in one period (no visitors, no
    buyers, not supplied by the imports, or money of mixed currencies): its effects are ``None`` and its
    whole change goes to ``not_decomposed``; on every row
    ``traffic + conversion + order_value + not_decomposed == paid_amount_change`` exactly.

    ``batch``: answer the queries from a :class:`~shopops.metrics.batch.Batch` (a report shares its
    splits between analyses); the figures are the same.
    """
    clock = time.perf_counter()
    batch = batch or Batch(warehouse_of(project_or_warehouse))
    frames: dict[str, pd.DataFrame] = {}
    sql: dict[str, str] = {}
    paid, buyers = SOURCES[params.source]
    for period, q in metric_queries(params, batch.cat).items():
        df = batch.run(q)
        df = df.rename(columns={paid: "paid_amount", buyers: "buyers"})
        frames[period] = df
        sql[period] = str(df.attrs.get("sql", ""))
    queried = time.perf_counter()
    notes = list(dict.fromkeys([*frames["base"].attrs.get("notes", []), *frames["current"].attrs.get("notes", [])]))

    values: dict[str, dict[str, dict[str, Any]]] = {}
    for period, df in frames.items():
        for record in df.to_dict("records"):
            segment = str(record[params.by]) if params.by else TOTAL
            values.setdefault(segment, {})[period] = {k: _clean(record[k]) for k in ("paid_amount", "uv", "buyers")}

    rows: list[dict[str, Any]] = []
    reasons: dict[str, str] = {}
    for segment in sorted(values):
        # a segment absent from one period's result had no rows there (split by a row-level dimension)
        row = _segment_row(segment, values[segment].get("base", NOTHING), values[segment].get("current", NOTHING))
        if not row["decomposable"]:
            reasons[segment] = str(row["reason"])
        rows.append(row)
    if params.by or not rows:
        currencies = _currencies(project_or_warehouse, batch, params)
        rows.append(_total_row(rows) if len(currencies) < 2 else _mixed_total(rows, currencies))
        if len(currencies) > 1:
            notes.append(
                f"total: the stores hold different currencies ({', '.join(currencies)}); their amounts are not"
                " added up — each segment stands on its own, or ask for one currency's stores with --store"
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("uv_base", "uv_current", "buyers_base", "buyers_current"):
        table[c] = table[c].astype("Int64")  # counts; <NA> where the metric layer has no figure
    done = time.perf_counter()
    return DecomposeResult(
        params=params,
        table=table,
        notes=notes,
        not_decomposable=reasons,
        sql=sql,
        timings={"query": queried - clock, "decompose": done - queried},
    )


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _factors(period: str, v: Mapping[str, Any]) -> dict[str, Decimal]:
    paid, uv, buyers = v.get("paid_amount"), v.get("uv"), v.get("buyers")
    if paid is None or uv is None or buyers is None:
        missing = [k for k, x in (("paid_amount", paid), ("uv", uv), ("buyers", buyers)) if x is None]
        raise ValueError(f"{', '.join(missing)} not available in the {period} period (see notes)")
    if uv <= 0:
        raise ValueError(f"no visitors (uv = 0) in the {period} period")
    if buyers <= 0:
        raise ValueError(f"no paying buyers in the {period} period")
    if paid <= 0:
        raise ValueError(f"paid amount is {paid} in the {period} period")
    u, b, p = Decimal(int(uv)), Decimal(int(buyers)), Decimal(paid)
    with localcontext() as ctx:
        ctx.prec = 60
        return {"uv": u, "cvr": b / u, "aov": p / b}


def _segment_row(segment: str, base: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    paid0, paid1 = base.get("paid_amount"), current.get("paid_amount")
    row: dict[str, Any] = {
        "segment": segment,
        "paid_amount_base": paid0,
        "paid_amount_current": paid1,
        "paid_amount_change": None if paid0 is None or paid1 is None else paid1 - paid0,
        "uv_base": base.get("uv"),
        "uv_current": current.get("uv"),
        "buyers_base": base.get("buyers"),
        "buyers_current": current.get("buyers"),
    }
    try:
        parts = lmdi(_factors("base", base), _factors("current", current))
    except ValueError as exc:
        row |= dict.fromkeys(FACTORS.values())
        row |= {"not_decomposed": row["paid_amount_change"], "decomposable": False, "reason": str(exc)}
        return row
    row |= {FACTORS[k]: v for k, v in parts.items()}
    row |= {"not_decomposed": Decimal("0.00"), "decomposable": True, "reason": ""}
    return row


def _sum(rows: list[dict[str, Any]], column: str) -> Any:
    values = [r[column] for r in rows if r[column] is not None]
    if not values or len(values) < len(rows):
        return None
    return sum(values, Decimal("0.00") if isinstance(values[0], Decimal) else 0)


def _currencies(source: Any, batch: Batch, params: DecomposeParams) -> tuple[str, ...]:
    """The currencies of the stores the segments add up (a scope of several is never summed)."""
    if batch.within is not None:
        return (batch.within.narrow(params.stores) if params.stores else batch.within).currencies
    return Scope.of(source, params.stores).currencies


def _mixed_total(rows: list[dict[str, Any]], currencies: tuple[str, ...]) -> dict[str, Any]:
    """The total row of segments in different currencies: no amount (money of different currencies is
    never added), only the counts that do add up are left out too (visitors may overlap)."""
    total: dict[str, Any] = dict.fromkeys(COLUMNS)
    total.update(segment=TOTAL, decomposable=False, reason=f"different currencies ({', '.join(currencies)})")
    return total


def _total_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The sum of the segment rows (uv and buyers too: visitors/buyers across segments may overlap)."""
    total: dict[str, Any] = {"segment": TOTAL}
    for c in COLUMNS[1:12]:
        decomposed = [r for r in rows if r["decomposable"]] if c in FACTORS.values() else rows
        total[c] = _sum(decomposed, c) if decomposed else (Decimal("0.00") if c in FACTORS.values() else None)
    total["decomposable"] = all(r["decomposable"] for r in rows) and bool(rows)
    total["reason"] = "" if total["decomposable"] else "the sum of decomposable segments; see not_decomposed"
    return total


# ---------------------------------------------------------------- the registered analysis


@dataclass(frozen=True)
class DecomposeRun:
    """What a registered run chooses beyond its scope and periods (the run's period against the one it is
    compared with): ``by`` a dimension to decompose each segment of, ``source`` ``orders`` or ``traffic``."""

    by: str | None = None
    source: str = "orders"

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise QueryError(
                f"unknown source {self.source!r}", hint=f"choose from {', '.join(SOURCES)}", code="param.invalid"
            )
        if self.by is not None and self.by not in load_catalogue().dimensions:
            raise QueryError(f"unknown dimension {self.by!r}", hint="e.g. store, channel, device", code="param.invalid")


def _build(ctx: Context, run: DecomposeRun) -> DecomposeResult:
    result = decompose(ctx.wh, _build_params(ctx, run), batch=ctx.batch)
    ctx.note(*result.notes)
    return result


def _queries(ctx: Context, run: DecomposeRun) -> list[MetricQuery]:
    return list(metric_queries(_build_params(ctx, run), ctx.catalogue).values())


def _build_params(ctx: Context, run: DecomposeRun) -> DecomposeParams:
    return DecomposeParams(
        ctx.period.start, ctx.period.end, ctx.compared.start, ctx.compared.end, run.by, ctx.stores, run.source
    )


def _present(result: DecomposeResult, lang: str) -> Section:
    w = Words(lang, "range")
    s = w.say
    rows = records(result.table)
    for r in rows:
        if r["segment"] == TOTAL:
            r["segment"] = s.t("total")
    section = Section("decompose", s.t("attribution"))
    section.tables.append(Table("segments", s.t("attribution"), effect_columns(w), rows))
    section.charts.append(Chart("effects", s.t("attribution"), "bar", "segments", "segment", tuple(FACTORS.values())))
    total = records(result.table)[-1]
    section.text.append(s.attribution(total) if total["decomposable"] else s.not_decomposable(str(total["reason"])))
    return section


ANALYSIS: Analysis[DecomposeRun, DecomposeResult] = Analysis(
    "decompose",
    DecomposeRun,
    _build,
    _present,
    queries=_queries,
    needs=("period", "compare"),
)

__all__ = [
    "ANALYSIS",
    "DecomposeParams",
    "DecomposeResult",
    "DecomposeRun",
    "decompose",
    "lmdi",
    "lmdi_float",
]
