"""A realistic weekly report, built by hand, in zh and en: the renderers' test subject.

Two Tmall/JD stores in week 2026-W47, the week after 双11, so most figures fall against the
previous week (W46 holds 11.11). Every derived figure is computed from the raw ones below the same
way the report builder would (LMDI effects sum exactly to the change, to the cent), and every section
the builder produces is present, with missing figures (``None``), negative changes, Chinese text and
long tables (40 products).
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from shopops.reports.model import Chart, Column, Kpi, Period, Report, Section, Table

CENT = Decimal("0.01")
START = date(2026, 11, 16)
PREV_START = date(2026, 11, 9)

# raw figures per store: (visitors, buyers, paid) for current, previous, a year ago (JD: no year ago)
STORES: dict[str, dict[str, tuple[int, int, Decimal] | None]] = {
    "tmall_flagship": {
        "cur": (70_120, 2_801, Decimal("912300.40")),
        "prev": (95_400, 4_605, Decimal("1402118.90")),
        "yoy": (64_230, 2_566, Decimal("801447.35")),
    },
    "jd_official": {
        "cur": (28_292, 1_253, Decimal("374132.10")),
        "prev": (36_505, 1_792, Decimal("510751.30")),
        "yoy": None,
    },
}
CUR_DAILY = [
    Decimal("201345.60"), Decimal("188920.15"), Decimal("179455.30"), Decimal("172310.85"),
    Decimal("168790.40"), Decimal("190214.75"), Decimal("0"),
]  # fmt: skip
PREV_DAILY = [
    Decimal("210880.20"), Decimal("236540.10"), Decimal("698450.75"), Decimal("245120.30"),
    Decimal("190330.55"), Decimal("168904.60"), Decimal("0"),
]  # fmt: skip
# (channel zh, channel en, share of visitors cur/prev, conversion cur/prev relative to store average)
CHANNELS = [
    ("手淘搜索", "Search", 0.38, 0.35, 1.05, 0.98),
    ("推荐/猜你喜欢", "Recommended", 0.21, 0.19, 0.70, 0.78),
    ("直通车", "Paid search", 0.14, 0.17, 1.20, 1.15),
    ("万相台", "Smart ads", 0.08, 0.10, 1.00, 1.05),
    ("淘宝客", "Affiliates", 0.05, 0.06, 1.30, 1.25),
    ("直播", "Live", 0.07, 0.08, 1.10, 1.00),
    ("站外", "Off-site", 0.04, 0.03, 0.60, 0.55),
]  # remainder: 其他 / Other

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "天猫+京东 运营周报 2026年第47周",
        "paid": "支付金额",
        "paid_prev": "上期支付金额",
        "uv": "访客数",
        "uv_prev": "上期访客数",
        "buyers": "支付买家数",
        "cvr": "支付转化率",
        "aov": "客单价",
        "uv_value": "UV价值",
        "refund_amount": "退款金额",
        "refund_rate": "退款率",
        "ad_spend": "推广花费",
        "roas": "投入产出比",
        "new_buyers": "新买家数",
        "repurchase": "30天复购率",
        "change": "环比",
        "yoy_change": "同比",
        "share": "占比",
        "store": "店铺",
        "channel": "渠道",
        "effect_uv": "流量影响",
        "effect_cvr": "转化影响",
        "effect_aov": "客单价影响",
        "total_change": "合计变化",
        "step": "项目",
        "amount": "金额",
        "period": "期间",
        "current": "本期",
        "previous": "上期",
        "day": "日期",
        "date": "日历日",
        "rank": "排名",
        "dimension": "维度",
        "segment": "细分",
        "contribution": "贡献",
        "share_of_change": "占变化比",
        "surprise": "异常度",
        "product": "商品",
        "sku": "商品ID",
        "units": "件数",
        "reason": "退款原因",
        "refund_orders": "退款单数",
        "tool": "推广工具",
        "campaign": "推广计划",
        "clicks": "点击量",
        "cpc": "平均点击花费",
        "sales": "引导成交",
        "roas_change": "ROI环比",
        "buyer_type": "买家类型",
        "new": "新买家",
        "returning": "老买家",
        "other": "其他",
    },
    "en": {
        "title": "Tmall + JD weekly report, 2026 week 47",
        "paid": "Paid amount",
        "paid_prev": "Previous paid amount",
        "uv": "Visitors",
        "uv_prev": "Previous visitors",
        "buyers": "Paying buyers",
        "cvr": "Conversion rate",
        "aov": "Spend per buyer",
        "uv_value": "Value per visitor",
        "refund_amount": "Refund amount",
        "refund_rate": "Refund rate",
        "ad_spend": "Ad spend",
        "roas": "ROAS",
        "new_buyers": "New buyers",
        "repurchase": "30-day repurchase rate",
        "change": "WoW",
        "yoy_change": "YoY",
        "share": "Share",
        "store": "Store",
        "channel": "Channel",
        "effect_uv": "Traffic effect",
        "effect_cvr": "Conversion effect",
        "effect_aov": "Order value effect",
        "total_change": "Total change",
        "step": "Step",
        "amount": "Amount",
        "period": "Period",
        "current": "This week",
        "previous": "Last week",
        "day": "Day",
        "date": "Date",
        "rank": "Rank",
        "dimension": "Dimension",
        "segment": "Segment",
        "contribution": "Contribution",
        "share_of_change": "Share of change",
        "surprise": "Surprise",
        "product": "Product",
        "sku": "Item ID",
        "units": "Units",
        "reason": "Refund reason",
        "refund_orders": "Refund orders",
        "tool": "Ad tool",
        "campaign": "Campaign",
        "clicks": "Clicks",
        "cpc": "Cost per click",
        "sales": "Attributed sales",
        "roas_change": "ROAS WoW",
        "buyer_type": "Buyer type",
        "new": "New buyers",
        "returning": "Returning buyers",
        "other": "Other",
    },
}


def _daily() -> tuple[list[Decimal], list[Decimal]]:
    """Sunday is the remainder, so the days add up to the stores' totals exactly."""
    cur_total = sum((s["cur"][2] for s in STORES.values() if s["cur"]), Decimal(0))
    prev_total = sum((s["prev"][2] for s in STORES.values() if s["prev"]), Decimal(0))
    cur = [*CUR_DAILY[:-1], cur_total - sum(CUR_DAILY[:-1], Decimal(0))]
    prev = [*PREV_DAILY[:-1], prev_total - sum(PREV_DAILY[:-1], Decimal(0))]
    return cur, prev


