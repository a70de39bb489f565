"""Tables as files: CSV, Excel and JSON exports of an analysis's frames (customer lists, CLV scores).

Reports are written by the renderers (:mod:`shopops.reports.writer`); the plain tables an analysis
hands to other tools (a segment's customers for a marketing tool, every buyer's CLV) are written here,
the one place that writes such files. The analyses only build the frames.

>>> write_table(frame, "clv.csv")                                              # doctest: +SKIP
>>> write_tables({"rfm_LLL_lost": lost}, "out", "csv", workbook="rfm_segments")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from shopops.errors import QueryError

FORMATS = ("csv", "xlsx", "json")
#: Excel's longest sheet name
SHEET_NAME_MAX = 31


def table_format(path: Path | str, fmt: str | None = None) -> str:
    """``fmt``, or the format the file's suffix names; an error for any other."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise QueryError(
            f"unknown export format {chosen!r}; valid: {', '.join(FORMATS)}",
            hint="write a .csv, .xlsx or .json file",
            code="export.format",
        )
    return chosen


def write_table(frame: pd.DataFrame, path: Path | str, fmt: str | None = None, *, bom: bool = False) -> Path:
    """Write ``frame`` to ``path`` as CSV (UTF-8; with a byte-order mark when ``bom``, so Excel shows
    Chinese), an Excel sheet or a JSON array of records; ``fmt`` defaults to the file's suffix."""
    out = Path(path)
    kind = table_format(out, fmt)
    if kind == "xlsx":
        return write_workbook({"data": frame}, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig" if bom else "utf-8")
    else:
        out.write_text(
            frame.to_json(orient="records", force_ascii=False, date_format="iso", default_handler=str), encoding="utf-8"
        )
    return out


def write_workbook(sheets: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """One Excel workbook with a sheet per frame, in order (names cut to Excel's 31 characters)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:SHEET_NAME_MAX], index=False)
    return out


def write_tables(
    tables: Mapping[str, pd.DataFrame], out_dir: Path | str, fmt: str, *, workbook: str, bom: bool = False
) -> list[Path]:
    """Several tables into ``out_dir``: one ``<name>.csv`` / ``<name>.json`` file each, or one workbook
    ``<workbook>.xlsx`` with a sheet each. Returns the files written."""
    kind = table_format(workbook, fmt)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "xlsx":
        return [write_workbook(tables, folder / f"{workbook}.xlsx")]
    return [write_table(frame, folder / f"{name}.{kind}", kind, bom=bom) for name, frame in tables.items()]


__all__ = ["FORMATS", "table_format", "write_table", "write_tables", "write_workbook"]
