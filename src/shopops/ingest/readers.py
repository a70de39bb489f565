"""Read any supported file into a stream of all-text Arrow batches with a row number.

Every value is kept as text (``None`` only for a truly empty cell); typing happens in
the engine (``parse.py``) so that a bad value becomes a quarantined row, not a crash.
Columns are staged under positional names ``c0, c1, …`` plus ``_row`` (1 = the first
data row after the header); the header texts travel beside them.
"""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from shopops.errors import FormatError, InputError

SAMPLE_BYTES = 1 << 20
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


@dataclass
class BadRow:
    row: int
    reason: str
    text: str


@dataclass
class RawData:
    """A file opened for import."""

    path: Path
    headers: list[str]
    batches: Iterator[pa.RecordBatch]
    encoding: str
    delimiter: str | None
    bad_rows: list[BadRow] = field(default_factory=list)

    def schema(self) -> pa.Schema:
        return raw_schema(len(self.headers))


def raw_schema(ncols: int) -> pa.Schema:
    return pa.schema([(f"c{i}", pa.string()) for i in range(ncols)] + [("_row", pa.int64())])


def file_format(path: Path) -> str:
    name = path.name.lower()
    suffixes = [s.lower() for s in path.suffixes]
    if name.endswith(".gz"):
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES or not last:
        return "text"
    if last in EXCEL_SUFFIXES:
        return "excel"
    if last == ".parquet":
        return "parquet"
    raise FormatError(
        f"cannot read files of type {last!r}",
        file=str(path),
        hint="export the data as CSV, Excel (.xlsx) or Parquet",
    )


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK / GB18030."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a cut multi-byte character at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in ("gbk", "gb18030"):
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            decoder.decode(sample, final=False)
            return candidate
        except UnicodeDecodeError:
            continue
    raise FormatError(
        "the text is neither UTF-8 nor GBK/GB18030",
        hint="save the file as UTF-8 (Excel: 'CSV UTF-8') and import it again",
    )


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _first_line(sample: bytes, encoding: str) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def open_raw(path: Path, *, has_header: bool = True, column_names: list[str] | None = None) -> RawData:
    """Open ``path`` for import; headerless files take ``column_names``."""
    if not path.exists():
        raise InputError("file not found", file=str(path), hint="check the path")
    kind = file_format(path)
    if kind == "excel":
        return _open_excel(path, has_header=has_header, column_names=column_names)
    if kind == "parquet":
        return _open_parquet(path)
    return _open_text(path, has_header=has_header, column_names=column_names)


