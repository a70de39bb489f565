"""What a plan takes: visitors, buyers, channels and products behind each month's and week's target.

支付金额 = 访客数 × 支付转化率 × 客单价, read backwards: a period's target needs
``buyers = target ÷ 客单价`` and ``visitors = buyers ÷ 支付转化率`` (both rounded up).

* **Conversion and 客单价** come from the same period a year earlier (months: the same calendar
  dates; weeks: 364 days earlier, same weekdays), per store; where that period has no traffic, from
  the whole previous fiscal year; the user may give both (``cvr``, ``aov``) for every period.
* **From where**: each month's visitors are split over traffic sources (channels) by their share of
  visitors in the same month last year.
* **On which products**: the year's target is split over product roles (引流款, 利润款, 形象款,
  定制款, and products without a role) by their share of last year's sales, then over each role's
  top products by their share within the role; units = amount ÷ last year's average unit price.
  Roles come from :mod:`shopops.analyses.products` (``products.role`` from an import, else the
  documented percentile rules).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from shopops.analyses.products import ProductsParams, products
from shopops.calendar.grains import add_months
from shopops.errors import QueryError
from shopops.metrics.query import query
from shopops.plan.breakdown import PlanResult, allocate, each

ROLES = ("traffic", "profit", "image", "custom", "")


@dataclass
class Needs:
    """``periods``: per store, month and week — target, the conversion and 客单价 used and where they
    came from, buyers and visitors needed; ``channels``: per store, month or week and channel — share
    and visitors; ``roles``: per store and role — share of last year's sales and the year's amount;
    ``roles_by_month``: each month's target per role; ``products``: per store, role and top product —
    share, amount and units."""

    periods: pd.DataFrame
    channels: pd.DataFrame
    roles: pd.DataFrame
    products: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    roles_by_month: pd.DataFrame = field(default_factory=pd.DataFrame)


def _num(v: Any) -> float | None:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def _ratio_of(uv: Any, buyers: Any, paid: Any) -> tuple[float | None, float | None]:
    u, b, p = _num(uv), _num(buyers), _num(paid)
    cvr = b / u if u and b is not None else None
    aov = p / b if b and p is not None else None
    return cvr, aov


def _year_ago(level: str, start: date, end: date) -> tuple[date, date]:
    if level == "week":
        return start - timedelta(days=364), end - timedelta(days=364)
    return add_months(start, -12), add_months(end + timedelta(days=1), -12) - timedelta(days=1)


class _Basis:
    """Last year's conversion and 客单价 per store and period, from as few queries as the calendar allows:
    calendar months in one query (grain month), weeks from the ISO week 364 days earlier that holds the
    week's middle day (grain week); periods of a retail calendar one query each."""

    def __init__(self, wh: Any, plan: PlanResult) -> None:
        self.wh = wh
        self.plan = plan
        self.stores = [sp.store for sp in plan.stores]
        last = plan.calendar.year(plan.params.fiscal_year - 1)
        self.year = self._frame(last.start, last.end, "total")
        self.months = self._frame(last.start, last.end, "month") if plan.calendar.pattern == "calendar" else None
        self.weeks = self._frame(last.start - timedelta(days=7), last.end + timedelta(days=7), "week")

    def _frame(self, start: date, end: date, grain: str) -> dict[tuple[str, date], tuple[float | None, float | None]]:
        f = query(
            self.wh,
            ["uv", "buyers", "paid_amount"],
            start=start,
            end=end,
            grain=grain,
            by=["store"],
            where={"store": self.stores},
        )
        return {(str(r.store), r.period_start): _ratio_of(r.uv, r.buyers, r.paid_amount) for r in each(f)}

    def last_year(self, store: str) -> tuple[float | None, float | None]:
        for (s, _), v in self.year.items():
            if s == store:
                return v
        return None, None

    def period(self, store: str, level: str, start: date, end: date) -> tuple[float | None, float | None]:
        if level == "week":
            mid = start + (end - start) / 2 - timedelta(days=364)
            return self.weeks.get((store, mid - timedelta(days=mid.weekday())), (None, None))
        first, last = _year_ago(level, start, end)
        if self.months is not None and first.day == 1:
            return self.months.get((store, first), (None, None))
        f = query(self.wh, ["uv", "buyers", "paid_amount"], start=first, end=last, where={"store": store})
        return _ratio_of(f["uv"].iloc[0], f["buyers"].iloc[0], f["paid_amount"].iloc[0])


