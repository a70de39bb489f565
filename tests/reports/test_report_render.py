"""render(): one call writes every format, with file names from the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from example import example_report

from shopops.reports import ReportError, render, to_html, to_json, to_markdown
from shopops.reports.figures import default_stem, safe_name


def test_render_writes_every_format(tmp_path: Path) -> None:
    report = example_report("zh")
    paths = render(report, tmp_path / "out")
    stem = "weekly-2026-W47-tmall_flagship+jd_official"
    assert paths == {fmt: tmp_path / "out" / f"{stem}.{fmt}" for fmt in ("html", "xlsx", "md", "json")}
    assert paths["md"].read_text(encoding="utf-8") == to_markdown(report)
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == report.to_dict()
    assert paths["html"].read_text(encoding="utf-8") == to_html(report)
    assert paths["xlsx"].read_bytes()[:2] == b"PK"


def test_render_some_formats_with_a_stem(tmp_path: Path) -> None:
    report = example_report("en")
    paths = render(report, tmp_path, formats=("json", "md"), stem="周报/2026 W47: all")
    assert paths == {"json": tmp_path / "周报-2026-W47-all.json", "md": tmp_path / "周报-2026-W47-all.md"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["周报-2026-W47-all.json", "周报-2026-W47-all.md"]
    assert paths["json"].read_text(encoding="utf-8") == to_json(report)
    with pytest.raises(ReportError, match="unknown report format pdf"):
        render(report, tmp_path, formats=["html", "pdf"])


def test_an_english_report_does_not_overwrite_the_chinese_one(tmp_path: Path) -> None:
    """Issue 12 (8): the same period in zh and en gives two sets of files."""
    zh, en = (
        render(example_report("zh"), tmp_path, formats=["md"]),
        render(example_report("en"), tmp_path, formats=["md"]),
    )
    assert zh["md"] != en["md"] and zh["md"].exists() and en["md"].exists()
    assert en["md"].name == "weekly-2026-W47-tmall_flagship+jd_official-en.md"


def test_default_stem() -> None:
    report = example_report("zh")
    assert default_stem(report) == "weekly-2026-W47-tmall_flagship+jd_official"
    report.stores = []
    assert default_stem(report) == "weekly-2026-W47-all-stores"
    report.stores = ["天猫旗舰店"]
    assert default_stem(report) == "weekly-2026-W47-天猫旗舰店"
    report.stores = ["a", "b", "c", "d"]
    assert default_stem(report) == "weekly-2026-W47-4-stores"
    report.stores = ["../../etc", "x y"]
    assert default_stem(report) == "weekly-2026-W47-etc+x-y"
    assert safe_name("..") == "report"
    assert safe_name("a" * 300) == "a" * 120


def test_sparse_reports_render(tmp_path: Path) -> None:
    """No KPIs, no summary, a text-only section, an empty table with charts, no year-ago period."""
    import openpyxl

    from shopops.reports.model import Chart, Column, Section, Table

    report = example_report("en")
    report.kpis, report.summary, report.notes, report.yoy, report.currency = [], [], [], None, None
    empty = Table("t", "", [Column("day", "Day"), Column("paid", "Paid", "money")], [])
    report.sections = [
        Section("text_only", "Plan for next week", ["Restock down jackets before the cold front."]),
        Section(
            "empty",
            "Nothing sold",
            tables=[empty],
            charts=[Chart(k, k, k, "t", "day", ("paid",)) for k in ("bar", "barh", "line", "waterfall", "pie")],  # type: ignore[arg-type]
        ),
    ]
    paths = render(report, tmp_path)
    assert "Plan for next week" in paths["html"].read_text(encoding="utf-8")
    assert "| Day | Paid |\n|---|---:|\n" in paths["md"].read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["Summary", "Plan for next week", "Nothing sold", "Notes"]
    assert len(wb["Nothing sold"]._charts) == 5
