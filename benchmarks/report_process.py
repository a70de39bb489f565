"""Build the weekly report of the two CNY sample stores as a user's process does, for timing whole runs
(BENCHMARKS.md "Weekly report after the architecture change"); prints the week and its 支付金额.

    python benchmarks/report_process.py /tmp/shopops-bench/report-1000000-730d-seed7/project

Runs on the code before issue 11 too (``shopops.analyses.report``), so both can be timed side by side.
"""

from __future__ import annotations

import sys

try:
    from shopops.compositions.periodic import ReportParams, build_report
except ImportError:  # the code before issue 11
    from shopops.analyses.report import ReportParams, build_report  # type: ignore[no-redef]
from shopops.project import Project

if __name__ == "__main__":
    with Project.open(sys.argv[1]) as project:
        report = build_report(project, ReportParams("weekly", stores=("tmall_flagship", "jd_store")))
        print(report.period.label, report.kpis[0].value)
