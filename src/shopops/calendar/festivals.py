"""The festival and holiday calendar: e-commerce nodes, lunar festivals, Western dates, China's
official days off and make-up workdays, and the shop's own campaigns.

Every festival has a node (``day``: its main day) and a window (``start``..``end``, inclusive) for the
pre-sale or pre-heat before the node and the tail after it. The defaults follow what the platforms run:

==================  =====================================  ==========================================
key                 node                                   window
==================  =====================================  ==========================================
nianhuo 年货节       Spring Festival − 10 days (last big day)  21 days, ending on the node
women_38 女王节      Mar 8                                  Mar 1 – Mar 8
520                 May 20                                 May 13 – May 20
618                 Jun 18                                 May 20 (pre-sale) – Jun 20
99                  Sep 9                                  Sep 5 – Sep 9
double11 双11        Nov 11                                 Oct 20 (pre-sale) – Nov 11
double12 双12        Dec 12                                 Dec 10 – Dec 12
spring_festival     lunar 1/1                              the day
spring_festival_eve 除夕, the day before lunar 1/1          the day (lunar 12/30, or 12/29 in a short month)
lantern 元宵         lunar 1/15                             the day
qingming 清明        the solar term 清明 (Apr 4 or 5)        the day
dragon_boat 端午     lunar 5/5                              the day
qixi 七夕            lunar 7/7                              the 6 days before – the day
mid_autumn 中秋      lunar 8/15                             the day
valentines          Feb 14                                 Feb 7 – Feb 14 (gift buying)
mothers_day         2nd Sunday of May (US)                 the 7 days before – the day
black_friday        day after the 4th Thursday of Nov      Monday of that week – Sunday after
cyber_monday        Monday after Black Friday              the day
christmas           Dec 25                                 Dec 1 – Dec 25
==================  =====================================  ==========================================

China's statutory holidays (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆) come from the State Council's
yearly notice, kept in ``holidays_cn.toml`` beside this module (2024–2026) and extendable with a file
of the same format (``[calendar] holidays_file`` in shopops.toml). They are read as
:class:`OfficialDay` rows (days off and make-up workdays) and also shown as festivals of kind
``"public"`` whose window is the break (its days off plus the adjoining ordinary weekend days). A
public holiday whose key is also a lunar festival's key gets the suffix ``_holiday``
(``spring_festival_holiday``), so keys stay unique.

>>> [(f.key, f.day.isoformat()) for f in festivals(2026, market="cn") if f.kind == "lunar"][:3]
[('spring_festival_eve', '2026-02-16'), ('spring_festival', '2026-02-17'), ('lantern', '2026-03-03')]
>>> f618 = next(f for f in festivals(2026) if f.key == "618")
>>> f618.start.isoformat(), f618.day.isoformat(), f618.end.isoformat()
('2026-05-20', '2026-06-18', '2026-06-20')
>>> is_day_off(date(2026, 2, 14)), is_day_off(date(2026, 2, 16))   # make-up Saturday; 除夕
(False, True)
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lunar_python import Lunar  # type: ignore[import-untyped,unused-ignore]

from shopops.errors import ConfigError
from shopops.settings import CampaignConfig

if TYPE_CHECKING:
    import pandas as pd

    from shopops.settings import Settings

Market = Literal["cn", "west"]
Kind = Literal["ecommerce", "lunar", "public", "western", "campaign"]
Phase = Literal["pre", "node", "tail"]
MARKETS: tuple[Market, ...] = ("cn", "west")
CN: frozenset[str] = frozenset({"cn"})
WEST: frozenset[str] = frozenset({"west"})
BOTH: frozenset[str] = frozenset({"cn", "west"})
HOLIDAYS_DOC = "docs/calendar.md"


@dataclass(frozen=True)
class Festival:
    """One festival of one year: its node ``day`` and its window ``start``..``end`` (inclusive)."""

    key: str
    name_zh: str
    name_en: str
    day: date
    start: date
    end: date
    kind: Kind
    markets: frozenset[str]

    def holds(self, d: date) -> bool:
        """Whether ``d`` is inside the window."""
        return self.start <= d <= self.end

    def phase(self, d: date) -> Phase | None:
        """``"pre"`` before the node, ``"node"`` on it, ``"tail"`` after it; None outside the window."""
        if not self.holds(d):
            return None
        return "node" if d == self.day else "pre" if d < self.day else "tail"


@dataclass(frozen=True)
class OfficialDay:
    """A day of the official arrangement: a day off (``off``) or a make-up workday (调休上班)."""

    day: date
    off: bool
    holiday: str
    name_zh: str
    name_en: str


# --- dates ------------------------------------------------------------------------------------


def lunar_date(year: int, month: int, day: int) -> date:
    """The Gregorian date of lunar ``month``/``day`` in the lunar year that starts in ``year``."""
    s = Lunar.fromYmd(year, month, day).getSolar()
    return date(int(s.getYear()), int(s.getMonth()), int(s.getDay()))


def spring_festival(year: int) -> date:
    """春节: lunar 1/1 (late January or February of ``year``)."""
    return lunar_date(year, 1, 1)


def qingming(year: int) -> date:
    """清明: the day of the solar term 清明 (the sun at 15° longitude; April 4 or 5)."""
    s = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(int(s.getYear()), int(s.getMonth()), int(s.getDay()))


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (0 = Monday) of ``month``."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def thanksgiving(year: int) -> date:
    """US Thanksgiving: the 4th Thursday of November."""
    return nth_weekday(year, 11, 3, 4)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _lunar(month: int, day: int) -> Callable[[int], date]:
    return lambda year: lunar_date(year, month, day)


@dataclass(frozen=True)
class FestivalRule:
    """A festival of the catalogue: how to find its node in a year, and its window around the node."""

    key: str
    name_zh: str
    name_en: str
    kind: Kind
    markets: frozenset[str]
    node: Callable[[int], date]
    before: int = 0  # the window starts this many days before the node
    after: int = 0  # and ends this many days after it

    def of(self, year: int) -> Festival:
        day = self.node(year)
        start, end = day - timedelta(days=self.before), day + timedelta(days=self.after)
        return Festival(self.key, self.name_zh, self.name_en, day, start, end, self.kind, self.markets)


CATALOGUE: tuple[FestivalRule, ...] = (
    FestivalRule("nianhuo", "年货节", "Chinese New Year shopping festival", "ecommerce", CN,
                 lambda y: spring_festival(y) - timedelta(days=10), before=20),
    FestivalRule("spring_festival_eve", "除夕", "Spring Festival Eve", "lunar", CN,
                 lambda y: spring_festival(y) - timedelta(days=1)),
    FestivalRule("spring_festival", "春节", "Spring Festival", "lunar", CN, spring_festival),
    FestivalRule("valentines", "情人节", "Valentine's Day", "western", BOTH, _fixed(2, 14), before=7),
    FestivalRule("lantern", "元宵节", "Lantern Festival", "lunar", CN, _lunar(1, 15)),
    FestivalRule("women_38", "38女王节", "Women's Day (Queen's Day) sale", "ecommerce", CN, _fixed(3, 8), before=7),
    FestivalRule("qingming", "清明节", "Qingming Festival", "lunar", CN, qingming),
    FestivalRule("mothers_day", "母亲节", "Mother's Day", "western", BOTH,
                 lambda y: nth_weekday(y, 5, 6, 2), before=7),
    FestivalRule("520", "520", "520 (I love you) day", "ecommerce", CN, _fixed(5, 20), before=7),
    FestivalRule("dragon_boat", "端午节", "Dragon Boat Festival", "lunar", CN, _lunar(5, 5)),
    FestivalRule("618", "618", "618 mid-year sale", "ecommerce", CN, _fixed(6, 18), before=29, after=2),
    FestivalRule("qixi", "七夕", "Qixi (Chinese Valentine's Day)", "lunar", CN, _lunar(7, 7), before=6),
    FestivalRule("99", "99大促", "99 sale", "ecommerce", CN, _fixed(9, 9), before=4),
    FestivalRule("mid_autumn", "中秋节", "Mid-Autumn Festival", "lunar", CN, _lunar(8, 15)),
    FestivalRule("double11", "双11", "Singles' Day (Double 11)", "ecommerce", CN, _fixed(11, 11), before=22),
    FestivalRule("black_friday", "黑色星期五", "Black Friday", "western", WEST,
                 lambda y: thanksgiving(y) + timedelta(days=1), before=4, after=2),
    FestivalRule("cyber_monday", "网络星期一", "Cyber Monday", "western", WEST,
                 lambda y: thanksgiving(y) + timedelta(days=4)),
    FestivalRule("double12", "双12", "Double 12", "ecommerce", CN, _fixed(12, 12), before=2),
    FestivalRule("christmas", "圣诞节", "Christmas", "western", WEST, _fixed(12, 25), before=24),
)  # fmt: skip
CATALOGUE_KEYS = frozenset(r.key for r in CATALOGUE)


def market_of(platform: str) -> Market:
    """The market a store's platform sells in: Shopify shops are Western, the rest Chinese."""
    return "west" if platform == "shopify" else "cn"


