"""CLV and churn: the published CDNOW estimates, hand-checked properties, the RFM summary from the warehouse."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from builders import cli_ok
from shopops.analyses.clv import (
    ClvParams,
    clv,
    discounted_clv,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    purchase_days,
    rfm_summary,
    status_of,
)
from shopops.analyses.clv_models import (
    BetaGeo,
    GammaGamma,
    ParetoNBD,
    gamma_gamma_log_likelihood,
    pareto_nbd_log_likelihood,
)
from shopops.errors import NotAvailableError, QueryError
from shopops.project import Project

DatasetFile = Callable[[str, str], Path]
ORDERS = "order_id,buyer_id,created_at,paid_at,total_amount,paid_amount,refund_amount,units,province,channel,device"


def import_csv(project: Project, folder: Path, store: str, header: str, rows: list[list[object]]) -> None:
    """Import ``rows`` as a generic-source orders file (canonical field names as headers)."""
    path = folder / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    (summary,) = project.import_files([path], store=store, source="generic", kind="orders")
    assert summary.quarantined == 0


@pytest.fixture(scope="module")
def cdnow(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "cdnow" / "cdnow_customers_summary.csv"
    if not path.is_file():
        pytest.skip(f"dataset file missing: {path}")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def cdnow_spend(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "cdnow" / "cdnow_customers_summary_with_transactions.csv"
    if not path.is_file():
        pytest.skip(f"dataset file missing: {path}")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def bgnbd(cdnow: pd.DataFrame) -> BetaGeo:
    return fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def pareto(cdnow: pd.DataFrame) -> ParetoNBD:
    return fit_pareto_nbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def gamma_gamma(cdnow_spend: pd.DataFrame) -> GammaGamma:
    repeat = cdnow_spend[cdnow_spend["x"] > 0]
    return fit_gamma_gamma(repeat["x"], repeat["zbar"])


# ---------------------------------------------------------------- published CDNOW figures


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd: BetaGeo) -> None:
    # FHL 2005, section 5: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4
    p = bgnbd.params_
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.243, 4.414, 0.793, 2.426)
    assert bgnbd.fit_ is not None and bgnbd.fit_.converged
    assert round(bgnbd.fit_.log_likelihood, 1) == -9582.4


def test_bgnbd_conditional_expectation_of_customer_1(bgnbd: BetaGeo) -> None:
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 → 1.226 purchases in the next 39 weeks
    assert bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86)[0] == pytest.approx(1.226, abs=5e-4)
    # lifetimes 0.11.3 at the published (rounded) parameters gives P(alive) = 0.72658
    published = BetaGeo(params_={"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    assert published.p_alive(2, 30.43, 38.86)[0] == pytest.approx(0.72657857, rel=1e-6)
    assert published.conditional_expected_purchases(39, 2, 30.43, 38.86)[0] == pytest.approx(1.22602817, rel=1e-6)


def test_pareto_nbd_reproduces_the_published_estimates(pareto: ParetoNBD, cdnow: pd.DataFrame) -> None:
    # FHL 2005 (Pareto/NBD on the same data): r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0
    p = pareto.params_
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["s"], 3)) == (0.553, 10.578, 0.606)
    # the likelihood is flat along β: ours is 11.668 and its LL is higher than at the published point
    assert p["beta"] == pytest.approx(11.669, abs=2e-3)
    assert pareto.fit_ is not None and round(pareto.fit_.log_likelihood, 1) == -9595.0
    at_published = pareto_nbd_log_likelihood(
        [0.553, 10.578, 0.606, 11.669], cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ).sum()
    assert pareto.fit_.log_likelihood >= at_published


def test_pareto_nbd_quantities_match_lifetimes_at_the_same_parameters() -> None:
    # oracle: lifetimes 0.11.3 ParetoNBDFitter with params_ set to the published values
    m = ParetoNBD(params_={"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
    assert m.conditional_expected_purchases(39, 2, 30.43, 38.86)[0] == pytest.approx(1.4551231932576019, rel=1e-6)
    assert m.p_alive(2, 30.43, 38.86)[0] == pytest.approx(0.8691675591530111, rel=1e-6)
    assert m.p_alive(0, 0, 38.86)[0] == pytest.approx(0.29528660461689443, rel=1e-6)


def test_gamma_gamma_reproduces_fader_hardie_2013(gamma_gamma: GammaGamma, cdnow_spend: pd.DataFrame) -> None:
    # Fader & Hardie (2013) note: p = 6.25, q = 3.74, γ = 15.44 (lifetimes' docs: 15.45)
    p = gamma_gamma.params_
    assert (round(p["p"], 2), round(p["q"], 2)) == (6.25, 3.74)
    # our optimum γ = 15.4477; its LL is at least the published point's (the note's solver stopped early)
    assert p["gamma"] == pytest.approx(15.44, abs=0.01)
    repeat = cdnow_spend[cdnow_spend["x"] > 0]
    at_published = gamma_gamma_log_likelihood([6.25, 3.74, 15.44], repeat["x"], repeat["zbar"]).sum()
    assert gamma_gamma.fit_ is not None and gamma_gamma.fit_.log_likelihood >= at_published
    # population mean spend γp/(q−1)
    assert gamma_gamma.population_mean() == pytest.approx(p["gamma"] * p["p"] / (p["q"] - 1))


def test_rfm_summary_rebuilds_the_cdnow_calibration_summary(dataset_file: DatasetFile) -> None:
    """The 1/10 sample's raw transactions, summarised up to 1997-09-30 in weeks, give the papers' file."""
    raw = pd.read_csv(
        dataset_file("cdnow", "CDNOW_sample.txt"),
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    days = (
        raw.assign(store="cdnow", buyer_id=raw["sample_id"].astype(str), day=pd.to_datetime(raw["date"]))
        .groupby(["store", "buyer_id", "day"], as_index=False)
        .agg(amount=("dollars", "sum"))
    )
    ours = rfm_summary(days, date(1997, 9, 30), "weeks").assign(ID=lambda f: f["buyer_id"].astype(int))
    ref = pd.read_csv(dataset_file("cdnow", "cdnow_customers_summary_with_transactions.csv"))
    both = ref.merge(ours, on="ID", suffixes=("_ref", ""))
    assert len(both) == len(ref) == len(ours) == 2357
    assert (both["x"] == both["frequency"]).all()
    # the published file rounds to two decimals
    assert np.abs(both["t_x"] - both["recency"]).max() <= 0.005
    assert np.abs(both["T_ref"] - both["T"]).max() <= 0.005
    assert np.abs(both["zbar"] - both["monetary"]).max() <= 0.005 + 1e-9


# ---------------------------------------------------------------- hand-checked properties


def test_bgnbd_p_alive_is_one_without_repeat_purchases(bgnbd: BetaGeo) -> None:
    assert bgnbd.p_alive([0, 0], [0, 0], [1.0, 80.0]).tolist() == [1.0, 1.0]
    # longer silence since the last purchase: lower P(alive)
    p = bgnbd.p_alive([3, 3, 3], [30.0, 20.0, 5.0], [38.0, 38.0, 38.0])
    assert p[0] > p[1] > p[2]


def test_expected_purchases_increase_with_time(bgnbd: BetaGeo, pareto: ParetoNBD) -> None:
    t = np.array([1.0, 5.0, 20.0, 52.0, 104.0])
    for model in (bgnbd, pareto):
        assert np.all(np.diff(model.expected_purchases(t)) > 0)
        assert np.all(np.diff(model.conditional_expected_purchases(t, 2, 30.43, 38.86)) > 0)
    # a heavy buyer over ten years: (1 − z)^(r+x) · 2F1 underflows × overflows; Euler's transformation holds
    heavy = bgnbd.conditional_expected_purchases([52.0, 520.0], 500, 104.0, 104.0)
    assert np.isfinite(heavy).all() and heavy[1] > heavy[0] > 0
    # FHL 2005: E[X(t)] at t = 0 is 0
    assert bgnbd.expected_purchases(0.0)[0] == pytest.approx(0.0, abs=1e-12)


def test_clv_falls_as_the_discount_rate_rises(bgnbd: BetaGeo) -> None:
    args = (np.array([25.0]), np.array([2]), np.array([30.43]), np.array([38.86]))
    values = [discounted_clv(bgnbd, *args, months=12, monthly_discount=d)[0] for d in (0.0, 0.01, 0.05, 0.2)]
    assert all(a > b for a, b in itertools.pairwise(values))
    # undiscounted: spend × expected purchases over 12 months
    twelve = bgnbd.conditional_expected_purchases(12 * 365.25 / 12 / 7, 2, 30.43, 38.86)[0]
    assert values[0] == pytest.approx(25.0 * twelve)
    assert discounted_clv(bgnbd, *args, months=0)[0] == 0.0


def test_gamma_gamma_shrinks_towards_the_population_mean(gamma_gamma: GammaGamma) -> None:
    mean = gamma_gamma.population_mean()
    few, many = gamma_gamma.expected_spend([1, 20], [100.0, 100.0])
    assert mean < few < many < 100.0
    assert gamma_gamma.expected_spend([0], [0.0])[0] == pytest.approx(mean)


def test_statuses_from_thresholds() -> None:
    assert status_of([0.95, 0.7, 0.69, 0.3, 0.29, 0.0]).tolist() == [
        "active",
        "active",
        "at_risk",
        "at_risk",
        "churned",
        "churned",
    ]
    assert status_of([0.5], active_from=0.5, churned_below=0.5).tolist() == ["active"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="recency"):
        fit_bgnbd([1], [5.0], [3.0])
    with pytest.raises(ValueError, match="repeat"):
        fit_bgnbd([0], [1.0], [3.0])
    with pytest.raises(QueryError, match="thresholds"):
        ClvParams(active_from=0.2, churned_below=0.5)
    with pytest.raises(QueryError, match="model"):
        ClvParams(model="nbd")


# ---------------------------------------------------------------- from the warehouse


def _buyer_rows(start: date, n: int) -> list[list[object]]:
    """``n`` synthetic buyers with 1–6 purchase days each, spread over 200 days (deterministic)."""
    rows: list[list[object]] = []
    rng = np.random.default_rng(5)
    for i in range(n):
        first = int(rng.integers(0, 120))
        for k in range(int(rng.integers(1, 7))):
            day = start + timedelta(days=first + 13 * k + int(rng.integers(0, 5)))
            paid = f"{day} 12:00:00"
            amount = f"{rng.integers(10, 200)}.50"
            rows.append([f"s{i}-{k}", f"b{i:03d}", paid, paid, amount, amount, "0", 1, "", "", ""])
    return rows


HAND = [
    # order_id, buyer_id, created_at, paid_at, total, paid, refund, units, province, channel, device
    ["a1", "ann", "2026-01-01 09:00:00", "2026-01-01 09:05:00", "10.00", "10.00", "0", 1, "", "", ""],
    ["a2", "ann", "2026-01-01 20:00:00", "2026-01-01 20:01:00", "5.00", "5.00", "0", 1, "", "", ""],
    ["a3", "ann", "2026-01-15 10:00:00", "2026-01-15 10:00:00", "20.00", "20.00", "0", 1, "", "", ""],
    ["a4", "ann", "2026-02-12 10:00:00", "2026-02-12 10:00:00", "40.00", "40.00", "5.00", 1, "", "", ""],
    ["b1", "bob", "2026-02-01 10:00:00", "2026-02-01 10:00:00", "25.00", "25.00", "0", 1, "", "", ""],
    ["c1", "cat", "2026-01-05 10:00:00", "", "99.00", "", "0", 1, "", "", ""],  # never paid
    ["x1", "", "2026-01-05 10:00:00", "2026-01-05 10:00:00", "50.00", "50.00", "0", 1, "", "", ""],  # no buyer
    ["d1", "dan", "2026-01-10 10:00:00", "2026-01-10 10:00:00", "30.00", "30.00", "0", 1, "", "", ""],
    ["d2", "dan", "2026-03-05 10:00:00", "2026-03-05 10:00:00", "70.00", "70.00", "0", 1, "", "", ""],  # after end
]


def test_rfm_summary_from_paid_orders_by_hand(project: Project, tmp_path: Path) -> None:
    import_csv(project, tmp_path, "uk", ORDERS, HAND)
    days = purchase_days(project.warehouse, ["uk"], date(2026, 3, 1))
    rfm = rfm_summary(days, date(2026, 3, 1), "days").set_index("buyer_id")
    assert sorted(rfm.index) == ["ann", "bob", "dan"]
    # ann: days 1 Jan (10 + 5, one transaction), 15 Jan, 12 Feb; T from 1 Jan to 1 Mar
    assert rfm.loc["ann", ["frequency", "recency", "T", "monetary"]].tolist() == [2, 42.0, 59.0, 30.0]
    assert rfm.loc["bob", ["frequency", "recency", "T", "monetary"]].tolist() == [0, 0.0, 28.0, 0.0]
    assert rfm.loc["dan", ["frequency", "recency", "T", "monetary"]].tolist() == [0, 0.0, 50.0, 0.0]
    weeks = rfm_summary(days, date(2026, 3, 1), "weeks").set_index("buyer_id")
    assert weeks.loc["ann", "recency"] == pytest.approx(6.0)


@pytest.fixture
def shop(project: Project, tmp_path: Path) -> Project:
    import_csv(project, tmp_path, "uk", ORDERS, _buyer_rows(date(2026, 1, 1), 80))
    return project


def test_clv_on_a_small_shop(shop: Project) -> None:
    end = date(2026, 7, 19)
    result = clv(shop, ClvParams(end=end, holdout_days=40, model="pareto"))
    c = result.customers
    assert len(c) == 80 and result.end == end and result.currency == "GBP"
    assert c["clv"].is_monotonic_decreasing
    assert c["p_alive"].between(0, 1).all()
    assert set(c["status"]) <= {"active", "at_risk", "churned"}
    assert result.segments["customers"].sum() == 80
    assert result.segments["clv"].sum() == pytest.approx(c["clv"].sum())
    assert set(result.parameters) == {"pareto", "gamma_gamma"}
    # the holdout table covers every calibration buyer and every holdout purchase
    holdout = result.holdout
    info = result.diagnostics["holdout"]
    assert holdout["customers"].sum() == info["calibration_customers"]
    assert holdout["total_actual"].sum() == info["holdout_actual"]
    days = purchase_days(shop.warehouse, ["uk"], end)
    cal_end = pd.Timestamp(end - timedelta(days=40))
    in_holdout = days[(days["day"] > cal_end) & days["buyer_id"].isin(set(days[days["day"] <= cal_end]["buyer_id"]))]
    assert info["holdout_actual"] == len(in_holdout)


def test_clv_needs_buyer_ids(project: Project, tmp_path: Path) -> None:
    header = ORDERS.replace("buyer_id,", "")
    rows = [[r[0], *r[2:]] for r in HAND if r[3]]
    import_csv(project, tmp_path, "tmall", header, rows)
    with pytest.raises(NotAvailableError, match="buyer id") as err:
        clv(project, ClvParams(stores=("tmall",)))
    assert err.value.hint and "--store" in err.value.hint


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    return cli_ok(monkeypatch, capsys, *args)


def test_cli_clv_json(shop: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = shop.settings.root
    shop.close()
    monkeypatch.chdir(root)
    monkeypatch.setenv("COLUMNS", "200")
    out_file = root / "clv.csv"
    args = ["analyze", "clv", "--store", "uk", "--end", "2026-07-19"]
    data = json.loads(_run(monkeypatch, capsys, *args, "--format", "json", "--out", str(out_file)))
    assert set(data["parameters"]) == {"bgnbd", "gamma_gamma"}
    assert sum(s["customers"] for s in data["segments"]) == len(data["customers"]) == 80
    assert data["customers"][0]["first_purchase"].startswith("2026-")
    assert len(pd.read_csv(out_file)) == 80
    table = _run(monkeypatch, capsys, *args, "--holdout-days", "30", "--model", "pareto", "--top", "5")
    assert "parameters" in table and "top 5 customers by CLV" in table and "holdout" in table


def test_cdnow_sample_through_the_warehouse(project: Project, tmp_path: Path, dataset_file: DatasetFile) -> None:
    """The raw CDNOW 1/10 sample imported as orders: the fit to 1997-09-30 is FHL 2005's BG/NBD."""
    raw = pd.read_csv(
        dataset_file("cdnow", "CDNOW_sample.txt"),
        sep=r"\s+",
        header=None,
        names=["master_id", "sample_id", "date", "cds", "dollars"],
        dtype={"date": str},
    )
    rows: list[list[object]] = []
    for i, r in enumerate(raw.itertuples(index=False)):
        paid = f"{r.date[:4]}-{r.date[4:6]}-{r.date[6:]} 12:00:00"
        amount = f"{r.dollars:.2f}"
        rows.append([f"o{i}", f"c{r.sample_id}", paid, paid, amount, amount, "0", r.cds, "", "", ""])
    import_csv(project, tmp_path, "uk", ORDERS, rows)
    result = clv(project, ClvParams(stores=("uk",), end=date(1997, 9, 30)))
    assert result.diagnostics["customers"] == 2357 and result.diagnostics["repeat_customers"] == 946
    p = result.parameters["bgnbd"]
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(result.diagnostics["purchase_model"]["log_likelihood"], 1) == -9582.4
    g = result.parameters["gamma_gamma"]
    assert (round(g["p"], 2), round(g["q"], 2)) == (6.25, 3.74)
