"""Shared machinery of the per-platform store writers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shopops.sample import text
from shopops.sample.catalog import Catalog, Geo, build_catalog, build_geo
from shopops.sample.customers import hash_unit, permute_bits
from shopops.sample.engine import Day, StoreEngine
from shopops.sample.festivals import DayFactors, day_factors
from shopops.sample.spec import Anomaly, SampleFile, StoreInfo

I64 = npt.NDArray[np.int64]

TRUTH_MONEY = ("paid_amount", "refund_amount", "ad_spend")


@lru_cache(maxsize=1)
def hms_table() -> Any:
    """``HH:MM:SS`` for every second of a day."""
    return text.vocab([f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)])


def cents_str(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


class StoreWriter:
    """Runs a :class:`StoreEngine` and writes its files; subclasses format the platform."""

    f_ads: text.CsvSink  # every platform's ad report; opened by the subclass with its own name and encoding

    def __init__(
        self,
        info: StoreInfo,
        store_index: int,
        seed: int,
        orders_per_day: int,
        first_day: date,
        days: int,
        anomalies: list[Anomaly],
        out_dir: Path,
        events_users: int,
    ) -> None:
        self.info = info
        self.out_dir = out_dir
        self.first_day = first_day
        self.days = days
        self.last = days - 1
        self.orders_per_day = orders_per_day
        self.events_users = events_users
        ss = np.random.SeedSequence([seed, store_index])
        s_cat, s_eng, s_fmt, s_extra = ss.spawn(4)
        self.key = int(np.random.default_rng(s_cat).integers(0, 2**40)) + store_index
        self.factors: DayFactors = day_factors(info.platform, first_day, days)
        self.catalog: Catalog = build_catalog(info.platform, np.random.default_rng(s_cat))
        self.geo: Geo = build_geo(info.platform)
        self.engine = StoreEngine(
            info,
            orders_per_day,
            self.factors,
            self.catalog,
            self.geo,
            anomalies,
            np.random.default_rng(s_eng),
            self.key,
        )
        self.rng = np.random.default_rng(s_fmt)  # cosmetic choices while formatting
        self.extra_rng = np.random.default_rng(s_extra)  # side files (events, competitors)
        self.store_dir = out_dir / info.name
        self._sinks: list[tuple[text.CsvSink, str, str]] = []
        self.sample_files: list[SampleFile] = []
        # date strings for day indices 0 .. days + 40
        self.date_strs = text.vocab([(first_day + timedelta(days=i)).isoformat() for i in range(days + 41)])
        self.truth: dict[str, int] = dict.fromkeys(
            ["orders", "paid_orders", "paid_amount", "refund_amount", "units",
             "order_item_rows", "traffic_uv", "ad_spend"], 0,
        )  # fmt: skip
        # vocabularies
        cat = self.catalog
        self.v_title = text.vocab(cat.title)
        self.v_sku = text.vocab(cat.sku)
        self.v_attr = text.vocab(cat.attr)
        self.v_pid = text.vocab(cat.product_id)
        self.v_channel = text.vocab(self.engine.channels)
        self.v_plan = text.vocab(self.engine.ad_plan)
        self.v_unit = text.vocab(self.engine.ad_unit)
        self.v_kw = text.vocab(self.engine.ad_kw)
        self._addr_vocab: tuple[Any, Any] | None = None

    # ------------------------------------------------------------------ files
    def sink(
        self,
        filename: str,
        header: Sequence[str] | None,
        encoding: str,
        eol: str,
        kind: str,
        source: str,
    ) -> text.CsvSink:
        s = text.CsvSink(self.store_dir / filename, header, encoding, eol)
        self._sinks.append((s, kind, source))
        return s

    def close_all(self) -> None:
        for s, kind, source in self._sinks:
            s.close()
            rel = s.path.relative_to(self.out_dir).as_posix()
            self.sample_files.append(SampleFile(rel, kind, source, self.info.name, s.rows))
        self._sinks = []

    # ------------------------------------------------------------------ formatting helpers
    def ts(self, day_idx: npt.NDArray[Any], sec: npt.NDArray[Any]) -> Any:
        """``YYYY-MM-DD HH:MM:SS`` (store-local)."""
        return text.join([text.take(self.date_strs, day_idx), text.take(hms_table(), sec)], " ")

    def day_col(self, t: int, n: int) -> Any:
        return text.take(self.date_strs, np.full(n, t))

    def write_ad_rows(self, t: int, ads: Any) -> None:
        """One day's ad rows (every platform's ad report has the same nine columns)."""
        rows = len(ads.clicks)
        idx = np.arange(rows)
        self.f_ads.write(
            [
                self.day_col(t, rows),
                text.take(self.v_plan, idx),
                text.take(self.v_unit, idx),
                text.take(self.v_kw, idx),
                text.ints(ads.impressions),
                text.ints(ads.clicks),
                text.money(ads.cost),
                text.ints(ads.conversions),
                text.money(ads.value),
            ],
            rows,
        )

    def cn_address(self, cust: I64, place: I64) -> Any:
        geo = self.geo
        if self._addr_vocab is None:
            places = zip(geo.region, geo.city, geo.district, strict=True)
            self._addr_vocab = (
                text.vocab([f"{r} {c} {d} " for r, c, d in places]),
                text.vocab(geo.streets),
            )
        prefixes, streets = self._addr_vocab
        s_idx = (hash_unit(cust, self.key, 2) * len(geo.streets)).astype(np.int64)
        num = 1 + (hash_unit(cust, self.key, 3) * 998).astype(np.int64)
        return text.join([text.take(prefixes, place), text.take(streets, s_idx), text.ints(num), "号"], "")

    def nick(self, cust: I64, prefix: str, bits: int, width: int, base: int) -> Any:
        code = text.fixed_codes(permute_bits(cust, bits, self.key), width, base)
        return text.join([prefix, code], "")

    # ------------------------------------------------------------------ running
    def step(self, t: int) -> None:
        day = self.engine.day(t)
        self.write_day(day)
        tr = self.truth
        tr["orders"] += day.n
        tr["paid_orders"] += int(day.paid.sum())
        tr["paid_amount"] += int(day.total[day.paid].sum())
        tr["refund_amount"] += int(day.refund.sum())
        tr["units"] += int(day.units.sum())
        tr["traffic_uv"] += int(day.uv.sum())
        tr["ad_spend"] += int(day.ads.cost.sum())

    def open(self) -> None:
        """Open the store's files and write the static ones."""
        raise NotImplementedError

    def write_day(self, day: Day) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write end-of-run files and close everything."""
        self.close_all()

    def truth_json(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {}
        for k, v in self.truth.items():
            out[k] = cents_str(v) if k in TRUTH_MONEY else v
        out["buyers"] = len(self.engine.pool.paid_ids())
        out["first_day"] = self.first_day.isoformat()
        out["last_day"] = (self.first_day + timedelta(days=self.last)).isoformat()
        order = ["orders", "paid_orders", "paid_amount", "refund_amount", "units", "buyers",
                 "order_item_rows", "traffic_uv", "ad_spend", "first_day", "last_day"]  # fmt: skip
        return {k: out[k] for k in order}

    def write_products(self, header: Sequence[str], roles: Sequence[str]) -> None:
        cat = self.catalog
        s = self.sink("products.csv", header, self.product_encoding, self.product_eol,
                      "products", "generic")  # fmt: skip
        n = cat.n
        idx = np.arange(n)
        s.write(
            [
                text.take(self.v_sku, idx),
                text.take(self.v_pid, idx),
                text.take(self.v_title, idx),
                text.take(text.vocab(cat.category), idx),
                text.money(cat.price),
                text.money(cat.cost),
                text.take(text.vocab(list(roles)), cat.role),
            ],
            n,
        )

    product_encoding = "utf-8"
    product_eol = "\n"
