"""LMDI-I decomposition of paid amount: hand-computed, properties, and end to end on a tiny project."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shopops.analyses import ANALYSES, DecomposeParams, DecomposeResult, decompose, lmdi, lmdi_float
from shopops.errors import QueryError
from shopops.project import Project

D = Decimal
CENT = D("0.01")


def cents(x: float) -> Decimal:
    return D(repr(x)).quantize(CENT, ROUND_HALF_EVEN)


# ---------------------------------------------------------------- the pure layer


def test_hand_computed_example() -> None:
    base: dict[str, int | Decimal] = {"uv": 1000, "cvr": D("0.02"), "aov": 100}
    current: dict[str, int | Decimal] = {"uv": 1200, "cvr": D("0.015"), "aov": 110}
    v0, v1 = 1000 * 0.02 * 100, 1200 * 0.015 * 110  # 2000 and 1980
    assert (v0, v1) == pytest.approx((2000.0, 1980.0))
    L = (1980 - 2000) / (math.log(1980) - math.log(2000))
    traffic, conversion, order_value = L * math.log(1.2), L * math.log(0.75), L * math.log(1.1)
    assert pytest.approx(1989.983, abs=1e-3) == L
    assert traffic == pytest.approx(362.8168, abs=1e-4)
    assert conversion == pytest.approx(-572.4825, abs=1e-4)
    assert order_value == pytest.approx(189.6657, abs=1e-4)

    floats = lmdi_float(base, current)
    assert floats["uv"] == pytest.approx(traffic, rel=1e-12)
    assert floats["cvr"] == pytest.approx(conversion, rel=1e-12)
    assert floats["aov"] == pytest.approx(order_value, rel=1e-12)
    assert math.fsum(floats.values()) == pytest.approx(-20.0, abs=1e-10)

    parts = lmdi(base, current)
    # 362.82 − 572.48 + 189.67 = −19.99: the remaining −0.01 goes to the largest part (conversion)
    assert parts == {"uv": D("362.82"), "cvr": D("-572.49"), "aov": D("189.67")}
    assert sum(parts.values()) == D("-20.00")
    assert all(isinstance(v, Decimal) and v == v.quantize(CENT) for v in parts.values())


def test_equal_totals_with_moving_factors_and_identical_periods() -> None:
    parts = lmdi_float({"uv": 100, "cvr": 0.1}, {"uv": 200, "cvr": 0.05})  # V = 10 in both: L(a, a) = a
    assert parts["uv"] == pytest.approx(10 * math.log(2), rel=1e-12)
    assert parts["cvr"] == pytest.approx(-parts["uv"], rel=1e-12)
    assert lmdi({"uv": 100, "cvr": 0.1}, {"uv": 200, "cvr": 0.05}) == {"uv": D("6.93"), "cvr": D("-6.93")}
    same = {"uv": 3, "cvr": 0.5, "aov": 7.25}
    assert lmdi_float(same, same) == {"uv": 0.0, "cvr": 0.0, "aov": 0.0}
    assert lmdi(same, same) == {"uv": D("0.00"), "cvr": D("0.00"), "aov": D("0.00")}


def test_single_factor_is_the_whole_change() -> None:
    assert lmdi({"x": D("10.10")}, {"x": D("12.345")}) == {"x": D("2.24")}  # 2.245 rounds half-even


@pytest.mark.parametrize(
    ("v0", "v1", "message"),
    [
        ({"uv": 0, "cvr": 0.1}, {"uv": 10, "cvr": 0.1}, "factor uv is 0 in the base period"),
        ({"uv": 10, "cvr": 0.1}, {"uv": 10, "cvr": 0.0}, "factor cvr is 0.0 in the current period"),
        ({"uv": 10, "cvr": -0.1}, {"uv": 10, "cvr": 0.1}, "positive"),
        ({"uv": 10, "cvr": float("nan")}, {"uv": 10, "cvr": 0.1}, "positive"),
        ({"uv": 10, "cvr": 0.1}, {"uv": 10}, "cvr missing in one period"),
        ({}, {}, "at least one factor"),
    ],
)
def test_undefined_cases_raise_value_error(v0: dict[str, float], v1: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lmdi(v0, v1)


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def periods(draw: st.DrawFn) -> tuple[dict[str, float], dict[str, float]]:
    n = draw(st.integers(min_value=2, max_value=4))
    names = [f"f{i}" for i in range(n)]
    v0 = {k: draw(positive) for k in names}
    # sometimes a factor is unchanged, sometimes close to its base value
    v1 = {k: draw(st.one_of(positive, st.just(v0[k]), st.just(v0[k] * 1.000001))) for k in names}
    return v0, v1


def exact_value(factors: dict[str, float]) -> Fraction:
    return math.prod((Fraction(x) for x in factors.values()), start=Fraction(1))


@settings(max_examples=300, deadline=None)
@given(periods())
def test_parts_add_up(case: tuple[dict[str, float], dict[str, float]]) -> None:
    v0, v1 = case
    exact = exact_value(v1) - exact_value(v0)
    scale = float(max(exact_value(v0), exact_value(v1)))
    floats = lmdi_float(v0, v1)
    assert math.isclose(math.fsum(floats.values()), float(exact), rel_tol=1e-9, abs_tol=1e-12 * scale)
    parts = lmdi(v0, v1)
    assert list(parts) == list(v0)
    assert sum(parts.values()) == D(round(exact * 100)) / 100  # round() of a Fraction is half-even
    for k in v0:
        assert parts[k] == parts[k].quantize(CENT)
        # the remainder moves at most a few cents (plus float error on huge values)
        assert abs(float(parts[k]) - floats[k]) <= 0.03 + 1e-12 * scale
        if v0[k] == v1[k]:
            assert floats[k] == 0.0
            assert parts[k] == 0


@settings(max_examples=200, deadline=None)
@given(periods())
# V1 = V0 with the factors swapped: the two products differ in the last bit (found by hypothesis in CI)
@example(({"f0": 3.0, "f1": 421639.0462838346, "f2": 1.5625}, {"f0": 1.5625, "f1": 421639.0462838346, "f2": 3.0}))
def test_swapping_periods_negates_every_part(case: tuple[dict[str, float], dict[str, float]]) -> None:
    v0, v1 = case
    forward, backward = lmdi_float(v0, v1), lmdi_float(v1, v0)
    assert backward == {k: -v for k, v in forward.items()}
    assert lmdi(v1, v0) == {k: -v for k, v in lmdi(v0, v1).items()}


# ---------------------------------------------------------------- end to end

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units,province,channel,device"
TRAFFIC = "date,channel,device,uv,pv,cart_users,fav_users,buyers"
BASE, CURRENT = (date(2026, 1, 1), date(2026, 1, 7)), (date(2026, 1, 8), date(2026, 1, 14))

# (order, buyer, paid day, paid amount, channel)
PAID = [
    ("b1", "ann", "2026-01-01", "100.00", "search"),
    ("b2", "bob", "2026-01-02", "50.00", "search"),
    ("b3", "ann", "2026-01-06", "30.00", "search"),
    ("b4", "cat", "2026-01-03", "40.00", "feed"),
    ("c1", "ann", "2026-01-08", "120.00", "search"),
    ("c2", "dan", "2026-01-09", "60.50", "search"),
    ("c3", "eve", "2026-01-14", "20.00", "search"),
    ("c4", "cat", "2026-01-10", "15.25", "feed"),
    ("c5", "cat", "2026-01-11", "10.00", "feed"),
    ("c6", "fay", "2026-01-12", "99.99", "live"),  # no live sales or traffic in the base period
    ("x1", "gus", "2026-01-15", "500.00", "search"),  # after both periods
]
# (day, channel, uv)
VISITS = [
    ("2026-01-01", "search", 100),
    ("2026-01-02", "search", 50),
    ("2026-01-01", "feed", 80),
    ("2026-01-08", "search", 200),
    ("2026-01-09", "feed", 60),
    ("2026-01-13", "feed", 30),
]


def write_csv(path: Path, header: str, rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("files")
    p = Project.init(folder / "p", stores=[{"name": "s", "platform": "tmall"}, {"name": "g", "platform": "tmall"}])
    orders = [(o, b, f"{d} 10:00:00", f"{d} 10:01:00", a, a, "0.00", 1, "上海", c, "mobile") for o, b, d, a, c in PAID]
    traffic = [(d, c, "", uv, uv * 3, 0, 0, 0) for d, c, uv in VISITS]
    for name, kind, header, rows in (("o.csv", "orders", ORDERS, orders), ("t.csv", "traffic", TRAFFIC, traffic)):
        (summary,) = p.import_files([write_csv(folder / name, header, rows)], store="s", source="generic", kind=kind)
        assert summary.quarantined == 0
    # store g: orders but no traffic report
    g_orders = [("g1", "zed", "2026-01-02 10:00:00", "2026-01-02 10:00:00", "8.00", "8.00")]
    g_orders += [("g2", "zed", "2026-01-09 10:00:00", "2026-01-09 10:00:00", "9.50", "9.50")]
    g_file = write_csv(folder / "g.csv", "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount", g_orders)
    p.import_files([g_file], store="g", source="generic", kind="orders")
    yield p
    p.close()


def oracle(channel: str | None) -> dict[str, float]:
    """paid amount, uv and buyers per period from the raw rows, and the LMDI effects by math.log."""
    orders = pd.DataFrame(PAID, columns=["order", "buyer", "day", "amount", "channel"])
    visits = pd.DataFrame(VISITS, columns=["day", "channel", "uv"])
    out: dict[str, float] = {}
    for period, (start, end) in (("0", BASE), ("1", CURRENT)):
        o = orders[orders.day.between(start.isoformat(), end.isoformat())]
        v = visits[visits.day.between(start.isoformat(), end.isoformat())]
        if channel is not None:
            o, v = o[o.channel == channel], v[v.channel == channel]
        out["paid" + period] = float(sum(D(a) for a in o.amount))
        out["uv" + period] = float(v.uv.sum())
        out["buyers" + period] = float(o.buyer.nunique())
    L = (out["paid1"] - out["paid0"]) / (math.log(out["paid1"]) - math.log(out["paid0"]))
    cvr0, cvr1 = out["buyers0"] / out["uv0"], out["buyers1"] / out["uv1"]
    aov0, aov1 = out["paid0"] / out["buyers0"], out["paid1"] / out["buyers1"]
    out["traffic"] = L * math.log(out["uv1"] / out["uv0"])
    out["conversion"] = L * math.log(cvr1 / cvr0)
    out["order_value"] = L * math.log(aov1 / aov0)
    return out


def params(**kw: object) -> DecomposeParams:
    return DecomposeParams(start=CURRENT[0], end=CURRENT[1], base_start=BASE[0], base_end=BASE[1], **kw)  # type: ignore[arg-type]


def rows(result: DecomposeResult) -> dict[str, dict[str, Any]]:
    """The result table as plain dicts by segment."""
    return {str(r["segment"]): {str(k): v for k, v in r.items()} for r in result.table.to_dict("records")}


def check_row(row: dict[str, Any], expected: dict[str, float]) -> None:
    assert row["paid_amount_base"] == cents(expected["paid0"])
    assert row["paid_amount_current"] == cents(expected["paid1"])
    assert (row["uv_base"], row["uv_current"]) == (expected["uv0"], expected["uv1"])
    assert (row["buyers_base"], row["buyers_current"]) == (expected["buyers0"], expected["buyers1"])
    for effect in ("traffic", "conversion", "order_value"):
        value = row[f"{effect}_effect"]
        assert isinstance(value, Decimal)
        assert abs(value - cents(expected[effect])) <= CENT  # at most the one-cent remainder
    parts = row["traffic_effect"] + row["conversion_effect"] + row["order_value_effect"]
    assert parts == row["paid_amount_change"] == row["paid_amount_current"] - row["paid_amount_base"]


def test_by_channel_against_an_oracle(shop: Project) -> None:
    result = decompose(shop, params(by="channel", stores=("s",)))
    assert list(result.table.columns[:8]) == [
        "segment",
        "paid_amount_base",
        "paid_amount_current",
        "paid_amount_change",
        "traffic_effect",
        "conversion_effect",
        "order_value_effect",
        "not_decomposed",
    ]
    table = rows(result)
    assert list(table) == ["feed", "live", "search", "total"]
    for channel in ("feed", "search"):
        check_row(table[channel], oracle(channel))
        assert table[channel]["decomposable"]
        assert table[channel]["not_decomposed"] == D("0.00")
    # search: 180.00 → 200.50; feed: 40.00 → 25.25 (one buyer, two orders)
    assert table["search"]["paid_amount_change"] == D("20.50")
    assert table["feed"]["paid_amount_change"] == D("-14.75")

    live = table["live"]
    assert not live["decomposable"]
    assert live["paid_amount_base"] == D("0.00") and live["paid_amount_current"] == D("99.99")
    assert live["traffic_effect"] is None and live["conversion_effect"] is None and live["order_value_effect"] is None
    assert live["not_decomposed"] == D("99.99")
    assert result.not_decomposable == {"live": "no visitors (uv = 0) in the base period"}

    total = table["total"]
    assert total["paid_amount_base"] == D("220.00") and total["paid_amount_current"] == D("325.74")
    assert total["paid_amount_change"] == D("105.74")
    for effect in ("traffic_effect", "conversion_effect", "order_value_effect"):
        assert total[effect] == table["feed"][effect] + table["search"][effect]  # the sum of the segments
    assert total["not_decomposed"] == D("99.99")
    effects = total["traffic_effect"] + total["conversion_effect"] + total["order_value_effect"]
    assert effects + total["not_decomposed"] == D("105.74")
    assert not total["decomposable"]
    assert result.notes == []
    assert set(result.sql) == {"base", "current"} and all("SELECT" in s for s in result.sql.values())
    assert set(result.timings) == {"query", "decompose"}


def test_whole_shop_decomposes_the_aggregate(shop: Project) -> None:
    result = decompose(shop, params(stores=("s",)))
    table = rows(result)
    assert list(table) == ["total"]
    assert table["total"]["decomposable"]
    check_row(table["total"], oracle(None))
    # the aggregate's effects differ from the sum of the segment effects
    by_channel = rows(decompose(shop, params(by="channel", stores=("s",))))["total"]
    assert table["total"]["traffic_effect"] != by_channel["traffic_effect"]
    assert result.not_decomposable == {}


def test_a_store_without_traffic_is_reported_with_the_metric_notes(shop: Project) -> None:
    result = decompose(shop, params(by="store"))
    table = rows(result)
    assert list(table) == ["g", "s", "total"]
    check_row(table["s"], oracle(None))
    g = table["g"]
    assert pd.isna(g["uv_base"]) and g["traffic_effect"] is None and not g["decomposable"]
    assert (g["paid_amount_base"], g["paid_amount_current"], g["not_decomposed"]) == (D("8.00"), D("9.50"), D("1.50"))
    assert result.not_decomposable == {"g": "uv not available in the base period (see notes)"}
    assert result.notes and any("uv" in n for n in result.notes)
    assert table["total"]["traffic_effect"] == table["s"]["traffic_effect"]
    assert table["total"]["paid_amount_change"] == table["s"]["paid_amount_change"] + D("1.50")
    # without a split, the whole shop's visitors are unknown: nothing to decompose, and the notes say why
    whole = decompose(shop, params())
    assert not rows(whole)["total"]["decomposable"] and whole.notes


def test_a_period_without_data_is_not_decomposable(shop: Project) -> None:
    later = DecomposeParams(
        start=date(2026, 2, 1), end=date(2026, 2, 7), base_start=BASE[0], base_end=BASE[1], stores=("s",)
    )
    row = rows(decompose(shop, later))["total"]
    assert not row["decomposable"] and row["traffic_effect"] is None
    assert row["paid_amount_change"] == D("-220.00") == row["not_decomposed"]
    assert "current period" in row["reason"]


def test_params_are_validated_and_registered() -> None:
    with pytest.raises(QueryError, match="starts after it ends"):
        DecomposeParams(start=date(2026, 1, 8), end=date(2026, 1, 1), base_start=BASE[0], base_end=BASE[1])
    with pytest.raises(QueryError, match="needs dates"):
        DecomposeParams(start="2026-01-01", end=date(2026, 1, 1), base_start=BASE[0], base_end=BASE[1])  # type: ignore[arg-type]
    assert ANALYSES["decompose"] is decompose


def test_stores_of_different_currencies_are_not_added_up(tmp_path: Path) -> None:
    """Issue 12 (1): by store, a CNY and a USD store each decompose on their own; the total row adds no
    money (it used to print yuan + dollars) and a note says why."""
    p = Project.init(
        tmp_path / "p",
        stores=[{"name": "cn", "platform": "tmall"}, {"name": "us", "platform": "other", "currency": "USD"}],
    )
    for store, amounts in (("cn", ("100.00", "300.00")), ("us", ("10.00", "20.00"))):
        orders = [
            (f"{store}{i}", f"b{i}", f"{d} 10:00:00", f"{d} 10:01:00", a, a)
            for i, (d, a) in enumerate(zip(("2026-01-01", "2026-01-08"), amounts, strict=True))
        ]
        traffic = [(d, "", "", 10, 30, 0, 0, 0) for d in ("2026-01-01", "2026-01-08")]
        header = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount"
        p.import_files(
            [write_csv(tmp_path / f"{store}.csv", header, orders)], store=store, source="generic", kind="orders"
        )
        p.import_files(
            [write_csv(tmp_path / f"{store}-t.csv", TRAFFIC, traffic)], store=store, source="generic", kind="traffic"
        )
    with p:
        result = decompose(p, params(by="store"))
    got = rows(result)
    assert got["cn"]["paid_amount_change"] == D("200.00") and got["us"]["paid_amount_change"] == D("10.00")
    total = got["total"]
    assert all(
        total[c] is None for c in ("paid_amount_base", "paid_amount_current", "paid_amount_change", "traffic_effect")
    )
    assert total["decomposable"] is False and "CNY, USD" in total["reason"]
    assert any("different currencies (CNY, USD)" in n and "not added up" in n for n in result.notes)
    with p:  # one currency's stores still add up
        assert rows(decompose(p, params(by="store", stores=("cn",))))["total"]["paid_amount_change"] == D("200.00")
