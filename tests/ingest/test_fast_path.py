"""The import's fast path (plain casts for common shapes) agrees with the full parser wherever it answers."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.ingest import parse

CON = ibis.duckdb.connect()
CON.raw_sql("SET TimeZone='UTC'")

SAMPLES = {
    "money": [
        "0",
        "12",
        "-3.5",
        "1234.50",
        "9999999999999999.99",
        "1.005",
        "1,234.50",
        "¥12",
        "",
        "  7 ",
        "abc",
        "1e3",
    ],
    "decimal": ["0.1650", "-2", "12.34567", "3.", ".5", "1,000.25"],
    "integer": ["0", "-12", "007", "12.0", "1,200", "999999999999999999", "12.5"],
    "timestamp": [
        "2020-02-01 00:00:00",
        "2020-02-30 10:00:00",
        "2020-02-01 24:00:00",
        "2020/2/1 0:00",
        "2020-02-01T08:00:00",
        "43862",
    ],
    "date": ["2020-02-01", "2020-13-01", "2020-2-1", "2020/02/01", "20200201"],
    "text": ["abc", " abc", "abc ", '="0012"', "'0012", "\u3000x", "x\u00a0", "中文", ""],
}


def _compare(type_name: str, values: list[str | None]) -> None:
    t = ibis.memtable({"s": values}, schema={"s": "string"})
    fast = parse.fast_value(type_name, t.s)
    assert fast is not None
    full, _ = parse.parser_for(type_name, "Asia/Shanghai")(t.s)
    frame = CON.execute(t.select(fast=fast, full=full))
    for value, (f, g) in zip(values, zip(frame["fast"], frame["full"], strict=True), strict=True):
        if f is not None and f == f:  # the fast path answered: it must agree
            assert f == g, (type_name, value, f, g)


@pytest.mark.parametrize("type_name", sorted(SAMPLES))
def test_fast_path_agrees_on_samples(type_name: str) -> None:
    _compare(type_name, [*SAMPLES[type_name], None])


def test_fast_path_answers_the_common_shapes() -> None:
    t = ibis.memtable({"m": ["12.50"], "d": ["2020-02-01"], "ts": ["2020-02-01 08:00:00"], "i": ["42"], "x": ["订单"]})
    row = CON.execute(
        t.select(
            m=parse.fast_value("money", t.m),
            d=parse.fast_value("date", t.d),
            ts=parse.fast_value("timestamp", t.ts),
            i=parse.fast_value("integer", t.i),
            x=parse.fast_value("text", t.x),
        )
    ).iloc[0]
    assert (
        str(row["m"]) == "12.50" and str(row["d"])[:10] == "2020-02-01" and int(row["i"]) == 42 and row["x"] == "订单"
    )
    assert str(row["ts"]) == "2020-02-01 08:00:00"
    assert parse.fast_value("percent", t.m) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-.,: 年月日T/¥", max_size=22), min_size=1, max_size=30))
def test_fast_path_agrees_on_random_text(values: list[str]) -> None:
    for type_name in ("money", "decimal", "integer", "timestamp", "date", "text"):
        _compare(type_name, list(values))