def settings_market(settings: Settings) -> Market | None:
    """``[calendar] market``, else the one market all stores share, else None (every market)."""
    if settings.calendar.market is not None:
        return settings.calendar.market
    found = {market_of(s.platform) for s in settings.stores}
    return found.pop() if len(found) == 1 else None


# --- official holidays ------------------------------------------------------------------------


@dataclass(frozen=True)
class Holiday:
    """One holiday of a year's notice: days off ``start``..``end`` and the make-up workdays."""

    key: str
    name_zh: str
    name_en: str
    day: date
    start: date
    end: date
    makeup: tuple[date, ...]

    def days(self) -> list[OfficialDay]:
        n = (self.end - self.start).days + 1
        off = [self.start + timedelta(days=i) for i in range(n)]
        rows = [OfficialDay(d, True, self.key, self.name_zh, self.name_en) for d in off]
        rows += [OfficialDay(d, False, self.key, self.name_zh, self.name_en) for d in self.makeup]
        return rows


@dataclass(frozen=True)
class YearNotice:
    """A year's arrangement and the notice it comes from."""

    year: int
    notice: str
    number: str | None
    published: date | None
    holidays: tuple[Holiday, ...]
    source: str


_HOLIDAY_FIELDS = {"key", "name_zh", "name_en", "day", "start", "end", "makeup"}
_YEAR_FIELDS = {"notice", "number", "published", "holidays"}


