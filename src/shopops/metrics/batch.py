"""A report's metric queries answered by few statements, run in the background: :class:`Batch`.

A report asks the metric layer about 70 questions; :class:`Batch` answers the questions that share a
split from one statement, and consecutive periods (a week, the week before, the year-ago week) from one
statement (:meth:`Batch.span`); each answer is exactly what :func:`shopops.metrics.query.run` returns
for the query alone (tests/metrics/test_batch.py). Kept apart from :mod:`shopops.metrics.query`, which
turns one query into Ibis.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise

import ibis.expr.types as ir
import pandas as pd

from shopops.calendar import grains as calendar
from shopops.errors import NotAvailableError, QueryError
from shopops.metrics import gaps
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.facts import merge_days
from shopops.metrics.gaps import Scope, store_dims
from shopops.metrics.query import KEY, MetricQuery, _attach, _facts, _period_table, _tidy, run, sql
from shopops.warehouse.scope import Scope as StoreScope
from shopops.warehouse.store import Warehouse


def _aligned(first: date, last: date, grain: str, fiscal: int) -> bool:
    """``first``–``last`` is whole periods of ``grain``: it starts where one starts and ends where one ends."""
    last_start = calendar.period_start(last, grain, fiscal_start=fiscal)
    return (
        calendar.period_start(first, grain, fiscal_start=fiscal) == first
        and calendar.period_end(last_start, grain) == last
    )


def _whole(first: date, last: date, grain: str, fiscal: int) -> bool:
    """``first``–``last`` is exactly one period of ``grain`` (any range is one ``total`` period)."""
    if grain == "total":
        return True
    return (
        calendar.period_start(first, grain, fiscal_start=fiscal) == first and calendar.period_end(first, grain) == last
    )


_Key = tuple[date, date, str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]


@dataclass
class _Wide:
    """One statement's result: the union of the metrics asked of a range × grain × split × filters."""

    metrics: tuple[str, ...]
    periods: frozenset[tuple[date, date]]  # the span's periods it covers (empty outside a span)
    frame: pd.DataFrame  # tidied, with the ``_rows_{fact}`` columns
    text: str
    scope: Scope
    densified: bool  # every period × store-level value is a row, whether a fact had rows there or not


@dataclass(frozen=True)
class _Started:
    """A statement of a :class:`Batch`, compiled (and with ``future``, running)."""

    query: MetricQuery  # what it fetches
    periods: frozenset[tuple[date, date]]
    expr: ir.Table
    text: str
    scope: Scope
    future: Future[pd.DataFrame] | None = None


