"""20/80, ABC classes, product roles and margin per product.

**Pareto.** Within each store (stores may differ in currency), products and customers are ranked
by sales, largest first (ties by key). The curve
gives, for every share of the entities, the share of sales they made; ``top_share`` is the sales
share of the top 20 % (``ceil(0.2 · n)`` entities).

**ABC.** Walking down the ranking, an entity is **A** while the cumulative share *before* it is below
``a`` (default 0.80: the fewest top entities that make 80 % of sales), **B** while it is below ``b``
(0.95), **C** after. Class shares add up to 100 % (entities with no sales are C).

**Margin per product** (per store and SKU, orders paid in the period):

- ``sales``: line amounts; ``discount``: ``quantity × products.price − amount`` where the product file
  has a list price (else empty);
- ``refund``: each order's refund spread over its lines by line amount (the catalogue's ``item_refund``);
- ``cogs``: ``quantity × products.unit_cost`` (empty without a cost, never 0);
- ``ad_spend``: the store's ad spend in the period allocated to its products **by their share of the
  store's sales** (ad exports carry campaigns, not SKUs, so no finer attribution is claimed);
- ``margin = sales − refund − cogs − ad_spend``; ``margin_rate = margin / (sales − refund)``.

**Roles** (per store, from percentile ranks among the store's products that sold in the period):

- 定制款 ``custom``: only where the product file says so;
- 形象款 ``image``: price rank ≥ 0.90 and units rank ≤ 0.50 (expensive, rarely bought);
- 引流款 ``traffic``: units rank ≥ 0.80 and margin-rate rank ≤ 0.50 (sells the most, thin margin);
- 利润款 ``profit``: margin-rate rank ≥ 0.60 and sales rank ≥ 0.50 (good margin on real sales);
- ``other`` otherwise. Rules apply in this order; ``products.role`` overrides any of them.

Price is the list price where the product file has one, else the average unit price. Without a unit
cost the margin rank is unknown, so traffic and profit cannot be assigned (a note says so).

Registered as ``products`` (:data:`ANALYSIS`): the orders paid in the context's period (``start`` and
``end`` unset), presented as the 20/80 and ABC section with the top products' roles and margin.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import numpy as np
import pandas as pd

from shopops.analyses.base import Analysis, Context, over_period
from shopops.analyses.narrative import Narrator
from shopops.analyses.orderlines import check_period, lacking_note, line_scope, paid_lines, within
from shopops.analyses.rows import Words, records
from shopops.errors import QueryError
from shopops.reports.model import Chart, Column, Section, Table
from shopops.warehouse.scope import Scope

ROLES = {"custom": "定制款", "image": "形象款", "traffic": "引流款", "profit": "利润款", "other": "其他"}


@dataclass(frozen=True)
class RoleRules:
    """Percentile-rank thresholds of the role rules (see the module docstring)."""

    image_price: float = 0.90
    image_units_max: float = 0.50
    traffic_units: float = 0.80
    traffic_margin_max: float = 0.50
    profit_margin: float = 0.60
    profit_sales: float = 0.50


@dataclass(frozen=True)
class ProductsParams:
    """Orders paid in ``start``–``end`` (inclusive; None: open); ``stores``: only these (empty: all).

    ``a``/``b``: ABC cumulative-share thresholds; ``top``: the share of entities Pareto reports on;
    ``shown``: the products listed in the section's roles table (the best-selling ones).
    """

    start: date | None = None
    end: date | None = None
    stores: tuple[str, ...] = ()
    a: float = 0.80
    b: float = 0.95
    top: float = 0.20
    rules: RoleRules = field(default_factory=RoleRules)
    shown: int = 10

    def __post_init__(self) -> None:
        check_period(self.start, self.end)
        if self.shown < 1:
            raise QueryError(f"shown must be at least 1 (got {self.shown})", code="param.invalid")
        if not 0 < self.a < self.b <= 1:
            raise QueryError(f"ABC thresholds must satisfy 0 < a < b ≤ 1 (got a={self.a}, b={self.b})")
        if not 0 < self.top <= 1:
            raise QueryError(f"top must be a share in (0, 1] (got {self.top})")
        object.__setattr__(self, "stores", tuple(self.stores))


@dataclass
class ProductsResult:
    """``products``: one row per store and SKU (sales, units, margin parts, rank, cum_share, abc, role);
    ``customers``: one row per store and buyer (sales, rank, cum_share, abc); ``abc``: per entity kind
    and class the count and sales share; ``pareto``: the top-share summary; ``curve``: the cumulative
    curve at each percent of entities; ``notes``: honest gaps; ``timings``: seconds per step."""

    products: pd.DataFrame
    customers: pd.DataFrame
    abc: pd.DataFrame
    pareto: pd.DataFrame
    curve: pd.DataFrame
    params: ProductsParams
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def headline(self, lang: str) -> str | None:
        """The sentence a report's summary takes from this analysis: the store whose top products make the
        largest share of its sales, and that share (``None`` without products)."""
        s = Narrator(lang, "range")
        rows = [r for r in records(self.pareto) if r["entity"] == "product"]
        if not rows:
            return None
        best = max(rows, key=lambda r: r["top_sales_share"] or 0)
        share = s.f(best["top_sales_share"], "ratio")
        if lang == "zh":
            return f"{best['store']}：销售额前 20% 的商品（{best['top_count']} 个）贡献了 {share} 的销售额。"
        return f"{best['store']}: the top 20% of products ({best['top_count']}) bring {share} of sales."


# ---------------------------------------------------------------- pure layer


def abc_classes(sales: pd.Series, a: float = 0.80, b: float = 0.95) -> pd.DataFrame:
    """Rank, cumulative share and ABC class of each entity (index kept), ranked by sales then index.

    >>> abc_classes(pd.Series([50, 30, 15, 5], index=list("wxyz")))["abc"].tolist()
    ['A', 'A', 'B', 'C']
    """
    values = sales.astype(float).clip(lower=0)
    # by sales descending, then the key as text (a stable sort of both columns; 1M buyers in a second,
    # where sorted() with a key that looks each value up took ten)
    keys = pd.DataFrame({"sales": -values.to_numpy(), "key": values.index.astype(str)})
    ranked = values.iloc[keys.sort_values(["sales", "key"], kind="stable").index.to_numpy()]
    total = float(ranked.sum())
    cum = ranked.cumsum() / total if total > 0 else ranked * 0.0
    before = ranked.cumsum().shift(1, fill_value=0.0) / total if total > 0 else ranked * 0.0
    sold = ranked.to_numpy() > 0
    cls = np.where(sold & (before.to_numpy() < a), "A", np.where(sold & (before.to_numpy() < b), "B", "C"))
    out = pd.DataFrame(
        {"rank": range(1, len(ranked) + 1), "share": ranked / total if total > 0 else 0.0, "cum_share": cum},
        index=ranked.index,
    )
    out["abc"] = cls.astype(object)
    return out


def pareto_curve(sales: pd.Series, steps: int = 100) -> pd.DataFrame:
    """Share of sales made by the top ``k/steps`` of entities, k = 1…steps (ceil of the entity count)."""
    cum = _descending_cumsum(sales)
    total = float(cum[-1]) if len(cum) else 0.0
    rows = []
    for k in range(1, steps + 1):
        n = math.ceil(len(cum) * k / steps)
        rows.append(
            {"entity_share": k / steps, "entities": n, "sales_share": float(cum[n - 1]) / total if n and total else 0.0}
        )
    return pd.DataFrame(rows)


def top_share(sales: pd.Series, top: float = 0.20) -> tuple[int, float]:
    """(number of top entities, their share of sales): the top ``ceil(top · n)`` entities."""
    cum = _descending_cumsum(sales)
    n = math.ceil(len(cum) * top)
    total = float(cum[-1]) if len(cum) else 0.0
    return n, (float(cum[n - 1]) / total if n and total else 0.0)


def _descending_cumsum(sales: pd.Series) -> np.ndarray:
    """Running totals of the sales (negative as 0) from the largest down, added left to right as
    ``sum()`` adds (numpy's ``sum`` adds pairwise, which can differ in the last bit)."""
    values = np.sort(np.clip(sales.astype(float).to_numpy(), 0.0, None))[::-1]
    return np.cumsum(values)


def assign_roles(frame: pd.DataFrame, rules: RoleRules) -> pd.Series:
    """The role of each product of one store (see the module docstring); ``frame`` has price, units,
    sales, margin_rate and file_role columns."""
    sold = frame["units"] > 0
    pct = frame[sold].rank(pct=True, method="average", numeric_only=True)
    roles = pd.Series("other", index=frame.index, dtype=object)
    for idx in frame.index:
        if not sold[idx]:
            continue
        r = pct.loc[idx]
        margin = r.get("margin_rate")
        has_margin = margin is not None and not pd.isna(margin)
        if r["price"] >= rules.image_price and r["units"] <= rules.image_units_max:
            roles[idx] = "image"
        elif has_margin and r["units"] >= rules.traffic_units and margin <= rules.traffic_margin_max:
            roles[idx] = "traffic"
        elif has_margin and margin >= rules.profit_margin and r["sales"] >= rules.profit_sales:
            roles[idx] = "profit"
    override = frame["file_role"].fillna("").astype(str).str.strip()
    return roles.where(override == "", override)


# ---------------------------------------------------------------- analysis layer


def products(source: Scope | Any, params: ProductsParams) -> ProductsResult:
    """Pareto, ABC, roles and margin of products, and Pareto/ABC of customers, for orders paid in the period.

    >>> products(project, ProductsParams(date(2026, 10, 1), date(2026, 10, 31))).abc  # doctest: +SKIP
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    scope = line_scope(source, params.stores)
    notes: list[str] = []
    lines = paid_lines(scope, params.start, params.end)
    per_product = _product_frame(scope, lines, params)
    timings["products"] = time.perf_counter() - t0
    for need, what in (
        ("products.unit_cost", "cost of goods and margin"),
        ("products.price", "list-price discounts"),
        ("ad_spend.spend", "attributed ad spend"),
    ):
        note = lacking_note(scope, need, what)
        if note:
            notes.append(note)
    if per_product["cogs"].isna().any() and len(per_product):
        missing = int(per_product["cogs"].isna().sum())
        notes.append(
            f"{missing} product(s) have no unit cost: their margin is empty and roles traffic/profit are not assigned"
        )
    t0 = time.perf_counter()
    buyers_ok = scope.having("orders.buyer_id")
    note = lacking_note(scope, "orders.buyer_id", "customer Pareto/ABC")
    if note:
        notes.append(note)
    b = lines.filter(lines.store.isin(buyers_ok) & lines.buyer_id.notnull()) if buyers_ok else None
    cust = (
        b.group_by(["store", "buyer_id"]).agg(sales=b.amount.sum()).execute()
        if b is not None
        else pd.DataFrame({"store": [], "buyer_id": [], "sales": []})
    )
    timings["customers"] = time.perf_counter() - t0
    products_out = _ranked(per_product, ["store", "sku"], params)
    customers_out = _ranked(cust, ["store", "buyer_id"], params)
    abc, pareto, curve = _summaries({"product": products_out, "customer": customers_out}, params)
    return ProductsResult(products_out, customers_out, abc, pareto, curve, params, notes, timings)


def _product_frame(scope: Scope, lines: Any, params: ProductsParams) -> pd.DataFrame:
    line_refund = ibis.ifelse(
        lines.order_items_amount != 0, lines.order_refund * lines.amount / lines.order_items_amount, 0
    )
    agg = lines.group_by(["store", "sku"]).agg(
        units=lines.quantity.sum(),
        orders=lines.order_id.nunique(),
        sales=lines.amount.sum(),
        refund=line_refund.sum(),
        avg_unit_price=lines.unit_price.mean(),
    )
    p = scope.wh.table("products")
    p = p.filter(p.store.isin(scope.names)).select(
        p_store=p.store, p_sku=p.sku, title=p.title, list_price=p.price, unit_cost=p.unit_cost, file_role=p.role
    )
    j = agg.left_join(p, [agg.store == p.p_store, agg.sku == p.p_sku])
    frame = j.select(
        "store",
        "sku",
        "title",
        "units",
        "orders",
        "sales",
        "refund",
        "avg_unit_price",
        "list_price",
        "unit_cost",
        "file_role",
    ).execute()
    ads = scope.wh.table("ad_spend")
    ads = within(ads.filter(ads.store.isin(scope.names)), ads.date.cast("timestamp"), params.start, params.end)
    spend = ads.group_by("store").agg(spend=ads.spend.sum()).execute()
    return _margins(
        frame, {str(s): Decimal(str(v)) for s, v in zip(spend["store"], spend["spend"], strict=True)}, params
    )


def _dec(v: object) -> Decimal | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else Decimal(str(v))


def _margins(frame: pd.DataFrame, spend: dict[str, Decimal], params: ProductsParams) -> pd.DataFrame:
    cent = Decimal("0.01")
    rows = []
    for store, part in frame.groupby("store", sort=True):
        store_sales = sum((_dec(v) or Decimal(0) for v in part["sales"]), Decimal(0))
        for r in part.sort_values("sku").to_dict("records"):
            sales, units = _dec(r["sales"]) or Decimal(0), int(r["units"] or 0)
            refund = (_dec(r["refund"]) or Decimal(0)).quantize(cent)
            cost, lp = _dec(r["unit_cost"]), _dec(r["list_price"])
            ads = (
                (spend.get(str(store), Decimal(0)) * sales / store_sales).quantize(cent) if store_sales else Decimal(0)
            )
            cogs = (cost * units).quantize(cent) if cost is not None else None
            margin = sales - refund - cogs - ads if cogs is not None else None
            net = sales - refund
            rows.append(
                {
                    "store": store,
                    "sku": r["sku"],
                    "title": r["title"],
                    "units": units,
                    "orders": int(r["orders"]),
                    "sales": sales,
                    "price": float(lp) if lp is not None else float(r["avg_unit_price"] or 0),
                    "discount": (lp * units - sales).quantize(cent) if lp is not None else None,
                    "refund": refund,
                    "net_sales": net,
                    "cogs": cogs,
                    "ad_spend": ads,
                    "margin": margin,
                    "margin_rate": float(margin / net) if margin is not None and net else None,
                    "file_role": r["file_role"],
                }
            )
    out = pd.DataFrame(rows, columns=_PRODUCT_COLUMNS)
    if len(out):
        numeric = out.assign(
            sales=out["sales"].astype(float), margin_rate=pd.to_numeric(out["margin_rate"], errors="coerce")
        )
        out["role"] = pd.concat(
            [assign_roles(numeric.loc[idx], params.rules) for idx in numeric.groupby("store").groups.values()]
        )
    else:
        out["role"] = pd.Series(dtype=object)
    out["role_zh"] = out["role"].map(ROLES).fillna(out["role"])
    return out.drop(columns=["file_role"])


_PRODUCT_COLUMNS = [
    "store", "sku", "title", "units", "orders", "sales", "price", "discount", "refund", "net_sales", "cogs",
    "ad_spend", "margin", "margin_rate", "file_role",
]  # fmt: skip


def _ranked(frame: pd.DataFrame, key: list[str], params: ProductsParams) -> pd.DataFrame:
    """Rank, cumulative share and ABC class within each store (stores may have different currencies)."""
    if not len(frame):
        return frame.assign(rank=pd.Series(dtype=int), share=0.0, cum_share=0.0, abc=pd.Series(dtype=object))
    parts = []
    for _, part in frame.groupby("store", sort=True):
        idx = functools.reduce(lambda left, right: left + "\x1f" + right, [part[k].astype(str) for k in key])
        classes = abc_classes(pd.Series(part["sales"].astype(float).to_numpy(), index=idx), params.a, params.b)
        parts.append(part.assign(_k=idx.to_numpy()).set_index("_k").join(classes).sort_values("rank"))
    return pd.concat(parts).reset_index(drop=True)


def _summaries(
    frames: dict[str, pd.DataFrame], params: ProductsParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per entity kind and store: ABC class counts and sales shares, the top-share summary, the curve."""
    abc_rows, pareto_rows, curves = [], [], []
    for kind, frame in frames.items():
        for store, part in frame.groupby("store", sort=True) if len(frame) else []:
            sales = part["sales"].astype(float)
            total = float(sales.clip(lower=0).sum())
            for cls in "ABC":
                sel = part["abc"] == cls
                s = float(sales[sel].clip(lower=0).sum())
                abc_rows.append(
                    {
                        "entity": kind,
                        "store": store,
                        "abc": cls,
                        "count": int(sel.sum()),
                        "sales_share": s / total if total else 0.0,
                    }
                )
            n, share = top_share(sales, params.top)
            pareto_rows.append(
                {
                    "entity": kind,
                    "store": store,
                    "count": len(part),
                    "top": params.top,
                    "top_count": n,
                    "top_sales_share": share,
                }
            )
            curves.append(pareto_curve(sales).assign(entity=kind, store=store))
    abc = pd.DataFrame(abc_rows, columns=["entity", "store", "abc", "count", "sales_share"])
    pareto = pd.DataFrame(pareto_rows, columns=["entity", "store", "count", "top", "top_count", "top_sales_share"])
    curve = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(columns=["entity_share", "entities", "sales_share", "entity", "store"])
    )
    return abc, pareto, curve


