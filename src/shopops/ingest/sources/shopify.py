"""Shopify "Export orders" CSV: one row per line item.

Order-level fields are only on an order's first row; later rows carry Name, Email,
Created at and the Lineitem columns. Timestamps carry the store's UTC offset
(``2025-12-07 19:08:25 +0000``) and are converted to the store's local time.
Total = Subtotal (after discounts) + Shipping + Taxes; refunded orders carry
Refunded Amount. Shopify's AOV is per order; shopops keeps per-buyer 客单价 apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from shopops.ingest.formats import Context, Field, Source
from shopops.ingest.sources._common import as_money, line_numbers, money0, status_group


def _derive(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    t = t.mutate(_line=line_numbers(t, "order_id"))
    units = t.group_by("order_id").agg(_units=t.quantity.sum())
    first = t.filter(t._line == 1).join(units, "order_id")
    paid = first.paid_at.notnull()
    fulfilled = first.fulfillment_status.strip().lower() == "fulfilled"
    group = status_group(first.financial_status, first.paid_at)
    orders = first.select(
        store=ibis.literal(ctx.store),
        order_id=first.order_id,
        buyer_id=first.email.lower(),
        status=first.financial_status,
        status_group=ibis.ifelse((group == "paid") & fulfilled, ibis.literal("shipped"), group),
        created_at=first.created_at,
        paid_at=first.paid_at,
        goods_amount=first.subtotal,
        shipping_amount=first.shipping,
        discount_amount=first.discount_amount,
        tax_amount=first.taxes,
        total_amount=first.total,
        paid_amount=ibis.ifelse(paid, money0(first.total), 0).cast("decimal(18,2)"),
        refund_amount=money0(first.refunded_amount),
        units=first._units,
        province=first.province,
        city=first.city,
        country=first.country,
        channel=first.source,
        item_summary=first.item_name,
        _row=first._row,
    )
    items = t.select(
        store=ibis.literal(ctx.store),
        order_id=t.order_id,
        line_no=t._line,
        sku=t.sku,
        title=t.item_name,
        quantity=t.quantity,
        unit_price=t.price,
        amount=as_money(t.price * t.quantity - t.item_discount.fill_null(0)),
        discount_amount=t.item_discount,
        status=t.item_fulfillment,
        _row=t._row,
    )
    return {"order_items": items, "orders": orders}


def _tz_fields() -> tuple[Field, ...]:
    return (
        Field("order_id", ("Name",), "text", required=True, not_null=True),
        Field("email", ("Email",), "text", required=True),
        Field("financial_status", ("Financial Status",), "text", required=True),
        Field("paid_at", ("Paid at",), "timestamp_tz", required=True),
        Field("fulfillment_status", ("Fulfillment Status",), "text"),
        Field("currency", ("Currency",), "text"),
        Field("subtotal", ("Subtotal",), "money", required=True),
        Field("shipping", ("Shipping",), "money"),
        Field("taxes", ("Taxes",), "money"),
        Field("total", ("Total",), "money", required=True),
        Field("discount_amount", ("Discount Amount",), "money"),
        Field("created_at", ("Created at",), "timestamp_tz", required=True, not_null=True),
        Field("quantity", ("Lineitem quantity",), "integer", required=True, not_null=True),
        Field("item_name", ("Lineitem name",), "text", required=True),
        Field("price", ("Lineitem price",), "decimal", required=True, not_null=True),
        Field("sku", ("Lineitem sku",), "text"),
        Field("item_fulfillment", ("Lineitem fulfillment status",), "text"),
        Field("item_discount", ("Lineitem discount",), "money"),
        Field("city", ("Shipping City",), "text"),
        Field("province", ("Shipping Province",), "text"),
        Field("country", ("Shipping Country",), "text"),
        Field("cancelled_at", ("Cancelled at",), "timestamp_tz"),
        Field("refunded_amount", ("Refunded Amount",), "money"),
        Field("source", ("Source",), "text"),
    )


SHOPIFY_ORDERS = Source(
    name="shopify",
    kind="orders",
    platform="shopify",
    title="Shopify orders export (one row per line item)",
    fields=_tz_fields(),
    derive=_derive,
)
