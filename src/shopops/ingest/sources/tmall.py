"""Tmall / Taobao (天猫/淘宝) order exports from 卖家中心.

- ``tmall_report``: the short order report (订单编号, 总金额, 买家实际支付金额, 收货地址,
  订单创建时间, 订单付款时间, 退款金额). Its 买家实际支付金额 is **net of refunds**
  (for every paid order 买家实际支付金额 + 退款金额 = 总金额), so the gross 支付金额 is rebuilt
  as 买家实际支付金额 + 退款金额 for paid orders. It has no buyer id: buyer metrics are not
  available from it.
- ``tmall``: the full 订单报表 (one row per order, 买家会员名, 订单状态, 宝贝标题 …). Its
  买家实际支付金额 is what the buyer paid at payment (refunds are in 退款金额).
- ``tmall_items``: the 宝贝报表 that comes with it (one row per order line).
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


def _report(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    paid = t.paid_at.notnull()
    refund = money0(t.refund_amount)
    gross = ibis.ifelse(paid, money0(t.actual_paid) + refund, 0)
    orders = t.select(
        store=ibis.literal(ctx.store),
        order_id=t.order_id,
        status_group=ibis.cases(
            (~paid, ibis.literal("pending")),
            ((refund > 0) & (money0(t.actual_paid) == 0), ibis.literal("refunded")),
            else_=ibis.literal("paid"),
        ),
        created_at=t.created_at,
        paid_at=t.paid_at,
        total_amount=t.total_amount,
        paid_amount=as_money(gross),
        refund_amount=refund,
        province=t.province,
        country=ibis.literal("CN"),
        _row=t._row,
    )
    return {"orders": orders}


TMALL_REPORT = Source(
    name="tmall_report",
    kind="orders",
    platform="tmall",
    title="天猫订单报表（精简版：订单编号/总金额/买家实际支付金额/收货地址/退款金额）",
    fields=(
        Field("order_id", ("订单编号",), "text", required=True, not_null=True),
        Field("total_amount", ("总金额",), "money", required=True),
        Field("actual_paid", ("买家实际支付金额",), "money", required=True),
        Field("province", ("收货地址",), "text"),
        Field("created_at", ("订单创建时间",), "timestamp", required=True, not_null=True),
        Field("paid_at", ("订单付款时间",), "timestamp", required=True),
        Field("refund_amount", ("退款金额",), "money", required=True),
    ),
    derive=_report,
    notes="买家实际支付金额 is net of refunds; 支付金额 is rebuilt as 买家实际支付金额 + 退款金额. No buyer id.",
)


def _orders(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    paid = t.paid_at.notnull()
    orders = t.select(
        store=ibis.literal(ctx.store),
        order_id=t.order_id,
        buyer_id=t.buyer_id,
        status=t.status,
        status_group=status_group(t.status, t.paid_at),
        created_at=t.created_at,
        paid_at=t.paid_at,
        goods_amount=t.goods_amount,
        shipping_amount=t.shipping_amount,
        total_amount=t.total_amount,
        paid_amount=ibis.ifelse(paid, money0(t.actual_paid), 0).cast("decimal(18,2)"),
        refund_amount=money0(t.refund_amount),
        units=t.units,
        province=province_of(t.address),
        city=city_of(t.address),
        country=ibis.literal("CN"),
        device=ibis.ifelse(t.mobile.notnull(), lookup(t.mobile, DEVICES).fill_null("mobile"), ibis.literal("pc")),
        item_summary=t.item_title,
        _row=t._row,
    )
    return {"orders": orders}


TMALL_ORDERS = Source(
    name="tmall",
    kind="orders",
    platform="tmall",
    title="淘宝/天猫 订单报表（完整版，每单一行）",
    fields=(
        Field("order_id", ("订单编号", "订单号"), "text", required=True, not_null=True),
        Field("buyer_id", ("买家会员名", "买家昵称"), "text", required=True),
        Field("goods_amount", ("买家应付货款",), "money"),
        Field("shipping_amount", ("买家应付邮费", "邮费"), "money"),
        Field("total_amount", ("总金额",), "money", required=True),
        Field("actual_paid", ("买家实际支付金额",), "money", required=True),
        Field("status", ("订单状态",), "text", required=True),
        Field("address", ("收货地址",), "text"),
        Field("created_at", ("订单创建时间",), "timestamp", required=True, not_null=True),
        Field("paid_at", ("订单付款时间",), "timestamp", required=True),
        Field("item_title", ("宝贝标题",), "text"),
        Field("item_kinds", ("宝贝种类",), "integer"),
        Field("units", ("宝贝总数量", "商品数量"), "integer"),
        Field("shop_name", ("店铺名称",), "text"),
        Field("mobile", ("是否手机订单",), "text"),
        Field("close_reason", ("订单关闭原因",), "text"),
        Field("refund_amount", ("退款金额",), "money"),
        Field("confirmed_at", ("确认收货时间",), "timestamp"),
    ),
    derive=_orders,
    notes="买家实际支付金额 is taken as paid at payment (gross); refunds come from 退款金额.",
)


def _items(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    items = t.select(
        store=ibis.literal(ctx.store),
        order_id=t.order_id,
        line_no=line_numbers(t, "order_id"),
        sku=t.sku,
        product_id=t.external_id,
        title=t.title,
        quantity=t.quantity,
        unit_price=t.price,
        amount=as_money(t.price * t.quantity),
        status=t.status,
        _row=t._row,
    )
    return {"order_items": items}


TMALL_ITEMS = Source(
    name="tmall_items",
    kind="items",
    platform="tmall",
    title="淘宝/天猫 宝贝报表（每个子订单一行）",
    fields=(
        Field("order_id", ("订单编号", "主订单编号"), "text", required=True, not_null=True),
        Field("title", ("标题", "宝贝标题"), "text", required=True),
        Field("price", ("价格",), "decimal", required=True, not_null=True),
        Field("quantity", ("购买数量",), "integer", required=True, not_null=True),
        Field("external_id", ("外部系统编号",), "text"),
        Field("attributes", ("商品属性",), "text"),
        Field("status", ("订单状态",), "text"),
        Field("sku", ("商家编码",), "text"),
    ),
    derive=_items,
)
