"""Reconciliation: the statistical baseline and the teams' numbers (sales, finance, market) into one
proposed target, with the method shown.

Practitioners set a year's target from three views — sales' estimate, finance's feasible number,
marketing's market view — reconciled by the boss (docs/forecast.md). :func:`reconcile` puts the
baseline forecast beside them and proposes a target by a stated rule:

``median`` (the default)
    the middle number. Robust: one wild view (an optimistic sales number, a cautious finance one)
    moves it at most to the next number, and it needs no weights anyone must defend.
``mean``
    every number counts the same.
``weighted``
    the boss's own weights (``weights={"baseline": 2, "sales": 1, …}``, 1 for a number not named),
    normalised to sum to 1. (Weights inversely proportional to the distance from the median were
    considered and dropped: the signs of the deviations cancel, so they return the median itself.)

Every figure is a Decimal; the target is rounded to the cent.

>>> r = reconcile(Decimal("10000000"), {"sales": Decimal("12000000"), "finance": Decimal("9000000")})
>>> r.target, r.formula
(Decimal('10000000.00'), '1 × 10,000,000.00 = 10,000,000.00')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from shopops.errors import ConfigError, InputError
from shopops.i18n import table

CENT = Decimal("0.01")

Method = Literal["median", "mean", "weighted"]
METHODS: tuple[Method, ...] = ("median", "mean", "weighted")
BASELINE = "baseline"


@dataclass(frozen=True)
class View:
    """One team's number for the period (sales, finance, market …); ``months`` when it came from a file."""

    name: str
    amount: Decimal
    months: Mapping[str, Decimal] | None = None
    source: str = ""


@dataclass(frozen=True)
class ViewLine:
    """A number entering the reconciliation, its difference to the baseline and its weight."""

    name: str
    amount: Decimal
    diff: Decimal
    diff_pct: float
    weight: Decimal


@dataclass(frozen=True)
class Reconciliation:
    """The proposed target from the baseline and the views, with the method shown."""

    baseline: Decimal
    method: Method
    lines: tuple[ViewLine, ...]  # the baseline first, then the views in the order given
    target: Decimal

    @property
    def formula(self) -> str:
        """The arithmetic that produced the target, with the numbers in it."""
        used = [ln for ln in self.lines if ln.weight]
        terms = " + ".join(f"{format_weight(ln.weight)} × {ln.amount:,.2f}" for ln in used)
        return f"{terms} = {self.target:,.2f}"

    def explain(self, lang: Literal["zh", "en"] = "zh") -> list[str]:
        """The method in plain words, then the formula."""
        n = len(self.lines)
        text = _EXPLAIN[lang][self.method].format(n=n)
        return [text, _EXPLAIN[lang]["computed"] + self.formula]


#: each method in plain words, and "computed", per language ([reconcile] in shopops/i18n/messages.toml)
_EXPLAIN: dict[str, dict[str, str]] = table("reconcile")


def format_weight(weight: Decimal) -> str:
    """A weight to four decimals without trailing zeros: 0.5, 0.3333, 1, 0."""
    return f"{weight:.4f}".rstrip("0").rstrip(".")


