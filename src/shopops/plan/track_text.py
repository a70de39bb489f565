"""What tracking says (:mod:`shopops.plan.track`), in zh and en: the behind-target alerts, the
headline sentences, the tables, the report section and the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from shopops.i18n import table
from shopops.plan.track_figures import RUN_RATE_DAYS, TOTAL, YearToDate
from shopops.reports.model import Chart, Column, Kpi, Period, Report, Section, Table, Unit, format_value

if TYPE_CHECKING:
    from shopops.plan.track import TrackResult

#: the words (lang -> key -> text) live in the message catalogue: [track] in shopops/i18n/messages.toml
WORDS: dict[str, dict[str, str]] = table("track")


@dataclass(frozen=True)
class Alert:
    """A behind-target alert: ``kind`` is ``week``, ``month``, ``ytd``, ``projection`` or ``run_rate``."""

    kind: str
    store: str
    label: str
    value: float
    threshold: float
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def target_notes(r: TrackResult) -> list[str]:
    notes = []
    weeks = r.level("week")
    if not weeks.empty and weeks["target"].isna().all():
        notes.append(
            "no week has a target: the target rows do not tile the weeks (month targets do not split into "
            "natural weeks; `shopops plan` writes day targets)"
        )
    t = r.total
    if t.full_target is None:
        notes.append(f"no full-year target: the target rows do not cover every day of {r.year.label}")
    if t.through is not None and t.through < r.as_of:
        notes.append(f"year to date is measured to {t.through}, the last day the target rows cover")
    return notes


# ---------------------------------------------------------------- alerts


def _f(value: Any, unit: str) -> str:
    return format_value(value, unit)


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def alerts(r: TrackResult) -> list[Alert]:
    """Behind-target alerts of the periods in focus and of the year (see the module docstring)."""
    out: list[Alert] = []
    th = r.params.threshold
    for level, label in _focus_periods(r):
        row = r.periods[(r.periods["label"] == label) & (r.periods["store"] == TOTAL)].iloc[0]
        ach = row["achievement"]
        if ach is None or pd.isna(ach) or ach >= th:
            continue
        out.append(_period_alert(r, level, row, float(ach)))
    scopes = [TOTAL, *r.stores] if len(r.stores) > 1 else [TOTAL]
    for store in scopes:
        out += _year_alerts(r, r.ytd[store], th)
    return out


def _focus_periods(r: TrackResult) -> list[tuple[str, str]]:
    """(level, label): the asked week or month (and its month or weeks), else the current and last
    complete week and month."""
    cal, as_of = r.calendar, r.as_of
    if r.focus is not None and r.focus.level == "week":
        return [("week", r.focus.label), ("month", cal.span_of(as_of, "month").label)]
    if r.focus is not None:
        weeks = r.level("week")
        inside = weeks[(weeks["end"] >= r.focus.start) & (weeks["start"] <= r.focus.end)]
        return [("month", r.focus.label), *[("week", str(w)) for w in inside["label"]]]
    out = []
    for level in ("week", "month"):
        rows = r.level(level)
        done = rows[rows["complete"]]
        if not done.empty:
            out.append((level, str(done["label"].iloc[-1])))
        if not bool(rows["complete"].iloc[-1]):
            out.append((level, str(rows["label"].iloc[-1])))
    return out


def _period_alert(r: TrackResult, level: str, row: pd.Series, ach: float) -> Alert:
    u, th = r.unit, r.params.threshold
    start, end, through = row["start"], row["end"], row["through"]
    short = _f(-row["gap"], u)
    upto_zh = "" if row["complete"] else f"，截至 {through}"
    upto_en = "" if row["complete"] else f", to {through}"
    kind_zh = "周" if level == "week" else "月"
    zh = (
        f"{row['label']} {kind_zh}（{start} 至 {end}{upto_zh}）达成率 {_pct(ach)}（{r.metric_zh} "
        f"{_f(row['actual'], u)} / 目标 {_f(row['target_to_date'], u)}），低于 {_pct(th)} 警戒线，差 {short}。"
    )
    en = (
        f"{level.capitalize()} {row['label']} ({start} – {end}{upto_en}): achievement {_pct(ach)} "
        f"({r.metric_en} {_f(row['actual'], u)} against a target of {_f(row['target_to_date'], u)}), "
        f"below the {_pct(th)} threshold; short by {short}."
    )
    return Alert(level, TOTAL, str(row["label"]), ach, th, zh, en)


def _year_alerts(r: TrackResult, y: YearToDate, th: float) -> list[Alert]:
    u, out = r.unit, []
    who_zh = f"{y.store}：" if y.store else ""
    who_en = f"{y.store}: " if y.store else ""
    if y.achievement is not None and y.achievement < th:
        out.append(
            Alert(
                "ytd",
                y.store,
                r.year.label,
                y.achievement,
                th,
                f"{who_zh}{r.year.label} 年累计（截至 {y.through}）达成率 {_pct(y.achievement)}（{_f(y.actual_through, u)} / "
                f"{_f(y.target_to_date, u)}），低于 {_pct(th)}。",
                f"{who_en}{r.year.label} year to date (to {y.through}): achievement {_pct(y.achievement)} "
                f"({_f(y.actual_through, u)} against {_f(y.target_to_date, u)}), below {_pct(th)}.",
            )
        )
    method, projection = (
        ("pace", y.projection_pace) if y.projection_pace is not None else ("run-rate", y.projection_run_rate)
    )
    if projection is not None and y.full_target and projection < y.full_target:
        share = float(projection / y.full_target)
        method_zh = "按进度" if method == "pace" else "按日均"
        out.append(
            Alert(
                "projection",
                y.store,
                r.year.label,
                share,
                1.0,
                f"{who_zh}年末预测（{method_zh}）{_f(projection, u)}，低于全年目标 {_f(y.full_target, u)}（{_pct(share)}）。",
                f"{who_en}year-end projection ({method} method) {_f(projection, u)} is below the full-year target "
                f"of {_f(y.full_target, u)} ({_pct(share)}).",
            )
        )
    margin = r.params.run_rate_margin
    if y.run_rate_ratio is not None and y.run_rate_ratio > 1 + margin:
        above = y.run_rate_ratio - 1
        out.append(
            Alert(
                "run_rate",
                y.store,
                r.year.label,
                y.run_rate_ratio,
                1 + margin,
                f"{who_zh}完成全年目标需日均 {_f(y.needed_run_rate, u)}（剩余 {y.days_left} 天），比近 {RUN_RATE_DAYS} 天日均 "
                f"{_f(y.current_run_rate, u)} 高 {_pct(above)}。",
                f"{who_en}reaching the year's target needs {_f(y.needed_run_rate, u)} a day for the remaining "
                f"{y.days_left} days, {_pct(above)} above the current run-rate of {_f(y.current_run_rate, u)} a day "
                f"(last {RUN_RATE_DAYS} days).",
            )
        )
    return [
        a if y.store else Alert(a.kind, a.store, a.label, a.value, a.threshold, a.zh, a.en[:1].upper() + a.en[1:])
        for a in out
    ]


# ---------------------------------------------------------------- report section and report


def _period_table(r: TrackResult, level: str, lang: str) -> Table:
    w = WORDS[lang]
    u = r.unit
    rows = [
        {
            str(k): (None if v is not None and not isinstance(v, str | date | bool) and pd.isna(v) else v)
            for k, v in row.items()
        }
        for row in r.level(level).to_dict("records")
    ]
    for row in rows:
        row["complete"] = w["yes"] if row["complete"] else w["no"]
    spec = "label:period:text start::date end::date target::$ target_to_date::$ actual::$ achievement::ratio gap::$"
    return Table(f"{level}s", w[f"{level}s"], _columns(spec + " complete::text", w, u), rows)


def _ytd_table(r: TrackResult, lang: str) -> Table:
    w = WORDS[lang]
    u = r.unit
    rows = []
    for store in (*r.stores, TOTAL) if len(r.stores) > 1 else (TOTAL,):
        y = r.ytd[store]
        row = dict(vars(y))
        row["store"] = store or (r.stores[0] if len(r.stores) == 1 else w["all"])
        rows.append(row)
    spec = (
        "store::text through::date target_to_date::$ actual_through:actual:$ achievement::ratio full_target::$ "
        "remaining::$ days_left::count needed_run_rate:needed:$ current_run_rate:current:$ "
        "run_rate_ratio:ratio:ratio plan_needed::ratio projection_pace:pace:$ projection_run_rate:run_rate:$ "
        "last_year::$ yoy::pct"
    )
    return Table("ytd", w["ytd"], _columns(spec, w, u), rows)


def _columns(spec: str, words: Mapping[str, str], money: Unit) -> list[Column]:
    """Columns from ``id:word:unit`` items (word defaults to the id; ``$`` is the metric's unit)."""
    out = []
    for item in spec.split():
        cid, word, unit = item.split(":")
        out.append(Column(cid, words[word or cid], money if unit == "$" else unit))  # type: ignore[arg-type]
    return out


def headline(r: TrackResult, lang: str) -> list[str]:
    """The sentences that open the tracking section."""
    y, u = r.total, r.unit
    name = r.metric_zh if lang == "zh" else r.metric_en
    out = []
    if y.achievement is not None:
        out.append(
            f"{r.year.label} 年累计（截至 {y.through}）{name} {_f(y.actual_through, u)}，目标 {_f(y.target_to_date, u)}，"
            f"达成率 {_pct(y.achievement)}。"
            if lang == "zh"
            else f"{r.year.label} year to date (to {y.through}): {name} {_f(y.actual_through, u)} against a target of "
            f"{_f(y.target_to_date, u)}, achievement {_pct(y.achievement)}."
        )
    if y.remaining is not None and y.remaining <= 0:
        out.append(
            f"全年目标 {_f(y.full_target, u)} 已完成，超出 {_f(-y.remaining, u)}。"
            if lang == "zh"
            else f"The full-year target of {_f(y.full_target, u)} is reached, {_f(-y.remaining, u)} over."
        )
    elif y.needed_run_rate is not None:
        out.append(
            f"全年目标 {_f(y.full_target, u)}，剩余 {_f(y.remaining, u)}、{y.days_left} 天：需日均 {_f(y.needed_run_rate, u)}，"
            f"近 {RUN_RATE_DAYS} 天日均 {_f(y.current_run_rate, u)}。"
            if lang == "zh"
            else f"Full-year target {_f(y.full_target, u)}; {_f(y.remaining, u)} to go in {y.days_left} days: "
            f"{_f(y.needed_run_rate, u)} a day needed, against {_f(y.current_run_rate, u)} a day over the last "
            f"{RUN_RATE_DAYS} days."
        )
    if y.projection_pace is not None or y.projection_run_rate is not None:
        out.append(
            f"年末预测：按进度 {_f(y.projection_pace, u)}，按日均 {_f(y.projection_run_rate, u)}。"
            if lang == "zh"
            else f"Year-end projection: {_f(y.projection_pace, u)} at the pace so far, "
            f"{_f(y.projection_run_rate, u)} at the current run-rate."
        )
    return out


#: how the figures are computed, one note each ([track_method])
METHOD_NOTES = {
    lang: [text.format(days=RUN_RATE_DAYS) for text in notes.values()] for lang, notes in table("track_method").items()
}


def section(r: TrackResult, lang: str) -> Section:
    w = WORDS[lang]
    tables = [_ytd_table(r, lang), _period_table(r, "week", lang), _period_table(r, "month", lang)]
    section = Section("track", w["section"], text=headline(r, lang) + [a.text(lang) for a in r.alerts], tables=tables)
    section.charts += [
        Chart("weeks_chart", w["weeks"], "bar", "weeks", "label", ("actual", "target_to_date")),
        Chart("months_chart", w["months"], "bar", "months", "label", ("actual", "target_to_date")),
    ]
    section.notes += METHOD_NOTES[lang] + r.notes
    return section


def report(r: TrackResult, lang: str) -> Report:
    from datetime import datetime

    y = r.total
    period = Period(r.year.start, r.as_of, f"{r.year.label}-to-{r.as_of.isoformat()}")
    last = r.calendar.year(r.calendar.year_of(r.year.start - timedelta(days=1)))
    ly_end = last.start + (r.as_of - r.year.start)
    previous = Period(last.start, min(ly_end, last.end), f"{last.label}-to-{min(ly_end, last.end).isoformat()}")
    name = r.metric_zh if lang == "zh" else r.metric_en
    kpi = Kpi(  # the year to date against the same days of last year (同比) and the target to date
        metric=r.metric,
        label=f"{name} {WORDS[lang]['ytd']}",
        unit=r.unit,
        value=y.actual,
        yoy=y.last_year,
        yoy_change=y.actual - y.last_year if y.actual is not None and y.last_year is not None else None,
        yoy_change_pct=y.yoy,
        target=y.target_to_date if y.through == r.as_of else None,
        achievement=y.achievement if y.through == r.as_of else None,
    )
    stores = ", ".join(r.stores)
    return Report(
        kind="track",
        lang=lang,  # type: ignore[arg-type]
        title=f"{stores} {WORDS[lang]['section']} {r.year.label}",
        stores=list(r.stores),
        currency=r.currency,
        period=period,
        previous=previous,
        yoy=previous,
        generated_at=datetime.now().replace(microsecond=0),
        summary=headline(r, lang)[:3] + [a.text(lang) for a in r.alerts][:2],
        kpis=[kpi],
        sections=[section(r, lang)],
        notes=[],
    )


__all__ = ["METHOD_NOTES", "WORDS", "Alert", "alerts", "headline", "report", "section", "target_notes"]
