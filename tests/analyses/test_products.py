"""Products: Pareto, ABC, roles and margin on a hand-computed shop; ABC shares always add up to 100 %."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from product_shop import build_shop, import_csv

from shopops.analyses.products import ProductsParams, RoleRules, abc_classes, pareto_curve, products, top_share
from shopops.errors import QueryError
from shopops.project import Project

D = Decimal
OCT = ProductsParams(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project]) -> Project:
    p = project_factory("shop")
    return build_shop(p, p.settings.root)


def test_margin_parts_by_hand(shop: Project) -> None:
    r = products(shop, OCT)
    got = r.products.set_index("sku")
    # sales A 60, B 150, C 200, D 200 (610); o1's refund 7 spread 20:50 over A and B;
    # ads 61 by share of sales: 6, 15, 20, 20; discount = units × list price − sales
    assert got.loc[["A", "B", "C", "D"], "sales"].tolist() == [D(60), D(150), D(200), D(200)]
    assert got.loc[["A", "B", "C", "D"], "units"].tolist() == [6, 3, 2, 1]
    assert got.loc[["A", "B", "C", "D"], "refund"].tolist() == [D(2), D(5), D(0), D(0)]
    assert got.loc[["A", "B", "C", "D"], "discount"].tolist() == [D(12), D(0), D(0), D(50)]
    assert got.loc[["A", "B", "C", "D"], "cogs"].tolist() == [D(48), D(90), D(140), D(100)]
    assert got.loc[["A", "B", "C", "D"], "ad_spend"].tolist() == [D(6), D(15), D(20), D(20)]
    assert got.loc[["A", "B", "C", "D"], "margin"].tolist() == [D(4), D(40), D(40), D(80)]
    assert got.loc["A", "margin_rate"] == pytest.approx(4 / 58)
    assert sum(got["ad_spend"]) == D(61)
    assert r.notes == []


def test_roles_by_rule_and_from_the_product_file(shop: Project) -> None:
    got = products(shop, OCT).products.set_index("sku")
    # A: most units, thinnest margin → traffic; B: margin rank 0.75, sales rank 0.5 → profit;
    # D: dearest, fewest units → image; C: the product file says custom
    assert got["role"].to_dict() == {"A": "traffic", "B": "profit", "C": "custom", "D": "image"}
    assert got.loc["A", "role_zh"] == "引流款"
    strict = ProductsParams(OCT.start, OCT.end, rules=RoleRules(profit_sales=0.9))
    assert products(shop, strict).products.set_index("sku").loc["B", "role"] == "other"


def test_pareto_and_abc_by_hand(shop: Project) -> None:
    r = products(shop, OCT)
    # ranked C 200, D 200 (tie: by SKU), B 150, A 60; share before A = 550/610 ≥ 0.80 → B
    assert r.products["sku"].tolist() == ["C", "D", "B", "A"]
    assert r.products["abc"].tolist() == ["A", "A", "A", "B"]
    assert r.customers["buyer_id"].tolist() == ["bob", "cat", "ann"]  # 310, 180, 120
    assert r.customers["abc"].tolist() == ["A", "A", "B"]
    pareto = r.pareto.set_index("entity")
    assert pareto.loc["product", "top_count"] == 1
    assert pareto.loc["product", "top_sales_share"] == pytest.approx(200 / 610)
    assert pareto.loc["customer", "top_sales_share"] == pytest.approx(310 / 610)
    abc = r.abc.set_index(["entity", "abc"])["sales_share"]
    assert abc["customer", "A"] == pytest.approx(490 / 610)
    assert r.curve[r.curve.entity == "product"]["sales_share"].iloc[-1] == pytest.approx(1.0)


def test_missing_costs_and_buyers_are_said(project: Project, tmp_path: Path) -> None:
    import_csv(project, tmp_path, "o.csv", "tmall", "orders", "order_id,created_at,paid_at,total_amount",
               [("t1", "2026-10-01 10:00:00", "2026-10-01 10:00:00", 30)])  # fmt: skip
    import_csv(project, tmp_path, "i.csv", "tmall", "items", "order_id,sku,quantity,unit_price", [("t1", "X", 3, 10)])
    r = products(project, ProductsParams(stores=("tmall",)))
    assert r.products["margin"].isna().all()
    assert any("products.unit_cost" in n for n in r.notes)
    assert any("orders.buyer_id" in n for n in r.notes)
    assert r.customers.empty
    assert r.abc.set_index(["entity", "abc"]).loc[("product", "A"), "sales_share"] == 1.0


def test_params_are_validated() -> None:
    with pytest.raises(QueryError):
        ProductsParams(a=0.9, b=0.8)
    with pytest.raises(QueryError):
        ProductsParams(date(2026, 2, 1), date(2026, 1, 1))


def test_pure_helpers() -> None:
    s = pd.Series([50.0, 30.0, 15.0, 5.0], index=list("wxyz"))
    assert abc_classes(s)["abc"].tolist() == ["A", "A", "B", "C"]
    assert top_share(s, 0.25) == (1, 0.5)
    assert pareto_curve(s, 4)["sales_share"].tolist() == [0.5, 0.8, 0.95, 1.0]


def _plain_ranking(sales: pd.Series, a: float, b: float) -> tuple[list[str], list[str], list[float], float, float]:
    """The ranking written plainly (a sort on (-sales, key as text), running sums left to right): an
    oracle for the vectorised abc_classes, top_share and pareto_curve."""
    values = {k: max(float(v), 0.0) for k, v in sales.items()}
    order = sorted(values, key=lambda k: (-values[k], str(k)))
    ordered = [values[k] for k in order]
    total = sum(ordered)  # largest first, as the running sums
    classes, running = [], 0.0
    for k in order:
        before = running / total if total else 0.0
        classes.append("A" if before < a and values[k] > 0 else "B" if before < b and values[k] > 0 else "C")
        running += values[k]
    n = -(-len(ordered) // 5)  # the top 20 %, rounded up
    top = sum(ordered[:n]) / total if total else 0.0
    curve = [sum(ordered[: -(-len(ordered) * k // 10)]) / total if total else 0.0 for k in range(1, 11)]
    return order, classes, curve, top, total


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "B", "k1", "k10", "k2", "ä", "x\x1fy", "9", "10"]), st.integers(0, 9)),
        min_size=1,
        max_size=50,
        unique=True,
    ),
    st.data(),
)
def test_ranking_matches_a_plain_reference(keys: list[tuple[str, int]], data: st.DataObject) -> None:
    """Ties in sales are broken by the key as text; shares are the plain running sums, to the bit (the
    amounts are exact in binary, so no sum depends on the order of its terms)."""
    values = data.draw(
        st.lists(st.sampled_from([0.0, 5.0, 10.0, 3.5, -2.0, 99.75]), min_size=len(keys), max_size=len(keys))
    )
    sales = pd.Series(values, index=[f"{k}{i}" for k, i in keys], dtype=float)
    order, classes, curve, top, total = _plain_ranking(sales, 0.8, 0.95)
    out = abc_classes(sales)
    assert out.index.tolist() == order and out["abc"].tolist() == classes
    assert top_share(sales, 0.2) == (-(-len(keys) // 5), top)
    assert pareto_curve(sales, 10)["sales_share"].tolist() == curve
    assert out["cum_share"].iloc[-1] == (pytest.approx(1.0) if total else 0.0)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60),
    st.floats(min_value=0.05, max_value=0.9),
    st.floats(min_value=0.05, max_value=0.95),
)
def test_abc_shares_sum_to_one(values: list[int], a: float, gap: float) -> None:
    b = min(a + gap, 1.0)
    s = pd.Series(values, index=[f"k{i}" for i in range(len(values))], dtype=float)
    out = abc_classes(s, a, b)
    total = sum(values)
    shares = {c: s[out.index[out.abc == c]].sum() / total if total else 0.0 for c in "ABC"}
    if total:
        assert sum(shares.values()) == pytest.approx(1.0)
        assert out["cum_share"].iloc[-1] == pytest.approx(1.0)
        # A is the fewest top entities that reach a: without its last member A is below a
        a_sales = s[out.index[out.abc == "A"]].sum()
        assert a_sales / total >= min(a, 1.0) - 1e-9 or (out.abc == "A").sum() == (s > 0).sum()
    assert out["rank"].tolist() == list(range(1, len(values) + 1))
    assert set(out.abc) <= {"A", "B", "C"}