# ---------------------------------------------------------------- the registered analysis


def build(ctx: Context, params: ProductsParams) -> ProductsResult:
    """:func:`products` over the context's scope, for the orders paid in its period where ``params`` give
    no dates."""
    return over_period(ctx, products, params)


def present(result: ProductsResult, lang: str) -> Section:
    """20/80 of products and customers per store, their ABC classes, the best sellers' roles and margin."""
    w = Words(lang, "range")
    s, zh = w.say, lang == "zh"
    entity = {"product": s.t("entity_product"), "customer": s.t("entity_customer")}
    pareto = [
        {**r, "entity": entity.get(str(r["entity"]), r["entity"])}
        for r in records(result.pareto[["entity", "store", "count", "top_count", "top_sales_share"]])
    ]
    abc = [
        {**r, "entity": entity.get(str(r["entity"]), r["entity"])}
        for r in records(result.abc[["entity", "store", "abc", "count", "sales_share"]])
    ]
    store = Column("store", w.dimension("store"))
    top = f"前 {result.params.top:.0%}" if zh else f"top {result.params.top:.0%}"
    section = Section("pareto", s.t("pareto"))
    section.tables.append(
        Table(
            "top20",
            s.t("pareto"),
            [
                Column("entity", s.t("entity")),
                store,
                Column("count", s.t("count"), "count"),
                Column("top_count", top, "count"),
                Column("top_sales_share", s.t("top_sales_share"), "ratio"),
            ],
            pareto,
        )
    )
    section.tables.append(
        Table(
            "abc",
            s.t("abc"),
            [
                Column("entity", s.t("entity")),
                store,
                Column("abc", s.t("abc")),
                Column("count", s.t("count"), "count"),
                Column("sales_share", s.t("sales_share"), "ratio"),
            ],
            abc,
        )
    )
    best = result.products.sort_values("sales", ascending=False).head(result.params.shown)
    shown = ["store", "sku", "title", "role", "role_zh", "abc", "units", "sales", "margin", "margin_rate"]
    roles = [{**r, "role": r["role_zh"] if zh else r["role"]} for r in records(best[shown])]
    section.tables.append(
        Table(
            "roles",
            s.t("roles"),
            [
                store,
                Column("sku", s.t("product")),
                Column("title", s.t("title")),
                Column("role", s.t("role")),
                Column("abc", s.t("abc")),
                Column("units", w.name("item_units"), "count"),
                Column("sales", s.t("sales"), "money"),
                Column("margin", s.t("margin"), "money"),
                Column("margin_rate", s.t("margin_rate"), "ratio"),
            ],
            roles,
        )
    )
    section.charts.append(Chart("roles_chart", s.t("roles"), "barh", "roles", "sku", ("sales", "margin")))
    return section


ANALYSIS: Analysis[ProductsParams, ProductsResult] = Analysis(
    "products",
    ProductsParams,
    build,
    present,
)
