"""Adtributor root cause: hand-computed figures, properties, planted anomalies in the sample shop, the CLI."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from shopops.analyses import ANALYSES, RootCauseParams, RootCauseResult, rootcause
from shopops.analyses.rootcause import adtributor, explain, metric_parts, surprise
from shopops.errors import QueryError
from shopops.metrics import load_catalogue
from shopops.project import Project
from shopops.sample import Anomaly, SampleSpec, generate

D = Decimal
BASE, CURRENT = (date(2026, 1, 1), date(2026, 1, 7)), (date(2026, 1, 8), date(2026, 1, 14))


def frame(index: Sequence[str], **columns: Sequence[float]) -> pd.DataFrame:
    return pd.DataFrame({k: [float(x) for x in v] for k, v in columns.items()}, index=list(index))


# ---------------------------------------------------------------- the pure layer, by hand
#
# paid amount: search 150 → 50, feed 50 → 50 (total 200 → 100, change −100)
#   EP: search −100/−100 = 1, feed 0/−100 = 0
#   shares p = (.75, .25), q = (.5, .5), m = (.625, .375)
#   S_search = ½(.75·log2(.75/.625) + .5·log2(.5/.625)) = ½(.197276 − .160964) = .018156
#   S_feed   = ½(.25·log2(.25/.375) + .5·log2(.5/.375)) = ½(−.146241 + .207519) = .030639
#   Algorithm 1: feed first (more surprise) but EP 0 < .1; search EP 1 ≥ .67 → {search}, surprise .018156
# device: mobile 130 → 60, pc 70 → 40: EP .7 and .3
#   p = (.65, .35), q = (.6, .4): S_mobile = .000722, S_pc = .001203 → {pc, mobile}, surprise .001925
CHANNEL = frame(["search", "feed"], base=[150, 50], current=[50, 50])
DEVICE = frame(["mobile", "pc"], base=[130, 70], current=[60, 40])

# cvr = buyers / uv: search 4/100 → 1/50, feed 2/100 → 3/150; whole 6/200 = .03 → 4/200 = .02, Δf = −.01
#   EP_search = ((−3)·200 − (−50)·6) / (200·(200 − 50)) / −.01 = (−300 / 30000) / −.01 = 1
#   EP_feed   = (1·200 − 50·6) / (200·(200 + 50)) / −.01 = (−100 / 50000) / −.01 = .2   (sum 1.2, not 1)
#   exact identity: Σ EP·(F_b + Δb)/A_b = 1·150/200 + .2·250/200 = .75 + .25 = 1
#   contribution = (Δa − .03·Δb)/200: search (−3 + 1.5)/200 = −.0075, feed (1 − 1.5)/200 = −.0025 (sum −.01)
#   surprise, buyers p = (2/3, 1/3), q = (.25, .75): .070881 and .059317; uv p = (.5, .5), q = (.25, .75):
#   .030639 and .018156 → S_search = .101520, S_feed = .077473
CVR_CHANNEL = frame(["search", "feed"], num_base=[4, 2], num_current=[1, 3], den_base=[100, 100], den_current=[50, 150])
# cvr by device: mobile 3/120 → 3/120, pc 3/80 → 2/80; uv unchanged, so EP = buyers' change: pc 1, mobile 0
#   buyers p = (.5, .5), q = (.6, .4): S_mobile = .003283, S_pc = .004016; uv: 0
CVR_DEVICE = frame(["mobile", "pc"], num_base=[3, 3], num_current=[3, 2], den_base=[120, 80], den_current=[120, 80])


def test_additive_metric_by_hand() -> None:
    f = explain(CHANNEL)
    assert f.loc["search", "explanatory_power"] == 1 and f.loc["feed", "explanatory_power"] == 0
    assert f.loc["search", "surprise"] == pytest.approx(0.018156, abs=1e-6)
    assert f.loc["feed", "surprise"] == pytest.approx(0.030639, abs=1e-6)
    assert f.loc["search", "change_pct"] == pytest.approx(-2 / 3)
    assert list(f.share_base) == [0.75, 0.25] and list(f.share_current) == [0.5, 0.5]
    assert list(f.contribution) == [-100, 0] and list(f.share_of_change) == list(f.explanatory_power)

    table, dims = adtributor({"device": DEVICE, "channel": CHANNEL})
    assert dims.to_dict("list") == {
        "rank": [1, 2],
        "dimension": ["channel", "device"],
        "explains": [True, True],
        "surprise": pytest.approx([0.018156, 0.001925], abs=1e-6),
        "explanatory_power": [1.0, 1.0],
        "segments": ["search", "pc, mobile"],
        "elements": [2, 2],
    }
    assert table[["rank", "dimension", "segment", "root_cause"]].values.tolist() == [
        [1, "channel", "search", True],
        [1, "channel", "feed", False],
        [2, "device", "mobile", True],  # root causes by explanatory power: .7 before .3
        [2, "device", "pc", True],
    ]


def test_ratio_metric_by_hand() -> None:
    f = explain(CVR_CHANNEL)
    assert list(f.base) == pytest.approx([0.04, 0.02]) and list(f.current) == pytest.approx([0.02, 0.02])
    assert list(f.explanatory_power) == pytest.approx([1.0, 0.2])
    assert list(f.contribution) == pytest.approx([-0.0075, -0.0025])
    assert list(f.share_of_change) == pytest.approx([0.75, 0.25])
    assert list(f.surprise) == pytest.approx([0.101520, 0.077473], abs=1e-6)
    assert list(f.share_base) == [0.5, 0.5] and list(f.share_current) == [0.25, 0.75]  # weights: uv shares
    g = explain(CVR_DEVICE)
    assert list(g.explanatory_power) == pytest.approx([0.0, 1.0])
    assert list(g.surprise) == pytest.approx([0.003283, 0.004016], abs=1e-6)
    _, dims = adtributor({"channel": CVR_CHANNEL, "device": CVR_DEVICE})
    assert dims[["dimension", "segments"]].values.tolist() == [["channel", "search"], ["device", "pc"]]
    assert list(dims.surprise) == pytest.approx([0.101520, 0.004016], abs=1e-6)


def test_a_dimension_that_does_not_explain_ranks_last() -> None:
    # each segment explains a third of the change: none reaches T_EEP = .4, so nothing is kept
    spread = frame(["a", "b", "c"], base=[10, 10, 10], current=[7, 7, 7])
    _, dims = adtributor({"spread": spread, "channel": CHANNEL}, t_eep=0.4)
    assert dims[["dimension", "explains", "segments"]].values.tolist() == [
        ["channel", True, "search"],
        ["spread", False, ""],
    ]
    # no change at all: EP is undefined (NaN), nothing is selected, surprise is 0
    flat = explain(frame(["a", "b"], base=[5, 5], current=[5, 5]))
    assert flat.explanatory_power.isna().all() and (flat.surprise == 0).all()


# ---------------------------------------------------------------- properties

amount = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def additive(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=8))
    base = draw(st.lists(amount, min_size=n, max_size=n))
    current = draw(st.lists(amount, min_size=n, max_size=n))
    return frame([f"s{i}" for i in range(n)], base=base, current=current)


@st.composite
def ratio(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=8))
    den = st.floats(min_value=1, max_value=1e5, allow_nan=False)
    cols = {
        "num_base": draw(st.lists(amount, min_size=n, max_size=n)),
        "num_current": draw(st.lists(amount, min_size=n, max_size=n)),
        "den_base": draw(st.lists(den, min_size=n, max_size=n)),
        "den_current": draw(st.lists(den, min_size=n, max_size=n)),
    }
    if draw(st.booleans()):
        cols["den_current"] = cols["den_base"]  # the denominator does not move
    return frame([f"s{i}" for i in range(n)], **cols)


def total_change(parts: pd.DataFrame) -> float:
    if "base" in parts:
        return float(parts.current.sum() - parts.base.sum())
    return float(parts.num_current.sum() / parts.den_current.sum() - parts.num_base.sum() / parts.den_base.sum())


@settings(max_examples=300, deadline=None)
@given(additive())
def test_additive_eps_sum_to_one_and_surprise_is_bounded(parts: pd.DataFrame) -> None:
    f = explain(parts)
    assert (f.surprise >= 0).all() and f.surprise.sum() <= 1 + 1e-12  # JS divergence (base 2) ≤ 1
    assert math.isclose(f.contribution.sum(), total_change(parts), rel_tol=1e-9, abs_tol=1e-6)
    scale = float(parts.values.sum())
    if abs(total_change(parts)) > 1e-6 * scale:
        assert math.isclose(f.explanatory_power.sum(), 1, rel_tol=1e-6)
        assert (f.explanatory_power == f.share_of_change).all()
    swapped = explain(parts.rename(columns={"base": "current", "current": "base"}))
    assert np.allclose(swapped.surprise, f.surprise)  # JS divergence is symmetric


@settings(max_examples=300, deadline=None)
@given(ratio())
@example(  # an unchanged ratio of ~2e4: float noise of ~4e-12 in both sums (found by hypothesis)
    pd.DataFrame(
        {"num_base": [20888.0], "num_current": [20888.0], "den_base": [1.0], "den_current": [1.0]}, index=["s0"]
    )
)
def test_ratio_eps_satisfy_the_exact_identity(parts: pd.DataFrame) -> None:
    f = explain(parts)
    assert (f.surprise >= 0).all() and f.surprise.sum() <= 2 + 1e-12  # numerator + denominator
    delta = total_change(parts)
    # always explained, to float precision at the ratios' magnitude (ratios of ~2e4 carry noise of ~4e-12)
    magnitude = max(
        1.0, abs(parts.num_base.sum() / parts.den_base.sum()), abs(parts.num_current.sum() / parts.den_current.sum())
    )
    assert math.isclose(f.contribution.sum(), delta, rel_tol=1e-9, abs_tol=1e-12 * magnitude)
    if abs(delta) < 1e-9 * max(1.0, abs(parts.num_base.sum() / parts.den_base.sum())):
        return  # no change: EP is undefined
    assert math.isclose(f.share_of_change.sum(), 1, rel_tol=1e-6)
    # the paper's EP is one-element-at-a-time: Σ EP·(F_b + Δb)/A_b = 1 exactly, and Σ EP = 1 when no
    # denominator moves (then the ratio is linear in the numerator)
    weights = (parts.den_base.sum() + parts.den_current - parts.den_base) / parts.den_current.sum()
    assert math.isclose((f.explanatory_power * weights).sum(), 1, rel_tol=1e-6)
    if (parts.den_current == parts.den_base).all():
        assert math.isclose(f.explanatory_power.sum(), 1, rel_tol=1e-6)


def test_surprise_is_zero_for_unchanged_shares() -> None:
    assert list(surprise(np.array([1.0, 3.0]), np.array([2.0, 6.0]))) == [0.0, 0.0]
    assert list(surprise(np.array([0.0, 0.0]), np.array([1.0, 1.0]))) == [0.25, 0.25]  # nothing in the base


def test_metric_parts_come_from_the_catalogue() -> None:
    cat = load_catalogue()
    assert metric_parts(cat, "paid_amount") == ("paid_amount",)
    assert metric_parts(cat, "net_sales") == ("net_sales",)  # a difference of sums is additive
    assert metric_parts(cat, "cvr") == ("buyers", "uv")
    assert metric_parts(cat, "aov") == ("paid_amount", "buyers")
    assert metric_parts(cat, "avg_order_value") == ("paid_amount", "paid_orders")
    assert metric_parts(cat, "refund_rate") == ("refund_amount", "paid_amount")
    assert metric_parts(cat, "roas") == ("ad_amount", "ad_spend")
    assert metric_parts(cat, "cvr", "traffic") == ("traffic_buyers", "uv")
    assert metric_parts(cat, "paid_amount", "traffic") == ("traffic_paid_amount",)
    with pytest.raises(QueryError, match="traffic report"):
        metric_parts(cat, "refund_rate", "traffic")
    with pytest.raises(QueryError, match="unknown metric"):
        metric_parts(cat, "nope")


# ---------------------------------------------------------------- end to end on a tiny shop

ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units,province,channel,device"
TRAFFIC = "date,channel,device,uv,pv,cart_users,fav_users,buyers"
# (order, buyer, day, paid, channel, device): the paid amounts and buyers of CHANNEL, DEVICE and CVR_CHANNEL
PAID = [
    ("b1", "ann", "01", "60.00", "search", "mobile"),
    ("b2", "bob", "02", "40.00", "search", "mobile"),
    ("b3", "cat", "03", "30.00", "search", "pc"),
    ("b4", "dan", "04", "20.00", "search", "pc"),
    ("b5", "eve", "05", "30.00", "feed", "mobile"),
    ("b6", "fay", "06", "20.00", "feed", "pc"),
    ("c1", "ann", "08", "30.00", "search", "mobile"),
    ("c2", "ann", "09", "20.00", "search", "pc"),  # ann buys on both devices: 5 buyers by device, 4 in all
    ("c3", "gus", "10", "10.00", "feed", "mobile"),
    ("c4", "hal", "11", "20.00", "feed", "mobile"),
    ("c5", "ivy", "12", "20.00", "feed", "pc"),
]
# (day, channel, device, uv): search 100 → 50, feed 100 → 150; mobile 120 → 120, pc 80 → 80
VISITS = [
    ("01", "search", "mobile", 60),
    ("01", "search", "pc", 40),
    ("01", "feed", "mobile", 60),
    ("01", "feed", "pc", 40),
    ("08", "search", "mobile", 30),
    ("08", "search", "pc", 20),
    ("08", "feed", "mobile", 90),
    ("08", "feed", "pc", 60),
]


def write_csv(path: Path, header: str, rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    return path


def build_shop(p: Project, folder: Path) -> Project:
    day = "2026-01-{} 10:00:00".format
    orders = [(o, b, day(d), day(d), a, a, "0.00", 1, "上海", c, v) for o, b, d, a, c, v in PAID]
    traffic = [(f"2026-01-{d}", c, v, uv, uv * 3, 0, 0, 0) for d, c, v, uv in VISITS]
    for name, kind, header, rows in (("o.csv", "orders", ORDERS, orders), ("t.csv", "traffic", TRAFFIC, traffic)):
        (summary,) = p.import_files(
            [write_csv(folder / name, header, rows)], store="tmall", source="generic", kind=kind
        )
        assert summary.quarantined == 0
    return p


@pytest.fixture(scope="module")
def shop(project_factory: Callable[[str], Project], tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_shop(project_factory("rootcause"), tmp_path_factory.mktemp("files"))


def params(metric: str, **kw: object) -> RootCauseParams:
    return RootCauseParams(metric, CURRENT[0], CURRENT[1], BASE[0], BASE[1], **kw)  # type: ignore[arg-type]


def test_paid_amount_by_channel_and_device(shop: Project) -> None:
    result = rootcause(shop, params("paid_amount", dimensions=("channel", "device")))
    assert (result.base, result.current) == (D("200.00"), D("100.00"))
    assert result.dimensions[["rank", "dimension", "segments"]].values.tolist() == [
        [1, "channel", "search"],
        [2, "device", "pc, mobile"],
    ]
    assert list(result.dimensions.surprise) == pytest.approx([0.018156, 0.001925], abs=1e-6)
    first = result.table.iloc[0].to_dict()
    assert (first["dimension"], first["segment"], first["root_cause"]) == ("channel", "search", True)
    # money stays exact
    assert (first["base"], first["current"], first["change"], first["contribution"]) == (
        D("150.00"),
        D("50.00"),
        D("-100.00"),
        D("-100.00"),
    )
    assert first["explanatory_power"] == 1 and first["surprise"] == pytest.approx(0.018156, abs=1e-6)
    assert sum(result.table.contribution[result.table.dimension == "device"]) == D("-100.00")
    assert set(result.sql) == {f"{p}/{d}" for p in ("base", "current") for d in ("total", "channel", "device")}
    assert result.notes == []
    assert ANALYSES["rootcause"] is rootcause


def test_cvr_by_channel_and_device(shop: Project) -> None:
    result = rootcause(shop, params("cvr", dimensions=("channel", "device")))
    assert (result.base, result.current) == pytest.approx((0.03, 0.02))
    rows = result.table.set_index(["dimension", "segment"])
    assert rows.loc[("channel", "search"), "explanatory_power"] == pytest.approx(1.0)
    assert rows.loc[("channel", "feed"), "explanatory_power"] == pytest.approx(0.2)
    assert rows.loc[("channel", "search"), "contribution"] == pytest.approx(-0.0075)
    assert rows.loc[("channel", "search"), "surprise"] == pytest.approx(0.101520, abs=1e-6)
    assert rows.loc[("channel", "search"), "change_pct"] == pytest.approx(-0.5)
    assert rows.loc[("device", "pc"), "explanatory_power"] == pytest.approx(1.0)
    assert result.dimensions[["dimension", "segments"]].values.tolist() == [["channel", "search"], ["device", "pc"]]
    # ann bought on both devices: the device segments count 5 buyers where the shop has 4
    assert result.notes == [
        "device: the segments' buyers add up to 5 in the current period, the whole to 4 (counted in more than"
        " one segment, or a platform total); shares are of the segments' sum"
    ]


def test_default_dimensions_and_honest_notes(shop: Project) -> None:
    result = rootcause(shop, params("paid_amount"))
    assert list(result.dimensions.dimension) == ["channel", "device"]
    notes = "\n".join(result.notes)
    assert "paid_amount cannot be split by category" in notes
    assert "province: not analysed — fewer than two segments" in notes  # every order ships to 上海
    assert "store: not analysed — fewer than two segments" in notes  # one store has data
    assert "buyer_type: not analysed — the orders start less than 365 days before 2026-01-01" in notes


def test_mixed_currencies_and_missing_fields_are_not_attributed(
    project_factory: Callable[[str], Project], tmp_path: Path
) -> None:
    p = build_shop(project_factory("mixed"), tmp_path)
    uk = [("u1", "zed", "2026-01-02 10:00:00", "2026-01-02 10:00:00", "9.00", "9.00")]
    file = write_csv(tmp_path / "uk.csv", "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount", uk)
    p.import_files([file], store="uk", source="generic", kind="orders")  # GBP, no channel, no traffic
    mixed = rootcause(p, params("paid_amount"))
    assert mixed.base is None and mixed.table.empty and mixed.dimensions.empty
    assert any("different currencies" in n for n in mixed.notes)
    assert any("paid_amount is not available over the whole scope" in n for n in mixed.notes)
    assert rootcause(p, params("paid_amount", stores=("tmall",))).dimensions.dimension.iloc[0] == "channel"
    with pytest.raises(QueryError, match="cannot be split by province"):
        rootcause(p, params("cvr", dimensions=("province",)))
    with pytest.raises(QueryError, match="starts after it ends"):
        RootCauseParams("cvr", CURRENT[1], CURRENT[0], BASE[0], BASE[1])


# ---------------------------------------------------------------- a planted anomaly in the sample shop

SEARCH = {"tmall_flagship": "手淘搜索", "jd_store": "京东搜索"}  # each store's largest channel


def planted_shop(folder: Path, anomaly: Anomaly, seed: int) -> Project:
    """Two CNY stores (Tmall, JD), the week of the anomaly and the week before, orders and traffic only."""
    spec = SampleSpec(
        stores=2, days=14, seed=seed, orders_per_day=200, end_date=anomaly.end, events_users=0, anomalies=[anomaly]
    )
    result = generate(spec, out_dir=folder / "exports")
    stores = [{"name": s.name, "platform": s.platform, "currency": s.currency} for s in result.stores]
    p = Project.init(folder / "p", stores=stores)
    for f in result.files:
        if f.kind in ("orders", "traffic"):
            p.import_files([folder / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
    return p


def top(result: RootCauseResult, dimension: str | None = None) -> tuple[str, list[str]]:
    """The first dimension (or ``dimension``) and its root-cause segments, highest explanatory power first."""
    table = result.table
    dim = dimension or str(result.dimensions.dimension.iloc[0])
    return dim, list(table[(table.dimension == dim) & table.root_cause].segment)


def check_planted(p: Project, a: Anomaly) -> None:
    week = (a.start, a.end, a.start - timedelta(days=7), a.end - timedelta(days=7))
    for metric in ("paid_amount", "cvr"):
        # from the traffic report, per traffic source: the planted channel first, and its store
        by_source = rootcause(p, RootCauseParams(metric, *week, source="traffic"))
        dim, segments = top(by_source)
        assert (dim, segments[0]) == ("channel", a.channel), by_source.dimensions
        assert top(by_source, "store")[1][0] == a.store
    # from the orders (Tmall/JD orders carry no traffic source): the planted store first
    cvr = rootcause(p, RootCauseParams("cvr", *week))
    assert top(cvr)[0] == "store" and top(cvr)[1][0] == a.store, cvr.dimensions
    assert any("channel: not analysed — the exports of tmall_flagship" in n for n in cvr.notes)
    # paid amount per province is noisy (a few large orders move a small province), so a province set
    # can outrank the store now and then; the store dimension still names the planted store
    paid = rootcause(p, RootCauseParams("paid_amount", *week))
    assert top(paid, "store")[1][0] == a.store, paid.dimensions


@pytest.fixture(scope="module")
def jd_drop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Anomaly]]:
    a = Anomaly("jd_store", "京东搜索", date(2026, 4, 20), 7, -0.5)
    with planted_shop(tmp_path_factory.mktemp("planted"), a, seed=7) as p:
        yield p, a


def test_a_planted_conversion_drop_ranks_first(jd_drop: tuple[Project, Anomaly]) -> None:
    p, a = jd_drop
    check_planted(p, a)
    week = (a.start, a.end, date(2026, 4, 13), date(2026, 4, 19))
    paid = rootcause(p, RootCauseParams("paid_amount", *week))
    assert top(paid) == ("store", ["jd_store"])
    row = rootcause(p, RootCauseParams("cvr", *week, source="traffic")).table.iloc[0]
    assert (row.dimension, row.segment) == ("channel", "京东搜索")
    assert row.change_pct == pytest.approx(-0.5, abs=0.15)  # the planted −50 %, give or take the week's drift


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    store=st.sampled_from(sorted(SEARCH)),
    day=st.integers(min_value=0, max_value=40),
    change=st.floats(min_value=-0.9, max_value=-0.5),
    seed=st.integers(min_value=0, max_value=99),
)
def test_planted_drops_rank_first(store: str, day: int, change: float, seed: int) -> None:
    # Weeks between 38 女王节 and 520 (no festival in either week), on the search channel: it carries about
    # half a store's buyers. Drops on smaller channels, or on the ad-driven 直通车/京东快车, sit within the
    # sample's ordinary week-to-week drift. Derandomized: a statistical check, so the same draws every run;
    # examples are expensive (a generated and imported shop each), so no shrinking.
    a = Anomaly(store, SEARCH[store], date(2026, 3, 23) + timedelta(days=day), 7, change)
    with tempfile.TemporaryDirectory() as tmp, planted_shop(Path(tmp), a, seed) as p:
        check_planted(p, a)


# ---------------------------------------------------------------- the CLI


def test_cli_prints_the_ranking(project_template: Path, tmp_path: Path) -> None:
    shutil.copytree(project_template, tmp_path / "p")
    with Project.open(tmp_path / "p") as p:
        build_shop(p, tmp_path)
    args = ["--project", str(tmp_path / "p"), "rootcause", "paid_amount", "--from", "2026-01-08", "--to", "2026-01-14"]
    args += ["--base-from", "2026-01-01", "--base-to", "2026-01-07", "--by", "channel,device"]
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "shopops.cli.main", *args], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "paid_amount: 200.00 → 100.00"
    ranking = [line for line in lines if line.startswith("│")]
    assert [row.split("│")[2].strip() for row in ranking] == ["channel", "device", "channel", "device", "device"]
    assert "│ search " in ranking[2] and "-100.00" in ranking[2]
    assert "feed" not in proc.stdout  # only the root causes without --all
