"""Cross-sell: pairs, triples and sequences by hand, and against pandas on a month of online_retail."""

from __future__ import annotations

import csv
import gzip
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from product_shop import build_shop

from shopops.analyses.basket import BasketParams, basket
from shopops.errors import QueryError
from shopops.project import Project

OCT = {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project]) -> Project:
    p = project_factory("shop")
    return build_shop(p, p.settings.root)


def test_pairs_and_triples_by_hand(shop: Project) -> None:
    # baskets: {A,B} {A,C} {B} {A,B,C} {D}; N = 5; n(A) = 3, n(B) = 3, n(C) = 2
    r = basket(shop, BasketParams(**OCT, min_support=0, min_count=1))
    pairs = r.pairs.set_index(["a", "b"])
    assert pairs["n_ab"].to_dict() == {("A", "C"): 2, ("A", "B"): 2, ("B", "C"): 1}
    assert pairs.loc[("A", "B"), "support"] == pytest.approx(0.4)
    assert pairs.loc[("A", "C"), "confidence_ab"] == pytest.approx(2 / 3)
    assert pairs.loc[("A", "C"), "confidence_ba"] == pytest.approx(1.0)
    assert pairs.loc[("A", "B"), "lift"] == pytest.approx(10 / 9)
    assert pairs.loc[("B", "C"), "lift"] == pytest.approx(5 / 6)
    (t,) = r.triples.to_dict("records")
    assert (t["a"], t["b"], t["c"], t["n_abc"]) == ("A", "B", "C", 1)
    assert t["support"] == pytest.approx(0.2)
    assert (t["confidence_ab_c"], t["confidence_ac_b"], t["confidence_bc_a"]) == pytest.approx((0.5, 0.5, 1.0))
    assert t["lift"] == pytest.approx(25 / 18)
    assert r.baskets.to_dict("records") == [{"store": "uk", "baskets": 5}]


def test_thresholds_prune(shop: Project) -> None:
    r = basket(shop, BasketParams(**OCT, min_support=0.3, min_count=1))  # at least 2 of 5 baskets
    assert r.pairs[["a", "b"]].values.tolist() == [["A", "C"], ["A", "B"]]
    assert r.triples.empty
    assert basket(shop, BasketParams(**OCT, min_support=0, min_count=3)).pairs.empty


def test_sequences_by_hand(shop: Project) -> None:
    # ann: A, B on 10-01, B again 10-05 → A→B; bob: A, C on 10-02, D on 10-20 → A→D, C→D
    r = basket(shop, BasketParams(**OCT, min_support=0, min_count=1, within_days=30))
    seq = r.sequences.set_index(["x", "y"])
    assert seq["buyers_xy"].to_dict() == {("C", "D"): 1, ("A", "B"): 1, ("A", "D"): 1}
    assert seq.loc[("A", "B"), "rate"] == pytest.approx(1 / 3)  # A was bought by ann, bob, cat
    assert seq.loc[("C", "D"), "rate"] == pytest.approx(1 / 2)
    short = basket(shop, BasketParams(**OCT, min_support=0, min_count=1, within_days=10))
    assert short.sequences[["x", "y"]].values.tolist() == [["A", "B"]]  # D came 18 days later


def test_params_are_validated() -> None:
    with pytest.raises(QueryError):
        BasketParams(min_support=1.5)
    with pytest.raises(QueryError):
        BasketParams(within_days=0)


# ---------------------------------------------------------------- online_retail, 1–8 December 2010


@pytest.fixture(scope="module")
def december(
    project_factory: Callable[[str], Project], dataset_file: Callable[[str, str], Path]
) -> tuple[Project, list[list[str]]]:
    path = dataset_file("online_retail", "online_retail.csv.gz")
    p = project_factory("basket_retail")
    rows: list[list[str]] = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for row in reader:
            if row[4] < "2010-12-09":
                rows.append(row)
    subset = p.settings.root / "december.csv"
    with subset.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    p.import_files([subset], store="uk")
    return p, rows


