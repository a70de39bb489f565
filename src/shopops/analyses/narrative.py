"""The report's words: labels and the sentences written from its figures, in Chinese or English.

Every sentence is made from the figures it states (nothing is canned): when a figure is missing
the sentence says so or is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from shopops.i18n import pairs, words
from shopops.metrics.catalogue import Catalogue
from shopops.reports.model import Kpi, Period, Section, format_value

#: the report's labels, key -> (zh, en); the words live in the message catalogue (shopops.i18n)
LABELS: dict[str, tuple[str, str]] = pairs("report")
WEEKDAYS = words("weekday")  # Monday first
_PARTS = ("this", "compare", "previous", "name")
#: per report kind: (this period, the comparison, the previous period, the kind's name)
PERIOD_WORDS = {
    kind: words("period", tuple(f"{kind}_{part}" for part in _PARTS))
    for kind in ("daily", "weekly", "monthly", "customers", "range")
}
FACTOR_NAMES = pairs("factor")


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

    def partial_data(self, period: Period, covered: int, which: str) -> str:
        """A period the data covers only in part (``which``: ``current``, ``previous`` or ``yoy``)."""
        if self.zh:
            name = {"current": "本期", "previous": "对比期", "yoy": "去年同期"}[which]
            return f"{name}（{period.label}）只有 {covered} 天有数据（共 {period.days} 天），比较时请留意"
        name = {"current": "this period", "previous": "the comparison period", "yoy": "the year-ago period"}[which]
        return (
            f"{name} ({period.label}) has data on {covered} of its {period.days} days; read its comparisons with care"
        )

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
