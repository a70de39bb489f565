"""The report's words: labels and the sentences written from its figures, in Chinese or English.

Every sentence is made from the figures it states (nothing is canned): when a figure is missing
the sentence says so or is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from shopops.metrics.catalogue import Catalogue
from shopops.reports.model import Kpi, Period, Section, format_value

LABELS: dict[str, tuple[str, str]] = {
    "attribution": ("支付金额变化归因", "What moved paid amount"),
    "bridge": ("支付金额：上期 → 本期", "Paid amount: previous → current"),
    "step": ("项目", "step"),
    "previous_paid": ("上期支付金额", "previous paid amount"),
    "current_paid": ("本期支付金额", "current paid amount"),
    "traffic_effect": ("流量（访客数）贡献", "traffic (visitors)"),
    "conversion_effect": ("转化率贡献", "conversion"),
    "order_value_effect": ("客单价贡献", "spend per buyer"),
    "not_decomposed": ("无法拆分", "not decomposed"),
    "by_store": ("分店铺归因", "By store"),
    "by_channel": ("分渠道归因", "By channel"),
    "channel_source": (
        "渠道口径取流量报表（生意参谋等）按来源给出的访客、支付买家与支付金额。",
        "Channels as the traffic report gives them: visitors, paying buyers and paid amount per source.",
    ),
    "all_sources": ("（全部来源）", "(all sources)"),
    "segment": ("细分", "segment"),
    "total": ("合计", "total"),
    "previous": ("上期", "previous"),
    "current": ("本期", "current"),
    "change": ("变化", "change"),
    "change_pct": ("变化率", "change %"),
    "kpi_tree": (
        "指标树：支付金额 = 访客数 × 支付转化率 × 客单价",
        "KPI tree: paid amount = visitors × conversion × spend per buyer",
    ),
    "kpi_tree_identity": (
        "支付金额 = 访客数 × 支付转化率 × 客单价，三项的变化按 LMDI 精确拆分，合计等于支付金额的变化（分毫不差）。",
        "Paid amount = visitors × conversion rate × spend per buyer; LMDI splits the change exactly, the parts add up to the change to the cent.",
    ),
    "period": ("期间", "period"),
    "factor": ("因子", "factor"),
    "factor_changes": ("各因子变化", "Change of each factor"),
    "effect": ("对支付金额的贡献", "effect on paid amount"),
    "root_cause": ("异常定位（按维度）", "Root cause across dimensions"),
    "dimension": ("维度", "dimension"),
    "explanatory_power": ("解释力", "explanatory power"),
    "surprise": ("意外度", "surprise"),
    "trend": ("每日走势", "Daily trend"),
    "date": ("日期", "date"),
    "weekday": ("星期", "weekday"),
    "compare_period": ("对比期", "comparison"),
    "channels": ("流量来源", "Traffic by channel"),
    "products": ("商品", "Products"),
    "product": ("商品编码", "product"),
    "title": ("商品名称", "title"),
    "top_products": ("销售额最高的商品", "Top products by sales"),
    "rising_products": ("增长最多的商品", "Biggest risers"),
    "falling_products": ("下滑最多的商品", "Biggest fallers"),
    "refunds": ("退款", "Refunds"),
    "refund_products": ("退款最多的商品", "Products with the most refunds"),
    "refund_share": ("退款占比", "refund share"),
    "metric": ("指标", "metric"),
    "ads": ("广告投放", "Advertising"),
    "ad_tools": ("分广告工具", "By ad tool"),
    "campaigns": ("花费最多的推广计划", "Top campaigns by spend"),
    "buyers": ("新老买家", "New and returning buyers"),
    "buyer_new": ("新买家", "new"),
    "buyer_returning": ("老买家", "returning"),
    "stores": ("店铺对比", "Stores side by side"),
    # the customer and product report
    "buyers_by_month": ("每月新老买家", "New and returning buyers by month"),
    "month": ("月份", "month"),
    "returning_share": ("老买家占比", "returning share"),
    "repurchase": ("复购率", "Repurchase"),
    "window_days": ("窗口（天）", "window (days)"),
    "repurchase_rate": ("N 天复购率（京东商智口径）", "N-day repurchase rate"),
    "repurchase_within_rate": ("首购后 N 天内再购率", "bought again within N days"),
    "frequency": ("购买次数分布", "Purchase frequency"),
    "purchases": ("购买次数", "purchases"),
    "share": ("占比", "share"),
    "cohorts": ("同期群留存（按首购月份）", "Cohort retention by first-purchase month"),
    "cohort": ("首购月份", "cohort"),
    "cohort_buyers": ("首购人数", "buyers"),
    "rfm": ("RFM 客户分层", "RFM segments"),
    "segment_name": ("客户分层", "segment"),
    "revenue": ("金额", "revenue"),
    "revenue_share": ("金额占比", "revenue share"),
    "action": ("建议动作", "suggested action"),
    "clv": ("客户生命周期价值与流失", "Customer lifetime value and churn"),
    "status": ("状态", "status"),
    "customers_count": ("客户数", "customers"),
    "expected_clv": ("预期 CLV 合计", "expected CLV"),
    "mean_p_alive": ("平均存活概率", "mean P(alive)"),
    "status_active": ("活跃", "active"),
    "status_at_risk": ("有流失风险", "at risk"),
    "status_churned": ("已流失", "churned"),
    "holdout": (
        "模型检验：本季度实际 vs 预测的人均购买次数",
        "Model check: purchases per customer this quarter, actual vs predicted",
    ),
    "calibration_purchases": ("季度前的复购次数", "repeat purchases before the quarter"),
    "holdout_actual": ("实际", "actual"),
    "holdout_predicted": ("预测", "predicted"),
    "pareto": ("二八分析与 ABC 分类", "20/80 and ABC classes"),
    "entity": ("对象", "of"),
    "entity_product": ("商品", "products"),
    "entity_customer": ("客户", "customers"),
    "abc": ("ABC 类", "ABC class"),
    "count": ("数量", "count"),
    "top_sales_share": ("前 20% 贡献的金额占比", "sales share of the top 20%"),
    "sales_share": ("金额占比", "sales share"),
    "roles": ("商品角色与毛利", "Product roles and margin"),
    "role": ("角色", "role"),
    "sales": ("销售额", "sales"),
    "margin": ("毛利（扣退款与广告）", "margin after refunds and ads"),
    "margin_rate": ("毛利率", "margin rate"),
    "basket": ("关联购买", "Bought together"),
    "pair_a": ("商品 A", "item A"),
    "pair_b": ("商品 B", "item B"),
    "support": ("支持度", "support"),
    "confidence": ("置信度 A→B", "confidence A→B"),
    "lift": ("提升度", "lift"),
    "refund_days": ("退款距付款天数", "Refunds by days after payment"),
    "bucket": ("天数", "days"),
    "refunds_count": ("退款笔数", "refunds"),
    "refund_amount_col": ("退款金额", "refund amount"),
}
WEEKDAYS = (("周一", "周二", "周三", "周四", "周五", "周六", "周日"), ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
#: per report kind: (this period, the comparison, the previous period, the kind's name)
PERIOD_WORDS = {
    "daily": (("今日", "日环比", "昨日", "日报"), ("The day", "day on day", "the day before", "Daily report")),
    "weekly": (("本周", "周环比", "上周", "周报"), ("This week", "week on week", "last week", "Weekly report")),
    "monthly": (("本月", "月环比", "上月", "月报"), ("This month", "month on month", "last month", "Monthly report")),
    "customers": (
        ("本季度", "季环比", "上季度", "客户与商品季报"),
        ("This quarter", "quarter on quarter", "last quarter", "Customer and product report"),
    ),
    "range": (("本期", "环比", "上期", "分析"), ("This period", "period on period", "the period before", "Analysis")),
}
FACTOR_NAMES = {
    "traffic_effect": ("流量", "traffic"),
    "conversion_effect": ("转化率", "conversion"),
    "order_value_effect": ("客单价", "spend per buyer"),
}


class Narrator:
    """Labels and sentences for one language and report kind."""

    def __init__(self, lang: str, kind: str) -> None:
        self.lang = lang
        self.zh = lang == "zh"
        self.kind = kind
        self.words = PERIOD_WORDS[kind][0 if self.zh else 1]

    def t(self, key: str) -> str:
        zh, en = LABELS[key]
        return zh if self.zh else en

    def f(self, value: Any, unit: str, signed: bool = False) -> str:
        return format_value(value, unit, signed=signed, lang=self.lang)

    def weekday(self, day: date) -> str:
        return WEEKDAYS[0 if self.zh else 1][day.weekday()]

    def dimension(self, cat: Catalogue, dim: str) -> str:
        d = cat.dimensions.get(dim)
        if d is None:
            return dim
        return d.zh if self.zh else d.en

    def title(self, stores: Sequence[str], period: Period) -> str:
        who = "、".join(stores) if self.zh else ", ".join(stores)
        return f"{who} {self.words[3]} {period.label}"

    # ------------------------------------------------------------ notes

    def unavailable(self, metric: str, stores: Sequence[str], needs: Sequence[str]) -> str:
        if self.zh:
            return f"{metric}：{'、'.join(stores)} 的数据源没有 {', '.join(needs)}，无法计算"
        return f"{metric}: not available from the sources of {', '.join(stores)} ({', '.join(needs)} missing)"

    def no_data(self, period: Period, first: date | None, *, year_ago: bool) -> str:
        """A comparison period the data does not reach: its figures are unknown, so no comparison is made."""
        since = first.isoformat() if first else ""
        if self.zh:
            which = "去年同期" if year_ago else "对比期"
            return f"{which}（{period.label}）没有数据（订单数据从 {since} 开始），不做比较"
        which = "the year-ago period" if year_ago else "the comparison period"
        return f"{which} ({period.label}) has no data (the orders start on {since}); no comparison is made"

    def no_channel_attribution(self, store: str) -> str:
        if self.zh:
            return f"{store}：流量报表没有分来源的支付买家数与支付金额，不做渠道归因"
        return f"{store}: its traffic report has no paying buyers and paid amount per source; no channel attribution"

    def not_decomposable(self, reason: str) -> str:
        if self.zh:
            return f"支付金额变化无法拆分：{reason}"
        return f"The change in paid amount cannot be decomposed: {reason}"

    # ------------------------------------------------------------ sentences

    def headline(self, k: Kpi, current: Period, previous: Period) -> str:
        this, cmp_word, prev_word, _ = self.words
        value = self.f(k.value, k.unit)
        prev = self.f(k.previous, k.unit)
        parts = []
        if k.change_pct is not None:
            parts.append(
                f"{cmp_word} {self.f(k.change_pct, 'pct')}（{prev_word} {prev}）"
                if self.zh
                else f"{self.f(k.change_pct, 'pct')} {cmp_word} ({prev_word}: {prev})"
            )
        if k.yoy_change_pct is not None:
            parts.append(f"{'同比' if self.zh else 'year on year'} {self.f(k.yoy_change_pct, 'pct')}")
        if k.achievement is not None:
            goal = self.f(k.target, k.unit)
            parts.append(
                f"目标 {goal}，达成率 {self.f(k.achievement, 'ratio')}"
                if self.zh
                else f"{self.f(k.achievement, 'ratio')} of the {goal} target"
            )
        if self.zh:
            return f"{this}（{current.label}）{k.label} {value}" + (f"，{'，'.join(parts)}" if parts else "") + "。"
        return (
            f"{this} ({current.label}) {k.label.lower()} was {value}" + (f", {', '.join(parts)}" if parts else "") + "."
        )

    def attribution(self, total: dict[str, Any]) -> str:
        effects = {k: total.get(k) for k in FACTOR_NAMES}
        main = max(effects, key=lambda k: abs(effects[k] or 0))
        name = FACTOR_NAMES[main][0 if self.zh else 1]
        change = self.f(total.get("paid_amount_change"), "money", True)
        t, c, o = (self.f(effects[k], "money", True) for k in FACTOR_NAMES)
        if self.zh:
            return f"支付金额变化 {change}：流量贡献 {t}，转化率贡献 {c}，客单价贡献 {o}；影响最大的是{name}。"
        return (
            f"Paid amount changed by {change}: traffic {t}, conversion {c}, spend per buyer {o}; {name} mattered most."
        )

    def root_cause(self, metric: str, row: dict[str, Any], unit: str) -> str:
        """The top-ranked segment; "concentrated" only when it explains at least half of the change."""
        seg, dim = row.get("segment"), row.get("dimension")
        change_unit = "pp" if unit == "ratio" else unit
        power = row.get("explanatory_power")
        share = self.f(power, "ratio")
        diff = self.f(row.get("change"), change_unit, True)
        if power is not None and power >= 0.5:
            if self.zh:
                return f"{metric}的变化主要出在{dim}「{seg}」：变化 {diff}，解释了总变化的 {share}。"
            return (
                f"The change in {metric.lower()} is concentrated in {dim} “{seg}”: {diff}, {share} of the total change."
            )
        if self.zh:
            return (
                f"{metric}的变化分布较广，没有单一细分占到一半；最反常的是{dim}「{seg}」（变化 {diff}，解释 {share}）。"
            )
        return (
            f"The change in {metric.lower()} is broad, no single segment explains half of it; the most unusual is"
            f" {dim} “{seg}” ({diff}, {share} of the change)."
        )

    def channels(self, row: dict[str, Any], uv: str) -> str:
        name = row.get("channel")
        pct = self.f(row.get("uv_change_pct"), "pct")
        if self.zh:
            return f"最大的流量来源是「{name}」：{uv} {self.f(row.get('uv'), 'count')}，环比 {pct}。"
        return f"The largest traffic source was “{name}”: {self.f(row.get('uv'), 'count')} visitors ({pct})."

    def products(
        self, top: list[dict[str, Any]], rises: list[dict[str, Any]], falls: list[dict[str, Any]], n: int
    ) -> list[str]:
        out = []
        if top:
            r = top[0]
            name = r.get("title") or r.get("product")
            amount = self.f(r.get("item_amount"), "money")
            out.append(
                f"{n} 个商品有销售，销售额最高的是「{name}」（{amount}）。"
                if self.zh
                else f"{n} products sold; the best seller was “{name}” ({amount})."
            )
        if falls:
            r = falls[0]
            name = r.get("title") or r.get("product")
            diff = self.f(r.get("item_amount_change"), "money", True)
            out.append(
                f"下滑最多的商品是「{name}」（{diff}）。" if self.zh else f"The biggest faller was “{name}” ({diff})."
            )
        return out

    def refunds(self, amount: dict[str, Any] | None, rate: dict[str, Any]) -> str:
        value = self.f(rate.get("value"), "ratio")
        diff = self.f(rate.get("change_pp"), "pp")
        money = self.f(amount.get("value"), "money") if amount else None
        if self.zh:
            return f"退款率 {value}（较上期 {diff}）" + (f"，退款金额 {money}。" if money else "。")
        return f"Refund rate {value} ({diff} on the previous period)" + (f", refunds {money}." if money else ".")

    def ads(self, total: dict[str, Any]) -> str:
        spend = self.f(total.get("ad_spend"), "money")
        pct = self.f(total.get("ad_spend_change_pct"), "pct")
        roas = self.f(total.get("roas"), "number")
        roas_prev = self.f(total.get("roas_prev"), "number")
        if self.zh:
            return f"广告花费 {spend}（环比 {pct}），ROAS {roas}（上期 {roas_prev}）。"
        return f"Ad spend {spend} ({pct}), ROAS {roas} (previous {roas_prev})."

    def buyers(self, rows: list[dict[str, Any]]) -> str:
        counts = {str(r["buyer_type"]): r.get("buyers") for r in rows}
        total = sum(v for v in counts.values() if v)
        parts = [f"{k} {self.f(v, 'count')}" for k, v in counts.items()]
        sep = "，" if self.zh else ", "
        if self.zh:
            return f"支付买家 {self.f(total, 'count')} 人：{sep.join(parts)}。"
        return f"{self.f(total, 'count')} paying buyers: {sep.join(parts)}."

    def summary(
        self,
        kpis: list[Kpi],
        total: dict[str, Any],
        sections: list[Section],
        current: Period,
        previous: Period,
    ) -> list[str]:
        """The 3–5 most important facts: the headline, what drove it, where, then the largest movers."""
        out = []
        by = {k.metric: k for k in kpis}
        paid = by.get("paid_amount")
        if paid is not None:
            out.append(self.headline(paid, current, previous))
        if total.get("decomposable"):
            out.append(self.attribution(total))
        texts = {s.id: s.text for s in sections}
        for sid in ("root_cause", "products", "refunds", "ads"):
            if texts.get(sid):
                out.append(texts[sid][0])
        # then other headline figures that moved most
        moved = [
            k
            for k in kpis
            if k.metric not in ("paid_amount",) and k.change_pct is not None and abs(k.change_pct) >= 0.2
        ]
        moved.sort(key=lambda k: -abs(k.change_pct or 0))
        for k in moved[:1]:
            out.append(self._moved(k))
        return out[:5]

    def _moved(self, k: Kpi) -> str:
        _, cmp_word, _, _ = self.words
        value, pct = self.f(k.value, k.unit), self.f(k.change_pct, "pct")
        if self.zh:
            return f"{k.label} {value}，{cmp_word} {pct}。"
        return f"{k.label} {value}, {pct} {cmp_word}."


__all__ = ["LABELS", "Narrator"]
