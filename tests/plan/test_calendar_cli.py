"""``shopops calendar``: the table, the JSON list and the workbook, with and without a project."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from builders import run_cli

PROJECT = """
[project]
language = "en"
fiscal_year_start_month = 4

[[stores]]
name = "us"
platform = "shopify"
currency = "USD"

[[campaigns]]
key = "anniversary"
name = "店庆"
name_en = "Anniversary sale"
start = 2026-08-01
end = 2026-08-08
"""


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str
) -> tuple[int, str, str]:
    return run_cli(monkeypatch, capsys, *args, cwd=cwd)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "shopops.toml").write_text(PROJECT, encoding="utf-8")
    return tmp_path / "shop"


def test_table_without_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, tmp_path, "calendar", "--year", "2026")
    assert code == 0, err
    lines = out.splitlines()
    row_618 = next(line for line in lines if "│ 618 " in line)
    assert "2026-06-18" in row_618 and "2026-05-20 – 2026-06-20" in row_618 and "32" in row_618
    row_bf = next(line for line in lines if "black_friday" in line)  # no project: every market
    assert "2026-11-27" in row_bf and "黑色星期五" in row_bf
    row_sf = next(line for line in lines if line.startswith("│ 春节 "))
    assert "2026-02-15 – 2026-02-23" in row_sf and "│ 9 " in row_sf
    assert "2026-02-14 周六, 2026-02-28 周六" in row_sf
    assert err == ""


def test_json_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        monkeypatch, capsys, tmp_path, "calendar", "--year", "2025", "--market", "cn", "--format", "json"
    )
    assert code == 0, err
    facts = json.loads(out)
    makeup = [f["day"] for f in facts if f["type"] == "makeup_workday"]
    assert makeup == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    assert sum(f["type"] == "day_off" for f in facts) == 28
    double11 = next(f for f in facts if f["key"] == "double11")
    assert double11 == {
        "type": "festival",
        "day": "2025-11-11",
        "key": "double11",
        "name_zh": "双11",
        "name_en": "Singles' Day (Double 11)",
        "kind": "ecommerce",
        "markets": ["cn"],
        "start": "2025-10-20",
        "end": "2025-11-11",
    }
    assert not any(f["key"] == "black_friday" for f in facts)
    assert [f["day"] for f in facts] == sorted(f["day"] for f in facts)
    mid = next(f for f in facts if f["key"] == "mid_autumn")
    assert mid["day"] == "2025-10-06" and mid["kind"] == "lunar"


def test_xlsx_days_and_festivals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "cal.xlsx"
    args = ("calendar", "-y", "2026", "--market", "cn", "--format", "xlsx", "--out", str(out_file))
    code, out, err = run(monkeypatch, capsys, tmp_path, *args)
    assert code == 0, err
    assert f"wrote {out_file} (365 days" in out
    book = openpyxl.load_workbook(out_file)
    assert book.sheetnames == ["days", "festivals", "periods"]
    days = book["days"]
    assert [c.value for c in days[1]] == [
        "date", "weekday", "day_off", "makeup_workday", "holiday", "festivals", "node", "phase",
    ]  # fmt: skip
    assert days.max_row == 366
    feb14 = [c.value for c in days[46]]  # Jan 31 days + 14
    assert feb14 == [datetime(2026, 2, 14), "周六", False, True, "spring_festival", "valentines", "valentines", "node"]
    jun19 = [c.value for c in days[171]]  # 31+28+31+30+31 + 19 + header
    assert jun19[0] == datetime(2026, 6, 19) and jun19[2:] == [
        True, False, "dragon_boat", "618, dragon_boat, dragon_boat_holiday", "dragon_boat", "node",
    ]  # fmt: skip
    assert days["A2"].number_format == "yyyy-mm-dd"
    fest = {row[0]: row for row in book["festivals"].iter_rows(min_row=2, values_only=True)}
    assert fest["double11"][5:] == (datetime(2026, 10, 20), datetime(2026, 11, 11), datetime(2026, 11, 11), 23)
    assert fest["spring_festival"][:5] == ("spring_festival", "春节", "Spring Festival", "lunar", "cn")
    assert "christmas" not in fest


def test_project_market_campaigns_and_fiscal_year(
    shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, shop, "calendar", "--year", "2026", "--format", "json")
    assert code == 0, err
    keys = {f["key"] for f in json.loads(out)}
    assert {"black_friday", "anniversary", "christmas"} <= keys  # Shopify only: the west market
    assert not keys & {"618", "double11", "spring_festival", "national_day"}
    assert "no official holiday" not in err
    # FY2026 starts in April: 2026-04-01 .. 2027-03-31, in English, with 2027's missing arrangement named
    code, out, err = run(monkeypatch, capsys, shop, "calendar", "--fiscal-year", "2026", "--market", "cn")
    assert code == 0, err
    assert "festivals FY2026" in out and "Mid-Autumn Festival" in out
    assert "Anniversary sale" not in out  # the campaign runs on the only store, a Shopify one
    assert "2027-02-06" in out and "2026-03-08" not in out and "2027-03-08" in out
    assert "no official holiday arrangement for 2027" in err and "[calendar] holidays_file" in err


def test_user_holidays_file_and_its_errors(
    shop: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "shopops.toml").write_text(
        PROJECT.replace("[[campaigns]]", '[calendar]\nholidays_file = "h.toml"\n\n[[campaigns]]'), encoding="utf-8"
    )
    (shop / "h.toml").write_text(
        '[years.2027]\n[[years.2027.holidays]]\nkey = "new_year"\nname_en = "New Year"\n'
        "start = 2027-01-01\nend = 2027-01-03\nmakeup = []\n",
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, capsys, shop, "calendar", "-y", "2027", "--market", "cn", "--format", "json")
    assert code == 0, err
    assert "no official holiday" not in err
    rows = [(f["type"], f["day"]) for f in json.loads(out) if f["type"] != "festival"]
    assert rows == [("day_off", "2027-01-01"), ("day_off", "2027-01-02"), ("day_off", "2027-01-03")]
    (shop / "h.toml").write_text(
        '[years.2027]\n[[years.2027.holidays]]\nkey = "new_year"\nstart = 2027-01-01\nend = 2027-01-01\n'
        "makeup = [2027-01-04]\n",
        encoding="utf-8",
    )  # 2027-01-04 is a Monday
    code, out, err = run(monkeypatch, capsys, shop, "calendar", "-y", "2027")
    assert code == 2 and out == ""
    assert "h.toml: years.2027.holidays #1 (new_year): make-up workday 2027-01-04 is a Monday" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "pdf"), "use table, json or xlsx"),
        (("--market", "eu"), "use cn or west"),
        (("--year", "2026", "--fiscal-year", "2026"), "not both"),
    ],
)
def test_bad_options(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = run(monkeypatch, capsys, tmp_path, "calendar", *args)
    assert code == 2 and message in err and out == ""


def test_fiscal_periods(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--periods: the fiscal year's halves, quarters, months and weeks, here the NRF 4-5-4 retail year
    FY2024 (start month 2, Sunday weeks: 2024-02-04 .. 2025-02-01, 52 weeks)."""
    (tmp_path / "shopops.toml").write_text(
        PROJECT.replace("fiscal_year_start_month = 4", "fiscal_year_start_month = 2")
    )
    args = ("calendar", "--fiscal-year", "2024", "--periods", "--calendar", "454", "--week-start", "sun")
    code, out, _ = run(monkeypatch, capsys, tmp_path, *args, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    by_level: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_level.setdefault(str(r["level"]), []).append(r)
    assert [len(by_level[k]) for k in ("year", "half", "quarter", "month", "week")] == [1, 2, 4, 12, 52]
    assert (by_level["year"][0]["start"], by_level["year"][0]["end"]) == ("2024-02-04", "2025-02-01")
    assert [r["days"] for r in by_level["month"][:3]] == [28, 35, 28]
    nov = next(r for r in by_level["month"] if r["start"] <= "2024-11-11" <= r["end"])
    assert "Black Friday" in nov["nodes"]  # the shopify store's market: Western festivals
    code, out, _ = run(monkeypatch, capsys, tmp_path, *args, "--weeks", "natural")
    assert code == 0 and "FY2024-W52" in out and "FY2024-M12" in out
    book = tmp_path / "cal.xlsx"
    code, _, _ = run(monkeypatch, capsys, tmp_path, *args, "--format", "xlsx", "--out", str(book))
    assert code == 0
    ws = openpyxl.load_workbook(book)["periods"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["level", "label", "start", "end", "days", "parent", "nodes"]
    assert cells[1][:5] == ["year", "FY2024", datetime(2024, 2, 4), datetime(2025, 2, 1), 364]
    code, _, err = run(monkeypatch, capsys, tmp_path, "calendar", "--periods", "--calendar", "4-4-5")
    assert code != 0 and "445" in err


def test_lang_option(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, tmp_path, "calendar", "--year", "2026", "--lang", "en")
    assert code == 0 and "Spring Festival Eve" in out and "除夕" not in out
    code, out, _ = run(monkeypatch, capsys, tmp_path, "calendar", "--year", "2026", "--lang", "zh")
    assert code == 0 and "除夕" in out
    code, _, err = run(monkeypatch, capsys, tmp_path, "calendar", "--lang", "fr")
    assert code != 0 and "zh or en" in err
