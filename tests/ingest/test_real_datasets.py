"""Import the real exports under ../shared/data and check the reference figures of their SOURCE.md.

Money is compared as exact ``Decimal``; each dataset is imported once per module.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shopops.project import Project
from shopops.warehouse.load import ImportSummary

Imported = tuple[Project, ImportSummary]


def rows(p: Project, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a SQL query on the warehouse, as Python values (decimals as ``Decimal``)."""
    table = p.warehouse.con.sql(sql).to_pyarrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True))


def one(p: Project, sql: str) -> tuple[Any, ...]:
    result = rows(p, sql)
    assert len(result) == 1, result
    return result[0]


def assert_accounted(s: ImportSummary) -> None:
    assert s.rows_read == s.loaded + s.updated + s.unchanged + s.quarantined


# --------------------------------------------------------------------------- tmall_order_report


@pytest.fixture(scope="module")
def tmall(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Imported:
    path = dataset_file("tmall_order_report", "tmall_order_report.csv")
    p = project_factory("tmall_report")
    [summary] = p.import_files([path], store="tmall")
    return p, summary


def test_tmall_report_is_detected_and_every_order_loads(tmall: Imported) -> None:
    p, s = tmall
    assert (s.source, s.kind, s.encoding) == ("tmall_report", "orders", "utf-8")
    assert (s.rows_read, s.loaded, s.updated, s.unchanged, s.quarantined) == (28_010, 28_010, 0, 0, 0)
    assert one(p, "SELECT count(*), count(DISTINCT order_id) FROM orders WHERE store = 'tmall'") == (28_010, 28_010)


def test_tmall_report_money_matches_source(tmall: Imported) -> None:
    p, _ = tmall
    paid, refund, total = one(
        p, "SELECT sum(paid_amount), sum(refund_amount), sum(total_amount) FROM orders WHERE store = 'tmall'"
    )
    assert paid == Decimal("2474823.07")  # gross 支付金额 = 买家实际支付金额 + 退款金额 over paid orders
    assert refund == Decimal("572335.92")
    assert paid - refund == Decimal("1902487.15")  # the file's 买家实际支付金额, net of refunds
    assert total == Decimal("2995760.61")
    # For every paid order 买家实际支付金额 + 退款金额 == 总金额, so gross paid equals the total.
    assert one(p, "SELECT count(*) FROM orders WHERE paid_at IS NOT NULL AND paid_amount <> total_amount") == (0,)
    assert one(p, "SELECT count(*), sum(paid_amount) FROM orders WHERE paid_at IS NULL") == (3_923, Decimal("0.00"))


def test_tmall_report_counts_match_source(tmall: Imported) -> None:
    p, _ = tmall
    assert one(p, "SELECT count(paid_at) FROM orders") == (24_087,)
    assert one(p, "SELECT count(*) FROM orders WHERE refund_amount > 0") == (5_646,)
    groups = dict(rows(p, "SELECT status_group, count(*) FROM orders GROUP BY 1"))
    assert groups == {"paid": 18_955, "refunded": 5_132, "pending": 3_923}
    top = rows(p, "SELECT province, count(*) AS n FROM orders GROUP BY 1 ORDER BY n DESC, province LIMIT 3")
    assert top == [("上海", 3_353), ("广东省", 2_463), ("江苏省", 2_126)]
    day = rows(p, "SELECT CAST(created_at AS DATE) AS d, count(*) AS n FROM orders GROUP BY 1 ORDER BY n DESC LIMIT 1")
    assert [(d.isoformat(), n) for d, n in day] == [("2020-02-25", 3_416)]
    span = one(p, "SELECT min(created_at), max(created_at), max(paid_at) FROM orders")
    assert span == (
        datetime(2020, 2, 1, 0, 14, 15),
        datetime(2020, 2, 29, 23, 59, 18),
        datetime(2020, 3, 1, 19, 25, 42),
    )


def test_tmall_report_has_no_buyer_ids(tmall: Imported) -> None:
    p, s = tmall
    assert one(p, "SELECT count(buyer_id) FROM orders") == (0,)
    available = p.warehouse.fields_available("tmall")
    assert "buyer_id" not in available["orders"]
    assert {"order_id", "paid_amount", "refund_amount", "total_amount", "province"} <= available["orders"]
    assert "orders.buyer_id" not in s.fields


# --------------------------------------------------------------------------- online_retail


@pytest.fixture(scope="module")
def retail(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Imported:
    path = dataset_file("online_retail", "online_retail.csv.gz")
    p = project_factory("online_retail")
    [summary] = p.import_files([path], store="uk")
    return p, summary


@pytest.fixture(scope="module")
def retail_oracle(dataset_file: Callable[[str, str], Path]) -> dict[str, Decimal]:
    """Per-line amounts rounded to the cent (half away from zero), summed exactly with Decimal."""
    path = dataset_file("online_retail", "online_retail.csv.gz")
    cent = Decimal("0.01")
    all_lines = clean = Decimal(0)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        inv, qty, price = header.index("InvoiceNo"), header.index("Quantity"), header.index("UnitPrice")
        for row in reader:
            q, u = Decimal(row[qty]), Decimal(row[price])
            amount = (q * u).quantize(cent, ROUND_HALF_UP)
            all_lines += amount
            if q > 0 and u > 0 and not row[inv].startswith("C"):
                clean += amount
    return {"all": all_lines, "clean": clean}


@pytest.mark.slow
def test_online_retail_every_row_accounted(retail: Imported) -> None:
    p, s = retail
    assert (s.source, s.store) == ("invoice_lines", "uk")
    assert (s.rows_read, s.quarantined) == (541_909, 0)
    assert s.loaded == 541_909
    assert_accounted(s)
    assert one(p, "SELECT count(*) FROM order_items") + one(p, "SELECT count(*) FROM refunds") == (532_621, 9_288)
    assert one(p, "SELECT count(*) FROM quarantine") == (0,)


@pytest.mark.slow
def test_online_retail_items_and_refunds_reconcile(retail: Imported, retail_oracle: dict[str, Decimal]) -> None:
    p, _ = retail
    (items,) = one(p, "SELECT sum(amount) FROM order_items WHERE store = 'uk'")
    (refunds,) = one(p, "SELECT sum(amount) FROM refunds WHERE store = 'uk'")
    assert items - refunds == retail_oracle["all"]
    # SOURCE.md's float figure; per-line rounding to the cent may only move it by one cent.
    assert abs(retail_oracle["all"] - Decimal("9747747.93")) <= Decimal("0.01")
    assert items - refunds == Decimal("9747747.93")
    # orders carry their lines' total
    assert one(p, "SELECT sum(total_amount) FROM orders WHERE store = 'uk'") == (items,)


@pytest.mark.slow
def test_online_retail_clean_revenue(retail: Imported, retail_oracle: dict[str, Decimal]) -> None:
    p, _ = retail
    (clean,) = one(
        p,
        "SELECT sum(amount) FROM order_items"
        " WHERE store = 'uk' AND quantity > 0 AND unit_price > 0 AND NOT starts_with(upper(order_id), 'C')",
    )
    assert clean == Decimal("10666684.54") == retail_oracle["clean"]


@pytest.mark.slow
def test_online_retail_invoices_refunds_customers(retail: Imported) -> None:
    p, _ = retail
    both = "SELECT order_id, buyer_id FROM orders WHERE store = 'uk' UNION ALL SELECT order_id, buyer_id FROM refunds WHERE store = 'uk'"
    assert one(p, f"SELECT count(DISTINCT order_id), count(DISTINCT buyer_id) FROM ({both})") == (25_900, 4_372)
    assert one(p, "SELECT count(DISTINCT order_id), count(*) FROM refunds") == (3_836, 9_288)
    assert one(p, "SELECT count(*) FROM refunds WHERE NOT starts_with(order_id, 'C') OR amount < 0") == (0,)
    assert one(p, "SELECT count(*) FROM orders WHERE starts_with(order_id, 'C')") == (0,)
    assert one(p, "SELECT count(*) FROM orders WHERE status = 'adjustment'") == (3,)


# --------------------------------------------------------------------------- taobao_userbehavior_sample


@pytest.fixture(scope="module")
def behavior(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Imported:
    path = dataset_file("taobao_userbehavior_sample", "UserBehavior_head.csv")
    p = project_factory("userbehavior")
    [summary] = p.import_files([path], store="tmall", source="userbehavior")
    return p, summary


def test_userbehavior_events_by_type(behavior: Imported) -> None:
    p, s = behavior
    assert (s.rows_read, s.loaded, s.quarantined) == (84_475, 84_475, 0)
    assert one(p, "SELECT count(*) FROM events") == (84_475,)
    by_type = dict(rows(p, "SELECT event_type, count(*) FROM events GROUP BY 1"))
    assert by_type == {"view": 75_872, "cart": 4_497, "fav": 2_356, "pay": 1_750}
    assert one(
        p, "SELECT count(DISTINCT user_id), count(DISTINCT item_id), count(DISTINCT category_id) FROM events"
    ) == (
        815,
        55_368,
        2_914,
    )


def test_userbehavior_times_are_shanghai_local(behavior: Imported) -> None:
    p, _ = behavior
    first = one(p, "SELECT min(event_time) FROM events WHERE user_id = '1'")
    assert first == (datetime(2017, 11, 25, 1, 21, 10),)  # 1511544070 in Asia/Shanghai
    assert datetime.fromtimestamp(1511544070, ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) == first[0]
    outside = (
        "SELECT count(*) FROM events WHERE event_time < TIMESTAMP '2017-11-25' OR event_time >= TIMESTAMP '2017-12-04'"
    )
    assert one(p, outside) == (35,)
    assert one(p, "SELECT min(event_time) FROM events") == (datetime(2017, 9, 11, 16, 16, 39),)
    day = one(
        p,
        "SELECT count(*), count(DISTINCT user_id) FROM events"
        " WHERE event_type = 'view' AND CAST(event_time AS DATE) = DATE '2017-12-02'",
    )
    assert day == (10_397, 779)


# --------------------------------------------------------------------------- taobao_double11_cosmetics


@pytest.fixture(scope="module")
def listings(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Imported:
    path = dataset_file("taobao_double11_cosmetics", "cosmetic.csv")
    p = project_factory("listings")
    [summary] = p.import_files([path], store="tmall")
    return p, summary


def test_listings_detected_and_duplicates_unchanged(listings: Imported) -> None:
    p, s = listings
    assert (s.source, s.encoding) == ("listings", "utf-8-sig")
    assert (s.rows_read, s.loaded, s.updated, s.unchanged, s.quarantined) == (27_598, 27_512, 0, 86, 0)
    assert one(p, "SELECT count(DISTINCT competitor), count(DISTINCT item_id) FROM competitors") == (22, 3_497)
    # one price per distinct snapshot; 2,354 rows (some of them duplicates) have no sale/comment count
    by_metric = dict(rows(p, "SELECT metric, count(*) FROM competitors GROUP BY 1"))
    assert by_metric == {"price": 27_512, "sale_count": 25_162, "comment_count": 25_162}


def test_listings_latest_sale_count(listings: Imported) -> None:
    p, _ = listings
    latest = """
        WITH last AS (SELECT item_id, max(date) AS d FROM competitors GROUP BY item_id)
        SELECT c.competitor, c.value FROM competitors c JOIN last ON c.item_id = last.item_id AND c.date = last.d
        WHERE c.metric = 'sale_count'
    """
    assert one(p, f"SELECT sum(value) FROM ({latest})") == (Decimal("38555705"),)
    top = rows(p, f"SELECT competitor, sum(value) AS s FROM ({latest}) GROUP BY 1 ORDER BY s DESC LIMIT 3")
    assert top == [("相宜本草", Decimal(8_249_342)), ("悦诗风吟", Decimal(4_660_422)), ("美宝莲", Decimal(4_468_752))]


# --------------------------------------------------------------------------- shopify_orders_export


def shopify_times(path: Path) -> dict[str, tuple[str, str]]:
    """Order name -> (Created at, Paid at) texts, from the order's first row."""
    out: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] not in out:
                out[row["Name"]] = (row["Created at"], row["Paid at"])
    return out


def wall_time(text: str, tz: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z").astimezone(ZoneInfo(tz)).replace(tzinfo=None)


@pytest.fixture(scope="module")
def shopify(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Imported:
    path = dataset_file("shopify_orders_export", "orders_export.csv")
    p = project_factory("shopify")
    [summary] = p.import_files([path], store="shop")
    return p, summary


def test_shopify_figures(shopify: Imported) -> None:
    p, s = shopify
    assert s.source == "shopify"
    assert (s.rows_read, s.loaded, s.quarantined) == (61, 61, 0)
    assert one(p, "SELECT count(*), count(DISTINCT order_id), sum(quantity) FROM order_items WHERE store = 'shop'") == (
        61,
        60,
        61,
    )
    totals = one(
        p,
        "SELECT count(*), sum(total_amount), sum(refund_amount), count(DISTINCT buyer_id), sum(units)"
        " FROM orders WHERE store = 'shop'",
    )
    assert totals == (60, Decimal("2327.46"), Decimal("274.07"), 58, 61)
    assert totals[1] - totals[2] == Decimal("2053.39")
    assert dict(rows(p, "SELECT status, count(*) FROM orders GROUP BY 1")) == {"paid": 52, "refunded": 8}
    assert one(p, "SELECT count(*) FROM order_items WHERE order_id = '#1050'") == (2,)


def test_shopify_offsets_become_london_wall_time(shopify: Imported, dataset_file: Callable[[str, str], Path]) -> None:
    p, _ = shopify
    texts = shopify_times(dataset_file("shopify_orders_export", "orders_export.csv"))
    stored = {
        o: (c, pd) for o, c, pd in rows(p, "SELECT order_id, created_at, paid_at FROM orders WHERE store = 'shop'")
    }
    assert len(stored) == 60
    summer = [o for o, (created, _) in texts.items() if created.endswith("+0100")]
    assert summer, "the export has British Summer Time orders"
    for name, (created, paid) in texts.items():
        # The offset is London's own, so the wall time is the text before it.
        assert stored[name][0] == datetime.strptime(created[:19], "%Y-%m-%d %H:%M:%S"), name
        assert stored[name][0] == wall_time(created, "Europe/London")
        assert stored[name][1] == (datetime.strptime(paid[:19], "%Y-%m-%d %H:%M:%S") if paid else None), name
    assert stored["#1001"][0] == datetime(2025, 8, 3, 23, 31, 15)  # '2025-08-03 23:31:15 +0100'


def test_shopify_in_shanghai_store_shifts_by_offset(tmp_path: Path, dataset_file: Callable[[str, str], Path]) -> None:
    path = dataset_file("shopify_orders_export", "orders_export.csv")
    with Project.init(tmp_path / "cn", stores=[{"name": "cn", "platform": "shopify", "currency": "GBP"}]) as p:
        assert p.settings.store("cn").timezone == "Asia/Shanghai"
        p.import_files([path], store="cn")
        stored = dict(rows(p, "SELECT order_id, created_at FROM orders"))
    texts = shopify_times(path)
    shifts = set()
    for name, (created, _) in texts.items():
        naive = datetime.strptime(created[:19], "%Y-%m-%d %H:%M:%S")
        hours = (stored[name] - naive).total_seconds() / 3600
        assert hours == (7 if created.endswith("+0100") else 8), (name, created, stored[name])
        assert stored[name] == wall_time(created, "Asia/Shanghai")
        shifts.add(hours)
    assert shifts == {7, 8}
    assert stored["#1001"] == datetime(2025, 8, 4, 6, 31, 15)
