"""Target tiling, once for the report's headline and the tracking: rows of mixed grains, by hand.

Regression: on a week covered by a week row and day rows, and on the month holding it, the headline's
target (``metrics.targets.targets``) and the tracking section's (``plan.track``) disagreed: the headline
took one grain only, the tracking the coarsest rows first. The rule is now written once
(:class:`~shopops.metrics.targets.TargetRows`): coarsest rows first.

Store ``mixed``, paid_amount targets of 2026 (natural Monday weeks; W43 = 10-19 .. 10-25):
  * a week row 10-19 .. 10-25 of 700.00, and day rows of 90.00 for every day of October (7 x 90 = 630.00
    inside W43): the week's target is its own row, 700.00; October's is 700.00 + 24 x 90.00 = 2,860.00
    (the headline used to say 31 x 90.00 = 2,790.00 for October).
Store ``gappy``: the same week row of 700.00 and day rows for October's other 24 days only (none inside
  W43): W43 700.00, October 700.00 + 24 x 90.00 = 2,860.00 (the headline used to say none for October).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from tests.metrics.metric_builders import import_csv

from shopops.metrics.targets import targets
from shopops.plan.track import TrackParams, track
from shopops.project import Project

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units"
TARGETS = "metric,grain,period_start,period_end,value"
W43 = (date(2026, 10, 19), date(2026, 10, 25))
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = project_factory("mixed_grain_targets")
    folder = tmp_path_factory.mktemp("mixed_grain_files")
    october = [date(2026, 10, 1) + timedelta(days=i) for i in range(31)]
    for store, days in (("mixed", october), ("gappy", [d for d in october if not W43[0] <= d <= W43[1]])):
        p.add_store(store, platform="tmall", currency="CNY", timezone="Asia/Shanghai")
        order = ("o" + store, "b1", "2026-10-31 10:00:00", "2026-10-31 10:01:00", 50, 50, 0, 1)
        import_csv(p, folder, f"o_{store}.csv", store, "orders", ORDERS, [order])
        rows = [("paid_amount", "week", W43[0].isoformat(), W43[1].isoformat(), "700.00")]
        rows += [("paid_amount", "day", d.isoformat(), d.isoformat(), "90.00") for d in days]
        import_csv(p, folder, f"t_{store}.csv", store, "targets", TARGETS, rows)
    return p


@pytest.mark.parametrize("store", ["mixed", "gappy"])
def test_headline_and_tracking_agree_on_mixed_grains(shop: Project, store: str) -> None:
    headline_week = targets(shop.warehouse, ["paid_amount"], *W43, [store])["paid_amount"]
    headline_month = targets(shop.warehouse, ["paid_amount"], *OCTOBER, [store])["paid_amount"]
    r = track(shop, TrackParams(stores=(store,), month="2026-10"))
    weeks = r.level("week").set_index("label")["target"]
    months = r.level("month").set_index("label")["target"]
    assert headline_week == weeks["FY2026-W43"] == Decimal("700.00")
    assert headline_month == months["FY2026-M10"] == Decimal("2860.00")
