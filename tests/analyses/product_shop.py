"""A hand-computable shop for the product, basket and refund tests (store ``uk``, October 2026).

orders (paid)            lines                               buyer  channel
o1 2026-10-01 10:00      A 2 × 10, B 1 × 50  (refund 7)       ann    search
o2 2026-10-02 11:00      A 1 × 10, C 1 × 100                  bob    live
o3 2026-10-05 09:00      B 1 × 50                             ann    search
o4 2026-10-06 15:00      A 3 × 10, B 1 × 50, C 1 × 100        cat    search
o5 2026-10-20 12:00      D 1 × 200                            bob    search

products: A price 12 cost 8; B 50 / 30; C 100 / 70, role custom; D 250 / 100. Ads: 61 on 2026-10-01.
refunds: r1 o1 A 1 unit 7 on 10-03 (size); r2 o2 C 1 unit 100 on 10-12 (quality);
r3 o4 B 1 unit 50 on 11-10 (quality); r4 X99 (no such order) A 1 unit 10 on 10-25 (no reason).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from shopops.project import Project

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,channel"
ITEMS = "order_id,sku,quantity,unit_price"
PRODUCTS = "sku,title,price,unit_cost,role"
ADS = "date,campaign,spend"
REFUNDS = "refund_id,order_id,sku,quantity,amount,refund_at,reason"


def import_csv(
    project: Project, folder: Path, name: str, store: str, kind: str, header: str, rows: Iterable[Sequence[object]]
) -> None:
    """Write a generic-source CSV (canonical field names as headers) and import it; nothing quarantined."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header.split(","), *rows])
    (summary,) = project.import_files([path], store=store, source="generic", kind=kind)
    assert summary.quarantined == 0, project.quarantine(summary.import_id).to_dict("records")


def build_shop(project: Project, folder: Path) -> Project:
    orders = [
        ("o1", "ann", "2026-10-01 10:00:00", "2026-10-01 10:00:00", 70, 70, 7, "search"),
        ("o2", "bob", "2026-10-02 11:00:00", "2026-10-02 11:00:00", 110, 110, 0, "live"),
        ("o3", "ann", "2026-10-05 09:00:00", "2026-10-05 09:00:00", 50, 50, 0, "search"),
        ("o4", "cat", "2026-10-06 15:00:00", "2026-10-06 15:00:00", 180, 180, 0, "search"),
        ("o5", "bob", "2026-10-20 12:00:00", "2026-10-20 12:00:00", 200, 200, 0, "search"),
    ]
    items = [
        ("o1", "A", 2, 10),
        ("o1", "B", 1, 50),
        ("o2", "A", 1, 10),
        ("o2", "C", 1, 100),
        ("o3", "B", 1, 50),
        ("o4", "A", 3, 10),
        ("o4", "B", 1, 50),
        ("o4", "C", 1, 100),
        ("o5", "D", 1, 200),
    ]
    products = [
        ("A", "socks", 12, 8, ""),
        ("B", "shirt", 50, 30, ""),
        ("C", "suit", 100, 70, "custom"),
        ("D", "coat", 250, 100, ""),
    ]
    refunds = [
        ("r1", "o1", "A", 1, 7, "2026-10-03 10:00:00", "size"),
        ("r2", "o2", "C", 1, 100, "2026-10-12 09:00:00", "quality"),
        ("r3", "o4", "B", 1, 50, "2026-11-10 09:00:00", "quality"),
        ("r4", "X99", "A", 1, 10, "2026-10-25 09:00:00", ""),
    ]
    import_csv(project, folder, "orders.csv", "uk", "orders", ORDERS, orders)
    import_csv(project, folder, "items.csv", "uk", "items", ITEMS, items)
    import_csv(project, folder, "products.csv", "uk", "products", PRODUCTS, products)
    import_csv(project, folder, "ads.csv", "uk", "ads", ADS, [("2026-10-01", "brand", 61)])
    import_csv(project, folder, "refunds.csv", "uk", "refunds", REFUNDS, refunds)
    return project
