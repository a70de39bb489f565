"""The canonical data model, declared as data.

Every importer turns an export into rows of these tables. ``docs/data-model.md`` is
generated from this catalogue (``python -m shopops.warehouse.docs``) and a test keeps
the two in sync.

Conventions
- Money is ``decimal(18,2)`` end to end; rates and indexes are ``decimal(18,4)``.
- Timestamps are the store's **local wall time** (``stores.timezone`` says which zone);
  exports that carry UTC offsets (Shopify) are converted on import. Local wall time
  makes "the day" of an order unambiguous on every engine.
- Key columns are never null: text keys use ``''`` for "not split" (a traffic row
  for all devices has ``device = ''``).
- Every table carries ``_import_id`` (which import last wrote the row; see ``imports``)
  and ``_hash`` (a digest of the non-key columns, used to tell updated from unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt

MONEY = "decimal(18,2)"
RATE = "decimal(18,4)"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    en: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    zh: str
    en: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    lineage: bool = True  # carries _import_id and _hash

    @property
    def payload(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.name not in self.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def schema(self) -> ibis.Schema:
        pairs: list[tuple[str, dt.DataType]] = [(c.name, dt.dtype(c.type)) for c in self.columns]
        if self.lineage:
            pairs += [("_import_id", dt.int64), ("_hash", dt.int64)]
        return ibis.schema(pairs)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: str, zh: str, en: str) -> Column:
    return Column(name, type_, zh, en)


STORE = _c("store", "string", "店铺（shopops.toml 中的名称）", "store name as in shopops.toml")

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "stores",
            "店铺",
            "Stores",
            ("store",),
            (
                STORE,
                _c("platform", "string", "平台：tmall/taobao/jd/douyin/shopify/other", "platform"),
                _c("currency", "string", "币种（ISO 4217）", "currency (ISO 4217)"),
                _c(
                    "timezone",
                    "string",
                    "时区（IANA），本店所有时间均为该时区的当地时间",
                    "IANA time zone; every timestamp of the store is local time in it",
                ),
            ),
            lineage=False,
        ),
        TableSpec(
            "orders",
            "订单",
            "Orders",
            ("store", "order_id"),
            (
                STORE,
                _c("order_id", "string", "订单编号", "order number"),
                _c(
                    "buyer_id",
                    "string",
                    "买家（会员名/账号/邮箱）；来源没有时为空",
                    "buyer (member name, account or e-mail); null when the source has none",
                ),
                _c("status", "string", "平台原始订单状态", "order status as the platform wrote it"),
                _c(
                    "status_group",
                    "string",
                    "归一状态：pending 待付款 / paid 已付款 / shipped 已发货 / completed 已完成 / cancelled 已关闭 / refunded 已退款",
                    "normalised status: pending, paid, shipped, completed, cancelled, refunded",
                ),
                _c("created_at", "timestamp", "下单时间", "created at"),
                _c("paid_at", "timestamp", "付款时间；未付款为空", "paid at; null if never paid"),
                _c(
                    "goods_amount",
                    MONEY,
                    "商品金额（优惠后，不含运费、税）",
                    "merchandise amount after discounts, excluding shipping and tax",
                ),
                _c("shipping_amount", MONEY, "运费（邮费）", "shipping (postage)"),
                _c("discount_amount", MONEY, "优惠金额", "discounts"),
                _c("tax_amount", MONEY, "税费", "taxes"),
                _c("total_amount", MONEY, "订单总金额（商品 + 运费 + 税）", "order total (goods + shipping + tax)"),
                _c(
                    "paid_amount",
                    MONEY,
                    "支付金额：付款时实付（含运费，不扣退款，生意参谋口径）；未付款为 0",
                    "paid amount at payment incl. postage, refunds not deducted (生意参谋 definition); 0 if unpaid",
                ),
                _c(
                    "refund_amount",
                    MONEY,
                    "该订单累计退款金额（导出时）",
                    "amount refunded on the order so far (as exported)",
                ),
                _c("units", "int64", "商品件数", "units"),
                _c("province", "string", "收货省份", "shipping province / state"),
                _c("city", "string", "收货城市", "shipping city"),
                _c("country", "string", "收货国家", "shipping country"),
                _c("channel", "string", "订单来源渠道（导出中有时）", "order channel / source, when the export has it"),
                _c("device", "string", "终端：mobile / pc（导出中有时）", "device: mobile or pc, when known"),
                _c("item_summary", "string", "宝贝标题摘要", "item title summary"),
            ),
        ),
        TableSpec(
            "order_items",
            "订单明细（子订单）",
            "Order line items",
            ("store", "order_id", "line_no"),
            (
                STORE,
                _c("order_id", "string", "订单编号", "order number"),
                _c("line_no", "int64", "行号（订单内从 1 起）", "line number within the order, from 1"),
                _c("sku", "string", "商家编码 / SKU", "SKU (merchant code)"),
                _c("product_id", "string", "商品ID", "product id"),
                _c("title", "string", "商品标题", "product title"),
                _c("category", "string", "类目", "category"),
                _c("quantity", "int64", "数量（退货行为负数）", "quantity (negative on returns)"),
                _c("unit_price", RATE, "成交单价（优惠后，保留 4 位小数）", "unit price after discounts (4 decimals)"),
                _c("amount", MONEY, "行金额 = 数量 × 单价", "line amount = quantity × unit price"),
                _c("discount_amount", MONEY, "行优惠", "line discount"),
                _c("status", "string", "子订单状态", "line status"),
            ),
        ),
        TableSpec(
            "refunds",
            "退款",
            "Refunds",
            ("store", "refund_id"),
            (
                STORE,
                _c("refund_id", "string", "退款编号", "refund id"),
                _c("order_id", "string", "订单编号", "order number"),
                _c("buyer_id", "string", "买家", "buyer"),
                _c("sku", "string", "商家编码 / SKU", "SKU"),
                _c(
                    "refund_at",
                    "timestamp",
                    "退款时间（来源没有时为空）",
                    "refunded at (null when the source has no time)",
                ),
                _c("quantity", "int64", "退货数量", "units returned"),
                _c("amount", MONEY, "退款金额（正数）", "refund amount (positive)"),
                _c("reason", "string", "退款原因", "reason"),
                _c("status", "string", "退款状态", "status"),
            ),
        ),
        TableSpec(
            "products",
            "商品",
            "Products",
            ("store", "sku"),
            (
                STORE,
                _c("sku", "string", "商家编码 / SKU", "SKU"),
                _c("product_id", "string", "商品ID", "product id"),
                _c("title", "string", "商品标题", "title"),
                _c("category", "string", "类目", "category"),
                _c("price", MONEY, "售价", "list price"),
                _c("unit_cost", MONEY, "单位成本", "unit cost of goods"),
                _c(
                    "role",
                    "string",
                    "商品角色：traffic 引流款 / profit 利润款 / image 形象款 / custom 定制款",
                    "product role: traffic driver, profit item, image item, custom",
                ),
            ),
        ),
        TableSpec(
            "customers",
            "客户",
            "Customers",
            ("store", "buyer_id"),
            (
                STORE,
                _c("buyer_id", "string", "买家", "buyer"),
                _c("first_seen", "timestamp", "首次购买/出现时间", "first purchase or first seen"),
                _c("gender", "string", "性别：female / male", "gender: female or male"),
                _c("age_band", "string", "年龄段", "age band"),
                _c("province", "string", "省份", "province / state"),
                _c("city", "string", "城市", "city"),
                _c("member_level", "string", "会员等级", "member level"),
            ),
        ),
        TableSpec(
            "traffic_daily",
            "流量（日）",
            "Daily traffic",
            ("store", "date", "channel", "device"),
            (
                STORE,
                _c("date", "date", "统计日期", "date"),
                _c("channel", "string", "流量来源（'' = 全部）", "traffic source ('' = all)"),
                _c("device", "string", "终端：mobile / pc（'' = 全部）", "device: mobile or pc ('' = all)"),
                _c("uv", "int64", "访客数", "visitors (UV)"),
                _c("pv", "int64", "浏览量", "page views (PV)"),
                _c("cart_users", "int64", "加购人数", "add-to-cart users"),
                _c("fav_users", "int64", "收藏人数", "favourite users"),
                _c("buyers", "int64", "支付买家数（平台口径）", "paying buyers as the platform reports them"),
                _c(
                    "paid_amount",
                    MONEY,
                    "支付金额（平台口径，可空）",
                    "paid amount as the platform reports it (may be null)",
                ),
            ),
        ),
        TableSpec(
            "ad_spend",
            "广告投放",
            "Ad spend",
            ("store", "date", "platform", "campaign", "ad_group", "keyword"),
            (
                STORE,
                _c("date", "date", "日期", "date"),
                _c("platform", "string", "广告工具：直通车 ztc / 万相台 / 京东快车 / google …", "ad tool"),
                _c("campaign", "string", "推广计划", "campaign / plan"),
                _c("ad_group", "string", "推广单元", "ad group / unit"),
                _c("keyword", "string", "关键词", "keyword"),
                _c("impressions", "int64", "展现量", "impressions"),
                _c("clicks", "int64", "点击量", "clicks"),
                _c("spend", MONEY, "花费", "spend"),
                _c("orders", "int64", "成交笔数（广告归因）", "attributed orders"),
                _c("amount", MONEY, "成交金额（广告归因）", "attributed sales"),
            ),
        ),
        TableSpec(
            "events",
            "行为事件",
            "Click events",
            ("store", "user_id", "event_time", "event_type", "item_id", "category_id"),
            (
                STORE,
                _c("user_id", "string", "用户", "user"),
                _c("event_time", "timestamp", "时间（店铺当地时间）", "time (store local)"),
                _c(
                    "event_type",
                    "string",
                    "行为：view 浏览 / fav 收藏 / cart 加购 / order 下单 / pay 支付",
                    "view, fav, cart, order, pay",
                ),
                _c("item_id", "string", "商品", "item"),
                _c("category_id", "string", "类目", "category"),
            ),
        ),
        TableSpec(
            "targets",
            "目标",
            "Targets",
            ("store", "metric", "grain", "period_start"),
            (
                STORE,
                _c("metric", "string", "指标，如 paid_amount", "metric id, e.g. paid_amount"),
                _c("grain", "string", "粒度：day/week/month/quarter/year", "grain"),
                _c("period_start", "date", "期初", "period start"),
                _c("period_end", "date", "期末（含）", "period end (inclusive)"),
                _c("value", MONEY, "目标值", "target value"),
            ),
        ),
        TableSpec(
            "competitors",
            "竞品",
            "Competitors",
            ("store", "date", "competitor", "item_id", "metric"),
            (
                STORE,
                _c("date", "date", "日期", "date"),
                _c("competitor", "string", "竞店", "competitor shop"),
                _c("item_id", "string", "竞品（'' = 店铺整体）", "competitor item ('' = whole shop)"),
                _c("title", "string", "标题", "title"),
                _c("metric", "string", "指标：price/sale_count/comment_count/…", "metric"),
                _c("value", RATE, "数值或指数", "value or index"),
            ),
        ),
        TableSpec(
            "inventory",
            "库存",
            "Inventory",
            ("store", "sku", "date"),
            (
                STORE,
                _c("sku", "string", "商家编码 / SKU", "SKU"),
                _c("date", "date", "日期", "date"),
                _c("on_hand", "int64", "可用库存", "units on hand"),
            ),
        ),
        TableSpec(
            "imports",
            "导入记录",
            "Import manifest",
            ("import_id",),
            (
                _c("import_id", "int64", "导入编号", "import id"),
                _c("file", "string", "文件路径", "file path"),
                _c("sha256", "string", "文件 SHA-256", "file SHA-256"),
                _c("source", "string", "来源格式", "source format"),
                _c("kind", "string", "数据类型", "kind"),
                _c("store", "string", "店铺", "store"),
                _c("encoding", "string", "编码", "encoding"),
                _c("rows_read", "int64", "读取行数", "rows read"),
                _c("loaded", "int64", "新增", "loaded (new)"),
                _c("updated", "int64", "更新", "updated"),
                _c("unchanged", "int64", "未变", "unchanged"),
                _c("quarantined", "int64", "隔离", "quarantined"),
                _c(
                    "fields",
                    "string",
                    "该来源提供的标准字段（逗号分隔）",
                    "canonical fields this source provides (comma-separated)",
                ),
                _c("started_at", "timestamp", "开始时间（UTC）", "started (UTC)"),
                _c("finished_at", "timestamp", "结束时间（UTC）", "finished (UTC)"),
            ),
            lineage=False,
        ),
        TableSpec(
            "quarantine",
            "隔离行",
            "Quarantined rows",
            ("import_id", "row", "column"),
            (
                _c("import_id", "int64", "导入编号", "import id"),
                _c("file", "string", "文件", "file"),
                _c("row", "int64", "数据行号（表头之后从 1 起）", "data row number (1 = first row after the header)"),
                _c("column", "string", "列名", "column"),
                _c("value", "string", "原值", "value as read"),
                _c("reason", "string", "原因与处理建议", "reason and what to do"),
            ),
            lineage=False,
        ),
    ]
}

# Tables an import writes business rows to (everything but the bookkeeping tables).
DATA_TABLES = tuple(name for name in TABLES if name not in {"stores", "imports", "quarantine"})