def totals(key: str) -> tuple[int, int, Decimal]:
    rows = [s[key] for s in STORES.values() if s[key] is not None]
    return (sum(r[0] for r in rows), sum(r[1] for r in rows), sum((r[2] for r in rows), Decimal(0)))  # type: ignore[index]


def lmdi(cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """LMDI-I effects of visitors, conversion and spend per buyer; they sum to the change exactly."""
    v1, v0 = float(cur[2]), float(prev[2])
    weight = (v1 - v0) / (math.log(v1) - math.log(v0))
    ratios = (cur[0] / prev[0], (cur[1] / cur[0]) / (prev[1] / prev[0]), (v1 / cur[1]) / (v0 / prev[1]))
    uv, cvr = (Decimal(str(weight * math.log(r))).quantize(CENT) for r in ratios[:2])
    return uv, cvr, cur[2] - prev[2] - uv - cvr


def pct(cur: Any, prev: Any) -> float | None:
    return None if prev in (None, 0) else float(cur) / float(prev) - 1


def example_report(lang: str = "zh") -> Report:
    w = WORDS[lang]
    cur, prev, yoy = totals("cur"), totals("prev"), totals("yoy")
    sections = [
        _kpi_tree(w, cur, prev),
        _attribution(w, lang, cur, prev),
        _root_cause(w, lang, cur, prev),
        _trend(w, lang),
        _channels(w, lang, cur, prev),
        _products(w, lang),
        _refunds(w, lang),
        _ads(w, lang),
        _buyers(w, lang),
        _stores(w, lang),
    ]
    change = cur[2] - prev[2]
    summary = {
        "zh": [
            f"本周支付金额 {cur[2]:,.2f} 元，环比下降 {-pct(cur[2], prev[2]) * 100:.2f}%（上周含双11），同比增长 {pct(cur[2], yoy[2]) * 100:.2f}%。",
            "下滑主要来自流量：访客数环比减少 25.4%，双11后搜索和直通车流量回落。",
            f"客单价逆势上升至 {float(cur[2]) / cur[1]:.2f} 元，羽绒服和礼盒拉高了件单价。",
            "周目标达成率 91.89%，本月累计仍需日均 19.8 万元才能完成月目标。",
        ],
        "en": [
            f"Paid amount was {cur[2]:,.2f}, down {-pct(cur[2], prev[2]) * 100:.2f}% on last week (which held 11.11) and up {pct(cur[2], yoy[2]) * 100:.2f}% on a year ago.",
            "Traffic drove the fall: visitors were down 25.4% as search and paid-search traffic eased after 11.11.",
            f"Spend per buyer rose to {float(cur[2]) / cur[1]:.2f}, lifted by down jackets and gift boxes.",
            "The week reached 91.89% of target; the month needs 198k a day to close.",
        ],
    }[lang]
    assert change < 0
    return Report(
        kind="weekly",
        lang=lang,  # type: ignore[arg-type]
        title=w["title"],
        stores=list(STORES),
        currency="CNY",
        period=Period(START, START + timedelta(days=6), "2026-W47"),
        previous=Period(PREV_START, PREV_START + timedelta(days=6), "2026-W46"),
        yoy=Period(date(2025, 11, 17), date(2025, 11, 23), "2025-W47"),
        generated_at=datetime(2026, 11, 23, 9, 30),
        summary=summary,
        kpis=_kpis(w, cur, prev, yoy),
        sections=sections,
        notes={
            "zh": [
                "支付金额按生意参谋口径：含运费，不扣除退款；退款另见退款金额与退款率。",
                "京东店铺 2026 年开店，无同比数据；同比只含天猫旗舰店。",
                "新买家：统计期前 365 天内未付款的买家。",
            ],
            "en": [
                "Paid amount follows 生意参谋: postage included, refunds not deducted; refunds are reported separately.",
                "The JD store opened in 2026 and has no year-ago figures; YoY covers the Tmall store only.",
                "New buyer: no payment in the 365 days before the period.",
            ],
        }[lang],
    )


def _kpis(
    w: dict[str, str], cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal], yoy: tuple[int, int, Decimal]
) -> list[Kpi]:
    target = Decimal("1400000.00")
    cvr = [t[1] / t[0] for t in (cur, prev, yoy)]
    aov = [float(t[2]) / t[1] for t in (cur, prev, yoy)]
    return [
        Kpi("paid_amount", w["paid"], "money", cur[2], prev[2], cur[2] - prev[2], pct(cur[2], prev[2]),
            yoy[2], cur[2] - yoy[2], pct(cur[2], yoy[2]), target, float(cur[2] / target)),
        Kpi("uv", w["uv"], "count", cur[0], prev[0], cur[0] - prev[0], pct(cur[0], prev[0]),
            yoy[0], cur[0] - yoy[0], pct(cur[0], yoy[0])),
        Kpi("cvr", w["cvr"], "ratio", cvr[0], cvr[1], cvr[0] - cvr[1], pct(cvr[0], cvr[1]),
            cvr[2], cvr[0] - cvr[2], pct(cvr[0], cvr[2])),
        Kpi("aov", w["aov"], "money_per", aov[0], aov[1], aov[0] - aov[1], pct(aov[0], aov[1]),
            aov[2], aov[0] - aov[2], pct(aov[0], aov[2])),
        Kpi("refund_rate", w["refund_rate"], "ratio", 0.0614, 0.0832, 0.0614 - 0.0832, pct(0.0614, 0.0832), good="down"),
        Kpi("ad_spend", w["ad_spend"], "money", Decimal("186420.75"), Decimal("268310.40"),
            Decimal("186420.75") - Decimal("268310.40"), pct(Decimal("186420.75"), Decimal("268310.40")), good="down"),
        Kpi("roas", w["roas"], "number", 3.42, 2.95, 3.42 - 2.95, pct(3.42, 2.95)),
        Kpi("new_buyers", w["new_buyers"], "count", 2_318, 3_907, 2_318 - 3_907, pct(2_318, 3_907)),
        Kpi("repurchase_30d", w["repurchase"], "ratio", None),  # needs buyer ids the JD export lacks
    ]  # fmt: skip


