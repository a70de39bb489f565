"""``shopops analyze …``: customer and product analyses (buyers, cohorts, RFM, CLV, products, basket, refunds).

Each analysis module registers its command on :data:`app` (``register(app)``), so the command group
lists them all and each stays in its own file.
"""

from __future__ import annotations

import typer

from shopops.cli import analyze_clv, analyze_customers, analyze_products

app = typer.Typer(
    name="analyze",
    help="Customer and product analyses: buyers, cohorts, RFM, CLV, products, basket, refunds. 客户与商品分析。",
    no_args_is_help=True,
)
analyze_products.register(app)
analyze_clv.register(app)
analyze_customers.register(app)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="analyze")
