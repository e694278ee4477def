"""Referrals, sales opportunities and marketing spend.

Referrers are drawn with heavy-tailed (Pareto) propensities among earlier, buying, happier
customers, so a minority refers most others. Opportunities walk the stages 线索 → 需求确认 →
方案报价 → 谈判 → 赢单/输单 with lognormal times in stage; a stage that drags beyond 45 days
roughly halves the chance to move on. Paid channels spend in proportion to the customers they
bring, at a channel-specific acquisition cost.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from customer_value.sample import _names
from customer_value.sample._calendar import SECONDS_PER_DAY, to_seconds, with_time_of_day
from customer_value.sample._engagement import _seq_ids

STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
STAGE_LABELS = {
    "lead": "线索", "qualified": "需求确认", "proposal": "方案报价", "negotiation": "谈判",
    "won": "赢单", "lost": "输单",
}  # fmt: skip
STALL_DAYS = 45
_STAGE_MEDIAN_DAYS = (8.0, 12.0, 15.0, 10.0)
_ADVANCE = (0.65, 0.70, 0.65, 0.60)
_STALL_FACTOR = 0.45
_SIZE_DEALS = {"1-20人": (0.35, 0.5), "21-100人": (0.6, 1.0), "101-500人": (0.9, 2.5),
               "501-2000人": (1.3, 6.0), "2000人以上": (1.8, 15.0)}  # fmt: skip
_CPM = {"百度推广": 42.0, "抖音广告": 24.0, "微信广告": 35.0, "小红书": 30.0}
_CTR = {"百度推广": 0.021, "抖音广告": 0.012, "微信广告": 0.009, "小红书": 0.015}


def make_referrals(rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per customer acquired through 客户推荐: who referred them and when.

    Customers are sorted by sign-up; a referrer signed up at least 30 days before the referral.
    Columns: referrer_id, referred_id, referred_at.
    """
    n = len(customers)
    signup = customers["signup_at"].to_numpy().astype("datetime64[s]")
    propensity = (rng.pareto(1.1, n) + 1.0) ** 1.5 * np.exp(0.6 * truth["satisfaction"].to_numpy())
    propensity *= np.where(truth["ordered"].to_numpy(), 1.0, 0.02)
    cumulative = np.cumsum(propensity)
    referred = np.flatnonzero((customers["acquisition_channel"] == "客户推荐").to_numpy())
    lead = (rng.random(len(referred)) * 14 * SECONDS_PER_DAY).astype(np.int64).astype("timedelta64[s]")
    referred_at = signup[referred] - lead
    eligible = np.searchsorted(signup, referred_at - np.timedelta64(30, "D"), side="right")
    has = eligible > 0
    referred, referred_at, eligible = referred[has], referred_at[has], eligible[has]
    u = rng.random(len(referred)) * cumulative[eligible - 1]
    referrer = np.minimum(np.searchsorted(cumulative, u, side="right"), eligible - 1)
    ids = pa.array(customers["customer_id"].to_numpy())
    return pd.DataFrame(
        {
            "referrer_id": pd.array(ids.take(referrer), dtype="str"),
            "referred_id": pd.array(ids.take(referred), dtype="str"),
            "referred_at": referred_at,
        }
    )


