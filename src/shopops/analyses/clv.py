"""Customer lifetime value and churn: P(alive), expected purchases, expected spend, discounted CLV.

From the paid orders of identified buyers of the chosen stores up to ``end`` (as
:func:`shopops.analyses.customers.purchases` defines them), each buyer (a ``buyer_id`` within a
store) is summarised the way the papers do it: purchases on the same day count as one transaction; ``frequency`` = purchase days after the first, ``recency`` = first to last purchase
day, ``T`` = first purchase day to ``end``, ``monetary`` = mean paid amount of the repeat purchase days.
A purchase model (BG/NBD or Pareto/NBD, :mod:`shopops.analyses.clv_models`) and the Gamma-Gamma spend
model are fitted on that summary; each buyer gets P(alive), expected purchases over the horizon,
expected spend per purchase, a discounted CLV, and a status from P(alive):

- ``active``  P(alive) ≥ ``active_from`` (default 0.7)
- ``at_risk`` ``churned_below`` ≤ P(alive) < ``active_from``
- ``churned`` P(alive) < ``churned_below`` (default 0.3)

With ``holdout_days`` the models are also fitted on a calibration window ending ``holdout_days``
before ``end`` and the holdout purchases predicted by calibration frequency, as in Fader, Hardie &
Lee (2005, Figure 4): ``ClvResult.holdout``.

>>> result = clv(project, ClvParams(end=date(2026, 10, 31), holdout_days=90))   # doctest: +SKIP
>>> result.customers.head()                                                      # doctest: +SKIP

Registered as ``clv`` (:data:`ANALYSIS`): observed up to the end of the context's period (``end``
unset), presented as the customers and CLV per status and, with a holdout, the model check.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import ibis
import numpy as np
import pandas as pd

from shopops.analyses.base import Analysis, Context
from shopops.analyses.clv_models import (
    MODELS,
    BetaGeo,
    GammaGamma,
    ParetoNBD,
    PurchaseModel,
    discounted_clv,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from shopops.analyses.customers import purchases
from shopops.analyses.narrative import Narrator
from shopops.analyses.rows import Words, records
from shopops.errors import NotAvailableError, QueryError
from shopops.reports.model import Chart, Column, Section, Table
from shopops.warehouse.scope import Scope

UNITS = {"days": 1.0, "weeks": 7.0}
DAYS_PER_MONTH = 365.25 / 12
STATUSES = ("active", "at_risk", "churned")
HOLDOUT_BUCKETS = 7  # frequencies 0..6 and "7+", as in FHL 2005 Figure 4

CUSTOMER_COLUMNS = [
    "store",
    "buyer_id",
    "frequency",
    "recency",
    "T",
    "monetary",
    "first_purchase",
    "last_purchase",
    "p_alive",
    "expected_purchases",
    "expected_spend",
    "clv",
    "status",
]


@dataclass(frozen=True)
class ClvParams:
    """What to fit and predict.

    ``end``: the last day observed (default: the last payment day of the chosen stores); ``stores``:
    only these (empty: all; they must share a currency). ``model``: ``bgnbd`` or ``pareto``.
    ``horizon_months`` and ``monthly_discount``: the CLV horizon and discount rate per month.
    ``active_from`` / ``churned_below``: the P(alive) thresholds of the statuses. ``holdout_days``:
    also check a calibration fit against the last ``holdout_days`` (0: no check). ``unit``: the time
    unit of recency and T (``weeks`` as in the papers, or ``days``).
    """

    end: date | None = None
    stores: tuple[str, ...] = ()
    model: str = "bgnbd"
    horizon_months: int = 12
    monthly_discount: float = 0.01
    active_from: float = 0.7
    churned_below: float = 0.3
    holdout_days: int = 0
    unit: str = "weeks"

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise QueryError(f"unknown model {self.model!r}; valid models: {', '.join(MODELS)}")
        if self.unit not in UNITS:
            raise QueryError(f"unknown time unit {self.unit!r}; valid units: {', '.join(UNITS)}")
        if not 0 <= self.churned_below <= self.active_from <= 1:
            raise QueryError(
                f"P(alive) thresholds must satisfy 0 ≤ churned_below ≤ active_from ≤ 1"
                f" (got {self.churned_below} and {self.active_from})"
            )
        if self.horizon_months < 0 or self.holdout_days < 0:
            raise QueryError("the horizon and the holdout cannot be negative")
        if not -1 < self.monthly_discount < 1:
            raise QueryError(f"monthly discount {self.monthly_discount} is not a rate", hint="e.g. 0.01 for 1% a month")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class ClvResult:
    """``customers``: one row per buyer (:data:`CUSTOMER_COLUMNS`), highest CLV first.

    ``parameters``: the purchase and spend models' parameters; ``diagnostics``: log-likelihoods,
    convergence, customer counts, fit seconds, the frequency–spend correlation the Gamma-Gamma model
    assumes small; ``holdout``: calibration vs holdout by frequency (empty without ``holdout_days``);
    ``segments``: customers, share and CLV per status; ``notes``: caveats.
    """

    params: ClvParams
    end: date
    currency: str
    customers: pd.DataFrame
    parameters: dict[str, dict[str, float]]
    diagnostics: dict[str, Any]
    holdout: pd.DataFrame
    segments: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    purchase_model: PurchaseModel | None = None
    spend_model: GammaGamma | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def headline(self, lang: str) -> str | None:
        """The sentence a report's summary takes from this analysis: how many customers have churned
        and how many are at risk, by P(alive)."""
        s = Narrator(lang, "range")
        counts = {r["status"]: r["customers"] for r in records(self.segments)}
        if not counts:
            return None
        churned, risk = s.f(counts.get("churned", 0), "count"), s.f(counts.get("at_risk", 0), "count")
        if lang == "zh":
            return f"按存活概率，{churned} 位客户已流失，{risk} 位有流失风险。"
        return f"By P(alive), {churned} customers have churned and {risk} are at risk."


# ---------------------------------------------------------------- from the warehouse


def purchase_days(source: Scope | Any, stores: Sequence[str] = (), end: date | None = None) -> pd.DataFrame:
    """One row per buyer and payment day up to ``end`` (all days when None): store, buyer_id, day, amount.

    The purchases are :func:`shopops.analyses.customers.purchases` (paid orders of identified buyers;
    ``NotAvailableError`` without buyer ids or across currencies); ``attrs["currency"]`` and
    ``attrs["stores"]`` say which.
    """
    bought = purchases(source, stores, money=True)
    t = bought.table
    if end is not None:
        t = t.filter(t.day <= ibis.literal(end))
    days = (
        t.group_by(["store", "buyer_id", "day"])
        .aggregate(amount=t.amount.sum().cast("float64"))
        .order_by(["store", "buyer_id", "day"])
    )
    frame: pd.DataFrame = days.execute()
    frame["day"] = pd.to_datetime(frame["day"])
    frame["amount"] = frame["amount"].fillna(0.0).astype("float64")
    frame.attrs["currency"] = bought.currency
    frame.attrs["stores"] = [s.name for s in bought.stores]
    return frame


def rfm_summary(days: pd.DataFrame, end: date, unit: str = "weeks") -> pd.DataFrame:
    """Per buyer: frequency, recency, T (in ``unit``), monetary, first and last purchase day.

    ``days``: one row per buyer and purchase day (:func:`purchase_days`); days after ``end`` are ignored.
    """
    scale = UNITS[unit]
    stamp = pd.Timestamp(end)
    d = days[days["day"] <= stamp]
    keys = ["store", "buyer_id"]
    g = d.groupby(keys, sort=True)
    out = g.agg(first=("day", "min"), last=("day", "max"), n=("day", "size"), total=("amount", "sum")).reset_index()
    first_amount = d.sort_values([*keys, "day"]).groupby(keys, sort=True)["amount"].first().to_numpy()
    repeats = out["n"].to_numpy() - 1
    repeat_total = out["total"].to_numpy() - first_amount
    with np.errstate(divide="ignore", invalid="ignore"):
        monetary = np.where(repeats > 0, repeat_total / np.maximum(repeats, 1), 0.0)
    return pd.DataFrame(
        {
            "store": out["store"],
            "buyer_id": out["buyer_id"],
            "frequency": repeats.astype("int64"),
            "recency": (out["last"] - out["first"]).dt.days / scale,
            "T": (stamp - out["first"]).dt.days / scale,
            "monetary": monetary,
            "first_purchase": out["first"].dt.date,
            "last_purchase": out["last"].dt.date,
        }
    )


# ---------------------------------------------------------------- the analysis


def _fit(model: str, rfm: pd.DataFrame) -> PurchaseModel:
    x, t_x, big_t = rfm["frequency"], rfm["recency"], rfm["T"]
    return fit_bgnbd(x, t_x, big_t) if model == "bgnbd" else fit_pareto_nbd(x, t_x, big_t)


def status_of(p_alive: Any, active_from: float = 0.7, churned_below: float = 0.3) -> np.ndarray:
    """``active`` / ``at_risk`` / ``churned`` from P(alive) and the two thresholds."""
    p = np.asarray(p_alive, dtype=np.float64)
    return np.where(p >= active_from, "active", np.where(p < churned_below, "churned", "at_risk"))


def holdout_table(model: PurchaseModel, rfm: pd.DataFrame, actual: pd.Series, length: float) -> pd.DataFrame:
    """Mean actual vs predicted holdout purchases per calibration frequency (0 … 6, "7+")."""
    predicted = model.conditional_expected_purchases(length, rfm["frequency"], rfm["recency"], rfm["T"])
    capped = np.minimum(rfm["frequency"].to_numpy(), HOLDOUT_BUCKETS)
    frame = pd.DataFrame({"bucket": capped, "actual": actual.to_numpy(dtype=np.float64), "predicted": predicted})
    g = frame.groupby("bucket").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    g = g.reset_index()
    g["frequency"] = [f"{b}+" if b == HOLDOUT_BUCKETS else str(b) for b in g["bucket"]]
    g["total_actual"] = frame.groupby("bucket")["actual"].sum().to_numpy()
    g["total_predicted"] = frame.groupby("bucket")["predicted"].sum().to_numpy()
    return g[["frequency", "customers", "actual", "predicted", "total_actual", "total_predicted"]]


def _holdout(days: pd.DataFrame, params: ClvParams, end: date) -> tuple[pd.DataFrame, dict[str, Any]]:
    cal_end = end - timedelta(days=params.holdout_days)
    cal = rfm_summary(days, cal_end, params.unit)
    if len(cal) < 3:
        raise NotAvailableError(
            f"too few buyers before {cal_end} to fit a calibration model", hint="use a shorter --holdout-days"
        )
    model = _fit(params.model, cal)
    after = days[(days["day"] > pd.Timestamp(cal_end)) & (days["day"] <= pd.Timestamp(end))]
    counts = after.groupby(["store", "buyer_id"]).size().rename("holdout")
    actual = cal.join(counts, on=["store", "buyer_id"])["holdout"].fillna(0)
    table = holdout_table(model, cal, actual, params.holdout_days / UNITS[params.unit])
    info = {
        "calibration_end": cal_end,
        "calibration_customers": len(cal),
        "calibration_params": dict(model.params_),
        "holdout_actual": float(actual.sum()),
        "holdout_predicted": float(table["total_predicted"].sum()),
    }
    return table, info


def clv(source: Scope | Any, params: ClvParams) -> ClvResult:
    """Fit the purchase and spend models on the buyers of ``source`` (a Scope, a Project or a Warehouse;
    ``params.stores`` narrows it) and score every buyer.

    Raises :class:`NotAvailableError` when the stores' order exports carry no buyer ids, or when too few
    buyers have a repeat purchase to fit the models.
    """
    clock = time.perf_counter()
    days = purchase_days(source, params.stores, params.end)
    stores, currency = list(days.attrs["stores"]), str(days.attrs["currency"])
    if days.empty:
        raise NotAvailableError("no paid orders with a buyer id" + (f" up to {params.end}" if params.end else ""))
    end = params.end or days["day"].max().date()
    queried = time.perf_counter()
    rfm = rfm_summary(days, end, params.unit)
    if int((rfm["frequency"] > 0).sum()) < 3:
        raise NotAvailableError(
            f"only {int((rfm['frequency'] > 0).sum())} buyers bought on more than one day; the models need repeat buyers",
            hint="use a later --end or more stores",
        )
    model = _fit(params.model, rfm)
    spend = fit_gamma_gamma(rfm["frequency"], rfm["monetary"])
    fitted = time.perf_counter()
    customers = _score(rfm, model, spend, params)
    holdout, holdout_info = _holdout(days, params, end) if params.holdout_days else (pd.DataFrame(), dict[str, Any]())
    notes = _notes(rfm, spend, model)
    repeat = rfm["frequency"] > 0
    corr = _correlation(rfm.loc[repeat, "frequency"], rfm.loc[repeat, "monetary"])
    diagnostics: dict[str, Any] = {
        "model": params.model,
        "unit": params.unit,
        "end": end,
        "stores": stores,
        "customers": len(rfm),
        "repeat_customers": int(repeat.sum()),
        "purchase_model": model.fit_.as_dict() if model.fit_ else {},
        "spend_model": spend.fit_.as_dict() if spend.fit_ else {},
        "frequency_monetary_correlation": corr,
        **({"holdout": holdout_info} if holdout_info else {}),
    }
    done = time.perf_counter()
    return ClvResult(
        params=params,
        end=end,
        currency=currency,
        customers=customers,
        parameters={params.model: dict(model.params_), "gamma_gamma": dict(spend.params_)},
        diagnostics=diagnostics,
        holdout=holdout,
        segments=segments_of(customers),
        notes=notes,
        purchase_model=model,
        spend_model=spend,
        timings={"query": queried - clock, "fit": fitted - queried, "score": done - fitted},
    )


def _score(rfm: pd.DataFrame, model: PurchaseModel, spend: GammaGamma, params: ClvParams) -> pd.DataFrame:
    x, t_x, big_t = rfm["frequency"], rfm["recency"], rfm["T"]
    per_month = DAYS_PER_MONTH / UNITS[params.unit]
    out = rfm.copy()
    out["p_alive"] = model.p_alive(x, t_x, big_t)
    horizon = params.horizon_months * per_month
    out["expected_purchases"] = model.conditional_expected_purchases(horizon, x, t_x, big_t) if horizon else 0.0
    out["expected_spend"] = spend.expected_spend(x, rfm["monetary"])
    out["clv"] = discounted_clv(
        model,
        out["expected_spend"],
        x,
        t_x,
        big_t,
        months=params.horizon_months,
        monthly_discount=params.monthly_discount,
        units_per_month=per_month,
    )
    out["status"] = status_of(out["p_alive"], params.active_from, params.churned_below)
    out = out.sort_values(["clv", "store", "buyer_id"], ascending=[False, True, True], kind="stable")
    return out[CUSTOMER_COLUMNS].reset_index(drop=True)


def segments_of(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers, share of customers, total and mean CLV per status (every status listed, counts sum to all)."""
    total = len(customers)
    rows = []
    for status in STATUSES:
        part = customers[customers["status"] == status]
        rows.append(
            {
                "status": status,
                "customers": len(part),
                "share": len(part) / total if total else 0.0,
                "clv": float(part["clv"].sum()),
                "mean_clv": float(part["clv"].mean()) if len(part) else 0.0,
                "mean_p_alive": float(part["p_alive"].mean()) if len(part) else 0.0,
            }
        )
    return pd.DataFrame(rows)


