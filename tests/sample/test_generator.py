"""Tests of the synthetic shop generator (shopops.sample)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from shopops.sample import Anomaly, SampleResult, SampleSpec, generate

ROOT = Path(__file__).resolve().parents[2]
REAL_SHOPIFY = ROOT.parent / "shared" / "data" / "shopify_orders_export" / "orders_export.csv"

TMALL_HEADERS = {
    "tmall_orders.csv": "订单编号,买家会员名,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,"
    "收货地址,订单创建时间,订单付款时间,宝贝标题,宝贝种类,宝贝总数量,店铺名称,是否手机订单,"
    "订单关闭原因,退款金额,确认收货时间",
    "tmall_items.csv": "订单编号,标题,价格,购买数量,外部系统编号,商品属性,订单状态,商家编码",
    "sycm_traffic.csv": "统计日期,流量来源,终端类型,访客数,浏览量,加购人数,收藏人数,支付买家数,支付金额",
    "ztc_ads.csv": "日期,推广计划,推广单元,关键词,展现量,点击量,花费,总成交笔数,总成交金额",
    "products.csv": "商家编码,商品ID,商品标题,类目,售价,成本价,商品角色",
    "customers.csv": "买家会员名,首次购买时间,性别,年龄段,省份,城市,会员等级",
    "inventory.csv": "商家编码,日期,库存",
}
JD_HEADERS = {
    "jd_orders.csv": "订单号,商品ID,商品名称,订购数量,下单时间,付款确认时间,京东价,订单金额,优惠金额,"
    "运费金额,应付金额,订单状态,下单帐号,客户地址,订单来源,货号,退款金额",
    "jd_traffic.csv": TMALL_HEADERS["sycm_traffic.csv"],
    "jd_ads.csv": TMALL_HEADERS["ztc_ads.csv"],
    "products.csv": TMALL_HEADERS["products.csv"],
}
SHOPIFY_ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,"
    "Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
    "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,"
    "Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,"
    "Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
)
SHOPIFY_HEADERS = {
    "orders_export.csv": SHOPIFY_ORDERS_HEADER,
    "traffic.csv": "Date,Channel,Device,Visitors,Page views,Added to cart,Buyers",
    "ads.csv": "Day,Campaign,Ad group,Keyword,Impressions,Clicks,Cost,Conversions,Conversion value",
    "products.csv": "SKU,Product ID,Title,Category,Price,Unit cost,Role",
}
LINE_LEVEL = {"Name", "Email", "Created at", "Vendor"}

SMALL = SampleSpec(stores=3, days=60, orders_per_day=50, seed=1, end_date=date(2026, 9, 10), events_users=400)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleResult]:
    out = tmp_path_factory.mktemp("small")
    calls: list[tuple[int, int]] = []
    result = generate(SMALL, out_dir=out, progress=lambda d, n: calls.append((d, n)))
    assert calls[-1] == (60, 60) and len(calls) == 60
    return out, result


def read(path: Path, encoding: str) -> pd.DataFrame:
    return pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)


def dsum(values: pd.Series) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal("0.00"))


def money(d: Decimal) -> str:
    return f"{d:.2f}"


# --------------------------------------------------------------------------- files and bytes


def test_headers_encodings_and_line_endings(small: tuple[Path, SampleResult]) -> None:
    out, result = small
    tm, jd, sh = out / "tmall_flagship", out / "jd_store", out / "shopify_us"
    for name, header in TMALL_HEADERS.items():
        raw = (tm / name).read_bytes()
        assert raw.startswith(header.encode("gbk") + b"\r\n"), name
        assert raw.count(b"\n") == raw.count(b"\r\n"), name
        raw.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        (tm / "tmall_orders.csv").read_bytes().decode("utf-8")
    for name, header in JD_HEADERS.items():
        raw = (jd / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + header.encode("utf-8") + b"\r\n"), name
        assert raw.count(b"\n") == raw.count(b"\r\n"), name
    comp = (tm / "competitors.csv").read_bytes()
    assert comp.startswith(b"\xef\xbb\xbfupdate_time,id,title,price,sale_count,comment_count,")
    assert comp.startswith("\ufeffupdate_time,id,title,price,sale_count,comment_count,店名\r\n".encode())
    for name, header in SHOPIFY_HEADERS.items():
        raw = (sh / name).read_bytes()
        assert raw.startswith(header.encode("utf-8") + b"\n"), name
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf"), name
    if REAL_SHOPIFY.exists():
        real_header = REAL_SHOPIFY.read_bytes().split(b"\n", 1)[0]
        assert (sh / "orders_export.csv").read_bytes().split(b"\n", 1)[0] == real_header
    assert len(SHOPIFY_ORDERS_HEADER.split(",")) == 79
    events = (tm / "events.csv").read_bytes()
    assert b"\r" not in events
    first = events.split(b"\n", 1)[0].decode().split(",")
    assert len(first) == 5 and first[0].isdigit() and first[3] in {"pv", "fav", "cart", "buy"}
    # every listed file exists with the stated row count
    listed = {f.path: f for f in result.files}
    assert len(listed) == 17
    for f in result.files:
        p = out / f.path
        assert p.exists(), f.path
    doc = json.loads((out / "sample.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in doc["stores"]] == ["tmall_flagship", "jd_store", "shopify_us"]
    assert {f["path"] for f in doc["files"]} == set(listed)
    assert doc["truth"] == result.truth
    kinds = {(f.store, f.kind, f.source) for f in result.files}
    assert ("tmall_flagship", "orders", "tmall") in kinds
    assert ("jd_store", "orders", "jd") in kinds
    assert ("shopify_us", "orders", "shopify") in kinds
    assert ("tmall_flagship", "events", "userbehavior") in kinds


# --------------------------------------------------------------------------- ground truth


def test_truth_recomputed_independently(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    doc = json.loads((out / "sample.json").read_text(encoding="utf-8"))
    truth = doc["truth"]
    rows = {f["path"]: f["rows"] for f in doc["files"]}

    # Tmall
    tm = out / "tmall_flagship"
    o = read(tm / "tmall_orders.csv", "gbk")
    it = read(tm / "tmall_items.csv", "gbk")
    tr = read(tm / "sycm_traffic.csv", "gbk")
    ad = read(tm / "ztc_ads.csv", "gbk")
    cu = read(tm / "customers.csv", "gbk")
    paid = o[o["订单付款时间"] != ""]
    created = o["订单创建时间"].str[:10]
    exp = {
        "orders": len(o),
        "paid_orders": len(paid),
        "paid_amount": money(dsum(paid["买家实际支付金额"])),
        "refund_amount": money(dsum(o["退款金额"])),
        "units": int(o["宝贝总数量"].astype(int).sum()),
        "buyers": paid["买家会员名"].nunique(),
        "order_item_rows": len(it),
        "traffic_uv": int(tr["访客数"].astype(int).sum()),
        "ad_spend": money(dsum(ad["花费"])),
        "first_day": created.min(),
        "last_day": created.max(),
    }
    assert truth["tmall_flagship"] == exp
    assert len(cu) == exp["buyers"] and set(cu["买家会员名"]) == set(paid["买家会员名"])
    assert rows["tmall_flagship/tmall_orders.csv"] == len(o)
    assert o["订单编号"].is_unique and o["订单编号"].str.fullmatch(r"\d{18}").all()
    assert set(it["订单编号"]) <= set(o["订单编号"])

    # JD
    j = read(out / "jd_store" / "jd_orders.csv", "utf-8-sig")
    jt = read(out / "jd_store" / "jd_traffic.csv", "utf-8-sig")
    ja = read(out / "jd_store" / "jd_ads.csv", "utf-8-sig")
    jo = j.drop_duplicates("订单号")
    jpaid = jo[jo["付款确认时间"] != ""]
    assert truth["jd_store"] == {
        "orders": len(jo),
        "paid_orders": len(jpaid),
        "paid_amount": money(dsum(jpaid["应付金额"])),
        "refund_amount": money(dsum(jo["退款金额"])),
        "units": int(j["订购数量"].astype(int).sum()),
        "buyers": j[j["付款确认时间"] != ""]["下单帐号"].nunique(),
        "order_item_rows": len(j),
        "traffic_uv": int(jt["访客数"].astype(int).sum()),
        "ad_spend": money(dsum(ja["花费"])),
        "first_day": jo["下单时间"].str[:10].min(),
        "last_day": jo["下单时间"].str[:10].max(),
    }
    # order-level fields are identical on every line of a JD order
    order_cols = ["下单时间", "付款确认时间", "订单金额", "优惠金额", "运费金额", "应付金额", "退款金额"]
    assert (j.groupby("订单号")[order_cols].nunique() == 1).all().all()
    line_total = (j["京东价"].map(Decimal) * j["订购数量"].astype(int)).groupby(j["订单号"]).sum()
    assert (line_total == jo.set_index("订单号")["订单金额"].map(Decimal)).all()
    payable = jo["订单金额"].map(Decimal) - jo["优惠金额"].map(Decimal) + jo["运费金额"].map(Decimal)
    assert (payable == jo["应付金额"].map(Decimal)).all()

    # Shopify
    s = read(out / "shopify_us" / "orders_export.csv", "utf-8")
    st = read(out / "shopify_us" / "traffic.csv", "utf-8")
    sa = read(out / "shopify_us" / "ads.csv", "utf-8")
    so = s[s["Financial Status"] != ""]
    spaid = so[so["Paid at"] != ""]
    assert truth["shopify_us"] == {
        "orders": s["Name"].nunique(),
        "paid_orders": len(spaid),
        "paid_amount": money(dsum(spaid["Total"])),
        "refund_amount": money(dsum(so["Refunded Amount"])),
        "units": int(s["Lineitem quantity"].astype(int).sum()),
        "buyers": spaid["Email"].nunique(),
        "order_item_rows": len(s),
        "traffic_uv": int(st["Visitors"].astype(int).sum()),
        "ad_spend": money(dsum(sa["Cost"])),
        "first_day": so["Created at"].str[:10].min(),
        "last_day": so["Created at"].str[:10].max(),
    }
    assert len(so) == s["Name"].nunique()
    total = so["Subtotal"].map(Decimal) + so["Shipping"].map(Decimal) + so["Taxes"].map(Decimal)
    assert (total == so["Total"].map(Decimal)).all()
    gross = (s["Lineitem price"].map(Decimal) * s["Lineitem quantity"].astype(int)).groupby(s["Name"]).sum()
    sub = so.set_index("Name")
    assert (gross[sub.index] - sub["Discount Amount"].map(Decimal) == sub["Subtotal"].map(Decimal)).all()
    assert set(so["Financial Status"]) <= {"paid", "refunded", "partially_refunded", "pending"}
    full = so[so["Financial Status"] == "refunded"]
    assert (full["Refunded Amount"] == full["Total"]).all()
    assert (full["Cancelled at"] != "").all()
    assert (so["Currency"] == "USD").all() and (so["Shipping Country"] == "US").all()


def test_tmall_orders_are_consistent(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    tm = out / "tmall_flagship"
    o = read(tm / "tmall_orders.csv", "gbk").set_index("订单编号")
    it = read(tm / "tmall_items.csv", "gbk")
    goods = (it["价格"].map(Decimal) * it["购买数量"].astype(int)).groupby(it["订单编号"]).sum()
    assert (goods[o.index] == o["买家应付货款"].map(Decimal)).all()
    units = it["购买数量"].astype(int).groupby(it["订单编号"]).sum()
    assert (units[o.index] == o["宝贝总数量"].astype(int)).all()
    kinds = it.groupby("订单编号")["商家编码"].nunique()
    assert (kinds[o.index] == o["宝贝种类"].astype(int)).all()
    total = o["买家应付货款"].map(Decimal) + o["买家应付邮费"].map(Decimal)
    assert (total == o["总金额"].map(Decimal)).all()
    paid = o["订单付款时间"] != ""
    assert (o.loc[paid, "买家实际支付金额"] == o.loc[paid, "总金额"]).all()
    assert (o.loc[~paid, "买家实际支付金额"] == "0.00").all()
    assert (o["退款金额"].map(Decimal) <= o["买家实际支付金额"].map(Decimal)).all()
    assert 0.02 < 1 - paid.mean() < 0.07
    refund_rate = (o.loc[paid, "退款金额"] != "0.00").mean()
    assert 0.05 <= refund_rate <= 0.13
    assert set(o["订单状态"]) <= {
        "交易成功", "交易关闭", "等待买家付款", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货"
    }  # fmt: skip
    waiting = o[o["订单状态"] == "等待买家付款"]
    assert (waiting["订单创建时间"].str[:10] >= "2026-09-09").all()
    ok = o["订单状态"] == "交易成功"
    assert (o.loc[ok, "确认收货时间"] > o.loc[ok, "订单付款时间"]).all()
    assert (o.loc[~ok, "确认收货时间"] == "").all()
    assert (o.loc[paid, "订单付款时间"] >= o.loc[paid, "订单创建时间"]).all()
    assert o["买家会员名"].str.fullmatch(r"tb_[0-9a-z]{8}").all()
    mobile = (o["是否手机订单"] == "手机订单").mean()
    assert 0.75 < mobile < 0.95
    assert o["收货地址"].map(lambda a: len(a.split(" "))).eq(4).all()


def test_traffic_rows_are_plausible(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    for path, enc, uv, pv, buyers, cart in [
        ("tmall_flagship/sycm_traffic.csv", "gbk", "访客数", "浏览量", "支付买家数", "加购人数"),
        ("jd_store/jd_traffic.csv", "utf-8-sig", "访客数", "浏览量", "支付买家数", "加购人数"),
        ("shopify_us/traffic.csv", "utf-8", "Visitors", "Page views", "Buyers", "Added to cart"),
    ]:
        t = read(out / path, enc)
        u, p, b, c = (t[k].astype(int) for k in (uv, pv, buyers, cart))
        assert (b <= u).all(), path
        assert (p >= u).all(), path
        assert (c >= b).all(), path
        assert b.sum() > 0
    # 支付金额 per day equals the paid orders of that day
    o = read(out / "tmall_flagship" / "tmall_orders.csv", "gbk")
    paid = o[o["订单付款时间"] != ""]
    by_day = paid.groupby(paid["订单付款时间"].str[:10])["买家实际支付金额"].apply(dsum)
    t = read(out / "tmall_flagship" / "sycm_traffic.csv", "gbk")
    traffic_day = t.groupby("统计日期")["支付金额"].apply(dsum)
    assert (traffic_day[by_day.index] == by_day).all()
    # ads: attributed orders never exceed the paying buyers (so orders) of the 直通车 channel
    ads = read(out / "tmall_flagship" / "ztc_ads.csv", "gbk")
    att = ads.groupby("日期")["总成交笔数"].apply(lambda s: s.astype(int).sum())
    ztc = t[t["流量来源"] == "直通车"].groupby("统计日期")["支付买家数"].apply(lambda s: s.astype(int).sum())
    assert (att <= ztc[att.index]).all() and att.sum() > 0


def test_shopify_continuation_rows_and_offsets(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    s = read(out / "shopify_us" / "orders_export.csv", "utf-8")
    cont = s["Name"].eq(s["Name"].shift())
    assert cont.sum() > 0
    order_level = [c for c in s.columns if c not in LINE_LEVEL and not c.startswith("Lineitem ")]
    assert (s.loc[cont, order_level] == "").all().all()
    assert (s.loc[~cont, "Financial Status"] != "").all()
    assert (s.loc[cont, "Email"] == s["Email"].shift()[cont]).all()
    assert s["Email"].str.fullmatch(r"c[0-9a-f]{10}@example\.invalid").all()
    assert s.loc[~cont, "Name"].is_unique
    tz = ZoneInfo("America/New_York")
    for v in s.loc[~cont, "Created at"].head(200):
        dt = datetime.strptime(v, "%Y-%m-%d %H:%M:%S %z")
        assert dt.utcoffset() == dt.replace(tzinfo=tz).utcoffset()


def test_events_and_side_files(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    tm = out / "tmall_flagship"
    ev = pd.read_csv(tm / "events.csv", header=None, names=["user_id", "item_id", "category_id", "type", "ts"])
    assert ev["user_id"].nunique() == 400
    assert not ev.duplicated().any()
    key = list(zip(ev["user_id"], ev["ts"], strict=True))
    assert key == sorted(key)
    counts = ev["type"].value_counts()
    assert counts["pv"] > 10 * counts["cart"] and counts["cart"] > counts["fav"]
    assert 0.008 < counts["buy"] / counts["pv"] < 0.025
    products = read(tm / "products.csv", "gbk")
    assert set(ev["item_id"].astype(str)) <= set(products["商品ID"])
    roles = products["商品角色"].value_counts(normalize=True)
    assert 0.2 < roles["引流款"] < 0.4 and 0.4 < roles["利润款"] < 0.6
    comp = read(tm / "competitors.csv", "utf-8-sig")
    assert comp["update_time"].str.fullmatch(r"2026/[89]/\d{1,2}").all()
    assert "2026/9/1" in set(comp["update_time"])  # unpadded
    assert comp["update_time"].nunique() == 14 and comp["店名"].nunique() == 5
    assert (comp["sale_count"] == "").any() and comp["id"].str.fullmatch(r"A\d{11}").all()
    inv = read(tm / "inventory.csv", "gbk")
    assert (pd.to_datetime(inv["日期"]).dt.weekday == 0).all()
    assert (inv["库存"].astype(int) >= 0).all()


# --------------------------------------------------------------------------- demand shape


def test_qixi_is_a_peak(small: tuple[Path, SampleResult]) -> None:
    out, _ = small
    o = read(out / "tmall_flagship" / "tmall_orders.csv", "gbk")
    daily = o.groupby(o["订单创建时间"].str[:10]).size()
    assert daily["2026-08-19"] > daily.median() * 1.5  # 七夕 2026 (lunar 7/7)


def test_double11_is_the_biggest_day_over_two_years(tmp_path: Path) -> None:
    generate(SampleSpec(stores=1, days=730, orders_per_day=20, seed=5, events_users=0), tmp_path)
    o = read(tmp_path / "tmall_flagship" / "tmall_orders.csv", "gbk")
    daily = o.groupby(o["订单创建时间"].str[:10]).size()
    assert daily.idxmax() in {"2024-11-11", "2025-11-11"}
    assert daily.idxmax() == "2025-11-11" or daily["2025-11-11"] > 5 * daily.median()
    # year-on-year growth
    first = daily[daily.index < "2025-11-01"].sum()
    second = daily[daily.index >= "2025-11-01"].sum()
    assert 1.1 < second / first < 1.35


def test_anomaly_cuts_channel_conversion(tmp_path: Path) -> None:
    spec = SampleSpec(
        stores=1,
        days=35,
        orders_per_day=3000,
        seed=11,
        end_date=date(2026, 4, 30),
        events_users=0,
        anomalies=[Anomaly("tmall_flagship", "手淘搜索", date(2026, 4, 24), 7, -0.4)],
    )
    result = generate(spec, tmp_path)
    assert result.anomalies == spec.anomalies
    t = read(tmp_path / "tmall_flagship" / "sycm_traffic.csv", "gbk")
    t = t[t["流量来源"] == "手淘搜索"]
    day = t.groupby("统计日期")[["访客数", "支付买家数"]].apply(lambda g: g.astype(int).sum())
    cvr = day["支付买家数"] / day["访客数"]
    during = cvr["2026-04-24":"2026-04-30"].mean()
    before = cvr["2026-04-10":"2026-04-23"].mean()  # the same weekdays, two weeks before
    assert during / before == pytest.approx(0.6, abs=0.08)
    uv = day["访客数"]
    assert uv["2026-04-24":"2026-04-30"].mean() / uv["2026-04-10":"2026-04-23"].mean() > 0.85


# --------------------------------------------------------------------------- determinism, input


def test_deterministic_bytes(tmp_path: Path) -> None:
    spec = SampleSpec(stores=4, days=12, orders_per_day=40, seed=9, end_date=date(2025, 11, 6), events_users=50)
    a = generate(spec, tmp_path / "a")
    b = generate(spec, tmp_path / "b")
    assert a.truth == b.truth
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 9 + 4 + 4 + 9 + 1  # tmall, jd, shopify, tmall_2, sample.json
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert a.stores[3].name == "tmall_flagship_2"
    c = generate(SampleSpec(stores=1, days=12, orders_per_day=40, seed=10), tmp_path / "c")
    assert c.truth != a.truth
    # DST change on 2025-11-02: offsets switch from -0400 to -0500
    s = read(tmp_path / "a" / "shopify_us" / "orders_export.csv", "utf-8")
    created = s.loc[s["Financial Status"] != "", "Created at"]
    assert created[created.str[:10] < "2025-11-02"].str.endswith("-0400").all()
    assert created[created.str[:10] > "2025-11-02"].str.endswith("-0500").all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"stores": 0},
        {"days": 0},
        {"orders_per_day": 0},
        {"seed": -1},
        {"events_users": -5},
        {"anomalies": [Anomaly("nope", "手淘搜索", date(2026, 10, 1), 3, -0.4)]},
        {"anomalies": [Anomaly("tmall_flagship", "Direct", date(2026, 10, 1), 3, -0.4)]},
        {"anomalies": [Anomaly("tmall_flagship", "手淘搜索", date(2020, 1, 1), 3, -0.4)]},
        {"anomalies": [Anomaly("tmall_flagship", "手淘搜索", date(2026, 10, 1), 3, -1.5)]},
    ],
)
def test_invalid_specs_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SampleSpec(**kwargs)  # type: ignore[arg-type]
