"""Refunds: rates by product, reason, channel and days since purchase by hand; jumps with a z-test."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import ibis
import pytest
from product_shop import build_shop, import_csv

from shopops.analyses.refunds import RefundsParams, days_bucket, refunds, z_test
from shopops.errors import QueryError
from shopops.project import Project

OCT_NOV = RefundsParams(date(2026, 10, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project]) -> Project:
    p = project_factory("shop")
    return build_shop(p, p.settings.root)


def test_rates_by_product(shop: Project) -> None:
    got = refunds(shop, RefundsParams(date(2026, 10, 1), date(2026, 10, 31))).by_product.set_index("sku")
    # October refunds: r1 (A, 7), r2 (C, 100), r4 (A, 10; its order is unknown); r3 is in November
    assert got.loc["A", "refund_amount"] == 17
    assert got.loc["A", "refund_rate"] == pytest.approx(17 / 60)
    assert got.loc["A", "unit_refund_rate"] == pytest.approx(2 / 6)
    assert got.loc["C", "refund_rate"] == pytest.approx(100 / 200)
    assert got.loc["B", "refunds"] == 0 and got.loc["D", "refund_rate"] == 0


def test_reason_channel_and_days_since_purchase(shop: Project) -> None:
    r = refunds(shop, OCT_NOV)
    days = r.by_days.set_index("bucket")
    # r1: paid 10-01, refunded 10-03 → 2 days; r2: 10-02 → 10-12, 10 days; r3: 10-06 → 11-10, 35 days;
    # r4 names an order that was never imported → unknown
    assert days["refunds"].to_dict() == {"0-3": 1, "8-15": 1, "31+": 1, "unknown": 1}
    assert days["share"].sum() == pytest.approx(1.0)
    reason = r.by_reason.set_index("reason")
    assert reason["refunds"].to_dict() == {"": 1, "quality": 2, "size": 1}
    assert reason.loc["quality", "refund_amount"] == 150
    channel = r.by_channel.set_index("channel")
    assert channel.loc["live", "refund_rate"] == pytest.approx(100 / 110)
    assert channel.loc["search", "refund_amount"] == 57  # r1 7 + r3 50
    assert channel.loc["search", "refund_rate"] == pytest.approx(57 / 500)


def test_bucket_edges() -> None:
    t = ibis.memtable({"d": [0, 3, 4, 7, 8, 15, 16, 30, 31, 400, None]}, schema={"d": "int64"})
    got = t.select(b=days_bucket(t.d)).to_pandas()["b"].tolist()
    assert got == ["0-3", "0-3", "4-7", "4-7", "8-15", "8-15", "16-30", "16-30", "31+", "31+", "unknown"]


def test_z_test_by_hand() -> None:
    # p = 50/400 = 0.125; se = sqrt(0.125 · 0.875 · (1/100 + 1/300)) = 0.038188; z = 0.1 / se
    z, p = z_test(20, 100, 30, 300)
    assert z == pytest.approx(0.1 / math.sqrt(0.125 * 0.875 * (1 / 100 + 1 / 300)))
    assert p == pytest.approx(0.0044144, abs=1e-7)  # scipy.stats.norm.sf(2.6186) = 0.0044144
    assert all(math.isnan(v) for v in z_test(0, 0, 1, 10))


def test_jump_against_own_history(project: Project, tmp_path: Path) -> None:
    # J: 120 units with 3 returned in the 12 weeks before, 40 with 10 returned in the last 4 weeks;
    # K: 6 of 120 before, 2 of 40 now (no change)
    orders, items, back = [], [], []
    for sku, base_back, recent_back in (("J", 3, 10), ("K", 6, 2)):
        for i in range(16):
            day = f"2026-09-{i + 1:02d}" if i < 12 else f"2026-11-{i:02d}"
            oid = f"{sku}{i}"
            orders.append((oid, f"b{i}", f"{day} 10:00:00", f"{day} 10:00:00", 100))
            items.append((oid, sku, 10, 10))
        back.append((f"r{sku}0", f"{sku}0", sku, base_back, 1, "2026-09-20 10:00:00"))
        back.append((f"r{sku}1", f"{sku}12", sku, recent_back, 1, "2026-11-20 10:00:00"))
    import_csv(project, tmp_path, "o.csv", "jd", "orders", "order_id,buyer_id,created_at,paid_at,total_amount", orders)
    import_csv(project, tmp_path, "i.csv", "jd", "items", "order_id,sku,quantity,unit_price", items)
    import_csv(project, tmp_path, "r.csv", "jd", "refunds", "refund_id,order_id,sku,quantity,amount,refund_at", back)
    r = refunds(project, RefundsParams(end=date(2026, 11, 30), stores=("jd",)))
    jumps = r.jumps.set_index("sku")
    assert jumps.loc["J", ["units_recent", "returned_recent", "units_base", "returned_base"]].tolist() == [
        40,
        10,
        120,
        3,
    ]
    assert bool(jumps.loc["J", "jumped"]) and not bool(jumps.loc["K", "jumped"])
    assert jumps.loc["J", "p_value"] == pytest.approx(z_test(10, 40, 3, 120)[1])
    assert any("refunds.reason" in n for n in r.notes)  # this refund export has no reasons
    assert r.by_reason.empty


def test_params_are_validated() -> None:
    with pytest.raises(QueryError):
        RefundsParams(alpha=2)
    with pytest.raises(QueryError):
        RefundsParams(recent_weeks=0)


def test_orders_refund_amounts_without_a_refund_export(project: Project, tmp_path: Path) -> None:
    # t1 paid 100 (X 30 + Y 70) and refunded 10 → X 3, Y 7; t2 paid 30 (X), no refund
    orders = [
        ("t1", "2026-10-01 10:00:00", "2026-10-01 10:00:00", 100, 10, "app"),
        ("t2", "2026-10-02 10:00:00", "2026-10-02 10:00:00", 30, 0, "pc"),
    ]
    header = "order_id,created_at,paid_at,total_amount,refund_amount,channel"
    import_csv(project, tmp_path, "o.csv", "tmall", "orders", header, orders)
    items = [("t1", "X", 3, 10), ("t1", "Y", 1, 70), ("t2", "X", 3, 10)]
    import_csv(project, tmp_path, "i.csv", "tmall", "items", "order_id,sku,quantity,unit_price", items)
    r = refunds(project, RefundsParams(date(2026, 10, 1), date(2026, 10, 31), stores=("tmall",)))
    got = r.by_product.set_index("sku")
    assert got["refund_amount"].to_dict() == {"Y": 7, "X": 3}
    assert got.loc["X", "refund_rate"] == pytest.approx(3 / 60)
    assert got["refunds"].to_dict() == {"Y": 1, "X": 1}  # orders with a refund
    channel = r.by_channel.set_index("channel")
    assert channel.loc["app", "refund_rate"] == pytest.approx(10 / 100) and channel.loc["pc", "refund_amount"] == 0
    assert r.by_days.empty and r.by_reason.empty
    assert any("orders' refund amounts" in n for n in r.notes)
    jumps = r.jumps.set_index("sku")
    assert jumps.loc["X", "basis"] == "orders"
