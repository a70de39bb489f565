"""KPI scorecards per role (岗位KPI考核表): each role's KPIs against their targets, scored and weighted.

The roles and KPIs come from ``scorecard.toml`` in the project folder (or a file given), else from
the built-in :data:`DEFAULT_CONFIG`. A KPI is::

    [[roles.kpis]]
    metric = "paid_amount"     # a metric id of the catalogue (`shopops metrics list`)
    kind = "achievement"       # "achievement": actual ÷ the period's target from the targets table
                               # "value": the metric's own value (ROAS, refund rate …)
    target = 1.0               # a number; for kind = "value" also "targets" (the targets table) or
                               # "previous" (the previous period's value: at least as good as last week;
                               # the default for kind = "value"; 1.0 is the default for "achievement")
    direction = "higher"       # or "lower" (refund rate); default: the catalogue's good direction
    weight = 0.7               # the KPI's share of the role's score (normalised over the role's KPIs)

Scoring (documented in docs/track.md):

* **score** = actual ÷ target when higher is better, target ÷ actual when lower is better, capped at
  :data:`SCORE_CAP` (120%) so one KPI cannot make up for another without limit; a lower-is-better KPI
  at 0 scores the cap.
* **status**: met when the actual reaches the target (≥ for higher, ≤ for lower), else missed; n/a
  when the data or the target is missing (the notes say why).
* **role score** = Σ weight × score ÷ Σ weight over the KPIs that have a score.

The period is a week (Monday–Sunday, as the weekly report) or a calendar month; ``previous`` is the
week or month before.

>>> result = scorecard(project, ScorecardParams(week="2026-W47"))   # doctest: +SKIP
>>> result.roles[0]["score"]                                         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from shopops.analyses.base import Analysis, Context, stores_checked
from shopops.calendar.period import Period, newest_complete_day, parse_period
from shopops.errors import QueryError
from shopops.i18n import table
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.query import query
from shopops.metrics.targets import TargetRows
from shopops.plan.scorecard_config import (
    CONFIG_FILE,
    DEFAULT_CONFIG,
    KpiSpec,
    Role,
    ScorecardConfig,
    load_config,
    parse_config,
)
from shopops.reports.model import Column, Report, Section, Table, format_value
from shopops.warehouse.scope import Scope

SCORE_CAP = 1.2

#: lang -> key -> text, from the message catalogue ([scorecard] in shopops/i18n/messages.toml)
WORDS: dict[str, dict[str, str]] = table("scorecard")


# ---------------------------------------------------------------- the scorecard


@dataclass(frozen=True)
class ScorecardParams:
    """The period scored: ``period`` (a week or a calendar month, as the edge parsed it), or the text of
    one: ``week`` (ISO, ``2026-W47``) or ``month`` (``2026-11``), read here once into ``period``;
    default: the newest complete week. ``config``: a scorecard TOML (default: the project's
    ``scorecard.toml``, else the built-in one)."""

    week: str | None = None
    month: str | None = None
    stores: tuple[str, ...] = ()
    config: Path | None = None
    period: Period | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "stores", tuple(self.stores))
        if sum(x is not None and x != "" for x in (self.week, self.month, self.period)) > 1:
            raise QueryError(
                "give a week or a month for the scorecard, not both",
                hint="--week 2026-W47 or --month 2026-11",
                code="param.invalid",
            )
        if self.week:
            object.__setattr__(self, "period", _parsed(self.week, "week", "an ISO week", "2026-W47"))
        if self.month:
            object.__setattr__(self, "period", _parsed(self.month, "month", "a month", "2026-11"))
        if self.period is not None and self.period.grain not in ("week", "month"):
            raise QueryError(
                f"the scorecard scores a week or a calendar month, not {self.period.label}",
                hint="give a week (2026-W47) or a month (2026-11)",
                code="param.invalid",
            )


def _parsed(text: str, grain: str, what: str, example: str) -> Period:
    try:
        period = parse_period(text)
    except QueryError:
        period = None
    if period is None or period.grain != grain:
        raise QueryError(f"{text!r} is not {what}", hint=f"write it like {example}", code="param.invalid")
    return period


@dataclass
class ScorecardResult:
    """``kpis``: one row per role and KPI; ``roles``: one row per role with its weighted score."""

    config: ScorecardConfig
    period: Period
    previous: Period
    stores: tuple[str, ...]
    currency: str | None
    kpis: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def section(self, lang: str = "zh") -> Section:
        return _section(self, lang)

    def report(self, lang: str = "zh") -> Report:
        from datetime import datetime

        sec = _section(self, lang)
        return Report(
            kind="scorecard",
            lang=lang,  # type: ignore[arg-type]
            title=f"{', '.join(self.stores)} {WORDS[lang]['section']} {self.period.label}",
            stores=list(self.stores),
            currency=self.currency,
            period=self.period,
            previous=self.previous,
            yoy=None,
            generated_at=datetime.now().replace(microsecond=0),
            summary=list(sec.text),
            kpis=[],
            sections=[sec],
        )


def scorecard_periods(scope: Scope, period: Period | None) -> tuple[Period, Period]:
    """The week or month scored and the one before it (default: the newest complete week)."""
    newest = scope.newest_day()
    current = period or Period.of(newest_complete_day("weekly", newest), "week")
    if current.start > newest:  # a week or month with no data yet would score as a miss
        kind = "monthly" if current.grain == "month" else "weekly"
        complete = Period.of(newest_complete_day(kind, newest), current.grain)
        raise QueryError(
            f"{current.label} starts {current.start}, after the newest data day {newest}: nothing to score yet",
            hint=f"score a week or month with data, e.g. {complete.label}",
            code="period.no_data",
        )
    return current, current.previous()


def scorecard(project_or_wh: Any, params: ScorecardParams) -> ScorecardResult:
    """Score every role's KPIs over the period; see the module docstring."""
    scope = Scope.of(project_or_wh, params.stores).one_currency()
    config = load_config(params.config, scope.wh.settings.root)
    with scope.wh.reads():
        current, previous = scorecard_periods(scope, params.period)
        return _scored(scope, config, current, previous)


