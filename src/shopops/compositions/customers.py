"""The quarterly customer and product report (客户与商品季报): registered sections, in order.

For one quarter: the headline figures of buyers and spend, then buyers new and returning with
repurchase and purchase frequency, cohort retention, RFM segments, CLV and churn status, 20/80 and
ABC with product roles and margin, items bought together and refunds by days after payment. Each
section is one registered analysis (:mod:`shopops.compositions.registry`) and one line of
:func:`sections`; the renderers of :mod:`shopops.reports` present the report like the others.

The scope is resolved once here (stores of one currency) and the quarter once
(:func:`~shopops.calendar.period.report_periods`); every section runs on that context.

>>> report = build_customer_report(project, CustomerReportParams(day=date(2026, 9, 30)))   # doctest: +SKIP
>>> [s.id for s in report.sections]                                                       # doctest: +SKIP
['buyers', 'cohorts', 'rfm', 'clv', 'pareto', 'basket', 'refund_days']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

import pandas as pd

from shopops.analyses.base import Context
from shopops.analyses.kpis import headline_kpis
from shopops.calendar import grains
from shopops.calendar.period import Period, newest_complete_day, report_periods
from shopops.compositions import registry
from shopops.errors import NotAvailableError, QueryError
from shopops.reports.model import Report, Section
from shopops.warehouse.scope import Scope

#: headline figures of the customer report
CUSTOMER_KPIS = ("buyers", "new_buyers", "returning_buyers", "repeat_rate", "paid_amount", "aov", "avg_order_value")
#: the sections whose sentence the summary takes, in the summary's order
SUMMARY = ("buyers", "rfm", "products", "clv")


@dataclass(frozen=True)
class CustomerReportParams:
    """``day``: a day of the quarter (default: the newest complete quarter); ``stores``: one currency;
    ``top``: rows of the sections' top lists."""

    day: date | None = None
    stores: tuple[str, ...] = ()
    lang: Literal["zh", "en"] = "zh"
    top: int = 10

    def __post_init__(self) -> None:
        if self.lang not in ("zh", "en"):
            raise QueryError(f"unknown language {self.lang!r}; valid languages: zh, en")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass(frozen=True)
class Step:
    """A section of the report: the registered ``analysis``, its options, and the label (a
    :class:`~shopops.analyses.narrative.Narrator` key) that names it in a note when it cannot run."""

    analysis: str
    options: dict[str, Any]
    label: str


@runtime_checkable
class _Headlined(Protocol):
    def headline(self, lang: str) -> str | None: ...


def sections(quarter: Period, top: int) -> list[Step]:
    """The report's sections for ``quarter``, in order."""
    twelve_months = grains.add_months(grains.period_start(quarter.end, "month"), -11)
    return [
        Step("buyers", {"grain": "month"}, "buyers"),
        Step("cohorts", {"end": quarter.end, "start": twelve_months}, "cohorts"),
        Step("rfm", {"as_of": quarter.end, "start": quarter.end - timedelta(days=364)}, "rfm"),
        # Pareto/NBD: BG/NBD counts every one-time buyer as alive, which hides churn in a shop where most buy
        # once; and a calibration-vs-holdout check: fitted to the quarter's start, predicting the quarter
        Step("clv", {"model": "pareto", "holdout_days": quarter.days}, "clv"),
        Step("products", {"shown": top}, "pareto"),
        Step("basket", {"triples": False, "shown": top}, "basket"),
        Step("refunds", {}, "refund_days"),
    ]


def quarters(day: date) -> tuple[Period, Period, Period]:
    """The quarter holding ``day``, the quarter before and the same quarter a year earlier."""
    return report_periods("quarterly", day)


def build_customer_report(source: Scope | Any, params: CustomerReportParams) -> Report:
    """Run the customer and product sections for a quarter and return the report. ``source``: a Scope, a
    Project or a Warehouse (``params.stores`` narrows it; the stores must share a currency)."""
    scope = Scope.of(source, params.stores).one_currency()
    day = params.day or newest_complete_day("quarterly", scope.newest_day())
    current, previous, yoy = quarters(day)
    ctx = Context.create(scope, current, previous=previous, yoy=yoy, kind="customers", lang=params.lang)
    say = ctx.say
    kpis = ctx.timed("kpis", lambda: headline_kpis(ctx, CUSTOMER_KPIS))
    shown: list[Section] = []
    facts: dict[str, str] = {}
    for step in sections(current, params.top):
        analysis = registry.get(step.analysis)
        try:
            result, section = analysis.run(ctx, analysis.params(**step.options), params.lang)
        except NotAvailableError as exc:
            ctx.note(f"{say.t(step.label)}: {exc}")
            continue
        if section is not None:
            shown.append(section)
            fact = result.headline(params.lang) if isinstance(result, _Headlined) else None
            if fact:
                facts[step.analysis] = fact
    by = {k.metric: k for k in kpis}
    summary = [say.headline(by["buyers"], current, previous)] if "buyers" in by else []
    summary += [facts[name] for name in SUMMARY if name in facts]
    return Report(
        kind="customers",
        lang=params.lang,
        title=say.title(scope.names, current),
        stores=list(scope.names),
        currency=scope.currency,
        period=current,
        previous=previous,
        yoy=yoy,
        generated_at=pd.Timestamp.now().to_pydatetime().replace(microsecond=0),
        summary=summary[:5],
        kpis=kpis,
        sections=shown,
        notes=ctx.notes,
        timings=ctx.timings,
    )


__all__ = ["CUSTOMER_KPIS", "CustomerReportParams", "Step", "build_customer_report", "quarters", "sections"]
