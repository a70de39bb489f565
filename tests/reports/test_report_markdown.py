"""Markdown for IM messages: well-formed pipe tables, every headline figure, the report's language."""

from __future__ import annotations

import re

from example import example_report

from shopops.reports import to_markdown
from shopops.reports.figures import kpi_delta
from shopops.reports.model import Column, Section, Table, format_value

PIPE = re.compile(r"(?<!\\)\|")


def _tables(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def test_pipe_tables_are_well_formed() -> None:
    report = example_report("zh")
    text = to_markdown(report)
    tables = _tables(text)
    assert len(tables) == sum(len(s.tables) for s in report.sections)
    for block, table in zip(tables, [t for s in report.sections for t in s.tables], strict=True):
        widths = {len(PIPE.findall(line)) for line in block}
        assert widths == {len(table.columns) + 1}, block[:3]
        assert re.fullmatch(r"\|(?:---:?\|)+", block[1])
        assert len(block) == 2 + min(len(table.rows), 10)


def test_long_tables_are_cut_with_a_count() -> None:
    zh, en = to_markdown(example_report("zh")), to_markdown(example_report("en"))
    assert "… 还有 30 行" in zh  # 40 top products, 10 shown
    assert "… 30 more rows" in en
    assert "… 还有 5 行" in zh  # 15 campaigns
    full = to_markdown(example_report("zh"), max_rows=None)
    assert "… 还有" not in full and len(_tables(full)[8]) == 42


def test_headline_figures_and_sections() -> None:
    report = example_report("zh")
    text = to_markdown(report)
    assert text.startswith(f"# {report.title}\n")
    assert "**统计周期**：2026-W47 (2026-11-16 – 2026-11-22) · 对比周期：2026-W46 (2026-11-09 – 2026-11-15)" in text
    for kpi in report.kpis[:-1]:
        delta = kpi_delta(kpi)
        assert delta is not None
        assert (
            f"- **{kpi.label}**：{format_value(kpi.value, kpi.unit, lang='zh')}，环比 {delta.arrow} {delta.text}（上期 "
            in text
        )
    assert (
        "- **支付金额**：1,286,432.50，环比 ▼ -32.75%（上期 1,912,870.20），同比 ▲ +60.51%，目标 1,400,000.00 达成率 91.89%"
        in text
    )
    for sentence in report.summary:
        assert f"- {sentence}" in text
    for section in report.sections:
        assert f"## {section.title}\n" in text
        assert all(sentence in text for sentence in section.text)
        assert all(f"> {note}" in text for note in section.notes)
    assert "- **30天复购率**：—，环比 —（上期 —）\n" in text
    assert "| 上期支付金额 | 1,912,870.20 |" in text
    assert "| 流量影响 | -462,517.93 |" in text
    assert text.rstrip().endswith("_生成于 2026-11-23 09:30_")


def test_zh_and_en_chrome() -> None:
    zh, en = to_markdown(example_report("zh")), to_markdown(example_report("en"))
    for heading in ("## 摘要", "## 核心指标", "## 备注"):
        assert heading in zh
    for heading in ("## Summary", "## Key figures", "## Notes"):
        assert heading in en
    assert "vs previous ▼ -32.75% (Previous 1,912,870.20), YoY ▲ +60.51%, Target 1,400,000.00 Achievement 91.89%" in en
    assert "| Wrong size | 38,210.50 | 141 | 48.37% | -1.20 pp |" in en
    assert "| 尺码不合适 | 38,210.50 | 141 | 48.37% | -1.20 pp |" in zh


def test_cells_are_escaped_and_gaps_shown() -> None:
    report = example_report("en")
    report.sections = [
        Section(
            "x",
            "X",
            tables=[
                Table(
                    "t", "T", [Column("name", "Name|alias"), Column("v", "V", "money")], [{"name": "a|b\nc", "v": None}]
                )
            ],
        )
    ]
    text = to_markdown(report)
    assert "| Name\\|alias | V |" in text
    assert "| a\\|b c | n/a |" in text