def _kpi_tree(w: dict[str, str], cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]) -> Section:
    uv, cvr, aov = lmdi(cur, prev)
    zh = w is WORDS["zh"]
    values = Table(
        "values",
        "本期与上期" if zh else "This week and last week",
        [Column("period", w["period"]), Column("paid", w["paid"], "money"), Column("uv", w["uv"], "count"),
         Column("buyers", w["buyers"], "count"), Column("cvr", w["cvr"], "ratio"), Column("aov", w["aov"], "money_per")],
        [{"period": w[k], "paid": t[2], "uv": t[0], "buyers": t[1], "cvr": t[1] / t[0], "aov": float(t[2]) / t[1]}
         for k, t in (("current", cur), ("previous", prev))],
    )  # fmt: skip
    bridge = Table(
        "bridge",
        "支付金额 = 访客数 × 支付转化率 × 客单价" if zh else "Paid amount = visitors × conversion × spend per buyer",
        [Column("step", w["step"]), Column("amount", w["amount"], "money")],
        [{"step": w["paid_prev"], "amount": prev[2]}, {"step": w["uv"], "amount": uv},
         {"step": w["cvr"], "amount": cvr}, {"step": w["aov"], "amount": aov},
         {"step": w["paid"], "amount": cur[2]}],
    )  # fmt: skip
    return Section(
        "kpi_tree",
        "指标拆解" if zh else "KPI tree",
        [
            "支付金额 = 访客数 × 支付转化率 × 客单价。"
            if zh
            else "Paid amount = visitors × conversion rate × spend per buyer."
        ],
        [values, bridge],
        [
            Chart(
                "bridge",
                "支付金额变化拆解" if zh else "What moved the paid amount",
                "waterfall",
                "bridge",
                "step",
                ("amount",),
            )
        ],
    )