def reconcile(
    baseline: Decimal,
    views: Mapping[str, Decimal],
    method: Method = "median",
    weights: Mapping[str, Decimal] | None = None,
) -> Reconciliation:
    """Combine the statistical ``baseline`` and the teams' ``views`` into a proposed target.

    >>> r = reconcile(Decimal("100"), {"sales": Decimal("130"), "finance": Decimal("90")}, method="mean")
    >>> r.target, [ln.diff for ln in r.lines]
    (Decimal('106.67'), [Decimal('0'), Decimal('30'), Decimal('-10')])
    """
    if method not in METHODS:
        raise ConfigError(f"unknown method {method!r}", hint=f"use one of: {', '.join(METHODS)}")
    if not views:
        raise ConfigError("no views to reconcile", hint="give at least one: --view sales=12000000")
    if BASELINE in views:
        raise ConfigError(f"a view cannot be named {BASELINE!r}", hint="name views after their team: sales, finance…")
    names = [BASELINE, *views]
    amounts = [Decimal(baseline), *(Decimal(v) for v in views.values())]
    if method == "weighted":
        shares = _given_weights(names, weights or {})
    elif weights:
        raise ConfigError(f"weights apply to --method weighted, not {method}", hint="add --method weighted")
    else:
        shares = _median_weights(amounts) if method == "median" else _mean_weights(amounts)
    target = sum((w * a for w, a in zip(shares, amounts, strict=True)), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    lines = tuple(
        ViewLine(
            name=n,
            amount=a,
            diff=a - Decimal(baseline),
            diff_pct=float((a - baseline) / baseline) if baseline else math.nan,
            weight=w,
        )
        for n, a, w in zip(names, amounts, shares, strict=True)
    )
    return Reconciliation(baseline=Decimal(baseline), method=method, lines=lines, target=target)


def _median_weights(amounts: Sequence[Decimal]) -> list[Decimal]:
    order = sorted(range(len(amounts)), key=lambda i: amounts[i])
    n = len(order)
    middle = [order[n // 2]] if n % 2 else [order[n // 2 - 1], order[n // 2]]
    return [Decimal(1) / len(middle) if i in middle else Decimal(0) for i in range(n)]


def _mean_weights(amounts: Sequence[Decimal]) -> list[Decimal]:
    return [Decimal(1) / len(amounts)] * len(amounts)


def _given_weights(names: Sequence[str], weights: Mapping[str, Decimal]) -> list[Decimal]:
    unknown = [k for k in weights if k not in names]
    if unknown:
        raise ConfigError(f"weight for {', '.join(unknown)}, which is not a view", hint=f"numbers: {', '.join(names)}")
    raw = [Decimal(weights.get(n, 1)) for n in names]
    if any(w < 0 for w in raw) or not sum(raw):
        raise ConfigError("weights must be zero or more and not all zero", hint="e.g. --weight baseline=2")
    total = sum(raw, Decimal(0))
    return [w / total for w in raw]


def target_months(target: Decimal, baseline_months: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The proposed target split over months in the baseline's shape (cents: the last month takes the rest)."""
    total = sum(baseline_months.values(), Decimal(0))
    if not total:
        return {m: Decimal(0) for m in baseline_months}
    out: dict[str, Decimal] = {}
    for m, v in baseline_months.items():
        out[m] = (target * v / total).quantize(CENT, ROUND_HALF_UP)
    last = list(out)[-1]
    out[last] += target - sum(out.values(), Decimal(0))
    return out


# ---------------------------------------------------------------- views from the command line

_MONTH_HEADERS = ("month", "月份", "月")
_AMOUNT_HEADERS = ("amount", "金额", "target", "目标", "forecast", "预测")


def parse_view(text: str, months: Sequence[str]) -> View:
    """``NAME=NUMBER`` or ``NAME=FILE`` (CSV or Excel of month, amount rows over ``months``, YYYY-MM)."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise ConfigError(f"--view {text!r}: expected NAME=NUMBER or NAME=FILE", hint="e.g. --view sales=12000000")
    number = parse_amount(value)
    if number is not None:
        return View(name=name, amount=number, source="number")
    path = Path(value).expanduser()
    if not path.exists():
        raise InputError(f"view {name}: {value!r} is neither a number nor an existing file")
    by_month = read_view_file(path, months)
    return View(name=name, amount=sum(by_month.values(), Decimal(0)), months=by_month, source=str(path))


_UNITS = {
    "万": Decimal(10_000),
    "w": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
}


def parse_amount(text: str) -> Decimal | None:
    """12000000, 12,000,000, ¥12000000, 1200万 (or 1200w), 0.12亿, 12m, 500k → Decimal; None if it is
    not an amount. Used for targets and views alike."""
    cleaned = text.replace(",", "").replace("_", "").replace("¥", "").replace("$", "").replace(" ", "").lower()
    scale = _UNITS.get(cleaned[-1:], Decimal(1))
    try:
        value = Decimal(cleaned[:-1] if scale != 1 else cleaned) * scale
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def read_view_file(path: Path, months: Sequence[str]) -> dict[str, Decimal]:
    """A view's month → amount from a CSV or Excel file; months as YYYY-MM, YYYY-MM-DD or 1..12
    (a month number of the period ``months``)."""
    import pandas as pd

    try:
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, engine="calamine")
        else:
            frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", skipinitialspace=True)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read it: {exc}", file=str(path), hint="give a CSV or .xlsx file") from exc
    columns = [str(c).strip().lower() for c in frame.columns]
    month_col = next((i for i, c in enumerate(columns) if c in _MONTH_HEADERS), 0)
    amount_col = next((i for i, c in enumerate(columns) if c in _AMOUNT_HEADERS), 1)
    if frame.shape[1] < 2:
        raise InputError("expected two columns: month, amount", file=str(path))
    out: dict[str, Decimal] = {}
    for row, (m, a) in enumerate(zip(frame.iloc[:, month_col], frame.iloc[:, amount_col], strict=True), start=2):
        month = _month(str(m).strip(), months)
        amount = parse_amount(str(a))
        if month is None:
            raise InputError(
                f"month {m!r} is not one of the period's months ({months[0]}..{months[-1]})",
                file=str(path), row=row, column=str(frame.columns[month_col]),
                hint="write months as YYYY-MM",
            )  # fmt: skip
        if amount is None:
            raise InputError(
                f"amount {a!r} is not a number", file=str(path), row=row, column=str(frame.columns[amount_col])
            )
        if month in out:
            raise InputError(f"month {month} appears twice", file=str(path), row=row)
        out[month] = amount
    if not out:
        raise InputError("no month rows", file=str(path), hint="one row per month: month,amount")
    return {m: out[m] for m in months if m in out}


def _month(text: str, months: Sequence[str]) -> str | None:
    if text.isdigit() and 1 <= int(text) <= 12:
        found = [m for m in months if int(m[5:7]) == int(text)]
        return found[0] if len(found) == 1 else None
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?!\d)", text)
    if match is None:
        return None
    month = f"{match.group(1)}-{int(match.group(2)):02d}"
    return month if month in months else None
