"""The contract every analysis and report section keeps, and the context they run in.

An analysis is one module that declares:

- ``Params``: a frozen dataclass of its options, checked in ``__post_init__``; a bad value raises a
  :class:`~shopops.errors.QueryError` with a stable ``code`` and a hint. :func:`params_from` builds
  one from plain values (what a web form or a schedule holds), with the same checks;
- ``queries(ctx, params)``: the metric queries it will ask, so that a report plans every statement
  from the declarations of its sections before any section runs (``Batch.plan``);
- ``build(ctx, params) -> Result``: the figures, as data (frames or rows), with the notes that say
  what is missing; it never formats for a language;
- ``present(result, lang) -> Section | None``: the report section in zh or en (``None``: nothing to show).

:class:`Analysis` bundles these under a name; ``shopops.compositions.registry`` lists every one, and
the CLI, the reports, the web server and the scheduler run them from there.

A :class:`Context` is what the edge resolved — the :class:`~shopops.warehouse.scope.Scope` and the
:class:`~shopops.calendar.period.Period` (with the periods it is compared with) — plus what the
analyses of one run share: the metric catalogue, one :class:`~shopops.metrics.batch.Batch`, the notes
and the timings.

>>> ctx = Context.create(Scope.resolve(project.warehouse), parse_period("2026-W43"))  # doctest: +SKIP
>>> section = ANALYSIS.run(ctx, ANALYSIS.params(), "zh")                               # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pandas as pd

from shopops.analyses.narrative import Narrator
from shopops.calendar.period import Period
from shopops.errors import QueryError
from shopops.metrics.batch import Batch
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.gaps import missing_fields
from shopops.metrics.query import MetricQuery
from shopops.reports.model import Section, Unit
from shopops.warehouse.scope import Scope
from shopops.warehouse.store import Warehouse

P = TypeVar("P")
R = TypeVar("R")


@dataclass
class Context:
    """One run's resolved scope and period, and what its analyses share.

    ``previous`` / ``yoy``: the periods compared with (``None`` when the run compares with nothing);
    ``kind``: how the period is named in sentences (``daily``, ``weekly``, ``monthly``, ``quarterly``,
    ``range``).
    """

    scope: Scope
    period: Period
    previous: Period | None = None
    yoy: Period | None = None
    kind: str = "range"
    lang: str = "zh"  # the language of the notes the run writes
    catalogue: Catalogue = field(default_factory=load_catalogue)
    batch: Batch | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        scope: Scope,
        period: Period,
        *,
        previous: Period | None = None,
        yoy: Period | None = None,
        kind: str = "range",
        lang: str = "zh",
    ) -> Context:
        cat = load_catalogue()
        return cls(scope, period, previous, yoy, kind, lang, cat, Batch(scope.wh, cat, scope))

    @property
    def wh(self) -> Warehouse:
        return self.scope.wh

    @property
    def stores(self) -> tuple[str, ...]:
        return self.scope.names

    @property
    def sql(self) -> list[str]:
        """The SQL of every statement the run's queries were answered from, in order (a batch answers
        several queries from one statement): for the analyst, and the web's "the SQL that ran"."""
        return list(dict.fromkeys(self.batch.texts)) if self.batch is not None else []

    @property
    def say(self) -> Narrator:
        """The words of this run's language and period kind."""
        return Narrator(self.lang, self.kind)

    def name(self, metric: str) -> str:
        m = self.catalogue.metrics[metric]
        return m.zh if self.lang == "zh" else m.en

    def unit(self, metric: str) -> Unit:
        return self.catalogue.metrics[metric].unit  # type: ignore[return-value]

    @property
    def compared(self) -> Period:
        """The period compared with (an error when the run has none)."""
        if self.previous is None:
            raise QueryError("this analysis compares two periods; give the period to compare with")
        return self.previous

    # ------------------------------------------------------------ metric queries

    def metric_query(
        self, metrics: Sequence[str], period: Period, *, by: Sequence[str] = (), grain: str = "total"
    ) -> MetricQuery:
        """The metric query of ``metrics`` over ``period`` for the stores in scope."""
        return MetricQuery.create(
            metrics,
            start=period.start,
            end=period.end,
            grain=grain,
            by=by,
            where={"store": self.stores},
            catalogue=self.catalogue,
        )

    def query(
        self, metrics: Sequence[str], period: Period, *, by: Sequence[str] = (), grain: str = "total"
    ) -> pd.DataFrame:
        """Run a metric query over the stores in scope (through the shared batch); metrics no store in scope
        can give are left out, and a note says which fields are missing."""
        usable = [m for m in metrics if self.available(m)]
        if not usable:
            return pd.DataFrame()
        q = self.metric_query(usable, period, by=by, grain=grain)
        if self.batch is None:
            self.batch = Batch(self.wh, self.catalogue, self.scope)
        df = self.batch.run(q)
        self.note(*df.attrs.get("notes", []))
        return df

    def available(self, metric: str) -> bool:
        """Whether at least one store in scope has every field ``metric`` needs; when none has, a note
        names exactly the fields they lack (:func:`shopops.metrics.gaps.missing_fields`)."""
        needs = self.catalogue.needs(metric)
        if any(all(self.scope.has(s, n) for n in needs) for s in self.stores):
            return True
        fields = {s: self.wh.fields_available(s) for s in self.stores}
        self.note(self.say.unavailable(self.name(metric), self.stores, missing_fields(self.catalogue, metric, fields)))
        return False

    def note(self, *notes: str) -> None:
        for n in notes:
            if n and n not in self.notes:
                self.notes.append(n)

    def timed(self, name: str, fn: Callable[[], R]) -> R:
        clock = time.perf_counter()
        try:
            return fn()
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - clock


