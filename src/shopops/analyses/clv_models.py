"""Buy-till-you-die purchase models and the Gamma-Gamma spend model, fitted by maximum likelihood.

Pure numpy/scipy, usable on arrays; :mod:`shopops.analyses.clv` applies them to the warehouse.
Each customer is summarised by ``x`` (repeat purchases: purchase days after the first), ``t_x``
(recency: time from the first to the last purchase) and ``T`` (time from the first purchase to the
end of the observation), all in one time unit (weeks in the papers).

- **BG/NBD** — Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to
  the Pareto/NBD model", *Marketing Science* 24(2): likelihood eq. (6), P(alive) eq. (13 note),
  conditional expectation eq. (10), E[X(t)] eq. (9).
- **Pareto/NBD** — Schmittlein, Morrison & Colombo (1987), *Management Science* 33(1), with the
  likelihood as written in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
  expressions" (eq. 22 with the two hypergeometric branches on α ≥ β and α < β).
- **Gamma-Gamma** — Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": likelihood of
  the mean repeat-transaction value, conditional expected spend eq. (5).

Parameters are optimised on their logarithms (so they stay positive), on the distinct
``(x, t_x, T)`` rows weighted by how many customers share them.

>>> import numpy as np
>>> m = fit_bgnbd(np.array([2, 1, 0, 0, 3]), np.array([30.4, 1.7, 0, 0, 20.0]), np.array([38.9, 38.9, 38.9, 38.9, 38.9]))
>>> sorted(m.params_)
['a', 'alpha', 'b', 'r']
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

Array = npt.NDArray[np.float64]
ArrayLike = Any  # numbers, sequences, numpy arrays or pandas Series


def _arr(v: ArrayLike) -> Array:
    return np.atleast_1d(np.asarray(v, dtype=np.float64))


def _check_rfm(x: Array, t_x: Array, big_t: Array) -> None:
    if not (len(x) == len(t_x) == len(big_t)) or len(x) == 0:
        raise ValueError("frequency, recency and T need the same, non-zero length")
    if np.any(~np.isfinite(x)) or np.any(~np.isfinite(t_x)) or np.any(~np.isfinite(big_t)):
        raise ValueError("frequency, recency and T must be finite")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must be a whole number of repeat purchases ≥ 0")
    if np.any(t_x < 0) or np.any(t_x > big_t + 1e-9):
        raise ValueError("recency must lie between 0 and T")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("recency must be 0 for customers with no repeat purchase")
    if np.any(big_t < 0):
        raise ValueError("T cannot be negative")


@dataclass
class Fit:
    """What the optimiser reported: log-likelihood at the optimum, convergence, iterations, seconds."""

    log_likelihood: float
    converged: bool
    iterations: int
    seconds: float
    customers: int
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "log_likelihood": self.log_likelihood,
            "converged": self.converged,
            "iterations": self.iterations,
            "fit_seconds": self.seconds,
            "customers": self.customers,
            "message": self.message,
        }


def _maximise(neg_ll: Any, start: Array, args: tuple[Any, ...], customers: int) -> tuple[Array, Fit]:
    """Minimise ``neg_ll(log_params, *args)`` with BFGS from ``start``; when BFGS stops without
    reporting success (it often loses precision right at the optimum), Nelder-Mead polishes."""
    clock = time.perf_counter()
    # a trial step can leave the likelihood's domain (the objective is then +inf); the finite-difference
    # gradient there is nan, which BFGS handles by backtracking: no warning for that
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        best = optimize.minimize(neg_ll, start, args=args, method="BFGS", options={"gtol": 1e-8, "maxiter": 2000})
    iterations = int(best.nit)
    success = bool(best.success)
    if not success:
        polish = optimize.minimize(
            neg_ll,
            best.x,
            args=args,
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000},
        )
        iterations += int(polish.nit)
        success = bool(polish.success)
        if polish.fun <= best.fun:
            best = polish
    fit = Fit(
        log_likelihood=-float(best.fun),
        converged=success and bool(np.isfinite(best.fun)),
        iterations=iterations,
        seconds=time.perf_counter() - clock,
        customers=customers,
        message=str(best.message),
    )
    return np.asarray(best.x, dtype=np.float64), fit


def _distinct(*cols: Array) -> tuple[list[Array], Array]:
    """The distinct rows of ``cols`` and how many times each occurs (the likelihood's weights)."""
    stacked = np.column_stack(cols)
    rows, counts = np.unique(stacked, axis=0, return_counts=True)
    return [rows[:, i] for i in range(rows.shape[1])], counts.astype(np.float64)


# ---------------------------------------------------------------- BG/NBD


def bgnbd_log_likelihood(params: ArrayLike, x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike) -> Array:
    """Per-customer log-likelihood of BG/NBD (FHL 2005, eq. 6), ``params = (r, alpha, a, b)``."""
    r, alpha, a, b = (float(p) for p in np.asarray(params, dtype=np.float64))
    x, t_x, big_t = _arr(x), _arr(t_x), _arr(big_t)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    out: Array = a1 + a2 + np.logaddexp(a3, a4)
    return out


def _bgnbd_neg(log_params: Array, x: Array, t_x: Array, big_t: Array, w: Array) -> float:
    p = np.exp(log_params)
    if not np.all(np.isfinite(p)):
        return float("inf")
    ll = bgnbd_log_likelihood(p, x, t_x, big_t)
    value = -float(np.dot(w, ll))
    return value if np.isfinite(value) else float("inf")


@dataclass
class BetaGeo:
    """The BG/NBD model (Fader, Hardie & Lee 2005). ``fit()`` returns self; fitted values end in ``_``.

    ``params_``: ``{"r", "alpha", "a", "b"}``; ``fit_``: the optimiser's report.
    """

    params_: dict[str, float] = field(default_factory=dict)
    fit_: Fit | None = None
    name = "bgnbd"

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BetaGeo:
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(T)
        _check_rfm(x, t_x, big_t)
        (ux, ut, uT), w = _distinct(x, t_x, big_t)
        start = np.log([1.0, max(float(np.mean(big_t)), 1e-3), 1.0, 1.0])
        log_p, self.fit_ = _maximise(_bgnbd_neg, start, (ux, ut, uT, w), len(x))
        self.params_ = dict(zip(("r", "alpha", "a", "b"), (float(v) for v in np.exp(log_p)), strict=True))
        return self

    def _p(self) -> tuple[float, float, float, float]:
        if not self.params_:
            raise ValueError("fit the model first")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Array:
        """P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)); 1 when x = 0."""
        r, alpha, a, b = self._p()
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(T)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        log_odds = np.where(x > 0, log_odds, -np.inf)
        out: Array = np.exp(-np.logaddexp(0.0, log_odds))
        return out

    def expected_purchases(self, t: ArrayLike) -> Array:
        """E[X(t)] for a new customer (FHL 2005, eq. 9)."""
        r, alpha, a, b = self._p()
        t = _arr(t)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        out: Array = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)
        return out

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> Array:
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` (FHL 2005, eq. 10)."""
        r, alpha, a, b = self._p()
        t, x, t_x, big_t = _arr(t), _arr(frequency), _arr(recency), _arr(T)
        z = t / (alpha + big_t + t)
        with np.errstate(all="ignore"):
            term = (1 - z) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
            # where that is a huge power times a tiny one (heavy buyers, long horizons), Euler's
            # transformation 2F1(A, B; C; z) = (1 − z)^(C−A−B) 2F1(C−A, C−B; C; z) gives the same term as
            # (1 − z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z)
            euler = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        term = np.where(np.isfinite(term), term, euler)
        num = (a + b + x - 1) / (a - 1) * (1 - term)
        out: Array = num * self.p_alive(x, t_x, big_t)
        return out


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BetaGeo:
    """Fit BG/NBD by maximum likelihood; see :class:`BetaGeo`."""
    return BetaGeo().fit(frequency, recency, T)


# ---------------------------------------------------------------- Pareto/NBD


def _pareto_log_a0(r: float, alpha: float, s: float, beta: float, x: Array, t_x: Array, big_t: Array) -> Array:
    """log A0 of Fader & Hardie's Pareto/NBD note (eq. 22), with the branch on α ≥ β that keeps the
    hypergeometric argument in [0, 1)."""
    big = alpha if alpha >= beta else beta
    second: Array | float = s + 1 if alpha >= beta else r + x
    diff = abs(alpha - beta)
    rsx = r + s + x

    def term(u: Array) -> Array:
        hyp = special.hyp2f1(rsx, second, rsx + 1, diff / (big + u))
        with np.errstate(divide="ignore", invalid="ignore"):
            out: Array = np.log(hyp) - rsx * np.log(big + u)
        return out

    at_tx, at_t = term(t_x), term(big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = at_tx + np.log(-np.expm1(at_t - at_tx))
    return out


def pareto_nbd_log_likelihood(params: ArrayLike, x: ArrayLike, t_x: ArrayLike, big_t: ArrayLike) -> Array:
    """Per-customer log-likelihood of Pareto/NBD, ``params = (r, alpha, s, beta)`` (Fader & Hardie 2005 note)."""
    r, alpha, s, beta = (float(p) for p in np.asarray(params, dtype=np.float64))
    x, t_x, big_t = _arr(x), _arr(t_x), _arr(big_t)
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    died = np.log(s) - np.log(r + s + x) + _pareto_log_a0(r, alpha, s, beta, x, t_x, big_t)
    out: Array = head + np.logaddexp(alive, died)
    return out


def _pareto_neg(log_params: Array, x: Array, t_x: Array, big_t: Array, w: Array) -> float:
    p = np.exp(log_params)
    if not np.all(np.isfinite(p)):
        return float("inf")
    with np.errstate(all="ignore"):
        ll = pareto_nbd_log_likelihood(p, x, t_x, big_t)
    value = -float(np.dot(w, ll))
    return value if np.isfinite(value) else float("inf")


@dataclass
class ParetoNBD:
    """The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987). ``params_``: ``{"r", "alpha", "s", "beta"}``."""

    params_: dict[str, float] = field(default_factory=dict)
    fit_: Fit | None = None
    name = "pareto"

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> ParetoNBD:
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(T)
        _check_rfm(x, t_x, big_t)
        (ux, ut, uT), w = _distinct(x, t_x, big_t)
        scale = max(float(np.mean(big_t)), 1e-3)
        start = np.log([1.0, scale, 1.0, scale])
        log_p, self.fit_ = _maximise(_pareto_neg, start, (ux, ut, uT, w), len(x))
        self.params_ = dict(zip(("r", "alpha", "s", "beta"), (float(v) for v in np.exp(log_p)), strict=True))
        return self

    def _p(self) -> tuple[float, float, float, float]:
        if not self.params_:
            raise ValueError("fit the model first")
        p = self.params_
        return p["r"], p["alpha"], p["s"], p["beta"]

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Array:
        """P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0) (Fader & Hardie 2005, eq. 18)."""
        r, alpha, s, beta = self._p()
        x, t_x, big_t = _arr(frequency), _arr(recency), _arr(T)
        with np.errstate(all="ignore"):
            log_odds = (
                np.log(s)
                - np.log(r + s + x)
                + (r + x) * np.log(alpha + big_t)
                + s * np.log(beta + big_t)
                + _pareto_log_a0(r, alpha, s, beta, x, t_x, big_t)
            )
        out: Array = np.exp(-np.logaddexp(0.0, log_odds))
        return out

    def expected_purchases(self, t: ArrayLike) -> Array:
        """E[X(t)] = rβ/(α(s−1)) · (1 − (β/(β+t))^(s−1)) for a new customer (s = 1: rβ/α · ln(1 + t/β))."""
        r, alpha, s, beta = self._p()
        t = _arr(t)
        if abs(s - 1) < 1e-9:
            return np.asarray(r * beta / alpha * np.log1p(t / beta), dtype=np.float64)
        out: Array = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
        return out

    def conditional_expected_purchases(
        self,
        t: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
    ) -> Array:
        """E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T)/((α+T)(s−1)) · (1 − ((β+T)/(β+T+t))^(s−1))."""
        r, alpha, s, beta = self._p()
        t, x, t_x, big_t = _arr(t), _arr(frequency), _arr(recency), _arr(T)
        if abs(s - 1) < 1e-9:
            rate = (r + x) / (alpha + big_t) * (beta + big_t) * np.log1p(t / (beta + big_t))
        else:
            rate = (
                (r + x)
                * (beta + big_t)
                / ((alpha + big_t) * (s - 1))
                * (1 - ((beta + big_t) / (beta + big_t + t)) ** (s - 1))
            )
        out: Array = rate * self.p_alive(x, t_x, big_t)
        return out


def fit_pareto_nbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> ParetoNBD:
    """Fit Pareto/NBD by maximum likelihood; see :class:`ParetoNBD`."""
    return ParetoNBD().fit(frequency, recency, T)


PurchaseModel = BetaGeo | ParetoNBD
MODELS: dict[str, type[BetaGeo] | type[ParetoNBD]] = {"bgnbd": BetaGeo, "pareto": ParetoNBD}


# ---------------------------------------------------------------- Gamma-Gamma


def gamma_gamma_log_likelihood(params: ArrayLike, x: ArrayLike, m: ArrayLike) -> Array:
    """Per-customer log-likelihood of the mean spend ``m`` over ``x`` ≥ 1 repeat transactions,
    ``params = (p, q, gamma)`` (Fader & Hardie 2013, eq. 3)."""
    p, q, g = (float(v) for v in np.asarray(params, dtype=np.float64))
    x, m = _arr(x), _arr(m)
    out: Array = (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(g)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(g + m * x)
    )
    return out


def _gg_neg(log_params: Array, x: Array, m: Array, w: Array) -> float:
    p = np.exp(log_params)
    if not np.all(np.isfinite(p)):
        return float("inf")
    value = -float(np.dot(w, gamma_gamma_log_likelihood(p, x, m)))
    return value if np.isfinite(value) else float("inf")


@dataclass
class GammaGamma:
    """The Gamma-Gamma spend model (Fader & Hardie 2013). ``params_``: ``{"p", "q", "gamma"}``.

    Fitted on the customers with at least one repeat transaction and a positive mean spend; assumes
    spend is independent of purchase frequency (check ``corr(frequency, monetary)`` is small).
    """

    params_: dict[str, float] = field(default_factory=dict)
    fit_: Fit | None = None

    def fit(self, frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
        x, m = _arr(frequency), _arr(monetary)
        if len(x) != len(m):
            raise ValueError("frequency and monetary need the same length")
        keep = (x > 0) & (m > 0) & np.isfinite(m)
        if keep.sum() < 3:
            raise ValueError("the Gamma-Gamma model needs at least 3 customers with a repeat purchase and spend > 0")
        (ux, um), w = _distinct(x[keep], m[keep])
        mean = float(np.mean(m[keep]))
        start = np.log([1.0, 1.0, mean])
        log_p, self.fit_ = _maximise(_gg_neg, start, (ux, um, w), int(keep.sum()))
        self.params_ = dict(zip(("p", "q", "gamma"), (float(v) for v in np.exp(log_p)), strict=True))
        return self

    def expected_spend(self, frequency: ArrayLike, monetary: ArrayLike) -> Array:
        """E(M | x, m_x) = (q−1)/(px+q−1) · γp/(q−1) + px/(px+q−1) · m_x (eq. 5); the population mean
        γp/(q−1) for customers with no repeat purchase (needs q > 1)."""
        if not self.params_:
            raise ValueError("fit the model first")
        p, q, g = self.params_["p"], self.params_["q"], self.params_["gamma"]
        x, m = _arr(frequency), _arr(monetary)
        x = np.where((x > 0) & (m > 0), x, 0.0)
        out: Array = (p * (g + x * m)) / (p * x + q - 1)
        return out

    def population_mean(self) -> float:
        p, q, g = self.params_["p"], self.params_["q"], self.params_["gamma"]
        return float("inf") if q <= 1 else g * p / (q - 1)


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Fit the Gamma-Gamma model by maximum likelihood; see :class:`GammaGamma`."""
    return GammaGamma().fit(frequency, monetary)


# ---------------------------------------------------------------- CLV


def discounted_clv(
    model: PurchaseModel,
    spend: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    months: int = 12,
    monthly_discount: float = 0.01,
    units_per_month: float = 365.25 / 12 / 7,
) -> Array:
    """Σ_{i=1..months} spend · (E[Y(i·u)] − E[Y((i−1)·u)]) / (1 + d)^i — each month's expected purchases
    times the expected spend, discounted monthly (as ``lifetimes.GammaGammaFitter.customer_lifetime_value``).
    ``units_per_month``: the model's time unit per month (4.348 weeks; 30.44 days)."""
    if months < 0 or monthly_discount <= -1:
        raise ValueError("months must be ≥ 0 and the discount rate > −1")
    x, t_x, big_t, m = _arr(frequency), _arr(recency), _arr(T), _arr(spend)
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    for i in range(1, months + 1):
        upto = model.conditional_expected_purchases(i * units_per_month, x, t_x, big_t)
        total += m * (upto - previous) / (1 + monthly_discount) ** i
        previous = upto
    return total
