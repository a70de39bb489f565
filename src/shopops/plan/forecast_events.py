"""The festival and public-holiday features of the forecast (:mod:`shopops.plan.forecast`): the events
of a store's market over a span of days, as Prophet's ``holidays`` table and as dummy columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from shopops.calendar import festivals as fest

if TYPE_CHECKING:
    from shopops.settings import CampaignConfig, StoreConfig

Market = fest.Market


# ---------------------------------------------------------------- festival and holiday features


@dataclass(frozen=True)
class Events:
    """The festivals (with their windows) and make-up workdays around a date range, for one market."""

    market: Market
    festivals: tuple[fest.Festival, ...]
    makeup_workdays: frozenset[date]
    official_years: frozenset[int]  # years whose official days off are known

    @classmethod
    def load(
        cls,
        first: date,
        last: date,
        market: Market,
        *,
        campaigns: Sequence[CampaignConfig] = (),
        extra: Path | None = None,
    ) -> Events:
        found = fest.festivals_between(first, last, market=market, campaigns=campaigns, extra=extra)
        years = range(first.year, last.year + 1)
        official = [o for y in years for o in fest.official_days(y, extra=extra)] if market == "cn" else []
        return cls(
            market=market,
            festivals=tuple(found),
            makeup_workdays=frozenset(o.day for o in official if not o.off),
            official_years=frozenset(o.day.year for o in official),
        )

    def anchor(self, d: date) -> tuple[str, int] | None:
        """The first festival whose window holds ``d`` and the days from its node, else None."""
        return next(((f.key, (d - f.day).days) for f in self.festivals if f.start <= d <= f.end), None)

    def node(self, key: str, year: int) -> date | None:
        """The node day of festival ``key`` in ``year``, if it is among the loaded festivals."""
        return next((f.day for f in self.festivals if f.key == key and f.day.year == year), None)


def events_for(project: Any, store: StoreConfig, first: date, last: date) -> Events:
    """:class:`Events` for ``store``'s market with the project's campaigns and holidays file."""
    settings = project.settings
    extra = settings.calendar.holidays_file
    campaigns = [c for c in settings.campaigns if c.stores is None or store.name in c.stores]
    return Events.load(
        first,
        last,
        fest.market_of(store.platform),
        campaigns=campaigns,
        extra=settings.root / extra if extra else None,
    )


def holiday_frame(events: Events) -> pd.DataFrame:
    """Prophet's ``holidays`` table: one row per festival node with its window (``lower_window`` days
    before, ``upper_window`` after; public holidays span the days off) and one per make-up workday."""
    rows: list[dict[str, Any]] = [
        {
            "holiday": f"festival_{f.key}",
            "ds": pd.Timestamp(f.day),
            "lower_window": (f.start - f.day).days,
            "upper_window": (f.end - f.day).days,
        }
        for f in events.festivals
    ]
    rows += [
        {"holiday": "makeup_workday", "ds": pd.Timestamp(d), "lower_window": 0, "upper_window": 0}
        for d in sorted(events.makeup_workdays)
    ]
    frame = pd.DataFrame(rows, columns=["holiday", "ds", "lower_window", "upper_window"])
    return frame.drop_duplicates(["holiday", "ds"]).reset_index(drop=True)


def festival_dummies(dates: pd.DatetimeIndex, events: Events) -> pd.DataFrame:
    """0/1 columns per festival and phase (``<key>_pre``, ``<key>_node``, ``<key>_tail``) and
    ``makeup_workday``: exogenous regressors for models that take them (columns never 1 dropped)."""
    index = {d.date(): i for i, d in enumerate(dates)}
    out: dict[str, np.ndarray] = {}

    def mark(column: str, days: Iterable[date]) -> None:
        col = out.setdefault(column, np.zeros(len(dates)))
        for d in days:
            if d in index:
                col[index[d]] = 1.0

    for f in events.festivals:
        mark(f"{f.key}_pre", _span(f.start, f.day - timedelta(days=1)))
        mark(f"{f.key}_node", [f.day])
        mark(f"{f.key}_tail", _span(f.day + timedelta(days=1), f.end))
    mark("makeup_workday", events.makeup_workdays)
    frame = pd.DataFrame(out, index=dates)
    return frame.loc[:, frame.any(axis=0)]


def _span(start: date, end: date) -> Iterator[date]:
    for i in range((end - start).days + 1):
        yield start + timedelta(days=i)


__all__ = ["Events", "Market", "events_for", "festival_dummies", "holiday_frame"]