def build(ctx: Context, params: ScorecardParams) -> ScorecardResult:
    """The registered analysis: the scorecard of ``ctx.scope`` over ``params.period``, else over
    ``ctx.period`` compared with ``ctx.previous`` (else the period before it, :meth:`Period.previous`)."""
    scope = stores_checked(ctx, params.stores).one_currency()
    config = load_config(params.config, scope.wh.settings.root)
    if params.period is not None:
        current, previous = scorecard_periods(scope, params.period)
    else:
        current, previous = ctx.period, ctx.previous or ctx.period.previous()
    return _scored(scope, config, current, previous)


def present(result: ScorecardResult, lang: str) -> Section:
    return result.section(lang)


def report_section(ctx: Context, config: Path | None = None) -> Section | None:
    """The scorecard section of a weekly or monthly report: ``ctx.period`` against ``ctx.previous`` (a
    month against the month before, not against as many days before), in ``ctx.lang``; ``None`` when
    the project has no ``scorecard.toml`` and no ``config`` is given."""
    if config is None and not (ctx.wh.settings.root / CONFIG_FILE).is_file():
        return None
    return build(ctx, ScorecardParams(config=config)).section(ctx.lang)


def _scored(scope: Scope, config: ScorecardConfig, current: Period, previous: Period) -> ScorecardResult:
    result = score(scope, config, current, previous)
    newest = scope.newest_day()
    if current.end > newest:  # a period still running: its actuals are to date, its targets whole
        result.notes.append(
            f"{current.label} runs to {current.end} but the data ends {newest}: actuals cover "
            f"{(newest - current.start).days + 1} of its {current.days} days, targets the whole period"
        )
    return result