class _Reader:
    """Reads and checks one holidays file; every error names the file and the entry."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(
            f"{self.source}: {where}: {message}",
            hint=f"fix that entry (the format is in {HOLIDAYS_DOC}, section 'Official holidays')",
        )

    def read(self, text: str) -> dict[int, YearNotice]:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise self.fail("file", f"not valid TOML: {exc}") from exc
        years = raw.get("years")
        if not isinstance(years, dict) or set(raw) != {"years"}:
            raise self.fail("file", "expected only [years.YYYY] tables (e.g. [years.2027])")
        read = [self._year(name, value) for name, value in years.items()]
        return {n.year: n for n in read}

    def _year(self, name: str, value: Any) -> YearNotice:
        where = f"years.{name}"
        if not re.fullmatch(r"\d{4}", name) or not isinstance(value, dict):
            raise self.fail(where, "a year table is named by its 4-digit year: [years.2027]")
        unknown = set(value) - _YEAR_FIELDS
        if unknown:
            raise self.fail(where, f"unknown field {sorted(unknown)[0]!r} (fields: {', '.join(sorted(_YEAR_FIELDS))})")
        year = int(name)
        entries = value.get("holidays")
        if not isinstance(entries, list) or not entries:
            raise self.fail(where, f"no holidays: add [[years.{year}.holidays]] entries")
        published = value.get("published")
        if published is not None and type(published) is not date:
            raise self.fail(where, f"published must be a date like 2026-11-04, not {published!r}")
        holidays = tuple(self._holiday(year, i, h) for i, h in enumerate(entries, 1))
        self._no_clash(year, holidays)
        return YearNotice(year, str(value.get("notice", "")), value.get("number"), published, holidays, self.source)

    def _date(self, where: str, field: str, value: Any, year: int) -> date:
        if type(value) is not date:
            raise self.fail(where, f"{field} must be a date such as {year}-10-01, not {value!r}")
        if not date(year - 1, 12, 1) <= value <= date(year + 1, 1, 31):
            raise self.fail(where, f"{field} {value} is not in {year}")
        return value

    def _holiday(self, year: int, i: int, h: Any) -> Holiday:
        key = h.get("key") if isinstance(h, dict) else None
        where = f"years.{year}.holidays #{i}" + (f" ({key})" if key else "")
        if not isinstance(h, dict) or not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", key):
            raise self.fail(where, 'each holiday needs key = "..." (lower-case letters, digits, _)')
        unknown = set(h) - _HOLIDAY_FIELDS
        if unknown:
            raise self.fail(
                where, f"unknown field {sorted(unknown)[0]!r} (fields: {', '.join(sorted(_HOLIDAY_FIELDS))})"
            )
        for field in ("start", "end"):
            if field not in h:
                raise self.fail(where, f"missing {field} (the first and last day off)")
        start = self._date(where, "start", h["start"], year)
        end = self._date(where, "end", h["end"], year)
        if end < start:
            raise self.fail(where, f"end {end} is before start {start}")
        day = self._date(where, "day", h.get("day", start), year)
        if not start <= day <= end:
            raise self.fail(where, f"day {day} is outside the days off {start}..{end}")
        makeup = h.get("makeup", [])
        if not isinstance(makeup, list):
            raise self.fail(where, "makeup must be a list of dates: makeup = [2027-02-06]")
        days = tuple(self._date(where, "makeup day", d, year) for d in makeup)
        for d in days:
            if d.weekday() < 5:
                raise self.fail(where, f"make-up workday {d} is a {d:%A}; a make-up workday is a weekend day worked")
            if start <= d <= end:
                raise self.fail(where, f"make-up workday {d} is inside the days off {start}..{end}")
        name_zh = h.get("name_zh", key)
        return Holiday(key, str(name_zh), str(h.get("name_en", name_zh)), day, start, end, days)

    def _no_clash(self, year: int, holidays: Sequence[Holiday]) -> None:
        seen: dict[date, str] = {}
        for h in holidays:
            for row in h.days():
                if row.day in seen:
                    raise self.fail(
                        f"years.{year}.holidays ({h.key})", f"{row.day} is also listed under {seen[row.day]}"
                    )
                seen[row.day] = h.key


@functools.cache
def _builtin() -> dict[int, YearNotice]:
    text = resources.files("shopops.calendar").joinpath("holidays_cn.toml").read_text(encoding="utf-8")
    return _Reader("holidays_cn.toml (built in)").read(text)


@functools.lru_cache(maxsize=8)
def _user_file(path: str, stamp: tuple[int, int]) -> dict[int, YearNotice]:
    return _Reader(path).read(Path(path).read_text(encoding="utf-8"))


def notices(*, extra: Path | None = None) -> dict[int, YearNotice]:
    """Every year's arrangement: the built-in years, then ``extra``'s years (replacing the same year)."""
    merged = dict(_builtin())
    if extra is not None:
        if not extra.is_file():
            raise ConfigError(
                f"holidays file {extra} not found",
                hint="fix [calendar] holidays_file in shopops.toml (relative to the project folder)",
            )
        stat = extra.stat()
        merged.update(_user_file(str(extra), (stat.st_mtime_ns, stat.st_size)))
    return dict(sorted(merged.items()))


def holiday_years(*, extra: Path | None = None) -> set[int]:
    """The years with an official arrangement (built in: 2024, 2025, 2026)."""
    return set(notices(extra=extra))


@functools.lru_cache(maxsize=16)
def _index(extra: Path | None, stamp: tuple[int, int] | None) -> dict[date, OfficialDay]:
    rows = [row for n in notices(extra=extra).values() for h in n.holidays for row in h.days()]
    return {row.day: row for row in rows}


def _official(extra: Path | None) -> dict[date, OfficialDay]:
    stamp = None
    if extra is not None and extra.is_file():
        stat = extra.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    return _index(extra, stamp)


def official_days(year: int, *, extra: Path | None = None) -> list[OfficialDay]:
    """The days off and make-up workdays falling in ``year``, by date; [] for a year without data."""
    return sorted((r for r in _official(extra).values() if r.day.year == year), key=lambda r: r.day)


def is_day_off(d: date, *, extra: Path | None = None) -> bool:
    """A weekend day or an official day off, except a make-up workday."""
    row = _official(extra).get(d)
    return row.off if row is not None else d.weekday() >= 5


def _public(n: YearNotice, index: Mapping[date, OfficialDay]) -> list[Festival]:
    out = []
    for h in n.holidays:
        start, end = h.start, h.end
        # the break runs on into the ordinary weekend next to it (与周末连休)
        while (start - timedelta(days=1)).weekday() >= 5 and start - timedelta(days=1) not in index:
            start -= timedelta(days=1)
        while (end + timedelta(days=1)).weekday() >= 5 and end + timedelta(days=1) not in index:
            end += timedelta(days=1)
        key = f"{h.key}_holiday" if h.key in CATALOGUE_KEYS else h.key
        name_zh, name_en = f"{h.name_zh}假期", f"{h.name_en} holiday"
        out.append(Festival(key, name_zh, name_en, h.day, start, end, "public", CN))
    return out


# --- festivals --------------------------------------------------------------------------------


def campaign_festival(campaign: CampaignConfig, platforms: Mapping[str, str] | None = None) -> Festival:
    """A campaign as a festival; its markets are those of its stores (``platforms``: store → platform)."""
    markets: frozenset[str] = BOTH
    if platforms:
        stores = campaign.stores if campaign.stores is not None else tuple(platforms)
        found = frozenset(market_of(platforms[s]) for s in stores if s in platforms)
        markets = found or BOTH
    name_en = campaign.name_en or campaign.name
    return Festival(
        campaign.key, campaign.name, name_en, campaign.node, campaign.start, campaign.end, "campaign", markets
    )


def _check_campaign_keys(campaigns: Iterable[CampaignConfig], public: Iterable[str]) -> None:
    taken = CATALOGUE_KEYS | set(public)
    for c in campaigns:
        if c.key in taken:
            raise ConfigError(
                f"campaign key {c.key!r} is also a festival's key",
                hint="give the campaign its own key in [[campaigns]] of shopops.toml (e.g. my_618)",
            )


def festivals(
    year: int,
    *,
    market: Market | None = None,
    campaigns: Sequence[CampaignConfig] = (),
    extra: Path | None = None,
    platforms: Mapping[str, str] | None = None,
) -> list[Festival]:
    """Every festival whose node ``day`` falls in ``year``, sorted by (day, key).

    ``market`` None means every market; ``campaigns`` come from ``Settings.campaigns``; ``extra`` is
    the user's holidays file; ``platforms`` (store name → platform) gives campaigns their markets.
    """
    if market is not None and market not in MARKETS:
        raise ConfigError(f"unknown market {market!r}", hint="use cn or west")
    found = [rule.of(y) for y in (year - 1, year, year + 1) for rule in CATALOGUE]
    index = _official(extra)
    for n in notices(extra=extra).values():
        if abs(n.year - year) <= 1:
            found += _public(n, index)
    _check_campaign_keys(campaigns, (f.key for f in found if f.kind == "public"))
    found += [campaign_festival(c, platforms) for c in campaigns]
    keep = [f for f in found if f.day.year == year and (market is None or market in f.markets)]
    return sorted(keep, key=lambda f: (f.day, f.key))


def festivals_between(
    start: date,
    end: date,
    *,
    market: Market | None = None,
    campaigns: Sequence[CampaignConfig] = (),
    extra: Path | None = None,
    platforms: Mapping[str, str] | None = None,
) -> list[Festival]:
    """Festivals whose window overlaps ``start``..``end`` (inclusive), sorted by (day, key)."""
    out: list[Festival] = []
    for year in range(start.year - 1, end.year + 2):
        out += festivals(year, market=market, campaigns=campaigns, extra=extra, platforms=platforms)
    return sorted({f for f in out if f.start <= end and f.end >= start}, key=lambda f: (f.day, f.key))


# --- one row per day --------------------------------------------------------------------------

DAY_COLUMNS = ("date", "weekday", "day_off", "makeup_workday", "holiday", "festivals", "node", "nodes", "phase")
_NODE_PRIORITY: dict[str, int] = {"campaign": 0, "ecommerce": 1, "lunar": 2, "western": 3, "public": 4}


def calendar_range(
    start: date,
    end: date,
    *,
    market: Market | None = None,
    campaigns: Sequence[CampaignConfig] = (),
    extra: Path | None = None,
    platforms: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per day of ``start``..``end``; the columns are those of :func:`calendar_days`."""
    import pandas as pd

    if end < start:
        raise ConfigError(f"the range ends ({end}) before it starts ({start})", hint="swap the two dates")
    fests = festivals_between(start, end, market=market, campaigns=campaigns, extra=extra, platforms=platforms)
    index = _official(extra) if market != "west" else {}  # the official days are China's
    rows = []
    for i in range((end - start).days + 1):
        d = start + timedelta(days=i)
        official = index.get(d)
        active = [f for f in fests if f.holds(d)]
        nodes = sorted((f for f in active if f.day == d), key=lambda f: (_NODE_PRIORITY[f.kind], f.key))
        phases = {f.phase(d) for f in active}
        phase = next((p for p in ("node", "pre", "tail") if p in phases), None)
        rows.append(
            {
                "date": d,
                "weekday": d.weekday(),
                "day_off": official.off if official is not None else d.weekday() >= 5,
                "makeup_workday": official is not None and not official.off,
                "holiday": official.holiday if official is not None else None,
                "festivals": [f.key for f in active],
                "node": nodes[0].key if nodes else None,
                "nodes": [f.key for f in nodes],
                "phase": phase,
            }
        )
    return pd.DataFrame(rows, columns=list(DAY_COLUMNS))


def calendar_days(
    year: int,
    *,
    market: Market | None = None,
    campaigns: Sequence[CampaignConfig] = (),
    extra: Path | None = None,
    platforms: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per day of ``year``.

    Columns: ``date`` (datetime.date), ``weekday`` (0 = Monday … 6 = Sunday), ``day_off`` (weekend or
    official day off, not a make-up workday), ``makeup_workday``, ``holiday`` (key of the official
    holiday the day belongs to, off or make-up, else None; China's official days are left out for
    ``market="west"``, where a day off is a weekend day), ``festivals`` (keys whose window holds the
    day, by node), ``node`` (the festival whose node is that day: a campaign first, then e-commerce,
    lunar, Western, public), ``nodes`` (every such key) and ``phase`` ("node", else "pre" when a
    window runs up to a later node, else "tail", else None).

    >>> days = calendar_days(2026, market="cn")
    >>> row = days[days["date"] == date(2026, 6, 18)].iloc[0]
    >>> row["node"], row["phase"], row["festivals"]
    ('618', 'node', ['618'])
    """
    return calendar_range(
        date(year, 1, 1),
        date(year, 12, 31),
        market=market,
        campaigns=campaigns,
        extra=extra,
        platforms=platforms,
    )
