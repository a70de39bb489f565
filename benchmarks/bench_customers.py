"""Customer analyses at scale: shopops' RFM, cohorts and Pareto/ABC against the same figures in pandas (issue 5).

On a sample shop of ``--size`` orders (three stores, two years, seed 7), each of the three analyses runs
once per side in its own process, so that wall time and peak memory (max RSS) are its own:

- **shopops**: ``rfm(project, RFMParams(as_of, start))``, ``cohorts(project, CohortParams(end, start))``
  (both over the CNY stores: their amounts may be added) and ``products(project, ProductsParams(start, end))``
  (every store; Pareto and ABC per store, plus margins and roles, which the pandas side does not compute);
- **pandas**: what a pandas user writes instead: load the needed columns of ``orders`` (and ``order_items``)
  from the warehouse into DataFrames — the load is timed — then compute the RFM scores and the 8 segments,
  the cohort triangle, and the Pareto top-20 % share and ABC classes of products and customers.

Both sides' figures are compared (segment counts, RFM thresholds and revenue, every cohort's size and the
triangle's totals, each store's top-20 % share and ABC counts); the run stops if they differ.

The project is the weekly-report benchmark's (``/tmp/shopops-bench/report-<size>-730d-seed7``), copied to
``--work`` so that neither run disturbs the other; when it does not exist it is generated and imported here.

    .venv/bin/python benchmarks/bench_customers.py                  # 10M orders
    .venv/bin/python benchmarks/bench_customers.py --size 100000    # quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CNY = ("tmall_flagship", "jd_store")  # the sample's CNY stores: RFM and cohorts add amounts, so one currency
ANALYSES = ("rfm", "cohorts", "products")
ORDERS_PER_UNIT = 2.17  # orders the sample writes per orders_per_day and day over its three stores (730 days)
KINDS = ("orders", "items", "traffic", "ads", "products")


# ---------------------------------------------------------------- children (each in its own process)


class Clock:
    """Wall time and CPU time (user + system, every thread) since start, and the peak RSS so far."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    @staticmethod
    def _cpu() -> float:
        import resource

        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def read(self) -> dict[str, float]:
        import resource

        return {
            "seconds": time.perf_counter() - self.wall,
            "cpu_s": self._cpu() - self.cpu,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def _cents(value: Any) -> int:
    from decimal import Decimal

    return int((Decimal(str(value)) * 100).to_integral_value())


def shopops_child(kind: str, project_dir: str, p: dict[str, str]) -> dict[str, Any]:
    from shopops.analyses.cohorts import CohortParams, cohorts
    from shopops.analyses.products import ProductsParams, products
    from shopops.analyses.rfm import RFMParams, rfm
    from shopops.project import Project

    d = {k: date.fromisoformat(v) for k, v in p.items()}
    clock = Clock()
    with Project.open(project_dir) as project:
        if kind == "rfm":
            r = rfm(project, RFMParams(as_of=d["as_of"], start=d["start"], stores=CNY))
            measured = {**clock.read(), "timings": r.timings}
            figures = {
                "buyers": r.total_buyers,
                "revenue_cents": _cents(r.total_revenue),
                "thresholds": {k: round(v, 9) for k, v in r.thresholds.items()},
                "segments": {s: int(n) for s, n in zip(r.segments["segment"], r.segments["buyers"], strict=True)},
            }
        elif kind == "cohorts":
            c = cohorts(project, CohortParams(end=d["end"], start=d["start"], stores=CNY))
            measured = {**clock.read(), "timings": c.timings}
            long = c.long[c.long["buyers"] > 0]
            sizes = long[long["month"] == 0]
            figures = {
                "cells": len(long),
                "buyer_months": int(long["buyers"].sum()),
                "orders": int(long["orders"].sum()),
                "revenue_cents": sum(_cents(v) for v in long["revenue"]),
                "sizes": {str(k): int(v) for k, v in zip(sizes["cohort"], sizes["cohort_buyers"], strict=True)},
            }
        else:
            r2 = products(project, ProductsParams(start=d["start"], end=d["end"]))
            measured = {**clock.read(), "timings": r2.timings}
            figures = {}
            for row in r2.pareto.to_dict("records"):
                key = f"{row['entity']}/{row['store']}"
                abc = r2.abc[(r2.abc["entity"] == row["entity"]) & (r2.abc["store"] == row["store"])]
                figures[key] = {
                    "count": int(row["count"]),
                    "top_count": int(row["top_count"]),
                    "top_share": round(float(row["top_sales_share"]), 9),
                    "abc": {str(a): int(n) for a, n in zip(abc["abc"], abc["count"], strict=True)},
                }
    return {**measured, "figures": figures}


def pandas_child(kind: str, warehouse: str, p: dict[str, str]) -> dict[str, Any]:
    import duckdb
    import numpy as np
    import pandas as pd

    def cents(s: pd.Series) -> np.ndarray:  # DECIMAL arrives as float64: exact integer cents; NULL as 0
        return np.rint(np.nan_to_num(s.to_numpy(dtype="float64", na_value=np.nan)) * 100).astype("int64")

    clock = Clock()
    con = duckdb.connect(warehouse, read_only=True)
    stores = "'" + "', '".join(CNY) + "'"
    if kind in ("rfm", "cohorts"):
        o = con.sql(
            f"SELECT store, buyer_id, order_id, paid_at, paid_amount FROM orders WHERE store IN ({stores})"
        ).df()
        con.close()
        loaded = time.perf_counter() - clock.wall
        o = o[o["paid_at"].notna() & o["buyer_id"].notna() & (o["buyer_id"] != "")]
        o = o.assign(day=o["paid_at"].dt.normalize(), amount=cents(o["paid_amount"]))
        if kind == "rfm":
            as_of, start = pd.Timestamp(p["as_of"]), pd.Timestamp(p["start"])
            o = o[(o["day"] <= as_of) & (o["day"] >= start)]
            per = o.groupby(["store", "buyer_id"], sort=False).agg(
                last=("day", "max"), frequency=("day", "size"), monetary=("amount", "sum")
            )
            per["recency"] = (as_of - per["last"]).dt.days
            n = len(per)

            def score(values: pd.Series) -> pd.Series:  # 1 + floor(5 · (buyers strictly below) / n); ties share
                return (values.rank(method="min").astype("int64") - 1) * 5 // n + 1

            scores = {"r": score(-per["recency"]), "f": score(per["frequency"]), "m": score(per["monetary"])}
            thresholds = {k: float(v.mean()) for k, v in scores.items()}
            code = pd.Series("", index=per.index)
            for k in "rfm":
                code = code + np.where(scores[k] > thresholds[k], "H", "L")
            counts = code.value_counts()
            segments = ("HHH", "LHH", "HLH", "LLH", "HHL", "LHL", "HLL", "LLL")
            figures: dict[str, Any] = {
                "buyers": n,
                "revenue_cents": int(per["monetary"].sum()),
                "thresholds": {k: round(v, 9) for k, v in thresholds.items()},
                "segments": {s: int(counts.get(s, 0)) for s in segments},
            }
        else:
            end, start = pd.Timestamp(p["end"]), pd.Timestamp(p["start"])
            o = o[o["day"] <= end]
            month = o["paid_at"].dt.year * 12 + o["paid_at"].dt.month - 1  # months since year 0
            buyer = o.groupby(["store", "buyer_id"], sort=False).ngroup()  # one integer per buyer
            # the cohort: the month of the buyer's first paid order, i.e. their earliest month
            o = o.assign(buyer=buyer, month=month, cohort=month.groupby(buyer).transform("min"))
            o = o[o["cohort"] >= start.year * 12 + start.month - 1]
            o["k"] = o["month"] - o["cohort"]
            cells = o.groupby(["cohort", "k"]).agg(orders=("order_id", "size"), revenue=("amount", "sum"))
            cells["buyers"] = o.drop_duplicates(["buyer", "k"]).groupby(["cohort", "k"]).size()
            triangle = cells["buyers"].unstack("k")  # the cohort triangle: rows cohort month, columns month k
            figures = {
                "cells": int(triangle.notna().sum().sum()),
                "buyer_months": int(cells["buyers"].sum()),
                "orders": int(cells["orders"].sum()),
                "revenue_cents": int(cells["revenue"].sum()),
                "sizes": {str(date(int(c) // 12, int(c) % 12 + 1, 1)): int(v) for c, v in triangle[0].items()},
            }
    else:
        start, end = pd.Timestamp(p["start"]), pd.Timestamp(p["end"]) + pd.Timedelta(days=1)
        o = con.sql("SELECT store, order_id, buyer_id, paid_at FROM orders").df()
        i = con.sql("SELECT store, order_id, sku, amount FROM order_items").df()
        con.close()
        loaded = time.perf_counter() - clock.wall
        o = o[o["paid_at"].notna() & (o["paid_at"] >= start) & (o["paid_at"] < end)]
        lines = i.merge(o[["store", "order_id", "buyer_id"]], on=["store", "order_id"])
        lines = lines.assign(sku=lines["sku"].fillna(""), amount=cents(lines["amount"]))
        per = {
            "product": lines.groupby(["store", "sku"])["amount"].sum(),
            "customer": lines[lines["buyer_id"].notna()].groupby(["store", "buyer_id"])["amount"].sum(),
        }
        figures = {}
        for entity, sales in per.items():
            for store, part in sales.groupby(level="store"):
                v = np.sort(part.clip(lower=0).to_numpy())[::-1]
                total = v.sum()
                top = -(-len(v) * 20 // 100)  # ceil(0.2 · n)
                before = (np.cumsum(v) - v) / total if total else np.zeros(len(v))
                abc = np.where((before < 0.80) & (v > 0), "A", np.where((before < 0.95) & (v > 0), "B", "C"))
                figures[f"{entity}/{store}"] = {
                    "count": len(v),
                    "top_count": int(top),
                    "top_share": round(float(v[:top].sum() / total) if total else 0.0, 9),
                    "abc": {c: int((abc == c).sum()) for c in "ABC"},
                }
    return {**clock.read(), "load_s": loaded, "figures": figures}


CHILDREN = {"shopops": shopops_child, "pandas": pandas_child}


def run_child(side: str, kind: str, target: Path, params: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", side, kind, str(target), json.dumps(params)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{side} {kind} failed: {' '.join(cmd)}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the project


def prepare(work: Path, size: int, source: Path) -> Path:
    """``work/customers-<size>/project``: a copy of the weekly-report benchmark's project, else a new build."""
    folder = work / f"customers-{size}-730d-seed7" / "project"
    if (folder / "warehouse.duckdb").exists():
        return folder
    theirs = source / f"report-{size}-730d-seed7" / "project"
    folder.mkdir(parents=True, exist_ok=True)
    if (theirs / "warehouse.duckdb").exists() and (theirs.parent / "bench.json").exists():  # a finished build
        for name in ("shopops.toml", "warehouse.duckdb", "warehouse.duckdb.wal"):
            if (theirs / name).exists():
                shutil.copy2(theirs / name, folder / name)
        sys.stderr.write(f"copied {theirs}\n")
        return folder
    build(folder, size)
    return folder


def build(project_dir: Path, size: int, days: int = 730, seed: int = 7) -> None:
    from shopops.project import Project
    from shopops.sample import SampleSpec, generate

    shutil.rmtree(project_dir)
    exports = project_dir.parent / "exports"
    per_day = max(1, round(size / (days * ORDERS_PER_UNIT)))
    t = time.perf_counter()
    result = generate(SampleSpec(stores=3, days=days, seed=seed, orders_per_day=per_day), out_dir=exports)
    sys.stderr.write(f"generated in {time.perf_counter() - t:.0f} s\n")
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    with Project.init(project_dir, stores=stores) as project:
        for f in result.files:
            if f.kind in KINDS:
                project.import_files([exports / f.path], store=f.store, source=f.source, kind=f.kind)
    shutil.rmtree(exports)


def sizes(warehouse: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    q = {
        "orders": "SELECT count(*) FROM orders",
        "paid_orders_cny": f"SELECT count(*) FROM orders WHERE paid_at IS NOT NULL AND store IN {CNY}",
        "buyers": "SELECT count(*) FROM (SELECT DISTINCT store, buyer_id FROM orders WHERE buyer_id <> '')",
        "buyers_cny": f"SELECT count(*) FROM (SELECT DISTINCT store, buyer_id FROM orders"
        f" WHERE buyer_id <> '' AND store IN {CNY})",
        "items": "SELECT count(*) FROM order_items",
        "first": "SELECT min(paid_at)::DATE::VARCHAR FROM orders",
        "last": "SELECT max(paid_at)::DATE::VARCHAR FROM orders",
    }
    out = {k: con.sql(v).fetchone()[0] for k, v in q.items()}  # type: ignore[index]
    con.close()
    return out


# ---------------------------------------------------------------- the run


def compare(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in compare(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, float) and isinstance(b, float):
        return [] if abs(a - b) <= 1e-9 else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a} != {b}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10_000_000, help="orders over the three sample stores")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "shopops-bench-customers")
    ap.add_argument("--source", type=Path, default=Path(tempfile.gettempdir()) / "shopops-bench")
    ap.add_argument("--products-from", default=None, help="products period start (default: last 3 months)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement (the median is shown)")
    ap.add_argument("--only", default=",".join(ANALYSES))
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        side, kind, target, params = args.child
        print(json.dumps(CHILDREN[side](kind, target, json.loads(params)), default=str))
        return

    project = prepare(args.work, args.size, args.source)
    warehouse = project / "warehouse.duckdb"
    n = sizes(warehouse)
    sys.stderr.write(json.dumps(n) + "\n")
    first, last = date.fromisoformat(n["first"]), date.fromisoformat(n["last"])
    q_start = args.products_from or (
        date(last.year, last.month - 2, 1) if last.month > 2 else date(last.year - 1, last.month + 10, 1)
    )
    params = {
        "rfm": {"as_of": last.isoformat(), "start": first.isoformat()},
        "cohorts": {"end": last.isoformat(), "start": first.isoformat()},
        "products": {"start": str(q_start), "end": last.isoformat()},
    }
    with open(warehouse, "rb") as fh:  # the same warm page cache for every measurement
        while fh.read(1 << 24):
            pass
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    load = [os.getloadavg()[0]]
    for i in range(args.repeat):
        for kind in args.only.split(","):
            for side in ("shopops", "pandas"):
                target = project if side == "shopops" else warehouse
                r = run_child(side, kind, target, params[kind])
                runs[f"{kind}/{side}"].append(r)
                load.append(os.getloadavg()[0])
                sys.stderr.write(
                    f"run {i + 1} {kind} {side}: {r['seconds']:.1f} s, cpu {r['cpu_s']:.1f} s, {r['rss_mb']:,.0f} MB\n"
                )
    problems = []
    for kind in args.only.split(","):
        diff = compare(runs[f"{kind}/shopops"][0]["figures"], runs[f"{kind}/pandas"][0]["figures"], kind)
        problems += diff
        sys.stderr.write(f"{kind}: {'figures agree' if not diff else 'DIFFER'}\n")
    result = {"sizes": n, "params": params, "runs": runs, "load": load, "cpus": os.cpu_count()}
    (args.work / f"customers-{args.size}-result.json").write_text(json.dumps(result, indent=1, default=str))
    print(markdown(result, args.only.split(",")))
    if problems:
        sys.stderr.write("\n".join(problems[:40]) + "\n")
        raise SystemExit("the two sides disagree")


def markdown(result: dict[str, Any], kinds: list[str]) -> str:
    import statistics

    labels = {
        "rfm": "RFM scores + 8 segments",
        "cohorts": "cohort triangle (monthly)",
        "products": "Pareto top 20 % + ABC, products and customers",
    }
    lines = [
        "| analysis | period | shopops wall (s) | pandas wall (s) | of which pandas load (s) | ratio shopops/pandas, wall"
        " | shopops CPU (s) | pandas CPU (s) | ratio, CPU | shopops peak RSS (MB) | pandas peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in kinds:
        s, p = result["runs"][f"{kind}/shopops"], result["runs"][f"{kind}/pandas"]

        def med(runs: list[dict[str, Any]], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        prm = result["params"][kind]
        period = f"{prm.get('start')} – {prm.get('as_of') or prm.get('end')}"
        lines.append(
            f"| {labels[kind]} | {period} | {med(s, 'seconds'):.1f} | {med(p, 'seconds'):.1f} | {med(p, 'load_s'):.1f}"
            f" | {med(s, 'seconds') / med(p, 'seconds'):.2f}x | {med(s, 'cpu_s'):.1f} | {med(p, 'cpu_s'):.1f}"
            f" | {med(s, 'cpu_s') / med(p, 'cpu_s'):.2f}x | {med(s, 'rss_mb'):,.0f} | {med(p, 'rss_mb'):,.0f} |"
        )
    lines.append(f"\nload average during the run: {', '.join(f'{x:.1f}' for x in result['load'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
