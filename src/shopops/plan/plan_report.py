"""The plan as a report object: rendered to Excel (a sheet per level), HTML, Markdown and JSON by
:mod:`shopops.reports` like every other report.

Sections: the year and the stores, halves, quarters, months (chart), weeks (chart, festival nodes
marked), days (weekday, day off, festival and phase, uplift and where it came from), festival nodes,
and what the target takes (visitors and buyers per month and week, by channel, by product role and
hero product).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from shopops.i18n import LANGS, table, words
from shopops.plan.breakdown import PlanResult, each
from shopops.plan.needs import Needs
from shopops.reports.model import Chart, Column, Kpi, Period, Report, Section, Table

# the words live in the message catalogue (shopops/i18n/messages.toml): lang -> … -> text
WEEKDAYS = dict(zip(LANGS, words("weekday_short"), strict=True))  # Monday first
ROLE_NAMES = table("plan_role")
L: dict[str, dict[str, str]] = table("plan")


def _money(v: Any) -> str:
    return f"{Decimal(v):,.2f}"


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2%}"


def _none(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v


def build_plan_report(plan: PlanResult, needs: Needs | None = None, lang: str = "zh") -> Report:
    """The plan (and what it takes, when given) as a :class:`Report` of kind ``plan``."""
    t = L[lang]
    year = plan.year
    last = plan.calendar.year(plan.params.fiscal_year - 1)
    names = _festival_names(plan, lang)
    overall = plan.level("year").iloc[0]
    kpi = Kpi(
        metric=plan.metric,
        label=t["target"],
        unit="money",
        value=plan.total,
        yoy=_none(overall["last_year"]),
        yoy_change=(plan.total - overall["last_year"]) if _none(overall["last_year"]) is not None else None,
        yoy_change_pct=_none(overall["growth"]),
    )
    sections = [
        _overview(plan, t),
        _level(plan, "half", t["halves"], t, names),
        _level(plan, "quarter", t["quarters"], t, names),
        _level(plan, "month", t["months"], t, names, chart=True),
        _level(plan, "week", t["weeks"], t, names, chart=True),
        _days(plan, t, lang, names),
        _festivals(plan, t, lang),
    ]
    if needs is not None:
        sections += _needs(needs, t, lang)
    summary = _summary(plan, needs, t, lang, last.label)
    notes = list(plan.notes) + (list(needs.notes) if needs else [])
    return Report(
        kind="plan",
        lang=lang,  # type: ignore[arg-type]
        title=t["title"].format(fy=year.label, metric=plan.metric),
        stores=[sp.store for sp in plan.stores],
        currency=plan.currency,
        period=Period(year.start, year.end, year.label),
        previous=Period(last.start, last.end, last.label),
        yoy=None,
        generated_at=pd.Timestamp.now().to_pydatetime().replace(microsecond=0),
        summary=summary,
        kpis=[kpi],
        sections=[s for s in sections if s is not None],
        notes=notes,
    )


def _festival_names(plan: PlanResult, lang: str) -> dict[str, str]:
    f = plan.festivals
    if f.empty:
        return {}
    col = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(f["key"], f[col], strict=True))


def _summary(plan: PlanResult, needs: Needs | None, t: dict[str, str], lang: str, ly_label: str) -> list[str]:
    out = []
    y = plan.level("year").iloc[0]
    if _none(y["last_year"]) is not None:
        out.append(
            t["s_total"].format(
                fy=y["label"],
                target=_money(plan.total),
                ly_label=ly_label,
                ly=_money(y["last_year"]),
                growth=_pct(y["growth"]),
            )
        )
    else:
        out.append(t["s_total_no_ly"].format(fy=y["label"], target=_money(plan.total), ly_label=ly_label))
    h = plan.level("half")
    out.append(
        t["s_halves"].format(
            h1=_money(h["target"].iloc[0]),
            p1=f"{h['share'].iloc[0]:.1%}",
            h2=_money(h["target"].iloc[1]),
            p2=f"{h['share'].iloc[1]:.1%}",
        )
    )
    m = plan.level("month")
    top = m.iloc[int(m["share"].to_numpy().argmax())]
    out.append(t["s_peak"].format(m=top["label"], v=_money(top["target"]), p=f"{top['share']:.1%}"))
    f = plan.festivals
    if not f.empty:
        g = f.groupby("key", sort=False).agg(
            window_target=("window_target", lambda s: sum(s, Decimal(0))), node=("node", "first")
        )
        key = max(g.index, key=lambda k: g.loc[k, "window_target"])
        first = f[f["key"] == key].iloc[0]
        u = _none(first["node_uplift"])
        out.append(
            t["s_festival"].format(
                name=first["name_zh" if lang == "zh" else "name_en"],
                node=first["node"].isoformat(),
                v=_money(g.loc[key, "window_target"]),
                p=f"{float(g.loc[key, 'window_target'] / plan.total):.1%}",
                u="n/a" if u is None else f"{u:.2f}",
            )
        )
    if needs is not None and not needs.periods.empty:
        months = needs.periods[needs.periods["level"] == "month"]
        if months["visitors"].notna().all() and len(months):
            key = "s_needs_given" if (months["basis"] == "given").all() else "s_needs"
            out.append(
                t[key].format(visitors=f"{int(months['visitors'].sum()):,}", buyers=f"{int(months['buyers'].sum()):,}")
            )
    return out


def overview_section(plan: PlanResult, lang: str = "zh") -> Section:
    """The plan's overview section (the registered ``plan`` analysis presents it)."""
    return _overview(plan, L[lang])