def score(scope: Scope, config: ScorecardConfig, current: Period, previous: Period) -> ScorecardResult:
    """The scorecard of ``config`` over ``current`` (``previous`` for "previous" targets)."""
    wh, stores = scope.wh, scope.names
    cat = load_catalogue()
    metrics = list(dict.fromkeys(k.metric for r in config.roles for k in r.kpis))
    notes: list[str] = []
    now = _values(scope, cat, metrics, current, notes)
    before = _values(scope, cat, metrics, previous, notes)
    needs_targets = {k.metric for r in config.roles for k in r.kpis if k.kind == "achievement" or k.target == "targets"}
    goals: dict[str, Decimal | None] = {}
    for m in needs_targets:
        rows_of_m = TargetRows.load(wh, m, stores, current.start, current.end)
        goals[m] = rows_of_m.total(stores, current.start, current.end)
        if goals[m] is None:
            notes.append(f"{m}: no target for {current.label} ({current.start} – {current.end}) in the targets table")
    kpis: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    for role in config.roles:
        rows = [_kpi_row(role, k, cat, now, before, goals) for k in role.kpis]
        kpis += rows
        scored = [r for r in rows if r["score"] is not None]
        weight = sum(r["weight"] for r in scored)
        roles.append(
            {
                "role": role.key,
                "name_zh": role.name_zh,
                "name_en": role.name_en,
                "score": sum(r["weight"] * r["score"] for r in scored) / weight if scored else None,
                "met": sum(r["status"] == "met" for r in rows),
                "kpis": len(rows),
            }
        )
    return ScorecardResult(config, current, previous, stores, scope.currency, kpis, roles, notes)


def _values(scope: Scope, cat: Catalogue, metrics: Sequence[str], period: Period, notes: list[str]) -> dict[str, Any]:
    """The metrics over ``period`` for the stores in scope; a metric no store can give is None (noted)."""
    stores = scope.names

    def available(m: str) -> bool:
        return any(all(scope.has(s, n) for n in cat.needs(m)) for s in stores)

    usable = [m for m in metrics if available(m)]
    for m in metrics:
        if m not in usable:
            note = f"{m}: not available from the imports of {', '.join(stores)} ({', '.join(cat.needs(m))})"
            if note not in notes:
                notes.append(note)
    if not usable:
        return {}
    df = query(scope.wh, usable, start=period.start, end=period.end, where={"store": list(stores)})
    for n in df.attrs.get("notes", []):
        if n not in notes:
            notes.append(n)
    row = df.iloc[0] if not df.empty else pd.Series(dtype=object)
    return {m: (None if m not in row or pd.isna(row[m]) else row[m]) for m in usable}


def _kpi_row(
    role: Role,
    k: KpiSpec,
    cat: Catalogue,
    now: Mapping[str, Any],
    before: Mapping[str, Any],
    goals: Mapping[str, Decimal | None],
) -> dict[str, Any]:
    m = cat.metrics[k.metric]
    value = now.get(k.metric)
    basis: Any = None  # what an achievement is computed from: (actual, period target)
    if k.kind == "achievement":
        goal = goals.get(k.metric)
        basis = (value, goal)
        actual = float(Decimal(str(value)) / goal) if value is not None and goal else None
        target: float | None = float(k.target)  # type: ignore[arg-type]
    else:
        actual = None if value is None else float(value)
        if k.target == "previous":
            prev = before.get(k.metric)
            target = None if prev is None else float(prev)
        elif k.target == "targets":
            goal = goals.get(k.metric)
            target = None if goal is None else float(goal)
        else:
            target = float(k.target)
    s = kpi_score(actual, target, k.direction)
    met = (
        None
        if actual is None or target is None
        else (actual >= target if k.direction == "higher" else actual <= target)
    )
    return {
        "role": role.key,
        "role_zh": role.name_zh,
        "role_en": role.name_en,
        "metric": k.metric,
        "metric_zh": m.zh,
        "metric_en": m.en,
        "unit": "ratio" if k.kind == "achievement" else m.unit,
        "kind": k.kind,
        "target_rule": k.target,
        "direction": k.direction,
        "weight": k.weight,
        "target": target,
        "actual": actual,
        "basis": basis,
        "score": s,
        "status": "na" if met is None else ("met" if met else "missed"),
    }


def kpi_score(actual: float | None, target: float | None, direction: str) -> float | None:
    """actual ÷ target (higher is better) or target ÷ actual (lower), capped at :data:`SCORE_CAP`."""
    if actual is None or target is None:
        return None
    if direction == "higher":
        if target <= 0:
            return SCORE_CAP if actual > 0 else 1.0
        return min(actual / target, SCORE_CAP)
    if actual <= 0:
        return SCORE_CAP
    return min(target / actual, SCORE_CAP)


# ---------------------------------------------------------------- the section


def _shown(value: Any, unit: str, lang: str) -> str:
    return format_value(value, unit, lang=lang)


