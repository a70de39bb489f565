"""Import speed: `shopops import` of a large Tmall order export against DuckDB's own read_csv.

Each measurement runs in a fresh subprocess so that peak memory (max RSS) is its own.
The baseline is what a user would otherwise do: ``CREATE TABLE t AS SELECT * FROM
read_csv('file')`` in DuckDB (typed, multi-threaded). DuckDB cannot read GBK without
its ``encodings`` extension, which must be downloaded and so is not available offline;
for the GBK file the baseline is DuckDB reading the same rows from the UTF-8 copy.

    python benchmarks/bench_import.py --orders-per-day 14000 --days 730   # ~10M rows
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SHOPOPS = """
import json, resource, sys, time
from shopops.project import Project
p = Project.init(sys.argv[1], stores=[{"name": "tm", "platform": "tmall"}])
t = time.perf_counter()
s = p.import_files([sys.argv[2]], store="tm", source="tmall")[0]
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "rows": s.rows_read, "loaded": s.loaded, "quarantined": s.quarantined,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DUCKDB = """
import json, resource, sys, time
import duckdb
con = duckdb.connect(sys.argv[1] + "/baseline.duckdb")
t = time.perf_counter()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[2]])
n = con.execute("SELECT count(*) FROM t").fetchone()[0]
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "rows": n, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def make_files(work: Path, orders_per_day: int, days: int) -> tuple[Path, Path]:
    from shopops.sample import SampleSpec, generate

    out = work / "exports"
    t = time.perf_counter()
    result = generate(
        SampleSpec(stores=1, days=days, seed=11, orders_per_day=orders_per_day, events_users=10), out_dir=out
    )
    sys.stderr.write(f"generated in {time.perf_counter() - t:.0f} s\n")
    gbk = next(out / f.path for f in result.files if f.source == "tmall")
    utf8 = work / "tmall_orders_utf8.csv"
    with open(gbk, encoding="gbk", newline="") as src, open(utf8, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return utf8, gbk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders-per-day", type=int, default=14000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--work", type=Path, default=None, help="folder for the data (kept)")
    ap.add_argument("--reuse", action="store_true", help="reuse the files already in --work")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="shopops-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    utf8, gbk = work / "tmall_orders_utf8.csv", work / "exports" / "tmall_flagship" / "tmall_orders.csv"
    if not (args.reuse and utf8.exists() and gbk.exists()):
        utf8, gbk = make_files(work, args.orders_per_day, args.days)
    rows = []
    for label, path in (("UTF-8", utf8), ("GBK", gbk)):
        base_dir = Path(tempfile.mkdtemp(dir=work))
        base = run(DUCKDB, str(base_dir), str(utf8))
        ours = run(SHOPOPS, str(Path(tempfile.mkdtemp(dir=work)) / "p"), str(path))
        rows.append((label, path.stat().st_size, base, ours))
    lines = [
        "| file | size | rows | DuckDB read_csv (s) | shopops import (s) | ratio | DuckDB peak RSS (MB) | shopops peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, size, base, ours in rows:
        lines.append(
            f"| Tmall 订单报表, {label} | {size / 1e6:,.0f} MB | {int(ours['rows']):,} | {base['seconds']:.1f} | {ours['seconds']:.1f}"
            f" | {ours['seconds'] / base['seconds']:.2f}x | {base['rss_mb']:,.0f} | {ours['rss_mb']:,.0f} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
