"""Small Ibis helpers shared by the export formats."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from shopops.ingest.parse import MONEY_TYPE

# Platform status texts -> normalised status group, as declared in warehouse/schema.py
# (pending, paid, shipped, completed, cancelled, refunded).
STATUS_GROUPS: dict[str, str] = {
    "等待买家付款": "pending",
    "等待付款": "pending",
    "待付款": "pending",
    "pending": "pending",
    "authorized": "pending",
    "unpaid": "pending",
    "买家已付款，等待卖家发货": "paid",
    "买家已付款,等待卖家发货": "paid",
    "等待卖家发货": "paid",
    "待发货": "paid",
    "等待出库": "paid",
    "锁定": "paid",
    "paid": "paid",
    "partially_refunded": "paid",
    "partially_paid": "paid",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货,等待买家确认": "shipped",
    "等待确认收货": "shipped",
    "已发货": "shipped",
    "shipped": "shipped",
    "fulfilled": "shipped",
    "交易成功": "completed",
    "完成": "completed",
    "已完成": "completed",
    "completed": "completed",
    "交易关闭": "cancelled",
    "已取消": "cancelled",
    "取消": "cancelled",
    "voided": "cancelled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "退款成功": "refunded",
    "已退款": "refunded",
    "refunded": "refunded",
}

DEVICES: dict[str, str] = {
    "无线": "mobile",
    "移动": "mobile",
    "移动端": "mobile",
    "手机": "mobile",
    "手机订单": "mobile",
    "app": "mobile",
    "移动端app": "mobile",
    "微信": "mobile",
    "mobile": "mobile",
    "tablet": "mobile",
    "pc": "pc",
    "pc端": "pc",
    "电脑": "pc",
    "desktop": "pc",
    "computer": "pc",
}

ROLES: dict[str, str] = {
    "引流款": "traffic",
    "引流": "traffic",
    "traffic": "traffic",
    "利润款": "profit",
    "利润": "profit",
    "profit": "profit",
    "形象款": "image",
    "形象": "image",
    "image": "image",
    "定制款": "custom",
    "定制": "custom",
    "custom": "custom",
}

GENDERS: dict[str, str] = {"女": "female", "f": "female", "female": "female", "男": "male", "m": "male", "male": "male"}


def lookup(value: ir.StringValue, table: dict[str, str], *, keep: bool = False) -> ir.StringValue:
    """Map text through ``table`` (case-insensitive); unknown texts become null, or stay with ``keep``."""
    key = value.strip().lower()
    cases = [(key == k.lower(), ibis.literal(v)) for k, v in table.items()]
    default = value if keep else ibis.null(dt.string)
    return ibis.cases(*cases, else_=default)


def status_group(
    status: ir.StringValue, paid_at: ir.TimestampValue, refund: ir.NumericValue | None = None
) -> ir.StringValue:
    """Normalised status; a closed order that was paid counts as refunded."""
    group = lookup(status, STATUS_GROUPS)
    paid = paid_at.notnull()
    fully_refunded = refund.fill_null(0) > 0 if refund is not None else ibis.literal(False)
    fallback = ibis.ifelse(paid, ibis.literal("paid"), ibis.literal("pending"))
    group = group.fill_null(fallback)
    return ibis.cases(
        ((group == "cancelled") & paid, ibis.literal("refunded")),
        ((group == "pending") & paid, ibis.literal("paid")),
        ((group == "paid") & fully_refunded & status.isnull(), ibis.literal("refunded")),
        else_=group,
    )


def province_of(address: ir.StringValue) -> ir.StringValue:
    """First part of a Chinese address: '浙江省 杭州市 …' or '北京市朝阳区…' -> 浙江省 / 北京市."""
    spaced = address.strip().split(" ")[0]
    glued = address.re_extract(r"^(.{2,7}?(省|自治区|特别行政区))", 1).nullif("")
    city_level = address.re_extract(r"^(北京|上海|天津|重庆)市?", 0).nullif("")
    return ibis.ifelse(address.strip().contains(" "), spaced, ibis.coalesce(glued, city_level, address.strip()))


def city_of(address: ir.StringValue) -> ir.StringValue:
    parts = address.strip().split(" ")
    return ibis.ifelse(parts.length() > 1, parts[1], ibis.null(dt.string))


def line_numbers(table: ir.Table, order_col: str) -> ir.IntegerValue:
    """1, 2, 3 … for the rows of each order, in file order."""
    return ibis.row_number().over(group_by=table[order_col], order_by=table._row) + 1


def money0(value: ir.NumericValue | None) -> ir.NumericValue:
    return (value if value is not None else ibis.literal(0)).fill_null(0).cast(MONEY_TYPE)


def as_money(value: ir.NumericValue) -> ir.NumericValue:
    return value.round(2).cast(MONEY_TYPE)