def _section(r: ScorecardResult, lang: str) -> Section:
    w = WORDS[lang]
    kpi_rows = []
    role_score = {role["role"]: role["score"] for role in r.roles}
    for row in r.kpis:
        target = _shown(row["target"], row["unit"], lang)
        if row["target_rule"] in ("previous", "targets"):
            target += f" ({w[str(row['target_rule'])]})"
        actual = _shown(row["actual"], row["unit"], lang)
        if row["basis"] is not None:
            value, goal = row["basis"]
            unit = "money" if isinstance(goal, Decimal) else "number"
            actual += f" ({_shown(value, unit, lang)} / {_shown(goal, unit, lang)})"
        kpi_rows.append(
            {
                "role": row[f"role_{lang}"],
                "kpi": row[f"metric_{lang}"],
                "kind": w[row["kind"]],
                "target": target,
                "actual": actual,
                "score": row["score"],
                "status": w[row["status"]],
                "weight": row["weight"],
                "role_score": role_score[row["role"]],
            }
        )
    role_rows = [
        {
            "role": role[f"name_{lang}"],
            "score": role["score"],
            "met": f"{role['met']}/{role['kpis']}",
        }
        for role in r.roles
    ]
    kpi_cols = [
        Column("role", w["role"]),
        Column("kpi", w["kpi"]),
        Column("kind", w["kind"]),
        Column("target", w["target"]),
        Column("actual", w["actual"]),
        Column("score", w["score"], "ratio"),
        Column("status", w["status"]),
        Column("weight", w["weight"], "number"),
        Column("role_score", w["role_score"], "ratio"),
    ]
    role_cols = [Column("role", w["role"]), Column("score", w["role_score"], "ratio"), Column("met", w["met_count"])]
    text = [_role_sentence(role, lang) for role in r.roles]
    notes = [
        (
            f"得分 = 实际 ÷ 目标（越低越好的指标为 目标 ÷ 实际），上限 {SCORE_CAP:.0%}；岗位得分按权重加权。"
            f"配置：{'内置默认' if r.config.source == 'built-in' else r.config.source}。"
            if lang == "zh"
            else f"Score = actual ÷ target (target ÷ actual where lower is better), capped at {SCORE_CAP:.0%}; "
            f"the role score weights them. Config: {r.config.source}."
        ),
        *r.notes,
    ]
    return Section(
        "scorecard",
        w["section"],
        text=text,
        tables=[Table("roles", w["roles"], role_cols, role_rows), Table("kpis", w["kpis"], kpi_cols, kpi_rows)],
        notes=notes,
    )


def _role_sentence(role: Mapping[str, Any], lang: str) -> str:
    score = format_value(role["score"], "ratio", lang=lang)
    if lang == "zh":
        return f"{role['name_zh']}：加权得分 {score}，{role['met']}/{role['kpis']} 项达标。"
    return f"{role['name_en']}: weighted score {score}, {role['met']} of {role['kpis']} KPIs met."


def scorecard_section(
    project_or_wh: Any,
    *,
    start: date,
    end: date,
    stores: Sequence[str] = (),
    lang: Literal["zh", "en"] = "zh",
    config: Path | None = None,
    label: str = "",
) -> Section | None:
    """The keyword form of :func:`report_section`, for notebooks and scripts: the
    days ``start``–``end`` (a calendar week or month is compared with the one before it)."""
    period = _period_of(start, end)
    ctx = Context.create(Scope.of(project_or_wh, stores), replace(period, label=label or period.label), lang=lang)
    return report_section(ctx, config)


def _period_of(start: date, end: date) -> Period:
    """The calendar week, month or quarter that is exactly ``start``–``end``, else the range of days."""
    for grain in ("week", "month", "quarter"):
        period = Period.of(start, grain)
        if (period.start, period.end) == (start, end):
            return period
    return Period.span(start, end)


ANALYSIS: Analysis[ScorecardParams, ScorecardResult] = Analysis(
    "scorecard",
    ScorecardParams,
    build,
    present,
)


__all__ = [
    "ANALYSIS",
    "CONFIG_FILE",
    "DEFAULT_CONFIG",
    "SCORE_CAP",
    "KpiSpec",
    "Role",
    "ScorecardConfig",
    "ScorecardParams",
    "ScorecardResult",
    "build",
    "kpi_score",
    "load_config",
    "parse_config",
    "present",
    "report_section",
    "score",
    "scorecard",
    "scorecard_section",
]
