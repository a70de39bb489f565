"""The generated reference pages in docs/ match the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopops import docs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(docs.PAGES))
def test_generated_page_is_current(name: str) -> None:
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == docs.PAGES[name](), f"docs/{name} is stale: run `make docs` and commit it"


def test_every_table_and_source_is_documented() -> None:
    from shopops.ingest.sources import SOURCES
    from shopops.warehouse.schema import TABLES

    model = docs.data_model()
    assert all(f"## `{t}`" in model for t in TABLES)
    page = docs.sources()
    assert all(f"## `{s}`" in page for s in SOURCES)