def _attribution(
    w: dict[str, str], lang: str, cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]
) -> Section:
    uv, cvr, aov = lmdi(cur, prev)
    effects = [Column("effect_uv", w["effect_uv"], "money"), Column("effect_cvr", w["effect_cvr"], "money"),
               Column("effect_aov", w["effect_aov"], "money"), Column("total", w["total_change"], "money")]  # fmt: skip
    overall = Table(
        "overall",
        w["total_change"],
        [Column("step", w["step"]), Column("amount", w["amount"], "money")],
        [{"step": w["paid_prev"], "amount": prev[2]}, {"step": w["effect_uv"], "amount": uv},
         {"step": w["effect_cvr"], "amount": cvr}, {"step": w["effect_aov"], "amount": aov},
         {"step": w["paid"], "amount": cur[2]}],
    )  # fmt: skip
    by_store = []
    for name, s in STORES.items():
        e = lmdi(s["cur"], s["prev"])  # type: ignore[arg-type]
        by_store.append(
            {"store": name, "effect_uv": e[0], "effect_cvr": e[1], "effect_aov": e[2], "total": sum(e, Decimal(0))}
        )
    by_channel = []
    for label, c_cur, c_prev in _channel_figures(lang, cur, prev):
        e = lmdi(c_cur, c_prev)
        by_channel.append(
            {"channel": label, "effect_uv": e[0], "effect_cvr": e[1], "effect_aov": e[2], "total": sum(e, Decimal(0))}
        )
    zh = lang == "zh"
    return Section(
        "attribution",
        "变化归因" if zh else "Attribution",
        [
            f"支付金额环比减少 {prev[2] - cur[2]:,.2f} 元：流量影响 {uv:,.2f}，转化影响 {cvr:,.2f}，客单价影响 {aov:+,.2f}。"
            if zh
            else f"Paid amount fell by {prev[2] - cur[2]:,.2f}: traffic {uv:,.2f}, conversion {cvr:,.2f}, order value {aov:+,.2f}.",
        ],
        [
            overall,
            Table("by_store", w["store"], [Column("store", w["store"]), *effects], by_store),
            Table(
                "by_channel",
                w["channel"],
                [Column("channel", w["channel"]), *effects],
                by_channel,
                note="LMDI-I，各项之和等于变化，精确到分。"
                if zh
                else "LMDI-I: the effects add up to the change, to the cent.",
            ),
        ],
        [
            Chart("overall", w["total_change"], "waterfall", "overall", "step", ("amount",)),
            Chart("by_store", w["store"], "bar", "by_store", "store", ("effect_uv", "effect_cvr", "effect_aov")),
            Chart(
                "by_channel", w["channel"], "bar", "by_channel", "channel", ("effect_uv", "effect_cvr", "effect_aov")
            ),
        ],
    )


