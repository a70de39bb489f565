"""Input and output types of the sample generator."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Platform = Literal["tmall", "jd", "shopify"]

PLATFORM_ORDER: tuple[Platform, Platform, Platform] = ("tmall", "jd", "shopify")
BASE_NAMES: dict[Platform, str] = {
    "tmall": "tmall_flagship",
    "jd": "jd_store",
    "shopify": "shopify_us",
}
CURRENCY: dict[Platform, str] = {"tmall": "CNY", "jd": "CNY", "shopify": "USD"}
TIMEZONE: dict[Platform, str] = {
    "tmall": "Asia/Shanghai",
    "jd": "Asia/Shanghai",
    "shopify": "America/New_York",
}
#: Channels (流量来源) of each platform's traffic file, in file order.
CHANNELS: dict[Platform, tuple[str, ...]] = {
    "tmall": ("手淘搜索", "手淘推荐", "直通车", "万相台", "淘宝客", "直播", "站外"),
    "jd": ("京东搜索", "推荐", "京东快车", "京挑客", "直播", "站外"),
    "shopify": ("Direct", "Organic Search", "Paid Search", "Social", "Email"),
}

MAX_STORES = 12
MAX_DAYS = 3660
MAX_ORDERS_PER_DAY = 1_000_000
MAX_EVENTS_USERS = 1_000_000


@dataclass(frozen=True)
class Anomaly:
    """Conversion of one channel of one store multiplied by ``1 + cvr_change``.

    Visitors are unchanged; paying buyers and orders of that channel drop (or rise)
    on the days ``start .. start + days - 1``.
    """

    store: str
    channel: str
    start: date
    days: int
    cvr_change: float

    @property
    def end(self) -> date:
        """Last day of the anomaly (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    def to_json(self) -> dict[str, str | int | float]:
        return {
            "store": self.store,
            "channel": self.channel,
            "start": self.start.isoformat(),
            "days": self.days,
            "cvr_change": self.cvr_change,
        }


@dataclass(frozen=True)
class StoreInfo:
    """One generated store."""

    name: str
    platform: Platform
    currency: str
    timezone: str

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "platform": self.platform,
            "currency": self.currency,
            "timezone": self.timezone,
        }


def store_infos(stores: int) -> list[StoreInfo]:
    """Stores 1, 2, 3 are Tmall, JD, Shopify; store 4+ repeat them with a suffix ``_2`` ..."""
    out: list[StoreInfo] = []
    for i in range(stores):
        platform = PLATFORM_ORDER[i % 3]
        rep = i // 3
        name = BASE_NAMES[platform] + (f"_{rep + 1}" if rep else "")
        out.append(StoreInfo(name, platform, CURRENCY[platform], TIMEZONE[platform]))
    return out


@dataclass(frozen=True)
class SampleSpec:
    """What to generate. Validated on construction (``ValueError`` on bad input)."""

    stores: int = 3
    days: int = 730
    seed: int = 7
    orders_per_day: int = 200
    end_date: date = date(2026, 10, 31)
    anomalies: list[Anomaly] = field(default_factory=list)
    events_users: int = 2000

    def __post_init__(self) -> None:
        def is_int(v: object) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        if not is_int(self.stores) or not 1 <= self.stores <= MAX_STORES:
            raise ValueError(f"stores must be an integer from 1 to {MAX_STORES}, got {self.stores!r}")
        if not is_int(self.days) or not 1 <= self.days <= MAX_DAYS:
            raise ValueError(f"days must be an integer from 1 to {MAX_DAYS}, got {self.days!r}")
        if not is_int(self.seed) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        if not is_int(self.orders_per_day) or not 1 <= self.orders_per_day <= MAX_ORDERS_PER_DAY:
            raise ValueError(
                f"orders_per_day must be an integer from 1 to {MAX_ORDERS_PER_DAY}, got {self.orders_per_day!r}"
            )
        if not is_int(self.events_users) or not 0 <= self.events_users <= MAX_EVENTS_USERS:
            raise ValueError(f"events_users must be an integer from 0 to {MAX_EVENTS_USERS}, got {self.events_users!r}")
        if not isinstance(self.end_date, date):
            raise ValueError(f"end_date must be a datetime.date, got {self.end_date!r}")
        if self.first_day < date(1950, 1, 1) or self.end_date > date(2090, 12, 31):
            raise ValueError("the generated period must lie between 1950-01-01 and 2090-12-31")
        if not isinstance(self.anomalies, (list, tuple)):
            raise ValueError("anomalies must be a list of Anomaly")
        infos = {s.name: s for s in store_infos(self.stores)}
        for a in self.anomalies:
            if not isinstance(a, Anomaly):
                raise ValueError(f"anomalies must hold Anomaly objects, got {a!r}")
            if a.store not in infos:
                raise ValueError(f"anomaly store {a.store!r} is not generated; stores are {sorted(infos)}")
            channels = CHANNELS[infos[a.store].platform]
            if a.channel not in channels:
                raise ValueError(
                    f"anomaly channel {a.channel!r} is not a channel of {a.store}; channels are {list(channels)}"
                )
            if not is_int(a.days) or a.days < 1:
                raise ValueError(f"anomaly days must be a positive integer, got {a.days!r}")
            if not isinstance(a.start, date):
                raise ValueError(f"anomaly start must be a datetime.date, got {a.start!r}")
            if not isinstance(a.cvr_change, (int, float)) or isinstance(a.cvr_change, bool):
                raise ValueError(f"anomaly cvr_change must be a number, got {a.cvr_change!r}")
            if not math.isfinite(a.cvr_change) or not -1.0 <= a.cvr_change <= 5.0:
                raise ValueError(f"anomaly cvr_change must be between -1 and 5 (a fraction), got {a.cvr_change!r}")
            if a.end < self.first_day or a.start > self.end_date:
                raise ValueError(
                    f"anomaly {a.start}..{a.end} lies outside the generated period {self.first_day}..{self.end_date}"
                )

    @property
    def first_day(self) -> date:
        """First generated day (``end_date - days + 1``)."""
        return self.end_date - timedelta(days=self.days - 1)

    def to_json(self) -> dict[str, object]:
        return {
            "stores": self.stores,
            "days": self.days,
            "seed": self.seed,
            "orders_per_day": self.orders_per_day,
            "end_date": self.end_date.isoformat(),
            "first_day": self.first_day.isoformat(),
            "events_users": self.events_users,
            "anomalies": [a.to_json() for a in self.anomalies],
        }


@dataclass(frozen=True)
class SampleFile:
    """One written file. ``path`` is relative to the output directory, with ``/``."""

    path: str
    kind: str
    source: str
    store: str
    rows: int

    def to_json(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "kind": self.kind,
            "source": self.source,
            "store": self.store,
            "rows": self.rows,
        }


@dataclass
class SampleResult:
    """What :func:`generate` wrote, with exact per-store ground truth.

    ``truth[store]`` has ``orders``, ``paid_orders``, ``paid_amount``, ``refund_amount``,
    ``units``, ``buyers``, ``order_item_rows``, ``traffic_uv``, ``ad_spend``, ``first_day``,
    ``last_day``. Money is a string with two decimals, dates are ISO strings.
    """

    stores: list[StoreInfo]
    files: list[SampleFile]
    truth: dict[str, dict[str, str | int]]
    anomalies: list[Anomaly]