def test_online_retail_pairs_match_pandas(december: tuple[Project, list[list[str]]]) -> None:
    p, rows = december
    frame = pd.DataFrame(rows, columns=["inv", "sku", "desc", "qty", "at", "price", "cust", "country"])
    frame = frame[~frame.inv.str.upper().str.startswith("C") & (frame.qty.astype(int) > 0)]
    baskets = frame.assign(sku=frame.sku.str.strip()).groupby("inv")["sku"].apply(lambda s: sorted(set(s)))
    n = len(baskets)
    items = Counter(itertools.chain.from_iterable(baskets))
    pairs = Counter(itertools.chain.from_iterable(itertools.combinations(b, 2) for b in baskets))
    floor = max(2, -(-n * 0.02 // 1))
    expected = {k: v for k, v in pairs.items() if v >= floor and items[k[0]] >= floor and items[k[1]] >= floor}
    r = basket(p, BasketParams(min_support=0.02, min_count=2, triples=False, within_days=7))
    assert int(r.baskets.baskets.iloc[0]) == n
    got = r.pairs.set_index(["a", "b"])
    assert len(got) == len(expected) > 20
    for (a, b), n_ab in expected.items():
        row = got.loc[(a, b)]
        assert row.n_ab == n_ab
        assert row.support == pytest.approx(n_ab / n)
        assert row.confidence_ab == pytest.approx(n_ab / items[a])
        assert row.confidence_ba == pytest.approx(n_ab / items[b])
        assert row.lift == pytest.approx(n_ab * n / (items[a] * items[b]))


@pytest.mark.slow
def test_online_retail_triples_and_sequences_match_pandas(december: tuple[Project, list[list[str]]]) -> None:
    p, rows = december
    frame = pd.DataFrame(rows, columns=["inv", "sku", "desc", "qty", "at", "price", "cust", "country"])
    frame = frame[~frame.inv.str.upper().str.startswith("C") & (frame.qty.astype(int) > 0)]
    frame = frame.assign(sku=frame.sku.str.strip())
    baskets = frame.groupby("inv")["sku"].apply(lambda s: sorted(set(s)))
    n = len(baskets)
    items = Counter(itertools.chain.from_iterable(baskets))
    floor = max(2, -(-n * 0.02 // 1))
    keep = {k for k, v in items.items() if v >= floor}
    triples = Counter(
        itertools.chain.from_iterable(itertools.combinations([s for s in b if s in keep], 3) for b in baskets)
    )
    expected = {k: v for k, v in triples.items() if v >= floor}
    r = basket(p, BasketParams(min_support=0.02, min_count=2, within_days=7))
    got = r.triples.set_index(["a", "b", "c"])
    assert len(got) == len(expected) > 5
    for (a, b, c), n_abc in expected.items():
        row = got.loc[(a, b, c)]
        assert row.n_abc == n_abc
        assert row.lift == pytest.approx(n_abc * n * n / (items[a] * items[b] * items[c]))
    # sequences: each buyer's first time per SKU, a different SKU in a later order within 7 days
    # an invoice is one order with one time (its lines' times differ by a minute at most)
    buyers = frame[frame.cust != ""].assign(at=pd.to_datetime(frame["at"]))
    buyers = buyers.assign(at=buyers.groupby("inv")["at"].transform("min"))
    first = buyers.groupby(["cust", "sku"])["at"].min().reset_index()
    later = buyers[["cust", "sku", "at"]].drop_duplicates().rename(columns={"sku": "y", "at": "t2"})
    j = first.merge(later, on="cust")
    j = j[(j.sku != j.y) & (j.t2 > j["at"]) & (j.t2 <= j["at"] + pd.Timedelta(days=7))]
    seq = j[["cust", "sku", "y"]].drop_duplicates().groupby(["sku", "y"]).size()
    seq = seq[seq >= 2]
    got_seq = r.sequences.set_index(["x", "y"])["buyers_xy"]
    assert len(got_seq) == len(seq) > 5
    assert got_seq.sort_index().tolist() == seq.sort_index().tolist()
