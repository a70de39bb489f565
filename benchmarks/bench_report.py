"""Weekly report speed: ``build_report`` against hand-written DuckDB SQL and against pandas (issue 3).

Data: the sample shop (``shopops.sample``: Tmall, JD and Shopify stores, two years) with about
``--orders`` orders over its three stores, imported into a project that is cached under ``--work``
(a rerun with the same size reuses it). The report covers the CNY stores together (tmall_flagship +
jd_store) for the newest complete ISO week.

Measured, each in a fresh subprocess so that its peak memory (max RSS) is its own:

* ``report``: ``Project.open`` + ``build_report(project, ReportParams("weekly", day, stores))``,
  with ``report.timings`` (seconds per section);
* ``render``: ``shopops.reports.render`` of that report to HTML, Excel, Markdown and JSON;
* ``sql``: the same figures in hand-written DuckDB SQL (the ``duckdb`` module on the warehouse file,
  read only): headline KPIs of the week, the week before and 52 weeks before, the KPI tree and LMDI
  inputs overall / per store / per traffic channel, the root-cause inputs (per store, device,
  province, buyer type), the daily trend, the channels table, products per store × SKU, refunds,
  ads per tool and campaign, new vs returning buyers, stores side by side, titles and targets;
* ``pandas``: the same figures in pandas, from the needed columns of the scope's rows loaded out of
  the warehouse (load time included, as a pandas user would do it).

Both baselines are checked against the report: every headline KPI of the three periods and the
per-store, per-day, per-buyer-type, per-channel, per-province, per-product and per-ad-tool figures
the report shows must be equal (money to the cent, counts exactly, ratios to 1e-9), else the run fails.
Wall time and CPU time (user + system of the process, DuckDB's threads included) are both recorded:
on a shared machine CPU time is the steadier of the two.

``profile`` (one more report, not part of the comparison) counts the report's statements and splits
their time into Ibis compile, table lookups (``DESCRIBE``), ``fields_available`` lookups, DuckDB running
each statement, and the rest; per section and per metric query.
Children keep compiled bytecode in ``--work`` (see :func:`child_env`).

    python benchmarks/bench_report.py                    # ~10M orders (the first run builds the project: ~20 min)
    python benchmarks/bench_report.py --orders 1000000   # quick
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCOPE = ("tmall_flagship", "jd_store")  # the CNY stores of the sample shop
#: orders the sample writes per ``orders_per_day`` and day over its three stores (Tmall 1, JD 0.6 and
#: Shopify 0.3 of an ordinary day, plus festivals): measured 2.17 at 730 days
ORDERS_PER_UNIT = 2.17
#: the files the report reads (customers, events, inventory and competitors are not imported)
KINDS = ("orders", "items", "traffic", "ads", "products")
PERIODS = ("now", "prev", "yoy")
CENT = Decimal("0.01")

Figures = dict[str, Any]  # check key -> value (money as a two-decimal string, counts int, ratios float)
Families = dict[str, dict[tuple[Any, ...], dict[str, Any]]]  # family -> (period, dim, value) -> metric -> value


# ---------------------------------------------------------------- the data


def build_project(folder: Path, orders: int, days: int, seed: int) -> dict[str, Any]:
    """Generate the sample shop and import it into ``folder/project`` (kept for the next run)."""
    from shopops.project import Project
    from shopops.sample import SampleSpec, generate

    meta_path = folder / "bench.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text())  # type: ignore[no-any-return]
    if folder.exists():
        shutil.rmtree(folder)  # a build that did not finish
    exports, project_dir = folder / "exports", folder / "project"
    per_day = max(1, round(orders / (days * ORDERS_PER_UNIT)))
    t = time.perf_counter()
    result = generate(SampleSpec(stores=3, days=days, seed=seed, orders_per_day=per_day), out_dir=exports)
    generated = time.perf_counter() - t
    total = sum(int(v["orders"]) for v in result.truth.values())
    sys.stderr.write(f"generated {total:,} orders in {generated:.0f} s\n")
    stores = [
        {"name": s.name, "platform": s.platform, "currency": s.currency, "timezone": s.timezone} for s in result.stores
    ]
    t = time.perf_counter()
    with Project.init(project_dir, stores=stores) as project:
        for f in result.files:
            if f.kind not in KINDS:
                continue
            (s,) = project.import_files([exports / f.path], store=f.store, source=f.source, kind=f.kind)
            sys.stderr.write(f"  {f.path}: {s.rows_read:,} rows, {s.quarantined} quarantined\n")
    imported = time.perf_counter() - t
    meta = {
        "orders_per_day": per_day,
        "days": days,
        "seed": seed,
        "orders": total,
        "truth": result.truth,
        "generate_s": generated,
        "import_s": imported,
    }
    shutil.rmtree(exports)
    meta_path.write_text(json.dumps(meta, indent=2))
    sys.stderr.write(f"imported in {imported:.0f} s\n")
    return meta


def week_of(warehouse: Path) -> dict[str, str]:
    """The newest complete ISO week of the scope (as ``shopops report weekly`` picks it), its comparisons."""
    import duckdb

    from shopops.calendar.period import newest_complete_day as default_day
    from shopops.calendar.period import report_periods as periods

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (last,) = con.execute(
            "SELECT max(created_at)::DATE FROM orders WHERE list_contains(?, store)", [list(SCOPE)]
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    cur, prev, yoy = periods("weekly", default_day("weekly", last))
    return {
        "day": cur.end.isoformat(),
        "label": cur.label,
        **{
            f"{p}_{e}": getattr(x, e).isoformat()
            for p, x in zip(PERIODS, (cur, prev, yoy), strict=True)
            for e in ("start", "end")
        },
    }


def table_sizes(warehouse: Path) -> dict[str, dict[str, int]]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out: dict[str, dict[str, int]] = {}
        for table in ("orders", "order_items", "traffic_daily", "ad_spend", "products"):
            rows = con.execute(f"SELECT store, count(*) FROM {table} GROUP BY store").fetchall()
            out[table] = {str(s): int(n) for s, n in rows}
        return out
    finally:
        con.close()


# ---------------------------------------------------------------- figures both sides compare


def _money(value: Any) -> str | None:
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENT))


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return _money(value)
    if hasattr(value, "item"):
        value = value.item()
    return value


def _div(a: Any, b: Any) -> float | None:
    return None if a is None or b is None or not b else float(a) / float(b)


def figures_from_families(f: Families, w: dict[str, str]) -> Figures:
    """The check figures from a baseline's aggregates (the same keys :func:`figures_from_report` gives)."""
    out: Figures = {}

    def get(family: str, key: tuple[Any, ...], metric: str, zero: Any = 0) -> Any:
        return f[family].get(key, {}).get(metric, zero)

    for p in PERIODS:
        paid = get("orders", (p, "", ""), "paid_amount", Decimal(0))
        refund = get("orders", (p, "", ""), "refund_amount", Decimal(0))
        buyers = get("orders", (p, "", ""), "buyers")
        uv = get("traffic", (p, "", ""), "uv")
        spend = get("ads", (p, "", ""), "ad_spend", Decimal(0))
        ad_amount = get("ads", (p, "", ""), "ad_amount", Decimal(0))
        items = f["items"].get((p, "", ""), {})
        net_items = items["item_amount"] - items["item_refund"] if items else None
        margin = (
            None
            if not items or items["cogs"] is None or not net_items
            else float(net_items - items["cogs"]) / float(net_items)
        )
        kpi = {
            "paid_amount": paid,
            "uv": uv,
            "cvr": _div(buyers, uv),
            "aov": _div(paid, buyers),
            "buyers": buyers,
            "paid_orders": get("orders", (p, "", ""), "paid_orders"),
            "refund_amount": refund,
            "refund_rate": _div(refund, paid),
            "net_sales": paid - refund,
            "ad_spend": spend,
            "roas": _div(ad_amount, spend),
            "gross_margin": margin,
        }
        for m, v in kpi.items():
            out[f"kpi.{p}.{m}"] = _num(v)
    for family, dim in (("orders", "store"), ("orders", "device"), ("orders", "province"), ("orders", "day")):
        for (p, d, value), row in f[family].items():
            if d == dim and p != "yoy":
                for m in ("paid_amount", "buyers"):
                    out[f"{dim}.{value}.{p}.{m}"] = _num(row[m])
    for (p, d, value), row in f["traffic"].items():
        if p == "yoy":
            continue
        if d in ("store", "day"):
            out[f"{d}.{value}.{p}.uv"] = _num(row["uv"])
        elif d == "channel":
            store, channel = value
            for m in ("uv", "traffic_buyers", "traffic_paid_amount"):
                out[f"channel.{store}.{channel}.{p}.{m}"] = _num(row[m])
    for (p, bt), row in f["buyer_type"].items():
        for m in ("buyers", "paid_amount"):
            out[f"buyer_type.{bt}.{p}.{m}"] = _num(row[m])
    for (p, d, value), row in f["items"].items():
        if d == "product" and p != "yoy":
            store, product = value
            out[f"product.{store}.{product}.{p}.item_amount"] = _num(row["item_amount"])
            out[f"product.{store}.{product}.{p}.item_refund"] = _num(row["item_refund"])
    for (p, d, value), row in f["ads"].items():
        if d in ("tool", "campaign") and p != "yoy":
            store, name = value
            out[f"{d}.{store}.{name}.{p}.ad_spend"] = _num(row["ad_spend"])
    out["titles"] = len(f["titles"])
    return out


