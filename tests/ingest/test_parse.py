"""Parsers, run in the engine: every documented form, with expected values written by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.ingest import parse
from shopops.ingest.parse import Parsed

D = Decimal
Parser = Callable[[Any], Parsed]


@pytest.fixture(scope="module")
def con() -> Iterator[Any]:
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone='UTC'")
    yield con
    con.disconnect()


def run(con: Any, parser: Parser, texts: list[str | None]) -> list[tuple[Any, str | None]]:
    """(value, error) for each text, in order."""
    t = ibis.memtable({"i": list(range(len(texts))), "s": texts}, schema={"i": "int64", "s": "string"})
    value, error = parser(t.s)
    rows = con.to_pyarrow(t.select(t.i, v=value, e=error).order_by("i")).to_pylist()
    return [(r["v"], r["e"]) for r in rows]


def values(con: Any, parser: Parser, cases: list[tuple[str | None, Any]]) -> None:
    """Each text parses to its expected value without an error."""
    got = run(con, parser, [text for text, _ in cases])
    assert [(text, v, e) for (text, _), (v, e) in zip(cases, got, strict=True)] == [
        (text, expected, None) for text, expected in cases
    ]


def errors(con: Any, parser: Parser, texts: list[str], reason: str) -> None:
    """Each text gives no value and an error containing ``reason``."""
    got = run(con, parser, list(texts))
    assert [(text, v) for text, (v, _) in zip(texts, got, strict=True)] == [(text, None) for text in texts]
    assert all(e is not None and reason in e for _, e in got), got


EMPTY: list[tuple[str | None, Any]] = [(None, None), ("", None), ("   ", None), ("\t", None), ("\u3000", None)]


# --------------------------------------------------------------------------- money and numbers


def test_money_forms(con: Any) -> None:
    values(
        con,
        parse.money,
        [
            ("1234.5", D("1234.50")),
            ("1,234.50", D("1234.50")),
            ("¥1,234.50", D("1234.50")),
            ("￥12", D("12.00")),
            ("12元", D("12.00")),
            ("RMB 12", D("12.00")),
            ("CNY12.5", D("12.50")),
            ("$3", D("3.00")),
            ("US$3", D("3.00")),
            ("£3", D("3.00")),
            ("€3", D("3.00")),
            ("-3.20", D("-3.20")),
            ("+3.20", D("3.20")),
            ("(3.20)", D("-3.20")),
            ("(¥1,234.50)", D("-1234.50")),
            ("-¥1,234.50", D("-1234.50")),
            ("¥-12", D("-12.00")),
            ('="12.30"', D("12.30")),
            ("'0012", D("12.00")),
            ("1e3", D("1000.00")),
            (" \t12.3\u3000", D("12.30")),
            ("12.345", D("12.35")),  # rounded to cents, half away from zero, in decimal
            ("-12.345", D("-12.35")),
            ("2.675", D("2.68")),  # 2.67 in binary floating point
            (".5", D("0.50")),
            ("1,234,567,890,123.45", D("1234567890123.45")),
            *EMPTY,
        ],
    )


def test_money_junk_is_an_error(con: Any) -> None:
    junk = ["junk", "RMB", "¥", "-", "12,5", "1,2345", "1 234,50", "1.2.3", "12.5%", "12 apples", "1e400", "9" * 40]
    errors(con, parse.money, junk, "not a money amount")


def test_decimal(con: Any) -> None:
    values(
        con, parse.decimal, [("1.23456", D("1.2346")), ("1,234.5678", D("1234.5678")), ("-0.5", D("-0.5000")), *EMPTY]
    )
    errors(con, parse.decimal, ["x", "12.5%", "1,2"], "not a number")


def test_integer(con: Any) -> None:
    values(
        con,
        parse.integer,
        [("12", 12), ("1,200", 1200), ("12.0", 12), ("12.00", 12), ("-3", -3), ("+4", 4), ("(3)", -3), *EMPTY],
    )
    errors(con, parse.integer, ["12.5", "1e3", "x", "1,20", "9223372036854775808"], "not a whole number")


def test_percent(con: Any) -> None:
    values(
        con,
        parse.percent,
        [
            ("12.5%", D("0.1250")),
            ("12.5 %", D("0.1250")),
            ("-3%", D("-0.0300")),
            ("(1.5%)", D("-0.0150")),
            ("100%", D("1.0000")),
            ("0.125", D("0.1250")),  # no % sign: already a fraction
            ("12.345%", D("0.1235")),
            *EMPTY,
        ],
    )
    errors(con, parse.percent, ["%", "x", "12.5%%", "1e400%"], "not a percentage")


MARKS = ["{}", "¥{}", "￥{}", "${}", "£{}", "€{}", "RMB {}", "RMB{}", "CNY {}", "{}元", "{} 元"]


def formatted(amount: Decimal, grouped: bool, mark: str, negative: str) -> str:
    digits = f"{abs(amount):,.2f}" if grouped else f"{abs(amount):.2f}"
    if amount >= 0:
        return mark.format(digits)
    if negative == "parentheses":
        return f"({mark.format(digits)})"
    if negative == "inside":
        return mark.format("-" + digits)
    return "-" + mark.format(digits)


amounts = st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2, allow_nan=False, allow_infinity=False)
styles = st.tuples(amounts, st.booleans(), st.sampled_from(MARKS), st.sampled_from(["minus", "inside", "parentheses"]))


@settings(max_examples=25, deadline=None)
@given(st.lists(styles, min_size=1, max_size=40))
def test_money_round_trips_exactly(con: Any, cases: list[tuple[Decimal, bool, str, str]]) -> None:
    texts: list[str | None] = [formatted(*case) for case in cases]
    got = run(con, parse.money, texts)
    assert [(t, v, e) for t, (v, e) in zip(texts, got, strict=True)] == [
        (t, case[0], None) for t, case in zip(texts, cases, strict=True)
    ]


# --------------------------------------------------------------------------- timestamps


def test_timestamp_forms(con: Any) -> None:
    values(
        con,
        parse.timestamp,
        [
            ("2020/2/1 0:00", datetime(2020, 2, 1)),
            ("2020-02-01 00:00:00", datetime(2020, 2, 1)),
            ("2020-02-01T08:00", datetime(2020, 2, 1, 8)),
            ("2020.2.1", datetime(2020, 2, 1)),
            ("2020/02/01 08:05:07", datetime(2020, 2, 1, 8, 5, 7)),
            ("2020-02-01 08:00:00.123", datetime(2020, 2, 1, 8, 0, 0, 123000)),
            ("2020年2月1日", datetime(2020, 2, 1)),
            ("2020年2月1日 8:05", datetime(2020, 2, 1, 8, 5)),
            ("2020年2月1日8:05", datetime(2020, 2, 1, 8, 5)),
            ("2020年02月01日 08时05分", datetime(2020, 2, 1, 8, 5)),
            ("2020年02月01日 08时05分09秒", datetime(2020, 2, 1, 8, 5, 9)),
            ("20200201", datetime(2020, 2, 1)),
            ("43862", datetime(2020, 2, 1)),  # Excel serial day
            ("43862.5", datetime(2020, 2, 1, 12)),
            ("43862.75", datetime(2020, 2, 1, 18)),
            ('="2020-02-01"', datetime(2020, 2, 1)),
            *EMPTY,
        ],
    )


def test_timestamp_junk_is_an_error(con: Any) -> None:
    junk = ["2020-13-01", "2020-02-30", "x", "2020年2月", "12345", "99999", "1/2/2020", "2020-02-01 25:00"]
    errors(con, parse.timestamp, junk, "not a date/time")


def test_date(con: Any) -> None:
    values(
        con,
        parse.date,
        [
            ("2020/2/1", date(2020, 2, 1)),
            ("2020-02-01 13:00", date(2020, 2, 1)),
            ("2020年2月1日", date(2020, 2, 1)),
            ("43862", date(2020, 2, 1)),
            *EMPTY,
        ],
    )
    errors(con, parse.date, ["x", "2020-02-30"], "not a date")


SHANGHAI, LONDON, NEW_YORK = "Asia/Shanghai", "Europe/London", "America/New_York"


@pytest.mark.parametrize(
    ("tz", "text", "wall"),
    [
        (SHANGHAI, "2025-12-07 19:08:25 +0000", datetime(2025, 12, 8, 3, 8, 25)),
        (SHANGHAI, "2025-12-07 19:08:25 +08:00", datetime(2025, 12, 7, 19, 8, 25)),
        (SHANGHAI, "2025-12-07 19:08:25 -0500", datetime(2025, 12, 8, 8, 8, 25)),
        (SHANGHAI, "2025-06-01T12:00:00Z", datetime(2025, 6, 1, 20)),
        (SHANGHAI, "2025/6/1 12:00 +0100", datetime(2025, 6, 1, 19)),
        (LONDON, "2025-07-01 12:00:00 +0100", datetime(2025, 7, 1, 12)),  # BST
        (LONDON, "2025-01-15 12:00:00 +0100", datetime(2025, 1, 15, 11)),  # GMT
        (LONDON, "2025-03-30 00:59:59 +0000", datetime(2025, 3, 30, 0, 59, 59)),  # last second of GMT
        (LONDON, "2025-03-30 01:00:00 +0000", datetime(2025, 3, 30, 2)),  # clocks go forward
        (LONDON, "2025-10-26 00:59:59 +0000", datetime(2025, 10, 26, 1, 59, 59)),  # last second of BST
        (LONDON, "2025-10-26 01:00:00 +0000", datetime(2025, 10, 26, 1)),  # clocks go back
        (NEW_YORK, "2025-03-09 06:59:59 +0000", datetime(2025, 3, 9, 1, 59, 59)),  # EST
        (NEW_YORK, "2025-03-09 07:00:00 +0000", datetime(2025, 3, 9, 3)),  # EDT
        (NEW_YORK, "2025-03-09 02:00:00 -0500", datetime(2025, 3, 9, 3)),  # the same instant
        (NEW_YORK, "2025-11-02 05:59:59 +0000", datetime(2025, 11, 2, 1, 59, 59)),  # EDT
        (NEW_YORK, "2025-11-02 06:00:00 +0000", datetime(2025, 11, 2, 1)),  # EST: 01:00 again
        (NEW_YORK, "2025-12-07 19:08:25 +0100", datetime(2025, 12, 7, 13, 8, 25)),
        (NEW_YORK, "2025-06-01 12:00:00", datetime(2025, 6, 1, 12)),  # no offset: already wall time
        (NEW_YORK, "2025-12-07", datetime(2025, 12, 7)),  # a date, not an offset of -07
    ],
)
def test_timestamp_tz(con: Any, tz: str, text: str, wall: datetime) -> None:
    assert run(con, parse.timestamp_tz(tz), [text]) == [(wall, None)]


def test_timestamp_tz_empty_and_junk(con: Any) -> None:
    values(con, parse.timestamp_tz(LONDON), EMPTY)
    errors(con, parse.timestamp_tz(LONDON), ["x", "2025-13-01 00:00:00 +0000", "+0100"], "not a date/time")


def test_unix_seconds(con: Any) -> None:
    values(
        con,
        parse.unix_seconds(SHANGHAI),
        [
            ("0", datetime(1970, 1, 1, 8)),
            ("1580515200", datetime(2020, 2, 1, 8)),
            ("1580515200.5", datetime(2020, 2, 1, 8, 0, 0, 500000)),
            ("-1", datetime(1970, 1, 1, 7, 59, 59)),
            *EMPTY,
        ],
    )
    values(con, parse.unix_seconds(NEW_YORK), [("1741503600", datetime(2025, 3, 9, 3))])
    errors(con, parse.unix_seconds(SHANGHAI), ["x", "1e9", "99999999999999", "2020-02-01"], "not a Unix time")


def test_zoned_parsers_do_not_depend_on_the_session_zone() -> None:
    other = ibis.duckdb.connect()
    other.raw_sql("SET TimeZone='America/Los_Angeles'")
    try:
        assert run(other, parse.timestamp_tz(SHANGHAI), ["2025-12-07 19:08:25 +0000"]) == [
            (datetime(2025, 12, 8, 3, 8, 25), None)
        ]
        assert run(other, parse.unix_seconds(SHANGHAI), ["1580515200"]) == [(datetime(2020, 2, 1, 8), None)]
    finally:
        other.disconnect()


# --------------------------------------------------------------------------- all of them


def test_text_is_cleaned(con: Any) -> None:
    values(con, parse.text, [(' ="00123" ', "00123"), ("\tA1\u3000", "A1"), ("'0012", "0012"), ("a b", "a b"), *EMPTY])


@pytest.mark.parametrize(
    "type_name", ["text", "money", "decimal", "integer", "percent", "timestamp", "date", "timestamp_tz", "unix_seconds"]
)
def test_no_parser_raises_and_every_cell_gets_a_value_or_a_reason(con: Any, type_name: str) -> None:
    nasty = [
        None,
        "",
        "x",
        "-",
        "%",
        "(",
        ")",
        "()",
        '="',
        "'",
        "1e400",
        "9" * 60,
        "-9" * 30,
        "1e-400",
        "0",
        "¥",
        "元",
        "年月日",
        "\n",
        "😀",
        "99999",
        "NaN",
        "inf",
        "infinity",
        "-infinity",
        "epoch",
        "now",
        "today",
        '=""',
        "99999-01-01",
        "0000-00-00",
    ]
    got = run(con, parse.parser_for(type_name, SHANGHAI), nasty)
    for text, (value, error) in zip(nasty, got, strict=True):
        if text is None or text.strip() in ("", "'", '=""'):  # blank, or only a text guard
            assert (value, error) == (None, None), text
        else:
            assert (value is None) != (error is None), (text, value, error)


FAST_CASES: dict[str, list[str | None]] = {
    "money": ["12", "-12.5", "1234567890123456.99", "12.345", "1,234.50", "¥12", " 12", "(3)", "", None],
    "decimal": ["1.2345", "-0.5", "12345678901234.1234", "1.23456", "1e3", "x"],
    "integer": ["12", "-3", "123456789012345678", "12.0", "1,200", "9223372036854775808"],
    "timestamp": ["2020-02-01 08:05:07", "2020-02-30 00:00:00", "2020-02-01", "2020/2/1 8:05", "43862", "x"],
    "date": ["2020-02-01", "2020-02-30", "2020/2/1", "43862", "2020-02-01 08:00:00"],
    "text": ["A1", "a b", " A1", "A1 ", '="00123"', "'0012", "\u3000A1", "", None, "-"],
}


@pytest.mark.parametrize("type_name", sorted(FAST_CASES))
def test_fast_path_agrees_with_the_full_parser(con: Any, type_name: str) -> None:
    """Wherever the import's fast path gives a value, it is the full parser's value."""
    texts = FAST_CASES[type_name]
    t = ibis.memtable({"i": list(range(len(texts))), "s": texts}, schema={"i": "int64", "s": "string"})
    fast = parse.fast_value(type_name, t.s)
    assert fast is not None
    full, _ = parse.parser_for(type_name, SHANGHAI)(t.s)
    rows = con.to_pyarrow(t.select(t.i, t.s, fast=fast, full=full).order_by("i")).to_pylist()
    disagree = [r for r in rows if r["fast"] is not None and r["fast"] != r["full"]]
    assert disagree == []
    assert any(r["fast"] is not None for r in rows)  # the common shapes do take the fast path


def test_types_without_a_fast_path() -> None:
    t = ibis.memtable({"s": ["1"]}, schema={"s": "string"})
    assert parse.fast_value("percent", t.s) is None and parse.fast_value("timestamp_tz", t.s) is None
