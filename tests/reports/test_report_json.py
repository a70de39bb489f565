"""JSON: to_dict dumped as is, money exact, and docs/report-json.md lists every key."""

from __future__ import annotations

import json
import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from example import example_report

from shopops.reports import to_json
from shopops.reports.model import SCHEMA_VERSION, ChartKind, Unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-json.md"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_round_trips_to_dict(lang: str) -> None:
    report = example_report(lang)
    text = to_json(report)
    assert json.loads(text) == report.to_dict()
    assert text.startswith('{\n  "schema_version": 1,\n')


def test_chinese_is_kept_as_text() -> None:
    text = to_json(example_report("zh"))
    assert '"title": "天猫+京东 运营周报 2026年第47周"' in text
    assert "\\u" not in text


def test_money_equals_the_decimals() -> None:
    report = example_report("zh")
    data = json.loads(to_json(report), parse_float=Decimal)
    paid = data["kpis"][0]
    assert paid["value"] == Decimal("1286432.50") == report.kpi("paid_amount").value
    assert paid["change"] == Decimal("-626437.70")
    checked = 0
    for section, s in zip(report.sections, data["sections"], strict=True):
        for table, t in zip(section.tables, s["tables"], strict=True):
            money = [c.id for c in table.columns if c.unit == "money"]
            for row, r in zip(table.rows, t["rows"], strict=True):
                for key in money:
                    assert r[key] == row[key], (section.id, table.id, key)
                    checked += row[key] is not None
    assert checked > 200
    assert data["sections"][5]["tables"][0]["rows"][0]["cvr"] is not None
    assert any(r["cvr"] is None for r in data["sections"][5]["tables"][0]["rows"])  # missing stays null


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path, lists as ``[]``; the keys inside table rows are column ids, not schema."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            if not path.endswith(".rows"):
                paths |= _key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= _key_paths(item, prefix + "[]")
    return paths


def test_the_doc_lists_every_key() -> None:
    doc = DOC.read_text(encoding="utf-8")
    paths = _key_paths(example_report("zh").to_dict()) | _key_paths(example_report("en").to_dict())
    assert len(paths) > 50  # the walk reached periods, KPIs, sections, tables, columns and charts
    missing = sorted(p for p in paths if f"| `{p}` |" not in doc)
    assert missing == [], f"docs/report-json.md does not document {missing}"
    documented = set(re.findall(r"^\| `([a-z_.\[\]]+)` \|", doc, re.M)) - set(typing.get_args(Unit))
    assert documented - paths == set(), "docs/report-json.md documents keys the code does not write"


def test_the_doc_lists_units_chart_kinds_and_version() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert all(f"| `{unit}` |" in doc for unit in typing.get_args(Unit))
    assert all(f"`{kind}`" in doc for kind in typing.get_args(ChartKind))
    assert f"`schema_version` is currently `{SCHEMA_VERSION}`" in doc