def make_opportunities(
    rng: np.random.Generator, customers: pd.DataFrame, start: date, end_at: np.datetime64
) -> pd.DataFrame:
    """Sales opportunities of company customers, one row each, in their current stage.

    Columns: opportunity_id, customer_id, stage (lead/qualified/proposal/negotiation/won/lost),
    stage_entered_at, created_at, closed_at, amount (¥), status (open/won/lost), owner, and the
    time each stage was entered: qualified_at, proposal_at, negotiation_at (NaT if never).
    """
    company = np.flatnonzero((customers["customer_type"] == "企业").to_numpy())
    size = customers["size"].to_numpy()[company]
    deal = np.array([_SIZE_DEALS.get(s, (0.5, 0.8)) for s in size]).reshape(-1, 2)
    key = customers["key_account"].to_numpy()[company]
    counts = rng.poisson(deal[:, 0] * np.where(key, 2.5, 1.0))
    who = np.repeat(np.arange(len(company)), counts)
    signup = customers["signup_at"].to_numpy().astype("datetime64[s]")[company][who]
    low = np.maximum(signup - np.timedelta64(45, "D"), to_seconds(start))
    span = (end_at - np.timedelta64(1, "D") - low).astype(np.int64)
    created = low + (rng.random(len(who)) * np.maximum(span, 0)).astype(np.int64).astype("timedelta64[s]")
    created = with_time_of_day(rng, created, "office", high=end_at)
    m = len(who)

    nat = np.datetime64("NaT", "s")
    entered = np.full((m, 4), nat)
    entered[:, 0] = created
    stage = np.zeros(m, dtype=np.int64)
    status = np.zeros(m, dtype=np.int64)  # 0 open, 1 won, 2 lost
    closed = np.full(m, nat)
    current = created.copy()
    moving = np.ones(m, dtype=bool)
    for s in range(4):
        days = rng.lognormal(np.log(_STAGE_MEDIAN_DAYS[s]), 0.9, m)
        nxt = current + (days * SECONDS_PER_DAY).astype(np.int64).astype("timedelta64[s]")
        ends = moving & (nxt < end_at)
        advance = rng.random(m) < _ADVANCE[s] * np.where(days > STALL_DAYS, _STALL_FACTOR, 1.0)
        lost = ends & ~advance
        status[lost], closed[lost] = 2, nxt[lost]
        go = ends & advance
        if s < 3:
            entered[go, s + 1] = nxt[go]
            stage[go] = s + 1
        else:
            status[go], closed[go] = 1, nxt[go]
        current = np.where(go, nxt, current)
        moving = go
    stage_label = np.where(status == 1, 4, np.where(status == 2, 5, stage))
    stage_entered = np.where(status == 0, entered[np.arange(m), stage], closed)
    amount = np.round(rng.lognormal(np.log(30_000 * deal[who, 1]), 0.7), -2)
    owner = customers["owner"].to_numpy(dtype=object)[company][who]
    reps = np.array(_names.SALES_REPS, dtype=object)
    other = reps[rng.integers(0, len(reps), m)]
    owner = np.where(pd.isna(owner) | (rng.random(m) < 0.1), other, owner)
    order = np.lexsort((who, created))
    ids = pa.array(customers["customer_id"].to_numpy()).take(company[who][order])
    return pd.DataFrame(
        {
            "opportunity_id": _seq_ids("OP", m, 6),
            "customer_id": pd.array(ids, dtype="str"),
            "stage": pd.array(np.array(STAGES)[stage_label[order]], dtype="str"),
            "stage_entered_at": stage_entered[order],
            "created_at": created[order],
            "closed_at": closed[order],
            "amount": amount[order],
            "status": pd.array(np.array(["open", "won", "lost"])[status[order]], dtype="str"),
            "owner": pd.array(owner[order].astype(str), dtype="str"),
            "qualified_at": entered[order, 1],
            "proposal_at": entered[order, 2],
            "negotiation_at": entered[order, 3],
        }
    )


def make_marketing_spend(rng: np.random.Generator, customers: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Monthly spend per paid acquisition channel, with impressions and clicks for online ads.

    Spend ≈ customers acquired that month × the channel's cost per acquisition × noise, plus a
    small always-on budget; trade fairs (线下展会) spend only in fair months.
    Columns: channel, period_start, period_end, spend (¥), impressions, clicks (nullable Int64).
    """
    months = np.arange(np.datetime64(start, "M"), np.datetime64(end, "M") + 1)
    signup_month = customers["signup_at"].to_numpy().astype("datetime64[M]")
    rows = []
    scale = max(len(customers), 1) / 2000
    for channel, _, paid, cac in _names.ACQUISITION_CHANNELS:
        if not paid:
            continue
        mask = (customers["acquisition_channel"] == channel).to_numpy()
        acquired = np.array([(signup_month[mask] == m).sum() for m in months])
        noise = rng.lognormal(0.0, 0.15, len(months))
        always_on = 0.0 if channel == "线下展会" else 2.0 * cac * scale
        spend = np.round((acquired * cac + always_on) * noise, 2)
        if channel == "线下展会":
            spend = np.where(np.isin(months.astype(np.int64) % 12 + 1, _names.TRADE_FAIR_MONTHS), spend, 0.0)
        for i, month in enumerate(months):
            if spend[i] <= 0:
                continue
            impressions = clicks = None
            if channel in _CPM:
                impressions = int(spend[i] / _CPM[channel] * 1000 * rng.lognormal(0, 0.1))
                clicks = int(impressions * _CTR[channel] * rng.lognormal(0, 0.1))
            rows.append((channel, month, spend[i], impressions, clicks))
    frame = pd.DataFrame(rows, columns=["channel", "month", "spend", "impressions", "clicks"])
    period_start = frame["month"].to_numpy().astype("datetime64[M]")
    frame.insert(1, "period_start", period_start.astype("datetime64[D]").astype("datetime64[s]"))
    frame.insert(2, "period_end", ((period_start + 1).astype("datetime64[D]") - 1).astype("datetime64[s]"))
    frame["channel"] = frame["channel"].astype("str")
    frame["impressions"] = frame["impressions"].astype("Int64")
    frame["clicks"] = frame["clicks"].astype("Int64")
    return frame.drop(columns="month").sort_values(["period_start", "channel"], kind="stable").reset_index(drop=True)
