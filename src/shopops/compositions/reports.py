"""Every report kind by name: what ``shopops report KIND``, :meth:`Project.report`, and later the web
server and the scheduler build.

>>> report = build("weekly", scope, day=date(2026, 10, 25), lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shopops.errors import QueryError
from shopops.reports.model import Report
from shopops.warehouse.scope import Scope

#: the report kinds: the periodic reports (compositions/periodic.py) and the quarter's customer report
KINDS: tuple[str, ...] = ("daily", "weekly", "monthly", "customers")


def build(kind: str, source: Scope | Any, *, day: date | None = None, lang: str = "zh") -> Report:
    """The ``kind`` report of ``source`` (a Scope of one currency, a Project or a Warehouse) for the
    period holding ``day`` (default: the newest complete one), in ``lang``."""
    if kind not in KINDS:
        raise QueryError(f"unknown report {kind!r}", hint=f"valid reports: {', '.join(KINDS)}", code="report.kind")
    if kind == "customers":
        from shopops.compositions.customers import CustomerReportParams, build_customer_report

        return build_customer_report(source, CustomerReportParams(day=day, lang=lang))  # type: ignore[arg-type]
    from shopops.compositions.periodic import ReportParams, build_report

    return build_report(source, ReportParams(kind, day=day, lang=lang))  # type: ignore[arg-type]


__all__ = ["KINDS", "build"]
