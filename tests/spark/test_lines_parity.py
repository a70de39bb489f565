"""The order-line analyses (products, basket, refunds) and CLV give the same tables on Spark as on DuckDB."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from spark_parity import Pair, assert_same_frame
from tests.analyses.product_shop import build_shop

from shopops.analyses.basket import BasketParams, basket
from shopops.analyses.clv import ClvParams, clv, purchase_days
from shopops.analyses.products import ProductsParams, products
from shopops.analyses.refunds import RefundsParams, refunds
from shopops.project import Project
from shopops.warehouse import Warehouse

pytestmark = pytest.mark.spark
CNY = ("tmall_flagship", "jd_store")


def test_products(warehouses: Pair) -> None:
    params = ProductsParams(date(2026, 4, 1), date(2026, 6, 30))
    duck, spark = products(warehouses.duckdb, params), products(warehouses.spark, params)
    for name in ("products", "customers", "abc", "pareto", "curve"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert duck.notes == spark.notes
    assert len(duck.products) > 20 and len(duck.customers) > 500  # every store's products and buyers
    assert duck.products["margin"].notna().any()  # costs joined: margins and roles are compared too


def test_basket(warehouses: Pair) -> None:
    params = BasketParams(date(2026, 1, 1), date(2026, 6, 30), stores=CNY, min_support=0.002, within_days=60)
    duck, spark = basket(warehouses.duckdb, params), basket(warehouses.spark, params)
    for name in ("pairs", "triples", "sequences", "baskets"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert len(duck.pairs) > 0 and len(duck.sequences) > 0
    assert duck.notes == spark.notes


def test_refunds(warehouses: Pair) -> None:
    """The sample shop has no refund exports: refunds come from the orders' refund amounts."""
    params = RefundsParams(date(2026, 1, 1), date(2026, 6, 30), min_units=5, min_refunds=1)
    duck, spark = refunds(warehouses.duckdb, params), refunds(warehouses.spark, params)
    for name in ("by_product", "by_reason", "by_channel", "by_days", "jumps"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert duck.by_product["refunds"].sum() > 0 and len(duck.by_channel) > 1 and len(duck.jumps) > 100
    assert duck.notes == spark.notes


@pytest.fixture(scope="module")
def refund_shop(project_factory: Callable[[str], Project], spark_session: Any) -> Iterator[Pair]:
    """The hand-computed shop of the refund tests (a refund export with reasons and dates), on both engines."""
    p = project_factory("refund_shop")
    build_shop(p, p.settings.root)
    p.export_parquet()
    spark = Warehouse.open_spark(p.settings, p.settings.spark_layout_path, session=spark_session)
    yield Pair(duckdb=p.warehouse, spark=spark)
    spark.close()


def test_refunds_from_a_refund_export(refund_shop: Pair) -> None:
    params = RefundsParams(date(2026, 10, 1), date(2026, 11, 30), min_units=1, min_refunds=1)
    duck, spark = refunds(refund_shop.duckdb, params), refunds(refund_shop.spark, params)
    for name in ("by_product", "by_reason", "by_channel", "by_days", "jumps"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert set(duck.by_reason["reason"]) >= {"quality", "size"} and len(duck.by_days) == 4  # as tests/analyses
    assert duck.notes == spark.notes


def test_clv(warehouses: Pair) -> None:
    """The purchases the models are fitted on are the same rows, so the fitted models and every score are."""
    end = date(2026, 6, 30)
    assert_same_frame(
        purchase_days(warehouses.duckdb, CNY, end), purchase_days(warehouses.spark, CNY, end), what="purchase days"
    )
    params = ClvParams(end=end, stores=CNY, holdout_days=60)
    duck, spark = clv(warehouses.duckdb, params), clv(warehouses.spark, params)
    assert duck.parameters == spark.parameters
    for name in ("customers", "holdout", "segments"):
        assert_same_frame(getattr(duck, name), getattr(spark, name), what=name)
    assert len(duck.customers) > 500


def test_customer_report(warehouses: Pair) -> None:
    """The customer and product quarterly report (RFM, cohorts, CLV, products, basket, refunds together)."""
    from test_report_parity import assert_same, comparable

    from shopops.compositions.customers import CustomerReportParams, build_customer_report

    params = CustomerReportParams(day=date(2026, 6, 30), stores=CNY, lang="en")
    duck, spark = build_customer_report(warehouses.duckdb, params), build_customer_report(warehouses.spark, params)
    assert [s.id for s in duck.sections] == [s.id for s in spark.sections] and len(duck.sections) >= 5
    assert_same(comparable(duck.to_dict()), comparable(spark.to_dict()))