@dataclass(frozen=True)
class Analysis(Generic[P, R]):
    """A registered analysis: its name, its ``Params`` type and its three steps (module docstring)."""

    name: str
    params: type[P]
    build: Callable[[Context, P], R]
    present: Callable[[R, str], Section | None]
    queries: Callable[[Context, P], Iterable[MetricQuery]] = lambda ctx, params: ()
    #: what the run needs from the edge: "period", "compare" (a second period) or nothing
    needs: tuple[str, ...] = ("period",)
    #: what it is called, (zh, en), for ``shopops analyze --list`` and the web menu; a built-in's comes
    #: from the message catalogue (``[analysis]`` in i18n/messages.toml), an extension may give its own
    title: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.title is None:
            from shopops.i18n import text

            object.__setattr__(self, "title", (text("analysis", self.name, "zh"), text("analysis", self.name, "en")))

    def title_in(self, lang: str) -> str:
        """What the analysis is called in ``lang`` (``zh`` or ``en``)."""
        zh, en = self.title or ("", "")
        return zh if lang == "zh" else en

    def run(self, ctx: Context, params: P, lang: str) -> tuple[R, Section | None]:
        """``build`` then ``present``: the data and its section."""
        result = ctx.timed(self.name, lambda: self.build(ctx, params))
        return result, self.present(result, lang)


def params_from(cls: type[P], values: Mapping[str, Any]) -> P:
    """``cls`` (a Params dataclass) from plain values: unknown names and values of the wrong type are a
    :class:`QueryError` (code ``param.unknown`` / ``param.invalid``) naming the option; the dataclass's
    own checks then run as usual. Text is converted where the field's type says so (dates, numbers)."""
    import pydantic

    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - names)
    if unknown:
        raise QueryError(
            f"unknown option {', '.join(unknown)} for {cls.__name__}",
            hint=f"options: {', '.join(sorted(names))}",
            code="param.unknown",
        )
    try:
        return pydantic.TypeAdapter(cls).validate_python(dict(values))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise QueryError(
            f"{where}: {first['msg']} (got {first.get('input')!r})",
            hint=f"check the option {where}",
            code="param.invalid",
        ) from None


def over_period(ctx: Context, run: Callable[[Scope, P], R], params: P) -> R:
    """``run(ctx.scope, params)`` for the orders of the context's period where ``params`` give no dates
    (``start`` and ``end`` both unset), with the result's notes kept: the ``build`` of the analyses that
    take a date range (products, basket, refunds)."""
    if getattr(params, "start", None) is None and getattr(params, "end", None) is None:
        params = dataclasses.replace(params, start=ctx.period.start, end=ctx.period.end)  # type: ignore[type-var]
    result = run(ctx.scope, params)
    ctx.note(*getattr(result, "notes", []))
    return result


def stores_checked(ctx: Context, stores: Iterable[str]) -> Scope:
    """The context's scope narrowed to ``stores`` (each must be in scope), or the whole scope."""
    return ctx.scope.narrow(stores) if tuple(stores) else ctx.scope


__all__ = ["Analysis", "Context", "over_period", "params_from", "stores_checked"]
