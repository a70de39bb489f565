"""The Excel workbook, read back with openpyxl: sheets, exact money, number formats, native charts."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from example import example_report

from shopops.reports import to_xlsx
from shopops.reports.excel import NUM_FORMATS, sheet_names
from shopops.reports.model import Column, Report, Section, Table


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path, Any]:
    report = example_report("zh")
    path = to_xlsx(report, tmp_path_factory.mktemp("xlsx") / "weekly.xlsx")
    return report, path, openpyxl.load_workbook(path)


def _find(ws: Any, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not on sheet {ws.title}")


def test_sheets_are_summary_sections_notes(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    assert wb.sheetnames == ["摘要", *[s.title for s in report.sections], "备注"]


def test_summary_sheet(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    ws = wb["摘要"]
    assert ws["A1"].value == report.title
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "周报 · 2026-W47 (2026-11-16 – 2026-11-22)" in values
    assert all(f"• {s}" in values for s in report.summary)
    top, _ = _find(ws, "指标")
    assert [c.value for c in ws[top]][:8] == ["指标", "本期", "上期", "环比", "去年同期", "同比", "目标", "达成率"]
    paid = ws[top + 1]
    assert paid[0].value == "支付金额"
    assert Decimal(str(paid[1].value)) == Decimal("1286432.50") and paid[1].number_format == "#,##0.00"
    assert Decimal(str(paid[2].value)) == Decimal("1912870.20")
    assert paid[3].value == pytest.approx(-0.32748573) and paid[3].number_format == NUM_FORMATS["pct"]
    assert Decimal(str(paid[6].value)) == Decimal("1400000.00")
    assert paid[7].value == pytest.approx(0.918880) and paid[7].number_format == "0.00%"
    cvr = ws[top + 3]
    assert cvr[0].value == "支付转化率" and cvr[1].number_format == "0.00%"
    assert cvr[3].value == pytest.approx(-0.7302861) and cvr[3].number_format == NUM_FORMATS["pp"]  # points
    refund = ws[top + 5]
    assert refund[3].font.color.rgb.endswith("1A9E5A")  # a falling refund rate is good news: green
    assert paid[3].font.color.rgb.endswith("D93A3A")  # falling sales: red
    assert refund[4].value is None and refund[6].value is None  # no year-ago figure, no target
    missing = ws[top + len(report.kpis)]
    assert missing[0].value == "30天复购率" and [c.value for c in missing[1:8]] == [None] * 7
    assert ws.auto_filter.ref == f"A{top}:H{top + len(report.kpis)}"


def test_money_is_exact_to_the_cent_everywhere(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    checked = 0
    for section in report.sections:
        ws = wb[section.title]
        for table in section.tables:
            name = next(n for n, t in ws.tables.items() if n.endswith(f"_{table.id}"))
            ref = ws.tables[name].ref
            first, last = (int(x) for x in re.findall(r"\d+", ref))
            assert last - first == len(table.rows)
            for i, row in enumerate(table.rows, start=first + 1):
                for j, column in enumerate(table.columns, start=1):
                    cell, value = ws.cell(i, j), row.get(column.id)
                    if column.unit == "money" and value is not None:
                        assert isinstance(cell.value, float | int)
                        assert Decimal(str(cell.value)) == value, (section.id, table.id, column.id)
                        assert cell.number_format == "#,##0.00"
                        checked += 1
    assert checked > 200


def test_number_formats_by_unit(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    ws = wb["流量来源"]
    header, _ = _find(ws, "访客数")  # the table's title is 渠道, its header row starts 渠道, 访客数
    labels = [c.value for c in ws[header]]
    row = ws[header + 1]
    formats = {labels[i]: row[i].number_format for i in range(8)}
    assert formats["访客数"] == "#,##0"
    assert formats["环比"] == NUM_FORMATS["pct"]
    assert formats["占比"] == "0.00%"
    assert formats["支付转化率 环比"] == NUM_FORMATS["pp"]
    source = report.section("channels").table("channels").rows[0]
    assert row[labels.index("支付转化率 环比")].value == pytest.approx(source["cvr_change"] * 100)  # written in points
    assert row[labels.index("访客数")].value == source["uv"]
    trend = wb["每日趋势"]
    head, _ = _find(trend, "日历日")
    assert (
        trend.cell(head + 1, 2).value == datetime(2026, 11, 16)
        and trend.cell(head + 1, 2).number_format == "yyyy-mm-dd"
    )
    products = wb["商品表现"]
    head, _ = _find(products, "商品ID")
    sku = products.cell(head + 1, 2)
    assert sku.data_type == "s"  # ids stay text


def test_tables_filters_freeze_and_widths(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    for section in report.sections:
        ws = wb[section.title]
        assert len(ws.tables) == len(section.tables)
        assert all(t.autoFilter is not None for t in ws.tables.values())
        first = min(int(re.findall(r"\d+", t.ref)[0]) for t in ws.tables.values())
        assert ws.freeze_panes == f"A{first + 1}"
    assert wb["商品表现"].column_dimensions["A"].width >= 20  # the Chinese product names fit


def test_native_charts_reference_their_tables(workbook: tuple[Report, Path, Any]) -> None:
    report, path, wb = workbook
    for section in report.sections:
        assert len(wb[section.title]._charts) == len(section.charts), section.id
    with zipfile.ZipFile(path) as z:
        charts = {n: z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)}
    assert len(charts) == 13
    kinds = sorted(re.search(r"<c:(\w+Chart)>", x).group(1) for x in charts.values())  # type: ignore[union-attr]
    assert kinds.count("pieChart") == 2 and kinds.count("lineChart") == 1 and kinds.count("barChart") == 10
    waterfalls = [x for x in charts.values() if '<c:grouping val="stacked"/>' in x]
    assert len(waterfalls) == 2
    bridge = next(x for x in waterfalls if "指标拆解!" in x)
    assert len(re.findall(r"<c:ser>", bridge)) == 4
    assert "<a:noFill/>" in bridge  # the invisible base
    ws = wb["指标拆解"]
    head, _ = _find(ws, "项目")
    rows = f"${head + 1}:$" + chr(ord("A")) + f"${head + 5}"
    assert f"<c:f>指标拆解!$A{rows}</c:f>" in bridge  # categories: the table's step column
    helper = [c.value for c in ws[head + 2] if isinstance(c.value, float)]
    uv_effect = report.section("kpi_tree").table("bridge").rows[1]["amount"]
    assert helper[0] == pytest.approx(float(uv_effect)) and helper[2] == pytest.approx(-float(uv_effect))
    trend = next(x for x in charts.values() if "<c:lineChart>" in x)
    assert re.findall(r"<c:f>([^<]+)</c:f>", trend)[:3] == [
        "每日趋势!$C$5",
        "每日趋势!$A$6:$A$12",
        "每日趋势!$C$6:$C$12",
    ]


def test_notes_sheet(workbook: tuple[Report, Path, Any]) -> None:
    report, _, wb = workbook
    values = [c.value for row in wb["备注"].iter_rows() for c in row if c.value is not None]
    assert all(n in values for n in report.notes)
    assert all(n in values for s in report.sections for n in s.notes)
    assert "淘宝客按佣金计花费，无点击数据。" in values


def test_sheet_names_are_valid_and_unique() -> None:
    report = example_report("en")
    report.sections = [
        Section("a", "Traffic: by channel / source [paid]?"),
        Section("b", "A very long section title that Excel would not accept"),
        Section("c", "A very long section title that Excel would not accept either"),
        Section("d", "history"),
        Section("e", "summary"),
    ]
    names = sheet_names(report)
    assert names == [
        "Summary",
        "Traffic_ by channel _ source _p",
        "A very long section title that",
        "A very long section title t (2)",
        "history_",
        "summary (2)",
        "Notes",
    ]
    assert all(len(n) <= 31 for n in names)


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    report = example_report("en")
    report.sections = [
        Section("x", "X", tables=[Table("t", "T", [Column("name", "Name")], [{"name": '=HYPERLINK("http://x","y")'}])])
    ]
    wb = openpyxl.load_workbook(to_xlsx(report, tmp_path / "x.xlsx"))
    cell = wb["X"]["A5"]  # title, blank, table title, header, the row
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
