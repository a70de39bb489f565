"""Shopify US store: the 79-column orders export (one row per line item; continuation rows
carry only Name, Email, Created at, the Lineitem columns and Vendor, as the real export does),
a traffic report, a Google-Ads-style report and products. UTF-8, LF, America/New_York."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

from shopops.sample import text
from shopops.sample.base import StoreWriter, hms_table
from shopops.sample.catalog import ROLES_EN
from shopops.sample.customers import hash_unit
from shopops.sample.engine import Day

I64 = npt.NDArray[np.int64]

ORDERS_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
#: Columns filled on continuation rows (every other column is blank there).
LINE_COLUMNS = frozenset(
    {"Name", "Email", "Created at", "Vendor", "Lineitem discount"}
    | {c for c in ORDERS_HEADER if c.startswith("Lineitem ")}
)
TRAFFIC_HEADER = ["Date", "Channel", "Device", "Visitors", "Page views", "Added to cart", "Buyers"]
ADS_HEADER = [
    "Day",
    "Campaign",
    "Ad group",
    "Keyword",
    "Impressions",
    "Clicks",
    "Cost",
    "Conversions",
    "Conversion value",
]
PRODUCTS_HEADER = ["SKU", "Product ID", "Title", "Category", "Price", "Unit cost", "Role"]
DEVICES = ("Mobile", "Desktop")
VENDOR = "Northwind Apparel"
FIN = ("paid", "refunded", "partially_refunded", "pending")
SOURCES = ("web", "shopify_draft_order", "pos")
PAYMENT = ("Shopify Payments", "PayPal Express Checkout", "manual")
RISK = ("Low", "Medium", "High")
TZ = ZoneInfo("America/New_York")
_ID_BASE = 5_800_000_000_000
_ID_STRIDE = 39_881


def _discount_code(label: str, level: int) -> str:
    name = label.rstrip("*")
    codes = {
        "Black Friday": "BFCM25",
        "Cyber Monday": "BFCM25",
        "Thanksgiving": "BFCM25",
        "Christmas": "HOLIDAY20",
        "After-Christmas sale": "HOLIDAY20",
        "Valentine's Day": "LOVE15",
        "Mother's Day": "MOM15",
    }
    if name in codes:
        return codes[name]
    return "WELCOME10" if level == 0 else "SAVE15"


class ShopifyWriter(StoreWriter):
    def open(self) -> None:
        self.f_orders = self.sink("orders_export.csv", ORDERS_HEADER, "utf-8", "\n", "orders", "shopify")
        self.f_traffic = self.sink("traffic.csv", TRAFFIC_HEADER, "utf-8", "\n", "traffic", "generic")
        self.f_ads = self.sink("ads.csv", ADS_HEADER, "utf-8", "\n", "ads", "generic")
        self.write_products(PRODUCTS_HEADER, ROLES_EN)
        self.v = {
            "fin": text.vocab(FIN),
            "src": text.vocab(SOURCES),
            "pay": text.vocab(PAYMENT),
            "risk": text.vocab(RISK),
            "dev": text.vocab(DEVICES),
            "off": text.vocab(["-0500", "-0400"]),
            "ship": text.vocab(["Free Shipping", "Standard Shipping", "Express Shipping", ""]),
            "state": text.vocab(self.geo.region),
            "state_name": text.vocab(self.geo.region_name),
            "city": text.vocab(self.geo.city),
            "tax_name": text.vocab(
                [
                    f"{r} State Tax {bp / 100:g}%" if bp else ""
                    for r, bp in zip(self.geo.region, self.geo.tax_bp.tolist(), strict=True)
                ]
            ),
        }
        # UTC offset per day (index) and DST-transition days
        n = self.days + 41
        self.dst = np.zeros(n, dtype=np.int64)
        self.transition = np.zeros(n, dtype=np.bool_)
        for i in range(n):
            d = self.first_day + timedelta(days=i)
            a = datetime.combine(d, time(0, 0), TZ).utcoffset()
            b = datetime.combine(d, time(23, 59), TZ).utcoffset()
            self.dst[i] = int(a == timedelta(hours=-4))
            self.transition[i] = a != b

    def ts(self, day_idx: npt.NDArray[Any], sec: npt.NDArray[Any]) -> Any:
        """``2025-12-07 19:08:25 -0500``; ``sec`` is time elapsed since local midnight."""
        d = np.asarray(day_idx, dtype=np.int64)
        s = np.asarray(sec, dtype=np.int64)
        out = text.join(
            [
                text.take(self.date_strs, d),
                text.take(hms_table(), s),
                text.take(self.v["off"], self.dst[d]),
            ],
            " ",
        )
        special = self.transition[d]
        if special.any():
            repl = [""] * len(d)
            for i in np.flatnonzero(special).tolist():
                day = self.first_day + timedelta(days=int(d[i]))
                midnight = datetime.combine(day, time(0, 0), TZ).astimezone(UTC)
                local = (midnight + timedelta(seconds=int(s[i]))).astimezone(TZ)
                if local.date() != day:  # a 23-hour spring-forward day: stay on the day
                    local = datetime.combine(day, time(23, 59, 59), TZ)
                repl[i] = local.strftime("%Y-%m-%d %H:%M:%S %z")
            out = text.where(special, pa.array(repl, type=pa.string()), out)
        return out

    def write_day(self, day: Day) -> None:
        n, t, rng, v = day.n, day.t, self.rng, self.v
        last = self.last
        tday = np.full(n, t)
        seq = day.seq0 + np.arange(n, dtype=np.int64)
        full = day.refund_full
        partial = (day.refund > 0) & ~full
        fin = np.where(~day.paid, 3, np.where(full, 1, np.where(partial, 2, 0)))
        r = rng.random(n)
        source = np.where(~day.paid, 1, np.where(r < 0.93, 0, np.where(r < 0.98, 2, 1)))
        pos = source == 2
        payment = np.where(source == 1, 2, np.where(rng.random(n) < 0.8, 0, 1))
        shipped = (day.ship_day <= last) & day.paid & ~pos
        refunded_early = full & (rng.random(n) < 0.6)
        fulfilled = (shipped & ~refunded_early) | (pos & day.paid)
        ful_day = np.where(pos, t, np.minimum(day.ship_day, last))
        ful_sec = np.where(pos, day.pay_sec, rng.integers(9 * 3600, 18 * 3600, n))
        ful_sec = np.where((ful_day == t) & (ful_sec < day.pay_sec), day.pay_sec, ful_sec)
        cancel_abs = t * 86400 + day.pay_sec + rng.integers(600, 200_000, n)
        cancel_abs = np.minimum(cancel_abs, (last + 1) * 86400 - 1)
        discount = day.list_total - day.goods
        code = _discount_code(self.factors.label[t], day.disc_level)
        ship_m = np.where(pos, 3, np.where(day.postage == 1299, 2, np.where(day.postage > 0, 1, 0)))
        opt_in = hash_unit(day.cust, self.key, 6) < 0.35
        risk = np.where(r < 0.95, 0, np.where(r < 0.99, 1, 2))
        taxed = day.tax > 0
        order: dict[str, Any] = {
            "Name": text.join(["#", text.ints(1001 + seq)], ""),
            "Email": text.join([self.nick(day.cust, "c", 40, 10, 16), "@example.invalid"], ""),
            "Financial Status": text.take(v["fin"], fin),
            "Paid at": text.where(day.paid, self.ts(tday, day.pay_sec), ""),
            "Fulfillment Status": text.where(fulfilled, "fulfilled", "unfulfilled"),
            "Fulfilled at": text.where(fulfilled, self.ts(ful_day, ful_sec), ""),
            "Accepts Marketing": text.where(opt_in, "yes", "no"),
            "Currency": "USD",
            "Subtotal": text.money(day.goods),
            "Shipping": text.money(day.postage),
            "Taxes": text.money(day.tax),
            "Total": text.money(day.total),
            "Discount Code": text.where(discount > 0, code, ""),
            "Discount Amount": text.money(discount),
            "Shipping Method": text.take(v["ship"], ship_m),
            "Created at": self.ts(tday, day.created_sec),
            "Shipping City": text.take(v["city"], day.place),
            "Shipping Province": text.take(v["state"], day.place),
            "Shipping Country": "US",
            "Cancelled at": text.where(full, self.ts(cancel_abs // 86400, cancel_abs % 86400), ""),
            "Payment Method": text.take(v["pay"], payment),
            "Refunded Amount": text.money(day.refund),
            "Vendor": VENDOR,
            "Outstanding Balance": text.money(np.where(day.paid, 0, day.total)),
            "Employee": text.where(pos, "Store Staff", ""),
            "Location": text.where(pos, "Brooklyn Store", ""),
            "Id": text.ints(_ID_BASE + seq * _ID_STRIDE + rng.integers(0, _ID_STRIDE, n)),
            "Risk Level": text.take(v["risk"], risk),
            "Source": text.take(v["src"], source),
            "Lineitem discount": "0.00",
            "Tax 1 Name": text.where(taxed, text.take(v["tax_name"], day.place), ""),
            "Tax 1 Value": text.where(taxed, text.money(day.tax), ""),
            "Shipping Province Name": text.take(v["state_name"], day.place),
        }
        lo = day.line_order
        nl = len(lo)
        starts = np.cumsum(day.n_lines) - day.n_lines
        first = np.zeros(nl, dtype=np.bool_)
        first[starts] = True
        line_ful = fulfilled[lo]
        lines: dict[str, Any] = {
            "Lineitem quantity": text.ints(day.line_qty),
            "Lineitem name": text.take(self.v_title, day.line_sku),
            "Lineitem price": text.money(day.line_list),
            "Lineitem compare at price": "",
            "Lineitem sku": text.take(self.v_sku, day.line_sku),
            "Lineitem requires shipping": "true",
            "Lineitem taxable": "true",
            "Lineitem fulfillment status": text.where(line_ful, "fulfilled", "pending"),
        }
        cols: list[Any] = []
        for name in ORDERS_HEADER:
            if name in lines:
                cols.append(lines[name])
                continue
            val = order.get(name, "")
            if isinstance(val, str):
                cols.append(val if (name in LINE_COLUMNS or not val) else text.where(first, val, ""))
                continue
            expanded = text.take(val, lo)
            cols.append(expanded if name in LINE_COLUMNS else text.where(first, expanded, ""))
        self.f_orders.write(cols, nl)
        self.truth["order_item_rows"] += nl
        ncv = len(day.uv)
        cv = np.arange(ncv)
        self.f_traffic.write(
            [
                self.day_col(t, ncv),
                text.take(self.v_channel, cv // 2),
                text.take(v["dev"], cv % 2),
                text.ints(day.uv),
                text.ints(day.pv),
                text.ints(day.cart),
                text.ints(day.buyers),
            ],
            ncv,
        )
        self.write_ad_rows(t, day.ads)