def _correlation(a: pd.Series, b: pd.Series) -> float | None:
    """Pearson correlation; None when either side is constant."""
    if len(a) < 2 or float(a.std()) == 0 or float(b.std()) == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _notes(rfm: pd.DataFrame, spend: GammaGamma, model: PurchaseModel) -> list[str]:
    notes = []
    if spend.params_["q"] <= 1:
        notes.append("Gamma-Gamma q ≤ 1: the mean spend of buyers without a repeat purchase is undefined")
    if model.fit_ is not None and not model.fit_.converged:
        notes.append(f"the {model.name} fit did not report convergence: {model.fit_.message}")
    if spend.fit_ is not None and not spend.fit_.converged:
        notes.append(f"the Gamma-Gamma fit did not report convergence: {spend.fit_.message}")
    for name, params in ((model.name, model.params_), ("gamma_gamma", spend.params_)):
        edge = [k for k, v in params.items() if not 1e-4 < v < 1e4]
        if edge:
            notes.append(
                f"{name}: {', '.join(edge)} ran to the edge of the parameter space: the data hardly identify"
                " them (e.g. spend that barely varies between buyers); read those parameters with care"
            )
    one_time = int((rfm["frequency"] == 0).sum())
    notes.append(f"{one_time} of {len(rfm)} buyers have bought on one day only")
    if isinstance(model, BetaGeo) and one_time:
        notes.append(
            "BG/NBD gives P(alive) = 1 to buyers without a repeat purchase (it lets buyers drop out only"
            " right after a purchase), so they all count as active; --model pareto judges them by T"
        )
    return notes


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: ClvParams) -> ClvResult:
    """:func:`clv` over the context's scope, observed to the period's last day where ``params`` give no
    ``end``. A holdout check that cannot be made (too few buyers before it) is noted and left out."""
    if params.end is None:
        params = dataclasses.replace(params, end=ctx.period.end)
    try:
        result = clv(ctx.scope, params)
    except (NotAvailableError, QueryError) as exc:
        if not params.holdout_days:
            raise
        ctx.note(f"{ctx.say.t('holdout')}: {exc}")
        result = clv(ctx.scope, dataclasses.replace(params, holdout_days=0))
    ctx.note(*result.notes)
    return result


