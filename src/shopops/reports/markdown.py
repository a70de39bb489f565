"""The report as Markdown for IM messages (企业微信 / 钉钉 / 飞书) and issue trackers.

Plain, widely supported syntax only: headings, bold, bullet lists and GitHub pipe tables. Long
tables keep their first ``max_rows`` rows and say how many more there are; charts are left out
(their tables carry the same figures).
"""

from __future__ import annotations

from shopops.reports.checks import check
from shopops.reports.figures import Delta, cell_text, is_numeric, kpi_delta, period_text, stores_text
from shopops.reports.i18n import chrome
from shopops.reports.model import Kpi, Report, Section, Table, format_value


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip() or " "


def _delta(delta: Delta | None, na: str) -> str:
    return f"{delta.arrow} {delta.text}" if delta else na


def _kpi_line(kpi: Kpi, lang: str, c: dict[str, str]) -> str:
    na = format_value(None, kpi.unit, lang=lang)
    sep = "，" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    left, right = ("（", "）") if lang == "zh" else (" (", ")")
    parts = [
        f"{c['vs_previous']} {_delta(kpi_delta(kpi, 'previous'), na)}"
        f"{left}{c['previous_value']} {format_value(kpi.previous, kpi.unit, lang=lang)}{right}"
    ]
    yoy = kpi_delta(kpi, "yoy")
    if yoy or kpi.yoy is not None:
        parts.append(f"{c['yoy']} {_delta(yoy, na)}")
    if kpi.target is not None:
        target = f"{c['target']} {format_value(kpi.target, kpi.unit, lang=lang)}"
        if kpi.achievement is not None:
            target += f" {c['achievement']} {format_value(kpi.achievement, 'ratio', lang=lang)}"
        parts.append(target)
    return f"- **{kpi.label}**{colon}{format_value(kpi.value, kpi.unit, lang=lang)}{sep}{sep.join(parts)}"


def table_lines(table: Table, lang: str, max_rows: int | None = 10) -> list[str]:
    """A GitHub pipe table: numbers right-aligned, at most ``max_rows`` rows then a "… N more rows" line."""
    lines = [
        "| " + " | ".join(_cell(col.label) for col in table.columns) + " |",
        "|" + "|".join("---:" if is_numeric(col.unit) else "---" for col in table.columns) + "|",
    ]
    shown = table.rows if max_rows is None else table.rows[:max_rows]
    for row in shown:
        lines.append("| " + " | ".join(_cell(cell_text(row.get(col.id), col, lang)) for col in table.columns) + " |")
    hidden = len(table.rows) - len(shown)
    if hidden > 0:
        lines += ["", chrome(lang)["more_rows"].format(n=hidden)]
    return lines


def _section(section: Section, lang: str, max_rows: int | None) -> list[str]:
    lines = [f"## {section.title}", ""]
    if section.text:
        lines += [*section.text, ""]
    for table in section.tables:
        if table.title:
            lines += [f"**{table.title}**", ""]
        lines += [*table_lines(table, lang, max_rows), ""]
        if table.note:
            lines += [f"> {table.note}", ""]
    if section.notes:
        lines += [f"> {note}" for note in section.notes] + [""]
    return lines


def to_markdown(report: Report, *, max_rows: int | None = 10) -> str:
    """The report as Markdown; tables keep ``max_rows`` rows (``None``: all)."""
    check(report)
    c = chrome(report.lang)
    colon = "：" if report.lang == "zh" else ": "
    meta = [
        f"**{c['period']}**{colon}{period_text(report.period)}",
        f"{c['previous']}{colon}{period_text(report.previous)}",
    ]
    if report.yoy:
        meta.append(f"{c['yoy_period']}{colon}{period_text(report.yoy)}")
    meta.append(f"{c['stores']}{colon}{stores_text(report)}")
    if report.currency:
        meta.append(f"{c['currency']}{colon}{report.currency}")
    lines = [f"# {report.title}", "", " · ".join(meta), ""]
    if report.summary:
        lines += [f"## {c['summary']}", "", *[f"- {s}" for s in report.summary], ""]
    if report.kpis:
        lines += [f"## {c['kpis']}", "", *[_kpi_line(k, report.lang, c) for k in report.kpis], ""]
    for section in report.sections:
        lines += _section(section, report.lang, max_rows)
    if report.notes:
        lines += [f"## {c['notes']}", "", *[f"- {n}" for n in report.notes], ""]
    lines.append(f"_{c['generated']} {report.generated_at.isoformat(sep=' ', timespec='minutes')}_")
    return "\n".join(lines) + "\n"


__all__ = ["table_lines", "to_markdown"]
