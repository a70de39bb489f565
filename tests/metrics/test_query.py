"""Metric queries against a hand-computed shop, a pandas oracle and a real Tmall export."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metric_builders import ADS, ITEMS, ORDERS, PRODUCTS, TRAFFIC, clear, import_csv, load_rows

from shopops.errors import ConfigError, NotAvailableError, QueryError
from shopops.metrics import MetricQuery, explain, query
from shopops.project import Project

D = Decimal
W2, W3 = date(2026, 1, 5), date(2026, 1, 12)  # Mondays of ISO weeks 2 and 3

# Store s (tmall, CNY). Order 4 is created in week 2 but paid in week 3; order 2 is never paid.
# cat paid exactly 365 days before week 3 starts (returning), dan 366 days before (new).
S_ORDERS = [
    (1, "ann", "2026-01-05 10:00:00", "2026-01-05 10:01:00", "100.00", "100.00", "0.00", 2, "上海", "search", "mobile"),
    (2, "bob", "2026-01-05 11:00:00", None, "50.00", "0.00", "0.00", 1, "北京", "search", "pc"),
    (3, "ann", "2026-01-06 09:00:00", "2026-01-06 09:05:00", "30.50", "30.50", "10.00", 1, "上海", "feed", "mobile"),
    (4, "cat", "2026-01-11 23:50:00", "2026-01-12 00:10:00", "20.00", "20.00", "5.00", 3, "北京", "feed", "mobile"),
    (5, "dan", "2026-01-13 09:00:00", "2026-01-13 09:05:00", "45.25", "45.25", "45.25", 1, "广东省", "search", "pc"),
    (6, "ann", "2026-01-14 20:00:00", "2026-01-14 20:01:00", "12.00", "12.00", "0.00", 1, "上海", "search", "mobile"),
    (7, "cat", "2025-01-12 10:00:00", "2025-01-12 10:00:00", "10.00", "10.00", "0.00", 1, "北京", "feed", "mobile"),
    (8, "dan", "2025-01-11 10:00:00", "2025-01-11 23:59:59", "10.00", "10.00", "0.00", 1, "广东省", "feed", "pc"),
]
# Jan 5 has a total row and channel rows whose UVs add up to more (visitors overlap); Jan 6 has no total row.
S_TRAFFIC = [
    ("2026-01-05", "", "", 100, 300, 10, 5, 1),
    ("2026-01-05", "search", "", 60, 200, 7, 3, 1),
    ("2026-01-05", "feed", "", 50, 100, 3, 2, 0),
    ("2026-01-06", "search", "", 40, 90, 4, 1, 0),
    ("2026-01-06", "feed", "", 30, 70, 2, 1, 1),
    ("2026-01-12", "", "", 80, 200, 8, 4, 1),
    ("2026-01-13", "", "", 90, 210, 9, 2, 1),
    ("2026-01-14", "", "", 70, 150, 5, 1, 1),
]
S_ADS = [
    ("2026-01-05", "brand", 1000, 50, "25.00", 2, "120.00"),
    ("2026-01-06", "brand", 800, 40, "20.00", 1, "30.00"),
    ("2026-01-13", "promo", 500, 10, "7.50", 0, "0.00"),
]
S_PRODUCTS = [("A", "tops", "50.00", "20.00"), ("B", "shoes", "30.00", "12.50"), ("C", "tops", "10.00", None)]
S_ITEMS = [
    (1, "A", 2, "50.00"),
    (2, "A", 1, "50.00"),
    (3, "B", 1, "30.50"),
    (4, "A", 1, "10.00"),
    (4, "B", 2, "5.00"),
    (5, "B", 1, "45.25"),
    (6, "C", 1, "12.00"),
]
# Refunds report: when the money went back (order 3's refund a day later, order 5's after the range).
S_REFUNDS = [
    ("r1", 3, "2026-01-07 10:00:00", "10.00"),
    ("r2", 4, "2026-01-12 08:00:00", "5.00"),
    ("r3", 5, "2026-01-20 10:00:00", "45.25"),
]
# Store g (Shopify, GBP): no buyer ids, no traffic.
G_ORDERS = [
    ("g1", "2026-01-05 12:00:00", "2026-01-05 12:00:00", "9.99", "9.99"),
    ("g2", "2026-01-13 12:00:00", "2026-01-13 12:00:00", "5.01", "5.01"),
]


SALES = ["gmv", "orders", "paid_amount", "refund_amount", "net_sales", "paid_orders", "units", "avg_order_value"]
SALES += ["refund_amount_by_refund_time"]
BUYERS_AND_TRAFFIC = ["buyers", "new_buyers", "returning_buyers", "repeat_rate", "uv", "pv", "cart_users", "fav_users"]
BUYERS_AND_TRAFFIC += ["cvr", "aov", "uv_value", "upt", "refund_rate", "add_to_cart_rate", "fav_rate"]
BUYERS_AND_TRAFFIC += ["traffic_buyers", "traffic_paid_amount"]
ADVERTISING = ["ad_spend", "ad_amount", "impressions", "clicks", "ad_orders", "roas", "cpc", "ctr", "acos"]
PROFIT = ["item_amount", "item_units", "item_refund", "item_net_sales", "cogs", "gross_profit", "gross_margin"]
PROFIT += ["contribution"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("files")
    p = Project.init(
        folder / "p",
        stores=[{"name": "s", "platform": "tmall"}, {"name": "g", "platform": "shopify", "currency": "GBP"}],
    )
    import_csv(p, folder, "o.csv", "s", "orders", ORDERS, S_ORDERS)
    import_csv(p, folder, "t.csv", "s", "traffic", TRAFFIC, S_TRAFFIC)
    import_csv(p, folder, "a.csv", "s", "ads", ADS, S_ADS)
    import_csv(p, folder, "p.csv", "s", "products", PRODUCTS, S_PRODUCTS)
    import_csv(p, folder, "i.csv", "s", "items", ITEMS, S_ITEMS)
    import_csv(p, folder, "r.csv", "s", "refunds", "refund_id,order_id,refund_at,amount", S_REFUNDS)
    import_csv(p, folder, "g.csv", "g", "orders", "order_id,created_at,paid_at,total_amount,paid_amount", G_ORDERS)
    yield p
    p.close()


def weekly(shop: Project, metrics: list[str], **kw: object) -> pd.DataFrame:
    kw.setdefault("where", {"store": "s"})
    return query(shop, metrics, start=W2, end=date(2026, 1, 18), grain="week", **kw)  # type: ignore[arg-type]


def col(frame: pd.DataFrame, name: str) -> list[object]:
    return [None if v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for v in frame[name]]


def test_sales_by_hand(shop: Project) -> None:
    df = weekly(shop, SALES)
    assert col(df, "period_start") == [W2, W3]
    assert list(df["period"]) == ["2026-W02", "2026-W03"]
    assert col(df, "gmv") == [D("200.50"), D("57.25")]  # by order time: order 4 belongs to week 2
    assert col(df, "orders") == [4, 2]
    assert col(df, "paid_amount") == [D("130.50"), D("77.25")]  # by payment time: order 4 in week 3
    assert col(df, "refund_amount") == [D("10.00"), D("50.25")]
    assert col(df, "net_sales") == [D("120.50"), D("27.00")]
    assert col(df, "paid_orders") == [2, 3]
    assert col(df, "units") == [3, 5]
    assert col(df, "avg_order_value") == [65.25, 25.75]
    assert col(df, "refund_amount_by_refund_time") == [D("10.00"), D("5.00")]  # order 5's refund came on Jan 20
    assert all(isinstance(v, Decimal) for v in df["paid_amount"])
    assert df.attrs["notes"] == []


def test_buyers_traffic_and_ratios_by_hand(shop: Project) -> None:
    df = weekly(shop, BUYERS_AND_TRAFFIC)
    assert col(df, "buyers") == [1, 3]
    assert col(df, "new_buyers") == [1, 1]  # week 3: dan (paid 366 days before) is new
    assert col(df, "returning_buyers") == [0, 2]  # week 3: ann (week 2) and cat (exactly 365 days before)
    assert col(df, "repeat_rate") == [0.0, 2 / 3]
    assert col(df, "uv") == [170, 240]  # Jan 5 total row 100 (not 60 + 50), Jan 6 channels 40 + 30
    assert col(df, "pv") == [460, 560]
    assert col(df, "cart_users") == [16, 22]
    assert col(df, "fav_users") == [7, 7]
    assert col(df, "cvr") == [1 / 170, 3 / 240]
    assert col(df, "aov") == [130.5, 77.25 / 3]
    assert col(df, "uv_value") == [130.5 / 170, 77.25 / 240]
    assert col(df, "upt") == [1.5, 5 / 3]
    assert col(df, "refund_rate") == [10 / 130.5, 50.25 / 77.25]
    assert col(df, "add_to_cart_rate") == [16 / 170, 22 / 240]
    assert col(df, "fav_rate") == [7 / 170, 7 / 240]
    assert col(df, "traffic_buyers") == [2, 3]  # Jan 5 total row 1, Jan 6 channels 0 + 1; week 3: 1 + 1 + 1
    assert col(df, "traffic_paid_amount") == [None, None]  # this traffic report has no paid amount
    assert any("traffic_daily.paid_amount" in n for n in df.attrs["notes"])


def test_traffic_report_paid_amount_by_hand(tmp_path: Path) -> None:
    """Day 1 has a total row (100.00) and channel rows; day 2 channel rows only."""
    p = Project.init(tmp_path / "p", stores=[{"name": "s", "platform": "tmall"}])
    rows = [
        ("2026-01-05", "", "", 10, 3, "100.00"),
        ("2026-01-05", "search", "", 6, 2, "60.00"),
        ("2026-01-05", "feed", "", 5, 1, "50.00"),
        ("2026-01-06", "search", "", 4, 1, "30.10"),
        ("2026-01-06", "feed", "", 3, 1, "20.05"),
    ]
    import_csv(p, tmp_path, "t.csv", "s", "traffic", "date,channel,device,uv,buyers,paid_amount", rows)
    metrics = ["traffic_paid_amount", "traffic_buyers", "uv"]
    whole = query(p, metrics, start="2026-01-05", end="2026-01-11")
    assert (whole["traffic_paid_amount"][0], whole["traffic_buyers"][0], whole["uv"][0]) == (D("150.15"), 5, 17)
    split = query(p, metrics, start="2026-01-05", end="2026-01-11", by="channel").set_index("channel")
    assert split.loc["search", "traffic_paid_amount"] == D("90.10") and split.loc["feed", "traffic_buyers"] == 2
    assert split.loc["feed", "traffic_paid_amount"] == D("70.05")
    p.close()


def test_ads_by_hand(shop: Project) -> None:
    df = weekly(shop, ADVERTISING)
    assert col(df, "ad_spend") == [D("45.00"), D("7.50")]
    assert col(df, "ad_amount") == [D("150.00"), D("0.00")]
    assert col(df, "impressions") == [1800, 500]
    assert col(df, "clicks") == [90, 10]
    assert col(df, "ad_orders") == [3, 0]
    assert col(df, "roas") == [150 / 45, 0.0]
    assert col(df, "cpc") == [0.5, 0.75]
    assert col(df, "ctr") == [0.05, 0.02]
    assert col(df, "acos") == [0.3, None]  # no attributed sales: undefined, not infinite


def test_profit_by_hand(shop: Project) -> None:
    df = weekly(shop, PROFIT)
    assert col(df, "item_amount") == [D("130.50"), D("77.25")]
    assert col(df, "item_units") == [3, 5]
    assert col(df, "item_refund") == [D("10.00"), D("50.25")]
    assert col(df, "item_net_sales") == [D("120.50"), D("27.00")]
    # week 3 sold SKU C, which has no unit cost: cost, profit and contribution are empty, not guessed
    assert col(df, "cogs") == [D("52.50"), None]
    assert col(df, "gross_profit") == [D("68.00"), None]
    assert col(df, "gross_margin") == [68 / 120.5, None]
    assert col(df, "contribution") == [D("23.00"), None]
    assert any("products.unit_cost" in n for n in df.attrs["notes"])


def test_profit_by_category_allocates_refunds_by_line_share(shop: Project) -> None:
    df = weekly(shop, ["item_amount", "item_refund", "cogs", "gross_profit"], by=["category"])
    rows = {(r.period_start, r.category): r for r in df.itertuples()}
    assert rows[(W2, "tops")].gross_profit == D("60.00")
    assert rows[(W2, "shoes")].gross_profit == D("8.00")  # 30.50 − 10.00 refund − 12.50 cost
    shoes = rows[(W3, "shoes")]  # order 4 line B (10.00, half of its 5.00 refund) + order 5 (45.25, all refunded)
    assert (shoes.item_amount, shoes.item_refund, shoes.cogs, shoes.gross_profit) == (
        D("55.25"),
        D("47.75"),
        D("37.50"),
        D("-30.00"),
    )
    assert rows[(W3, "tops")].cogs is None  # SKU C has no cost


def test_split_by_channel_uses_the_channel_rows(shop: Project) -> None:
    df = weekly(shop, ["uv", "paid_amount", "buyers", "cvr"], by=["channel"])
    rows = {(r.period_start, r.channel): r for r in df.itertuples()}
    assert (rows[(W2, "search")].uv, rows[(W2, "feed")].uv) == (100, 80)
    assert rows[(W2, "search")].paid_amount == D("100.00")
    assert rows[(W2, "feed")].paid_amount == D("30.50")
    # week 3 has only total traffic rows: they show as channel '' rather than vanish
    assert rows[(W3, "")].uv == 240
    assert rows[(W3, "search")].uv == 0 and rows[(W3, "search")].paid_amount == D("57.25")


def test_filters_and_buyer_type(shop: Project) -> None:
    df = weekly(shop, ["paid_amount", "buyers"], by=["buyer_type"], where={"store": "s", "province": ["上海", "北京"]})
    rows = {(r.period_start, r.buyer_type): r for r in df.itertuples()}
    assert rows[(W2, "new")].paid_amount == D("130.50")
    assert rows[(W3, "returning")].paid_amount == D("32.00")  # ann 12.00 + cat 20.00
    assert (W3, "new") not in rows  # dan is in 广东省
    one = weekly(shop, ["paid_amount"], where={"store": "s", "buyer_type": "new", "channel": "search"})
    assert col(one, "paid_amount") == [D("100.00"), D("45.25")]
    device = weekly(shop, ["paid_amount"], by=["device"])
    assert {(r.period_start, r.device): r.paid_amount for r in device.itertuples()} == {
        (W2, "mobile"): D("130.50"),
        (W3, "mobile"): D("32.00"),
        (W3, "pc"): D("45.25"),
    }


def test_identity_paid_amount_is_uv_times_cvr_times_aov(shop: Project) -> None:
    for by in ([], ["channel"]):
        df = query(
            shop,
            ["paid_amount", "uv", "cvr", "aov"],
            start=W2,
            end=date(2026, 1, 18),
            grain="day",
            by=by,
            where={"store": "s"},
        )
        whole = df.dropna(subset=["cvr", "aov"])
        assert len(whole) > 0
        for r in whole.itertuples():
            assert r.uv * r.cvr * r.aov == pytest.approx(float(r.paid_amount), rel=1e-12)


def test_every_period_appears_without_row_dimensions(shop: Project) -> None:
    df = query(
        shop, ["paid_amount", "orders"], start=date(2026, 1, 1), end=date(2026, 1, 8), grain="day", where={"store": "s"}
    )
    assert len(df) == 8
    assert col(df, "paid_amount")[:4] == [D("0.00")] * 4 and col(df, "orders")[:4] == [0] * 4


def test_stores_side_by_side_and_honest_gaps(shop: Project) -> None:
    df = query(shop, ["paid_amount", "buyers", "uv", "cvr"], start=W2, end=date(2026, 1, 18), by=["store"])
    rows = {r.store: r for r in df.itertuples()}
    assert rows["g"].paid_amount == D("15.00") and rows["s"].paid_amount == D("207.75")
    assert pd.isna(rows["g"].buyers) and pd.isna(rows["g"].uv) and pd.isna(rows["g"].cvr)
    assert rows["s"].buyers == 3  # ann, cat, dan
    notes = df.attrs["notes"]
    assert "buyers: not available from the sources of store g (orders.buyer_id missing)" in notes
    assert "uv: not available from the sources of store g (traffic_daily.uv missing)" in notes
    by_time = query(shop, ["refund_amount_by_refund_time"], start=W2, end=date(2026, 1, 31), by=["store"])
    assert dict(zip(by_time["store"], col(by_time, "refund_amount_by_refund_time"), strict=True)) == {
        "s": D("60.25"),
        "g": None,  # g imported no refunds report
    }


def test_money_of_different_currencies_is_not_added(shop: Project) -> None:
    df = query(shop, ["paid_amount", "paid_orders"], start=W2, end=date(2026, 1, 18))
    assert col(df, "paid_amount") == [None]
    assert col(df, "paid_orders") == [7]
    assert any("different currencies (CNY, GBP)" in n for n in df.attrs["notes"])
    by_currency = query(shop, ["paid_amount"], start=W2, end=date(2026, 1, 18), by="currency")
    assert dict(zip(by_currency["currency"], by_currency["paid_amount"], strict=True)) == {
        "CNY": D("207.75"),
        "GBP": D("15.00"),
    }
    by_platform = query(shop, ["paid_amount"], start=W2, end=date(2026, 1, 18), by="platform")
    assert dict(zip(by_platform["platform"], by_platform["paid_amount"], strict=True)) == {
        "shopify": D("15.00"),
        "tmall": D("207.75"),
    }


def test_orders_without_a_payment_time_count_as_paid_when_created(project_factory: Callable[[str], Project]) -> None:
    p = project_factory("invoices")
    rows = [
        {
            "order_id": "1",
            "created_at": pd.Timestamp("2026-01-05 10:00"),
            "total_amount": D("3.00"),
            "paid_amount": D("3.00"),
        },
        {
            "order_id": "2",
            "created_at": pd.Timestamp("2026-01-06 10:00"),
            "total_amount": D("4.00"),
            "paid_amount": D("4.00"),
        },
    ]
    load_rows(p.warehouse, "orders", "uk", rows, ("order_id", "created_at", "total_amount", "paid_amount"))
    df = query(p, ["paid_amount", "paid_orders"], start=W2, end=W2 + timedelta(days=1), grain="day")
    assert col(df, "paid_amount") == [D("3.00"), D("4.00")]
    assert df.attrs["notes"] == [
        "paid_amount, paid_orders: the orders of store uk carry no payment time (orders.paid_at);"
        " each counts as paid when it was created"
    ]


def test_a_metric_no_store_can_give_is_an_error(shop: Project) -> None:
    with pytest.raises(NotAvailableError, match=r"orders.buyer_id"):
        query(shop, "buyers", start=W2, end=W3, where={"store": "g"})
    with pytest.raises(NotAvailableError, match=r"products.unit_cost"):  # no costs: no profit
        query(shop, "gross_profit", start=W2, end=W3, where={"store": "g"})


def test_every_metric_has_a_hand_computed_figure() -> None:
    """The by-hand tests above query these lists and assert every column."""
    from shopops.metrics.catalogue import load_catalogue

    checked = {*SALES, *BUYERS_AND_TRAFFIC, *ADVERTISING, *PROFIT}
    assert sorted(checked) == sorted(load_catalogue().metrics)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"metrics": "paid_amont"}, "unknown metric 'paid_amont'; valid metrics: gmv, paid_amount"),
        ({"by": "colour"}, "unknown dimension 'colour'; valid dimensions: store, platform"),
        ({"by": "category"}, "metric paid_amount cannot be split or filtered by category; it supports: store"),
        ({"by": "category"}, "metrics that split by category: item_amount, item_units"),
        ({"where": {"buyer_type": "old"}}, "invalid filter buyer_type=old; valid values: new, returning"),
        ({"where": {"platform": "ebay"}}, "valid values: tmall, taobao"),
        ({"grain": "fortnight"}, "unknown grain 'fortnight'; valid grains: total, day, week"),
        ({"compare": "yoy", "grain": "week"}, "--compare yoy does not fit grain week"),
        ({"start": "2026-02-30"}, "invalid start date '2026-02-30'"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "the range starts after it ends"),
    ],
)
def test_invalid_queries_name_the_valid_choices(kw: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"metrics": "paid_amount", "start": "2026-01-01", "end": "2026-01-31"} | kw
    with pytest.raises(QueryError) as err:
        MetricQuery.create(**args)  # type: ignore[arg-type]
    assert message in str(err.value)
    assert err.value.exit_code == 2


def test_unknown_store_lists_the_stores(shop: Project) -> None:
    with pytest.raises(ConfigError, match=r"stores in .*: s, g"):
        query(shop, "paid_amount", start=W2, end=W3, where={"store": "nope"})


def test_filter_values_are_literals_not_sql(shop: Project) -> None:
    evil = "x' OR '1'='1"
    df = query(shop, ["paid_amount"], start=W2, end=W3, where={"store": "s", "province": evil})
    assert col(df, "paid_amount") == [D("0.00")]
    assert "paid_amount" in df.attrs["sql"] and "SELECT" in df.attrs["sql"]


def test_explain_is_the_sql_of_the_query(shop: Project) -> None:
    sql = explain(shop, ["cvr"], start=W2, end=W3, grain="week", where={"store": "s"})
    assert sql.lstrip().startswith("SELECT") and '"traffic_daily"' in sql and '"orders"' in sql
    assert "DATE_TRUNC('WEEK'" in sql
    frame = shop.warehouse.con.sql(sql).execute()
    assert list(frame.columns) == ["period_start", "cvr"]


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def tmall(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Project:
    p = project_factory("tmall")
    p.import_files([dataset_file("tmall_order_report", "tmall_order_report.csv")], store="tmall")
    return p


def test_tmall_report_february_2020(tmall: Project) -> None:
    """SOURCE.md: 2,995,760.61 total, 1,902,487.15 actually paid (net of refunds) + 572,335.92 refunded;
    six orders were paid on 2020-03-01 (476.00 gross, 178.00 refunded)."""
    ids = ["gmv", "orders", "paid_amount", "refund_amount", "net_sales", "paid_orders", "buyers"]
    feb = query(tmall, ids, start="2020-02-01", end="2020-03-31", grain="month", where={"store": "tmall"})
    assert list(feb["period"]) == ["2020-02", "2020-03"]
    assert col(feb, "gmv") == [D("2995760.61"), D("0.00")]
    assert col(feb, "orders") == [28010, 0]
    assert col(feb, "paid_amount") == [D("2474347.07"), D("476.00")]
    assert col(feb, "refund_amount") == [D("572157.92"), D("178.00")]
    assert col(feb, "paid_orders") == [24081, 6]
    assert col(feb, "buyers") == [None, None]
    assert feb.attrs["notes"] == ["buyers: not available from this store's sources (orders.buyer_id missing)"]
    whole = query(tmall, ["paid_amount", "refund_amount", "net_sales"], start="2020-02-01", end="2020-03-01")
    assert col(whole, "paid_amount") == [D("2474823.07")]
    assert col(whole, "refund_amount") == [D("572335.92")]
    assert col(whole, "net_sales") == [D("1902487.15")]  # = sum of 买家实际支付金额
    with pytest.raises(NotAvailableError):
        query(tmall, ["buyers"], start="2020-02-01", end="2020-02-29")


# ---------------------------------------------------------------- pandas oracle

DAY0 = date(2026, 3, 2)  # a Monday
BUYERS = ["b0", "b1", "b2", "b3", "b4", "b5"]
CHANNELS = ["search", "feed", "live"]

order_st = st.tuples(
    st.integers(-400, 27),  # created, days from DAY0 (a year of history before the range)
    st.one_of(st.none(), st.integers(0, 2)),  # paid this many days later, or never
    st.sampled_from(BUYERS),
    st.integers(1, 50000),  # cents
    st.integers(0, 100),  # refunded percent
    st.sampled_from(CHANNELS),
)
traffic_st = st.dictionaries(st.tuples(st.integers(0, 27), st.sampled_from(CHANNELS)), st.integers(0, 500), max_size=40)


def oracle(orders: pd.DataFrame, traffic: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Weekly paid amount, refunds, buyers, returning buyers and visitors, written independently in pandas."""
    keys = ["week", *by]
    monday = lambda d: d - timedelta(days=d.weekday())  # noqa: E731
    paid = orders[orders.paid_day.notna()]
    cur = paid[(paid.paid_day >= DAY0) & (paid.paid_day <= DAY0 + timedelta(days=27))].copy()
    cur["week"] = [monday(d) for d in cur.paid_day]
    history = {b: sorted(paid.paid_day[paid.buyer == b]) for b in BUYERS}
    cur["returning"] = [
        any(w - timedelta(days=365) <= d < w for d in history[b]) for b, w in zip(cur.buyer, cur.week, strict=True)
    ]
    cur["returning_buyer"] = cur.buyer.where(cur.returning)
    sales = cur.groupby(keys).agg(
        paid_amount=("paid", "sum"),
        refund_amount=("refund", "sum"),
        buyers=("buyer", "nunique"),
        returning_buyers=("returning_buyer", "nunique"),
    )
    tr = traffic.assign(week=[monday(d) for d in traffic.day])
    visits = tr.groupby(keys).agg(uv=("uv", "sum"))
    out = sales.join(visits, how="outer").reset_index()
    for c in ("paid_amount", "refund_amount", "buyers", "returning_buyers", "uv"):
        out[c] = [0 if pd.isna(v) else int(v) for v in out[c]]
    for c in ("paid_amount", "refund_amount"):
        out[c] = [D(v) / 100 for v in out[c]]
    return out