def present(result: ClvResult, lang: str) -> Section:
    """Customers, share, CLV and mean P(alive) per status; the model's parameters; the holdout check."""
    s = Words(lang, "range").say
    rows = [
        {
            "status": s.t(f"status_{r['status']}"),
            "customers": r["customers"],
            "share": r["share"],
            "clv": r["clv"],
            "mean_p_alive": r["mean_p_alive"],
        }
        for r in records(result.segments)
    ]
    cols = [
        Column("status", s.t("status")),
        Column("customers", s.t("customers_count"), "count"),
        Column("share", s.t("share"), "ratio"),
        Column("clv", s.t("expected_clv"), "money_per"),
        Column("mean_p_alive", s.t("mean_p_alive"), "ratio"),
    ]
    section = Section("clv", s.t("clv"), tables=[Table("status", s.t("clv"), cols, rows)])
    section.charts.append(Chart("status_chart", s.t("status"), "pie", "status", "status", ("customers",)))
    if not result.holdout.empty:
        hcols = [
            Column("frequency", s.t("calibration_purchases")),
            Column("customers", s.t("customers_count"), "count"),
            Column("actual", s.t("holdout_actual"), "number"),
            Column("predicted", s.t("holdout_predicted"), "number"),
        ]
        section.tables.append(Table("holdout", s.t("holdout"), hcols, records(result.holdout[[c.id for c in hcols]])))
        section.charts.append(
            Chart("holdout_chart", s.t("holdout"), "line", "holdout", "frequency", ("actual", "predicted"))
        )
    p = result.params
    fitted = result.parameters.get(p.model, {})
    if fitted:
        section.text.append(
            f"{p.model}: "
            + ", ".join(f"{k} = {v:.4g}" for k, v in fitted.items())
            + (
                f"；月贴现率 {p.monthly_discount:.2%}，{p.horizon_months} 个月"
                if lang == "zh"
                else f"; monthly discount {p.monthly_discount:.2%} over {p.horizon_months} months"
            )
        )
    return section


ANALYSIS: Analysis[ClvParams, ClvResult] = Analysis(
    "clv",
    ClvParams,
    build,
    present,
)

__all__ = [
    "ANALYSIS",
    "BetaGeo",
    "ClvParams",
    "ClvResult",
    "GammaGamma",
    "ParetoNBD",
    "clv",
    "discounted_clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "holdout_table",
    "purchase_days",
    "rfm_summary",
    "segments_of",
    "status_of",
]
