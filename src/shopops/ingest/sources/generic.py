"""Any CSV / Excel / Parquet file, through header synonyms or a mapping file.

For every kind, the canonical fields with the header texts (Chinese and English) that
commonly mean them. ``shopops import --suggest-mapping FILE`` proposes a mapping from
these; a mapping file (TOML) names the header for each field explicitly::

    kind = "orders"
    [columns]
    order_id = "Order No."
    created_at = "Order Date"
    paid_amount = "Amount Paid"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ibis
import ibis.expr.types as ir

from shopops.ingest.formats import Context, Field, Source
from shopops.ingest.sources._common import DEVICES, GENDERS, ROLES, as_money, line_numbers, lookup, money0, status_group

F = Field
SYNONYMS: dict[str, tuple[Field, ...]] = {
    "orders": (
        F(
            "order_id",
            ("order_id", "订单编号", "订单号", "Order ID", "Order", "Order Number", "Name", "单号"),
            "text",
            True,
            True,
        ),
        F(
            "buyer_id",
            ("buyer_id", "买家会员名", "买家", "下单帐号", "下单账号", "Customer", "Customer ID", "Email", "客户ID"),
            "text",
        ),
        F("status", ("status", "订单状态", "Status", "Financial Status", "Order Status"), "text"),
        F(
            "created_at",
            ("created_at", "订单创建时间", "下单时间", "创建时间", "Created at", "Order Date", "Date"),
            "timestamp",
            True,
            True,
        ),
        F("paid_at", ("paid_at", "订单付款时间", "付款时间", "支付时间", "Paid at", "Payment Date"), "timestamp"),
        F("goods_amount", ("goods_amount", "商品金额", "货款", "Subtotal"), "money"),
        F("shipping_amount", ("shipping_amount", "邮费", "运费", "Shipping"), "money"),
        F("discount_amount", ("discount_amount", "优惠金额", "折扣", "Discount", "Discount Amount"), "money"),
        F("tax_amount", ("tax_amount", "税费", "Taxes", "Tax"), "money"),
        F("total_amount", ("total_amount", "总金额", "订单金额", "Total", "Order Total"), "money"),
        F(
            "paid_amount",
            ("paid_amount", "支付金额", "实付金额", "买家实际支付金额", "Amount Paid", "Paid Amount"),
            "money",
        ),
        F("refund_amount", ("refund_amount", "退款金额", "Refunded Amount", "Refund"), "money"),
        F("units", ("units", "商品数量", "宝贝总数量", "件数", "Quantity", "Items"), "integer"),
        F("province", ("province", "省份", "收货省份", "Province", "State", "Shipping Province"), "text"),
        F("city", ("city", "城市", "City", "Shipping City"), "text"),
        F("country", ("country", "国家", "Country", "Shipping Country"), "text"),
        F("channel", ("channel", "渠道", "订单来源", "Channel", "Source"), "text"),
        F("device", ("device", "终端", "设备", "Device"), "text"),
    ),
    "items": (
        F("order_id", ("order_id", "订单编号", "订单号", "Order ID", "Order", "Name"), "text", True, True),
        F("line_no", ("line_no", "行号", "Line"), "integer"),
        F("sku", ("sku", "商家编码", "货号", "SKU", "Lineitem sku", "StockCode"), "text"),
        F("product_id", ("product_id", "商品ID", "Product ID"), "text"),
        F(
            "title",
            ("title", "标题", "商品名称", "商品标题", "Title", "Product", "Lineitem name", "Description"),
            "text",
        ),
        F("category", ("category", "类目", "Category"), "text"),
        F("quantity", ("quantity", "数量", "购买数量", "Quantity", "Qty", "Lineitem quantity"), "integer", True, True),
        F("unit_price", ("unit_price", "单价", "价格", "Price", "Unit Price", "Lineitem price"), "decimal"),
        F("amount", ("amount", "金额", "小计", "Amount", "Line Total"), "money"),
        F("discount_amount", ("discount_amount", "优惠", "Discount", "Lineitem discount"), "money"),
        F("status", ("status", "状态", "Status"), "text"),
    ),
    "refunds": (
        F("refund_id", ("refund_id", "退款编号", "退款单号", "Refund ID"), "text"),
        F("order_id", ("order_id", "订单编号", "订单号", "Order ID", "Order"), "text", True, True),
        F("buyer_id", ("buyer_id", "买家会员名", "Customer"), "text"),
        F("sku", ("sku", "商家编码", "SKU"), "text"),
        F("refund_at", ("refund_at", "退款时间", "退款完结时间", "Refunded at", "Date"), "timestamp"),
        F("quantity", ("quantity", "退货数量", "Quantity"), "integer"),
        F("amount", ("amount", "退款金额", "买家退款金额", "Amount", "Refund Amount"), "money", True, True),
        F("reason", ("reason", "退款原因", "Reason"), "text"),
        F("status", ("status", "退款状态", "Status"), "text"),
    ),
    "products": (
        F("sku", ("sku", "商家编码", "货号", "SKU", "Variant SKU"), "text", True, True),
        F("product_id", ("product_id", "商品ID", "宝贝ID", "Product ID"), "text"),
        F("title", ("title", "商品标题", "宝贝标题", "商品名称", "Title"), "text"),
        F("category", ("category", "类目", "Category", "Product Type"), "text"),
        F("price", ("price", "售价", "价格", "一口价", "Price", "Variant Price"), "money"),
        F("unit_cost", ("unit_cost", "成本价", "成本", "Unit cost", "Cost per item", "Cost"), "money"),
        F("role", ("role", "商品角色", "角色", "Role"), "text"),
    ),
    "customers": (
        F("buyer_id", ("buyer_id", "买家会员名", "客户", "Customer", "Customer ID", "Email"), "text", True, True),
        F("first_seen", ("first_seen", "首次购买时间", "首次下单时间", "First seen", "Created at"), "timestamp"),
        F("gender", ("gender", "性别", "Gender"), "text"),
        F("age_band", ("age_band", "年龄段", "Age band", "Age"), "text"),
        F("province", ("province", "省份", "Province", "State"), "text"),
        F("city", ("city", "城市", "City"), "text"),
        F("member_level", ("member_level", "会员等级", "Member level", "Tier"), "text"),
    ),
    "traffic": (
        F("date", ("date", "统计日期", "日期", "Date", "Day"), "date", True, True),
        F("channel", ("channel", "流量来源", "渠道", "Channel", "Source"), "text"),
        F("device", ("device", "终端类型", "终端", "Device", "Device type"), "text"),
        F("uv", ("uv", "访客数", "Visitors", "Unique visitors", "Sessions"), "integer", True, True),
        F("pv", ("pv", "浏览量", "Page views", "Pageviews"), "integer"),
        F("cart_users", ("cart_users", "加购人数", "Added to cart", "Add to cart"), "integer"),
        F("fav_users", ("fav_users", "收藏人数", "Favourites", "Favorites"), "integer"),
        F("buyers", ("buyers", "支付买家数", "Buyers", "Customers"), "integer"),
        F("paid_amount", ("paid_amount", "支付金额", "Sales", "Total sales"), "money"),
    ),
    "ads": (
        F("date", ("date", "日期", "Date", "Day"), "date", True, True),
        F("platform", ("platform", "广告平台", "Platform"), "text"),
        F("campaign", ("campaign", "推广计划", "计划名称", "Campaign"), "text"),
        F("ad_group", ("ad_group", "推广单元", "Ad group", "Ad set"), "text"),
        F("keyword", ("keyword", "关键词", "Keyword"), "text"),
        F("impressions", ("impressions", "展现量", "Impressions"), "integer"),
        F("clicks", ("clicks", "点击量", "Clicks"), "integer"),
        F("spend", ("spend", "花费", "Cost", "Spend", "Amount spent"), "money", True, True),
        F("orders", ("orders", "成交笔数", "Conversions", "Purchases"), "integer"),
        F("amount", ("amount", "成交金额", "Conversion value", "Purchase value", "Revenue"), "money"),
    ),
    "events": (
        F("user_id", ("user_id", "用户", "User", "User ID"), "text", True, True),
        F("event_time", ("event_time", "时间", "Time", "Timestamp"), "timestamp", True, True),
        F("event_type", ("event_type", "行为", "Event", "Behavior", "behavior_type"), "text", True, True),
        F("item_id", ("item_id", "商品", "Item"), "text"),
        F("category_id", ("category_id", "类目", "Category"), "text"),
    ),
    "targets": (
        F("metric", ("metric", "指标", "Metric"), "text"),
        F("grain", ("grain", "粒度", "Grain"), "text"),
        F("period_start", ("period_start", "开始日期", "日期", "Start", "Date"), "date", True, True),
        F("period_end", ("period_end", "结束日期", "End"), "date"),
        F("value", ("value", "目标", "目标值", "Target", "Value"), "money", True, True),
    ),
    "competitors": (
        F("date", ("date", "日期", "Date", "update_time"), "date", True, True),
        F("competitor", ("competitor", "竞店", "店名", "Competitor", "Shop"), "text", True, True),
        F("item_id", ("item_id", "竞品", "商品ID", "Item"), "text"),
        F("title", ("title", "标题", "Title"), "text"),
        F("metric", ("metric", "指标", "Metric"), "text", True, True),
        F("value", ("value", "数值", "指数", "Value", "Index"), "decimal", True, True),
    ),
    "inventory": (
        F("sku", ("sku", "商家编码", "货号", "SKU"), "text", True, True),
        F("date", ("date", "日期", "Date"), "date", True, True),
        F("on_hand", ("on_hand", "库存", "可用库存", "On hand", "Available"), "integer", True, True),
    ),
}

TABLE_OF_KIND = {
    "orders": "orders",
    "items": "order_items",
    "refunds": "refunds",
    "products": "products",
    "customers": "customers",
    "traffic": "traffic_daily",
    "ads": "ad_spend",
    "events": "events",
    "targets": "targets",
    "competitors": "competitors",
    "inventory": "inventory",
}
STRING_KEYS = {
    "traffic_daily": ("channel", "device"),
    "ad_spend": ("platform", "campaign", "ad_group", "keyword"),
    "events": ("item_id", "category_id"),
    "competitors": ("item_id",),
    "targets": ("metric", "grain"),
}
EVENT_TYPES = {
    "pv": "view",
    "view": "view",
    "浏览": "view",
    "fav": "fav",
    "收藏": "fav",
    "cart": "cart",
    "加购": "cart",
    "order": "order",
    "下单": "order",
    "buy": "pay",
    "pay": "pay",
    "支付": "pay",
}


def _passthrough(kind: str) -> Callable[[ir.Table, Context], Mapping[str, ir.Table]]:
    names = [f.name for f in SYNONYMS[kind]]
    table = TABLE_OF_KIND[kind]

    def derive(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
        cols: dict[str, ir.Value] = {"store": ibis.literal(ctx.store)}
        cols.update({n: t[n] for n in names})
        cols.update(_kind_rules(kind, t, ctx))
        for key in STRING_KEYS.get(table, ()):
            cols[key] = cols[key].fill_null("")
        cols["_row"] = t._row
        return {table: t.select(**cols)}

    return derive


def _kind_rules(kind: str, t: ir.Table, ctx: Context) -> dict[str, ir.Value]:
    """Defaults and normalisations a plain column copy would get wrong."""
    if kind == "orders":
        total = t.total_amount if "total_amount" in ctx.present else t.goods_amount
        # Without a payment-time column every order counts as paid; with one, unpaid orders paid 0.
        paid_default = ibis.ifelse(t.paid_at.notnull(), money0(total), 0) if "paid_at" in ctx.present else money0(total)
        return {
            "total_amount": total,
            "paid_amount": (t.paid_amount if "paid_amount" in ctx.present else paid_default).cast("decimal(18,2)"),
            "refund_amount": money0(t.refund_amount),
            "status_group": status_group(t.status, t.paid_at if "paid_at" in ctx.present else t.created_at),
            "device": lookup(t.device, DEVICES, keep=True),
        }
    if kind == "items":
        line = t.line_no if "line_no" in ctx.present else line_numbers(t, "order_id")
        amount = t.amount if "amount" in ctx.present else as_money(t.unit_price * t.quantity)
        return {"line_no": line, "amount": amount}
    if kind == "refunds":
        rid = (
            t.refund_id
            if "refund_id" in ctx.present
            else t.order_id.concat(":", line_numbers(t, "order_id").cast("string"))
        )
        return {"refund_id": rid}
    if kind == "products":
        return {"role": lookup(t.role, ROLES, keep=True)}
    if kind == "customers":
        return {"gender": lookup(t.gender, GENDERS, keep=True)}
    if kind == "traffic":
        return {"device": lookup(t.device, DEVICES, keep=True)}
    if kind == "ads":
        return {"platform": t.platform.fill_null("ads") if "platform" in ctx.present else ibis.literal("ads")}
    if kind == "events":
        return {"event_type": lookup(t.event_type, EVENT_TYPES, keep=True)}
    if kind == "targets":
        return {"metric": t.metric.fill_null("paid_amount"), "grain": t.grain.fill_null("day")}
    return {}


GENERIC: dict[str, Source] = {
    kind: Source(
        name="generic",
        kind=kind,
        title=f"any file with {kind} columns (header synonyms or a mapping file)",
        fields=fields,
        derive=_passthrough(kind),
    )
    for kind, fields in SYNONYMS.items()
}
