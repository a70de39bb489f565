"""Turn text columns into typed values, in the engine, as Ibis expressions.

Each parser takes a text column and returns ``(value, error)``: ``value`` is the typed
value (null for an empty cell) and ``error`` is null when the cell is fine, otherwise
the reason the row is quarantined. Nothing here raises on a bad value.

Accepted forms
- money / decimal: ``1234.5``, ``1,234.50``, ``¥1,234.50``, ``￥12``, ``$3``, ``£3``, ``€3``,
  ``12元``, ``RMB 12``, ``-3.20``, ``(3.20)`` (accounting negative), Excel's ``="12.30"``.
- integer: ``12``, ``1,200``, ``12.0``.
- percent: ``12.5%`` → 0.125; without a ``%`` the number is taken as a fraction.
- timestamp: ``2020-02-01 00:00:00``, ``2020/2/1 0:00``, ``2020-02-01T08:00``, ``2020年2月1日``,
  ``2020年2月1日 8:05``, ``20200201``, an Excel serial day number (``43862`` or ``43862.5``);
  ``timestamp_tz`` also needs a UTC offset (``2025-12-07 19:08:25 +0000``) and is
  converted to the store's local time; ``unix_seconds`` is seconds since 1970 UTC.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

Parsed = tuple[ir.Value, ir.StringValue]
MONEY_TYPE = dt.Decimal(18, 2)
RATE_TYPE = dt.Decimal(18, 4)
_EXCEL_EPOCH = ibis.date(1899, 12, 30)


@ibis.udf.scalar.builtin(name="timezone")
def _to_local(tz: str, ts: dt.Timestamp(timezone="UTC")) -> dt.Timestamp():  # type: ignore[valid-type, empty-body]
    """The wall time in zone ``tz`` of the instant ``ts`` (DuckDB's ``timezone``)."""


def clean(s: ir.StringValue) -> ir.StringValue:
    """Trim, drop Excel's ``="…"`` and leading-apostrophe text guards; '' becomes null."""
    s = s.strip().re_replace(r'^="(.*)"$', r"\1").re_replace(r"^'", "").strip()
    return s.nullif("")


def _bad(value: ir.Value, cleaned: ir.StringValue, reason: str) -> ir.StringValue:
    return ibis.ifelse(cleaned.notnull() & value.isnull(), ibis.literal(reason), ibis.null(dt.string))


def text(s: ir.StringValue) -> Parsed:
    return clean(s), ibis.null(dt.string)


def _numeric_text(s: ir.StringValue) -> ir.StringValue:
    c = clean(s)
    c = c.re_replace(r"^\((.*)\)$", r"-\1")  # (12.30) accounting negative
    c = c.re_replace(r"(?i)^(rmb|cny|usd|gbp|eur)\s*", "")
    c = c.re_replace(r"[¥￥$£€,\s元]", "")
    return c.nullif("")


def money(s: ir.StringValue) -> Parsed:
    c = _numeric_text(s)
    value = c.try_cast(MONEY_TYPE)
    return value, _bad(value, c, "not a money amount (expected e.g. 1234.50 or ¥1,234.50)")


def decimal(s: ir.StringValue) -> Parsed:
    c = _numeric_text(s)
    value = c.try_cast(RATE_TYPE)
    return value, _bad(value, c, "not a number")


def integer(s: ir.StringValue) -> Parsed:
    c = _numeric_text(s).re_replace(r"\.0+$", "")
    value = ibis.ifelse(c.re_search(r"^[+-]?\d+$"), c.try_cast(dt.int64), ibis.null(dt.int64))
    return value, _bad(value, c, "not a whole number")


def percent(s: ir.StringValue) -> Parsed:
    c = _numeric_text(s)
    has_pct = c.endswith("%")
    number = c.re_replace("%$", "").try_cast(RATE_TYPE)
    value = ibis.ifelse(has_pct, number / 100, number).cast(RATE_TYPE)
    return value, _bad(value, c, "not a percentage (expected e.g. 12.5%)")


def _timestamp_text(c: ir.StringValue) -> ir.StringValue:
    c = c.re_replace(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3")
    c = c.re_replace(r"^(\d{4})/(\d{1,2})/(\d{1,2})", r"\1-\2-\3")
    c = c.re_replace(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})", r"\1-\2-\3")
    c = c.re_replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3")
    return c.re_replace(r"^(\d{4}-\d{1,2}-\d{1,2})\s+", r"\1 ")


def _excel_serial(c: ir.StringValue) -> ir.TimestampValue:
    """Excel stores dates as days since 1899-12-30 (serials 20000..80000 ≈ years 1954..2119)."""
    days = c.re_search(r"^\d{5}(\.\d+)?$")
    serial = ibis.ifelse(days, c.try_cast(dt.float64), ibis.null(dt.float64))
    serial = ibis.ifelse((serial >= 20000) & (serial < 80000), serial, ibis.null(dt.float64))
    whole = serial.floor().cast(dt.int64)
    seconds = ((serial - serial.floor()) * 86400).round().cast(dt.int64)
    start = _EXCEL_EPOCH.cast(dt.timestamp)
    return start + whole.as_interval("D") + seconds.as_interval("s")


def timestamp(s: ir.StringValue) -> Parsed:
    c = clean(s)
    value = ibis.coalesce(_timestamp_text(c).try_cast(dt.timestamp), _excel_serial(c))
    return value, _bad(value, c, "not a date/time (expected e.g. 2020-02-01 08:00:00 or 2020/2/1 8:00)")


def date(s: ir.StringValue) -> Parsed:
    value, err = timestamp(s)
    return value.date(), err.replace("date/time", "date")


def timestamp_tz(tz: str) -> Callable[[ir.StringValue], Parsed]:
    """Timestamps with a UTC offset (``… +0800``), converted to local time in ``tz``."""

    def parse(s: ir.StringValue) -> Parsed:
        c = clean(s)
        iso = _timestamp_text(c).re_replace(r"\s*([+-]\d{2}):?(\d{2})$", r"+\1:\2").re_replace(r"\+([+-])", r"\1")
        instant = iso.try_cast(dt.Timestamp(timezone="UTC"))
        has_offset = iso.re_search(r"[+-]\d{2}:\d{2}$")
        local = ibis.ifelse(has_offset, _to_local(tz, instant), _timestamp_text(c).try_cast(dt.timestamp))
        return local, _bad(local, c, "not a date/time (expected e.g. 2025-12-07 19:08:25 +0000)")

    return parse


def unix_seconds(tz: str) -> Callable[[ir.StringValue], Parsed]:
    def parse(s: ir.StringValue) -> Parsed:
        c = clean(s)
        seconds = c.try_cast(dt.int64)
        local = _to_local(tz, seconds.as_timestamp("s").cast(dt.Timestamp(timezone="UTC")))
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


def parser_for(type_name: str, tz: str) -> Callable[[ir.StringValue], Parsed]:
    if type_name == "timestamp_tz":
        return timestamp_tz(tz)
    if type_name == "unix_seconds":
        return unix_seconds(tz)
    return PARSERS[type_name]
