"""Platform reports that are not orders: 生意参谋 traffic, 直通车 ads, click events, listings."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from shopops.ingest.formats import Context, Field, Source
from shopops.ingest.parse import RATE_TYPE
from shopops.ingest.sources._common import DEVICES, lookup

AD_TOOLS = {"tmall": "直通车", "taobao": "直通车", "jd": "京东快车", "douyin": "巨量千川", "shopify": "ads"}
BEHAVIOURS = {"pv": "view", "view": "view", "fav": "fav", "cart": "cart", "buy": "pay", "order": "order", "pay": "pay"}


def _traffic(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    rows = t.select(
        store=ibis.literal(ctx.store),
        date=t.date,
        channel=t.channel.fill_null(""),
        device=lookup(t.device, DEVICES, keep=True).fill_null(""),
        uv=t.uv,
        pv=t.pv,
        cart_users=t.cart_users,
        fav_users=t.fav_users,
        buyers=t.buyers,
        paid_amount=t.paid_amount,
        _row=t._row,
    )
    return {"traffic_daily": rows}


SYCM_TRAFFIC = Source(
    name="sycm",
    kind="traffic",
    title="生意参谋 / 京东商智 流量报表（日 × 流量来源 × 终端）",
    fields=(
        Field("date", ("统计日期", "日期"), "date", required=True, not_null=True),
        Field("channel", ("流量来源", "来源名称", "一级来源"), "text"),
        Field("device", ("终端类型", "终端", "设备"), "text"),
        Field("uv", ("访客数", "访客数UV"), "integer", required=True, not_null=True),
        Field("pv", ("浏览量", "浏览量PV"), "integer"),
        Field("cart_users", ("加购人数",), "integer"),
        Field("fav_users", ("收藏人数", "商品收藏买家数"), "integer"),
        Field("buyers", ("支付买家数",), "integer"),
        Field("paid_amount", ("支付金额",), "money"),
    ),
    derive=_traffic,
)


def _ads(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    rows = t.select(
        store=ibis.literal(ctx.store),
        date=t.date,
        platform=ibis.literal(AD_TOOLS.get(ctx.platform, "ads")),
        campaign=t.campaign.fill_null(""),
        ad_group=t.ad_group.fill_null(""),
        keyword=t.keyword.fill_null(""),
        impressions=t.impressions,
        clicks=t.clicks,
        spend=t.spend,
        orders=t.orders,
        amount=t.amount,
        _row=t._row,
    )
    return {"ad_spend": rows}


ZTC_ADS = Source(
    name="ztc",
    kind="ads",
    title="直通车 / 京东快车 推广报表（日 × 计划 × 单元 × 关键词）",
    fields=(
        Field("date", ("日期", "统计日期"), "date", required=True, not_null=True),
        Field("campaign", ("推广计划", "推广计划名称", "计划名称"), "text", required=True),
        Field("ad_group", ("推广单元", "推广单元名称", "宝贝名称", "单元名称"), "text"),
        Field("keyword", ("关键词", "关键词名称"), "text"),
        Field("impressions", ("展现量",), "integer", required=True),
        Field("clicks", ("点击量",), "integer", required=True),
        Field("spend", ("花费", "消耗"), "money", required=True, not_null=True),
        Field("orders", ("总成交笔数", "成交笔数"), "integer"),
        Field("amount", ("总成交金额", "成交金额"), "money"),
    ),
    derive=_ads,
)


def _events(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    kind = lookup(t.behavior, BEHAVIOURS)
    rows = t.select(
        store=ibis.literal(ctx.store),
        user_id=t.user_id,
        event_time=t.ts,
        event_type=kind,
        item_id=t.item_id.fill_null(""),
        category_id=t.category_id.fill_null(""),
        _row=t._row,
    )
    bad = t.filter(kind.isnull()).select(
        _row=t._row,
        column=ibis.literal("behavior_type"),
        value=t.behavior,
        reason=ibis.literal("unknown behaviour (expected pv, fav, cart, buy)"),
    )
    return {"events": rows.filter(rows.event_type.notnull()), "_errors": bad}


USER_BEHAVIOR = Source(
    name="userbehavior",
    kind="events",
    title="淘宝用户行为（UserBehavior：user_id,item_id,category_id,behavior_type,timestamp；无表头）",
    fields=(
        Field("user_id", ("user_id",), "text", required=True, not_null=True),
        Field("item_id", ("item_id",), "text", required=True),
        Field("category_id", ("category_id",), "text", required=True),
        Field("behavior", ("behavior_type",), "text", required=True, not_null=True),
        Field("ts", ("timestamp",), "unix_seconds", required=True, not_null=True),
    ),
    derive=_events,
    has_header=False,
)


def _listings(t: ir.Table, ctx: Context) -> Mapping[str, ir.Table]:
    parts = []
    for metric in ("price", "sale_count", "comment_count"):
        part = t.filter(t[metric].notnull()).select(
            store=ibis.literal(ctx.store),
            date=t.date,
            competitor=t.shop.fill_null(""),
            item_id=t.item_id.fill_null(""),
            title=t.title,
            metric=ibis.literal(metric),
            value=t[metric].cast(RATE_TYPE),
            _row=t._row,
        )
        parts.append(part)
    return {"competitors": ibis.union(*parts, distinct=False)}


LISTINGS = Source(
    name="listings",
    kind="competitors",
    title="竞品商品快照（update_time,id,title,price,sale_count,comment_count,店名）",
    fields=(
        Field("date", ("update_time", "日期", "date"), "date", required=True, not_null=True),
        Field("item_id", ("id", "商品ID", "item_id"), "text", required=True),
        Field("title", ("title", "标题"), "text"),
        Field("price", ("price", "价格"), "money"),
        Field("sale_count", ("sale_count", "销量"), "integer"),
        Field("comment_count", ("comment_count", "评论数"), "integer"),
        Field("shop", ("店名", "店铺", "shop"), "text", required=True),
    ),
    derive=_listings,
)

__all__ = ["LISTINGS", "SYCM_TRAFFIC", "USER_BEHAVIOR", "ZTC_ADS"]
