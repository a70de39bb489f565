"""Where a command's output goes — one rule for every command (docs/cli.md):

* ``--format`` naming **one printable format** (table, csv, json, md) and **no** ``--out``: the result goes
  to stdout, and stdout then holds only that document (pipe it: ``shopops plan … --format json | jq``).
* ``--out`` given, or a format that is not text (html, xlsx), or a list of formats: files. They go to
  ``--out`` (a folder for commands writing a report's files, a file for single-file commands), else to the
  command's documented place (``PROJECT/reports`` for report, plan, track, scorecard); their paths are
  printed.
* Progress, notes and warnings go to stderr (``-q`` silences progress), errors too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from shopops.reports.model import Report

PRINTABLE = ("table", "csv", "json", "md")


def to_stdout(formats: Sequence[str], out: Path | None) -> bool:
    """One printable format and no ``--out``: print the document instead of writing files."""
    return out is None and len(formats) == 1 and formats[0] in PRINTABLE


def check_printable(fmt: str, documents: int) -> None:
    """Several reports (one per currency) do not make one JSON document; say how to get them."""
    from shopops.errors import QueryError

    if fmt == "json" and documents > 1:
        raise QueryError(
            f"this makes {documents} reports (one per currency), which stdout cannot hold as one JSON document",
            hint="pick the stores of one currency with --store, or write the files with --out DIR",
        )


def print_report(report: Report, fmt: str) -> None:
    """The report as Markdown or JSON on stdout (the same text as the file the renderer writes)."""
    from shopops.reports import to_json, to_markdown

    text = to_json(report) if fmt == "json" else to_markdown(report)
    typer.echo(text, nl=not text.endswith("\n"))
