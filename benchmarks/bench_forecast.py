"""Forecast candidates on the sample shop: MAPE on a held-out quarter and fit+predict time (issue 4).

    python benchmarks/bench_forecast.py                    # 730 days, seed 7 (built once, cached)
    python benchmarks/bench_forecast.py --days 1095        # three years of history

Builds the sample shop (``shopops.sample``, 3 stores) into a project, reads daily ``paid_amount``
per store from the metric layer, holds out the last full quarter, fits every candidate on the
days before it and scores the quarter: MAPE of the days, and the error of the quarter's total.
Festival and holiday dates come from ``shopops.calendar.festivals`` (the project's own calendar), never
from the sample generator's demand model. Prints Markdown tables for BENCHMARKS.md.

Candidates: seasonal naive (same weekday a year back, festival days aligned by festival; with and
without a growth factor), statsforecast AutoETS, AutoARIMA (with and without festival dummies as
exogenous regressors), MSTL (weekly + yearly), Prophet (with and without festival/holiday windows).
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from shopops.plan import forecast as fc
from shopops.project import Project

Candidate = Callable[[pd.Series, pd.DatetimeIndex, fc.Events], np.ndarray]


# ---------------------------------------------------------------- the data


def build(days: int, seed: int, work: Path) -> Path:
    from shopops.sample import SampleSpec, generate

    root = work / f"d{days}-s{seed}"
    if (root / "project" / "shopops.toml").exists():
        return root / "project"
    exports = root / "exports"
    result = generate(SampleSpec(stores=3, days=days, seed=seed), out_dir=exports)
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    project = Project.init(root / "project", stores=stores)
    with project:
        for f in result.files:
            project.import_files([exports / f.path], store=f.store, source=f.source, kind=f.kind)
    return root / "project"


def daily(project: Project) -> tuple[pd.DataFrame, dict[str, fc.Events]]:
    """Daily paid_amount per store (from the metric layer) and each store's festival calendar."""
    frame = fc.daily_history(project, "paid_amount", [s.name for s in project.settings.stores])
    first, last = frame["ds"].min().date(), frame["ds"].max().date()
    calendars = {s.name: fc.events_for(project, s, first, last + timedelta(days=366)) for s in project.settings.stores}
    return frame, calendars


