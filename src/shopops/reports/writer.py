"""Write one report in each asked format: :func:`render`, and :func:`to_json`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from shopops.reports.checks import ReportError
from shopops.reports.excel import to_xlsx
from shopops.reports.figures import default_stem, safe_name
from shopops.reports.html import to_html
from shopops.reports.markdown import to_markdown
from shopops.reports.model import Report

FORMATS = ("html", "xlsx", "md", "json")


def to_json(report: Report) -> str:
    """``report.to_dict()`` as JSON: UTF-8 text (Chinese as is), indented; schema in docs/report-json.md."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(
    report: Report,
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    stem: str | None = None,
) -> dict[str, Path]:
    """Write the report in each format to ``out_dir`` (created if needed); returns format → path.

    Files are named ``<stem>.<format>``; the default stem is ``weekly-2026-W47-all-stores`` style
    (see :func:`shopops.reports.figures.default_stem`). A given ``stem`` is made file-name safe too.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ReportError(f"unknown report format {', '.join(unknown)}", hint=f"choose from {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = safe_name(stem) if stem else default_stem(report)
    paths: dict[str, Path] = {}
    for fmt in wanted:
        path = out / f"{name}.{fmt}"
        if fmt == "xlsx":
            to_xlsx(report, path)
        else:
            text = {"html": to_html, "md": to_markdown, "json": to_json}[fmt](report)
            path.write_text(text, encoding="utf-8")
        paths[fmt] = path
    return paths


__all__ = ["FORMATS", "render", "to_json"]
