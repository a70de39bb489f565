"""Tmall flagship store: 卖家中心 order export, 宝贝报表, 生意参谋 traffic, 直通车 report,
products, customers, UserBehavior-style click events, competitor listings and inventory."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from shopops.sample import text
from shopops.sample.base import StoreWriter
from shopops.sample.catalog import COMPETITOR_ITEMS, COMPETITOR_SHOPS, ROLES_ZH
from shopops.sample.customers import hash_unit
from shopops.sample.engine import MOBILE, Day
from shopops.sample.festivals import hour_cdf

I64 = npt.NDArray[np.int64]

ORDERS_HEADER = [
    "订单编号",
    "买家会员名",
    "买家应付货款",
    "买家应付邮费",
    "总金额",
    "买家实际支付金额",
    "订单状态",
    "收货地址",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "宝贝总数量",
    "店铺名称",
    "是否手机订单",
    "订单关闭原因",
    "退款金额",
    "确认收货时间",
]
ITEMS_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "订单状态", "商家编码"]
TRAFFIC_HEADER = [
    "统计日期",
    "流量来源",
    "终端类型",
    "访客数",
    "浏览量",
    "加购人数",
    "收藏人数",
    "支付买家数",
    "支付金额",
]
ADS_HEADER = ["日期", "推广计划", "推广单元", "关键词", "展现量", "点击量", "花费", "总成交笔数", "总成交金额"]
PRODUCTS_HEADER = ["商家编码", "商品ID", "商品标题", "类目", "售价", "成本价", "商品角色"]
CUSTOMERS_HEADER = ["买家会员名", "首次购买时间", "性别", "年龄段", "省份", "城市", "会员等级"]
COMPETITORS_HEADER = ["update_time", "id", "title", "price", "sale_count", "comment_count", "店名"]
INVENTORY_HEADER = ["商家编码", "日期", "库存"]

SHOP_TITLE = "某某旗舰店"
DEVICES = ("无线", "PC")
# order status codes
SUCCESS, CLOSED, WAIT_PAY, SHIPPED, WAIT_SHIP = 0, 1, 2, 3, 4
STATUS = ("交易成功", "交易关闭", "等待买家付款", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货")
CLOSE_REASONS = ("", "退款", "买家不想买了", "未及时付款", "拍错了/多拍了", "其他原因")
AGE_BANDS = ("18-24", "25-29", "30-34", "35-39", "40+")
AGE_CUM = np.array([0.25, 0.55, 0.77, 0.90])
LEVELS = ("普通会员", "银卡", "金卡", "铂金")
LEVEL_CENTS = np.array([50_000, 200_000, 500_000])
_ORDER_BASE = 200_000_000_000_000_000
_ORDER_STRIDE = 7_300_000_000


def shop_title(name: str) -> str:
    suffix = name.rsplit("_", 1)[-1] if name.count("_") > 1 else ""
    return SHOP_TITLE if not suffix else f"某某{suffix}号旗舰店"


class TmallWriter(StoreWriter):
    product_encoding = "gbk"
    product_eol = "\r\n"

    def open(self) -> None:
        g, crlf = "gbk", "\r\n"
        self.f_orders = self.sink("tmall_orders.csv", ORDERS_HEADER, g, crlf, "orders", "tmall")
        self.f_items = self.sink("tmall_items.csv", ITEMS_HEADER, g, crlf, "items", "tmall_items")
        self.f_traffic = self.sink("sycm_traffic.csv", TRAFFIC_HEADER, g, crlf, "traffic", "sycm")
        self.f_ads = self.sink("ztc_ads.csv", ADS_HEADER, g, crlf, "ads", "ztc")
        self.f_inv = self.sink("inventory.csv", INVENTORY_HEADER, g, crlf, "inventory", "generic")
        self.write_products(PRODUCTS_HEADER, ROLES_ZH)
        self.v_status = text.vocab(STATUS)
        self.v_reason = text.vocab(CLOSE_REASONS)
        self.v_devices = text.vocab(DEVICES)
        self.shop = shop_title(self.info.name)
        self._init_inventory()

    # ------------------------------------------------------------------ daily files
    def status(self, day: Day) -> tuple[I64, I64]:
        n = day.n
        rng = self.rng
        age = self.last - day.t
        status = np.full(n, CLOSED, dtype=np.int64)
        reason = np.zeros(n, dtype=np.int64)
        unpaid = ~day.paid
        waiting = unpaid & (age <= 1) & (rng.random(n) < 0.55)
        status[waiting] = WAIT_PAY
        closed_unpaid = unpaid & ~waiting
        reason[closed_unpaid] = rng.choice([2, 3, 4, 5], n, p=[0.4, 0.35, 0.15, 0.1])[closed_unpaid]
        full = day.refund_full
        reason[full] = 1
        live = day.paid & ~full
        shipped = day.ship_day <= self.last
        confirmed = day.confirm_day <= self.last
        status[live & confirmed] = SUCCESS
        status[live & ~confirmed & shipped] = SHIPPED
        status[live & ~shipped] = WAIT_SHIP
        return status, reason

    def order_numbers(self, day: Day) -> I64:
        seq = day.seq0 + np.arange(day.n, dtype=np.int64)
        off = self.rng.integers(0, _ORDER_STRIDE, day.n)
        return _ORDER_BASE + seq * _ORDER_STRIDE + off

    def write_day(self, day: Day) -> None:
        n, t = day.n, day.t
        status, reason = self.status(day)
        ono = text.ints(self.order_numbers(day))
        starts = np.cumsum(day.n_lines) - day.n_lines
        first_title = text.take(self.v_title, day.line_sku[starts])
        more = text.join([" 等", text.ints(day.n_lines), "件"], "")
        title = text.join([first_title, text.where(day.n_lines > 1, more, "")], "")
        tday = np.full(n, t)
        success = status == SUCCESS
        cols = [
            ono,
            self.nick(day.cust, "tb_", 41, 8, 36),
            text.money(day.goods),
            text.money(day.postage),
            text.money(day.total),
            text.money(np.where(day.paid, day.total, 0)),
            text.take(self.v_status, status),
            self.cn_address(day.cust, day.place),
            self.ts(tday, day.created_sec),
            text.where(day.paid, self.ts(tday, day.pay_sec), ""),
            title,
            text.ints(day.n_lines),
            text.ints(day.units),
            self.shop,
            text.where(day.device == MOBILE, "手机订单", ""),
            text.take(self.v_reason, reason),
            text.money(day.refund),
            text.where(success, self.ts(np.minimum(day.confirm_day, self.last), day.confirm_sec), ""),
        ]
        self.f_orders.write(cols, n)
        lo = day.line_order
        nl = len(lo)
        self.f_items.write(
            [
                text.take(ono, lo),
                text.take(self.v_title, day.line_sku),
                text.money(day.line_paid),
                text.ints(day.line_qty),
                "",
                text.take(self.v_attr, day.line_sku),
                text.take(self.v_status, status[lo]),
                text.take(self.v_sku, day.line_sku),
            ],
            nl,
        )
        self.truth["order_item_rows"] += nl
        self.write_traffic(day)
        self.write_ads(day)
        self._inventory_day(day)

    def write_traffic(self, day: Day) -> None:
        ncv = len(day.uv)
        cv = np.arange(ncv)
        self.f_traffic.write(
            [
                self.day_col(day.t, ncv),
                text.take(self.v_channel, cv // 2),
                text.take(self.v_devices, cv % 2),
                text.ints(day.uv),
                text.ints(day.pv),
                text.ints(day.cart),
                text.ints(day.fav),
                text.ints(day.buyers),
                text.money(day.pay_amount),
            ],
            ncv,
        )

    def write_ads(self, day: Day) -> None:
        self.write_ad_rows(day.t, day.ads)

    # ------------------------------------------------------------------ inventory
    def _init_inventory(self) -> None:
        cat = self.catalog
        daily_units = self.orders_per_day * 1.45 * (0.88 * cat.weight_mobile + 0.12 * cat.weight_pc)
        self.inv_rate = daily_units * 7.0  # smoothed weekly sales
        self.inv_stock = np.ceil(self.inv_rate * self.extra_rng.uniform(4.0, 8.0, cat.n)).astype(np.int64)
        self.inv_incoming: dict[int, I64] = {}
        self.inv_week = np.zeros(cat.n, dtype=np.int64)

    def _inventory_day(self, day: Day) -> None:
        t = day.t
        cat = self.catalog
        arriving = self.inv_incoming.pop(t, None)
        if arriving is not None:
            self.inv_stock += arriving
        d = self.first_day + timedelta(days=t)
        if d.weekday() == 0:
            idx = np.arange(cat.n)
            self.f_inv.write(
                [text.take(self.v_sku, idx), self.day_col(t, cat.n), text.ints(self.inv_stock)],
                cat.n,
            )
            # weekly review: smooth the sales rate and reorder
            self.inv_rate = 0.7 * self.inv_rate + 0.3 * self.inv_week
            self.inv_week[:] = 0
            orders = self.factors.orders
            past = orders[max(0, t - 28) : t + 1].mean()
            future = orders[t + 5 : t + 40].mean() if t + 5 < len(orders) else past
            ahead = float(np.clip(future / past, 1.0, 4.0))
            need = self.inv_stock < 2.5 * self.inv_rate * ahead
            if need.any():
                qty = np.where(need, np.ceil(self.inv_rate * 6.0 * ahead), 0).astype(np.int64)
                lead = t + int(self.extra_rng.integers(4, 9))
                self.inv_incoming[lead] = self.inv_incoming.get(lead, 0) + qty
        paid_line = day.paid[day.line_order]
        sold = np.bincount(day.line_sku[paid_line], weights=day.line_qty[paid_line], minlength=cat.n).astype(np.int64)
        self.inv_week += sold
        self.inv_stock = np.maximum(self.inv_stock - sold, 0)

    # ------------------------------------------------------------------ end of run
    def finish(self) -> None:
        self.write_customers()
        self.write_events()
        self.write_competitors()
        self.close_all()

    def write_customers(self) -> None:
        s = self.sink("customers.csv", CUSTOMERS_HEADER, "gbk", "\r\n", "customers", "generic")
        pool = self.engine.pool
        ids_all = pool.paid_ids()
        gift = self.factors.gift
        v_gender = text.vocab(["女", "男"])
        v_age = text.vocab(AGE_BANDS)
        v_prov = text.vocab(self.geo.region)
        v_city = text.vocab(self.geo.city)
        v_level = text.vocab(LEVELS)
        for start in range(0, len(ids_all), 50_000):
            ids = ids_all[start : start + 50_000]
            fd = pool.first_day[ids]
            p_female = np.where(gift[fd], 0.68, 0.86)
            male = hash_unit(ids, self.key, 4) >= p_female
            age = np.searchsorted(AGE_CUM, hash_unit(ids, self.key, 5), side="right")
            place = self.engine.place_of(ids)
            level = np.searchsorted(LEVEL_CENTS, pool.spend[ids], side="right")
            s.write(
                [
                    self.nick(ids, "tb_", 41, 8, 36),
                    self.ts(fd, pool.first_sec[ids]),
                    text.take(v_gender, male.astype(np.int64)),
                    text.take(v_age, age),
                    text.take(v_prov, place),
                    text.take(v_city, place),
                    text.take(v_level, level),
                ],
                len(ids),
            )

    def write_events(self) -> None:
        s = self.sink("events.csv", None, "utf-8", "\n", "events", "userbehavior")
        k = self.events_users
        if k == 0:
            return
        rng, cat = self.extra_rng, self.catalog
        window = min(30, self.days)
        d0 = self.days - window
        users = np.sort(1 + rng.choice(1_019_999, k, replace=False))
        n_sess = 1 + rng.poisson(1.8, k)
        su = np.repeat(np.arange(k), n_sess)
        ns = len(su)
        dw = self.factors.orders[d0:]
        s_day = d0 + rng.choice(window, ns, p=dw / dw.sum())
        cdf = hour_cdf("tmall", 0)
        s_start = np.searchsorted(cdf, rng.random(ns), side="right") * 3600 + rng.integers(0, 3600, ns)
        n_pv = rng.geometric(1.0 / 6.0, ns)
        pv_s = np.repeat(np.arange(ns), n_pv)
        npv = len(pv_s)
        gaps = 5 + rng.exponential(60.0, npv)
        cum = np.cumsum(gaps)
        sess_first = np.cumsum(n_pv) - n_pv
        pv_off = cum - cum[sess_first][pv_s]
        epoch0 = (self.first_day - date(1970, 1, 1)).days * 86400 - 8 * 3600
        pv_ts = epoch0 + s_day[pv_s] * 86400 + s_start[pv_s] + pv_off.astype(np.int64)
        w = (0.88 * cat.weight_mobile + 0.12 * cat.weight_pc) ** 0.6
        item = rng.choice(cat.n, npv, p=w / w.sum())
        user = su[pv_s]
        r = rng.random(npv)
        cart = r < 0.065
        fav = (r >= 0.065) & (r < 0.097)
        direct_buy = (r >= 0.097) & (r < 0.101)
        cart_ts = pv_ts[cart] + rng.integers(20, 120, int(cart.sum()))
        fav_ts = pv_ts[fav] + rng.integers(10, 60, int(fav.sum()))
        cart_buy = rng.random(int(cart.sum())) < 0.22
        buy_user = np.concatenate([user[cart][cart_buy], user[direct_buy]])
        buy_item = np.concatenate([item[cart][cart_buy], item[direct_buy]])
        buy_ts = np.concatenate(
            [
                cart_ts[cart_buy] + rng.integers(60, 1800, int(cart_buy.sum())),
                pv_ts[direct_buy] + rng.integers(60, 600, int(direct_buy.sum())),
            ]
        )
        ev_user = np.concatenate([user, user[cart], user[fav], buy_user])
        ev_item = np.concatenate([item, item[cart], item[fav], buy_item])
        ev_type = np.concatenate(
            [
                np.zeros(npv, np.int64),
                np.full(int(cart.sum()), 2),
                np.full(int(fav.sum()), 1),
                np.full(len(buy_user), 3),
            ]
        )
        ev_ts = np.concatenate([pv_ts, cart_ts, fav_ts, buy_ts]).astype(np.int64)
        end_ts = epoch0 + self.days * 86400 - 1
        keep = ev_ts <= end_ts  # sessions running past the last midnight are cut there
        ev_user, ev_item, ev_type, ev_ts = ev_user[keep], ev_item[keep], ev_type[keep], ev_ts[keep]
        order = np.lexsort((ev_item, ev_type, ev_ts, ev_user))
        cat_ids = 1_000_000 + rng.choice(4_000_000, len(cat.category_names), replace=False)
        item_cat = cat_ids[cat.category_idx]
        pids = np.array([int(p) for p in cat.product_id], dtype=np.int64)
        ev_user, ev_item, ev_type, ev_ts = ev_user[order], ev_item[order], ev_type[order], ev_ts[order]
        dup = np.zeros(len(ev_ts), dtype=np.bool_)  # overlapping sessions may repeat an event exactly
        dup[1:] = (
            (ev_user[1:] == ev_user[:-1])
            & (ev_ts[1:] == ev_ts[:-1])
            & (ev_type[1:] == ev_type[:-1])
            & (ev_item[1:] == ev_item[:-1])
        )
        ev_user, ev_item, ev_type, ev_ts = ev_user[~dup], ev_item[~dup], ev_type[~dup], ev_ts[~dup]
        s.write(
            [
                text.ints(users[ev_user]),
                text.ints(pids[ev_item]),
                text.ints(item_cat[ev_item]),
                text.take(text.vocab(["pv", "fav", "cart", "buy"]), ev_type),
                text.ints(ev_ts),
            ],
            len(ev_ts),
        )

    def write_competitors(self) -> None:
        s = self.sink("competitors.csv", COMPETITORS_HEADER, "utf-8-sig", "\r\n", "competitors", "listings")
        rng = self.extra_rng
        n_days = min(14, self.days)
        d0 = self.days - n_days
        items_per_shop = 20
        titles: list[str] = []
        shops: list[str] = []
        base_price: list[float] = []
        for shop in COMPETITOR_SHOPS:
            pick = rng.choice(len(COMPETITOR_ITEMS), items_per_shop, replace=False)
            for i in sorted(pick.tolist()):
                name, price = COMPETITOR_ITEMS[i]
                titles.append(f"{shop} {name}")
                shops.append(shop)
                base_price.append(price * float(rng.uniform(0.8, 1.3)))
        n = len(titles)
        ids = 10_000_000_000 + rng.choice(89_999_999_999, n, replace=False)
        price0 = (np.round(np.array(base_price)) * 100 - np.where(rng.random(n) < 0.5, 10, 0)).astype(np.int64)
        sales = np.rint(rng.lognormal(np.log(8000.0), 1.2, n)).astype(np.int64)
        comment_rate = rng.uniform(0.05, 0.2, n)
        orders = self.factors.orders
        v_title = text.vocab(titles)
        v_shop = text.vocab(shops)
        v_id = text.vocab([f"A{int(x)}" for x in ids])
        snaps: list[tuple[int, I64, I64]] = []
        for t in range(d0, self.days):
            promo = self.factors.disc[t] >= 1
            price = np.where(promo & (rng.random(n) < 0.6), price0 * 85 // 100, price0)
            sales = sales + rng.poisson(np.maximum(sales, 100) * 0.004 * orders[t])
            snaps.append((t, price.astype(np.int64), sales.copy()))
        idx = np.arange(n)
        for t, price, sale in reversed(snaps):
            d = self.first_day + timedelta(days=t)
            empty = rng.random(n) < 0.06
            comments = np.rint(sale * comment_rate).astype(np.int64)
            s.write(
                [
                    f"{d.year}/{d.month}/{d.day}",
                    text.take(v_id, idx),
                    text.take(v_title, idx),
                    text.money(price),
                    text.where(empty, "", text.ints(sale)),
                    text.where(empty, "", text.ints(comments)),
                    text.take(v_shop, idx),
                ],
                n,
            )
