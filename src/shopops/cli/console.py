"""A :class:`shopops.console.Console` that renders with Rich (progress bars on long work)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console as RichConsole
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from shopops.reports.model import Table


class RichOut:
    def __init__(self, quiet: bool = False) -> None:
        # Pipes and CI logs get long lines instead of 80-column wrapping.
        wide = None if sys.stdout.isatty() else 200
        self.out = RichConsole(soft_wrap=True, width=wide)
        self.err = RichConsole(stderr=True, soft_wrap=True, width=wide)
        self.quiet = quiet

    def info(self, message: str) -> None:
        if not self.quiet:
            self.err.print(message)

    def warn(self, message: str) -> None:
        self.err.print(f"[yellow]warning:[/yellow] {message}")

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[_Advance]:
        if self.quiet or not self.err.is_terminal:
            yield _Advance(None, None)
            return
        columns = [
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=self.err, transient=True) as progress:
            task_id = progress.add_task(description, total=total)
            yield _Advance(progress, task_id)


class _Advance:
    def __init__(self, progress: Progress | None, task_id: object) -> None:
        self.progress = progress
        self.task_id = task_id

    def advance(self, amount: int = 1) -> None:
        if self.progress is not None:
            self.progress.advance(self.task_id, amount)  # type: ignore[arg-type]


def print_report_table(out: RichConsole, table: Table, lang: str) -> None:
    """A report table in the terminal, figures formatted as the report shows them (numbers
    right-aligned); a wide and short table (the year to date) is turned to one figure a line."""
    from rich.table import Table as RichTable

    from shopops.reports.model import format_value

    if len(table.columns) > 10 and len(table.rows) <= 6:
        first, *rest = table.columns
        rich = RichTable("", *[str(r.get(first.id)) for r in table.rows], title=table.title)
        for c in rest:
            rich.add_row(c.label, *[format_value(r.get(c.id), c.unit, lang=lang) for r in table.rows])
    else:
        rich = RichTable(title=table.title)
        for c in table.columns:
            rich.add_column(c.label, justify="left" if c.unit in ("text", "date") else "right")
        for row in table.rows:
            rich.add_row(*(format_value(row.get(c.id), c.unit, lang=lang) for c in table.columns))
    out.print(rich)
