"""Opening the warehouse: missing tables and columns are added (a forward-only migration, rows kept),
and the stores of shopops.toml are recorded when they differ from the warehouse's."""

from __future__ import annotations

from pathlib import Path

from shopops.project import Project
from shopops.warehouse.schema import TABLES


def _stores(p: Project) -> list[tuple[str, str, str, str]]:
    frame = p.warehouse.table("stores").order_by("store").execute()
    return [(r.store, r.platform, r.currency, r.timezone) for r in frame.itertuples(index=False)]


def test_the_stores_of_the_settings_are_recorded(project: Project) -> None:
    root = project.settings.root
    assert _stores(project) == [
        ("jd", "jd", "CNY", "Asia/Shanghai"),
        ("shop", "shopify", "GBP", "Europe/London"),
        ("tmall", "tmall", "CNY", "Asia/Shanghai"),
        ("uk", "other", "GBP", "Europe/London"),
    ]
    project.close()
    text = (root / "shopops.toml").read_text(encoding="utf-8")
    assert text.count('timezone = "Europe/London"') == 2
    (root / "shopops.toml").write_text(text.replace('timezone = "Europe/London"', 'timezone = "Europe/Dublin"', 1))
    with Project.open(root) as again:
        assert ("shop", "shopify", "GBP", "Europe/Dublin") in _stores(again)
        assert ("uk", "other", "GBP", "Europe/London") in _stores(again)
    with Project.open(root) as unchanged:  # nothing to record: the rows stay as they are
        assert ("shop", "shopify", "GBP", "Europe/Dublin") in _stores(unchanged)


def test_missing_columns_and_tables_are_added_and_rows_kept(project: Project, tmp_path: Path) -> None:
    root = project.settings.root
    con = project.warehouse.con
    con.raw_sql("INSERT INTO order_items (store, order_id, line_no, sku, amount) VALUES ('tmall', 'o1', 1, 'A', 9.90)")
    con.raw_sql("ALTER TABLE order_items DROP COLUMN discount_amount")  # as an older shopops made it
    con.raw_sql("DROP TABLE competitors")
    project.close()
    with Project.open(root) as p:
        items = p.warehouse.table("order_items")
        assert items.columns == tuple(TABLES["order_items"].schema().names)
        row = items.execute().iloc[0]
        assert (row.order_id, row.sku, str(row.amount), row.discount_amount) == ("o1", "A", "9.90", None)
        assert "competitors" in p.warehouse.con.list_tables()
        assert p.warehouse.table("competitors").schema() == TABLES["competitors"].schema()
