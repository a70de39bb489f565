"""Day-by-day simulation of one store, platform-neutral.

The causal chain follows the operator's formula 支付金额 = 访客数 × 支付转化率 × 客单价:
ad spend -> paid-channel clicks (diminishing returns, clicks ∝ spend^0.6); visitors per
channel × device (festival, weekday, trend, slow random drifts); paying buyers ~ Binomial
(visitors, channel conversion); ~1.05 orders per buyer plus ~4 % orders never paid; 1-4
lines per order from the catalogue (role-dependent popularity, PC buyers pick dearer
items); festival discounts; postage/tax; refunds; a shipping/confirmation timeline.
All money is integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shopops.sample.catalog import AD_TREES, PROMO_PLAN, Catalog, Geo
from shopops.sample.customers import CustomerPool, hash_unit
from shopops.sample.festivals import DayFactors, hour_cdf
from shopops.sample.spec import CHANNELS, Anomaly, Platform, StoreInfo

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

MOBILE, PC = 0, 1


@dataclass(frozen=True)
class Model:
    """Behavioural parameters of a platform."""

    scale: float  # ordinary-day orders relative to SampleSpec.orders_per_day
    share: tuple[float, ...]  # visitor share per channel
    cvr: tuple[float, ...]  # mobile conversion per channel
    mobile: tuple[float, ...]  # mobile share of visitors per channel
    paid_channel: int
    pc_cvr: float  # PC conversion multiplier
    ppv: tuple[float, float]  # page views per visitor (mobile, PC)
    unpaid: float  # share of created orders never paid
    lines_mobile: tuple[float, ...]
    lines_pc: tuple[float, ...]
    disc: tuple[tuple[float, int, int], ...]  # per level: (P(discount), lo bp, hi bp)
    refund_base: float
    cpc: int  # cents per click on an ordinary day
    ret_lo: float
    ret_hi: float
    growth_days: int = 730


MODELS: dict[Platform, Model] = {
    "tmall": Model(
        scale=1.0,
        share=(0.34, 0.26, 0.12, 0.08, 0.05, 0.07, 0.08),
        cvr=(0.040, 0.014, 0.038, 0.022, 0.045, 0.030, 0.008),
        mobile=(0.86, 0.97, 0.85, 0.95, 0.90, 0.99, 0.75),
        paid_channel=2,
        pc_cvr=1.35,
        ppv=(3.2, 4.6),
        unpaid=0.04,
        lines_mobile=(0.74, 0.17, 0.06, 0.03),
        lines_pc=(0.64, 0.22, 0.09, 0.05),
        disc=((0.35, 300, 1000), (0.75, 800, 1500), (0.97, 1500, 3000)),
        refund_base=0.055,
        cpc=130,
        ret_lo=0.17,
        ret_hi=0.30,
    ),
    "jd": Model(
        scale=0.6,
        share=(0.38, 0.22, 0.14, 0.08, 0.06, 0.12),
        cvr=(0.045, 0.016, 0.040, 0.035, 0.028, 0.010),
        mobile=(0.78, 0.90, 0.78, 0.85, 0.99, 0.70),
        paid_channel=2,
        pc_cvr=1.3,
        ppv=(3.0, 4.2),
        unpaid=0.035,
        lines_mobile=(0.80, 0.14, 0.04, 0.02),
        lines_pc=(0.72, 0.18, 0.07, 0.03),
        disc=((0.40, 200, 800), (0.70, 500, 1200), (0.95, 1000, 2500)),
        refund_base=0.045,
        cpc=110,
        ret_lo=0.15,
        ret_hi=0.27,
    ),
    "shopify": Model(
        scale=0.3,
        share=(0.22, 0.30, 0.18, 0.20, 0.10),
        cvr=(0.032, 0.024, 0.026, 0.009, 0.045),
        mobile=(0.62, 0.65, 0.60, 0.85, 0.70),
        paid_channel=2,
        pc_cvr=1.5,
        ppv=(2.8, 4.0),
        unpaid=0.012,
        lines_mobile=(0.60, 0.25, 0.10, 0.05),
        lines_pc=(0.55, 0.27, 0.12, 0.06),
        disc=((0.15, 1000, 1500), (0.50, 1000, 2000), (0.90, 2000, 3000)),
        refund_base=0.05,
        cpc=85,
        ret_lo=0.18,
        ret_hi=0.30,
    ),
}

_ORDERS_PER_BUYER_EXTRA = 0.05
_QTY_P = np.array([0.84, 0.12, 0.04])
_UNIQUE_CLICKERS = 0.88
_SPEND_ELASTICITY = 0.6  # clicks (and so attributed sales) ∝ spend ** 0.6
_FULL_REFUND = 0.8


@dataclass
class AdRows:
    impressions: I64
    clicks: I64
    cost: I64  # cents
    conversions: I64
    value: I64  # cents


@dataclass
class Day:
    """Everything generated for one store and day (orders sorted by creation time)."""

    t: int
    seq0: int  # store-wide sequence number of the first order
    # orders
    created_sec: I64
    paid: B
    pay_sec: I64
    channel: I64
    device: I64
    cust: I64
    place: I64
    n_lines: I64
    units: I64
    list_total: I64
    goods: I64  # after discount
    postage: I64
    tax: I64
    total: I64
    refund: I64
    refund_full: B
    ship_day: I64  # day index (may exceed the last day: not shipped yet)
    confirm_day: I64
    confirm_sec: I64
    rand: F64  # a uniform number per order for writers' cosmetic choices
    disc_level: int
    # lines
    line_order: I64
    line_sku: I64
    line_qty: I64
    line_list: I64  # unit list price
    line_paid: I64  # unit price after discount
    # traffic per channel × device (index c * 2 + v)
    uv: I64
    pv: I64
    cart: I64
    fav: I64
    buyers: I64  # distinct paying buyers
    pay_amount: I64
    ads: AdRows

    @property
    def n(self) -> int:
        return len(self.created_sec)


class StoreEngine:
    """Generates the days of one store in order (call :meth:`day` with t = 0, 1, ...)."""

    def __init__(
        self,
        info: StoreInfo,
        orders_per_day: int,
        factors: DayFactors,
        catalog: Catalog,
        geo: Geo,
        anomalies: list[Anomaly],
        rng: np.random.Generator,
        key: int,
    ) -> None:
        self.info = info
        self.platform: Platform = info.platform
        self.m = MODELS[info.platform]
        self.f = factors
        self.cat = catalog
        self.geo = geo
        self.rng = rng
        self.key = key
        self.days = len(factors.dates)
        self.last = self.days - 1
        self.pool = CustomerPool(key)
        self.seq = 0
        m = self.m
        self.channels = CHANNELS[info.platform]
        nc = len(self.channels)
        self.nc = nc
        mob = np.array(m.mobile)
        self.dev_share = np.stack([mob, 1.0 - mob], axis=1)  # (C, 2)
        self.cvr_cv = np.stack([np.array(m.cvr), np.array(m.cvr) * m.pc_cvr], axis=1)
        share = np.array(m.share) / sum(m.share)
        target_created = orders_per_day * m.scale
        buyers = target_created * (1.0 - m.unpaid) / (1.0 + _ORDERS_PER_BUYER_EXTRA)
        per_uv = float((share[:, None] * self.dev_share * self.cvr_cv).sum())
        self.u0 = buyers / per_uv
        self.share = share
        # anomalies -> conversion multiplier per (day, channel)
        self.anom = np.ones((self.days, nc))
        d0 = factors.dates[0]
        for a in anomalies:
            if a.store != info.name:
                continue
            c = self.channels.index(a.channel)
            for k in range(a.days):
                i = (a.start - d0).days + k
                if 0 <= i < self.days:
                    self.anom[i, c] *= 1.0 + a.cvr_change
        self.ar_uv = np.zeros(nc)
        self.ar_cvr = np.zeros(nc)
        # ads
        tree = AD_TREES[info.platform]
        self.ad_plan: list[str] = []
        self.ad_unit: list[str] = []
        self.ad_kw: list[str] = []
        plan_idx: list[int] = []
        for pi, (plan, units) in enumerate(tree):
            for unit, kws in units:
                for kw in kws:
                    self.ad_plan.append(plan)
                    self.ad_unit.append(unit)
                    self.ad_kw.append(kw)
                    plan_idx.append(pi)
        self.ad_plan_idx = np.array(plan_idx)
        r = len(self.ad_kw)
        plan_w = np.array([0.5, 0.35, 0.15])[self.ad_plan_idx]
        self.ad_w = plan_w * rng.dirichlet(np.full(r, 4.0)) * r / 3.0
        self.ad_quality = rng.uniform(0.7, 1.3, r)
        self.ad_ctr = rng.uniform(0.012, 0.045, r)
        self.ad_conv_q = rng.uniform(0.6, 1.4, r)
        self.ad_walk = 0.0
        base_clicks = self.u0 * share[m.paid_channel] / _UNIQUE_CLICKERS
        self.spend0 = base_clicks * m.cpc
        w0 = self.ad_w / self.ad_w.sum()
        denom = float((self.ad_quality * (self.spend0 * w0) ** _SPEND_ELASTICITY).sum())
        self.click_k = base_clicks / denom
        self.hour_cdfs = {p: hour_cdf(info.platform, p) for p in (0, 1, 2)}

    # ------------------------------------------------------------------ helpers
    def place_of(self, cust: I64) -> I64:
        u = hash_unit(cust, self.key, 1)
        cum = np.cumsum(self.geo.weight)
        idx = np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), len(cum) - 1)
        return np.asarray(idx, dtype=np.int64)

    def _ads(self, t: int) -> tuple[F64, I64]:
        """Spend (cents, float) and clicks per ad row."""
        f, rng = self.f, self.rng
        self.ad_walk = 0.95 * self.ad_walk + rng.normal(0.0, 0.05)
        level = f.uv[t] * f.weekday[t] * f.trend[t]
        promo = 1.0 + 3.0 * (f.disc[t] >= 1) + 4.0 * (f.disc[t] >= 2)
        w = self.ad_w * np.where(self.ad_plan_idx == PROMO_PLAN, promo, 1.0)
        w = w * rng.lognormal(0.0, 0.15, len(w))
        total = self.spend0 * level**1.3 * np.exp(self.ad_walk) * w.sum() / self.ad_w.sum()
        spend = total * w / w.sum()
        lam = self.click_k * self.ad_quality * spend**_SPEND_ELASTICITY
        clicks = rng.poisson(lam).astype(np.int64)
        return spend, clicks

    # ------------------------------------------------------------------ the day
    def day(self, t: int) -> Day:
        f, m, rng, cat = self.f, self.m, self.rng, self.cat
        nc = self.nc
        # traffic
        self.ar_uv = 0.9 * self.ar_uv + rng.normal(0.0, 0.04, nc)
        self.ar_cvr = 0.9 * self.ar_cvr + rng.normal(0.0, 0.03, nc)
        common = rng.lognormal(0.0, 0.03)
        level = f.uv[t] * f.weekday[t] * f.trend[t] * common
        uv_c = self.u0 * self.share * level * np.exp(self.ar_uv)
        uv = rng.poisson(uv_c[:, None] * self.dev_share).astype(np.int64)  # (C, 2)
        spend, clicks = self._ads(t)
        pc_ = m.paid_channel
        paid_uv = int(rng.binomial(int(clicks.sum()), _UNIQUE_CLICKERS))
        uv[pc_, MOBILE] = rng.binomial(paid_uv, self.dev_share[pc_, MOBILE])
        uv[pc_, PC] = paid_uv - uv[pc_, MOBILE]
        cvr_c = f.cvr[t] * np.exp(self.ar_cvr + rng.normal(0.0, 0.03, nc)) * self.anom[t]
        cvr = np.minimum(self.cvr_cv * cvr_c[:, None], 0.6)
        buyers_cv = rng.binomial(uv, cvr).astype(np.int64).ravel()  # (C*2,)
        # buyers -> customers -> orders
        nb = int(buyers_cv.sum())
        buyer_cv = np.repeat(np.arange(nc * 2, dtype=np.int64), buyers_cv)
        growth = min(1.0, t / m.growth_days)
        p_ret = (m.ret_lo + (m.ret_hi - m.ret_lo) * growth) * (1.0 - np.exp(-t / 45.0))
        buyer_ids = self._customers(nb, p_ret, t)
        n_ord = 1 + (rng.random(nb) < _ORDERS_PER_BUYER_EXTRA).astype(np.int64)
        p_cv = np.repeat(buyer_cv, n_ord)
        p_cust = np.repeat(buyer_ids, n_ord)
        npaid = len(p_cv)
        nu = int(rng.binomial(npaid, m.unpaid / (1.0 - m.unpaid))) if npaid else 0
        u_cv = p_cv[rng.integers(0, npaid, nu)] if npaid else np.zeros(0, dtype=np.int64)
        u_cust = self._customers(nu, 0.4, t)
        cv = np.concatenate([p_cv, u_cv])
        cust = np.concatenate([p_cust, u_cust])
        paid = np.concatenate([np.ones(npaid, np.bool_), np.zeros(nu, np.bool_)])
        n = len(cv)
        hours = np.searchsorted(self.hour_cdfs[int(f.hours[t])], rng.random(n), side="right")
        created = np.minimum(hours, 23) * 3600 + rng.integers(0, 3600, n)
        order = np.argsort(created, kind="stable")
        cv, cust, paid, created = cv[order], cust[order], paid[order], created[order]
        channel, device = cv // 2, cv % 2
        fast = rng.random(n) < 0.9
        delay = np.where(fast, 3 + rng.lognormal(np.log(35.0), 0.8, n), 300 + rng.exponential(1800.0, n)).astype(
            np.int64
        )
        pay_sec = np.minimum(created + delay, 86399)
        # lines
        lines_p = np.array([m.lines_mobile, m.lines_pc])
        u = rng.random(n)
        n_lines = 1 + (u[:, None] > np.cumsum(lines_p[device], axis=1)[:, :-1]).sum(axis=1)
        n_lines = n_lines.astype(np.int64)
        line_order = np.repeat(np.arange(n, dtype=np.int64), n_lines)
        line_sku = self._skus(t, n_lines, device, line_order)
        nl = len(line_order)
        qty = 1 + (rng.random(nl)[:, None] > np.cumsum(_QTY_P)[:-1]).sum(axis=1).astype(np.int64)
        line_list = cat.price[line_sku]
        lvl = int(f.disc[t])
        p_disc, lo, hi = m.disc[lvl]
        has_disc = rng.random(n) < p_disc
        rate_bp = np.where(has_disc, rng.integers(lo // 50, hi // 50 + 1, n) * 50, 0)
        line_paid = (line_list * (10000 - rate_bp[line_order]) + 5000) // 10000
        line_paid = np.maximum(line_paid, 1)
        goods = np.bincount(line_order, weights=line_paid * qty, minlength=n)
        goods = np.rint(goods).astype(np.int64)
        list_total = np.rint(np.bincount(line_order, weights=line_list * qty, minlength=n))
        units = np.rint(np.bincount(line_order, weights=qty, minlength=n)).astype(np.int64)
        place = self.place_of(cust)
        rand = rng.random(n)
        postage, tax = self._postage_tax(goods, place, rand)
        total = goods + postage + tax
        # refunds
        extra = np.zeros(n)
        np.maximum.at(extra, line_order, cat.refund_extra[line_sku])
        p_ref = m.refund_base + extra + f.refund[t]
        refunded = paid & (rng.random(n) < p_ref)
        full = refunded & (rng.random(n) < _FULL_REFUND)
        partial = refunded & ~full
        last_line = np.cumsum(n_lines) - 1
        last_val = line_paid[last_line] * qty[last_line]
        share_val = (goods * rng.uniform(0.2, 0.5, n)) // 100 * 100
        part_amt = np.where(n_lines > 1, last_val, share_val)
        part_amt = np.clip(part_amt, 1, np.maximum(total - 1, 1))
        refund = np.where(full, total, np.where(partial, part_amt, 0)).astype(np.int64)
        # timeline
        ship = rng.choice(4, n, p=[0.35, 0.45, 0.15, 0.05]).astype(np.int64)
        confirm = ship + rng.integers(3, 11, n)
        confirm_sec = rng.integers(8 * 3600, 86400, n).astype(np.int64)
        # pool
        pay_ids = cust[paid]
        self.pool.record_paid(pay_ids, t, pay_sec[paid], total[paid])
        # traffic aggregates
        ncv = nc * 2
        key = cv[paid] * (1 << 40) + pay_ids
        distinct = np.unique(key) >> 40
        buyers_d = np.bincount(distinct, minlength=ncv).astype(np.int64)
        pay_amt = np.rint(np.bincount(cv[paid], weights=total[paid], minlength=ncv)).astype(np.int64)
        uv_f = uv.ravel()
        ppv = np.tile(np.array(m.ppv), nc)
        pv = uv_f + rng.poisson(uv_f * (ppv - 1.0)).astype(np.int64)
        # intent (add-to-cart) follows the channel's base conversion, not the checkout anomaly
        cart_rate = np.minimum(2.4 * self.cvr_cv.ravel() * f.cart[t] * rng.lognormal(0.0, 0.05, ncv), 0.6)
        cart = np.maximum(rng.binomial(uv_f, cart_rate).astype(np.int64), buyers_d)
        fav = rng.binomial(uv_f, np.minimum(0.4 * cart_rate, 0.5)).astype(np.int64)
        cap = int(buyers_d[2 * pc_] + buyers_d[2 * pc_ + 1])
        ads = self._attribute(spend, clicks, paid & (channel == pc_), total, cap)
        day = Day(
            t=t,
            seq0=self.seq,
            created_sec=created,
            paid=paid,
            pay_sec=pay_sec,
            channel=channel,
            device=device,
            cust=cust,
            place=place,
            n_lines=n_lines,
            units=units,
            list_total=list_total.astype(np.int64),
            goods=goods,
            postage=postage,
            tax=tax,
            total=total,
            refund=refund,
            refund_full=full,
            ship_day=t + ship,
            confirm_day=t + confirm,
            confirm_sec=confirm_sec,
            rand=rand,
            disc_level=lvl,
            line_order=line_order,
            line_sku=line_sku,
            line_qty=qty,
            line_list=line_list,
            line_paid=line_paid,
            uv=uv_f,
            pv=pv,
            cart=cart,
            fav=fav,
            buyers=buyers_d,
            pay_amount=pay_amt,
            ads=ads,
        )
        self.seq += n
        return day

    def _customers(self, k: int, p_ret: float, t: int) -> I64:
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        rng = self.rng
        is_ret = rng.random(k) < p_ret
        ret = self.pool.returning(rng, int(is_ret.sum()), t)
        ids = np.empty(k, dtype=np.int64)
        pos = np.flatnonzero(is_ret)[: len(ret)]
        ids[pos] = ret
        rest = np.ones(k, dtype=np.bool_)
        rest[pos] = False
        ids[rest] = self.pool.new(int(rest.sum()))
        return ids

    def _skus(self, t: int, n_lines: I64, device: I64, line_order: I64) -> I64:
        """Distinct SKUs per order, by popularity (device- and festival-dependent)."""
        cat, rng, f = self.cat, self.rng, self.f
        boost = cat.gift_boost if f.gift[t] else 1.0
        out = np.empty(len(line_order), dtype=np.int64)
        starts = np.cumsum(n_lines) - n_lines
        for dev, base in ((MOBILE, cat.weight_mobile), (PC, cat.weight_pc)):
            w = base * boost
            p = w / w.sum()
            single = np.flatnonzero((device == dev) & (n_lines == 1))
            out[starts[single]] = rng.choice(cat.n, len(single), p=p)
            multi = np.flatnonzero((device == dev) & (n_lines > 1))
            if len(multi):
                keys = np.log(p)[None, :] + rng.gumbel(size=(len(multi), cat.n))
                top = np.argsort(-keys, axis=1)[:, :4]
                k = n_lines[multi]
                rows = np.repeat(np.arange(len(multi)), k)
                cols = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
                out[np.repeat(starts[multi], k) + cols] = top[rows, cols]
        return out

    def _postage_tax(self, goods: I64, place: I64, rand: F64) -> tuple[I64, I64]:
        if self.platform == "tmall":
            postage = np.where(goods < 5900, self.geo.postage[place], 0)
            return postage.astype(np.int64), np.zeros(len(goods), dtype=np.int64)
        if self.platform == "jd":
            postage = np.where(goods < 9900, 600, 0)
            return postage.astype(np.int64), np.zeros(len(goods), dtype=np.int64)
        express = rand < 0.1
        postage = np.where(express, 1299, np.where(goods < 5000, 599, 0))
        tax = (goods * self.geo.tax_bp[place] + 5000) // 10000
        return postage.astype(np.int64), tax.astype(np.int64)

    def _attribute(self, spend: F64, clicks: I64, in_channel: B, total: I64, cap: int) -> AdRows:
        """Ad rows of the day; conversions are real paid orders of the paid channel.

        At most ``cap`` (the channel's distinct paying buyers) are attributed, so the report
        never claims more than the channel's paid orders.
        """
        rng = self.rng
        r = len(spend)
        cost = np.where(clicks > 0, np.rint(spend), 0).astype(np.int64)
        impressions = np.rint(clicks / self.ad_ctr * rng.lognormal(0.0, 0.1, r)).astype(np.int64)
        impressions = np.maximum(impressions, clicks)
        idx = np.flatnonzero(in_channel)
        a = min(int(rng.binomial(len(idx), 0.85)), cap) if len(idx) else 0
        conv = np.zeros(r, dtype=np.int64)
        value = np.zeros(r, dtype=np.int64)
        if a and clicks.sum() > 0:
            pick = rng.choice(idx, a, replace=False)
            w = clicks * self.ad_conv_q
            row = rng.choice(r, a, p=w / w.sum())
            conv = np.bincount(row, minlength=r).astype(np.int64)
            value = np.rint(np.bincount(row, weights=total[pick], minlength=r)).astype(np.int64)
        return AdRows(impressions, clicks, cost, conv, value)