@pytest.fixture(scope="module")
def blank(project_factory: Callable[[str], Project]) -> Project:
    return project_factory("oracle")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=st.lists(order_st, max_size=40), traffic=traffic_st, split=st.booleans())
def test_query_matches_a_pandas_oracle(
    blank: Project,
    orders: list[tuple[int, int | None, str, int, int, str]],
    traffic: dict[tuple[int, str], int],
    split: bool,
) -> None:
    p = blank
    clear(p.warehouse, "orders", "traffic_daily")
    rows, frame = [], []
    for n, (created, lag, buyer, cents, pct, channel) in enumerate(orders):
        made = DAY0 + timedelta(days=created)
        paid_day = made + timedelta(days=lag) if lag is not None else None
        refund = cents * pct // 100 if paid_day else 0
        rows.append(
            {
                "order_id": str(n),
                "buyer_id": buyer,
                "created_at": pd.Timestamp(made) + pd.Timedelta(hours=12),
                "paid_at": pd.Timestamp(paid_day) + pd.Timedelta(hours=13) if paid_day else None,
                "total_amount": D(cents) / 100,
                "paid_amount": D(cents) / 100 if paid_day else D(0),
                "refund_amount": D(refund) / 100,
                "channel": channel,
            }
        )
        frame.append(
            {
                "paid_day": paid_day,
                "buyer": buyer,
                "paid": cents if paid_day else 0,
                "refund": refund,
                "channel": channel,
            }
        )
    fields = (
        "order_id",
        "buyer_id",
        "created_at",
        "paid_at",
        "total_amount",
        "paid_amount",
        "refund_amount",
        "channel",
    )
    load_rows(p.warehouse, "orders", "tmall", rows, fields)
    trows = [{"date": DAY0 + timedelta(days=d), "channel": c, "device": "", "uv": uv} for (d, c), uv in traffic.items()]
    load_rows(p.warehouse, "traffic_daily", "tmall", trows, ("date", "channel", "device", "uv"))
    by = ["channel"] if split else []
    metrics = ["paid_amount", "refund_amount", "buyers", "returning_buyers", "uv", "cvr", "aov"]
    got = query(p, metrics, start=DAY0, end=DAY0 + timedelta(days=27), grain="week", by=by, where={"store": "tmall"})
    orders_frame = pd.DataFrame(frame, columns=["paid_day", "buyer", "paid", "refund", "channel"])
    traffic_frame = pd.DataFrame(
        [{"day": DAY0 + timedelta(days=d), "channel": c, "uv": uv} for (d, c), uv in traffic.items()],
        columns=["day", "channel", "uv"],
    )
    want = oracle(orders_frame, traffic_frame, by)
    if not split:  # every week appears
        assert col(got, "period_start") == [DAY0 + timedelta(weeks=k) for k in range(4)]
    got_rows = {(r["period_start"], *[r[b] for b in by]): r for r in got.to_dict("records")}
    for w in want.to_dict("records"):
        g = got_rows.pop((w["week"], *[w[b] for b in by]))
        for m in ("paid_amount", "refund_amount", "buyers", "returning_buyers", "uv"):
            assert g[m] == w[m], (m, w, g)
        assert g["cvr"] == pytest.approx(w["buyers"] / w["uv"]) if w["uv"] else pd.isna(g["cvr"])
        assert g["aov"] == pytest.approx(float(w["paid_amount"]) / w["buyers"]) if w["buyers"] else pd.isna(g["aov"])
    for g in got_rows.values():  # weeks the oracle has no rows for are all zero
        assert (g["paid_amount"], g["buyers"], g["uv"]) == (D("0.00"), 0, 0)
