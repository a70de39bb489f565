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
