"""Plan and track: fiscal and festival calendars, a year's target broken down to days, what it takes,
forecasts, achievement rate and pace.

>>> run = run_plan(project, PlanParams(2027, target=Decimal("12000000")))  # doctest: +SKIP
>>> run.plan.level("month")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopops.calendar.fiscal import FiscalCalendar, Span
from shopops.plan.breakdown import PlanParams, PlanResult, allocate, build_plan, save_plan
from shopops.plan.needs import Needs, requirements
from shopops.reports.model import Report


@dataclass
class PlanRun:
    """What :func:`run_plan` made: the plan, what it takes (``None`` for a metric other than
    paid_amount), the report, its files and the target imports."""

    plan: PlanResult
    needs: Needs | None
    report: Report
    paths: dict[str, Path] = field(default_factory=dict)
    imports: list[Any] = field(default_factory=list)


def run_plan(
    project: Any,
    params: PlanParams,
    *,
    cvr: float | None = None,
    aov: float | None = None,
    top: int = 5,
    save: bool = True,
    lang: str | None = None,
    out_dir: Path | str | None = None,
    formats: Sequence[str] = ("html", "xlsx", "json"),
) -> PlanRun:
    """Build the plan, what it takes and the report; write the files; save the plan as targets."""
    from shopops.plan.plan_report import build_plan_report
    from shopops.reports import render

    plan = build_plan(project, params)
    needs = requirements(project, plan, cvr=cvr, aov=aov, top=top) if plan.metric == "paid_amount" else None
    report = build_plan_report(plan, needs, lang or project.settings.language)
    target = Path(out_dir) if out_dir else project.settings.root / "reports"
    paths = render(report, target, formats=tuple(formats)) if formats else {}  # no formats: no files
    imports = save_plan(project, plan) if save else []
    return PlanRun(plan, needs, report, paths, imports)


__all__ = [
    "FiscalCalendar",
    "Needs",
    "PlanParams",
    "PlanResult",
    "PlanRun",
    "Span",
    "allocate",
    "build_plan",
    "requirements",
    "run_plan",
    "save_plan",
]
