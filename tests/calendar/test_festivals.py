"""The festival calendar against the State Council's notices (2024–2026) and lunar dates (2024–2027),
written out here by hand: the test is a second statement of the official text, not a copy of the
data file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopops.calendar.festivals import (
    Festival,
    calendar_days,
    festivals,
    festivals_between,
    holiday_years,
    is_day_off,
    market_of,
    official_days,
    settings_market,
)
from shopops.errors import ConfigError
from shopops.settings import CalendarConfig, CampaignConfig, Settings, load_settings

D = date.fromisoformat

# key: (first day off, last day off, number of days off, make-up workdays) — from each year's notice
# 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)
OFFICIAL_2024 = {
    "new_year": ("2024-01-01", "2024-01-01", 1, []),  # 1月1日（周一）放假，与周末连休
    "spring_festival": ("2024-02-10", "2024-02-17", 8, ["2024-02-04", "2024-02-18"]),
    "qingming": ("2024-04-04", "2024-04-06", 3, ["2024-04-07"]),
    "labour_day": ("2024-05-01", "2024-05-05", 5, ["2024-04-28", "2024-05-11"]),
    "dragon_boat": ("2024-06-08", "2024-06-10", 3, []),  # 6月10日（周一）放假，与周末连休
    "mid_autumn": ("2024-09-15", "2024-09-17", 3, ["2024-09-14"]),
    "national_day": ("2024-10-01", "2024-10-07", 7, ["2024-09-29", "2024-10-12"]),
}
# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
OFFICIAL_2025 = {
    "new_year": ("2025-01-01", "2025-01-01", 1, []),
    "spring_festival": ("2025-01-28", "2025-02-04", 8, ["2025-01-26", "2025-02-08"]),
    "qingming": ("2025-04-04", "2025-04-06", 3, []),
    "labour_day": ("2025-05-01", "2025-05-05", 5, ["2025-04-27"]),
    "dragon_boat": ("2025-05-31", "2025-06-02", 3, []),
    "national_day": ("2025-10-01", "2025-10-08", 8, ["2025-09-28", "2025-10-11"]),  # 国庆节、中秋节
}
# 国务院办公厅关于2026年部分节假日安排的通知
OFFICIAL_2026 = {
    "new_year": ("2026-01-01", "2026-01-03", 3, ["2026-01-04"]),
    "spring_festival": ("2026-02-15", "2026-02-23", 9, ["2026-02-14", "2026-02-28"]),
    "qingming": ("2026-04-04", "2026-04-06", 3, []),
    "labour_day": ("2026-05-01", "2026-05-05", 5, ["2026-05-09"]),
    "dragon_boat": ("2026-06-19", "2026-06-21", 3, []),
    "mid_autumn": ("2026-09-25", "2026-09-27", 3, []),
    "national_day": ("2026-10-01", "2026-10-07", 7, ["2026-09-20", "2026-10-10"]),
}
OFFICIAL = {2024: OFFICIAL_2024, 2025: OFFICIAL_2025, 2026: OFFICIAL_2026}
# Working days (365/366 minus weekends, minus weekday holidays, plus make-up days), counted by hand
WORKING_DAYS = {2024: 251, 2025: 248, 2026: 248}

# 春节, 除夕, 元宵, 清明, 端午, 七夕, 中秋
LUNAR = {
    2024: ("2024-02-10", "2024-02-09", "2024-02-24", "2024-04-04", "2024-06-10", "2024-08-10", "2024-09-17"),
    2025: ("2025-01-29", "2025-01-28", "2025-02-12", "2025-04-04", "2025-05-31", "2025-08-29", "2025-10-06"),
    2026: ("2026-02-17", "2026-02-16", "2026-03-03", "2026-04-05", "2026-06-19", "2026-08-19", "2026-09-25"),
    2027: ("2027-02-06", "2027-02-05", "2027-02-20", "2027-04-05", "2027-06-09", "2027-08-08", "2027-09-15"),
}
LUNAR_KEYS = ("spring_festival", "spring_festival_eve", "lantern", "qingming", "dragon_boat", "qixi", "mid_autumn")


def by_key(year: int, **kwargs: object) -> dict[str, Festival]:
    found = festivals(year, **kwargs)  # type: ignore[arg-type]
    keys = [f.key for f in found]
    assert len(keys) == len(set(keys)), keys
    return {f.key: f for f in found}


def window(f: Festival) -> tuple[str, str, str]:
    return f.start.isoformat(), f.day.isoformat(), f.end.isoformat()


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_official_days_off_and_makeup_workdays(year: int) -> None:
    rows = official_days(year)
    assert [r.day for r in rows] == sorted(r.day for r in rows)
    for key, (first, last, count, makeup) in OFFICIAL[year].items():
        off = [r.day for r in rows if r.holiday == key and r.off]
        assert len(off) == count, key
        assert off == [D(first) + timedelta(days=i) for i in range(count)], key
        assert off[-1] == D(last), key
        assert [r.day for r in rows if r.holiday == key and not r.off] == [D(d) for d in makeup], key
    assert {r.holiday for r in rows} == set(OFFICIAL[year])
    assert sum(r.off for r in rows) == sum(v[2] for v in OFFICIAL[year].values())
    assert all(r.day.weekday() >= 5 for r in rows if not r.off)  # make-up days are weekend days


def test_official_names_and_years() -> None:
    assert holiday_years() == {2024, 2025, 2026}
    assert official_days(2027) == [] and official_days(2023) == []
    sf = next(r for r in official_days(2026) if r.holiday == "spring_festival")
    assert (sf.name_zh, sf.name_en) == ("春节", "Spring Festival")
    nd = next(r for r in official_days(2025) if r.day == D("2025-10-06"))
    assert (nd.holiday, nd.name_zh, nd.off) == ("national_day", "国庆节、中秋节", True)


@pytest.mark.parametrize(
    ("day", "off"),
    [
        ("2026-02-14", False),  # Saturday worked for Spring Festival
        ("2026-02-16", True),  # 除夕, Monday
        ("2026-02-23", True),  # Monday, the break's last day
        ("2026-02-28", False),
        ("2026-03-07", True),  # ordinary Saturday
        ("2026-03-09", False),  # ordinary Monday
        ("2025-01-02", False),  # 2025's New Year is one day
        ("2025-01-28", True),  # 除夕 a day off from 2025 on
        ("2024-02-09", False),  # 2024's 除夕 (Friday) was not
        ("2025-10-11", False),
        ("2024-06-08", True),
        ("2027-02-06", True),  # no data for 2027: a Saturday is a day off
        ("2027-02-08", False),  # and a Monday is not
    ],
)
def test_is_day_off(day: str, off: bool) -> None:
    assert is_day_off(D(day)) is off


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_working_days_per_year(year: int) -> None:
    days = calendar_days(year)
    assert len(days) == (366 if year == 2024 else 365)
    assert int((~days["day_off"]).sum()) == WORKING_DAYS[year]
    assert int(days["makeup_workday"].sum()) == sum(len(v[3]) for v in OFFICIAL[year].values())


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_lunar_festivals(year: int) -> None:
    found = by_key(year)
    for key, expected in zip(LUNAR_KEYS, LUNAR[year], strict=True):
        f = found[key]
        assert (f.day, f.kind, f.markets) == (D(expected), "lunar", frozenset({"cn"})), key
    assert window(found["qixi"])[0] == (D(LUNAR[year][5]) - timedelta(days=6)).isoformat()


def test_western_dates() -> None:
    expected = {
        2024: ("2024-11-29", "2024-12-02", "2024-05-12"),
        2025: ("2025-11-28", "2025-12-01", "2025-05-11"),
        2026: ("2026-11-27", "2026-11-30", "2026-05-10"),
        2027: ("2027-11-26", "2027-11-29", "2027-05-09"),
    }
    for year, (bf, cm, md) in expected.items():
        found = by_key(year, market="west")
        assert found["black_friday"].day == D(bf) and found["black_friday"].day.weekday() == 4
        assert found["cyber_monday"].day == D(cm)
        assert found["mothers_day"].day == D(md)
        assert window(found["christmas"]) == (f"{year}-12-01", f"{year}-12-25", f"{year}-12-25")
        assert window(found["valentines"]) == (f"{year}-02-07", f"{year}-02-14", f"{year}-02-14")
        assert {f.kind for f in found.values()} == {"western"}
    assert window(by_key(2026)["black_friday"]) == ("2026-11-23", "2026-11-27", "2026-11-29")


def test_ecommerce_windows_2026() -> None:
    found = by_key(2026, market="cn")
    assert window(found["618"]) == ("2026-05-20", "2026-06-18", "2026-06-20")
    assert window(found["double11"]) == ("2026-10-20", "2026-11-11", "2026-11-11")
    assert window(found["double12"]) == ("2026-12-10", "2026-12-12", "2026-12-12")
    assert window(found["99"]) == ("2026-09-05", "2026-09-09", "2026-09-09")
    assert window(found["520"]) == ("2026-05-13", "2026-05-20", "2026-05-20")
    assert window(found["women_38"]) == ("2026-03-01", "2026-03-08", "2026-03-08")
    # 年货节: three weeks ending ten days before Spring Festival (2026-02-17)
    assert window(found["nianhuo"]) == ("2026-01-18", "2026-02-07", "2026-02-07")
    assert window(found["qixi"]) == ("2026-08-13", "2026-08-19", "2026-08-19")
    assert "black_friday" not in found and "christmas" not in found
    assert "mothers_day" in found and "valentines" in found


def test_public_holidays_as_festivals() -> None:
    f26 = by_key(2026)
    assert window(f26["spring_festival_holiday"]) == ("2026-02-15", "2026-02-17", "2026-02-23")
    assert window(f26["national_day"]) == ("2026-10-01", "2026-10-01", "2026-10-07")
    assert f26["national_day"].kind == "public" and f26["national_day"].name_zh == "国庆节假期"
    f24 = by_key(2024)
    # "1月1日（周一）放假，与周末连休": the break starts on Saturday 2023-12-30
    assert window(f24["new_year"]) == ("2023-12-30", "2024-01-01", "2024-01-01")
    assert window(f24["qingming_holiday"]) == ("2024-04-04", "2024-04-04", "2024-04-06")  # Sunday 7th worked
    assert "mid_autumn_holiday" not in by_key(2025)  # 2025: one holiday with National Day
    assert not [f for f in festivals(2027) if f.kind == "public"]


def test_sorted_markets_and_between() -> None:
    everything = festivals(2026)
    assert [(f.day, f.key) for f in everything] == sorted((f.day, f.key) for f in everything)
    assert all(f.day.year == 2026 and f.start <= f.day <= f.end for f in everything)
    cn, west = festivals(2026, market="cn"), festivals(2026, market="west")
    assert {f.key for f in cn} | {f.key for f in west} == {f.key for f in everything}
    assert {f.key for f in cn} & {f.key for f in west} == {"valentines", "mothers_day"}
    around_new_year = festivals_between(D("2024-12-31"), D("2025-01-01"))
    assert [f.key for f in around_new_year] == ["new_year", "nianhuo"]  # 年货节 2025 starts 2024-12-30
    assert [f.key for f in festivals_between(D("2026-06-21"), D("2026-06-21"))] == ["dragon_boat_holiday"]
    with pytest.raises(ConfigError, match="unknown market"):
        festivals(2026, market="eu")  # type: ignore[arg-type]


def test_calendar_days_rows() -> None:
    days = calendar_days(2026, market="cn").set_index("date")
    assert list(days.columns) == [
        "weekday", "day_off", "makeup_workday", "holiday", "festivals", "node", "nodes", "phase",
    ]  # fmt: skip
    feb14 = days.loc[D("2026-02-14")]
    assert (feb14["weekday"], feb14["day_off"], feb14["makeup_workday"], feb14["holiday"]) == (
        5, False, True, "spring_festival",
    )  # fmt: skip
    assert feb14["festivals"] == ["valentines"] and feb14["phase"] == "node"
    sf = days.loc[D("2026-02-17")]
    assert sf["node"] == "spring_festival" and sf["nodes"] == ["spring_festival", "spring_festival_holiday"]
    assert sf["festivals"] == ["spring_festival", "spring_festival_holiday"]
    jun19 = days.loc[D("2026-06-19")]  # 618's tail and 端午's node
    assert jun19["festivals"] == ["618", "dragon_boat", "dragon_boat_holiday"]
    assert (jun19["node"], jun19["phase"], jun19["holiday"]) == ("dragon_boat", "node", "dragon_boat")
    assert days.loc[D("2026-06-20"), "phase"] == "tail"
    assert days.loc[D("2026-05-25"), "festivals"] == ["618"] and days.loc[D("2026-05-25"), "phase"] == "pre"
    quiet = days.loc[D("2026-07-07")]
    assert (quiet["festivals"], quiet["node"], quiet["phase"], quiet["holiday"]) == ([], None, None, None)
    # every node day of the cn market has its row marked
    assert int(days["node"].notna().sum()) == len({f.day for f in festivals(2026, market="cn")})


def test_market_of_platforms(tmp_path: Path) -> None:
    assert market_of("shopify") == "west"
    assert {market_of(p) for p in ("tmall", "taobao", "jd", "douyin", "other")} == {"cn"}
    cn_only = Settings(root=tmp_path, stores=({"name": "t", "platform": "tmall"},))  # type: ignore[arg-type]
    both = cn_only.with_store(cn_only.stores[0].model_copy(update={"name": "s", "platform": "shopify"}))
    assert settings_market(cn_only) == "cn"
    assert settings_market(both) is None
    chosen = Settings(root=tmp_path, stores=both.stores, calendar=CalendarConfig(market="west"))
    assert settings_market(chosen) == "west"


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1950, max_value=2099))
def test_festival_rules_hold_every_year(year: int) -> None:
    found = by_key(year)
    assert [(f.day, f.key) for f in found.values()] == sorted((f.day, f.key) for f in found.values())
    assert all(f.start <= f.day <= f.end and f.day.year == year for f in found.values())
    sf = found["spring_festival"].day
    assert date(year, 1, 21) <= sf <= date(year, 2, 20)
    assert found["spring_festival_eve"].day == sf - timedelta(days=1)
    assert found["lantern"].day == sf + timedelta(days=14)  # the 15th of the first month
    assert found["nianhuo"].day == sf - timedelta(days=10)
    assert date(year, 4, 3) <= found["qingming"].day <= date(year, 4, 6)
    bf, cm, md = found["black_friday"].day, found["cyber_monday"].day, found["mothers_day"].day
    assert bf.weekday() == 4 and 23 <= bf.day <= 29 and cm == bf + timedelta(days=3)
    assert md.weekday() == 6 and md.month == 5 and 8 <= md.day <= 14
    assert found["mid_autumn"].day > found["qixi"].day > found["dragon_boat"].day > sf


# --- a user's holidays file -------------------------------------------------------------------

USER_2027 = """
[years.2027]
notice = "国务院办公厅关于2027年部分节假日安排的通知 (made up for the test)"
published = 2026-11-10