def holdout_quarter(last: date) -> tuple[date, date]:
    """The last calendar quarter that ends on or before ``last``."""
    q_start = date(last.year, (last.month - 1) // 3 * 3 + 1, 1)
    q_end = fc.add_months(q_start, 3) - timedelta(days=1)
    if q_end > last:
        q_start = fc.add_months(q_start, -3)
        q_end = fc.add_months(q_start, 3) - timedelta(days=1)
    return q_start, q_end


# ---------------------------------------------------------------- candidates


def naive_festival(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    return fc.seasonal_naive(train, future, events, growth=False)


def naive_festival_growth(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    return fc.seasonal_naive(train, future, events, growth=True)


def _sf(model: object, train: pd.Series, future: pd.DatetimeIndex, x: bool, events: fc.Events) -> np.ndarray:
    from statsforecast import StatsForecast

    df = pd.DataFrame({"unique_id": "s", "ds": train.index, "y": train.to_numpy()})
    kwargs = {}
    if x:
        dummies = fc.festival_dummies(train.index.append(future), events)
        dummies = dummies[_independent(dummies.loc[train.index])]
        df = pd.concat([df.reset_index(drop=True), dummies.loc[train.index].reset_index(drop=True)], axis=1)
        xf = dummies.loc[future].reset_index(drop=True)
        xf.insert(0, "ds", future)
        xf.insert(0, "unique_id", "s")
        kwargs["X_df"] = xf
    out = StatsForecast(models=[model], freq="D", n_jobs=1).forecast(df=df, h=len(future), **kwargs)  # type: ignore[list-item]
    return out.iloc[:, -1].to_numpy()


def _independent(x: pd.DataFrame) -> list[str]:
    """Columns kept one by one while they add rank (with an intercept): AutoARIMA refuses a
    rank-deficient xreg, and overlapping festival windows (618 holds 520) make some combinations equal."""
    keep: list[str] = []
    for c in x.columns:
        trial = np.column_stack([np.ones(len(x)), x[[*keep, c]].to_numpy()])
        if np.linalg.matrix_rank(trial) == len(keep) + 2:
            keep.append(c)
    return keep


def auto_ets(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    from statsforecast.models import AutoETS

    return _sf(AutoETS(season_length=7), train, future, False, events)


def auto_arima(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    from statsforecast.models import AutoARIMA

    return _sf(AutoARIMA(season_length=7), train, future, False, events)


def auto_arima_x(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    from statsforecast.models import AutoARIMA

    return _sf(AutoARIMA(season_length=7), train, future, True, events)


def mstl(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    from statsforecast.models import MSTL, AutoETS

    return _sf(MSTL(season_length=[7, 365], trend_forecaster=AutoETS(model="ZZN")), train, future, False, events)


def prophet_plain(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    return fc.fit_prophet(train, future, None)[0]


def prophet_festivals_defaults(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    return fc.fit_prophet(train, future, events)[0]


def prophet_festivals(train: pd.Series, future: pd.DatetimeIndex, events: fc.Events) -> np.ndarray:
    return fc.fit_prophet(train, future, events, **fc.model_options(train))[0]


CANDIDATES: dict[str, Candidate] = {
    "seasonal naive, festival-aligned": naive_festival,
    "seasonal naive, festival-aligned × growth": naive_festival_growth,
    "statsforecast AutoETS (weekly)": auto_ets,
    "statsforecast AutoARIMA (weekly)": auto_arima,
    "statsforecast AutoARIMA + festival dummies": auto_arima_x,
    "statsforecast MSTL (weekly + yearly)": mstl,
    "Prophet, no festivals (defaults)": prophet_plain,
    "Prophet + festival/holiday windows (defaults)": prophet_festivals_defaults,
    "Prophet + festival/holiday windows, shopops settings (chosen)": prophet_festivals,
}


# ---------------------------------------------------------------- scoring


def score(frame: pd.DataFrame, markets: dict[str, fc.Events], q: tuple[date, date]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    future = pd.date_range(q[0], q[1], freq="D")
    for name, candidate in CANDIDATES.items():
        for store, group in frame.groupby("store"):
            series = group.set_index("ds")["y"].sort_index()
            train = series[series.index < pd.Timestamp(q[0])]
            actual = series.reindex(future)
            t = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = candidate(train, future, markets[str(store)])
                error = ""
            except Exception as exc:
                pred, error = np.full(len(future), np.nan), f"{type(exc).__name__}: {exc}"[:200]
            seconds = time.perf_counter() - t
            rows.append(
                {
                    "candidate": name,
                    "store": store,
                    "train_days": len(train),
                    "mape_daily": fc.mape(actual.to_numpy(), pred),
                    "ape_total": abs(pred.sum() - actual.sum()) / actual.sum() if not error else float("nan"),
                    "seconds": seconds,
                    "error": error,
                }
            )
            print(
                f"{name:45s} {store:15s} {rows[-1]['mape_daily']:.3f} {rows[-1]['ape_total']:.3f} {seconds:.2f}s {error}",
                file=sys.stderr,
            )
    return rows


FIRST_CALL = """
import time, warnings
t = time.perf_counter()
import pandas as pd, numpy as np
warnings.simplefilter("ignore")
ds = pd.date_range("2024-01-01", periods=600, freq="D")
y = pd.Series(100 + 10 * (ds.dayofweek >= 5) + np.random.default_rng(1).normal(0, 2, 600), index=ds)
future = pd.date_range(ds[-1] + pd.Timedelta(days=1), periods=92, freq="D")
which = "{which}"
if which == "prophet":
    import prophet  # noqa
    t_import = time.perf_counter() - t
    from shopops.plan.forecast import fit_prophet
    fit_prophet(y, future, None)
else:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, MSTL
    t_import = time.perf_counter() - t
    df = pd.DataFrame({{"unique_id": "s", "ds": ds, "y": y.to_numpy()}})
    for m in (AutoETS(season_length=7), AutoARIMA(season_length=7), MSTL(season_length=[7, 365])):
        StatsForecast(models=[m], freq="D").forecast(df=df, h=92)
print(t_import, time.perf_counter() - t)
"""


def first_calls() -> list[dict[str, object]]:
    """Import time and the first fit in a fresh process, as the CLI pays them. (statsforecast 2.x
    runs on coreforecast's compiled code; numba is no longer installed with it, so no JIT step.)"""
    out = []
    for which in ("prophet", "statsforecast"):
        done = subprocess.run([sys.executable, "-c", FIRST_CALL.format(which=which)], capture_output=True, text=True)
        if done.returncode:  # e.g. statsforecast not installed (it is the `bench` extra)
            print(f"{which}: {done.stderr.strip().splitlines()[-1]}", file=sys.stderr)
            continue
        t_import, total = (float(x) for x in done.stdout.split()[-2:])
        out.append({"library": which, "import_s": t_import, "first_fit_s": total - t_import})
    return out


# ---------------------------------------------------------------- tables


def markdown(rows: list[dict[str, object]], q: tuple[date, date]) -> str:
    frame = pd.DataFrame(rows)
    stores = sorted(frame["store"].unique())
    lines = [
        f"{q[0]}..{q[1]} ({(q[1] - q[0]).days + 1} days); training days per store: "
        + ", ".join(f"{s} {int(frame[frame.store == s].train_days.iloc[0])}" for s in stores),
        "",
        "| candidate | "
        + " | ".join(f"{s} MAPE daily / total" for s in stores)
        + " | mean MAPE daily | time (s, 3 stores) |",
        "|---|" + "---|" * (len(stores) + 2),
    ]
    for name, group in frame.groupby("candidate", sort=False):
        cells = []
        for s in stores:
            r = group[group.store == s].iloc[0]
            cells.append("error" if r.error else f"{r.mape_daily:.1%} / {r.ape_total:.1%}")
        mean = group.mape_daily.mean()
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {'—' if np.isnan(mean) else f'{mean:.1%}'} | {group.seconds.sum():.2f} |"
        )
    for r in frame[frame.error != ""].itertuples():
        lines.append(f"\n{r.candidate} on {r.store}: `{r.error}`")
    mean_total = frame.groupby("candidate", sort=False).ape_total.mean()
    lines.append("\nMean error of the quarter's total: " + "; ".join(f"{k} {v:.1%}" for k, v in mean_total.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "shopops-bench" / "forecast")
    ap.add_argument("--no-first-call", action="store_true", help="skip the fresh-process import/JIT timings")
    args = ap.parse_args()
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    with Project.open(build(args.days, args.seed, args.work)) as project:
        frame, markets = daily(project)
    logging.getLogger("prophet").setLevel(logging.ERROR)  # "yearly seasonality with < 2 years" on every fit
    last = frame["ds"].max().date()
    quarter = holdout_quarter(last)
    previous = holdout_quarter(quarter[0] - timedelta(days=1))
    print(f"### {args.days} days of history (sample shop, seed {args.seed}), last day {last}\n")
    rows = []
    for q, what in (
        (quarter, "the last full quarter (the acceptance figure)"),
        (previous, "the quarter before (a second check)"),
    ):
        scored = score(frame, markets, q)
        print(f"Held out: {what}. " + markdown(scored, q) + "\n")
        rows += [{**r, "quarter": str(q[0])} for r in scored]
    if not args.no_first_call:
        print("\n| library | import (s) | first fit + predict in a new process (s) |\n|---|---|---|")
        for r in first_calls():
            print(f"| {r['library']} | {r['import_s']:.1f} | {r['first_fit_s']:.1f} |")
    (args.work / f"results-d{args.days}-s{args.seed}.json").write_text(json.dumps(rows, default=str, indent=1))
