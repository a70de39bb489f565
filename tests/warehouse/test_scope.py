"""Scope: the stores a question covers, resolved once; its currencies, its data days and the pay-time rule.

Oracles: the days are counted by hand from the rows imported; the pay times are recomputed in pandas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from shopops.errors import ConfigError, NotAvailableError, QueryError
from shopops.project import Project
from shopops.warehouse.scope import Scope, pay_time

PAID = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount"
INVOICED = "order_id,buyer_id,created_at,total_amount,paid_amount"  # no payment time (completed sales only)


def import_orders(p: Project, folder: Path, store: str, header: str, rows: list[tuple[object, ...]]) -> None:
    path = folder / f"{store}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header.split(","), *rows])
    (summary,) = p.import_files([path], store=store, source="generic", kind="orders")
    assert summary.quarantined == 0


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("scope")
    stores = [
        {"name": "cn", "platform": "tmall"},
        {"name": "inv", "platform": "other"},
        {"name": "us", "platform": "shopify", "currency": "USD", "timezone": "America/New_York"},
        {"name": "empty", "platform": "jd"},
    ]
    p = Project.init(folder / "p", stores=stores)
    cn = [("c1", "a", "2026-03-02 10:00:00", "2026-03-02 10:05:00", 10, 10)]
    cn += [("c2", "b", "2026-03-13 23:00:00", "2026-03-14 00:10:00", 20, 20)]  # paid the next day
    import_orders(p, folder, "cn", PAID, cn)
    import_orders(p, folder, "inv", INVOICED, [("i1", "z", "2026-03-05 09:00:00", 7, 7)])
    import_orders(p, folder, "us", PAID, [("u1", "y", "2026-03-10 12:00:00", "2026-03-10 12:01:00", 3, 3)])
    with p:
        yield p


def test_resolve_keeps_the_order_asked_and_knows_each_stores_fields(shop: Project) -> None:
    scope = Scope.resolve(shop, ["us", "cn"])
    assert scope.names == ("us", "cn")
    assert scope.has("cn", "orders.paid_at") and not scope.has("inv", "orders.paid_at")
    everything = Scope.resolve(shop)
    assert everything.names == ("cn", "inv", "us", "empty")
    assert everything.active == ("cn", "inv", "us")  # "empty" has nothing imported
    assert everything.having("orders.paid_at") == ("cn", "us")
    assert everything.without_paid_at() == ("inv",)
    assert everything.lacking(["orders.paid_at", "orders.buyer_id"]) == {"inv": ("orders.paid_at",)}


def test_currencies_are_never_mixed(shop: Project) -> None:
    everything = Scope.resolve(shop)
    assert everything.currencies == ("CNY", "USD")
    assert [s.names for s in everything.by_currency()] == [("cn", "inv", "empty"), ("us",)]
    with pytest.raises(QueryError) as info:
        everything.one_currency()
    assert info.value.code == "scope.mixed_currency" and "--store cn --store inv --store empty" in (
        info.value.hint or ""
    )
    with pytest.raises(QueryError):
        _ = everything.currency
    assert Scope.resolve(shop, ["cn", "inv"]).currency == "CNY"
    assert Scope.resolve(shop, ["us"]).timezone == "America/New_York"
    assert everything.timezone is None  # the stores keep their own calendars


def test_bad_stores_are_clear_errors(shop: Project) -> None:
    with pytest.raises(QueryError, match="unknown store 'nope'") as info:
        Scope.resolve(shop, ["cn", "nope"])
    assert info.value.code == "scope.unknown_store" and "stores add" in (info.value.hint or "")
    with pytest.raises(ConfigError, match="not among the stores you may see") as forbidden:
        Scope.resolve(shop, ["us"], allowed=["cn", "inv"])
    assert forbidden.value.code == "scope.forbidden" and "cn, inv" in (forbidden.value.hint or "")
    assert Scope.resolve(shop, allowed=["cn", "inv"]).names == ("cn", "inv")  # no stores asked: the allowed ones
    with pytest.raises(ConfigError, match="outside this scope") as outside:
        Scope.resolve(shop, ["cn"]).narrow(["us"])
    assert outside.value.code == "scope.outside"
    scope = Scope.resolve(shop, ["cn", "us"])
    assert Scope.of(scope) is scope and Scope.of(scope, ["us"]).names == ("us",)  # passed down, not re-read


def test_data_days_counted_by_hand(shop: Project) -> None:
    cn = Scope.resolve(shop, ["cn"])
    assert (cn.first_data_day(), cn.last_data_day()) == (date(2026, 3, 2), date(2026, 3, 13))
    assert cn.days_with_data(date(2026, 3, 9), date(2026, 3, 15)) == 5  # 09..13
    assert cn.days_with_data(date(2026, 2, 24), date(2026, 3, 2)) == 1  # only 03-02
    assert cn.days_with_data(date(2025, 3, 2), date(2025, 3, 8)) == 0  # a year before: unknown
    assert cn.days_with_data(date(2026, 3, 1), date(2026, 3, 31)) == 12
    empty = Scope.resolve(shop, ["empty"])
    assert empty.last_data_day() is None and empty.days_with_data(date(2026, 3, 1), date(2026, 3, 31)) == 0
    with pytest.raises(NotAvailableError, match="no orders imported for empty") as info:
        empty.newest_day()
    assert info.value.code == "scope.no_orders"


def test_pay_time_against_pandas(shop: Project) -> None:
    scope = Scope.resolve(shop, ["cn", "inv"])
    o = shop.warehouse.table("orders")
    o = o.filter(o.store.isin(list(scope.names)))
    got = o.select("order_id", paid=pay_time(o, scope.without_paid_at())).execute().set_index("order_id")["paid"]
    raw = o.select("order_id", "store", "paid_at", "created_at").execute().set_index("order_id")
    want = raw["paid_at"].where(raw["store"] != "inv", raw["created_at"])  # the rule, the other way round
    assert pd.Series(got).sort_index().tolist() == want.sort_index().tolist()
    assert pd.Timestamp(got["c2"]) == pd.Timestamp("2026-03-14 00:10:00")  # the payment, not the order
    assert pd.Timestamp(got["i1"]) == pd.Timestamp("2026-03-05 09:00:00")  # no payment time: the order
