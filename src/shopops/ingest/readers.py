"""Read any supported file into a stream of all-text Arrow batches with a row number.

Every value is kept as text (``None`` only for a truly empty cell); typing happens in
the engine (``parse.py``) so that a bad value becomes a quarantined row, not a crash.
Columns are staged under positional names ``c0, c1, …`` plus ``_row`` (1 = the first
data row after the header); the header texts travel beside them.

Row numbers: in a text file a data row is a record (a quoted value may span several
lines; blank lines are not rows); in a workbook it is the sheet row below the header.
A text row with the wrong number of fields is not staged: it is listed in
``RawData.bad_rows`` with its number, so staged rows + bad rows = rows in the file.

Text encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
GBK and GB18030. The whole file is checked before reading (ASCII stretches are skipped
cheaply), so Chinese text that only appears deep inside a file is still read right.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from shopops.errors import FormatError, InputError

SAMPLE_BYTES = 1 << 20  # read to find the header and the delimiter
SCAN_BYTES = 1 << 20  # chunk size of the encoding check
BLOCK_SIZE = 8 << 20  # pyarrow CSV block (and batch) size
EXCEL_BATCH_ROWS = 1 << 16
PARQUET_BATCH_ROWS = 1 << 16
BAD_TEXT_CHARS = 1000  # a malformed row's text is kept up to this length
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
DELIMITERS = (",", "\t", ";", "|")
ENCODINGS = ("utf-8", "gbk", "gb18030")  # tried in this order when there is no BOM
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # zip (xlsx, ods), OLE (xls)
_PARQUET_MAGIC = b"PAR1"
_SAVE_AS_UTF8 = "save the file as UTF-8 (Excel: 'CSV UTF-8') and import it again"


@dataclass
class BadRow:
    row: int
    reason: str
    text: str


@dataclass
class RawData:
    """A file opened for import.

    ``batches`` is lazy: the file is read while it is consumed, and ``bad_rows`` fills
    up meanwhile (complete once ``batches`` is exhausted). If reading fails half-way,
    the :class:`InputError` raised is also kept in ``failure`` (a consumer such as an
    engine scan may wrap the exception it sees).
    """

    path: Path
    headers: list[str]
    batches: Iterator[pa.RecordBatch]
    encoding: str
    delimiter: str | None
    bad_rows: list[BadRow] = field(default_factory=list)
    failure: InputError | None = None

    def schema(self) -> pa.Schema:
        return raw_schema(len(self.headers))


def raw_schema(ncols: int) -> pa.Schema:
    return pa.schema([(f"c{i}", pa.string()) for i in range(ncols)] + [("_row", pa.int64())])


def _gzipped(path: Path) -> bool:
    return path.name.lower().endswith(".gz")


def file_format(path: Path) -> str:
    """``text``, ``excel`` or ``parquet``, from the file name (``.gz`` only for text)."""
    suffixes = [s.lower() for s in path.suffixes]
    if _gzipped(path):
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    kind = "text" if last in TEXT_SUFFIXES or not last else None
    kind = "excel" if last in EXCEL_SUFFIXES else kind
    kind = "parquet" if last == ".parquet" else kind
    if kind is None:
        raise FormatError(
            f"cannot read files of type {last!r}",
            file=str(path),
            hint="export the data as CSV, Excel (.xlsx) or Parquet",
        )
    if kind != "text" and _gzipped(path):
        raise FormatError(
            f"cannot read a gzip-compressed {kind} file",
            file=str(path),
            hint="decompress it first (only CSV/text files may be .gz)",
        )
    return kind


def _open_binary(path: Path) -> io.BufferedIOBase:
    if _gzipped(path):
        return gzip.open(path, "rb")
    return open(path, "rb")


# --- encodings -------------------------------------------------------------------


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes) -> bool:
    try:
        decoder.decode(chunk, final=False)  # a character cut at the chunk's end is fine
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes) -> str:
    """The encoding of a byte sample: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK / GB18030."""
    bom = _bom_encoding(sample)
    if bom is not None:
        return bom
    for candidate in ENCODINGS:
        if _decodes(codecs.getincrementaldecoder(candidate)(), sample):
            return candidate
    raise FormatError("the text is neither UTF-8 nor GBK/GB18030", hint=_SAVE_AS_UTF8)


def _file_decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes; all-ASCII chunks are skipped (only their first
    bytes are fed, to finish a character cut at the previous chunk's end)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with _open_binary(path) as fh:
        for chunk in iter(lambda: fh.read(SCAN_BYTES), b""):
            if not _decodes(decoder, chunk[:4] if chunk.isascii() else chunk):
                return False
    return True


def _label_from_sample(path: Path) -> str | None:
    """gbk or gb18030 from the first chunk holding non-ASCII bytes; None if neither decodes it."""
    with _open_binary(path) as fh:
        for chunk in iter(lambda: fh.read(SCAN_BYTES), b""):
            if chunk.isascii():
                continue
            for candidate in ("gbk", "gb18030"):
                if _decodes(codecs.getincrementaldecoder(candidate)(), chunk):
                    return candidate
            return None
    return None


def detect_file_encoding(path: Path) -> str:
    """The encoding of a whole text file (``.gz`` decompressed), checked end to end."""
    try:
        with _open_binary(path) as fh:
            head = fh.read(4)
        bom = _bom_encoding(head)
        if bom is not None:
            return bom
        if _file_decodes(path, "utf-8"):  # fast: all-ASCII chunks are skipped
            return "utf-8"
        # Not UTF-8. GB18030 is a superset of GBK, and the file is always read as GB18030 (see
        # _csv_options), so the label needs only the first non-ASCII stretch, not a second full
        # pass in Python's decoder (the slowest step of a large GBK import). Bytes that are not
        # GB18030 either still fail: here in the sample, or mid-read as an InputError.
        label = _label_from_sample(path)
        if label is not None:
            return label
    except (OSError, EOFError) as exc:  # gzip: bad or truncated archive
        raise InputError(f"cannot read the file: {exc}", file=str(path), hint="export it again") from exc
    raise FormatError("the text is neither UTF-8 nor GBK/GB18030", file=str(path), hint=_SAVE_AS_UTF8)


# --- delimiter and header --------------------------------------------------------


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` non-blank records of ``text`` (quote-aware)."""
    out: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if record:
                out.append(record)
            if len(out) >= limit:
                break
    except csv.Error:
        pass  # a huge or broken quoted value: judge by the records before it
    return out