def requirements(
    project: Any, plan: PlanResult, *, cvr: float | None = None, aov: float | None = None, top: int = 5
) -> Needs:
    """Visitors, buyers, channels and products behind the plan of ``paid_amount`` (see the module docstring)."""
    if plan.metric != "paid_amount":
        raise QueryError(
            f"visitors and buyers follow from a paid_amount plan, not {plan.metric}",
            hint="plan paid_amount to see what it takes",
        )
    if cvr is not None and not 0 < cvr <= 1:
        raise QueryError(f"--cvr is a rate between 0 and 1 (e.g. 0.035 for 3.5%), not {cvr}")
    if aov is not None and not aov > 0:
        raise QueryError(f"--aov must be positive, not {aov}")
    wh = project.warehouse
    fy = plan.params.fiscal_year
    last = plan.calendar.year(fy - 1)
    notes: list[str] = []
    rows = []
    basis_of = _Basis(wh, plan)
    for sp in plan.stores:
        year_cvr, year_aov = basis_of.last_year(sp.store)
        if (cvr is None and year_cvr is None) or (aov is None and year_aov is None):
            notes.append(
                f"{sp.store}: no visitors or buyers in {last.label} to read conversion and 客单价 from; "
                "give them with --cvr and --aov to see the visitors needed"
            )
        for level in ("month", "week"):
            for r in each(plan.level(level, sp.store)):
                basis = "given"
                c, a = cvr, aov
                if c is None or a is None:
                    lc, la = basis_of.period(sp.store, level, r.start, r.end)
                    basis = "last year's period"
                    if (c is None and lc is None) or (a is None and la is None):
                        lc, la, basis = year_cvr, year_aov, f"{last.label} average"
                    c = c if c is not None else lc
                    a = a if a is not None else la
                buyers = math.ceil(float(r.target) / a) if a else None
                visitors = math.ceil(buyers / c) if buyers is not None and c else None
                rows.append(
                    {
                        "store": sp.store,
                        "level": level,
                        "label": r.label,
                        "start": r.start,
                        "end": r.end,
                        "target": r.target,
                        "cvr": c,
                        "aov": a,
                        "basis": basis,
                        "buyers": buyers,
                        "visitors": visitors,
                        "uv_value": float(r.target) / visitors if visitors else None,
                    }
                )
    periods = pd.DataFrame(rows)
    channels = _channels(wh, plan, periods, notes)
    roles, prods = _products(project, plan, last.start, last.end, top, notes)
    return Needs(periods, channels, roles, prods, notes, _roles_by_month(plan, roles))


def _roles_by_month(plan: PlanResult, roles: pd.DataFrame) -> pd.DataFrame:
    """Each month's target split over the product roles by their share of last year's sales."""
    rows = []
    for sp in plan.stores:
        own = roles[roles["store"] == sp.store]
        if own.empty:
            continue
        for m in each(plan.level("month", sp.store)):
            for role, amount in zip(own["role"], allocate(m.target, [float(x) for x in own["share"]]), strict=True):
                rows.append({"store": sp.store, "label": m.label, "role": role, "target": amount})
    return pd.DataFrame(rows, columns=["store", "label", "role", "target"])


