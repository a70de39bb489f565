"""Period comparisons: 环比 (day-on-day, WoW, MoM, QoQ) and 同比 (YoY by date or by weekday).

The previous figures come from the same query run over the range moved back by the comparison's
offset (so a partial week is compared with the same days of the week before), joined on the
period moved back by the same offset and on the dimensions. For each metric ``m`` the result gets

- ``m_prev``: the previous period's value;
- ``m_change``: ``m − m_prev`` (Decimal for money, integer for counts, float for ratios);
- ``m_change_pct``: ``(m − m_prev) / |m_prev|`` as a float; NULL when ``m_prev`` is 0 or missing.

For ratios ``m_change`` is the change in points of the ratio itself (0.012 = 1.2 percentage points).

>>> from shopops.metrics.catalogue import load_catalogue
>>> c = load_catalogue().compares["yoy_weekday"]
>>> (c.days, c.grains)
(364, ('total', 'day', 'week'))
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from shopops.metrics.catalogue import Catalogue


def join_previous(current: ir.Table, previous: ir.Table, q: object, cat: Catalogue) -> ir.Table:
    """``current`` with ``_prev``, ``_change`` and ``_change_pct`` columns from ``previous``."""
    from shopops.metrics.query import KEY, MetricQuery

    assert isinstance(q, MetricQuery) and q.compare is not None
    c = cat.compares[q.compare]
    offset = ibis.interval(days=c.days) if c.days else ibis.interval(months=c.months)
    p = previous.select(
        _p_key=previous[KEY],
        **{f"_p_{d}": previous[d] for d in q.by},
        **{f"{m}_prev": previous[m] for m in q.metrics},
    )
    # moving back by whole months clamps month ends (2024-03-31 -> 2024-02-29), as calendar.shift does
    back = (current[KEY] - offset).cast("date")
    joined = current.left_join(p, [p._p_key == back, *[current[d] == p[f"_p_{d}"] for d in q.by]])
    cols: list[ir.Value] = [joined[KEY], *[joined[d] for d in q.by]]
    for m in q.metrics:
        now, before = joined[m], joined[f"{m}_prev"]
        change = (now - before).cast(now.type())  # type: ignore[operator]
        pct = (now.cast("float64") - before.cast("float64")) / before.cast("float64").abs().nullif(0)
        cols += [
            now.name(m),
            before.name(f"{m}_prev"),
            change.name(f"{m}_change"),
            pct.cast(dt.float64).name(f"{m}_change_pct"),
        ]
    return joined.select(*cols).order_by([KEY, *q.by])


__all__ = ["join_previous"]