class Batch:
    """Metric queries that share range, grain, split and filters answered by one statement.

    A report asks the same split for different metrics in several sections (the store split for the
    attribution, the root cause and the stores table). :meth:`plan` says which metrics will be asked;
    the first :meth:`run` of a split fetches all of them at once, and every :meth:`run` returns exactly
    what :func:`run` returns for its query (rows, columns, types, notes): the base metrics of different
    facts never mix in the metric layer (see the module docstring), and a row is kept only where one of
    the query's own facts has rows (or the spine put it there). A query that was not planned, or asks
    for more than was fetched, runs on its own; one with a comparison always does.

    >>> batch = Batch(wh)                                                          # doctest: +SKIP
    >>> batch.plan(MetricQuery.create("paid_amount", start=d, end=d, by="store"))  # doctest: +SKIP
    >>> uv = batch.run(MetricQuery.create("uv", start=d, end=d, by="store"))       # doctest: +SKIP
    >>> paid = batch.run(MetricQuery.create("paid_amount", start=d, end=d, by="store"))  # doctest: +SKIP
    >>> batch.statements  # uv and paid_amount per store came from one statement      # doctest: +SKIP
    1
    """

    def __init__(self, wh: Warehouse, cat: Catalogue | None = None, within: StoreScope | None = None) -> None:
        self.wh = wh
        self.cat = cat or load_catalogue()
        self.within = within  # the stores the edge resolved (None: each query resolves its own)
        self.texts: list[str] = []  # the SQL of each statement whose rows answered a query, in order
        self.statements = 0  # statements the batch ran
        self._planned: dict[_Key, dict[str, None]] = {}
        self._done: dict[_Key, _Wide] = {}
        self._span: tuple[tuple[tuple[date, date], ...], str] | None = None
        self._extra: tuple[tuple[date, date], ...] = ()  # periods a span's statement reads when asked
        self._extra_planned: dict[_Key, set[tuple[date, date]]] = {}
        self._spanned: set[_Key] = set()  # planned keys that are a span's statement
        self._pending: dict[_Key, _Started] = {}  # statements prefetch() started

    def span(
        self, periods: Sequence[tuple[date, date]], grain: str, *, extra: Sequence[tuple[date, date]] = ()
    ) -> None:
        """Declare ``periods`` (first and last day) consecutive whole periods of ``grain``, as a weekly
        report's week and the week before: a query over one of them is then answered from one statement
        over all of them, split by ``grain`` (by ``q.grain`` when that is finer and fits the period). The
        rows of the period are what the query alone gives: each period is its own ``period_start``, and
        buyer types look back from it. Periods that are not consecutive whole periods are left alone.

        ``extra``: other whole periods of ``grain`` (the year-ago week), read by a split's statement
        too when one of its queries over them was planned (or is the one running): its rows are the
        days of the periods only, so a report's headline KPIs of all three weeks are one statement."""
        fiscal = self.wh.settings.fiscal_year_start_month
        ordered = tuple(sorted(periods))
        if (
            ordered
            and all(_whole(a, b, grain, fiscal) for a, b in ordered)
            and all(b[0] == a[1] + timedelta(days=1) for a, b in pairwise(ordered))
        ):
            self._span = ordered, grain
            self._extra = tuple(
                sorted(
                    (a, b)
                    for a, b in set(extra)
                    if _whole(a, b, grain, fiscal) and (b < ordered[0][0] or a > ordered[-1][1])
                )
            )
            if any(b[0] <= a[1] for a, b in pairwise(self._extra)):
                self._extra = ()  # overlapping extras: left alone

    def _fetched(self, q: MetricQuery) -> MetricQuery:
        """The query whose statement answers ``q``: ``q`` itself, or its span (see :meth:`span`)."""
        if self._span is None or (q.start, q.end) not in (*self._span[0], *self._extra):
            return q
        periods, grain = self._span
        if q.grain != "total":
            if not _aligned(q.start, q.end, q.grain, self.wh.settings.fiscal_year_start_month):
                return q
            grain = q.grain
        every = (*periods, *self._extra)
        return replace(q, start=min(a for a, _ in every), end=max(b for _, b in every), grain=grain)

    def _periods(self, key: _Key, also: Iterable[tuple[date, date]] = ()) -> frozenset[tuple[date, date]]:
        """The span's periods the statement of ``key`` reads: the consecutive ones, the extra ones
        planned, and ``also`` (the period of the query that runs it)."""
        if self._span is None:
            return frozenset()
        return frozenset({*self._span[0], *self._extra_planned.get(key, ()), *also})

    @staticmethod
    def _key(q: MetricQuery) -> _Key:
        return q.start, q.end, q.grain, q.by, tuple(sorted(q.where.items()))

    def plan(self, q: MetricQuery) -> None:
        """Fetch ``q``'s metrics with the first query of its split."""
        key = self._key(self._fetched(q))
        self._planned.setdefault(key, {}).update(dict.fromkeys(q.metrics))
        if key != self._key(q):
            self._spanned.add(key)
        if (q.start, q.end) in self._extra and key != self._key(q):
            self._extra_planned.setdefault(key, set()).add((q.start, q.end))

    def run(self, q: MetricQuery) -> pd.DataFrame:
        """What ``run(wh, q)`` returns, from the split's statement when it has ``q``'s metrics."""
        if q.compare:
            self.statements += 1
            frame = run(self.wh, q, self.cat)
            self.texts.append(str(frame.attrs.get("sql", "")))
            return frame
        fetched = self._fetched(q)
        key = self._key(fetched)
        wide = self._done.get(key)
        spanned = key != self._key(q)
        if wide is None and key in self._pending:
            wide = self._done[key] = self._finish(self._pending.pop(key))
        if (
            wide is None
            or not set(q.metrics) <= set(wide.metrics)
            or (spanned and (q.start, q.end) not in wide.periods)
        ):
            metrics = tuple(dict.fromkeys([*self._planned.get(key, {}), *q.metrics]))
            periods = self._periods(key, [(q.start, q.end)]) if spanned else frozenset()
            wide = self._done[key] = self._fetch(replace(fetched, metrics=metrics), q, periods)
        return self._view(wide, q)

    def prefetch(self) -> int:
        """Start the statement of every planned split now, each on the warehouse's worker thread
        (:meth:`Warehouse.submit`), and return how many were started: the engine runs them while the
        caller compiles the next one and works on the results of earlier ones, and :meth:`run` waits for
        its statement only if it has not finished. Nothing starts where the warehouse cannot run
        statements in the background (Spark, or outside ``wh.reads()``); :meth:`run` then fetches as
        usual. The rows are those :meth:`run` would fetch for the planned queries."""
        started = 0
        if not self.wh.runs_in_background():
            return started
        for key, metrics in self._planned.items():
            if key in self._done or key in self._pending:
                continue
            start, end, grain, by, where = key
            q = MetricQuery(metrics=tuple(metrics), start=start, end=end, grain=grain, by=by, where=dict(where))
            periods = self._periods(key) if key in self._spanned else frozenset()
            try:
                compiled = self._compile(q, q, periods)
            except (QueryError, NotAvailableError):  # run() raises it for the query that asks
                continue
            future = self.wh.submit(compiled.text, compiled.expr.schema())
            self._pending[key] = replace(compiled, future=future)
            self.statements += 1
            started += 1
        return started

    def _compile(self, wide_q: MetricQuery, q: MetricQuery, periods: frozenset[tuple[date, date]]) -> _Started:
        cat = self.cat
        days = merge_days(periods)
        if days:  # the span's periods it reads, with the days between them left out
            wide_q = replace(wide_q, start=days[0][0], end=days[-1][1])
        scope = Scope.of(self.wh, wide_q, cat, self.within)
        gaps.refuse_when_nothing(q, cat, scope)  # as run() would, before anything runs
        expr = _period_table(self.wh, wide_q, cat, scope, keep_rows=True, days=days if len(days) > 1 else ())
        return _Started(wide_q, periods, expr, sql(self.wh, expr), scope)

    def _fetch(self, wide_q: MetricQuery, q: MetricQuery, periods: frozenset[tuple[date, date]]) -> _Wide:
        started = self._compile(wide_q, q, periods)
        self.statements += 1
        return self._finish(started)

    def _finish(self, started: _Started) -> _Wide:
        wide_q, scope = started.query, started.scope
        if started.future is not None:  # started by prefetch()
            frame = started.future.result()
        else:
            frame = self.wh.fetch(started.text, started.expr.schema())
        frame = _tidy(frame, wide_q, self.cat, self.wh.settings.fiscal_year_start_month)
        self.texts.append(started.text)
        densified = len(store_dims(wide_q, self.cat)) == len(wide_q.by) and bool(scope.stores)
        return _Wide(wide_q.metrics, started.periods, frame, started.text, scope, densified)

    def _view(self, wide: _Wide, q: MetricQuery) -> pd.DataFrame:
        cat, scope = self.cat, wide.scope
        gaps.refuse_when_nothing(q, cat, scope)
        frame = wide.frame
        if not wide.densified:  # the rows one of q's facts has (run() unions those facts' rows only)
            bases = [m for m in cat.dependency_order(q.metrics) if cat.metrics[m].is_base]
            frame = frame[frame[[f"_rows_{f}" for f in _facts(cat, bases)]].notna().any(axis=1)]
        frame = frame[frame[KEY].map(lambda s: q.start <= s <= q.end).astype(bool)]  # q's periods of a span
        frame = frame[[KEY, "period", *q.by, *q.metrics]].reset_index(drop=True)
        fiscal = self.wh.settings.fiscal_year_start_month
        frame["period"] = pd.Series(
            [calendar.label(s, q.grain, fiscal_start=fiscal, end=q.end) for s in frame[KEY]], dtype=object
        )
        frame.attrs = {}
        notes = gaps.notes(q, cat, scope)
        notes += gaps.history_notes(self.wh, q, cat, scope)
        return _attach(frame, q, cat, notes, wide.text, scope.names())


__all__ = ["Batch"]