def _channel_figures(
    lang: str, cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]
) -> list[tuple[str, tuple[int, int, Decimal], tuple[int, int, Decimal]]]:
    """Visitors, buyers and paid amount per channel; 其他 takes the remainder so channels add up."""
    out = []
    left = [list(cur), list(prev)]
    for zh, en, s1, s0, c1, c0 in CHANNELS:
        figures = []
        for i, (t, share, conv) in enumerate(((cur, s1, c1), (prev, s0, c0))):
            uv = round(t[0] * share)
            buyers = round(uv * t[1] / t[0] * conv)
            paid = (t[2] / t[1] * buyers * Decimal(str(1 + 0.04 * (conv - 1)))).quantize(CENT)
            left[i] = [left[i][0] - uv, left[i][1] - buyers, left[i][2] - paid]
            figures.append((uv, buyers, paid))
        out.append((zh if lang == "zh" else en, figures[0], figures[1]))
    out.append((WORDS[lang]["other"], tuple(left[0]), tuple(left[1])))  # type: ignore[arg-type]
    return out


def _root_cause(w: dict[str, str], lang: str, cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]) -> Section:
    zh = lang == "zh"
    change = cur[2] - prev[2]
    segments = [
        ("渠道" if zh else "channel", "直通车", Decimal("-182340.55"), 3.81),
        ("店铺" if zh else "store", "tmall_flagship", Decimal("-489818.50"), 2.95),
        ("品类" if zh else "category", "羽绒服", Decimal("-121905.30"), 2.40),
        ("渠道" if zh else "channel", "手淘搜索", Decimal("-96420.10"), 1.92),
        ("省份" if zh else "province", "广东", Decimal("-61230.85"), 1.51),
        ("设备" if zh else "device", "无线端", Decimal("-58710.00"), 1.33),
        ("品类" if zh else "category", "保暖内衣", Decimal("-41502.25"), 1.20),
        ("省份" if zh else "province", "浙江", Decimal("-33210.40"), 1.02),
        ("买家" if zh else "buyers", "新买家" if zh else "new", Decimal("-29880.00"), 0.94),
        ("品类" if zh else "category", "礼盒", Decimal("18450.60"), 0.88),
        ("渠道" if zh else "channel", "站外", Decimal("6120.35"), 0.41),
        ("省份" if zh else "province", "新疆", Decimal("-980.20"), 0.12),
    ]
    rows = [
        {
            "rank": i,
            "dimension": d,
            "segment": s,
            "contribution": c,
            "share_of_change": float(c / change),
            "surprise": z,
        }
        for i, (d, s, c, z) in enumerate(segments, start=1)
    ]
    return Section(
        "root_cause",
        "异动定位" if zh else "Where it moved",
        ["直通车流量回落是最大的单一原因，其次是天猫旗舰店的羽绒服。" if zh else "Paid search falling back was the largest single cause, then down jackets in the Tmall store."],
        [Table("segments", "排名靠前的细分" if zh else "Top segments",
               [Column("rank", w["rank"], "count"), Column("dimension", w["dimension"]), Column("segment", w["segment"]),
                Column("contribution", w["contribution"], "money"), Column("share_of_change", w["share_of_change"], "pct"),
                Column("surprise", w["surprise"], "score")], rows)],
        notes=["异常度：实际变化偏离按比例变化的程度。" if zh else "Surprise: how far the change departs from a proportional one."],
    )  # fmt: skip


