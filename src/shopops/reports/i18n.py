"""The renderers' own words (the "chrome" around a report's figures), in zh and en.

Everything the analyses say is already in the report's language; these are only the labels the
renderers add: headings, comparison names, sheet names.
"""

from __future__ import annotations

from typing import Final

CHROME: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "daily": "日报",
        "weekly": "周报",
        "monthly": "月报",
        "customers": "客户与商品季报",
        "plan": "年度目标规划",
        "track": "目标达成跟踪",
        "scorecard": "岗位KPI考核表",
        "period": "统计周期",
        "previous": "对比周期",
        "yoy_period": "同比周期",
        "stores": "店铺",
        "all_stores": "全部店铺",
        "currency": "币种",
        "summary": "摘要",
        "kpis": "核心指标",
        "contents": "目录",
        "metric": "指标",
        "current": "本期",
        "previous_value": "上期",
        "change": "变化",
        "vs_previous": "环比",
        "yoy": "同比",
        "yoy_value": "去年同期",
        "target": "目标",
        "achievement": "达成率",
        "notes": "备注",
        "generated": "生成于",
        "more_rows": "… 还有 {n} 行",
        "chart_helper": "图表辅助列",
        "base": "基数",
        "increase": "增加",
        "decrease": "减少",
        "total": "合计",
        "days": "{n} 天",
    },
    "en": {
        "daily": "Daily report",
        "weekly": "Weekly report",
        "monthly": "Monthly report",
        "customers": "Customer and product report",
        "plan": "Annual target plan",
        "track": "Target tracking",
        "scorecard": "KPI scorecard",
        "period": "Period",
        "previous": "Compared with",
        "yoy_period": "Year ago",
        "stores": "Stores",
        "all_stores": "All stores",
        "currency": "Currency",
        "summary": "Summary",
        "kpis": "Key figures",
        "contents": "Contents",
        "metric": "Metric",
        "current": "Current",
        "previous_value": "Previous",
        "change": "Change",
        "vs_previous": "vs previous",
        "yoy": "YoY",
        "yoy_value": "Year ago",
        "target": "Target",
        "achievement": "Achievement",
        "notes": "Notes",
        "generated": "Generated",
        "more_rows": "… {n} more rows",
        "chart_helper": "chart helper",
        "base": "base",
        "increase": "increase",
        "decrease": "decrease",
        "total": "total",
        "days": "{n} days",
    },
}


def chrome(lang: str) -> dict[str, str]:
    """The renderer labels for ``lang`` (English for a language we have no words for)."""
    return CHROME.get(lang, CHROME["en"])


__all__ = ["CHROME", "chrome"]
