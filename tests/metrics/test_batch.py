"""Batch: queries sharing a split answered from one statement give exactly what each query gives alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from test_query import W2, shop  # noqa: F401  (the hand-computed shop of the query tests)

from shopops.errors import NotAvailableError
from shopops.metrics import MetricQuery, run
from shopops.metrics.batch import Batch
from shopops.project import Project

END = date(2026, 1, 18)
BOTH = {"store": ("s", "g")}
# (metrics, by, grain, where): each split asked for metrics of different facts, whose rows differ
# (orders have devices mobile/pc, the traffic report only all-device rows; ads have no buyer types …)
QUERIES = [
    (["paid_amount", "buyers"], [], "total", BOTH),
    (["uv", "cvr", "ad_spend"], [], "total", BOTH),
    (["refund_amount_by_refund_time", "gross_margin"], [], "total", BOTH),
    (["paid_amount"], ["device"], "total", BOTH),
    (["uv"], ["device"], "total", BOTH),
    (["paid_amount", "cvr"], ["device"], "total", BOTH),
    (["traffic_buyers", "uv"], ["channel"], "total", {"store": ("s",)}),
    (["paid_amount"], ["channel"], "total", {"store": ("s",)}),
    (["buyers", "aov"], ["buyer_type"], "week", {"store": ("s",)}),
    (["paid_amount"], ["buyer_type"], "week", {"store": ("s",)}),
    (["paid_amount", "uv"], ["store"], "week", BOTH),
    (["ad_spend", "roas"], ["store"], "week", BOTH),
    (["item_amount"], ["store", "product"], "total", BOTH),
    (["item_refund", "item_units"], ["store", "product"], "total", BOTH),
    (["cogs"], ["category"], "total", {"store": ("s",)}),
    (["item_amount", "gross_margin"], ["category"], "total", {"store": ("s",)}),
    (["ad_spend", "clicks"], ["campaign"], "day", BOTH),
    (["paid_amount"], [], "day", BOTH),
]


def _query(metrics: list[str], by: list[str], grain: str, where: dict[str, tuple[str, ...]]) -> MetricQuery:
    return MetricQuery.create(metrics, start=W2, end=END, grain=grain, by=by, where=where)


def _same(batched: pd.DataFrame, alone: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(batched, alone, check_exact=True)
    for key in ("notes", "query", "stores"):
        assert batched.attrs[key] == alone.attrs[key], key


def test_batched_queries_equal_the_queries_alone(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    queries = [_query(*q) for q in QUERIES]
    batch = Batch(wh)
    for q in queries:
        batch.plan(q)
    for q in queries:
        _same(batch.run(q), run(wh, q))
    splits = {(q.grain, q.by, tuple(q.where.items())) for q in queries}
    assert batch.statements == len(splits) == 9


def test_the_rows_are_those_of_the_query_s_own_facts(shop: Project) -> None:  # noqa: F811
    """Orders split by device give mobile and pc; the traffic report has only all-device rows (''):
    fetched together, each query still gets only its own segments."""
    batch = Batch(shop.warehouse)
    s = {"store": ("s",)}
    paid, uv = _query(["paid_amount"], ["device"], "total", s), _query(["uv"], ["device"], "total", s)
    batch.plan(paid)
    batch.plan(uv)
    assert list(batch.run(paid)["device"]) == ["mobile", "pc"]
    assert list(batch.run(uv)["device"]) == [""]
    assert batch.statements == 1


def test_unplanned_or_larger_queries_run_again(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    batch = Batch(wh)
    small, large = _query(["paid_amount"], [], "week", BOTH), _query(["paid_amount", "uv"], [], "week", BOTH)
    _same(batch.run(small), run(wh, small))
    _same(batch.run(large), run(wh, large))  # uv was not fetched: the split runs again, with both
    _same(batch.run(small), run(wh, small))
    assert batch.statements == 2
    compared = MetricQuery.create("paid_amount", start=W2, end=END, grain="week", compare="wow", where=BOTH)
    _same(batch.run(compared), run(wh, compared))  # a comparison runs on its own
    assert batch.statements == 3


def test_a_metric_no_store_can_give_is_still_an_error(shop: Project) -> None:  # noqa: F811
    batch = Batch(shop.warehouse)
    uv = _query(["uv"], [], "total", {"store": ("g",)})
    batch.plan(_query(["uv", "paid_amount"], [], "total", {"store": ("g",)}))
    with pytest.raises(NotAvailableError, match="uv"):
        batch.run(uv)


def test_reads_look_tables_and_fields_up_once(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    assert wh.table("orders") is not wh.table("orders")
    with wh.reads():
        assert wh.table("orders") is wh.table("orders")
        fields = wh.fields_available("s")
        with wh.reads():  # nested blocks share the cache
            assert wh.fields_available("s") == fields
        assert wh.table("orders") is wh.table("orders")
    assert wh.table("orders") is not wh.table("orders")  # the cache ends with the outermost block
    assert wh.fields_available("s") == fields and "paid_at" in fields["orders"]


def test_memo_computes_once_per_reads_block(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert (wh.memo("k", compute), wh.memo("k", compute)) == (1, 2)  # outside a block: every call
    with wh.reads():
        assert (wh.memo("k", compute), wh.memo("k", compute), wh.memo("other", compute)) == (3, 3, 4)
    assert wh.memo("k", compute) == 5  # the block's values end with it


W3_END = date(2026, 1, 18)
WEEKS = [(W2, date(2026, 1, 11)), (date(2026, 1, 12), W3_END)]


@pytest.mark.parametrize(
    ("metrics", "by", "grain"),
    [
        (["paid_amount", "buyers", "uv", "cvr", "gross_margin"], [], "total"),
        (["buyers", "aov", "returning_buyers"], ["buyer_type"], "total"),  # buyer types look back from each week
        (["paid_amount", "uv"], ["device"], "total"),
        (["paid_amount", "ad_spend"], ["store"], "total"),
        (["paid_amount", "uv", "cvr"], [], "day"),
    ],
)
def test_a_span_answers_each_period_as_alone(shop: Project, metrics: list[str], by: list[str], grain: str) -> None:  # noqa: F811
    wh = shop.warehouse
    batch = Batch(wh)
    batch.span(list(reversed(WEEKS)), "week")
    where = {"store": ("s",)} if "buyer_type" in by else BOTH
    queries = [MetricQuery.create(metrics, start=a, end=b, grain=grain, by=by, where=where) for a, b in WEEKS]
    for q in queries:
        _same(batch.run(q), run(wh, q))
    assert batch.statements == 1


def test_a_span_needs_consecutive_whole_periods(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    for periods, grain in (
        ([(W2, date(2026, 1, 10)), (date(2026, 1, 11), W3_END)], "week"),  # not weeks
        ([WEEKS[0], (date(2026, 1, 19), date(2026, 1, 25))], "week"),  # a gap
    ):
        batch = Batch(wh)
        batch.span(periods, grain)
        for a, b in periods:
            q = MetricQuery.create(["paid_amount"], start=a, end=b, where=BOTH)
            _same(batch.run(q), run(wh, q))
        assert batch.statements == 2
    batch = Batch(wh)
    batch.span(WEEKS, "week")
    q = MetricQuery.create(["paid_amount"], start=W2, end=W3_END, grain="week", where=BOTH)  # not one of them
    _same(batch.run(q), run(wh, q))


YEAR_AGO = (date(2025, 1, 6), date(2025, 1, 12))  # 52 weeks before W2: cat and dan paid in it (orders 7, 8)
LATER = (date(2026, 2, 2), date(2026, 2, 8))  # after a gap, no data


@pytest.mark.parametrize(
    ("metrics", "by", "grain"),
    [
        (["paid_amount", "buyers", "uv", "cvr", "gross_margin", "refund_amount_by_refund_time"], [], "total"),
        (["buyers", "aov", "returning_buyers"], ["buyer_type"], "total"),  # history of each range of days
        (["paid_amount", "uv"], ["device"], "total"),
        (["paid_amount", "ad_spend"], ["store"], "total"),
        (["paid_amount", "uv", "cvr"], [], "day"),
    ],
)
def test_extra_periods_join_the_span_s_statement_when_planned(
    shop: Project,  # noqa: F811
    metrics: list[str],
    by: list[str],
    grain: str,
) -> None:
    """The year-ago week is read by the statement of the two weeks (three ranges of days, one
    statement), and each period still gets what its query alone gives."""
    wh = shop.warehouse
    batch = Batch(wh)
    batch.span(WEEKS, "week", extra=[YEAR_AGO, LATER])
    where = {"store": ("s",)} if "buyer_type" in by else BOTH
    queries = [
        MetricQuery.create(metrics, start=a, end=b, grain=grain, by=by, where=where) for a, b in [*WEEKS, YEAR_AGO]
    ]
    for q in queries:
        batch.plan(q)
    for q in queries:
        _same(batch.run(q), run(wh, q))
    assert batch.statements == 1
    assert len(run(wh, queries[-1])) > 0  # the year-ago week has rows: the comparison is not vacuous
    later = MetricQuery.create(metrics, start=LATER[0], end=LATER[1], grain=grain, by=by, where=where)
    _same(batch.run(later), run(wh, later))  # not planned: the split runs again with it
    assert batch.statements == 2
    for q in queries:
        _same(batch.run(q), run(wh, q))
    assert batch.statements == 2


def test_the_year_ago_week_s_figures_in_a_span(shop: Project) -> None:  # noqa: F811
    """Hand-computed: cat's order 7 and dan's order 8 (10.00 each) are the year-ago week's; both new
    (nothing before them), while in week 3 cat is returning (paid exactly 365 days before it, in the
    year-ago week) as is ann (week 2), and dan is not (366 days)."""
    batch = Batch(shop.warehouse)
    batch.span(WEEKS, "week", extra=[YEAR_AGO])
    s = {"store": ("s",)}
    asked = [
        MetricQuery.create(["paid_amount", "returning_buyers", "buyers"], start=a, end=b, where=s)
        for a, b in [*WEEKS, YEAR_AGO]
    ]
    for q in asked:
        batch.plan(q)
    week3, year_ago = batch.run(asked[1]), batch.run(asked[2])
    assert (year_ago["paid_amount"][0], year_ago["buyers"][0], year_ago["returning_buyers"][0]) == (
        Decimal("20.00"),
        2,
        0,
    )
    assert year_ago["period_start"][0] == YEAR_AGO[0]
    assert (week3["buyers"][0], week3["returning_buyers"][0]) == (3, 2)
    assert batch.statements == 1


def test_extra_periods_must_be_whole_periods_apart_from_the_span(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    for extra in ([(date(2025, 1, 7), date(2025, 1, 13))], [WEEKS[1]]):  # not a week; one of the span's
        batch = Batch(wh)
        batch.span(WEEKS, "week", extra=extra)
        for a, b in [*WEEKS, *extra]:
            q = MetricQuery.create(["paid_amount"], start=a, end=b, where=BOTH)
            batch.plan(q)
            _same(batch.run(q), run(wh, q))
        assert batch.statements == (1 if extra == [WEEKS[1]] else 2)


# ---------------------------------------------------------------- prefetch: statements run in the background


def test_prefetched_queries_equal_the_queries_alone(shop: Project) -> None:  # noqa: F811
    """Every planned split starts at once on the warehouse's worker; each query then gets what it gets
    alone, and nothing runs twice."""
    wh = shop.warehouse
    queries = [_query(*q) for q in QUERIES]
    with wh.reads():
        batch = Batch(wh)
        for q in queries:
            batch.plan(q)
        assert batch.prefetch() == 9 == batch.statements
        assert batch.prefetch() == 0  # already started
        for q in queries:
            _same(batch.run(q), run(wh, q))
        assert batch.statements == 9


def test_a_prefetched_span_answers_each_period_as_alone(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    metrics = ["paid_amount", "buyers", "uv", "cvr", "gross_margin", "returning_buyers"]
    queries = [
        MetricQuery.create(metrics, start=a, end=b, where={"store": ("s",)}) for a, b in [*WEEKS, YEAR_AGO, LATER]
    ]
    with wh.reads():
        batch = Batch(wh)
        batch.span(WEEKS, "week", extra=[YEAR_AGO, LATER])
        for q in queries[:3]:  # LATER is not planned
            batch.plan(q)
        assert batch.prefetch() == 1
        for q in queries:
            _same(batch.run(q), run(wh, q))
        assert batch.statements == 2  # LATER ran on its own


def test_no_prefetch_outside_reads_or_on_an_unplanned_batch(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    q = _query(["paid_amount"], [], "total", BOTH)
    batch = Batch(wh)
    batch.plan(q)
    assert batch.prefetch() == 0  # outside wh.reads() the warehouse runs nothing in the background
    _same(batch.run(q), run(wh, q))
    assert batch.statements == 1
    with wh.reads():
        assert Batch(wh).prefetch() == 0


def test_a_split_that_cannot_run_is_not_started_and_still_raises(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    uv = _query(["uv"], [], "total", {"store": ("g",)})  # g's exports have no traffic report
    with wh.reads():
        batch = Batch(wh)
        batch.plan(uv)
        assert batch.prefetch() == 0
        with pytest.raises(NotAvailableError, match="uv"):
            batch.run(uv)


def test_statements_nobody_asked_for_end_with_the_reads_block(shop: Project) -> None:  # noqa: F811
    wh = shop.warehouse
    with wh.reads():
        batch = Batch(wh)
        for q in QUERIES:
            batch.plan(_query(*q))
        assert batch.prefetch() == 9
    assert wh._pool is None  # the worker stopped; the warehouse is usable as before
    q = _query(["paid_amount"], [], "total", BOTH)
    assert run(wh, q)["paid_amount"][0] == run(shop.warehouse, q)["paid_amount"][0]


def test_fetch_converts_as_ibis_execute(shop: Project) -> None:  # noqa: F811
    """The compiled SQL run directly gives the frame Ibis' execute gives (money as Decimal, NULLs,
    dates, nullable counts), on the warehouse's connection and on a worker's."""
    from shopops.metrics.query import sql

    wh = shop.warehouse
    o = wh.table("orders")
    expr = o.select(
        "store", "order_id", "paid_amount", "refund_amount", "paid_at", "buyer_id", day=o.created_at.date()
    ).order_by(["store", "order_id"])
    alone = expr.execute()
    assert alone["refund_amount"].isna().any() or (alone["refund_amount"] == Decimal("0.00")).any()
    text = sql(wh, expr)
    pd.testing.assert_frame_equal(wh.fetch(text, expr.schema()), alone, check_exact=True)
    with wh.reads():
        future = wh.submit(text, expr.schema())
        assert future is not None
        pd.testing.assert_frame_equal(future.result(), alone, check_exact=True)


def test_read_threads_is_checked(shop: Project, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from shopops.errors import ConfigError

    wh = shop.warehouse
    q = _query(["paid_amount", "uv"], ["store"], "total", BOTH)
    monkeypatch.setenv("SHOPOPS_READ_THREADS", "two")
    with wh.reads(), pytest.raises(ConfigError, match="SHOPOPS_READ_THREADS='two'"):
        batch = Batch(wh)
        batch.plan(q)
        batch.prefetch()
    monkeypatch.setenv("SHOPOPS_READ_THREADS", "2")
    with wh.reads():
        batch = Batch(wh)
        batch.plan(q)
        batch.plan(_query(["uv"], ["channel"], "total", {"store": ("s",)}))
        assert batch.prefetch() == 2
        assert wh._pool is not None and wh._pool._max_workers == 2
        _same(batch.run(q), run(wh, q))
