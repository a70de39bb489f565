"""Reports: the report model (:mod:`shopops.reports.model`) and its renderers to HTML, Excel, Markdown
and JSON.

The only package that imports jinja2, xlsxwriter and plotly. Every renderer is generic over
sections, tables and charts (the report object says what to show), so a new section needs no
renderer change. The model is plain data that the analyses' ``present()`` and the compositions
build; importing it loads no renderer (the names below are looked up when first used).

>>> paths = render(report, "out")  # doctest: +SKIP
>>> sorted(paths)  # doctest: +SKIP
['html', 'json', 'md', 'xlsx']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy names below are, for type checkers
    from shopops.reports.checks import ReportError
    from shopops.reports.excel import to_xlsx
    from shopops.reports.figures import default_stem
    from shopops.reports.html import to_html
    from shopops.reports.markdown import to_markdown
    from shopops.reports.writer import FORMATS, render, to_json

# name -> the module that defines it; loaded on first use, so that ``shopops.reports.model`` is cheap
_LAZY = {
    "FORMATS": "shopops.reports.writer",
    "render": "shopops.reports.writer",
    "to_json": "shopops.reports.writer",
    "ReportError": "shopops.reports.checks",
    "to_xlsx": "shopops.reports.excel",
    "default_stem": "shopops.reports.figures",
    "to_html": "shopops.reports.html",
    "to_markdown": "shopops.reports.markdown",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'shopops.reports' has no attribute {name!r}")


__all__ = ["FORMATS", "ReportError", "default_stem", "render", "to_html", "to_json", "to_markdown", "to_xlsx"]