def figures_from_report(report: Any) -> Figures:
    """The check figures as the report shows them (see :func:`figures_from_families`)."""
    from shopops.analyses.narrative import Narrator
    from shopops.metrics.catalogue import load_catalogue

    cat = load_catalogue()
    say = Narrator(report.lang, report.kind)
    dim_of = {say.dimension(cat, d): d for d in cat.dimensions}
    all_sources = say.t("all_sources")
    out: Figures = {}
    for k in report.kpis:
        for p, v in zip(PERIODS, (k.value, k.previous, k.yoy), strict=True):
            out[f"kpi.{p}.{k.metric}"] = _num(v)
    tables = {(s.id, t.id): t.rows for s in report.sections for t in s.tables}
    for r in tables.get(("stores", "side_by_side"), []):
        for m in ("paid_amount", "uv", "buyers"):
            out[f"store.{r['store']}.now.{m}"] = _num(r.get(m))
            out[f"store.{r['store']}.prev.{m}"] = _num(r.get(f"{m}_prev"))
    for r in tables.get(("trend", "daily"), []):
        for m in ("paid_amount", "buyers", "uv"):
            out[f"day.{r['date']}.now.{m}"] = _num(r[m])
            out[f"day.{r['date'] - timedelta(days=7)}.prev.{m}"] = _num(r[f"{m}_prev"])
    for r in tables.get(("buyers", "buyer_types"), []):
        bt = "new" if r["buyer_type"] == say.t("buyer_new") else "returning"
        for m in ("buyers", "paid_amount"):
            out[f"buyer_type.{bt}.now.{m}"] = _num(r[m])
            out[f"buyer_type.{bt}.prev.{m}"] = _num(r[f"{m}_prev"])
    for r in tables.get(("channels", "traffic"), []):
        channel = "" if r["channel"] == all_sources else r["channel"]
        for m in ("uv", "traffic_buyers", "traffic_paid_amount"):
            out[f"channel.{r['store']}.{channel}.now.{m}"] = _num(r.get(m))
        out[f"channel.{r['store']}.{channel}.prev.uv"] = _num(r.get("uv_prev"))
    for r in tables.get(("root_cause", "root_cause_paid_amount"), []):
        dim = dim_of[r["dimension"]]
        key = "buyer_type" if dim == "buyer_type" else dim
        out[f"{key}.{r['segment']}.prev.paid_amount"] = _num(r["base"])
        out[f"{key}.{r['segment']}.now.paid_amount"] = _num(r["current"])
    for table in ("top", "risers", "fallers"):
        for r in tables.get(("products", table), []):
            out[f"product.{r['store']}.{r['product']}.now.item_amount"] = _num(r["item_amount"])
            out[f"product.{r['store']}.{r['product']}.prev.item_amount"] = _num(r["item_amount_prev"])
    for r in tables.get(("refunds", "refund_products"), []):
        out[f"product.{r['store']}.{r['product']}.now.item_refund"] = _num(r["item_refund"])
    for r in tables.get(("ads", "ad_tools"), []):
        out[f"tool.{r['store']}.{r['ad_tool']}.now.ad_spend"] = _num(r["ad_spend"])
        out[f"tool.{r['store']}.{r['ad_tool']}.prev.ad_spend"] = _num(r["ad_spend_prev"])
    for r in tables.get(("ads", "campaigns"), []):
        out[f"campaign.{r['store']}.{r['campaign']}.now.ad_spend"] = _num(r["ad_spend"])
    return out


