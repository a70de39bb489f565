"""Invoice-line files (one row per invoice line), such as the UCI Online Retail data.

Invoices whose number starts with ``C`` are cancellations / returns: their lines
become ``refunds`` (amount positive, quantity returned) and no order. Invoices
starting with ``A`` are bad-debt adjustments: kept as orders with status
``adjustment`` so that totals over all rows still reconcile.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from shopops.ingest.formats import Context, Field, Source
from shopops.ingest.sources._common import as_money, line_numbers


def _derive(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    t = t.mutate(_line=line_numbers(t, "invoice"), _amount=as_money(t.quantity * t.unit_price))
    is_return = t.invoice.upper().startswith("C")
    sales = t.filter(~is_return)
    returns = t.filter(is_return)
    items = sales.select(
        store=ibis.literal(ctx.store),
        order_id=sales.invoice,
        line_no=sales._line,
        sku=sales.sku,
        title=sales.description,
        quantity=sales.quantity,
        unit_price=sales.unit_price,
        amount=sales._amount,
        _row=sales._row,
    )
    orders = sales.group_by("invoice").agg(
        _row=sales._row.min(),
        buyer_id=sales.customer.arbitrary(),
        created_at=sales.invoiced_at.min(),
        total=sales._amount.sum(),
        units=sales.quantity.sum(),
        country=sales.country.arbitrary(),
    )
    adjustment = orders.invoice.upper().startswith("A")
    orders = orders.select(
        store=ibis.literal(ctx.store),
        order_id=orders.invoice,
        buyer_id=orders.buyer_id,
        status=ibis.ifelse(adjustment, ibis.literal("adjustment"), ibis.literal("invoiced")),
        status_group=ibis.literal("completed"),
        created_at=orders.created_at,
        paid_at=orders.created_at,
        goods_amount=orders.total,
        total_amount=orders.total,
        paid_amount=orders.total,
        refund_amount=ibis.literal(0).cast("decimal(18,2)"),
        units=orders.units,
        country=orders.country,
        _row=orders._row,
    )
    refunds = returns.select(
        store=ibis.literal(ctx.store),
        refund_id=returns.invoice.concat(":", returns._line.cast("string")),
        order_id=returns.invoice,
        buyer_id=returns.customer,
        sku=returns.sku,
        refund_at=returns.invoiced_at,
        quantity=-returns.quantity,
        amount=-returns._amount,
        reason=ibis.literal("cancellation invoice"),
        status=ibis.literal("completed"),
        _row=returns._row,
    )
    return {"order_items": items, "orders": orders, "refunds": refunds}


INVOICE_LINES = Source(
    name="invoice_lines",
    kind="items",
    title="Invoice lines (InvoiceNo, StockCode, Quantity, UnitPrice …; C-invoices are returns)",
    fields=(
        Field("invoice", ("InvoiceNo", "Invoice", "发票号"), "text", required=True, not_null=True),
        Field("sku", ("StockCode", "SKU"), "text", required=True),
        Field("description", ("Description",), "text"),
        Field("quantity", ("Quantity",), "integer", required=True, not_null=True),
        Field("invoiced_at", ("InvoiceDate", "Invoice Date"), "timestamp", required=True, not_null=True),
        Field("unit_price", ("UnitPrice", "Price", "Unit Price"), "decimal", required=True, not_null=True),
        Field("customer", ("CustomerID", "Customer ID"), "text"),
        Field("country", ("Country",), "text"),
    ),
    derive=_derive,
)