def _overview(plan: PlanResult, t: dict[str, str]) -> Section:
    cols = [
        Column("store", t["store"]),
        Column("target", t["target"], "money"),
        Column("last_year", t["last_year"], "money"),
        Column("growth", t["growth"], "pct"),
        Column("share", t["share"], "ratio"),
        Column("source", t["source"]),
    ]
    rows = []
    for sp in plan.stores:
        rows.append(
            {
                "store": sp.store,
                "target": sp.target,
                "last_year": sp.last_year,
                "growth": float(sp.target / sp.last_year - 1) if sp.last_year else None,
                "share": float(sp.target / plan.total),
                "source": sp.source.replace("history", t["history"]).replace("default profile", t["default_profile"]),
            }
        )
    return Section("overview", t["overview"], tables=[Table("stores", t["overview"], cols, rows)])


def _nodes_in(plan: PlanResult, start: date, end: date, names: dict[str, str]) -> str:
    f = plan.festivals
    if f.empty:
        return ""
    inside = f[(f["node"] >= start) & (f["node"] <= end)].drop_duplicates("key")
    return "、".join(names.get(k, k) for k in inside["key"])


def _level(
    plan: PlanResult, level: str, title: str, t: dict[str, str], names: dict[str, str], chart: bool = False
) -> Section:
    cols = [
        Column("period", t["period"]),
        Column("start", t["start"], "date"),
        Column("end", t["end"], "date"),
        Column("days", t["days"], "count"),
        Column("target", t["target"], "money"),
        Column("share", t["share"], "ratio"),
        Column("last_year", t["last_year"], "money"),
        Column("growth", t["growth"], "pct"),
        Column("festivals", t["festivals"]),
    ]
    rows = [
        {
            "period": r.label,
            "start": r.start,
            "end": r.end,
            "days": int(r.days),
            "target": r.target,
            "share": r.share,
            "last_year": _none(r.last_year),
            "growth": _none(r.growth),
            "festivals": _nodes_in(plan, r.start, r.end, names),
        }
        for r in each(plan.level(level))
    ]
    tables = [Table(level, title, cols, rows)]
    if len(plan.stores) > 1:  # the same level per store, side by side
        by_store = plan.spans[(plan.spans["level"] == level) & (plan.spans["store"] != "")]
        scols = [Column("period", t["period"])] + [Column(sp.store, sp.store, "money") for sp in plan.stores]
        srows: dict[str, dict[str, Any]] = {}
        for r in each(by_store):
            srows.setdefault(r.label, {"period": r.label})[r.store] = r.target
        tables.append(Table(f"{level}_by_store", f"{title} · {t['store']}", scols, list(srows.values())))
    charts = []
    if chart:
        kind = "bar" if level == "month" else "line"
        charts.append(Chart(level, title, kind, level, "period", ("target", "last_year")))  # type: ignore[arg-type]
    return Section(level, title, tables=tables, charts=charts)


def _days(plan: PlanResult, t: dict[str, str], lang: str, names: dict[str, str]) -> Section:
    cols = [
        Column("store", t["store"]),
        Column("date", t["date"], "date"),
        Column("weekday", t["weekday"]),
        Column("week", t["weeks"]),
        Column("month", t["months"]),
        Column("day_off", t["day_off"]),
        Column("festival", t["festival"]),
        Column("phase", t["phase"]),
        Column("uplift", t["uplift"], "number"),
        Column("uplift_source", t["uplift_source"]),
        Column("target", t["target"], "money"),
        Column("last_year", t["last_year"], "money"),
    ]
    phase = {"pre": t["pre"], "tail": t["tail"], "node": t["node_p"]}
    rows = [
        {
            "store": r.store,
            "date": r.date,
            "weekday": WEEKDAYS[lang][r.weekday],
            "week": r.week,
            "month": r.month,
            "day_off": t["yes"] if r.day_off else "",
            "festival": names.get(r.festival, r.festival) if isinstance(r.festival, str) else "",
            "phase": phase.get(r.phase, "") if isinstance(r.phase, str) else "",
            "uplift": float(r.uplift),
            "uplift_source": t[r.uplift_source],
            "target": r.target,
            "last_year": _none(r.last_year),
        }
        for r in each(plan.days)
    ]
    return Section("days", t["days_s"], tables=[Table("days", t["days_s"], cols, rows)])


