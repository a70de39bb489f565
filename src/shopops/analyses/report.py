"""Deprecated helpers kept while ``plan/`` moves to :class:`~shopops.warehouse.scope.Scope` and
:mod:`shopops.calendar.period`; the reports are :mod:`shopops.compositions.periodic`. Removed in the
same change that moves the last caller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shopops.calendar.period import Period, newest_complete_day, report_periods
from shopops.warehouse.scope import Scope
from shopops.warehouse.store import Warehouse


def periods(kind: str, day: date) -> tuple[Period, Period, Period]:
    return report_periods(kind, day)


def default_day(kind: str, last_day: date) -> date:
    return newest_complete_day(kind, last_day)


def last_data_day(wh: Warehouse, stores: Sequence[str]) -> date | None:
    return Scope.resolve(wh, stores).last_data_day()


def report_scopes(wh: Warehouse, stores: Sequence[str] = ()) -> list[tuple[str, ...]]:
    return [s.names for s in Scope.resolve(wh, stores).by_currency()]


def one_currency(wh: Warehouse, stores: Sequence[str]) -> tuple[str, ...]:
    return Scope.resolve(wh, stores).one_currency().names


def newest_day(wh: Warehouse, stores: Sequence[str]) -> date:
    return Scope.resolve(wh, stores).newest_day()