def _open_text(path: Path, *, has_header: bool, column_names: list[str] | None) -> RawData:
    with _open_binary(path) as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip():
        raise FormatError("the file is empty", file=str(path), hint="export the data again")
    try:
        encoding = detect_encoding(sample)
    except FormatError as exc:
        raise FormatError(exc.message, file=str(path), hint=exc.hint) from None
    first = _first_line(sample, encoding)
    delimiter = sniff_delimiter(first)
    if has_header:
        headers = next(_split_line(first, delimiter))
    else:
        if column_names is None:
            raise FormatError("headerless file needs column names", file=str(path))
        headers = list(column_names)
    headers = _dedupe([h.strip().lstrip("\ufeff") for h in headers])
    ncols = len(headers)
    bad: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number or 0, f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    header_lines = 1 if has_header else 0
    read_opts = pacsv.ReadOptions(
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        column_names=[f"c{i}" for i in range(ncols)],
        skip_rows=header_lines,
        use_threads=False,
        block_size=8 << 20,
    )
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid)
    convert_opts = pacsv.ConvertOptions(
        column_types={f"c{i}": pa.string() for i in range(ncols)},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    source = _open_binary(path)
    if encoding == "utf-8-sig":
        source.read(3)
    try:
        reader = pacsv.open_csv(source, read_options=read_opts, parse_options=parse_opts, convert_options=convert_opts)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        source.close()
        raise InputError(f"cannot read the file: {exc}", file=str(path), hint="check that it is a CSV export") from exc
    raw = RawData(path, headers, iter(()), encoding, delimiter)
    raw.batches = _number_rows(reader, bad, raw, header_lines, source, path)
    return raw


def _split_line(line: str, delimiter: str) -> Iterator[list[str]]:
    import csv

    return csv.reader([line], delimiter=delimiter)


def _number_rows(
    reader: pacsv.CSVStreamingReader,
    bad: list[tuple[int, str]],
    raw: RawData,
    header_lines: int,
    source: IO[bytes],
    path: Path,
) -> Iterator[pa.RecordBatch]:
    """Give each good row its data-row number, leaving gaps where malformed rows were skipped."""
    import numpy as np

    done = 0
    seen_bad = 0
    try:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                raise InputError(
                    f"cannot read the file after data row {done}: {exc}",
                    file=str(path),
                    row=done + 1,
                    hint="the file may be truncated or mix encodings; export it again",
                ) from exc
            new_bad = bad[seen_bad:]
            seen_bad = len(bad)
            gaps = sorted(max(n - header_lines, 1) for n, _ in new_bad)
            for (n, why), row in zip(new_bad, gaps, strict=True):
                raw.bad_rows.append(BadRow(row, why, ""))
            n = batch.num_rows
            numbers = np.arange(done + 1, done + 1 + n + len(gaps), dtype=np.int64)
            if gaps:
                numbers = numbers[~np.isin(numbers, np.array(gaps, dtype=np.int64))][:n]
            done += n + len(gaps)
            yield pa.RecordBatch.from_arrays([*batch.columns, pa.array(numbers)], schema=raw.schema())
        for n, why in bad[seen_bad:]:
            raw.bad_rows.append(BadRow(max(n - header_lines, 1), why, ""))
    finally:
        source.close()


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()  # type: ignore[no-any-return, call-arg]
    text = str(value)
    return text if text != "" else None


def _open_excel(path: Path, *, has_header: bool, column_names: list[str] | None) -> RawData:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputError(f"cannot read the workbook: {exc}", file=str(path), hint="open it in Excel and save it again") from exc
    if not rows:
        raise FormatError("the first sheet is empty", file=str(path), hint="put the data on the first sheet")
    if has_header:
        headers = [str(h).strip() if h is not None else "" for h in rows[0]]
        body = rows[1:]
    else:
        headers = list(column_names or [])
        body = rows
    headers = _dedupe(headers)
    ncols = len(headers)
    cols: list[list[str | None]] = [[] for _ in range(ncols)]
    numbers: list[int] = []
    for i, row in enumerate(body, start=1):
        texts = [_cell_text(v) for v in row[:ncols]] + [None] * max(0, ncols - len(row))
        if all(t is None for t in texts):
            continue  # Excel's trailing formatted-but-empty rows
        numbers.append(i)
        for j in range(ncols):
            cols[j].append(texts[j])
    batch = pa.RecordBatch.from_arrays([*(pa.array(c, pa.string()) for c in cols), pa.array(numbers, pa.int64())], schema=raw_schema(ncols))
    return RawData(path, headers, iter([batch]), "xlsx", None)


def _open_parquet(path: Path) -> RawData:
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read the Parquet file: {exc}", file=str(path), hint="write it again") from exc
    headers = _dedupe([f.name for f in pf.schema_arrow])
    ncols = len(headers)

    def batches() -> Iterator[pa.RecordBatch]:
        done = 0
        for batch in pf.iter_batches(batch_size=1 << 16):
            arrays = [_to_text(col) for col in batch.columns]
            numbers = pa.array(range(done + 1, done + 1 + batch.num_rows), pa.int64())
            done += batch.num_rows
            yield pa.RecordBatch.from_arrays([*arrays, numbers], schema=raw_schema(ncols))

    return RawData(path, headers, batches(), "parquet", None)


def _to_text(col: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    if pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(col.type):
        return pc.strftime(col, format="%Y-%m-%d")
    return col.cast(pa.string())


def read_head(path: Path, rows: int = 5) -> tuple[list[str], list[list[str | None]]]:
    """Headers and the first data rows (for --suggest-mapping and error messages)."""
    raw = open_raw(path)
    out: list[list[str | None]] = []
    for batch in raw.batches:
        table = pa.Table.from_batches([batch])
        for i in range(min(rows - len(out), table.num_rows)):
            out.append([table.column(j)[i].as_py() for j in range(len(raw.headers))])
        if len(out) >= rows:
            break
    return raw.headers, out


__all__ = ["BadRow", "RawData", "detect_encoding", "file_format", "open_raw", "read_head", "sniff_delimiter"]
