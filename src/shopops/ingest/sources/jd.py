"""JD (京东) order export from 京东商家后台: one row per order line, order fields repeated.

应付金额 is what the buyer paid (订单金额 − 优惠金额 + 运费金额); 付款确认时间 is the payment time.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from shopops.ingest.formats import Context, Field, Source
from shopops.ingest.sources._common import (
    DEVICES,
    as_money,
    city_of,
    line_numbers,
    lookup,
    money0,
    province_of,
    status_group,
)


def _derive(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    t = t.mutate(_line=line_numbers(t, "order_id"))
    units = t.group_by("order_id").agg(_units=t.quantity.sum())
    first = t.filter(t._line == 1)
    first = first.join(units, "order_id")
    paid = first.paid_at.notnull()
    orders = first.select(
        store=ibis.literal(ctx.store),
        order_id=first.order_id,
        buyer_id=first.buyer_id,
        status=first.status,
        status_group=status_group(first.status, first.paid_at),
        created_at=first.created_at,
        paid_at=first.paid_at,
        goods_amount=as_money(money0(first.order_amount) - money0(first.discount_amount)),
        shipping_amount=first.shipping_amount,
        discount_amount=first.discount_amount,
        total_amount=first.payable_amount,
        paid_amount=ibis.ifelse(paid, money0(first.payable_amount), 0).cast("decimal(18,2)"),
        refund_amount=money0(first.refund_amount),
        units=first._units,
        province=province_of(first.address),
        city=city_of(first.address),
        country=ibis.literal("CN"),
        channel=first.order_source,
        device=lookup(first.order_source, DEVICES).fill_null(
            ibis.ifelse(first.order_source.contains("PC"), ibis.literal("pc"), ibis.literal("mobile"))
        ),
        item_summary=first.title,
        _row=first._row,
    )
    items = t.select(
        store=ibis.literal(ctx.store),
        order_id=t.order_id,
        line_no=t._line,
        sku=t.sku,
        product_id=t.product_id,
        title=t.title,
        quantity=t.quantity,
        unit_price=t.price,
        amount=as_money(t.price * t.quantity),
        status=t.status,
        _row=t._row,
    )
    return {"order_items": items, "orders": orders}


JD_ORDERS = Source(
    name="jd",
    kind="orders",
    platform="jd",
    title="京东 订单导出（每个商品一行）",
    fields=(
        Field("order_id", ("订单号", "订单编号"), "text", required=True, not_null=True),
        Field("product_id", ("商品ID", "商品编号"), "text", required=True),
        Field("title", ("商品名称",), "text"),
        Field("quantity", ("订购数量", "商品数量"), "integer", required=True, not_null=True),
        Field("created_at", ("下单时间",), "timestamp", required=True, not_null=True),
        Field("paid_at", ("付款确认时间", "支付时间"), "timestamp", required=True),
        Field("price", ("京东价", "商品单价"), "decimal", required=True, not_null=True),
        Field("order_amount", ("订单金额",), "money", required=True),
        Field("discount_amount", ("优惠金额",), "money"),
        Field("shipping_amount", ("运费金额",), "money"),
        Field("payable_amount", ("应付金额",), "money", required=True),
        Field("status", ("订单状态",), "text", required=True),
        Field("buyer_id", ("下单帐号", "下单账号"), "text"),
        Field("address", ("客户地址",), "text"),
        Field("order_source", ("订单来源",), "text"),
        Field("sku", ("货号", "商家SKU"), "text"),
        Field("refund_amount", ("退款金额",), "money"),
    ),
    derive=_derive,
)