[[years.2027.holidays]]
key = "spring_festival"
name_zh = "春节"
name_en = "Spring Festival"
day = 2027-02-06
start = 2027-02-05
end = 2027-02-12
makeup = [2027-01-31, 2027-02-20]

[years.2026]
notice = "2026 replaced"

[[years.2026.holidays]]
key = "national_day"
name_zh = "国庆节"
start = 2026-10-01
end = 2026-10-03
"""


def test_user_file_adds_and_replaces_years(tmp_path: Path) -> None:
    extra = tmp_path / "my_holidays.toml"
    extra.write_text(USER_2027, encoding="utf-8")
    assert holiday_years(extra=extra) == {2024, 2025, 2026, 2027}
    rows = official_days(2027, extra=extra)
    assert [(r.day.isoformat(), r.off) for r in rows] == [
        ("2027-01-31", False),
        *[(f"2027-02-{d:02d}", True) for d in range(5, 13)],
        ("2027-02-20", False),
    ]
    assert is_day_off(D("2027-02-08"), extra=extra) and not is_day_off(D("2027-02-20"), extra=extra)
    # 2026 is the user's now: only National Day 1-3, the Spring Festival break is gone
    assert [r.day.isoformat() for r in official_days(2026, extra=extra)] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert not is_day_off(D("2026-02-16"), extra=extra) and is_day_off(D("2026-02-16"))
    f27 = by_key(2027, extra=extra)
    assert window(f27["spring_festival_holiday"]) == ("2027-02-05", "2027-02-06", "2027-02-14")  # + weekend 13-14
    assert window(by_key(2026, extra=extra)["national_day"]) == ("2026-10-01", "2026-10-01", "2026-10-04")


def _one_holiday(**fields: str) -> str:
    body = {"key": '"spring_festival"', "start": "2027-02-05", "end": "2027-02-12", "makeup": "[]"} | fields
    lines = [f"{k} = {v}" for k, v in body.items() if v != ""]
    return "[years.2027]\n[[years.2027.holidays]]\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_one_holiday(makeup="[2027-02-03]"), "make-up workday 2027-02-03 is a Wednesday"),
        (_one_holiday(makeup="[2027-02-06]"), "make-up workday 2027-02-06 is inside the days off"),
        (_one_holiday(end="2027-02-01"), "end 2027-02-01 is before start 2027-02-05"),
        (_one_holiday(start='"2027-02-05"'), "start must be a date"),
        (_one_holiday(start="2027-02-30"), "not valid TOML"),
        (_one_holiday(start="2029-02-05"), "start 2029-02-05 is not in 2027"),
        (_one_holiday(day="2027-03-01"), "day 2027-03-01 is outside the days off"),
        (_one_holiday(colour='"red"'), "unknown field 'colour'"),
        (_one_holiday(end=""), "missing end"),
        (_one_holiday(key='"Spring Festival"'), "each holiday needs key"),
        ("[years.27]\nnotice = 1\n", "4-digit year"),
        ("[2027]\nnotice = 1\n", "expected only [years.YYYY] tables"),
        ("[years.2027]\nnotice = 1\n", "no holidays"),
        (
            _one_holiday() + '[[years.2027.holidays]]\nkey = "x"\nstart = 2027-02-12\nend = 2027-02-13\n',
            "2027-02-12 is also listed under spring_festival",
        ),
    ],
)
def test_user_file_errors_name_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    extra = tmp_path / "bad_holidays.toml"
    extra.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        official_days(2027, extra=extra)
    assert message in caught.value.message and str(extra) in caught.value.message
    if "holidays #" in caught.value.message:
        assert "years.2027.holidays #1" in caught.value.message
    assert caught.value.hint is not None and "docs/calendar.md" in caught.value.hint


def test_user_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"holidays file .*nowhere\.toml not found"):
        holiday_years(extra=tmp_path / "nowhere.toml")


# --- campaigns from shopops.toml --------------------------------------------------------------

PROJECT = """
[project]
language = "zh"

