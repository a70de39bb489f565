"""The message catalogue (src/shopops/i18n/messages.toml): both languages for every key, the same
placeholders, Chinese without stray English and English without Chinese, each word written once."""

from __future__ import annotations

import ast
import re
import string
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from shopops import i18n
from shopops.errors import ConfigError, QueryError

SRC = Path(i18n.__file__).parent
RAW: dict[str, dict[str, Any]] = tomllib.loads((SRC / "messages.toml").read_text(encoding="utf-8"))
ENTRIES = [(d, k, zh, en) for d, e in i18n.catalogue().items() for k, (zh, en) in e.items()]
IDS = [f"{d}.{k}" for d, k, _, _ in ENTRIES]

#: Latin words a Chinese text may hold, each because operators say it so in Chinese too
LATIN_IN_ZH = {
    "RFM": "the segmentation everyone calls RFM (RFM 客户分层)",
    "ABC": "ABC 分类, the inventory classes",
    "CLV": "customer lifetime value, written CLV in Chinese reports",
    "KPI": "岗位KPI考核: the scorecard's own name",
    "UV": "UV价值, value per visitor, as 生意参谋 names it",
    "LMDI": "the name of the decomposition method (a citation, not a word)",
    "MAPE": "the name of the error measure (with its Chinese gloss next to it in the report)",
    "vs": "实际 vs 预测, as charts in Chinese write it",
    "A": "商品 A / 商品 B: the two items of a pair are letters",
    "B": "the second item of a pair",
    "N": "N 天复购率: the window is a variable, as 京东商智 writes it",
}
#: words written the same in Chinese whose English differs (beyond capitals) because the meaning does
SYNONYMS_IN_ZH = {
    "上期": "a column 'previous'; in a sentence 'the period before' / 'previous period'",
    "本期": "a column 'current'; the range report's 'This period' opens a sentence",
    "环比": "the range report's comparison 'period on period'; the renderers' heading 'vs previous'",
    "流量来源": "a section 'Traffic by channel'; the plan's column 'Traffic source'",
    "商品": "a section 'Products', a column 'Product', 'products' as what a Pareto counts",
    "金额": "a customer's 'revenue'; a team's view 'amount'",
    "金额占比": "customers' 'revenue share'; products' 'sales share'",
    "预测": "the model's 'predicted' column; the 'Forecast' title",
    "日": "Sunday (一…日); the plan's 'Days' sheet",
    "店铺": "the renderers' 'Stores' (a list); a table's 'Store' column",
    "去年同期": "'Year ago' (a comparison), 'Last year to date' (tracking), 'Last year' (the plan)",
    "全年目标": "tracking's 'Full-year target'; the plan's overview section 'The year'",
}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_zh_and_en() -> None:
    for domain, entries in RAW.items():
        for key, entry in entries.items():
            assert set(entry) in ({"zh", "en"}, {"same"}), f"{domain}.{key}: {sorted(entry)}"
    assert all(zh.strip() and en.strip() for _, _, zh, en in ENTRIES)


@pytest.mark.parametrize(("domain", "key", "zh", "en"), ENTRIES, ids=IDS)
def test_the_same_placeholders_in_both_languages(domain: str, key: str, zh: str, en: str) -> None:
    assert fields(zh) == fields(en)


@pytest.mark.parametrize(("domain", "key", "zh", "en"), ENTRIES, ids=IDS)
def test_chinese_has_no_latin_words_but_the_allowed(domain: str, key: str, zh: str, en: str) -> None:
    words = re.findall(r"[A-Za-z]+", PLACEHOLDER.sub("", zh))
    assert set(words) <= set(LATIN_IN_ZH), zh


@pytest.mark.parametrize(("domain", "key", "zh", "en"), ENTRIES, ids=IDS)
def test_english_has_no_chinese(domain: str, key: str, zh: str, en: str) -> None:
    assert not CJK.search(en), en


def test_the_latin_allow_list_is_all_used() -> None:
    used = {w for _, _, zh, _ in ENTRIES for w in re.findall(r"[A-Za-z]+", PLACEHOLDER.sub("", zh))}
    assert set(LATIN_IN_ZH) == used


def test_each_word_is_written_once() -> None:
    """Two entries with the same zh say the same thing in en (up to capitals, which follow the place:
    headings or running text), and when they say it identically the second one is ``same = …``;
    a zh word with several English meanings is named in SYNONYMS_IN_ZH."""
    written: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for domain, entries in RAW.items():
        for key, entry in entries.items():
            if "same" not in entry:
                written[entry["zh"]].append((f"{domain}.{key}", entry["en"]))
    twice = {zh: found for zh, found in written.items() if len({en for _, en in found}) < len(found)}
    assert not twice, f"write these once and point the others at it with same = …: {twice}"
    meanings = {zh: found for zh, found in written.items() if len({en.lower() for _, en in found}) > 1}
    assert set(meanings) == set(SYNONYMS_IN_ZH), meanings


def test_aliases_point_at_real_entries() -> None:
    for domain, entries in RAW.items():
        for key, entry in entries.items():
            if "same" in entry:
                where, name = entry["same"].split(".")
                assert set(RAW[where][name]) == {"zh", "en"}, f"{domain}.{key}"
                assert i18n.pairs(domain)[key] == i18n.pairs(where)[name]


def test_the_api() -> None:
    assert i18n.text("chrome", "summary", "zh") == "摘要"
    assert i18n.table("chrome")["en"]["summary"] == "Summary"
    assert i18n.pairs("report")["previous"] == ("上期", "previous")
    assert i18n.words("weekday")[0][-1] == "周日"
    assert i18n.text("chrome", "more_rows", "en").format(n=3) == "… 3 more rows"
    with pytest.raises(QueryError) as lang:
        i18n.text("chrome", "summary", "fr")
    assert lang.value.code == "i18n.lang"
    with pytest.raises(KeyError, match="'nope' in domain 'chrome'"):
        i18n.text("chrome", "nope", "en")
    with pytest.raises(KeyError, match="no message domain 'nope'"):
        i18n.table("nope")


def test_a_broken_catalogue_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n.tomllib, "loads", lambda _: {"chrome": {"only_zh": {"zh": "只有中文"}}})
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"chrome\.only_zh must have exactly zh and en") as broken:
            i18n.catalogue()
        assert broken.value.code == "i18n.catalogue"
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()
    assert i18n.text("chrome", "summary", "en") == "Summary"


def test_the_catalogue_loads_fast() -> None:
    i18n.catalogue.cache_clear()
    start = time.perf_counter()
    i18n.catalogue()
    assert time.perf_counter() - start < 0.2


def test_the_package_stands_on_the_ground_floor() -> None:
    """Only the standard library and shopops.errors: every layer may use the words."""
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    ours = {m for m in imported if m and m.split(".")[0] == "shopops"}
    assert ours == {"shopops.errors"}
