"""What every renderer relies on: each chart names a table of its section and columns of that table."""

from __future__ import annotations

from shopops.errors import ShopopsError
from shopops.reports.model import Report


class ReportError(ShopopsError):
    """A report object that cannot be rendered (a chart pointing at a missing table or column)."""


def check(report: Report) -> None:
    """Raise :class:`ReportError` naming the section and chart whose table or columns are missing."""
    for section in report.sections:
        tables = {t.id: t for t in section.tables}
        for chart in section.charts:
            table = tables.get(chart.table)
            where = f"section {section.id!r}, chart {chart.id!r}"
            if table is None:
                raise ReportError(
                    f"{where}: no table {chart.table!r} in the section",
                    hint=f"tables there: {', '.join(tables) or 'none'}",
                )
            columns = {c.id for c in table.columns}
            missing = [c for c in (chart.x, *chart.y) if c not in columns]
            if missing or not chart.y:
                raise ReportError(
                    f"{where}: columns {missing or 'y'} not in table {chart.table!r}",
                    hint=f"columns there: {', '.join(columns)}",
                )


__all__ = ["ReportError", "check"]