def _trend(w: dict[str, str], lang: str) -> Section:
    cur, prev = _daily()
    names = (
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        if lang == "zh"
        else ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    )
    rows = [
        {"day": f"{(START + timedelta(days=i)):%m-%d} {names[i]}", "date": START + timedelta(days=i),
         "paid": cur[i], "paid_prev": prev[i], "change": pct(cur[i], prev[i])}
        for i in range(7)
    ]  # fmt: skip
    zh = lang == "zh"
    return Section(
        "trend",
        "每日趋势" if zh else "Daily trend",
        ["上周三（11月11日）的峰值过后，本周每日支付金额平稳在 17–20 万元。" if zh else "After last Wednesday's 11.11 peak, daily paid amount held at 170–200k."],
        [Table("daily", "每日支付金额" if zh else "Paid amount by day",
               [Column("day", w["day"]), Column("date", w["date"], "date"), Column("paid", w["current"], "money"),
                Column("paid_prev", w["previous"], "money"), Column("change", w["change"], "pct")], rows)],
        [Chart("daily", "每日支付金额：本周 vs 上周" if zh else "Paid amount by day: this week vs last", "line", "daily", "day", ("paid", "paid_prev"))],
    )  # fmt: skip


def _channels(w: dict[str, str], lang: str, cur: tuple[int, int, Decimal], prev: tuple[int, int, Decimal]) -> Section:
    rows = []
    for label, c1, c0 in _channel_figures(lang, cur, prev):
        rows.append({"channel": label, "uv": c1[0], "uv_prev": c0[0], "change": pct(c1[0], c0[0]),
                     "share": c1[0] / cur[0], "cvr": c1[1] / c1[0], "cvr_change": c1[1] / c1[0] - c0[1] / c0[0], "paid": c1[2]})  # fmt: skip
    zh = lang == "zh"
    return Section(
        "channels",
        "流量来源" if zh else "Traffic by channel",
        ["付费流量（直通车、万相台）降幅最大；站外引流逆势增长。" if zh else "Paid traffic fell most; off-site traffic grew."],
        [Table("channels", w["channel"],
               [Column("channel", w["channel"]), Column("uv", w["uv"], "count"), Column("uv_prev", w["uv_prev"], "count"),
                Column("change", w["change"], "pct"), Column("share", w["share"], "ratio"), Column("cvr", w["cvr"], "ratio"),
                Column("cvr_change", w["cvr"] + " " + w["change"], "pp"), Column("paid", w["paid"], "money")], rows)],
        [Chart("uv", w["uv"], "bar", "channels", "channel", ("uv", "uv_prev")),
         Chart("share", w["share"], "pie", "channels", "channel", ("uv",))],
    )  # fmt: skip


