"""Customer pool: stable ids, hashed attributes and recency-weighted repeat purchases.

Only three numbers are stored per customer (first paid day and second, cumulative spend);
everything else (place, age band, loyalty, e-mail opt-in, gender draw) is a pure function of
the customer index, so it is identical in every file. Repeat buyers are drawn from "purchase
buckets" (one per past day, holding the buyers of that day, heavy repeaters several times)
with weights that decay with the age of the purchase; buckets older than ``HORIZON`` days are
dropped, so a long-gone buyer never comes back (churn) and memory stays bounded. Each repeat
purchase adds a bucket entry again, so frequent buyers stay likely (expected offspring per
purchase = the returning share < 1, so it never explodes). On top, about 0.8 % of buyers are
heavy repeaters ("VIPs") who buy every 15-60 days until they churn (mean life 300 days).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

HORIZON = 540
VIP_SHARE = 0.008
VIP_CHURN = 1.0 / 300.0
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix64(x: npt.NDArray[Any]) -> U64:
    """A good 64-bit mixing function (vectorised)."""
    z = np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def permute_bits(x: npt.NDArray[Any], bits: int, key: int) -> U64:
    """A keyed bijection on ``[0, 2**bits)`` (so distinct inputs give distinct codes)."""
    m = np.uint64((1 << bits) - 1)
    v = (np.asarray(x, dtype=np.uint64) ^ np.uint64(key & ((1 << bits) - 1))) & m
    for mult, shift in ((0x9E3779B97F4A7C15, bits // 2), (0xC2B2AE3D27D4EB4F, bits // 3 + 1)):
        v = (v * np.uint64(mult | 1)) & m
        v = v ^ (v >> np.uint64(shift))
    v = (v * np.uint64(0x165667B19E3779F9)) & m
    return np.asarray(v ^ (v >> np.uint64(bits // 2)), dtype=np.uint64)


def hash_unit(ids: npt.NDArray[Any], key: int, salt: int) -> npt.NDArray[np.float64]:
    """A uniform [0, 1) number per id, stable for (key, salt)."""
    h = splitmix64(np.asarray(ids, dtype=np.uint64) ^ np.uint64((key * 1_000_003 + salt) & 0xFFFFFFFFFFFF))
    return np.asarray((h >> np.uint64(11)).astype(np.float64) / float(1 << 53))


def recency_weight(age_days: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Relative chance that a purchase made ``age_days`` ago leads to a repeat today."""
    return np.asarray(np.exp(-age_days / 45.0) + 0.25 * np.exp(-age_days / 200.0))


class CustomerPool:
    """The customers of one store (indices 0, 1, ... in order of first appearance)."""

    def __init__(self, key: int) -> None:
        self.key = key
        self.n = 0
        cap = 4096
        self.first_day = np.full(cap, -1, dtype=np.int32)
        self.first_sec = np.zeros(cap, dtype=np.int32)
        self.spend = np.zeros(cap, dtype=np.int64)
        self._bucket_day: list[int] = []
        self._bucket_ids: list[npt.NDArray[np.int32]] = []
        self._bucket_size: list[int] = []
        self._vip_ids = np.zeros(0, dtype=np.int64)
        self._vip_rate = np.zeros(0, dtype=np.float64)

    def _grow(self, need: int) -> None:
        cap = len(self.first_day)
        if need <= cap:
            return
        new_cap = max(need, int(cap * 1.5))
        fd = np.full(new_cap, -1, dtype=np.int32)
        fd[:cap] = self.first_day
        fs = np.zeros(new_cap, dtype=np.int32)
        fs[:cap] = self.first_sec
        sp = np.zeros(new_cap, dtype=np.int64)
        sp[:cap] = self.spend
        self.first_day, self.first_sec, self.spend = fd, fs, sp

    def new(self, k: int) -> I64:
        """Register ``k`` new customers and return their indices."""
        self._grow(self.n + k)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        return ids

    def is_vip(self, ids: I64) -> npt.NDArray[np.bool_]:
        return hash_unit(ids, self.key, 17) < VIP_SHARE

    def returning(self, rng: np.random.Generator, k: int, day: int) -> I64:
        """Draw up to ``k`` past buyers: due heavy repeaters first, then by recency."""
        if k <= 0 or not self._bucket_day:
            return np.zeros(0, dtype=np.int64)
        parts: list[I64] = []
        if len(self._vip_ids):
            # heavy repeaters: churn, then buy at their own rate
            alive = rng.random(len(self._vip_ids)) >= VIP_CHURN
            self._vip_ids, self._vip_rate = self._vip_ids[alive], self._vip_rate[alive]
            due = self._vip_ids[rng.random(len(self._vip_ids)) < self._vip_rate]
            if len(due) > k // 2:
                due = rng.choice(due, k // 2, replace=False)
            parts.append(due)
            k -= len(due)
        ages = day - np.array(self._bucket_day, dtype=np.float64)
        w = np.array(self._bucket_size, dtype=np.float64) * recency_weight(ages)
        total = w.sum()
        if total > 0 and k > 0:
            chosen = rng.choice(len(w), size=k, p=w / total)
            buckets, counts = np.unique(chosen, return_counts=True)
            for b, c in zip(buckets.tolist(), counts.tolist(), strict=True):
                arr = self._bucket_ids[b]
                parts.append(arr[rng.integers(0, len(arr), c)].astype(np.int64))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        out = np.concatenate(parts).astype(np.int64)
        return out[rng.permutation(len(out))]

    def record_paid(self, ids: I64, day: int, secs: npt.NDArray[Any], cents: I64) -> None:
        """Record the paid orders of ``day`` (customer ids, payment seconds, amounts)."""
        if len(ids) == 0:
            self._add_bucket(day, np.zeros(0, dtype=np.int32))
            return
        np.add.at(self.spend, ids, cents)
        fresh = self.first_day[ids] < 0
        if fresh.any():
            vip = np.unique(ids[fresh & self.is_vip(ids)])
            if len(vip):
                rate = 1.0 / (15.0 + 45.0 * hash_unit(vip, self.key, 18))
                self._vip_ids = np.concatenate([self._vip_ids, vip])
                self._vip_rate = np.concatenate([self._vip_rate, rate])
            f_ids = ids[fresh]
            f_secs = np.asarray(secs)[fresh]
            order = np.lexsort((f_secs, f_ids))
            f_ids, f_secs = f_ids[order], f_secs[order]
            first = np.ones(len(f_ids), dtype=np.bool_)
            first[1:] = f_ids[1:] != f_ids[:-1]
            self.first_day[f_ids[first]] = day
            self.first_sec[f_ids[first]] = f_secs[first]
        self._add_bucket(day, ids.astype(np.int32))

    def _add_bucket(self, day: int, ids: npt.NDArray[np.int32]) -> None:
        self._bucket_day.append(day)
        self._bucket_ids.append(ids)
        self._bucket_size.append(len(ids))
        while self._bucket_day and day - self._bucket_day[0] >= HORIZON:
            self._bucket_day.pop(0)
            self._bucket_ids.pop(0)
            self._bucket_size.pop(0)

    def paid_ids(self) -> I64:
        """Indices of customers with at least one paid order, in index order."""
        return np.flatnonzero(self.first_day[: self.n] >= 0).astype(np.int64)
