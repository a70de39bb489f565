"""Batch: queries sharing a split answered from one statement give exactly what each query gives alone."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_query import W2, shop  # noqa: F401  (the hand-computed shop of the query tests)

from shopops.errors import NotAvailableError
from shopops.metrics import MetricQuery, run
from shopops.metrics.query import Batch
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