def _products(w: dict[str, str], lang: str) -> Section:
    rng = random.Random(47)
    kinds = ["轻薄羽绒服", "加厚羽绒服", "保暖内衣套装", "羊毛围巾", "摇粒绒外套", "新年礼盒", "羊绒衫", "雪地靴"]
    colours = ["黑色", "米白", "雾霾蓝", "焦糖色", "酒红"]
    rows = []
    for i in range(40):
        paid = Decimal(rng.randint(300_000, 9_000_000)) / 100
        prev = (paid / Decimal(str(rng.uniform(0.45, 1.6)))).quantize(CENT)
        units = int(paid / Decimal(rng.randint(89, 899))) + 1
        rows.append({"product": f"{kinds[i % len(kinds)]} {colours[i % len(colours)]} {2026 - i % 2}冬季款", "sku": f"{6_512_000_000 + i * 7919}",
                     "paid": paid, "paid_prev": prev, "change": pct(paid, prev), "units": units,
                     "cvr": rng.uniform(0.012, 0.085) if i != 7 else None})  # fmt: skip
    rows.sort(key=lambda r: r["paid"], reverse=True)
    columns = [Column("product", w["product"]), Column("sku", w["sku"]), Column("paid", w["paid"], "money"),
               Column("paid_prev", w["paid_prev"], "money"), Column("change", w["change"], "pct"),
               Column("units", w["units"], "count"), Column("cvr", w["cvr"], "ratio")]  # fmt: skip
    bottom = sorted(rows, key=lambda r: r["change"])[:8]
    zh = lang == "zh"
    return Section(
        "products",
        "商品表现" if zh else "Products",
        ["羽绒服贡献了支付金额的四成；8 个商品环比跌幅超过 30%，需检查库存与主图。" if zh else "Down jackets made 40% of sales; 8 items fell more than 30%."],
        [Table("top", "热销商品" if zh else "Top products", columns, rows),
         Table("bottom", "下滑商品" if zh else "Falling products", columns, bottom)],
        [Chart("top", "热销商品支付金额" if zh else "Top products by paid amount", "barh", "top", "product", ("paid",))],
        notes=["转化率为空：该商品本周无访客数据。" if zh else "Empty conversion: no visitor data for that item this week."],
    )  # fmt: skip


def _refunds(w: dict[str, str], lang: str) -> Section:
    zh = lang == "zh"
    reasons = [("尺码不合适", "Wrong size", Decimal("38210.50"), 141, -0.012), ("不喜欢/不想要", "Changed mind", Decimal("21450.00"), 96, -0.006),
               ("质量问题", "Quality", Decimal("9870.30"), 31, 0.002), ("发货慢", "Late dispatch", Decimal("7210.80"), 25, -0.004),
               ("其他", "Other", Decimal("2248.35"), 12, 0.0)]  # fmt: skip
    total = sum((r[2] for r in reasons), Decimal(0))
    rows = [
        {"reason": r[0] if zh else r[1], "amount": r[2], "orders": r[3], "share": float(r[2] / total), "change": r[4]}
        for r in reasons
    ]
    return Section(
        "refunds",
        "退款" if zh else "Refunds",
        ["退款率从 8.32% 降至 6.14%，尺码问题仍是首因。" if zh else "Refund rate fell from 8.32% to 6.14%; wrong size is still the first reason."],
        [Table("reasons", w["reason"],
               [Column("reason", w["reason"]), Column("amount", w["refund_amount"], "money"), Column("orders", w["refund_orders"], "count"),
                Column("share", w["share"], "ratio"), Column("change", w["refund_rate"] + " " + w["change"], "pp")], rows)],
        [Chart("reasons", w["refund_amount"], "bar", "reasons", "reason", ("amount",))],
    )  # fmt: skip


def _ads(w: dict[str, str], lang: str) -> Section:
    zh = lang == "zh"
    tools = [("直通车", Decimal("98210.40"), Decimal("352470.15"), 41_230, 0.05), ("万相台", Decimal("61020.10"), Decimal("195600.00"), 22_410, -0.08),
             ("引力魔方", Decimal("19980.00"), Decimal("48210.30"), 9_980, -0.21), ("淘宝客", Decimal("7210.25"), Decimal("41290.80"), 0, 0.33)]  # fmt: skip
    tool_rows = [{"tool": t, "spend": s, "sales": v, "roas": float(v / s), "roas_change": ch, "clicks": c or None, "cpc": float(s) / c if c else None}
                 for t, s, v, c, ch in tools]  # fmt: skip
    rng = random.Random(11)
    campaigns = []
    for i in range(15):
        spend = Decimal(rng.randint(80_000, 2_400_000)) / 100
        sales = None if i == 13 else (spend * Decimal(str(round(rng.uniform(0.6, 6.5), 2)))).quantize(CENT)
        campaigns.append({"campaign": f"{tools[i % 3][0]}-{['羽绒服', '礼盒', '内衣', '围巾', '店铺拉新'][i % 5]}-{i + 1:02d}", "spend": spend,
                          "sales": sales, "roas": None if sales is None else float(sales / spend)})  # fmt: skip
    campaigns.sort(key=lambda r: r["spend"], reverse=True)
    return Section(
        "ads",
        "推广" if zh else "Ads",
        ["推广花费环比减少 30.5%，投入产出比升至 3.42；引力魔方 ROI 仅 2.41，建议降低出价。" if zh else "Ad spend fell 30.5% while ROAS rose to 3.42."],
        [Table("tools", w["tool"],
               [Column("tool", w["tool"]), Column("spend", w["ad_spend"], "money"), Column("sales", w["sales"], "money"),
                Column("roas", w["roas"], "number"), Column("roas_change", w["roas_change"], "pct"),
                Column("clicks", w["clicks"], "count"), Column("cpc", w["cpc"], "money_per")], tool_rows),
         Table("campaigns", w["campaign"],
               [Column("campaign", w["campaign"]), Column("spend", w["ad_spend"], "money"), Column("sales", w["sales"], "money"),
                Column("roas", w["roas"], "number")], campaigns, note="淘宝客按佣金计花费，无点击数据。" if zh else "Affiliate spend is commission; no clicks.")],
        [Chart("tools", w["ad_spend"], "bar", "tools", "tool", ("spend", "sales")),
         Chart("roas", w["roas"], "barh", "campaigns", "campaign", ("roas",))],
    )  # fmt: skip