def compare(report: Figures, baseline: Figures, name: str) -> int:
    """Every figure the report shows that the baseline computed must be equal; returns how many were compared."""
    missing = [k for k in report if k.startswith("kpi.") and k not in baseline]
    if missing:
        raise AssertionError(f"{name}: no figure for {missing[:5]}")
    wrong = []
    compared = 0
    for key, want in report.items():
        if key not in baseline:
            continue
        got = baseline[key]
        compared += 1
        if isinstance(want, float) or isinstance(got, float):
            tol = 1e-6 if key.endswith("gross_margin") else 1e-9  # item refunds are float sums rounded to the cent
            ok = want is not None and got is not None and math.isclose(want, got, rel_tol=tol)
        else:
            ok = want == got
        if not ok:
            wrong.append(f"{key}: report {want!r}, {name} {got!r}")
    if wrong:
        raise AssertionError(
            f"{name} differs from the report on {len(wrong)} of {compared} figures:\n" + "\n".join(wrong[:20])
        )
    return compared


# ---------------------------------------------------------------- children (each in its own process)


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall time, and CPU time of the process (user + system, every thread: DuckDB's too), since start."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    @staticmethod
    def _cpu() -> float:
        import resource

        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu_s": self._cpu() - self.cpu, "rss_mb": _rss_mb()}


def child_report(project: str, weekfile: str, out: str) -> dict[str, Any]:
    import shopops.plan.track  # noqa: F401  (the report imports it when it gets to the targets)
    from shopops.compositions.periodic import ReportParams, build_report
    from shopops.project import Project

    w = json.loads(Path(weekfile).read_text())
    clock = Clock()
    with Project.open(project) as p:
        report = build_report(p, ReportParams("weekly", day=date.fromisoformat(w["day"]), stores=SCOPE))
    measured = clock.read()
    Path(out).write_bytes(pickle.dumps(report))
    return {**measured, "timings": report.timings, "figures": figures_from_report(report)}


def child_render(pickled: str, out_dir: str) -> dict[str, Any]:
    from shopops.reports import render

    report = pickle.loads(Path(pickled).read_bytes())
    clock = Clock()
    paths = render(report, out_dir)
    return {**clock.read(), "bytes": {k: v.stat().st_size for k, v in paths.items()}}


def _literals(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _traffic_level(split: str | None) -> str:
    """The rank of a traffic row's level (lowest wins per store and day), as in the metric layer:
    unsplit prefers the all-channel row; a split prefers rows split by it, finer rows next, the total last."""
    c, d = "(channel <> '')", "(device <> '')"
    rc = f"CASE WHEN {c} THEN 0 ELSE 4 END" if split == "channel" else f"CASE WHEN {c} THEN 1 ELSE 0 END"
    rd = f"CASE WHEN {d} THEN 0 ELSE 8 END" if split == "device" else f"CASE WHEN {d} THEN 2 ELSE 0 END"
    return f"{rc} + {rd}"


def sql_families(con: Any, w: dict[str, str], timings: dict[str, float] | None = None) -> Families:
    """The report's figures in hand-written SQL: one statement per fact and family of splits."""
    stores = _literals(SCOPE)
    cs, ce, ps, pe, ys, ye = (w[k] for k in ("now_start", "now_end", "prev_start", "prev_end", "yoy_start", "yoy_end"))

    def period_of(day: str) -> str:
        return (
            f"CASE WHEN {day} BETWEEN DATE '{cs}' AND DATE '{ce}' THEN 'now'"
            f" WHEN {day} BETWEEN DATE '{ps}' AND DATE '{pe}' THEN 'prev'"
            f" WHEN {day} BETWEEN DATE '{ys}' AND DATE '{ye}' THEN 'yoy' END"
        )

    period = period_of("d")
    fam: Families = defaultdict(dict)

    def rows(label: str, sql: str) -> list[dict[str, Any]]:
        clock = time.perf_counter()
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        out = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if timings is not None:
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - clock
        return out

    # paid orders: headline KPIs, per store (LMDI, stores table, root cause), device and province (root
    # cause), day (trend); the week, the week before and 52 weeks before in one scan
    for r in rows(
        "orders",
        f"""
        WITH o AS (
            SELECT *, {period} AS period FROM (
                SELECT store, buyer_id, paid_amount, refund_amount, coalesce(device, '') AS device,
                       coalesce(province, '') AS province, paid_at::DATE AS d
                FROM orders
                WHERE store IN ({stores}) AND paid_at IS NOT NULL
                  AND (paid_at::DATE BETWEEN DATE '{ps}' AND DATE '{ce}' OR paid_at::DATE BETWEEN DATE '{ys}' AND DATE '{ye}')))
        SELECT period, store, device, province, d::VARCHAR AS day,
               GROUPING(store, device, province, d) AS g,
               sum(paid_amount) AS paid_amount, sum(refund_amount) AS refund_amount,
               count(*) AS paid_orders, count(DISTINCT buyer_id) AS buyers
        FROM o WHERE period IS NOT NULL
        GROUP BY GROUPING SETS ((period), (period, store), (period, device), (period, province), (period, d))""",
    ):
        dim = {15: ("", ""), 7: ("store", r["store"]), 11: ("device", r["device"]), 13: ("province", r["province"])}
        d, value = dim.get(r["g"], ("day", r["day"]))
        fam["orders"][r["period"], d, value] = r
    # new vs returning buyers (returning: paid in the same store in the 365 days before the week starts)
    for r in rows(
        "buyer_type",
        f"""
        WITH cur AS (
            SELECT store, buyer_id, paid_amount,
                   CASE WHEN paid_at::DATE >= DATE '{cs}' THEN 'now' ELSE 'prev' END AS period,
                   CASE WHEN paid_at::DATE >= DATE '{cs}' THEN DATE '{cs}' ELSE DATE '{ps}' END AS start
            FROM orders
            WHERE store IN ({stores}) AND paid_at::DATE BETWEEN DATE '{ps}' AND DATE '{ce}'),
        hist AS (
            SELECT DISTINCT store, buyer_id, paid_at::DATE AS d FROM orders
            WHERE store IN ({stores}) AND buyer_id IS NOT NULL
              AND paid_at::DATE >= DATE '{ps}' - INTERVAL 365 DAY AND paid_at::DATE < DATE '{cs}'),
        ret AS (
            SELECT DISTINCT c.period, c.store, c.buyer_id
            FROM (SELECT DISTINCT period, start, store, buyer_id FROM cur WHERE buyer_id IS NOT NULL) c
            JOIN hist h ON h.store = c.store AND h.buyer_id = c.buyer_id
             AND h.d >= c.start - INTERVAL 365 DAY AND h.d < c.start)
        SELECT cur.period,
               CASE WHEN cur.buyer_id IS NULL THEN '' WHEN r.buyer_id IS NOT NULL THEN 'returning' ELSE 'new' END AS bt,
               count(DISTINCT cur.buyer_id) AS buyers, sum(cur.paid_amount) AS paid_amount
        FROM cur LEFT JOIN ret r ON r.period = cur.period AND r.store = cur.store AND r.buyer_id = cur.buyer_id
        GROUP BY ALL""",
    ):
        fam["buyer_type"][r["period"], r["bt"]] = r
    # order lines of the paid orders: item sales, units, refunds spread by line share, cost (gross margin);
    # per store × product (products, refunds)
    for r in rows(
        "items",
        f"""
        WITH po AS (
            SELECT store, order_id, refund_amount, {period} AS period FROM (
                SELECT store, order_id, refund_amount, paid_at::DATE AS d FROM orders
                WHERE store IN ({stores}) AND paid_at IS NOT NULL
                  AND (paid_at::DATE BETWEEN DATE '{ps}' AND DATE '{ce}' OR paid_at::DATE BETWEEN DATE '{ys}' AND DATE '{ye}'))
            WHERE period IS NOT NULL),
        li AS (
            SELECT i.store, i.sku, coalesce(nullif(i.sku, ''), nullif(i.product_id, ''), '') AS product,
                   i.quantity, i.amount, po.refund_amount, po.period,
                   sum(i.amount) OVER (PARTITION BY i.store, i.order_id) AS order_total
            FROM order_items i JOIN po ON i.store = po.store AND i.order_id = po.order_id
            WHERE i.store IN ({stores}))
        SELECT period, li.store, product, GROUPING(li.store, product) AS g,
               sum(amount) AS item_amount, sum(quantity) AS item_units,
               round(sum((refund_amount * amount)::DOUBLE / nullif(order_total::DOUBLE, 0)), 2)::DECIMAL(38, 2) AS item_refund,
               CASE WHEN count(quantity * p.unit_cost) < count(*) THEN NULL ELSE sum(quantity * p.unit_cost) END AS cogs
        FROM li LEFT JOIN products p ON p.store = li.store AND p.sku = li.sku
        GROUP BY GROUPING SETS ((period), (period, li.store, product))""",
    ):
        key = (r["period"], "", "") if r["g"] else (r["period"], "product", (r["store"], r["product"]))
        fam["items"][key] = r
    # traffic report: each split at its level (the platform's all-channel rows vs per-channel rows)
    for split, sets, dims in (
        (None, "(period), (period, store), (period, date)", ("store", "date")),
        ("channel", "(period, store, channel)", ("store", "channel")),
        ("device", "(period, device)", ("device",)),
    ):
        for r in rows(
            "traffic",
            f"""
            WITH t AS (
                SELECT *, {period_of("date")} AS period FROM traffic_daily
                WHERE store IN ({stores})
                QUALIFY {_traffic_level(split)} = min({_traffic_level(split)}) OVER (PARTITION BY store, date))
            SELECT period, {", ".join(dims)}, GROUPING({", ".join(dims)}) AS g,
                   sum(uv) AS uv, sum(pv) AS pv,
                   CASE WHEN count(buyers) < count(*) THEN NULL ELSE sum(buyers) END AS traffic_buyers,
                   CASE WHEN count(paid_amount) < count(*) THEN NULL ELSE sum(paid_amount) END AS traffic_paid_amount
            FROM t WHERE period IS NOT NULL GROUP BY GROUPING SETS ({sets})""",
        ):
            if split == "channel":
                key = (r["period"], "channel", (r["store"], r["channel"]))
            elif split == "device":
                key = (r["period"], "device", r["device"])
            elif r["g"] == 3:
                key = (r["period"], "", "")
            elif r["g"] == 1:
                key = (r["period"], "store", r["store"])
            else:
                key = (r["period"], "day", r["date"].isoformat())
            fam["traffic"][key] = r
    # ads: per period, store, tool and campaign
    for r in rows(
        "ads",
        f"""
        WITH a AS (
            SELECT {period_of("date")} AS period, * FROM ad_spend
            WHERE store IN ({stores})
              AND (date BETWEEN DATE '{ps}' AND DATE '{ce}' OR date BETWEEN DATE '{ys}' AND DATE '{ye}'))
        SELECT period, store, platform, campaign, GROUPING(store, platform, campaign) AS g,
               sum(spend) AS ad_spend, sum(amount) AS ad_amount, sum(clicks) AS clicks, sum(impressions) AS impressions
        FROM a WHERE period IS NOT NULL
        GROUP BY GROUPING SETS ((period), (period, store), (period, store, platform), (period, store, campaign))""",
    ):
        dim, value = {7: ("", ""), 3: ("store", r["store"]), 1: ("tool", (r["store"], r["platform"]))}.get(
            r["g"], ("campaign", (r["store"], r["campaign"]))
        )
        key = (r["period"], dim, value)
        fam["ads"][key] = r
    fam["titles"] = {
        (r["store"], r["sku"]): r
        for r in rows("titles", f"SELECT store, sku, title FROM products WHERE store IN ({stores})")
    }
    fam["targets"] = {
        (r["store"], r["metric"], r["grain"], r["period_start"]): r
        for r in rows(
            "targets",
            f"SELECT * FROM targets WHERE store IN ({stores}) AND period_start >= DATE '{cs}' AND period_end <= DATE '{ce}'",
        )
    }
    return fam


def child_sql(warehouse: str, weekfile: str) -> dict[str, Any]:
    import duckdb

    w = json.loads(Path(weekfile).read_text())
    clock = Clock()
    con = duckdb.connect(warehouse, read_only=True)
    timings: dict[str, float] = {}
    fam = sql_families(con, w, timings)
    con.close()
    return {**clock.read(), "timings": timings, "figures": figures_from_families(fam, w)}


def _cents(values: Any) -> Any:
    """Money (DuckDB DECIMAL arrives in pandas as float64) as integer cents, so that sums are exact; NULL as 0."""
    import numpy as np

    return np.rint(np.nan_to_num(values.to_numpy(dtype="float64", na_value=np.nan)) * 100).astype("int64")


def pandas_families(warehouse: str, w: dict[str, str]) -> tuple[Families, float]:
    """The report's figures in pandas, from the scope's rows of the needed columns; returns (figures, load s)."""
    import duckdb
    import numpy as np
    import pandas as pd

    clock = time.perf_counter()
    con = duckdb.connect(warehouse, read_only=True)
    stores = _literals(SCOPE)

    def load(sql: str) -> pd.DataFrame:
        return con.sql(sql).df()

    orders = load(
        "SELECT store, order_id, buyer_id, paid_at, paid_amount, refund_amount, device, province"
        f" FROM orders WHERE store IN ({stores})"
    )
    items = load(
        f"SELECT store, order_id, sku, product_id, quantity, amount FROM order_items WHERE store IN ({stores})"
    )
    traffic = load(f"SELECT * FROM traffic_daily WHERE store IN ({stores})")
    ads = load(f"SELECT * FROM ad_spend WHERE store IN ({stores})")
    products = load(f"SELECT store, sku, title, unit_cost FROM products WHERE store IN ({stores})")
    targets = load(f"SELECT * FROM targets WHERE store IN ({stores})")
    con.close()
    loaded = time.perf_counter() - clock

    day = {k: pd.Timestamp(v) for k, v in w.items() if k.endswith(("_start", "_end"))}
    bounds = {p: (day[f"{p}_start"], day[f"{p}_end"]) for p in PERIODS}

    def period_of(days: pd.Series) -> np.ndarray:
        conds = [(days >= s) & (days <= e) for s, e in bounds.values()]
        return np.select(conds, list(bounds), default="")

    fam: Families = defaultdict(dict)
    o = orders[orders["paid_at"].notna()].copy()
    o["d"] = o["paid_at"].dt.normalize()
    o["paid_c"], o["refund_c"] = _cents(o["paid_amount"]), _cents(o["refund_amount"])
    o["device"], o["province"] = o["device"].fillna(""), o["province"].fillna("")
    o["period"] = period_of(o["d"])
    po = o[o["period"] != ""]

    def money(c: int) -> Decimal:
        return (Decimal(int(c)) / 100).quantize(CENT)

    def orders_agg(by: list[str]) -> pd.DataFrame:
        return po.groupby(["period", *by], sort=False).agg(
            paid=("paid_c", "sum"), refund=("refund_c", "sum"), n=("order_id", "size"), buyers=("buyer_id", "nunique")
        )

    for dim, by in (("", []), ("store", ["store"]), ("device", ["device"]), ("province", ["province"]), ("day", ["d"])):
        for key, r in orders_agg(by).iterrows():
            p, value = (key, "") if not by else key
            value = value.date().isoformat() if dim == "day" else value
            fam["orders"][p, dim, value] = {
                "paid_amount": money(r.paid),
                "refund_amount": money(r.refund),
                "paid_orders": int(r.n),
                "buyers": int(r.buyers),
            }
    # new vs returning
    for p in ("now", "prev"):
        start = bounds[p][0]
        cur = po[po["period"] == p]
        hist = o[(o["d"] >= start - pd.Timedelta(days=365)) & (o["d"] < start) & o["buyer_id"].isin(cur["buyer_id"])]
        seen = hist[["store", "buyer_id"]].drop_duplicates().assign(returning=True)
        m = cur.merge(seen, on=["store", "buyer_id"], how="left")
        m["bt"] = np.where(m["buyer_id"].isna(), "", np.where(m["returning"].notna(), "returning", "new"))
        for bt, g in m.groupby("bt"):
            fam["buyer_type"][p, bt] = {"buyers": int(g["buyer_id"].nunique()), "paid_amount": money(g["paid_c"].sum())}
    # order lines
    li = items[items["order_id"].isin(po["order_id"])]  # the lines of the periods' orders, before the merge
    li = li.merge(po[["store", "order_id", "refund_amount", "period"]], on=["store", "order_id"])
    li["amount_c"] = _cents(li["amount"])
    li["order_total"] = li.groupby(["store", "order_id"])["amount_c"].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        li["share"] = li["refund_amount"].to_numpy(float) * (li["amount_c"] / li["order_total"].replace(0, np.nan))
    sku, product_id = li["sku"].fillna(""), li["product_id"].fillna("")
    li["product"] = np.where(sku != "", sku, product_id)
    li = li.merge(products[["store", "sku", "unit_cost"]], on=["store", "sku"], how="left")
    li["cost_c"] = li["quantity"] * _cents(li["unit_cost"].fillna(-1))
    li.loc[li["unit_cost"].isna(), "cost_c"] = -(10**15)  # strict: a line without cost empties the figure

    def items_agg(by: list[str]) -> pd.DataFrame:
        return li.groupby(["period", *by], sort=False).agg(
            amount=("amount_c", "sum"),
            units=("quantity", "sum"),
            refund=("share", "sum"),
            cost=("cost_c", "sum"),
            cost_min=("cost_c", "min"),
        )

    for dim, by in (("", []), ("product", ["store", "product"])):
        for key, r in items_agg(by).iterrows():
            p, value = (key, "") if not by else (key[0], (key[1], key[2]))
            fam["items"][p, dim, value] = {
                "item_amount": money(r.amount),
                "item_units": int(r.units),
                "item_refund": Decimal(repr(round(float(r.refund), 2))).quantize(CENT),
                "cogs": None if r.cost_min < -(10**14) else money(r.cost),
            }
    # traffic at the level each split needs
    t = traffic.copy()
    t["period"] = period_of(pd.to_datetime(t["date"]))
    c, d = t["channel"] != "", t["device"] != ""
    for split, splits in (
        (None, [("", []), ("store", ["store"]), ("day", ["date"])]),
        ("channel", [("channel", ["store", "channel"])]),
        ("device", [("device", ["device"])]),
    ):
        rc = np.where(c, 0, 4) if split == "channel" else np.where(c, 1, 0)
        rd = np.where(d, 0, 8) if split == "device" else np.where(d, 2, 0)
        level = pd.Series(rc + rd, index=t.index)
        rows = t[(level == level.groupby([t["store"], t["date"]]).transform("min")) & (t["period"] != "")]
        for dim, by in splits:
            g = rows.groupby(["period", *by], sort=False).agg(
                uv=("uv", "sum"),
                pv=("pv", "sum"),
                buyers=("buyers", "sum"),
                nb=("buyers", "count"),
                paid=("paid_amount", "sum"),
                npaid=("paid_amount", "count"),
                n=("uv", "size"),
            )
            for key, r in g.iterrows():
                p = key if not by else key[0]
                value: Any = "" if not by else (key[1] if len(by) == 1 else (key[1], key[2]))
                if dim == "day":
                    value = pd.Timestamp(value).date().isoformat()
                fam["traffic"][p, dim, value] = {
                    "uv": int(r.uv),
                    "pv": int(r.pv),
                    "traffic_buyers": int(r.buyers) if r.nb == r.n else None,
                    "traffic_paid_amount": Decimal(repr(round(float(r.paid), 2))).quantize(CENT)
                    if r.npaid == r.n
                    else None,
                }
    # ads
    a = ads.copy()
    a["period"] = period_of(pd.to_datetime(a["date"]))
    a = a[a["period"] != ""]
    a["spend_c"], a["amount_c"] = _cents(a["spend"]), _cents(a["amount"])
    for dim, by in (
        ("", []),
        ("store", ["store"]),
        ("tool", ["store", "platform"]),
        ("campaign", ["store", "campaign"]),
    ):
        g = a.groupby(["period", *by], sort=False).agg(
            spend=("spend_c", "sum"),
            amount=("amount_c", "sum"),
            clicks=("clicks", "sum"),
            impressions=("impressions", "sum"),
        )
        for key, r in g.iterrows():
            p = key if not by else key[0]
            value = "" if not by else (key[1] if len(by) == 1 else (key[1], key[2]))
            fam["ads"][p, dim, value] = {
                "ad_spend": money(r.spend),
                "ad_amount": money(r.amount),
                "clicks": int(r.clicks),
                "impressions": int(r.impressions),
            }
    fam["titles"] = {
        (s, k): {"title": v} for s, k, v in zip(products["store"], products["sku"], products["title"], strict=True)
    }
    fam["targets"] = {(i,): r for i, r in targets.iterrows()}
    return fam, loaded


def child_pandas(warehouse: str, weekfile: str) -> dict[str, Any]:
    import duckdb  # noqa: F401  (imports are outside the clock, as for the report)
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    w = json.loads(Path(weekfile).read_text())
    clock = Clock()
    fam, loaded = pandas_families(warehouse, w)
    return {**clock.read(), "load_s": loaded, "figures": figures_from_families(fam, w)}


def child_profile(project: str, weekfile: str, cprofile_out: str = "") -> dict[str, Any]:
    """One report with a timeline of its statements: when each was compiled (on the report's thread),
    when DuckDB ran it and on which thread (the batch's worker, or the report's own thread), and how
    long each section waited for the worker; with Ibis compile time, table lookups and
    ``fields_available`` lookups per section."""
    import cProfile
    import pstats
    import threading

    import ibis.backends.duckdb as ibis_duckdb
    import ibis.backends.sql as ibis_sql

    import shopops.compositions.periodic as rep
    import shopops.plan.track  # noqa: F401  (as in child_report)
    import shopops.warehouse.store as store
    from shopops.analyses.base import Context
    from shopops.project import Project
    from shopops.warehouse.store import Warehouse

    metric_query = importlib.import_module("shopops.metrics.batch")

    w = json.loads(Path(weekfile).read_text())
    section = ["setup"]
    counts: Counter[tuple[str, str]] = Counter()
    secs: Counter[tuple[str, str]] = Counter()
    statements: list[dict[str, Any]] = []  # every statement DuckDB ran, on any thread
    compiled: dict[str, dict[str, Any]] = {}  # SQL text of a metric statement -> what it asks
    spans: list[dict[str, Any]] = []  # sections: start, end
    t0 = [0.0]
    last_sql: list[str] = [""]

    def now() -> float:
        return time.perf_counter() - t0[0]

    def timed(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                counts[section[0], kind] += 1
                secs[section[0], kind] += time.perf_counter() - clock

        return wrapper

    plain_compile = ibis_sql.SQLBackend.compile

    def compile_(self: Any, expr: Any, /, **kwargs: Any) -> str:
        out: str = timed("Ibis compile", plain_compile)(self, expr, **kwargs)
        last_sql[0] = out
        return out

    def record(text: str, started: float) -> None:
        thread = "worker" if threading.current_thread().name.startswith("shopops-read") else "report"
        statements.append({"text": text, "thread": thread, "start": started, "end": now(), "section": section[0]})

    plain_fetch = store.fetch_frame  # metric statements (the batch's worker and run())

    def fetch_frame(con: Any, text: str, schema: Any) -> Any:
        started = now()
        try:
            return plain_fetch(con, text, schema)
        finally:
            record(text, started)

    plain_execute = ibis_duckdb.Backend.execute  # everything else (targets, titles, lookups)

    def execute(self: Any, expr: Any, /, **kwargs: Any) -> Any:
        started = now()
        try:
            return plain_execute(self, expr, **kwargs)
        finally:
            record(last_sql[0], started)  # (compiled inside execute: see compile_)

    plain_batch_compile = metric_query.Batch._compile

    def batch_compile(self: Any, wide_q: Any, q: Any, periods: Any) -> Any:
        clock = time.perf_counter()
        out = plain_batch_compile(self, wide_q, q, periods)
        query = out.query
        compiled[out.text] = {
            "what": ",".join(query.metrics)
            + (f" by {','.join(query.by)}" if query.by else "")
            + (f" per {query.grain}" if query.grain != "total" else ""),
            "period": f"{query.start}..{query.end}",
            "compile_s": time.perf_counter() - clock,
            "planned_in": section[0],
        }
        return out

    plain_finish = metric_query.Batch._finish

    def finish(self: Any, started: Any) -> Any:
        return timed("waiting for the worker", lambda: plain_finish(self, started))()

    store.fetch_frame = fetch_frame  # type: ignore[assignment]
    metric_query.Batch._compile = batch_compile  # type: ignore[method-assign]
    metric_query.Batch._finish = finish  # type: ignore[method-assign]
    Warehouse.fields_available = timed("fields_available()", Warehouse.fields_available)  # type: ignore[method-assign]
    ibis_sql.SQLBackend.compile = compile_  # type: ignore[method-assign]
    ibis_duckdb.Backend.execute = execute  # type: ignore[method-assign]
    ibis_duckdb.Backend.table = timed("table() lookup (DESCRIBE)", ibis_duckdb.Backend.table)  # type: ignore[method-assign]
    plain_timed, plain_plan = Context.timed, rep._plan

    def in_section(ctx: Any, name: str, fn: Callable[[], Any]) -> Any:
        section[0] = name
        spans.append({"section": name, "start": now()})
        try:
            return plain_timed(ctx, name, fn)  # type: ignore[arg-type]
        finally:
            spans[-1]["end"] = now()
            section[0] = "other"

    def planning(ctx: Any, chosen: Any) -> None:
        in_section(ctx, "plan (compiles and starts the batch)", lambda: plain_plan(ctx, chosen))

    Context.timed = in_section  # type: ignore[method-assign,assignment]
    rep._plan = planning  # type: ignore[assignment]
    asked = [0]  # metric queries the sections and analyses ask (a Batch answers several from one statement)
    plain_batch_run = metric_query.Batch.run

    def batch_run(self: Any, q: Any) -> Any:
        asked[0] += 1
        return plain_batch_run(self, q)

    metric_query.Batch.run = batch_run  # type: ignore[method-assign]
    profiler = cProfile.Profile()  # only with cprofile_out: it slows Python down about twofold
    clock = time.perf_counter()
    with Project.open(project) as p:
        if cprofile_out:
            profiler.enable()
        t0[0] = time.perf_counter()
        report = rep.build_report(p, rep.ReportParams("weekly", day=date.fromisoformat(w["day"]), stores=SCOPE))
        profiler.disable()
        total = time.perf_counter() - clock
    scans: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for st in statements:
        tables = re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', st["text"])
        scans.update(tables)
        kinds[_query_kind(set(tables), st["text"])] += 1
        st.update(compiled.get(st["text"], {"what": _query_kind(set(tables), st["text"])}))
        del st["text"]
    if cprofile_out:
        with open(cprofile_out, "w") as fh:
            stats = pstats.Stats(profiler, stream=fh)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(40)
    by_section: dict[str, dict[str, float]] = defaultdict(dict)
    for (name, kind), n in counts.items():
        by_section[name][f"{kind} n"] = n
        by_section[name][f"{kind} s"] = secs[name, kind]
    for sp in spans:
        by_section[sp["section"]].update(start=sp["start"], end=sp["end"])
    return {
        "statements": sorted(statements, key=lambda st: st["start"]),
        "queries": asked[0],
        "seconds": total,
        "timings": report.timings,
        "sections": by_section,
        "scans": dict(scans),
        "kinds": dict(kinds),
    }


def _query_kind(tables: set[str], sql: str) -> str:
    if tables == {"targets"}:
        return "targets"
    if "period_start" in sql:
        return "metric queries"
    if tables == {"imports"}:
        return "fields_available (imports)"
    if tables == {"orders"}:
        return "first order per store (history check)" if "MIN(" in sql else "newest order day"
    return ", ".join(sorted(tables)) or "no table"


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "report": child_report,
    "render": child_render,
    "sql": child_sql,
    "pandas": child_pandas,
    "profile": child_profile,
}


def child_env(work: Path) -> dict[str, str]:
    """Children keep compiled bytecode (in ``work``, not in the source tree), as an installed package has it:
    with ``PYTHONDONTWRITEBYTECODE`` every process would compile ibis, sqlglot and pandas from source, and
    the modules a report imports lazily would count in its time."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def compile_bytecode(work: Path) -> None:
    """Byte-compile the environment and the sources once into ``work/pycache`` (fast when up to date)."""
    import sysconfig

    roots = [sysconfig.get_paths()["purelib"], str(HERE.parent / "src")]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *roots], env=child_env(work), capture_output=True
    )


def run_child(work: Path, name: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, *args]
    out = subprocess.run(cmd, capture_output=True, text=True, env=child_env(work))
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{name} failed: {' '.join(cmd)}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=10_000_000, help="orders over the three sample stores")
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "shopops-bench", help="cache of built projects"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the median is shown)")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--no-profile", action="store_true", help="skip the query profile")
    ap.add_argument("--cprofile", action="store_true", help="also write a cProfile of the report to the work folder")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, *rest = args.child
        print(json.dumps(CHILDREN[name](*rest), default=str))
        return

    folder = args.work / f"report-{args.orders}-{args.days}d-seed{args.seed}"
    meta = build_project(folder, args.orders, args.days, args.seed)
    if args.build_only:
        return
    compile_bytecode(args.work)
    warehouse = folder / "project" / "warehouse.duckdb"
    w = week_of(warehouse)
    weekfile = folder / "week.json"
    weekfile.write_text(json.dumps(w))
    sizes = table_sizes(warehouse)
    runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pickled = folder / "report.pickle"
    load = [os.getloadavg()[0]]
    for i in range(args.repeat):  # interleaved, so that load from other jobs hits every measurement alike
        sys.stderr.write(f"run {i + 1}/{args.repeat}:")
        for name in ("report", "render", "sql", "pandas"):
            out_dir = tempfile.mkdtemp(dir=folder)
            child_args = {
                "report": (str(folder / "project"), str(weekfile), str(pickled)),
                "render": (str(pickled), out_dir),
                "sql": (str(warehouse), str(weekfile)),
                "pandas": (str(warehouse), str(weekfile)),
            }[name]
            warm(warehouse)
            runs[name].append(run_child(args.work, name, *child_args))
            shutil.rmtree(out_dir)
            load.append(os.getloadavg()[0])
            sys.stderr.write(f" {name} {runs[name][-1]['seconds']:.1f} s")
            sys.stderr.flush()
        sys.stderr.write("\n")
    checked = {
        name: compare(runs["report"][0]["figures"], runs[name][0]["figures"], name) for name in ("sql", "pandas")
    }
    profile = None
    if not args.no_profile:
        sys.stderr.write("profile\n")
        cprofile = str(folder / "cprofile.txt") if args.cprofile else ""
        warm(warehouse)
        profile = run_child(args.work, "profile", str(folder / "project"), str(weekfile), cprofile)
    result = {
        "meta": meta,
        "week": w,
        "sizes": sizes,
        "runs": runs,
        "checked": checked,
        "profile": profile,
        "load": load,
        "cpus": os.cpu_count(),
    }
    (folder / "result.json").write_text(json.dumps(result, indent=1, default=str))
    print(markdown(result, args))


def warm(warehouse: Path) -> None:
    """Read the warehouse file so that every measurement starts with it in the page cache: the machine
    reclaims cold pages (pandas' 9 GB run pushes the file out), and the first statements of whichever
    measurement came next would read the disk."""
    with open(warehouse, "rb") as fh:
        while fh.read(1 << 24):
            pass


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def markdown(result: dict[str, Any], args: argparse.Namespace) -> str:
    runs, sizes, w = result["runs"], result["sizes"], result["week"]
    scope = {t: sum(n for s, n in sizes[t].items() if s in SCOPE) for t in sizes}
    total = {t: sum(sizes[t].values()) for t in sizes}
    load = result["load"]
    lines = [
        f"Data: {total['orders']:,} orders over three stores, {scope['orders']:,} of them in the report's scope "
        f"({' + '.join(SCOPE)}), with {scope['order_items']:,} order lines, {scope['traffic_daily']:,} traffic rows "
        f"and {scope['ad_spend']:,} ad rows; {result['meta']['days']} days. Week {w['label']} "
        f"({w['now_start']} – {w['now_end']}) against {w['prev_start']} – {w['prev_end']} and "
        f"{w['yoy_start']} – {w['yoy_end']}.",
        f"Figures checked equal to the report's: SQL {result['checked']['sql']}, pandas {result['checked']['pandas']}.",
        f"Median of {args.repeat} interleaved runs, each in its own process; {result['cpus']} CPUs, "
        f"1-minute load average {min(load):.1f}–{max(load):.1f} during the runs.",
        "",
        "| step | wall (s) | CPU (s) | report ÷ this, wall | report ÷ this, CPU | peak RSS (MB) |",
        "|---|---|---|---|---|---|",
    ]
    report_s, report_cpu = _median(runs["report"], "seconds"), _median(runs["report"], "cpu_s")
    rows = (
        ("shopops `build_report` (open + every query and analysis)", "report"),
        ("shopops `render` (HTML, Excel, Markdown, JSON)", "render"),
        ("hand-written DuckDB SQL, same figures", "sql"),
        ("pandas, same figures (load included)", "pandas"),
    )
    for label, key in rows:
        s, cpu = _median(runs[key], "seconds"), _median(runs[key], "cpu_s")
        ratios = ("—", "—") if key in ("report", "render") else (f"{report_s / s:.2f}x", f"{report_cpu / cpu:.2f}x")
        extra = f" (load {_median(runs[key], 'load_s'):.1f})" if key == "pandas" else ""
        rss = max(r["rss_mb"] for r in runs[key])
        lines.append(f"| {label} | {s:.2f}{extra} | {cpu:.2f} | {ratios[0]} | {ratios[1]} | {rss:,.0f} |")
    sql_s, pandas_s = _median(runs["sql"], "seconds"), _median(runs["pandas"], "seconds")
    lines += [
        "",
        f"Goals: report ≤ 1.3x the SQL — measured {report_s / sql_s:.1f}x; pandas ≥ 20x the report — measured "
        f"{pandas_s / report_s:.2f}x. All runs (s): "
        + "; ".join(
            f"{k} " + ", ".join(f"{r['seconds']:.1f}" for r in runs[k]) for k in ("report", "render", "sql", "pandas")
        ),
        "",
        "| section (`report.timings`) | s (median) |",
        "|---|---|",
    ]
    for name in runs["report"][0]["timings"]:
        lines.append(f"| {name} | {statistics.median(r['timings'][name] for r in runs['report']):.2f} |")
    sql_t = runs["sql"][0]["timings"]
    lines += [
        "",
        "The SQL baseline's statements (s, median): "
        + ", ".join(f"{k} {statistics.median(r['timings'][k] for r in runs['sql']):.2f}" for k in sql_t)
        + ".",
    ]
    profile = result.get("profile")
    if profile:
        lines += profile_markdown(profile)
    lines += [
        "",
        f"Reproduce: `python benchmarks/bench_report.py --orders {args.orders} --repeat {args.repeat}` "
        f"(the project is built once and cached in {args.work}).",
    ]
    return "\n".join(lines)


def profile_markdown(profile: dict[str, Any]) -> list[str]:
    sts = profile["statements"]
    worker = [st for st in sts if st["thread"] == "worker"]
    busy = sum(st["end"] - st["start"] for st in worker)
    lines = [
        "",
        f"Timeline of one more report ({profile['seconds']:.1f} s with the counters on; {len(sts)} statements, "
        f"{len(worker)} of them on the batch's worker, busy {busy:.2f} s; {profile['queries']} metric queries asked). "
        "Sections in the order they run; *Ibis compile* and *waiting* are the report thread's:",
        "",
        "| section | from – to (s) | Ibis compile n / s | waiting for the worker n / s | statements on the report thread n / s |",
        "|---|---|---|---|---|",
    ]
    for name, v in profile["sections"].items():
        if "start" not in v:
            continue
        own = [st for st in sts if st["thread"] == "report" and st["section"] == name]
        cells = [
            f"{v['start']:.2f} – {v['end']:.2f}",
            *(
                f"{int(v.get(f'{k} n', 0))} / {v.get(f'{k} s', 0.0):.2f}" if v.get(f"{k} n") else ""
                for k in ("Ibis compile", "waiting for the worker")
            ),
            f"{len(own)} / {sum(st['end'] - st['start'] for st in own):.2f}" if own else "",
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Statements by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(profile["kinds"].items())) + ".",
        "Table references in them: " + ", ".join(f"{k} {n}" for k, n in sorted(profile["scans"].items())) + ".",
        "",
        "The statements, in the order they started (metric statements: compiled in *plan*, run on the worker):",
        "",
        "| start – end (s) | thread | what | period | compile s |",
        "|---|---|---|---|---|",
    ]
    for st in sts:
        compile_s = f"{st['compile_s']:.2f}" if "compile_s" in st else ""
        lines.append(
            f"| {st['start']:.2f} – {st['end']:.2f} | {st['thread']} | {st['what']} | {st.get('period', '')} | {compile_s} |"
        )
    return lines


if __name__ == "__main__":
    main()
