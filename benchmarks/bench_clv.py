"""CLV model fit time: shopops' scipy likelihoods against the ``lifetimes`` package on CDNOW.

Two data sizes: the papers' calibration summary (``cdnow_customers_summary.csv``, 2,357 customers)
and the whole CDNOW master file summarised the same way up to 1997-09-30 (23,570 customers).
Each fit is timed ``--repeat`` times after one warm-up; the median is reported. lifetimes is archived
(no release since 2020) and is not a shopops dependency: it runs in a separate interpreter given
by ``--lifetimes-python`` (a throwaway venv: ``python -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes``),
in the same run, on the same files.

    python benchmarks/bench_clv.py --lifetimes-python /tmp/lt/bin/python
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from shopops.analyses.clv import fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, rfm_summary
from shopops.analyses.clv_models import (
    bgnbd_log_likelihood,
    gamma_gamma_log_likelihood,
    pareto_nbd_log_likelihood,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "cdnow"

LIFETIMES = """
import json, statistics, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
path, repeat = sys.argv[1], int(sys.argv[2])
s = pd.read_csv(path)
r = s[(s.frequency > 0) & (s.monetary > 0)]
fits = {
    "bgnbd": lambda: BetaGeoFitter().fit(s.frequency, s.recency, s["T"]),
    "pareto": lambda: ParetoNBDFitter().fit(s.frequency, s.recency, s["T"]),
    "gamma_gamma": lambda: GammaGammaFitter().fit(r.frequency, r.monetary),
}
out = {"version": lifetimes.__version__}
for name, fit in fits.items():
    m = fit()
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); fit(); times.append(time.perf_counter() - t)
    out[name] = {"seconds": statistics.median(times), "params": {k: float(v) for k, v in m.params_.items()}}
print(json.dumps(out))
"""


def _time(fit: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    model = fit()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fit()
        times.append(time.perf_counter() - t)
    return statistics.median(times), model


def summaries(work: Path) -> dict[str, Path]:
    """The papers' summary (with zbar as monetary) and the whole master file summarised to 1997-09-30."""
    paper = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    paper = paper.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary"})
    master = pd.read_csv(DATA / "CDNOW_master.txt", sep=r"\s+", dtype={"customer_id": str, "date": str})
    days = (
        master.assign(store="cdnow", buyer_id=master["customer_id"], day=pd.to_datetime(master["date"]))
        .groupby(["store", "buyer_id", "day"], as_index=False)
        .agg(amount=("dollar_value", "sum"))
    )
    full = rfm_summary(days, date(1997, 9, 30), "weeks")
    paths = {"CDNOW summary (FHL 2005)": work / "paper.csv", "CDNOW master to 1997-09-30": work / "master.csv"}
    paper[["frequency", "recency", "T", "monetary"]].to_csv(paths["CDNOW summary (FHL 2005)"], index=False)
    full[["frequency", "recency", "T", "monetary"]].to_csv(paths["CDNOW master to 1997-09-30"], index=False)
    return paths


def log_likelihood(path: Path, model: str, params: dict[str, float]) -> float:
    """The log-likelihood at ``params`` (lifetimes' estimates), by shopops' formulas."""
    s = pd.read_csv(path)
    if model == "gamma_gamma":
        r = s[(s["frequency"] > 0) & (s["monetary"] > 0)]
        return float(
            gamma_gamma_log_likelihood([params[k] for k in ("p", "q", "v")], r["frequency"], r["monetary"]).sum()
        )
    ll = bgnbd_log_likelihood if model == "bgnbd" else pareto_nbd_log_likelihood
    names = ("r", "alpha", "a", "b") if model == "bgnbd" else ("r", "alpha", "s", "beta")
    return float(ll([params[k] for k in names], s["frequency"], s["recency"], s["T"]).sum())


def shopops_times(path: Path, repeat: int) -> dict[str, dict[str, Any]]:
    s = pd.read_csv(path)
    r = s[(s["frequency"] > 0) & (s["monetary"] > 0)]
    fits: dict[str, Callable[[], Any]] = {
        "bgnbd": lambda: fit_bgnbd(s["frequency"], s["recency"], s["T"]),
        "pareto": lambda: fit_pareto_nbd(s["frequency"], s["recency"], s["T"]),
        "gamma_gamma": lambda: fit_gamma_gamma(r["frequency"], r["monetary"]),
    }
    out = {}
    for name, fit in fits.items():
        seconds, model = _time(fit, repeat)
        out[name] = {"seconds": seconds, "ll": model.fit_.log_likelihood, "params": model.params_}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lifetimes-python", help="an interpreter with lifetimes installed (omit: shopops only)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = summaries(Path(tmp))
        print("| data | customers | model | shopops (s) | lifetimes (s) | ratio | LL shopops | LL lifetimes |")
        print("|---|---|---|---|---|---|---|---|")
        for label, path in paths.items():
            n = len(pd.read_csv(path))
            ours = shopops_times(path, args.repeat)
            theirs: dict[str, Any] = {}
            if args.lifetimes_python:
                done = subprocess.run(
                    [args.lifetimes_python, "-c", LIFETIMES, str(path), str(args.repeat)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    sys.stderr.write(f"lifetimes failed on {label}:\n{done.stderr[-2000:]}\n")
                else:
                    theirs = json.loads(done.stdout)
            for model, row in ours.items():
                lt = theirs.get(model)
                lt_s = f"{lt['seconds']:.3f}" if lt else "—"
                ratio = f"{row['seconds'] / lt['seconds']:.2f}x" if lt else "—"
                lt_ll = f"{log_likelihood(path, model, lt['params']):,.2f}" if lt else "—"
                print(
                    f"| {label} | {n:,} | {model} | {row['seconds']:.3f} | {lt_s} | {ratio} | {row['ll']:,.2f} | {lt_ll} |"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