def _channels(wh: Any, plan: PlanResult, periods: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Each month's and week's visitors split over traffic sources by their share of visitors in the
    same period last year (months: the same calendar month; weeks: the ISO week 364 days earlier
    holding the week's middle day), in whole visitors that add up to the period's."""
    rows = []
    last = plan.calendar.year(plan.params.fiscal_year - 1)
    stores = [sp.store for sp in plan.stores]
    monthly = None
    if plan.calendar.pattern == "calendar":  # calendar months: one query for the year
        monthly = query(
            wh, ["uv"], start=last.start, end=last.end, grain="month", by=["store", "channel"], where={"store": stores}
        )
    weekly = query(
        wh,
        ["uv"],
        start=last.start - timedelta(days=7),
        end=last.end + timedelta(days=7),
        grain="week",
        by=["store", "channel"],
        where={"store": stores},
    )
    for sp in plan.stores:
        own = periods[periods["store"] == sp.store]
        for r in each(own):
            if r.visitors is None or r.visitors != r.visitors:
                continue
            if r.level == "week":
                mid = r.start + (r.end - r.start) / 2 - timedelta(days=364)
                f = weekly[
                    (weekly["store"] == sp.store) & (weekly["period_start"] == mid - timedelta(days=mid.weekday()))
                ]
            elif monthly is not None:
                f = monthly[
                    (monthly["store"] == sp.store) & (monthly["period_start"] == _year_ago("month", r.start, r.end)[0])
                ]
            else:
                first, end = _year_ago("month", r.start, r.end)
                f = query(wh, ["uv"], start=first, end=end, by=["channel"], where={"store": sp.store})
            f = f[[(_num(v) or 0) > 0 for v in f["uv"]]]
            if f.empty:
                continue
            total = float(f["uv"].sum())
            shares = [float(v) / total for v in f["uv"]]
            # whole visitors per channel that sum to the period's: the exact split of money, in units
            parts = allocate(Decimal(int(r.visitors)) / 100, shares)
            for ch, share, part in zip(f["channel"], shares, parts, strict=True):
                rows.append(
                    {
                        "store": sp.store,
                        "level": r.level,
                        "label": r.label,
                        "channel": ch,
                        "share": share,
                        "visitors": int(part * 100),
                    }
                )
        if not any(row["store"] == sp.store for row in rows):
            notes.append(f"{sp.store}: no traffic by source last year; visitors are not split by channel")
    return pd.DataFrame(rows, columns=["store", "level", "label", "channel", "share", "visitors"])


def _products(
    project: Any, plan: PlanResult, start: date, end: date, top: int, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    stores = tuple(sp.store for sp in plan.stores)
    result = products(project, ProductsParams(start, end, stores=stores))
    frame = result.products
    role_rows, product_rows = [], []
    for sp in plan.stores:
        own = frame[frame["store"] == sp.store].copy()
        if own.empty:
            notes.append(f"{sp.store}: no product sales last year; the target is not split by product")
            continue
        own["role"] = [r if isinstance(r, str) else "" for r in own["role"]]
        own["sales_f"] = [float(v) for v in own["sales"]]
        total = own["sales_f"].sum()
        if total <= 0:
            continue
        by_role = own.groupby("role")["sales_f"].sum()
        roles = [r for r in ROLES if r in by_role.index] + [r for r in by_role.index if r not in ROLES]
        amounts = allocate(sp.target, [float(by_role[r]) for r in roles])
        for role, amount in zip(roles, amounts, strict=True):
            role_rows.append({"store": sp.store, "role": role, "share": float(by_role[role]) / total, "target": amount})
            inside = own[own["role"] == role].sort_values(["sales_f", "sku"], ascending=[False, True])
            role_total = float(by_role[role])
            for p in each(inside.head(top)):
                share = p.sales_f / role_total if role_total else 0.0
                amt = (amount * Decimal(str(share))).quantize(Decimal("0.01"))
                price = float(p.sales_f) / float(p.units) if p.units else None
                product_rows.append(
                    {
                        "store": sp.store,
                        "role": role,
                        "sku": p.sku,
                        "title": p.title if isinstance(p.title, str) else "",
                        "share_of_role": share,
                        "target": amt,
                        "avg_price": price,
                        "units": math.ceil(float(amt) / price) if price else None,
                        "last_year": Decimal(str(p.sales)).quantize(Decimal("0.01")),
                    }
                )
    notes += [n for n in result.notes if "unit cost" in n]
    return (
        pd.DataFrame(role_rows, columns=["store", "role", "share", "target"]),
        pd.DataFrame(
            product_rows,
            columns=["store", "role", "sku", "title", "share_of_role", "target", "avg_price", "units", "last_year"],
        ),
    )


__all__ = ["Needs", "requirements"]
