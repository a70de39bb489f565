"""Demand calendar: festivals (with pre-heat and tail), weekday pattern and yearly trend.

Chinese nodes (Tmall and JD): 年货节 before Spring Festival and a dip over Spring Festival
(lunar 1/1), 38 女王节, 520, 618 (pre-sale from June 1), 七夕 (lunar 7/7, via ``lunar_python``),
99, 国庆 dip, 双11 (pre-sale from late October, peak on Nov 11 at about 10x an ordinary day on
Tmall) and 双12. Western nodes (Shopify): Valentine's, Mother's Day, Black Friday and Cyber
Monday (the 4th Thursday of November + 1 and + 4 days), the Christmas season and the January
slump.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from shopops.calendar.festivals import lunar_date, nth_weekday, spring_festival, thanksgiving
from shopops.sample.spec import Platform

F64 = npt.NDArray[np.float64]

# phase codes
PRE, PEAK, TAIL, DIP = 0, 1, 2, 3
# hour-of-day profiles
HOURS_NORMAL, HOURS_MIDNIGHT, HOURS_EVENING = 0, 1, 2

GIFT_FESTIVALS = frozenset({"38女王节", "520", "七夕", "双11", "Valentine's Day", "Mother's Day", "Christmas"})


@dataclass(frozen=True)
class _Entry:
    day: date
    mult: float
    phase: int
    name: str
    hours: int = HOURS_NORMAL


@dataclass(frozen=True)
class DayFactors:
    """Per-day multipliers for one platform over the generated period (index 0 = first day)."""

    dates: list[date]
    uv: F64  # festival traffic multiplier
    cvr: F64  # festival conversion multiplier
    cart: F64  # festival add-to-cart multiplier
    disc: npt.NDArray[np.int8]  # discount level 0 (ordinary), 1 (pre-heat/tail), 2 (main day)
    gift: npt.NDArray[np.bool_]  # gift-buying days (gift sets and male buyers up)
    hours: npt.NDArray[np.int8]  # hour-of-day profile code
    refund: F64  # additive refund probability on that day's orders
    weekday: F64
    trend: F64
    label: list[str]  # festival name and phase, "" on ordinary days

    @property
    def orders(self) -> F64:
        """Expected order multiplier of each day relative to an ordinary mid-period day."""
        return self.uv * self.cvr * self.weekday * self.trend


def qixi(year: int) -> date:
    """七夕: the 7th day of the 7th lunar month."""
    return lunar_date(year, 7, 7)


def mothers_day(year: int) -> date:
    """2nd Sunday of May."""
    return nth_weekday(year, 5, 6, 2)


def _ramp(start: date, n: int, m0: float, m1: float, phase: int, name: str) -> list[_Entry]:
    out = []
    for i in range(n):
        m = m0 if n == 1 else m0 + (m1 - m0) * i / (n - 1)
        out.append(_Entry(start + timedelta(days=i), m, phase, name))
    return out


def _cn_year(year: int, platform: Platform) -> list[_Entry]:
    jd = platform == "jd"
    e: list[_Entry] = []
    sf = spring_festival(year)
    e += _ramp(sf - timedelta(days=26), 15, 1.2, 1.45, PEAK, "年货节")
    e += _ramp(sf - timedelta(days=11), 4, 1.25, 1.0, TAIL, "年货节")
    e += _ramp(sf - timedelta(days=7), 7, 0.8, 0.5, DIP, "春节")
    e += _ramp(sf, 7, 0.45, 0.6, DIP, "春节")
    e += _ramp(sf + timedelta(days=7), 4, 0.75, 0.95, DIP, "春节")
    # 38 女王节
    q = 1.8 if jd else 3.0
    e += _ramp(date(year, 3, 1), 7, 1.2, 1.7 if not jd else 1.3, PRE, "38女王节")
    e.append(_Entry(date(year, 3, 8), q, PEAK, "38女王节"))
    e.append(_Entry(date(year, 3, 9), 1.25, TAIL, "38女王节"))
    # 520
    e += _ramp(date(year, 5, 13), 7, 1.1, 1.45 if not jd else 1.25, PRE, "520")
    e.append(_Entry(date(year, 5, 20), 1.6 if jd else 2.2, PEAK, "520"))
    e.append(_Entry(date(year, 5, 21), 1.12, TAIL, "520"))
    # 618 (JD's own anniversary: bigger there)
    e.append(_Entry(date(year, 6, 1), 2.6 if jd else 2.2, PEAK, "618", HOURS_EVENING))
    e += _ramp(date(year, 6, 2), 13, 1.2, 1.55, PRE, "618")
    e += _ramp(date(year, 6, 15), 3, 1.7, 2.3, PRE, "618")
    e.append(_Entry(date(year, 6, 18), 7.0 if jd else 5.0, PEAK, "618", HOURS_MIDNIGHT))
    e += _ramp(date(year, 6, 19), 2, 1.6, 1.2, TAIL, "618")
    # 七夕 (lunar)
    qx = qixi(year)
    e += _ramp(qx - timedelta(days=6), 6, 1.1, 1.5 if not jd else 1.25, PRE, "七夕")
    e.append(_Entry(qx, 1.6 if jd else 2.4, PEAK, "七夕"))
    e.append(_Entry(qx + timedelta(days=1), 1.1, TAIL, "七夕"))
    # 99
    e += _ramp(date(year, 9, 5), 4, 1.1, 1.3, PRE, "99")
    e.append(_Entry(date(year, 9, 9), 1.4 if jd else 2.0, PEAK, "99"))
    e.append(_Entry(date(year, 9, 10), 1.1, TAIL, "99"))
    # 国庆 holiday: people travel
    e += _ramp(date(year, 10, 1), 7, 0.85, 0.92, DIP, "国庆")
    # 双11
    start = date(year, 10, 23) if jd else date(year, 10, 20)
    e.append(_Entry(start, 2.3, PEAK, "双11", HOURS_EVENING))
    n_pre = (date(year, 10, 31) - start).days - 1
    e += _ramp(start + timedelta(days=1), n_pre, 1.25, 1.4, PRE, "双11")
    e.append(_Entry(date(year, 10, 31), 2.8, PEAK, "双11", HOURS_EVENING))
    e += _ramp(date(year, 11, 1), 3, 2.2, 1.6, PEAK, "双11")
    e += _ramp(date(year, 11, 4), 6, 1.4, 1.8, PRE, "双11")
    e.append(_Entry(date(year, 11, 10), 2.2, PRE, "双11"))
    e.append(_Entry(date(year, 11, 11), 6.0 if jd else 10.0, PEAK, "双11", HOURS_MIDNIGHT))
    e += _ramp(date(year, 11, 12), 2, 1.8, 1.3, TAIL, "双11")
    # 双12
    e += _ramp(date(year, 12, 10), 2, 1.2, 1.4, PRE, "双12")
    e.append(_Entry(date(year, 12, 12), 1.8 if jd else 2.3, PEAK, "双12"))
    e.append(_Entry(date(year, 12, 13), 1.1, TAIL, "双12"))
    return e


def _us_year(year: int) -> list[_Entry]:
    e: list[_Entry] = []
    e += _ramp(date(year, 1, 2), 14, 0.82, 0.92, DIP, "January slump")
    e += _ramp(date(year, 2, 1), 6, 1.15, 1.3, PRE, "Valentine's Day")
    e += _ramp(date(year, 2, 7), 6, 1.5, 1.7, PEAK, "Valentine's Day")
    e.append(_Entry(date(year, 2, 13), 1.2, TAIL, "Valentine's Day"))
    md = mothers_day(year)
    e += _ramp(md - timedelta(days=12), 10, 1.2, 1.6, PEAK, "Mother's Day")
    e += _ramp(md - timedelta(days=2), 2, 1.3, 1.15, TAIL, "Mother's Day")
    tg = thanksgiving(year)
    e += _ramp(tg - timedelta(days=7), 7, 1.2, 1.5, PRE, "Black Friday")
    e.append(_Entry(tg, 1.8, PEAK, "Thanksgiving"))
    e.append(_Entry(tg + timedelta(days=1), 4.0, PEAK, "Black Friday", HOURS_MIDNIGHT))
    e.append(_Entry(tg + timedelta(days=2), 2.6, PEAK, "Black Friday"))
    e.append(_Entry(tg + timedelta(days=3), 2.4, PEAK, "Black Friday"))
    e.append(_Entry(tg + timedelta(days=4), 3.5, PEAK, "Cyber Monday"))
    cm_end = tg + timedelta(days=5)
    e += _ramp(cm_end, 3, 1.6, 1.3, TAIL, "Cyber Monday")
    xmas_start = max(date(year, 12, 1), cm_end + timedelta(days=3))
    n = (date(year, 12, 16) - xmas_start).days
    e += _ramp(xmas_start, n, 1.5, 1.8, PEAK, "Christmas")
    e += _ramp(date(year, 12, 16), 5, 1.6, 1.3, TAIL, "Christmas")
    e += _ramp(date(year, 12, 21), 4, 1.0, 0.7, DIP, "Christmas")
    e.append(_Entry(date(year, 12, 25), 0.5, DIP, "Christmas"))
    e += _ramp(date(year, 12, 26), 6, 1.3, 1.1, TAIL, "After-Christmas sale")
    return e


_WEEKDAY: dict[Platform, tuple[float, ...]] = {
    # Mon .. Sun
    "tmall": (0.97, 0.96, 0.96, 0.97, 0.98, 1.07, 1.09),
    "jd": (1.05, 1.04, 1.03, 1.01, 0.98, 0.94, 0.95),
    "shopify": (1.06, 1.04, 1.02, 1.0, 0.95, 0.88, 1.05),
}
_GROWTH: dict[Platform, float] = {"tmall": 0.22, "jd": 0.17, "shopify": 0.25}
_SEASON_AMP: dict[Platform, float] = {"tmall": 0.05, "jd": 0.02, "shopify": 0.04}


def day_factors(platform: Platform, first_day: date, days: int) -> DayFactors:
    """Festival, weekday and trend multipliers of every generated day."""
    dates = [first_day + timedelta(days=i) for i in range(days)]
    index = {d: i for i, d in enumerate(dates)}
    uv = np.ones(days)
    cvr = np.ones(days)
    cart = np.ones(days)
    disc = np.zeros(days, dtype=np.int8)
    gift = np.zeros(days, dtype=np.bool_)
    hours = np.zeros(days, dtype=np.int8)
    refund = np.zeros(days)
    label = [""] * days
    strength = np.zeros(days)
    years = range(dates[0].year - 1, dates[-1].year + 2)
    entries: list[_Entry] = []
    for y in years:
        entries += _us_year(y) if platform == "shopify" else _cn_year(y, platform)
    for en in entries:
        i = index.get(en.day)
        if i is None:
            continue
        s = abs(math.log(en.mult))
        if s <= strength[i]:
            continue  # overlapping nodes: the strongest effect wins
        strength[i] = s
        m = en.mult
        if en.phase == PRE:
            cvr[i], uv[i], cart[i], disc[i] = 0.85, m / 0.85, 1.6 + 0.4 * (m - 1), 1
        elif en.phase == PEAK:
            uv[i], cvr[i], cart[i], disc[i] = m**0.55, m**0.45, 1.3, 2 if m >= 1.9 else 1
            refund[i] = 0.03 if m >= 2.0 else 0.01
        elif en.phase == TAIL:
            uv[i], cvr[i], cart[i], disc[i] = m**0.7, m**0.3, 1.1, 1
        else:
            uv[i], cvr[i], cart[i], disc[i] = m, 1.0, 1.0, 0
        gift[i] = en.name in GIFT_FESTIVALS and en.phase != DIP
        hours[i] = en.hours
        label[i] = en.name + ("" if en.phase != PEAK else "*")
    wd_table = np.array(_WEEKDAY[platform])
    wd_table = wd_table / wd_table.mean()
    weekday = wd_table[[d.weekday() for d in dates]]
    t = np.arange(days, dtype=np.float64)
    mid = (days - 1) / 2.0
    trend = (1.0 + _GROWTH[platform]) ** ((t - mid) / 365.0)
    doy = np.array([d.timetuple().tm_yday for d in dates], dtype=np.float64)
    trend = trend * (1.0 + _SEASON_AMP[platform] * np.cos(2 * np.pi * (doy - 15.0) / 365.25))
    return DayFactors(dates, uv, cvr, cart, disc, gift, hours, refund, weekday, trend, label)


def festival_days(platform: Platform, first_day: date, days: int) -> list[dict[str, str]]:
    """Main festival days (peaks) inside the period, for ``sample.json``."""
    f = day_factors(platform, first_day, days)
    return [
        {"date": d.isoformat(), "festival": lab.rstrip("*")}
        for d, lab in zip(f.dates, f.label, strict=True)
        if lab.endswith("*")
    ]


# Hour-of-day weights (local time) per region.
_CN_HOURS = np.array(
    [
        2.2,
        1.1,
        0.55,
        0.3,
        0.2,
        0.2,
        0.4,
        1.0,
        2.0,
        3.4,
        4.4,
        4.6,
        4.0,
        4.2,
        4.7,
        4.8,
        4.6,
        4.4,
        4.3,
        4.8,
        6.0,
        7.0,
        7.3,
        5.0,
    ]
)
_US_HOURS = np.array(
    [
        1.2,
        0.7,
        0.4,
        0.3,
        0.3,
        0.5,
        1.0,
        2.0,
        3.0,
        3.8,
        4.2,
        4.6,
        5.0,
        4.8,
        4.4,
        4.2,
        4.2,
        4.4,
        5.0,
        5.8,
        6.2,
        6.0,
        4.6,
        2.6,
    ]
)


def hour_cdf(platform: Platform, profile: int) -> F64:
    """Cumulative distribution over the 24 hours for an hour profile."""
    w = (_US_HOURS if platform == "shopify" else _CN_HOURS).copy()
    total = w.sum()
    if profile == HOURS_MIDNIGHT:
        w[0] += 0.30 * total
        w[1] += 0.08 * total
    elif profile == HOURS_EVENING:
        w[20] += 0.20 * total
        w[21] += 0.08 * total
    c = np.cumsum(w)
    return np.asarray(c / c[-1], dtype=np.float64)
