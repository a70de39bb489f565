"""The sample shop imports completely and its totals equal the generator's ground truth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from shopops.project import Project
from shopops.sample import Anomaly, SampleSpec, generate
from shopops.warehouse.summary import store_totals


def test_every_sample_file_imports_and_totals_match_truth(tmp_path: Path) -> None:
    spec = SampleSpec(
        stores=3,
        days=45,
        seed=3,
        orders_per_day=40,
        end_date=date(2026, 6, 20),
        anomalies=[Anomaly("tmall_flagship", "手淘搜索", date(2026, 6, 1), 7, -0.4)],
    )
    result = generate(spec, out_dir=tmp_path / "exports")
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    project = Project.init(tmp_path / "p", stores=stores)
    with project:
        for f in result.files:
            summary = project.import_files(
                [tmp_path / "exports" / f.path], store=f.store, source=f.source, kind=f.kind
            )[0]
            assert summary.rows_read == f.rows, f.path
            assert summary.quarantined == 0, (f.path, project.quarantine(summary.import_id).head())
            assert summary.loaded == f.rows, f.path
        totals = {t.store: t for t in store_totals(project.warehouse)}
        for store, truth in result.truth.items():
            t = totals[store]
            assert t.orders == truth["orders"]
            assert t.paid_orders == truth["paid_orders"]
            assert t.paid_amount == Decimal(str(truth["paid_amount"]))
            assert t.refund_amount == Decimal(str(truth["refund_amount"]))
            assert t.units == truth["units"]
            assert t.buyers == truth["buyers"]
            assert t.traffic_uv == truth["traffic_uv"]
            assert t.ad_spend == Decimal(str(truth["ad_spend"]))
        items = project.warehouse.table("order_items")
        assert int(items.count().execute()) == sum(int(t["order_item_rows"]) for t in result.truth.values())
        # importing everything again changes nothing
        before = project.warehouse.counts()
        for f in result.files:
            again = project.import_files([tmp_path / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)[
                0
            ]
            assert again.unchanged == f.rows and again.loaded == again.updated == 0, f.path
        after = project.warehouse.counts()
        assert {k: v for k, v in after.items() if k != "imports"} == {k: v for k, v in before.items() if k != "imports"}
