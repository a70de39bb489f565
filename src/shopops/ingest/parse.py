"""Turn text columns into typed values, in the engine, as Ibis expressions.

Each parser takes a text column and returns ``(value, error)``: ``value`` is the typed
value (null for an empty cell) and ``error`` is null when the cell is fine, otherwise
the reason the row is quarantined. Nothing here raises on a bad value.

Accepted forms (surrounding spaces, tabs, full-width spaces, Excel's ``="…"`` and a
leading apostrophe are ignored everywhere)
- money / decimal: ``1234.5``, ``1,234.50``, ``¥1,234.50``, ``￥12``, ``$3``, ``£3``, ``€3``,
  ``12元``, ``RMB 12``, ``-3.20``, ``-¥3.20``, ``(3.20)`` (accounting negative), Excel's
  ``="12.30"``, ``1e3``. Thousands separators must group by three (``12,5`` is an error,
  never 125). Money keeps 2 decimal places, decimal 4 (rounded half away from zero).
- integer: ``12``, ``1,200``, ``12.0``; ``12.5`` is an error.
- percent: ``12.5%`` → 0.125; without a ``%`` the number is taken as a fraction.
- timestamp: ``2020-02-01 00:00:00``, ``2020/2/1 0:00``, ``2020-02-01T08:00``, ``2020.2.1``,
  ``2020年2月1日``, ``2020年2月1日 8:05``, ``2020年2月1日 8时05分``, ``20200201``, an Excel
  serial day number (``43862`` → 2020-02-01, ``43862.5`` → 2020-02-01 12:00);
  ``timestamp_tz`` takes a UTC offset (``2025-12-07 19:08:25 +0000``, ``+08:00``, ``Z``)
  and gives the wall time in the store's zone; without an offset the text is taken
  as the store's wall time already. ``unix_seconds`` is seconds since 1970 UTC
  (fractions allowed), also given as the store's wall time.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

Parsed = tuple[ir.Value, ir.StringValue]
MONEY_TYPE = dt.Decimal(18, 2)
RATE_TYPE = dt.Decimal(18, 4)
_EXCEL_EPOCH = ibis.date(1899, 12, 30)
_SPACE = r"[\s\x{3000}\x{a0}\x{feff}]"
_CURRENCY_BEFORE = r"(?i)^([+-]?)\s*(rmb|cny|usd|us\$|hkd|hk\$|gbp|eur|cn¥|[¥￥$£€])\s*"
_CURRENCY_AFTER = r"(?i)\s*(元|rmb|cny|usd|hkd|gbp|eur)$"
_NUMBER = r"^[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?$"
_WHOLE = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.0*)?$"
_TIME = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
_OFFSET = r"(?i:z|utc|gmt|[+-]\d{2}(:?\d{2})?)"
_UNIX_MAX = 10**11  # seconds; beyond year 5000 is not a Unix time


@ibis.udf.scalar.builtin(name="timezone")  # type: ignore[untyped-decorator]
def _to_local(tz: str, ts: dt.Timestamp(timezone="UTC")) -> dt.Timestamp():  # type: ignore[valid-type]
    """The wall time in zone ``tz`` of the instant ``ts`` (DuckDB's ``timezone``)."""


@ibis.udf.scalar.builtin(name="to_timestamp")  # type: ignore[untyped-decorator]
def _from_epoch(seconds: dt.float64) -> dt.Timestamp(timezone="UTC"):  # type: ignore[valid-type]
    """The instant ``seconds`` after 1970-01-01 00:00 UTC (DuckDB's ``to_timestamp``)."""


def clean(s: ir.StringValue) -> ir.StringValue:
    """Trim, drop Excel's ``="…"`` and leading-apostrophe text guards; '' becomes null."""
    trim = rf"^{_SPACE}+|{_SPACE}+$"
    s = s.re_replace(trim, "").re_replace(r'(?s)^="(.*)"$', r"\1").re_replace(r"^'", "")
    return s.re_replace(trim, "").nullif("")


def _bad(value: ir.Value, cleaned: ir.StringValue, reason: str) -> ir.StringValue:
    """``reason`` where the cell has text but no value came out of it."""
    return ibis.ifelse(cleaned.notnull() & value.isnull(), ibis.literal(reason), ibis.null(dt.string))


def text(s: ir.StringValue) -> Parsed:
    return clean(s), ibis.null(dt.string)


def _unmarked(c: ir.StringValue) -> ir.StringValue:
    """A cleaned amount without currency marks; ``(x)`` becomes ``-x``."""
    c = c.re_replace(r"^\((.*)\)$", r"-\1")
    return c.re_replace(_CURRENCY_BEFORE, r"\1").re_replace(_CURRENCY_AFTER, "")


def _number(c: ir.StringValue, shape: str = _NUMBER) -> ir.StringValue:
    """``c`` without thousands separators if it has the number ``shape``, else null."""
    ok = c.re_search(shape) & c.re_search(r"\d")
    return ibis.ifelse(ok, c.re_replace(",", ""), ibis.null(dt.string))


def _amount(s: ir.StringValue, to: dt.DataType, reason: str) -> Parsed:
    c = clean(s)
    value = _number(_unmarked(c)).try_cast(to)
    return value, _bad(value, c, reason)


def money(s: ir.StringValue) -> Parsed:
    return _amount(s, MONEY_TYPE, "not a money amount (expected e.g. 1234.50 or ¥1,234.50)")


def decimal(s: ir.StringValue) -> Parsed:
    return _amount(s, RATE_TYPE, "not a number (expected e.g. 1234.5 or 1,234.5)")


def integer(s: ir.StringValue) -> Parsed:
    c = clean(s)
    whole = _number(_unmarked(c), _WHOLE).re_replace(r"\.0*$", "")
    value = whole.try_cast(dt.int64)
    return value, _bad(value, c, "not a whole number (expected e.g. 12 or 1,200)")


def percent(s: ir.StringValue) -> Parsed:
    c = clean(s)
    marked = _unmarked(c)
    has_pct = marked.re_search(r"%$")
    number = _number(marked.re_replace(r"\s*%$", "")).try_cast(dt.Decimal(24, 6))
    hundredth = ibis.literal(Decimal("0.01"), dt.Decimal(3, 2))
    value = ibis.ifelse(has_pct, number * hundredth, number).cast(RATE_TYPE)
    return value, _bad(value, c, "not a percentage (expected e.g. 12.5%)")


def _timestamp_text(c: ir.StringValue) -> ir.StringValue:
    """Chinese, slashed, dotted and compact dates rewritten as ``YYYY-M-D[ time]``."""
    c = c.re_replace(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?\s*", r"\1-\2-\3 ")
    c = c.re_replace(r"(\d{1,2})[时點点](\d{1,2})分(\d{1,2})秒", r"\1:\2:\3")
    c = c.re_replace(r"(\d{1,2})[时點点](\d{1,2})分?", r"\1:\2")
    c = c.re_replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3")
    c = c.re_replace(r"^(\d{4})(\d{2})(\d{2})($|\s|T)", r"\1-\2-\3\4")
    return c.re_replace(r"^(\d{4}-\d{1,2}-\d{1,2})\s+", r"\1 ").strip()


def _excel_serial(c: ir.StringValue) -> ir.TimestampValue:
    """Excel stores dates as days since 1899-12-30 (serials 20000..80000 ≈ years 1954..2119)."""
    days = c.re_search(r"^\d{5}(\.\d+)?$")
    serial = ibis.ifelse(days, c.try_cast(dt.float64), ibis.null(dt.float64))
    serial = ibis.ifelse((serial >= 20000) & (serial < 80000), serial, ibis.null(dt.float64))
    whole = serial.floor().cast(dt.int64)
    seconds = ((serial - serial.floor()) * 86400).round().cast(dt.int64)
    start = _EXCEL_EPOCH.cast(dt.timestamp)
    return start + whole.as_interval("D") + seconds.as_interval("s")


def _dated(t: ir.StringValue) -> ir.BooleanValue:
    """``t`` starts with a 4-digit-year date (so never DuckDB's ``infinity``, ``epoch`` or ``now``)."""
    return t.re_search(r"^\d{4}-\d{1,2}-\d{1,2}($|[ T]\d)")


def _wall_time(c: ir.StringValue) -> ir.TimestampValue:
    t = _timestamp_text(c)
    text = ibis.ifelse(_dated(t), t.try_cast(dt.timestamp), ibis.null(dt.timestamp))
    return ibis.coalesce(text, _excel_serial(c))


def _zoned_text(t: ir.StringValue) -> ir.StringValue:
    """``YYYY-M-D H:MM[:SS] ±HH[:MM]`` as DuckDB casts it: seconds present, offset right after them."""
    t = t.re_replace(r"^(\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2})(\s*[+-]\d.*|\s*[zZ]|\s*(?i:utc|gmt)|)$", r"\1:00\2")
    return t.re_replace(r"\s+([+-]\d{2}(:?\d{2})?)$", r"\1")


def timestamp(s: ir.StringValue) -> Parsed:
    c = clean(s)
    value = _wall_time(c)
    return value, _bad(value, c, "not a date/time (expected e.g. 2020-02-01 08:00:00 or 2020/2/1 8:00)")


def date(s: ir.StringValue) -> Parsed:
    c = clean(s)
    value = _wall_time(c).date()
    return value, _bad(value, c, "not a date (expected e.g. 2020-02-01 or 2020/2/1)")


def timestamp_tz(tz: str) -> Callable[[ir.StringValue], Parsed]:
    """Timestamps with a UTC offset (``… +0800``), as wall time in ``tz``; no offset: already wall time."""

    def parse(s: ir.StringValue) -> Parsed:
        c = clean(s)
        t = _timestamp_text(c)
        has_offset = _dated(t) & t.re_search(rf"{_TIME}\s*{_OFFSET}$")
        instant = _zoned_text(t).try_cast(dt.Timestamp(timezone="UTC"))
        local = ibis.ifelse(has_offset, _to_local(tz, instant), _wall_time(c))
        return local, _bad(local, c, "not a date/time (expected e.g. 2025-12-07 19:08:25 +0000)")

    return parse


def unix_seconds(tz: str) -> Callable[[ir.StringValue], Parsed]:
    """Seconds since 1970-01-01 00:00 UTC, as wall time in ``tz``."""

    def parse(s: ir.StringValue) -> Parsed:
        c = clean(s)
        shaped = c.re_search(r"^[+-]?\d+(\.\d+)?$")
        seconds = ibis.ifelse(shaped, c.try_cast(dt.float64), ibis.null(dt.float64))
        seconds = ibis.ifelse(seconds.abs() < _UNIX_MAX, seconds, ibis.null(dt.float64))
        local = _to_local(tz, _from_epoch(seconds))
        return local, _bad(local, c, "not a Unix time in seconds")

    return parse


PARSERS: dict[str, Callable[[ir.StringValue], Parsed]] = {
    "text": text,
    "money": money,
    "decimal": decimal,
    "integer": integer,
    "percent": percent,
    "timestamp": timestamp,
    "date": date,
}


# The shapes almost every cell of a real export has, and the plain cast that reads them. A cell of
# such a shape parses to exactly what the full parser gives, so the import runs the (regex-heavy)
# full parser only on the rows where some cell has another shape (see warehouse/load.py).
# DuckDB evaluates every branch of CASE/COALESCE over the whole column, so the fast path has
# to be a separate pass, not an ``ifelse``.
_FAST: dict[str, tuple[str, dt.DataType]] = {
    "money": (r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$", MONEY_TYPE),
    "decimal": (r"^-?[0-9]{1,14}(\.[0-9]{1,4})?$", RATE_TYPE),
    "integer": (r"^-?[0-9]{1,18}$", dt.int64),
    "timestamp": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", dt.timestamp),
    "date": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", dt.date),
}
_NEEDS_CLEANING = rf"^({_SPACE}|=|')|{_SPACE}$"


def fast_value(type_name: str, s: ir.StringValue) -> ir.Value | None:
    """The value of ``s`` where it has the common shape, else null; None when the type has no fast path.

    Wherever the result is not null it equals the full parser's value (tests check this).
    """
    if type_name == "text":
        return ibis.ifelse(s.re_search(_NEEDS_CLEANING), ibis.null(dt.string), s.nullif(""))
    if type_name not in _FAST:
        return None
    pattern, typ = _FAST[type_name]
    return ibis.ifelse(s.re_search(pattern), s.try_cast(typ), ibis.null(typ))


def parser_for(type_name: str, tz: str) -> Callable[[ir.StringValue], Parsed]:
    if type_name == "timestamp_tz":
        return timestamp_tz(tz)
    if type_name == "unix_seconds":
        return unix_seconds(tz)
    return PARSERS[type_name]
