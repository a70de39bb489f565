"""The plan report (年度目标拆解): the plan, what it takes, its files and the targets it saves.

This is the composition of :mod:`shopops.plan` (which computes, and writes no file) with the renderers
of :mod:`shopops.reports` (the only writers of files): ``shopops plan`` and ``shopops sample`` call it.

>>> run = run_plan(project, PlanParams(2027, target=Decimal("12000000")))  # doctest: +SKIP
>>> run.plan.level("month"), run.paths["html"]                             # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopops.plan.breakdown import PlanParams, PlanResult, build_plan, save_plan
from shopops.plan.needs import Needs, requirements
from shopops.plan.plan_report import build_plan_report
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
) -> PlanRun:
    """Build the plan, what it takes and the plan report; save the plan as targets. Writes no file:
    :meth:`shopops.project.Project.plan` (and ``shopops plan``) render the report."""
    plan = build_plan(project, params)
    needs = requirements(project, plan, cvr=cvr, aov=aov, top=top) if plan.metric == "paid_amount" else None
    report = build_plan_report(plan, needs, lang or project.settings.language)
    imports = save_plan(project, plan) if save else []
    return PlanRun(plan, needs, report, {}, imports)


__all__ = ["PlanRun", "run_plan"]
