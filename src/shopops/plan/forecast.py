"""A statistical baseline forecast of a daily metric, with festival and public-holiday effects.

The model is Prophet (Taylor & Letham 2018, "Forecasting at scale", *The American Statistician*
72(1)): ``y(t) = trend(t) · (1 + weekly(t) + yearly(t) + festivals(t))`` — multiplicative, because a
festival or a weekday lifts sales by a share, not by a fixed amount. Festivals enter as Prophet
"holidays" with their pre-heat and tail windows (one effect per day of the window), taken from
:mod:`shopops.calendar.festivals` for the store's market (Chinese platforms: ``cn``; others: ``west``);
public holidays (the days off and the weekend next to them) and make-up workdays enter the same way.
The benchmark's other candidates (seasonal naive, AutoARIMA with festival dummies) use
:func:`seasonal_naive` and :func:`festival_dummies`. Why Prophet and not statsforecast:
BENCHMARKS.md, section "Forecast" (MAPE on a held-out quarter and time, per candidate).

Every forecast comes with a backtest: the same model fitted on the history before the last full
quarter, scored on that quarter (MAPE of the days and error of the quarter's total), so the
operator sees how far to trust it.

>>> from shopops.plan.forecast import ForecastParams, forecast                # doctest: +SKIP
>>> result = forecast(project, ForecastParams(store="tmall_flagship", horizon_days=92))  # doctest: +SKIP
>>> result.daily.head(), result.months(), result.backtests                     # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from shopops.analyses.base import Analysis, Context, stores_checked
from shopops.calendar.grains import add_months, period_start
from shopops.errors import ConfigError, NotAvailableError, QueryError
from shopops.plan.forecast_events import Events, Market, events_for, festival_dummies, holiday_frame
from shopops.plan.forecast_section import present
from shopops.warehouse.scope import Scope
from shopops.warehouse.store import warehouse_of

if TYPE_CHECKING:
    from shopops.settings import StoreConfig

MIN_HISTORY_DAYS = 2 * 91  # a backtest quarter + at least as much history before it
DEFAULT_HISTORY_DAYS = 3 * 365
CENT = Decimal("0.01")


# ---------------------------------------------------------------- models


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error over the days with a positive actual value (NaN if none)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    keep = np.isfinite(a) & (a > 0) & np.isfinite(p)
    return float(np.mean(np.abs(a[keep] - p[keep]) / a[keep])) if keep.any() else math.nan


def seasonal_naive(train: pd.Series, future: pd.DatetimeIndex, events: Events, *, growth: bool = True) -> np.ndarray:
    """Same weekday a year back (364 days), festival days from the same day of last year's festival;
    with ``growth``, times the last 91 days' ratio to the same days a year earlier."""
    known: dict[date, float] = {ts.date(): float(v) for ts, v in zip(pd.DatetimeIndex(train.index), train, strict=True)}
    factor = 1.0
    if growth:
        recent = list(known)[-91:]
        before = [known.get(d - timedelta(days=364)) for d in recent]
        if recent and all(b is not None for b in before):
            base = sum(b for b in before if b is not None)
            factor = sum(known[d] for d in recent) / base if base > 0 else 1.0
    out = []
    for ts in future:
        d = ts.date()
        source = d - timedelta(days=364)
        anchor = events.anchor(d)
        if anchor is not None:
            node = d - timedelta(days=anchor[1])
            previous = events.node(anchor[0], node.year - 1)
            if previous is not None:
                source = previous + timedelta(days=anchor[1])
        value = known.get(source)
        if value is None:  # a gap, or past the history: step back whole weeks of years
            value = next((known[s] for s in _years_back(source) if s in known), 0.0)
        known[d] = value * (factor if source <= max(train.index).date() else 1.0)
        out.append(known[d])
    return np.array(out)


def _years_back(d: date) -> Iterator[date]:
    for k in range(1, 4):
        yield d - timedelta(days=364 * k)


@contextmanager
def _quiet_stan() -> Iterator[None]:
    """cmdstanpy logs two INFO lines per fit and Prophet a note on short histories (the backtest says
    how far to trust the result); keep them out of the operator's console."""
    loggers = [logging.getLogger(name) for name in ("cmdstanpy", "prophet", "prophet.models")]
    before = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        yield
    finally:
        for lg, was in zip(loggers, before, strict=True):
            lg.disabled = was