def _festivals(plan: PlanResult, t: dict[str, str], lang: str) -> Section | None:
    f = plan.festivals
    if f.empty:
        return None
    cols = [
        Column("store", t["store"]),
        Column("festival", t["festival"]),
        Column("node", t["node"], "date"),
        Column("window", t["window"]),
        Column("uplift", t["uplift"], "number"),
        Column("source", t["uplift_source"]),
        Column("aligned", t["aligned"], "date"),
        Column("window_target", t["window_target"], "money"),
        Column("share", t["share"], "ratio"),
    ]
    rows = [
        {
            "store": r.store,
            "festival": r.name_zh if lang == "zh" else r.name_en,
            "node": r.node,
            "window": f"{r.start.isoformat()}..{r.end.isoformat()}",
            "uplift": _none(r.node_uplift),
            "source": t[r.source],
            "aligned": _none(r.aligned_node),
            "window_target": r.window_target,
            "share": r.window_share,
        }
        for r in each(f)
    ]
    return Section("festivals", t["festivals_s"], tables=[Table("festivals", t["festivals_s"], cols, rows)])


def _needs(needs: Needs, t: dict[str, str], lang: str) -> Sequence[Section]:
    cols = [
        Column("store", t["store"]),
        Column("period", t["period"]),
        Column("target", t["target"], "money"),
        Column("cvr", t["cvr"], "ratio"),
        Column("aov", t["aov"], "money_per"),
        Column("buyers", t["buyers"], "count"),
        Column("visitors", t["visitors"], "count"),
        Column("uv_value", t["uv_value"], "money_per"),
        Column("basis", t["basis"]),
    ]
    tables = []
    for level, title in (("month", t["months"]), ("week", t["weeks"])):
        p = needs.periods
        p = p[p["level"] == level] if not p.empty else p
        rows = [
            {
                "store": r.store,
                "period": r.label,
                "target": r.target,
                "cvr": _none(r.cvr),
                "aov": _none(r.aov),
                "buyers": _none(r.buyers),
                "visitors": _none(r.visitors),
                "uv_value": _none(r.uv_value),
                "basis": r.basis,
            }
            for r in each(p)
        ]
        tables.append(Table(f"needs_{level}", f"{t['needs']} · {title}", cols, rows))
    out = [Section("needs", t["needs"], tables=tables)]
    if not needs.channels.empty:
        ccols = [
            Column("store", t["store"]),
            Column("period", t["period"]),
            Column("channel", t["channel"]),
            Column("share", t["share"], "ratio"),
            Column("visitors", t["visitors"], "count"),
        ]
        tables_c = []
        for level, title in (("month", t["months"]), ("week", t["weeks"])):
            part = needs.channels[needs.channels["level"] == level]
            crows = [
                {
                    "store": r.store,
                    "period": r.label,
                    "channel": r.channel,
                    "share": r.share,
                    "visitors": int(r.visitors),
                }
                for r in each(part)
            ]
            tables_c.append(Table(f"channels_{level}", f"{t['channels']} · {title}", ccols, crows))
        out.append(Section("channels", t["channels"], tables=tables_c))
    if not needs.roles.empty:
        roles = ROLE_NAMES[lang]
        rcols = [
            Column("store", t["store"]),
            Column("role", t["role"]),
            Column("share", t["share"], "ratio"),
            Column("target", t["target"], "money"),
        ]
        rrows = [
            {"store": r.store, "role": roles.get(r.role, r.role), "share": r.share, "target": r.target}
            for r in each(needs.roles)
        ]
        hcols = [
            Column("store", t["store"]),
            Column("role", t["role"]),
            Column("sku", t["sku"]),
            Column("title", t["title_col"]),
            Column("share", t["share"], "ratio"),
            Column("target", t["target"], "money"),
            Column("avg_price", t["avg_price"], "money_per"),
            Column("units", t["units"], "count"),
            Column("last_year", t["last_year"], "money"),
        ]
        hrows = [
            {
                "store": r.store,
                "role": roles.get(r.role, r.role),
                "sku": r.sku,
                "title": r.title,
                "share": r.share_of_role,
                "target": r.target,
                "avg_price": _none(r.avg_price),
                "units": _none(r.units),
                "last_year": r.last_year,
            }
            for r in each(needs.products)
        ]
        mcols = [Column("store", t["store"]), Column("period", t["period"])] + [
            Column(f"role_{r}", roles.get(r, r), "money") for r in dict.fromkeys(needs.roles["role"])
        ]
        mrows: dict[tuple[str, str], dict[str, Any]] = {}
        for r in each(needs.roles_by_month):
            mrows.setdefault((r.store, r.label), {"store": r.store, "period": r.label})[f"role_{r.role}"] = r.target
        out.append(
            Section(
                "products",
                t["products"],
                tables=[
                    Table("roles", t["roles"], rcols, rrows),
                    Table("roles_by_month", f"{t['roles']} · {t['months']}", mcols, list(mrows.values())),
                    Table("heroes", t["heroes"], hcols, hrows),
                ],
            )
        )
    return out


__all__ = ["build_plan_report"]