[[stores]]
name = "tmall_flagship"
platform = "tmall"

[[stores]]
name = "us"
platform = "shopify"
currency = "USD"

[calendar]
holidays_file = "my_holidays.toml"

[[campaigns]]
key = "anniversary"
name = "店庆"
name_en = "Anniversary sale"
start = 2026-08-01
end = 2026-08-08
stores = ["tmall_flagship"]
uplift = 1.8

[[campaigns]]
key = "summer_clearance"
name = "清仓"
start = 2026-07-20
end = 2026-07-31
day = 2026-07-25
"""


def project_settings(tmp_path: Path, text: str = PROJECT) -> Settings:
    (tmp_path / "shopops.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path, env={})


def test_campaigns_from_toml(tmp_path: Path) -> None:
    (tmp_path / "my_holidays.toml").write_text(USER_2027, encoding="utf-8")
    s = project_settings(tmp_path)
    anniversary, clearance = s.campaigns
    assert (anniversary.start, anniversary.end, anniversary.node, anniversary.uplift) == (
        D("2026-08-01"), D("2026-08-08"), D("2026-08-08"), 1.8,
    )  # fmt: skip
    assert clearance.node == D("2026-07-25") and clearance.stores is None and clearance.uplift is None
    assert s.holidays_path == tmp_path / "my_holidays.toml"
    platforms = {st.name: st.platform for st in s.stores}
    found = by_key(2026, campaigns=s.campaigns, platforms=platforms)
    a = found["anniversary"]
    assert (a.kind, a.name_zh, a.name_en, a.markets) == ("campaign", "店庆", "Anniversary sale", frozenset({"cn"}))
    assert found["summer_clearance"].markets == frozenset({"cn", "west"})  # every store
    west = by_key(2026, market="west", campaigns=s.campaigns, platforms=platforms)
    assert "anniversary" not in west and "summer_clearance" in west
    days = calendar_days(2026, campaigns=s.campaigns).set_index("date")
    assert days.loc[D("2026-08-05"), "festivals"] == ["anniversary"]
    assert days.loc[D("2026-08-08"), "node"] == "anniversary"
    assert days.loc[D("2026-07-26"), "phase"] == "tail"


def test_settings_round_trip_with_calendar(tmp_path: Path) -> None:
    s = project_settings(tmp_path)
    again = project_settings(tmp_path, s.to_toml())
    assert again == s
    assert "[calendar]" in s.to_toml() and s.to_toml().count("[[campaigns]]") == 2
    plain = project_settings(tmp_path, "[project]\n")
    assert "[calendar]" not in plain.to_toml() and "campaigns" not in plain.to_toml()
    assert plain.calendar == CalendarConfig() and plain.campaigns == () and plain.holidays_path is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("end = 2026-08-08", "end = 2026-07-08"), "campaigns.0: Value error, campaign 'anniversary': end 2026-07-08"),
        (("day = 2026-07-25", "day = 2026-08-25"), "campaigns.1: Value error, campaign 'summer_clearance': day"),
        (('stores = ["tmall_flagship"]', 'stores = ["jd_main"]'), "unknown store 'jd_main'"),
        (('key = "summer_clearance"', 'key = "anniversary"'), "key anniversary appears more than once"),
        (("uplift = 1.8", "uplift = -1"), "campaigns.0.uplift"),
        (('key = "anniversary"', 'key = "店 庆"'), "campaigns.0.key"),
        (('holidays_file = "my_holidays.toml"', 'market = "eu"'), "calendar.market"),
        (('name = "店庆"', 'title = "店庆"'), "campaigns.0.name"),
    ],
)
def test_campaign_settings_errors(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in PROJECT
    with pytest.raises(ConfigError) as caught:
        project_settings(tmp_path, PROJECT.replace(change[0], change[1]))
    assert message in caught.value.message and "shopops.toml" in caught.value.message


def test_campaign_key_must_differ_from_festivals() -> None:
    clash = CampaignConfig(key="618", name="我的618", start=D("2026-06-01"), end=D("2026-06-18"))
    with pytest.raises(ConfigError, match="campaign key '618' is also a festival's key"):
        festivals(2026, campaigns=[clash])


# --- docs/calendar.md -------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "calendar.md"


def test_docs_example_runs_and_lists_every_festival() -> None:
    from shopops.calendar.festivals import CATALOGUE

    text = DOC.read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, str(DOC), "exec"), {})
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert [line.split("`")[1] for line in table] == [rule.key for rule in CATALOGUE]
    for line, rule in zip(table, CATALOGUE, strict=True):
        assert f"| {rule.name_zh} | {rule.kind} |" in line, rule.key
