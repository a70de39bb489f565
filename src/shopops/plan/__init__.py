"""Plan and track: a year's target broken down to days (:mod:`~shopops.plan.breakdown`), what it
takes (:mod:`~shopops.plan.needs`), forecasts (:mod:`~shopops.plan.forecast`), achievement and pace
(:mod:`~shopops.plan.track`) and KPI scorecards (:mod:`~shopops.plan.scorecard`).

``plan`` computes; it writes no report file. The plan report's files are made by
:func:`shopops.compositions.plan.run_plan`.

>>> plan = build_plan(project, PlanParams(2027, target=Decimal("12000000")))  # doctest: +SKIP
>>> plan.level("month")  # doctest: +SKIP
"""

from __future__ import annotations

from shopops.calendar.fiscal import FiscalCalendar, Span
from shopops.plan.breakdown import PlanParams, PlanResult, allocate, build_plan, save_plan
from shopops.plan.needs import Needs, requirements

__all__ = [
    "FiscalCalendar",
    "Needs",
    "PlanParams",
    "PlanResult",
    "Span",
    "allocate",
    "build_plan",
    "requirements",
    "save_plan",
]