def sniff_delimiter(text: str) -> str:
    """Comma, tab, semicolon or pipe: the one giving the most rows with the header's field count (>1)."""
    best, best_key = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        widths = [len(r) for r in _records(text, delimiter, 20)]
        if not widths or widths[0] < 2:
            continue
        key = (sum(w == widths[0] for w in widths) / len(widths), widths[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _header(text: str, delimiter: str) -> tuple[list[str], int]:
    """The first non-blank record and the number of physical lines up to its end."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if record:
                return record, reader.line_num
    except csv.Error as exc:
        raise FormatError(f"cannot read the header row: {exc}", hint="check that it is a CSV export") from exc
    return [], 0


def _clean_header(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def _dedupe(names: list[str]) -> list[str]:
    """``a, a, a`` -> ``a, a.1, a.2``, never clashing with a name already present."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        new, n = name, 0
        while new in seen or (new != name and new in taken):
            n += 1
            new = f"{name}.{n}"
        seen.add(new)
        out.append(new)
    return out


def _fit_width(headers: list[str], body: list[list[str]]) -> list[str]:
    """One more (empty-named) column when every data line ends with a delimiter the header
    lacks; one less when only the header ends with one. Else every row would be malformed."""
    rows = body[:-1] if len(body) > 1 else body  # the sample's last record may be cut short
    n = len(headers)
    if rows and all(len(r) == n + 1 and r[-1] == "" for r in rows):
        return [*headers, ""]
    if rows and n > 1 and headers[-1] == "" and all(len(r) == n - 1 for r in rows):
        return headers[:-1]
    return headers


def _sample_text(path: Path, encoding: str) -> str:
    with _open_binary(path) as fh:
        sample = fh.read(SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    text = text.lstrip("\ufeff")
    if len(sample) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the cut last line
    return text


# --- text files ------------------------------------------------------------------


def open_raw(path: Path, *, has_header: bool = True, column_names: list[str] | None = None) -> RawData:
    """Open ``path`` for import; headerless files take ``column_names``."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path), hint="check the path")
    if not path.is_file():
        raise InputError("not a file", file=str(path), hint="pass the path of an export file")
    kind = _content_kind(path, file_format(path))
    if not has_header and column_names is None:
        raise FormatError("a file without a header row needs column names", file=str(path))
    if kind == "excel":
        return _open_excel(path, has_header=has_header, column_names=column_names)
    if kind == "parquet":
        return _open_parquet(path)
    return _open_text(path, has_header=has_header, column_names=column_names)


def _content_kind(path: Path, named: str) -> str:
    """What the bytes say, over the name: a workbook or Parquet file saved as ``.csv``, or
    a text export named ``.xls`` (old Taobao/JD "xls" files are tab-separated text)."""
    if _gzipped(path):
        return named
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(_WORKBOOK_MAGIC):
        return "excel"
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if path.suffix.lower() == ".xls" and head and b"\x00" not in head and _is_text(head):
        return "text"
    return named


def _is_text(head: bytes) -> bool:
    try:
        detect_encoding(head)
    except FormatError:
        return False
    return True


@dataclass(frozen=True)
class _TextPlan:
    encoding: str  # as pyarrow names it
    delimiter: str
    ncols: int
    skip: int  # physical lines before the first data row


def _open_text(path: Path, *, has_header: bool, column_names: list[str] | None) -> RawData:
    encoding = detect_file_encoding(path)
    try:
        text = _sample_text(path, encoding)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read the file: {exc}", file=str(path), hint="export it again") from exc
    if not text.strip():
        raise FormatError("the file is empty", file=str(path), hint="export the data again")
    delimiter = sniff_delimiter(text)
    skip = 0
    if has_header:
        try:
            headers, skip = _header(text, delimiter)
        except FormatError as exc:
            raise FormatError(exc.message, file=str(path), hint=exc.hint) from None
    else:
        headers = list(column_names or [])
    body = _records(text, delimiter, 51)[1 if has_header else 0 :]
    headers = _dedupe(_fit_width([_clean_header(h) for h in headers], body))
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    raw = RawData(path, headers, iter(()), encoding, delimiter)
    raw.batches = _text_batches(raw, _TextPlan(arrow_encoding, delimiter, len(headers), skip))
    return raw


class _RowNumbers:
    """Data-row numbers for the good rows, around the malformed rows pyarrow skipped.

    pyarrow reports a skipped row while parsing its block, which may be a block ahead
    of the batch being numbered; every skipped row up to the end of a batch is known
    by the time that batch arrives.
    """

    def __init__(self) -> None:
        self.last = 0
        self.bad: list[int] = []

    def skipped(self, row: int) -> None:
        bisect.insort(self.bad, row)

    def next_unknown(self) -> int:
        return max(self.last, self.bad[-1] if self.bad else 0) + 1

    def take(self, n: int) -> pa.Array:
        start = self.last + 1
        lo = hi = bisect.bisect_left(self.bad, start)
        while (more := bisect.bisect_left(self.bad, start + n + hi - lo)) != hi:
            hi = more
        rows = np.arange(start, start + n + hi - lo, dtype=np.int64)
        if hi > lo:
            rows = rows[~np.isin(rows, np.asarray(self.bad[lo:hi], dtype=np.int64))]
        if n:
            self.last = int(rows[-1])
        return pa.array(rows, pa.int64())


def _csv_options(plan: _TextPlan, on_invalid: Any) -> dict[str, Any]:
    names = [f"c{i}" for i in range(plan.ncols)]
    return {
        "read_options": pacsv.ReadOptions(
            encoding="gb18030" if plan.encoding == "gbk" else plan.encoding,  # a superset: never wrong
            column_names=names,
            skip_rows=plan.skip,
            use_threads=False,  # row numbers of malformed rows are known only single-threaded
            block_size=BLOCK_SIZE,
        ),
        "parse_options": pacsv.ParseOptions(
            delimiter=plan.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    }


def _text_batches(raw: RawData, plan: _TextPlan) -> Iterator[pa.RecordBatch]:
    numbers = _RowNumbers()
    schema = raw.schema()

    def on_invalid(row: pacsv.InvalidRow) -> str:
        n = row.number - plan.skip if row.number is not None else numbers.next_unknown()
        numbers.skipped(n)
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        raw.bad_rows.append(BadRow(n, reason, (row.text or "")[:BAD_TEXT_CHARS]))
        return "skip"

    compression = "gzip" if _gzipped(raw.path) else None
    try:
        with pa.input_stream(str(raw.path), compression=compression) as source:
            reader = pacsv.open_csv(source, **_csv_options(plan, on_invalid))
            for batch in reader:
                yield pa.RecordBatch.from_arrays([*batch.columns, numbers.take(batch.num_rows)], schema=schema)
    except (pa.ArrowException, UnicodeDecodeError, OSError, EOFError) as exc:
        raw.failure = _read_failure(raw.path, exc, numbers, plan.skip)
        raise raw.failure from exc
    raw.bad_rows.sort(key=lambda b: b.row)


def _read_failure(path: Path, exc: BaseException, numbers: _RowNumbers, skip: int) -> InputError:
    found = re.search(r"Row #(\d+)", str(exc))
    row = int(found.group(1)) - skip if found else numbers.next_unknown()
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
        hint = "the file mixes text encodings; " + _SAVE_AS_UTF8
    else:
        hint = "the file may be truncated or damaged (an unclosed quote?); export it again"
    return InputError(f"cannot read the file: {exc}", file=str(path), row=max(row, 1), hint=hint)


# --- workbooks -------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    """A cell as the text Excel shows for it (numbers up to 15 significant digits)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        shown = format(value, ".15g")
        return str(int(Decimal(shown))) if value.is_integer() and abs(value) < 1e21 else shown
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat(sep=" ") if hasattr(value, "date") else isoformat())
    return str(value)


def _sheet_rows(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            rows: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputError(
            f"cannot read the workbook: {exc}", file=str(path), hint="open it in Excel and save it again"
        ) from exc
    return rows


def _open_excel(path: Path, *, has_header: bool, column_names: list[str] | None) -> RawData:
    rows = _sheet_rows(path)
    if has_header:
        first = next((i for i, row in enumerate(rows) if any(_cell_text(v) is not None for v in row)), None)
        if first is None:
            raise FormatError("the first sheet is empty", file=str(path), hint="put the data on the first sheet")
        start = first + 1
        headers = [_clean_header(_cell_text(v) or "") for v in rows[start - 1]]
        while headers and not headers[-1]:
            headers.pop()  # formatted but empty columns at the right
    else:
        start, headers = 0, list(column_names or [])
    headers = _dedupe(headers)
    suffix = path.suffix.lower()
    raw = RawData(path, headers, iter(()), suffix.lstrip(".") if suffix in EXCEL_SUFFIXES else "xlsx", None)
    raw.batches = _excel_batches(rows, start, raw.schema())
    return raw


def _excel_batches(rows: list[list[Any]], start: int, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    ncols = len(schema) - 1
    for lo in range(start, len(rows), EXCEL_BATCH_ROWS):
        cols: list[list[str | None]] = [[] for _ in range(ncols)]
        numbers: list[int] = []
        for i, row in enumerate(rows[lo : lo + EXCEL_BATCH_ROWS], start=lo - start + 1):
            texts = [_cell_text(v) for v in row[:ncols]]
            if all(t is None for t in texts):
                continue  # an empty sheet row is not a record (Excel's formatted-but-empty rows)
            texts += [None] * (ncols - len(texts))
            numbers.append(i)
            for j in range(ncols):
                cols[j].append(texts[j])
        arrays = [pa.array(c, pa.string()) for c in cols]
        yield pa.RecordBatch.from_arrays([*arrays, pa.array(numbers, pa.int64())], schema=schema)


# --- parquet ---------------------------------------------------------------------


def _open_parquet(path: Path) -> RawData:
    try:
        names = [f.name for f in pq.read_schema(path)]
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"cannot read the Parquet file: {exc}", file=str(path), hint="write it again") from exc
    raw = RawData(path, _dedupe(names), iter(()), "parquet", None)
    raw.batches = _parquet_batches(raw)
    return raw


def _parquet_batches(raw: RawData) -> Iterator[pa.RecordBatch]:
    schema = raw.schema()
    done = 0
    try:
        with pq.ParquetFile(raw.path) as pf:
            for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                numbers = pa.array(range(done + 1, done + 1 + batch.num_rows), pa.int64())
                yield pa.RecordBatch.from_arrays([*(_to_text(c) for c in batch.columns), numbers], schema=schema)
                done += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raw.failure = InputError(
            f"cannot read the Parquet file: {exc}", file=str(raw.path), row=done + 1, hint="write it again"
        )
        raise raw.failure from exc


def _to_text(col: pa.Array) -> pa.Array:
    """Arrow values as text: timestamps ``2020-02-01 08:05:00`` (+ UTC offset when zoned),
    dates ``2020-02-01``, decimals as written; nested values as JSON."""
    if pa.types.is_timestamp(col.type):
        zoned = col.type.tz is not None
        text = pc.strftime(col, format="%Y-%m-%d %H:%M:%S%z" if zoned else "%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(text, r"\.0+(\+|-|$)", r"\1")  # whole seconds: no fraction
    if pa.types.is_date(col.type):
        return pc.strftime(col, format="%Y-%m-%d")
    try:
        return col.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([_json_text(v) for v in col.to_pylist()], pa.string())


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, default=str)


# --- a look at a file ------------------------------------------------------------


def read_head(path: Path, rows: int = 5) -> tuple[list[str], list[list[str | None]]]:
    """Headers and the first data rows (for --suggest-mapping and error messages)."""
    raw = open_raw(path)
    out: list[list[str | None]] = []
    try:
        for batch in raw.batches:
            for record in batch.to_pylist()[: rows - len(out)]:
                out.append([record[f"c{j}"] for j in range(len(raw.headers))])
            if len(out) >= rows:
                break
    finally:
        close = getattr(raw.batches, "close", None)
        if callable(close):
            close()
    return raw.headers, out


__all__ = [
    "BadRow",
    "RawData",
    "detect_encoding",
    "detect_file_encoding",
    "file_format",
    "open_raw",
    "read_head",
    "sniff_delimiter",
]