def fit_prophet(
    train: pd.Series,
    future: pd.DatetimeIndex,
    events: Events | None,
    *,
    interval: float = 0.8,
    yearly_order: int = 10,
    holidays_prior_scale: float = 10.0,
    changepoint_prior_scale: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit Prophet on the daily ``train`` series; the forecast, lower and upper bound for ``future``.
    ``events`` None: no festival or holiday effects (the benchmark's ablation)."""
    with _quiet_stan():
        return _prophet(train, future, events, interval, yearly_order, holidays_prior_scale, changepoint_prior_scale)


def _prophet(
    train: pd.Series,
    future: pd.DatetimeIndex,
    events: Events | None,
    interval: float,
    yearly_order: int,
    holidays_prior_scale: float,
    changepoint_prior_scale: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from prophet import Prophet

    span_days = (train.index.max() - train.index.min()).days + 1
    model = Prophet(
        growth="linear",
        seasonality_mode="multiplicative",
        weekly_seasonality=True,
        yearly_seasonality=yearly_order if span_days >= 365 else False,
        daily_seasonality=False,
        holidays=holiday_frame(events) if events is not None else None,
        holidays_prior_scale=holidays_prior_scale,
        changepoint_prior_scale=changepoint_prior_scale,
        interval_width=interval,
        uncertainty_samples=300,
    )
    model.fit(pd.DataFrame({"ds": train.index, "y": train.to_numpy(dtype=float)}))
    np.random.seed(0)  # Prophet draws its intervals from numpy's global generator: same data, same bounds
    out = model.predict(pd.DataFrame({"ds": future}))  # type: ignore[no-untyped-call]
    yhat, lower, upper = (
        np.clip(out[c].to_numpy(dtype=float), 0.0, None) for c in ("yhat", "yhat_lower", "yhat_upper")
    )
    return yhat, lower, upper  # clipped at 0: sales are not negative


# ---------------------------------------------------------------- history


def order_days(project: Any, stores: Sequence[str]) -> dict[str, tuple[date, date]]:
    """First and last day with an order, per store of ``stores`` that has any."""
    o = warehouse_of(project).table("orders")
    o = o.filter(o.store.isin(list(stores)))
    frame = o.group_by("store").aggregate(first=o.created_at.min(), last=o.created_at.max()).execute()
    return {
        str(r.store): (pd.Timestamp(r.first).date(), pd.Timestamp(r.last).date())
        for r in frame.itertuples()
        if not pd.isna(r.first)
    }


def daily_history(project: Any, metric: str, stores: Sequence[str]) -> pd.DataFrame:
    """Daily ``metric`` per store (columns store, ds, y as float) over each store's order days."""
    from shopops.metrics import query

    spans = order_days(project, stores)
    if not spans:
        return pd.DataFrame({"store": [], "ds": pd.to_datetime([]), "y": []})
    first, last = min(s[0] for s in spans.values()), max(s[1] for s in spans.values())
    q = query(warehouse_of(project), [metric], start=first, end=last, grain="day", by=["store"])
    frame = pd.DataFrame({"store": q["store"], "ds": pd.to_datetime(q["period_start"]), "y": q[metric]})
    frame = frame[frame["store"].isin(list(spans))]
    keep = [
        (frame["store"] == s) & (frame["ds"] >= pd.Timestamp(a)) & (frame["ds"] <= pd.Timestamp(b))
        for s, (a, b) in spans.items()
    ]
    frame = frame[np.logical_or.reduce(keep)]
    return frame.assign(y=pd.to_numeric(frame["y"], errors="coerce").astype(float)).reset_index(drop=True)


# ---------------------------------------------------------------- the forecast


@dataclass(frozen=True)
class ForecastParams:
    """What to forecast.

    ``start``: first forecast day (default: the day after the last day of data). The model learns
    from the days before ``start`` only, so a forecast of a year already under way says what the
    history before it predicted. ``end`` or ``horizon_days`` (default 92) sets the last day.
    ``history_days``: learn from at most this many days before ``start`` (default three years).
    """

    metric: str = "paid_amount"
    store: str | None = None
    start: date | None = None
    end: date | None = None
    horizon_days: int | None = None
    history_days: int = DEFAULT_HISTORY_DAYS
    interval: float = 0.8

    def __post_init__(self) -> None:
        if self.end is not None and self.horizon_days is not None:
            _invalid("give the forecast's end or its horizon in days, not both", "--end DATE or --horizon DAYS")
        if self.horizon_days is not None and self.horizon_days < 1:
            _invalid(f"the horizon must be at least 1 day, not {self.horizon_days}", "e.g. --horizon 92")
        if self.start is not None and self.end is not None and self.end < self.start:
            _invalid(f"the forecast ends before it starts ({self.end} < {self.start})", "give the first day first")
        if self.history_days < MIN_HISTORY_DAYS:
            _invalid(
                f"history_days must be at least {MIN_HISTORY_DAYS}, not {self.history_days}", "a backtest needs it"
            )
        if not 0 < self.interval < 1:
            _invalid(f"the interval is a probability between 0 and 1, not {self.interval}", "e.g. 0.8")


def _invalid(message: str, hint: str) -> None:
    raise QueryError(message, hint=hint, code="param.invalid")


@dataclass(frozen=True)
class Backtest:
    """The model fitted on the days before ``start`` and scored on ``start``..``end``."""

    store: str
    start: date
    end: date
    mape: float  # mean absolute percentage error of the days
    actual: Decimal
    forecast: Decimal

    @property
    def total_error(self) -> float:
        """(forecast − actual) / actual of the period's total."""
        return float((self.forecast - self.actual) / self.actual) if self.actual else math.nan


@dataclass
class ForecastResult:
    """Daily forecast (date, store, forecast, lower, upper), monthly totals and the backtests."""

    params: ForecastParams
    start: date
    end: date
    daily: pd.DataFrame
    monthly: pd.DataFrame  # month (YYYY-MM), store, forecast (Decimal)
    model: str
    backtests: list[Backtest]
    history: dict[str, tuple[date, date]]  # store -> days the model learned from
    currencies: dict[str, str]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def one_currency(self) -> bool:
        return len(set(self.currencies.values())) <= 1

    def _check_currency(self) -> None:
        if not self.one_currency:
            raise NotAvailableError(
                "the forecast covers stores of different currencies; their total is not one amount",
                hint="forecast one store (--store S) or the stores of one currency",
            )

    def total(self) -> Decimal:
        """The forecast's total over every store (refused across currencies)."""
        self._check_currency()
        return sum(self.monthly["forecast"], Decimal(0))

    def months(self) -> pd.DataFrame:
        """Monthly totals summed over the stores: month, forecast (Decimal; refused across currencies)."""
        self._check_currency()
        grouped = self.monthly.groupby("month", sort=True)["forecast"].apply(lambda s: sum(s, Decimal(0)))
        return grouped.reset_index()


def forecast(project: Any, params: ForecastParams) -> ForecastResult:
    """Forecast ``params.metric`` per day for each store in scope (``params.store``, else every store of
    the project or of the :class:`~shopops.warehouse.scope.Scope`); see the module docstring."""
    began = time.perf_counter()
    source: Any = project  # what the history and the events are read from: a Project or a Warehouse
    if isinstance(project, Scope):
        stores = list((project.narrow([params.store]) if params.store else project).stores)
        source = project.wh
    else:
        stores = _stores(project, params)
    unit = _unit(params.metric)
    history = daily_history(source, params.metric, [s.name for s in stores])
    last = history["ds"].max().date() if len(history) else None
    start = params.start or (last + timedelta(days=1) if last else None)
    if start is None:
        raise NotAvailableError(
            f"no days of {params.metric} for {', '.join(s.name for s in stores)}",
            hint="import order exports first (`shopops import`)",
        )
    end = params.end or start + timedelta(days=(params.horizon_days or 92) - 1)
    if end < start:
        raise ConfigError(f"the forecast ends before it starts ({end} < {start})")
    frames, backtests, used, notes = [], [], {}, []
    if params.store is None:  # every store that has data; the others are named in a note
        empty = [s.name for s in stores if s.name not in set(history["store"])]
        stores = [s for s in stores if s.name not in empty]
        notes += [f"no {params.metric} for {', '.join(empty)}: not forecast"] if empty else []
    for store in stores:
        series = _series(history, store.name, start, params.history_days)
        _check_length(series, params.metric, store.name, start)
        events = events_for(source, store, series.index.min().date(), end)
        notes += _official_notes(events, start, end, store.name)
        if last is not None and last >= start:
            notes.append(
                f"{store.name}: the data runs to {last}, past the forecast's start {start}; the forecast learns "
                f"only from the days before {start} (what that history predicted), so it can be read against them"
            )
        fitted = _forecast_store(series, start, end, events, params.interval)
        frames.append(fitted.assign(store=store.name))
        backtests.append(_backtest(series, events, store.name, unit))
        used[store.name] = (series.index.min().date(), series.index.max().date())
    daily = pd.concat(frames, ignore_index=True)[["date", "store", "forecast", "lower", "upper"]]
    return ForecastResult(
        params=params,
        start=start,
        end=end,
        daily=daily,
        monthly=_monthly(daily, unit),
        model=_describe_model(),
        backtests=backtests,
        history=used,
        currencies={s.name: s.currency for s in stores},
        notes=list(dict.fromkeys(notes)),
        seconds=time.perf_counter() - began,
    )


def _stores(project: Any, params: ForecastParams) -> list[StoreConfig]:
    configs = list(project.settings.stores)
    if params.store is None:
        if not configs:
            raise ConfigError("the project has no stores", hint="add one: shopops init --store NAME:PLATFORM")
        return configs
    found = [s for s in configs if s.name == params.store]
    if not found:
        raise ConfigError(
            f"unknown store {params.store!r}; stores: {', '.join(s.name for s in configs)}",
            hint="pass one of the project's store names with --store",
        )
    return found


def _unit(metric: str) -> Decimal:
    """The rounding step of ``metric``'s totals (a cent for money, 1 for counts); refuses metrics
    whose daily values do not add up over a month (distinct counts, ratios)."""
    from shopops.metrics.catalogue import load_catalogue

    cat = load_catalogue()
    m = cat.metrics.get(metric)
    additive = [k for k, v in cat.metrics.items() if v.aggregation in ("sum", "count")]
    if m is None or m.aggregation not in ("sum", "count"):
        why = "unknown metric" if m is None else f"{metric} is not a sum of days ({m.aggregation})"
        raise ConfigError(
            f"cannot forecast {metric}: {why}", hint=f"metrics that add up over days: {', '.join(additive)}"
        )
    return CENT if m.unit == "money" else Decimal(1)


def _series(history: pd.DataFrame, store: str, start: date, history_days: int) -> pd.Series:
    """The store's daily values before ``start`` (at most ``history_days``), missing days as 0."""
    rows = history[(history["store"] == store) & (history["ds"] < pd.Timestamp(start)) & history["y"].notna()]
    series = rows.set_index("ds")["y"].sort_index()
    if series.empty:
        return series
    first = max(series.index.min(), pd.Timestamp(start) - pd.Timedelta(days=history_days))
    index = pd.date_range(first, series.index.max(), freq="D")
    return series.reindex(index).fillna(0.0)


def _check_length(series: pd.Series, metric: str, store: str, start: date) -> None:
    if len(series) < MIN_HISTORY_DAYS:
        has = f"{len(series)} ({series.index.min().date()}..{series.index.max().date()})" if len(series) else "none"
        raise NotAvailableError(
            f"{store}: a forecast needs at least {MIN_HISTORY_DAYS} days of {metric} before {start} "
            f"(a quarter to learn from and a quarter to check it on); it has {has}",
            hint="import more history, or start the forecast later (--from)",
        )


def _official_notes(events: Events, start: date, end: date, store: str) -> list[str]:
    if events.market != "cn":
        return []
    missing = [y for y in range(start.year, end.year + 1) if y not in events.official_years]
    if not missing:
        return []
    years = ", ".join(map(str, missing))
    return [
        f"official days off and make-up workdays of {years} are not published in shopops' calendar yet: "
        f"the forecast has no public-holiday effect for {years} (add the State Council notice to "
        "[calendar] holidays_file; see docs/calendar.md)"
    ]


def _forecast_store(series: pd.Series, start: date, end: date, events: Events, interval: float) -> pd.DataFrame:
    """Forecast from the day after the history to ``end``; the rows ``start``..``end``."""
    future = pd.date_range(series.index.max() + pd.Timedelta(days=1), pd.Timestamp(end), freq="D")
    yhat, lower, upper = fit_prophet(series, future, events, interval=interval, **model_options(series))
    frame = pd.DataFrame({"date": future.date, "forecast": yhat, "lower": lower, "upper": upper})
    frame = frame[frame["date"] >= start]
    return frame.assign(**{c: frame[c].round(2) for c in ("forecast", "lower", "upper")})


def model_options(series: pd.Series) -> dict[str, Any]:
    """Prophet's settings: a stiffer trend (changepoint prior 0.01, not 0.05) and festival effects
    shrunk harder (prior 1, not 10) than Prophet's defaults, five yearly Fourier terms. With two or
    three years of history and festival windows, the defaults let the trend bend to absorb the last
    festival and miss the next quarter's level by 10-19%; these settings were best on both held-out
    quarters at both history lengths of the benchmark (BENCHMARKS.md, "Forecast")."""
    del series  # the same settings for every length measured (1.7 and 2.7 years of history)
    return {"yearly_order": 5, "holidays_prior_scale": 1.0, "changepoint_prior_scale": 0.01}


def backtest_window(series: pd.Series) -> tuple[date, date]:
    """The last full calendar quarter of the history with at least a quarter before it, else the
    last 91 days."""
    last = series.index.max().date()
    q_end = date(last.year, (last.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    if last == add_months(q_end + timedelta(days=1), 3) - timedelta(days=1):
        q_end = last
    q_start = period_start(q_end, "quarter")
    if (q_start - series.index.min().date()).days >= 91:
        return q_start, q_end
    return last - timedelta(days=90), last


def _backtest(series: pd.Series, events: Events, store: str, unit: Decimal) -> Backtest:
    first, last = backtest_window(series)
    train = series[series.index < pd.Timestamp(first)]
    actual = series[(series.index >= pd.Timestamp(first)) & (series.index <= pd.Timestamp(last))]
    predicted = fit_prophet(train, pd.DatetimeIndex(actual.index), events, **model_options(train))[0]
    return Backtest(
        store=store,
        start=first,
        end=last,
        mape=mape(actual.to_numpy(), predicted),
        actual=_amount(float(actual.sum()), unit),
        forecast=_amount(float(predicted.sum()), unit),
    )


def _amount(value: float, unit: Decimal) -> Decimal:
    return Decimal(repr(value)).quantize(unit, rounding=ROUND_HALF_UP)


def _monthly(daily: pd.DataFrame, unit: Decimal) -> pd.DataFrame:
    month = pd.to_datetime(daily["date"]).dt.strftime("%Y-%m")
    sums = daily.assign(month=month).groupby(["month", "store"], sort=True)["forecast"].sum().reset_index()
    amounts: list[Any] = [_amount(float(v), unit) for v in sums["forecast"]]
    return sums.assign(forecast=amounts)


def _describe_model() -> str:
    from importlib.metadata import version

    return (
        f"Prophet {version('prophet')}: trend × (1 + weekly + yearly seasonality + festival and holiday windows "
        "from shopops.calendar.festivals)"
    )


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: ForecastParams) -> ForecastResult:
    """The registered analysis: forecast ``ctx.period`` (unless the params give a start, an end or a
    horizon) for the stores of ``ctx.scope`` (``params.store`` when given)."""
    scope = stores_checked(ctx, [params.store] if params.store else ())
    if params.start is None and params.end is None and params.horizon_days is None:
        params = replace(params, start=ctx.period.start, end=ctx.period.end)
    return forecast(scope, params)


ANALYSIS: Analysis[ForecastParams, ForecastResult] = Analysis("forecast", ForecastParams, build, present)


__all__ = [
    "ANALYSIS",
    "Backtest",
    "Events",
    "ForecastParams",
    "ForecastResult",
    "Market",
    "build",
    "events_for",
    "festival_dummies",
    "fit_prophet",
    "forecast",
    "holiday_frame",
    "present",
    "seasonal_naive",
]
