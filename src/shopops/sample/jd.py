"""JD store: 京东商家后台 order export (one row per order × item), 京东商智 traffic with a
生意参谋-style header, 京东快车 report and products. UTF-8 with BOM, CRLF."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from shopops.sample import text
from shopops.sample.base import StoreWriter
from shopops.sample.catalog import ROLES_ZH
from shopops.sample.engine import MOBILE, Day
from shopops.sample.tmall import ADS_HEADER, DEVICES, PRODUCTS_HEADER, TRAFFIC_HEADER

I64 = npt.NDArray[np.int64]

ORDERS_HEADER = [
    "订单号",
    "商品ID",
    "商品名称",
    "订购数量",
    "下单时间",
    "付款确认时间",
    "京东价",
    "订单金额",
    "优惠金额",
    "运费金额",
    "应付金额",
    "订单状态",
    "下单帐号",
    "客户地址",
    "订单来源",
    "货号",
    "退款金额",
]
DONE, WAIT_OUT, WAIT_RECEIVE, CANCELLED, LOCKED = 0, 1, 2, 3, 4
STATUS = ("完成", "等待出库", "等待确认收货", "已取消", "锁定")
SOURCES = ("移动端APP", "微信", "PC端")
_ORDER_BASE = 230_000_000_000
_ORDER_STRIDE = 5_000


class JdWriter(StoreWriter):
    product_encoding = "utf-8-sig"
    product_eol = "\r\n"

    def open(self) -> None:
        enc, crlf = "utf-8-sig", "\r\n"
        self.f_orders = self.sink("jd_orders.csv", ORDERS_HEADER, enc, crlf, "orders", "jd")
        self.f_traffic = self.sink("jd_traffic.csv", TRAFFIC_HEADER, enc, crlf, "traffic", "sycm")
        self.f_ads = self.sink("jd_ads.csv", ADS_HEADER, enc, crlf, "ads", "ztc")
        self.write_products(PRODUCTS_HEADER, ROLES_ZH)
        self.v_status = text.vocab(STATUS)
        self.v_source = text.vocab(SOURCES)
        self.v_devices = text.vocab(DEVICES)

    def status(self, day: Day) -> I64:
        n = day.n
        rng = self.rng
        age = self.last - day.t
        status = np.full(n, CANCELLED, dtype=np.int64)
        full = day.refund_full
        if age <= 4:
            status[full] = LOCKED
        else:
            status[full & (rng.random(n) >= 0.6)] = DONE
        live = day.paid & ~full
        shipped = day.ship_day <= self.last
        confirmed = day.confirm_day <= self.last
        status[live & confirmed] = DONE
        status[live & ~confirmed & shipped] = WAIT_RECEIVE
        status[live & ~shipped] = WAIT_OUT
        return status

    def write_day(self, day: Day) -> None:
        n, t = day.n, day.t
        rng = self.rng
        seq = day.seq0 + np.arange(n, dtype=np.int64)
        ono = text.ints(_ORDER_BASE + seq * _ORDER_STRIDE + rng.integers(0, _ORDER_STRIDE, n))
        status = self.status(day)
        source = np.where(day.device == MOBILE, np.where(rng.random(n) < 0.85, 0, 1), 2)
        tday = np.full(n, t)
        order_cols = [
            ono,
            self.ts(tday, day.created_sec),
            text.where(day.paid, self.ts(tday, day.pay_sec), ""),
            text.money(day.list_total),
            text.money(day.list_total - day.goods),
            text.money(day.postage),
            text.money(day.total),
            text.take(self.v_status, status),
            self.nick(day.cust, "jd_", 31, 6, 36),
            self.cn_address(day.cust, day.place),
            text.take(self.v_source, source),
            text.money(day.refund),
        ]
        lo = day.line_order
        o = [text.take(c, lo) for c in order_cols]
        sku = day.line_sku
        nl = len(lo)
        self.f_orders.write(
            [
                o[0],
                text.take(self.v_pid, sku),
                text.take(self.v_title, sku),
                text.ints(day.line_qty),
                o[1],
                o[2],
                text.money(day.line_list),
                o[3],
                o[4],
                o[5],
                o[6],
                o[7],
                o[8],
                o[9],
                o[10],
                text.take(self.v_sku, sku),
                o[11],
            ],
            nl,
        )
        self.truth["order_item_rows"] += nl
        ncv = len(day.uv)
        cv = np.arange(ncv)
        self.f_traffic.write(
            [
                self.day_col(t, ncv),
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
        self.write_ad_rows(t, day.ads)
