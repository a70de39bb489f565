"""Vectorised CSV text building with pyarrow string kernels, and streaming file sinks.

Rows are built column-wise (numbers -> strings, lookups, element-wise joins) in C, so a
day of orders becomes bytes without a Python loop per row. Values never contain commas,
quotes or line breaks (the vocabularies are chosen so), hence no quoting is needed;
:func:`vocab` checks each lookup table once instead of every value.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

#: A pyarrow string array, or a plain string broadcast over all rows.
Col = Any

_BASE36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def vocab(values: Sequence[str]) -> Any:
    """A lookup table; values must be safe CSV fields."""
    for v in values:
        if any(ch in v for ch in ',"\r\n'):
            raise ValueError(f"unsafe CSV value in vocabulary: {v!r}")
    return pa.array(list(values), type=pa.string())


def take(table: Any, idx: npt.NDArray[Any]) -> Any:
    """``table[idx]`` as a string array."""
    return table.take(pa.array(np.asarray(idx, dtype=np.int64)))


def ints(a: npt.NDArray[Any]) -> Any:
    """Integers as decimal strings."""
    return pa.array(np.asarray(a, dtype=np.int64)).cast(pa.string())


def money(cents: npt.NDArray[Any]) -> Any:
    """Non-negative integer cents as ``123.45``."""
    c = np.asarray(cents, dtype=np.int64)
    whole = pa.array(c // 100).cast(pa.string())
    frac = pc.utf8_slice_codeunits(pa.array(c % 100 + 100).cast(pa.string()), 1)
    return pc.binary_join_element_wise(whole, frac, ".")


def where(mask: npt.NDArray[np.bool_], a: Col, b: Col) -> Any:
    """``a`` where mask else ``b``."""
    return pc.if_else(pa.array(np.asarray(mask, dtype=np.bool_)), a, b)


def join(cols: Sequence[Col], sep: str = "") -> Any:
    """Element-wise concatenation with a separator."""
    if not any(not isinstance(c, str) for c in cols):
        raise ValueError("join needs at least one array column")
    return pc.binary_join_element_wise(*cols, sep)


def fixed_codes(values: npt.NDArray[np.uint64], width: int, base: int) -> Any:
    """Unsigned integers as fixed-width lower-case base-36 or base-16 strings."""
    alphabet = _BASE36 if base == 36 else _HEX
    v = np.asarray(values, dtype=np.uint64).copy()
    out = np.empty((len(v), width), dtype=np.uint8)
    b = np.uint64(base)
    for k in range(width - 1, -1, -1):
        out[:, k] = alphabet[(v % b).astype(np.intp)]
        v //= b
    raw = np.ascontiguousarray(out).view(f"S{width}").ravel()
    return pa.array(raw, type=pa.binary()).cast(pa.string())


def rows_bytes(cols: Sequence[Col], n: int, eol: str) -> bytes:
    """The UTF-8 CSV bytes (comma separated, ``eol`` after every row) of ``n`` rows."""
    if n == 0:
        return b""
    if not any(not isinstance(c, str) for c in cols):
        cols = [pa.array([cols[0]] * n, type=pa.string()), *cols[1:]]
    rows = pc.binary_join_element_wise(*cols, ",")
    rows = pc.binary_join_element_wise(rows, "", eol)
    if len(rows) != n:
        raise AssertionError("row count mismatch")
    bufs = rows.buffers()
    off_type = np.int64 if rows.type == pa.large_string() else np.int32
    offsets = np.frombuffer(bufs[1], dtype=off_type)
    start = int(offsets[rows.offset])
    end = int(offsets[rows.offset + n])
    return bytes(memoryview(bufs[2])[start:end])


class CsvSink:
    """A CSV file written chunk by chunk.

    ``encoding`` is ``"gbk"``, ``"utf-8"`` or ``"utf-8-sig"`` (BOM); ``eol`` ``"\\r\\n"`` or
    ``"\\n"``; ``header`` ``None`` writes no header row.
    """

    def __init__(self, path: Path, header: Sequence[str] | None, encoding: str, eol: str) -> None:
        self.path = path
        self.encoding = encoding
        self.eol = eol
        self.ncols = len(header) if header is not None else -1
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        if encoding == "utf-8-sig":
            self._fh.write(b"\xef\xbb\xbf")
            self._codec = "utf-8"
        else:
            self._codec = encoding
        if header is not None:
            vocab(header)
            self._fh.write((",".join(header) + eol).encode(self._codec))

    def write(self, cols: Sequence[Col], n: int) -> None:
        if self.ncols >= 0 and len(cols) != self.ncols:
            raise AssertionError(f"{self.path.name}: {len(cols)} columns, header has {self.ncols}")
        if n == 0:
            return
        data = rows_bytes(cols, n, self.eol)
        if self._codec != "utf-8":
            data = data.decode("utf-8").encode(self._codec)
        self._fh.write(data)
        self.rows += n

    def close(self) -> None:
        self._fh.close()
