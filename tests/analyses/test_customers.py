"""Buyers, cohorts and RFM: a hand-computed shop, the UCI Online Retail data against pandas, properties."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.metrics.metric_builders import ORDERS, clear, import_csv, load_rows

from builders import run_cli
from shopops.analyses.buyers import BuyersParams, buyers
from shopops.analyses.cohorts import CohortParams, cohorts
from shopops.analyses.rfm import SEGMENTS, RFMParams, rfm
from shopops.cli.analyze_customers import export_segments
from shopops.errors import NotAvailableError, QueryError
from shopops.project import Project

# ann bought before the range (2025-11) and three times in it; dan twice on one day;
# an unpaid order and an order without a buyer id must be ignored.
SHOP = [
    ("o1", "ann", "2025-11-10 10:00:00", "2025-11-10 10:05:00", "100.00", "search"),
    ("o2", "ann", "2026-01-05 09:00:00", "2026-01-05 09:01:00", "50.00", "ads"),
    ("o3", "ann", "2026-01-20 09:00:00", "2026-01-20 09:01:00", "30.00", "ads"),
    ("o4", "ann", "2026-03-02 09:00:00", "2026-03-02 09:01:00", "20.00", "ads"),
    ("o5", "bob", "2026-01-10 12:00:00", "2026-01-10 12:00:00", "200.00", "ads"),
    ("o6", "bob", "2026-02-15 12:00:00", "2026-02-15 12:00:00", "80.00", "search"),
    ("o7", "cat", "2026-01-15 08:00:00", "2026-01-15 08:00:00", "40.00", "search"),
    ("o8", "dan", "2026-02-01 08:00:00", "2026-02-01 08:00:00", "60.00", "ads"),
    ("o9", "dan", "2026-02-01 20:00:00", "2026-02-01 20:00:00", "10.00", "search"),
    ("o10", "eve", "2026-02-20 23:30:00", "2026-02-20 23:30:00", "500.00", "search"),
    ("o11", "fay", "2026-02-10 08:00:00", "", "0.00", "search"),
    ("o12", "", "2026-02-12 08:00:00", "2026-02-12 08:00:00", "70.00", "search"),
]
JAN, MAR = date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = project_factory("customers")
    rows = [(o, b, c, pd_, amt, amt, "0.00", 1, "", ch, "") for o, b, c, pd_, amt, ch in SHOP]
    import_csv(p, tmp_path_factory.mktemp("csv"), "orders.csv", "uk", "orders", ORDERS, rows)
    return p


# ---------------------------------------------------------------- buyers


def test_new_and_returning_by_month(shop: Project) -> None:
    r = buyers(shop, BuyersParams(JAN, MAR, grain="month", stores=("uk",)))
    got = r.by_period[["buyers", "new_buyers", "returning_buyers"]].astype(int).values.tolist()
    assert got == [[3, 2, 1], [3, 2, 1], [1, 0, 1]]
    assert r.by_period["returning_share"].tolist() == pytest.approx([1 / 3, 1 / 3, 1.0])


def test_repurchase_rates(shop: Project) -> None:
    r = buyers(shop, BuyersParams(JAN, MAR))
    t = r.repurchase.set_index("window_days")
    # 京东商智 N天复购率: [Mar 2, Mar 31] has only ann's single order; the 90 days are Jan 1 – Mar 31
    assert t.loc[30, ["window_buyers", "window_repeat_buyers"]].tolist() == [1, 0]
    assert t.loc[30, "window_start"] == date(2026, 3, 2)
    assert t.loc[90, ["window_buyers", "window_repeat_buyers"]].tolist() == [5, 3]
    assert t.loc[90, "repurchase_rate"] == pytest.approx(0.6)
    assert t.loc[365, ["window_buyers", "window_repeat_buyers"]].tolist() == [5, 3]
    # follow-up: ann after 15 days, dan the same evening; bob after 36 days
    assert t["repurchased_within"].tolist() == [2, 3, 3]
    assert t["period_buyers"].tolist() == [5, 5, 5]
    assert t["repurchase_within_rate"].tolist() == pytest.approx([0.4, 0.6, 0.6])
    assert not t["complete"].any()  # the data ends on Mar 2


def test_purchase_frequency(shop: Project) -> None:
    f = buyers(shop, BuyersParams(JAN, MAR)).frequency
    assert f["purchases"].tolist() == ["1", "2", "3", "4+"]
    assert f["buyers"].tolist() == [2, 2, 1, 0]
    assert f["paid_amount"].tolist() == [Decimal("540.00"), Decimal("350.00"), Decimal("100.00"), Decimal("0.00")]
    assert f["share"].tolist() == pytest.approx([0.4, 0.4, 0.2, 0.0])


def test_params_are_checked() -> None:
    with pytest.raises(QueryError):
        BuyersParams(MAR, JAN)
    with pytest.raises(QueryError):
        BuyersParams(JAN, MAR, windows=(0,))
    with pytest.raises(QueryError):
        CohortParams(end=MAR, by="device")


# ---------------------------------------------------------------- cohorts


def test_cohort_triangle(shop: Project) -> None:
    c = cohorts(shop, CohortParams(end=MAR))
    buyers_t = c.triangle("buyers")
    assert list(buyers_t.index) == [date(2025, 11, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert buyers_t.loc[date(2025, 11, 1)].tolist() == [1, 0, 1, 0, 1]
    assert buyers_t.loc[date(2026, 1, 1)].dropna().tolist() == [2, 1, 0]
    assert buyers_t.loc[date(2026, 2, 1)].dropna().tolist() == [2, 0]
    revenue = c.triangle("revenue")
    assert revenue.loc[date(2025, 11, 1)].tolist() == [Decimal("100.00"), 0, Decimal("80.00"), 0, Decimal("20.00")]
    assert revenue.loc[date(2026, 1, 1)].dropna().tolist() == [Decimal("240.00"), Decimal("80.00"), 0]
    assert revenue.loc[date(2026, 2, 1)].dropna().tolist() == [Decimal("570.00"), 0]
    assert c.triangle("retention").loc[date(2026, 1, 1)].dropna().tolist() == [1.0, 0.5, 0.0]
    assert c.triangle("orders").loc[date(2026, 2, 1)].dropna().tolist() == [3, 0]


def test_cohorts_by_acquisition_channel_from_start(shop: Project) -> None:
    c = cohorts(shop, CohortParams(end=MAR, start=JAN, by="channel"))
    t = c.triangle("buyers")
    assert list(t.index) == [
        (date(2026, 1, 1), "ads"),
        (date(2026, 1, 1), "search"),
        (date(2026, 2, 1), "ads"),
        (date(2026, 2, 1), "search"),
    ]
    assert t.loc[(date(2026, 1, 1), "ads")].dropna().tolist() == [1, 1, 0]  # bob, back in February
    assert t.loc[(date(2026, 1, 1), "search")].dropna().tolist() == [1, 0, 0]


# ---------------------------------------------------------------- RFM


def test_rfm_scores_and_segments(shop: Project, tmp_path: Path) -> None:
    r = rfm(shop, RFMParams(as_of=MAR))
    c = r.customers.set_index("buyer_id")
    assert c["recency"].to_dict() == {"ann": 29, "bob": 44, "cat": 75, "dan": 58, "eve": 39}
    assert c["frequency"].to_dict() == {"ann": 4, "bob": 2, "cat": 1, "dan": 2, "eve": 1}
    assert c.loc["eve", "monetary"] == Decimal("500.00")
    assert c["r_score"].to_dict() == {"ann": 5, "bob": 3, "cat": 1, "dan": 2, "eve": 4}
    assert c["f_score"].to_dict() == {"ann": 5, "bob": 3, "cat": 1, "dan": 3, "eve": 1}  # ties share a score
    assert c["m_score"].to_dict() == {"ann": 3, "bob": 4, "cat": 1, "dan": 2, "eve": 5}
    assert r.thresholds == pytest.approx({"r": 3.0, "f": 2.6, "m": 3.0})
    assert c["segment"].to_dict() == {"ann": "HHL", "bob": "LHH", "cat": "LLL", "dan": "LHL", "eve": "HLH"}
    assert c.loc["eve", "segment_zh"] == "重要发展客户"
    assert r.total_revenue == Decimal("1090.00") == sum(r.segments["revenue"], Decimal(0))
    assert r.segments["buyers"].sum() == r.total_buyers == 5
    assert r.segments["revenue_share"].sum() == pytest.approx(1.0)
    files = export_segments(r, tmp_path / "csv")
    assert sorted(f.name for f in files) == [
        "rfm_HHL_loyal_low_spenders.csv",
        "rfm_HLH_big_spenders_to_grow.csv",
        "rfm_LHH_loyal_slipping_away.csv",
        "rfm_LHL_need_attention.csv",
        "rfm_LLL_lost.csv",
    ]
    with (tmp_path / "csv" / "rfm_HLH_big_spenders_to_grow.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["buyer_id"], x["monetary"], x["segment_zh"]) for x in rows] == [("eve", "500.00", "重要发展客户")]
    (book,) = export_segments(r, tmp_path / "xlsx", fmt="xlsx")
    assert pd.read_excel(book, sheet_name=None).keys() >= {"segments", "HLH 重要发展客户"}


def test_rfm_as_of_earlier_date_and_start(shop: Project) -> None:
    r = rfm(shop, RFMParams(as_of=date(2026, 1, 31), start=JAN))
    c = r.customers.set_index("buyer_id")
    assert c["frequency"].to_dict() == {"ann": 2, "bob": 1, "cat": 1}
    assert c["recency"].to_dict() == {"ann": 11, "bob": 21, "cat": 16}


def test_rfm_money_is_exact_to_the_cent_per_buyer_and_segment(scratch: Project) -> None:
    # the scores rank integer cents and the segment sums add cents: odd cents and large amounts must stay exact
    wh = scratch.warehouse
    clear(wh, "orders")
    amounts = {"a": ["0.01", "0.10"], "b": ["12345678.99", "0.01"], "c": ["0.03"], "d": ["99999999.99"], "e": ["0.12"]}
    rows = [
        {
            "order_id": f"{b}{i}",
            "buyer_id": b,
            "created_at": datetime(2026, 1, 1 + i),
            "paid_at": datetime(2026, 1, 1 + i),
            "paid_amount": Decimal(a),
        }
        for b, values in amounts.items()
        for i, a in enumerate(values)
    ]
    load_rows(wh, "orders", "uk", rows, ["order_id", "buyer_id", "created_at", "paid_at", "paid_amount"])
    r = rfm(scratch, RFMParams(as_of=date(2026, 1, 31), stores=("uk",)))
    c = r.customers.set_index("buyer_id")
    expected = {b: sum((Decimal(a) for a in values), Decimal("0.00")) for b, values in amounts.items()}
    assert c["monetary"].to_dict() == expected
    assert all(isinstance(v, Decimal) and v.as_tuple().exponent == -2 for v in c["monetary"])
    assert str(c.loc["b", "monetary"]) == "12345679.00"
    assert c["m_score"].to_dict() == {"a": 2, "b": 4, "c": 1, "d": 5, "e": 3}
    assert all(isinstance(v, date) for v in c["last_purchase"])
    assert str(r.total_revenue) == "112345679.25"
    for row in r.segments.itertuples():
        members = r.customers[r.customers["segment"] == row.segment]
        assert row.revenue == sum(members["monetary"], Decimal("0.00"))
        assert row.revenue.as_tuple().exponent == -2
        assert row.buyers == len(members)
    assert list(c["rfm"]) == [f"{x.r_score}{x.f_score}{x.m_score}" for x in c.itertuples()]


def test_missing_buyer_ids_refuse(project: Project, tmp_path: Path) -> None:
    header = "order_id,created_at,paid_at,total_amount,paid_amount"
    import_csv(project, tmp_path, "o.csv", "tmall", "orders", header, [("t1", "2026-01-01", "2026-01-01", 5, 5)])
    for run in (
        lambda: buyers(project, BuyersParams(JAN, MAR)),
        lambda: cohorts(project, CohortParams(end=MAR)),
        lambda: rfm(project, RFMParams()),
    ):
        with pytest.raises(NotAvailableError, match="buyer id") as err:
            run()
        assert err.value.hint


# ---------------------------------------------------------------- property: segments add up


@pytest.fixture
def scratch(fresh_project: Callable[[], object]) -> Iterator[Project]:
    with fresh_project() as p:  # type: ignore[attr-defined]
        yield p


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 120), st.integers(0, 50_000)),
        min_size=1,
        max_size=25,
    )
)
def test_segments_cohorts_and_frequency_add_up(scratch: Project, orders: list[tuple[int, int, int]]) -> None:
    wh = scratch.warehouse
    clear(wh, "orders")
    rows = [
        {
            "order_id": f"o{i}",
            "buyer_id": f"b{b}",
            "created_at": datetime(2026, 1, 1) + pd.Timedelta(days=d),
            "paid_at": datetime(2026, 1, 1) + pd.Timedelta(days=d),
            "paid_amount": Decimal(cents) / 100,
        }
        for i, (b, d, cents) in enumerate(orders)
    ]
    load_rows(wh, "orders", "uk", rows, ["order_id", "buyer_id", "created_at", "paid_at", "paid_amount"])
    r = rfm(scratch, RFMParams(stores=("uk",)))
    assert r.total_buyers == len({b for b, _, _ in orders}) == r.segments["buyers"].sum()
    total = sum((Decimal(c) / 100 for _, _, c in orders), Decimal("0.00"))
    assert r.total_revenue == total == sum(r.segments["revenue"], Decimal(0))
    assert list(r.segments["segment"]) == [s.code for s in SEGMENTS]
    for s in "rfm":
        assert r.customers[f"{s}_score"].between(1, 5).all()
    # equal values share a score; a larger value never scores lower
    for value, score in (("frequency", "f_score"), ("monetary", "m_score")):
        ordered = r.customers.sort_values(value)
        assert ordered.groupby(value)[score].nunique().max() == 1
        assert ordered[score].is_monotonic_increasing
    # cohorts and the frequency table account for every buyer and every cent too
    end = date(2026, 5, 31)
    c = cohorts(scratch, CohortParams(end=end)).long
    assert c.loc[c["month"] == 0, "buyers"].sum() == r.total_buyers
    assert sum(c["revenue"], Decimal(0)) == total
    f = buyers(scratch, BuyersParams(date(2026, 1, 1), end, grain="total", windows=(365,))).frequency
    assert f["buyers"].sum() == r.total_buyers
    assert sum(f["paid_amount"], Decimal(0)) == total


# ---------------------------------------------------------------- UCI Online Retail against pandas


@pytest.fixture(scope="module")
def retail(project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]) -> Project:
    p = project_factory("customers_retail")
    p.import_files([dataset_file("online_retail", "online_retail.csv.gz")], store="uk")
    return p


@pytest.fixture(scope="module")
def retail_orders(dataset_file: Callable[[str, str], Path]) -> pd.DataFrame:
    """Orders as the oracle sees them: non-C invoices with a customer, line amounts rounded to the cent."""
    r = pd.read_csv(
        dataset_file("online_retail", "online_retail.csv.gz"),
        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": "Int64"},
        parse_dates=["InvoiceDate"],
    )
    r = r[~r.InvoiceNo.str.upper().str.startswith("C") & r.CustomerID.notna()]
    cent = Decimal("0.01")
    r = r.assign(
        Amount=[
            (Decimal(int(q)) * Decimal(str(u))).quantize(cent, ROUND_HALF_UP)
            for q, u in zip(r.Quantity, r.UnitPrice, strict=True)
        ]
    )
    orders = r.groupby("InvoiceNo").agg(
        customer=("CustomerID", "first"), at=("InvoiceDate", "min"), amount=("Amount", "sum")
    )
    orders["customer"] = orders["customer"].astype(str)
    orders["month"] = orders["at"].dt.to_period("M")
    return orders


@pytest.mark.slow
def test_online_retail_buyers_and_revenue(retail: Project, retail_orders: pd.DataFrame) -> None:
    r = rfm(retail, RFMParams(stores=("uk",)))
    assert r.as_of == date(2011, 12, 9)
    assert r.total_buyers == retail_orders["customer"].nunique() == 4_339
    assert r.total_revenue == sum(retail_orders["amount"], Decimal(0)) == Decimal("8911407.90")  # SOURCE.md
    assert r.segments["buyers"].sum() == r.total_buyers
    assert sum(r.segments["revenue"], Decimal(0)) == r.total_revenue
    freq = retail_orders.groupby("customer").size()
    got = r.customers.set_index("buyer_id")["frequency"]
    assert got.sort_index().tolist() == freq.sort_index().tolist()
    b = buyers(retail, BuyersParams(date(2010, 12, 1), date(2011, 12, 9), grain="month"))
    monthly = retail_orders.groupby("month")["customer"].nunique()
    assert b.by_period["buyers"].astype(int).tolist() == monthly.tolist()
    counts = freq.clip(upper=4)
    assert b.frequency["buyers"].tolist() == [int((counts == k).sum()) for k in (1, 2, 3, 4)]


@pytest.mark.slow
def test_online_retail_monthly_cohort_triangle(retail: Project, retail_orders: pd.DataFrame) -> None:
    c = cohorts(retail, CohortParams(end=date(2011, 12, 9), stores=("uk",)))
    o = retail_orders.copy()
    o["cohort"] = o.groupby("customer")["month"].transform("min")
    o["k"] = (o["month"] - o["cohort"]).apply(lambda x: x.n)
    expected = o.groupby(["cohort", "k"]).agg(buyers=("customer", "nunique"), revenue=("amount", "sum"))
    got = c.long[c.long["buyers"] > 0].copy()
    got["cohort"] = pd.PeriodIndex([pd.Period(d, "M") for d in got["cohort"]])
    got = got.set_index(["cohort", "month"])
    assert got["buyers"].tolist() == expected["buyers"].tolist()
    assert got["revenue"].tolist() == expected["revenue"].tolist()
    assert list(got.index.get_level_values(1)) == list(expected.index.get_level_values(1))
    triangle = c.triangle("buyers")
    assert triangle.shape == (13, 13)
    assert triangle.iloc[0, 0] == expected.loc[(pd.Period("2010-12", "M"), 0), "buyers"]


# ---------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    rows = [(o, b, c, pd_, amt, amt, "0.00", 1, "", ch, "") for o, b, c, pd_, amt, ch in SHOP]
    with Project.init(root / "p", stores=[{"name": "uk", "currency": "GBP", "timezone": "Europe/London"}]) as p:
        import_csv(p, root, "orders.csv", "uk", "orders", ORDERS, rows)
    return root / "p"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*args: str, cwd: Path) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, *args, cwd=cwd)

    return run


def test_cli_buyers_json_and_table(cli: Callable[..., tuple[int, str, str]], folder: Path) -> None:
    code, out, err = cli(
        "analyze", "buyers", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json", cwd=folder
    )
    assert code == 0, err
    data = json.loads(out)
    assert [r["buyers"] for r in data["by_period"]] == [3, 3, 1]
    assert [r["buyers"] for r in data["frequency"]] == [2, 2, 1, 0]
    assert data["repurchase"][1]["repurchase_rate"] == pytest.approx(0.6)
    code, out, err = cli("analyze", "buyers", "--from", "2026-01-01", "--to", "2026-03-31", cwd=folder)
    assert code == 0, err
    assert "repurchase" in out and "4+" in out


def test_cli_cohorts_csv(cli: Callable[..., tuple[int, str, str]], folder: Path) -> None:
    code, out, err = cli("analyze", "cohorts", "--to", "2026-03-31", "--value", "buyers", "--format", "csv", cwd=folder)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "cohort,m0,m1,m2,m3,m4"
    assert lines[1] == "2025-11-01,1.0,0.0,1.0,0.0,1.0"
    code, out, err = cli(
        "analyze", "cohorts", "--to", "2026-03-31", "--by", "channel", "--long", "--format", "csv", cwd=folder
    )
    assert code == 0, err
    assert out.splitlines()[0].startswith("cohort,channel,month,cohort_buyers,buyers,retention")


def test_cli_rfm_export(cli: Callable[..., tuple[int, str, str]], folder: Path, tmp_path: Path) -> None:
    code, out, err = cli("analyze", "rfm", "--as-of", "2026-03-31", "--export", str(tmp_path / "seg"), cwd=folder)
    assert code == 0, err
    assert "重要价值客户" in out and "wrote" in out
    assert len(list((tmp_path / "seg").glob("rfm_*.csv"))) == 5
    code, out, err = cli("analyze", "rfm", "--as-of", "2026-03-31", "--customers", "--format", "json", cwd=folder)
    assert code == 0, err
    assert {r["buyer_id"]: r["segment"] for r in json.loads(out)}["eve"] == "HLH"
    code, out, err = cli("analyze", "rfm", "--format", "xml", cwd=folder)
    assert code != 0
