"""Run every benchmark and print their Markdown tables (`make bench`); paste into BENCHMARKS.md.

    python benchmarks/run.py                               # import (12M rows) + weekly report on 1M orders
    python benchmarks/run.py --report-orders 10000000      # the weekly report at the size of issue 3
    python benchmarks/run.py --only report                 # one benchmark
    python benchmarks/run.py --only forecast               # forecast candidates (needs: uv pip install statsforecast)

Other options are passed to bench_import.py (``--orders-per-day``, ``--days``, ``--work``, ``--reuse``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["import", "report", "forecast"], help="run one benchmark")
    ap.add_argument(
        "--report-orders",
        type=int,
        default=1_000_000,
        help="orders of the sample shop of the weekly-report benchmark (built once, cached in /tmp/shopops-bench)",
    )
    args, rest = ap.parse_known_args()
    benches = {
        "import": ["bench_import.py", *rest],
        "report": ["bench_report.py", "--orders", str(args.report_orders)],
        "forecast": ["bench_forecast.py"],
    }
    for name, (script, *options) in benches.items():
        if args.only and name != args.only:
            continue
        sys.stdout.write(f"\n## {script} {' '.join(options)}\n\n")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(HERE / script), *options], check=True)
