"""Exact allocation (精确到分的拆分): an amount split in proportion to weights into whole cents that sum
to it, and a year's target split down its fiscal levels by day weights (:mod:`shopops.plan.breakdown`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from shopops.calendar.fiscal import FiscalCalendar, Span

CENT = Decimal("0.01")


def allocate(total: Decimal, weights: Sequence[float]) -> list[Decimal]:
    """Split ``total`` (to the cent) in proportion to ``weights``: whole cents that sum to ``total``.

    Largest remainder (Hamilton): each part gets the floor of its exact share in cents, and the
    cents left go to the largest fractional parts (the earlier part on ties). All-zero weights split
    evenly.

    >>> allocate(Decimal("100.00"), [1, 1, 1])
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    """
    cents = int((total / CENT).to_integral_value())
    if Decimal(cents) * CENT != total:
        raise ValueError(f"{total} is not a whole number of cents")
    n = len(weights)
    if n == 0:
        raise ValueError("nothing to allocate to")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    ws = [float(w) for w in weights]
    whole = sum(ws)
    if whole <= 0:
        ws, whole = [1.0] * n, float(n)
    # exact shares as fractions of cents: floor then hand out the remainder by largest fraction
    shares = [cents * w / whole for w in ws]
    floors = [int(s // 1) for s in shares]
    floors = [max(0, min(f, cents)) for f in floors]
    left = cents - sum(floors)
    order = sorted(range(n), key=lambda i: (-(shares[i] - floors[i]), i))
    i = 0
    while left != 0:  # float shares can misjudge by a cent at most per part; settle exactly
        j = order[i % n]
        if left > 0:
            floors[j] += 1
            left -= 1
        elif floors[j] > 0:
            floors[j] -= 1
            left += 1
        i += 1
    return [Decimal(c) * CENT for c in floors]


def split_target(
    cal: FiscalCalendar, fy: int, target: Decimal, weight: Mapping[date, float]
) -> tuple[dict[date, Decimal], list[tuple[Span, Decimal]]]:
    """``target`` split down the chain of nested levels of fiscal year ``fy`` by the day ``weight``s:
    the day values and every span with its value (year, halves, quarters, months, weeks, days).
    Natural weeks, which cross month ends, are the sums of their days."""
    chain = ["half", "quarter", "month"] + (["week"] if cal.weeks_nest_in_months() else [])
    year = cal.year(fy)
    values: dict[str, Decimal] = {year.label: target}
    spans: list[tuple[Span, Decimal]] = [(year, target)]
    parents = {year.label: year}
    for level in chain:
        children = cal.spans(fy, level)  # type: ignore[arg-type]
        by_parent: dict[str, list[Span]] = defaultdict(list)
        for c in children:
            by_parent[c.parent or year.label].append(c)
        for parent_label, kids in by_parent.items():
            parts = allocate(values[parent_label], [sum(weight[d] for d in k.dates()) for k in kids])
            for k, v in zip(kids, parts, strict=True):
                values[k.label] = v
                spans.append((k, v))
                parents[k.label] = k
    leaf = chain[-1]
    days: dict[date, Decimal] = {}
    for span in cal.spans(fy, leaf):  # type: ignore[arg-type]
        dates = list(span.dates())
        for d, v in zip(dates, allocate(values[span.label], [weight[d] for d in dates]), strict=True):
            days[d] = v
    if leaf != "week":
        for w in cal.weeks(fy):
            spans.append((w, sum((days[d] for d in w.dates()), Decimal("0.00"))))
    for day in cal.days(fy):
        spans.append((day, days[day.start]))
    return days, spans


__all__ = ["CENT", "allocate", "split_target"]