def _buyers(w: dict[str, str], lang: str) -> Section:
    zh = lang == "zh"
    cur = totals("cur")
    new_paid = Decimal("623410.85")
    data = [(w["new"], 2_318, new_paid, -0.4067), (w["returning"], cur[1] - 2_318, cur[2] - new_paid, -0.2841)]
    rows = [
        {"type": t, "buyers": b, "share": b / cur[1], "paid": p, "aov": float(p) / b, "change": ch}
        for t, b, p, ch in data
    ]
    return Section(
        "buyers",
        "新老买家" if zh else "New and returning buyers",
        ["老买家贡献 51.52% 的支付金额；双11新客本周复购 312 人。" if zh else "Returning buyers made 51.52% of sales."],
        [Table("buyers", w["buyer_type"],
               [Column("type", w["buyer_type"]), Column("buyers", w["buyers"], "count"), Column("share", w["share"], "ratio"),
                Column("paid", w["paid"], "money"), Column("aov", w["aov"], "money_per"), Column("change", w["change"], "pct")], rows)],
        [Chart("buyers", w["buyers"], "pie", "buyers", "type", ("buyers",))],
        notes=["30 天复购率需要完整的买家ID，京东店铺导出中没有。" if zh else "30-day repurchase needs buyer ids, which the JD export lacks."],
    )  # fmt: skip


def _stores(w: dict[str, str], lang: str) -> Section:
    zh = lang == "zh"
    rows = []
    for name, s in STORES.items():
        c, p, y = s["cur"], s["prev"], s["yoy"]
        assert c is not None and p is not None
        rows.append({"store": name, "paid": c[2], "change": pct(c[2], p[2]), "yoy_change": None if y is None else pct(c[2], y[2]),
                     "uv": c[0], "cvr": c[1] / c[0], "aov": float(c[2]) / c[1]})  # fmt: skip
    return Section(
        "stores",
        "店铺对比" if zh else "Stores",
        ["天猫旗舰店占总支付金额的 70.9%。" if zh else "The Tmall store made 70.9% of the paid amount."],
        [Table("stores", w["store"],
               [Column("store", w["store"]), Column("paid", w["paid"], "money"), Column("change", w["change"], "pct"),
                Column("yoy_change", w["yoy_change"], "pct"), Column("uv", w["uv"], "count"), Column("cvr", w["cvr"], "ratio"),
                Column("aov", w["aov"], "money_per")], rows)],
        [Chart("paid", w["paid"], "bar", "stores", "store", ("paid",))],
    )  # fmt: skip


SECTION_IDS = (
    "kpi_tree",
    "attribution",
    "root_cause",
    "trend",
    "channels",
    "products",
    "refunds",
    "ads",
    "buyers",
    "stores",
)

__all__ = ["SECTION_IDS", "example_report", "lmdi", "totals"]
