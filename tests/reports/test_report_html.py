"""The HTML page: self-contained, every figure and sentence present, everything escaped."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from example import example_report
from markupsafe import escape
from plotly.offline import get_plotlyjs

from shopops.reports import ReportError, to_html
from shopops.reports.figures import kpi_delta
from shopops.reports.model import Chart, Report, format_value


@pytest.fixture(scope="module", params=["zh", "en"])
def rendered(request: pytest.FixtureRequest) -> tuple[Report, str]:
    report = example_report(request.param)
    return report, to_html(report)


def _charts(html: str) -> list[dict[str, object]]:
    match = re.search(r"var charts = (\[.*?\]);\n", html, re.S)
    assert match
    charts: list[dict[str, object]] = json.loads(match.group(1))
    return charts


def test_page_is_self_contained(rendered: tuple[Report, str]) -> None:
    _, html = rendered
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", html, re.I)
    assert tags == ["<script>", "<script>"]  # plotly.js inline, then the chart data: no src, no link
    library = get_plotlyjs()
    assert html.count(library) == 1  # embedded once, not once per chart
    # plotly.js mentions URLs in its own strings (links it can draw); the page around it names none
    page = html.replace(library, "")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?//|@import""", page, re.I)
    assert html.startswith("<!DOCTYPE html>")


def test_every_figure_sentence_and_title_is_on_the_page(rendered: tuple[Report, str]) -> None:
    report, html = rendered
    assert f'<html lang="{"zh-CN" if report.lang == "zh" else "en"}">' in html
    assert f"<title>{escape(report.title)}</title>" in html
    for sentence in [*report.summary, *report.notes]:
        assert str(escape(sentence)) in html
    for kpi in report.kpis:
        assert f'<div class="value">{format_value(kpi.value, kpi.unit, lang=report.lang)}</div>' in html
        assert str(escape(kpi.label)) in html
        delta = kpi_delta(kpi)
        if delta is not None:
            assert f'<span class="delta {delta.tone}">{delta.arrow} {delta.text}</span>' in html
    for section in report.sections:
        assert f"<h2>{escape(section.title)}</h2>" in html
        for sentence in [*section.text, *section.notes]:
            assert str(escape(sentence)) in html
        for table in section.tables:
            assert all(str(escape(c.label)) in html for c in table.columns)
            assert len(re.findall(r"<tr><td", html)) >= len(table.rows)


def test_kpi_cards_colour_good_and_bad_news() -> None:
    report = example_report("zh")
    html = to_html(report)
    # paid amount fell: bad (red); refund rate fell: good (green); both point down
    assert '<span class="delta bad">▼ -32.75%</span>' in html
    assert '<span class="delta good">▼ -2.18 pp</span>' in html
    assert '<span class="delta good">▲ +60.51%</span>' in html  # year on year
    assert "目标 1,400,000.00" in html and "达成率 <b>91.89%</b>" in html
    assert '<span style="width: 91.9%"></span>' in html
    # a figure the exports cannot give: shown as missing, no comparison
    card = html[html.index("30天复购率") :]
    card = card[: card.index("</div>\n  </div>")]
    assert '<div class="value">—</div>' in card and "环比 —</div>" in card and "delta" not in card


def test_tables_format_cells_and_mark_negatives_and_gaps() -> None:
    html = to_html(example_report("zh"))
    assert '<td class="num neg">-462,517.93</td>' in html  # the traffic effect
    assert '<td class="num">1,912,870.20</td>' in html
    assert '<td class="num na">—</td>' in html  # the product without visitor data
    assert '<td class="num neg">-0.73 pp</td>' not in html  # pp columns carry signs …
    assert re.search(r'<td class="num( neg)?">[+-]\d+\.\d\d pp</td>', html)  # … and are formatted as points
    assert html.count("<tr><td") == sum(len(t.rows) for s in example_report("zh").sections for t in s.tables)


def test_zh_and_en_chrome() -> None:
    zh, en = to_html(example_report("zh")), to_html(example_report("en"))
    for word in ("环比", "同比", "目标", "达成率", "备注", "生成于", "摘要", "上期"):
        assert word in zh
    for word in ("vs previous", "YoY", "Target", "Achievement", "Notes", "Generated", "Summary", "Previous"):
        assert word in en
    assert "生成于 2026-11-23 09:30" in zh and "Generated 2026-11-23 09:30" in en


def test_charts_are_drawn_from_their_tables() -> None:
    report = example_report("en")
    html = to_html(report)
    charts = _charts(html)
    assert len(charts) == sum(len(s.charts) for s in report.sections) == 13
    assert len(re.findall(r'<div class="chart" id="chart-', html)) == 13
    assert all(f'id="{c["id"]}"' in html for c in charts)
    kinds = {c["data"][0]["type"] for c in charts}  # type: ignore[index]
    assert kinds == {"bar", "scatter", "waterfall", "pie"}
    waterfall = next(c for c in charts if c["id"] == "chart-s1-kpi_tree-0")
    trace = waterfall["data"][0]  # type: ignore[index]
    table = report.section("kpi_tree").table("bridge")
    assert trace["measure"] == ["absolute", "relative", "relative", "relative", "total"]
    assert [Decimal(str(v)) for v in trace["y"]] == [r["amount"] for r in table.rows]
    barh = next(c for c in charts if c["layout"]["title"]["text"] == "Top products by paid amount")  # type: ignore[index]
    assert barh["data"][0]["orientation"] == "h" and len(barh["data"][0]["y"]) == 40  # type: ignore[index]


def test_text_is_escaped_everywhere() -> None:
    report = example_report("en")
    evil = '<script>alert("x")</script>'
    report.stores = [evil, "jd_official"]
    report.title = f"Weekly {evil}"
    report.summary.append(f"Store {evil} & co")
    stores = report.section("stores").table("stores")
    stores.rows[0]["store"] = evil
    html = to_html(report)
    assert "<script>alert" not in html
    assert html.count("<script") == 2
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Store &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html
    assert "\\u003cscript\\u003ealert" in html  # in the chart data, as JSON escapes
    paid = next(c for c in _charts(html) if c["id"].endswith("stores-0"))  # type: ignore[union-attr]
    assert paid["data"][0]["x"][0] == evil  # type: ignore[index]


def test_a_chart_must_name_a_table_and_columns_of_its_section() -> None:
    report = example_report("en")
    report.section("trend").charts.append(Chart("x", "X", "line", "nope", "day", ("paid",)))
    with pytest.raises(ReportError, match="section 'trend', chart 'x': no table 'nope'"):
        to_html(report)
    report.section("trend").charts[-1] = Chart("x", "X", "line", "daily", "day", ("missing",))
    with pytest.raises(ReportError, match=r"columns \['missing'\]"):
        to_html(report)


def test_a_new_section_renders_without_renderer_changes() -> None:
    from shopops.reports.model import Column, Section, Table

    report = example_report("en")
    report.sections.append(
        Section(
            "service",
            "Customer service",
            ["Response time improved."],
            [
                Table(
                    "t",
                    "Agents",
                    [Column("agent", "Agent"), Column("rate", "Reply rate", "ratio")],
                    [{"agent": "小王", "rate": 0.981}],
                )
            ],
            [Chart("c", "Reply rate", "barh", "t", "agent", ("rate",))],
        )
    )
    html = to_html(report)
    assert "<h2>Customer service</h2>" in html and '<td class="num">98.10%</td>' in html
    assert len(_charts(html)) == 14
