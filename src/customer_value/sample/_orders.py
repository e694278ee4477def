"""Buy-till-you-die order simulation, vectorised over customers and orders.

Each buyer places a first order, then repeat orders as a Poisson process with its own rate λ,
modulated by the shopping calendar (weekends, 618, 双11, Spring Festival), until an exponential
dropout time ("death") or the end of the window. Order values are lognormal per customer and
independent of λ (the Gamma-Gamma assumption). Nothing here loops over orders in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.sample._calendar import SECONDS_PER_DAY, DayCurve, with_time_of_day

# (category, margin rate, popularity with consumers, popularity with companies)
CATEGORIES = [
    ("数码电子", 0.15, 12, 16), ("家用电器", 0.18, 9, 8), ("服装鞋包", 0.45, 14, 3),
    ("美妆个护", 0.55, 12, 2), ("食品饮料", 0.30, 11, 9), ("母婴用品", 0.35, 7, 1),
    ("家居日用", 0.40, 10, 10), ("运动户外", 0.40, 7, 3), ("图书文具", 0.25, 5, 9),
    ("办公设备", 0.22, 3, 24), ("健康保健", 0.50, 6, 6), ("宠物用品", 0.38, 4, 1),
]  # fmt: skip
# (channel, share with consumers, share with companies)
ORDER_CHANNELS = [
    ("天猫", 30, 10), ("京东", 25, 20), ("微信小程序", 15, 3), ("抖音小店", 12, 2),
    ("官网", 8, 25), ("线下门店", 10, 5), ("企业采购", 0, 35),
]  # fmt: skip
CANCEL_SHARE = 0.03
REFUND_SHARE = 0.02


def _weights(column: int, table: list[tuple]) -> np.ndarray:
    w = np.array([row[column] for row in table], dtype=float)
    return w / w.sum()


def order_times(
    rng: np.random.Generator,
    curve: DayCurve,
    first_at: np.ndarray,
    until: np.ndarray,
    rate: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Repeat-order times of every customer (``rate`` per average day while alive).

    Returns the customer position of each order and its time (``datetime64[s]``), in customer
    order; times fall in ``(first_at, until)``.
    """
    exposure = np.maximum(curve.mass(until) - curve.mass(first_at), 0.0)
    counts = rng.poisson(rate * exposure)
    who = np.repeat(np.arange(len(rate)), counts)
    low, high = first_at[who], until[who]
    at = curve.draw(rng, low, high)
    at = with_time_of_day(rng, at, "orders", low=low + np.timedelta64(1, "s"), high=high)
    # on 双11 a third of the day's orders land in the first hour after midnight
    day = at.astype("datetime64[D]")
    eleven = (day.astype("datetime64[M]").astype(np.int64) % 12 == 10) & (
        (day - day.astype("datetime64[M]")).astype(np.int64) == 10
    )
    rush = eleven & (rng.random(len(at)) < 0.33)
    rushed = day.astype("datetime64[s]") + rng.integers(0, 3600, len(at)).astype("timedelta64[s]")
    at = np.where(rush & (rushed > low) & (rushed < high), rushed, at)
    return who, at


def favourite_categories(rng: np.random.Generator, is_company: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Three distinct favourite categories per customer and the probability of each.

    Returns an ``(n, 3)`` array of category indexes and an ``(n, 3)`` array of probabilities
    (rows sum to 0.9; the remaining 10% go to any category by popularity).
    """
    n = len(is_company)
    consumer, company = np.log(_weights(2, CATEGORIES)), np.log(_weights(3, CATEGORIES))
    keys = np.where(is_company[:, None], company, consumer) + rng.gumbel(size=(n, len(CATEGORIES)))
    top = np.argsort(-keys, axis=1)[:, :3]
    p1 = rng.uniform(0.45, 0.85, n)
    p2 = (1 - p1) * rng.uniform(0.4, 0.8, n)
    probs = np.column_stack([p1, p2, 1 - p1 - p2]) * 0.9
    return top, probs


def pick_categories(
    rng: np.random.Generator, who: np.ndarray, top: np.ndarray, probs: np.ndarray, is_company: np.ndarray
) -> np.ndarray:
    """A category index per order from its customer's favourites."""
    u = rng.random(len(who))
    cum = np.cumsum(probs[who], axis=1)
    slot = (u[:, None] >= cum).sum(axis=1)
    own = top[who, np.minimum(slot, 2)]
    consumer = rng.choice(len(CATEGORIES), len(who), p=_weights(2, CATEGORIES))
    company = rng.choice(len(CATEGORIES), len(who), p=_weights(3, CATEGORIES))
    other = np.where(is_company[who], company, consumer)
    return np.where(slot < 3, own, other)


def pick_channels(rng: np.random.Generator, who: np.ndarray, is_company: np.ndarray) -> np.ndarray:
    """A sales-channel index per order: the customer's usual channel 75% of the time."""
    n = len(is_company)
    consumer = rng.choice(len(ORDER_CHANNELS), n, p=_weights(1, ORDER_CHANNELS))
    company = rng.choice(len(ORDER_CHANNELS), n, p=_weights(2, ORDER_CHANNELS))
    usual = np.where(is_company, company, consumer)
    consumer_o = rng.choice(len(ORDER_CHANNELS), len(who), p=_weights(1, ORDER_CHANNELS))
    company_o = rng.choice(len(ORDER_CHANNELS), len(who), p=_weights(2, ORDER_CHANNELS))
    other = np.where(is_company[who], company_o, consumer_o)
    return np.where(rng.random(len(who)) < 0.75, usual[who], other)


def order_amounts(rng: np.random.Generator, who: np.ndarray, log_mean: np.ndarray, log_sd: np.ndarray) -> np.ndarray:
    """Lognormal order values in ¥, rounded to fen, at least ¥9.90."""
    amount = np.exp(log_mean[who] + log_sd[who] * rng.standard_normal(len(who)))
    return np.maximum(np.round(amount, 2), 9.9)


def _arrow(values) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values)


def make_ids(prefix: str, at: np.ndarray) -> pa.Array:
    """Ids ``<prefix><yyyymmdd><5-digit sequence in the day>`` for times sorted ascending.

    The sequence widens beyond 5 digits only if a day holds 100,000 orders or more.
    """
    day = at.astype("datetime64[D]")
    days = day.astype(np.int64)
    start = np.r_[0, np.flatnonzero(np.diff(days)) + 1]
    seq = np.arange(len(days)) - np.repeat(start, np.diff(np.r_[start, len(days)])) + 1
    month = day.astype("datetime64[M]")
    ymd = (
        (month.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
        + (month.astype(np.int64) % 12 + 1) * 100
        + (day - month).astype(np.int64)
        + 1
    )
    width = max(5, len(str(int(seq.max(initial=0)))))
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(ymd * 10**width + seq), pa.string()), "")


def labels(names: list[str] | tuple[str, ...], codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """A string column from integer ``codes`` into ``names`` (built in Arrow, no Python objects)."""
    return pd.array(pa.array(list(names), pa.string()).take(pa.array(np.asarray(codes))), dtype="str")


def build_orders(
    rng: np.random.Generator,
    customer_id: np.ndarray,
    who: np.ndarray,
    at: np.ndarray,
    amount: np.ndarray,
    category: np.ndarray,
    channel: np.ndarray,
    *,
    end_at: np.datetime64,
    detailed: bool = True,
    id_offset: int | None = None,
) -> pd.DataFrame:
    """Assemble the orders table: cancellations, refund reversals, ids, sorted by time.

    ``customer_id`` holds the id of each customer position in ``who``. ``end_at`` is the
    exclusive end of the window; refunds that would fall after it are dropped. ``detailed``
    adds cost, quantity and refund_of. Order ids are ``SO``/``RF`` + day + sequence in the day,
    or, given ``id_offset``, ``O`` + a 10-digit running number starting after it.
    """
    n = len(who)
    status = np.where(rng.random(n) < CANCEL_SHARE, 1, 0)  # 0 completed, 1 cancelled, 2 refund
    refunded = np.flatnonzero((status == 0) & (rng.random(n) < REFUND_SHARE / (1 - CANCEL_SHARE)))
    delay = rng.integers(SECONDS_PER_DAY, 30 * SECONDS_PER_DAY, len(refunded)).astype("timedelta64[s]")
    refund_at = at[refunded] + delay
    keep = refund_at < end_at
    refunded, refund_at = refunded[keep], refund_at[keep]
    share = np.where(rng.random(len(refunded)) < 0.25, rng.uniform(0.3, 0.7, len(refunded)), 1.0)
    margin = np.array([c[1] for c in CATEGORIES])[category] * rng.uniform(0.8, 1.2, n)
    cost = np.round(amount * (1 - margin), 2)

    all_who = np.r_[who, who[refunded]]
    all_at = np.r_[at, refund_at]
    all_amount = np.r_[amount, -np.round(amount[refunded] * share, 2)]
    all_cost = np.r_[cost, -np.round(cost[refunded] * share, 2)]
    all_status = np.r_[status, np.full(len(refunded), 2)]
    source = np.r_[np.full(n, -1), refunded]
    # by time, then sales before their refunds; stable, so ties keep customer order
    order = np.argsort(all_at.astype(np.int64) * 4 + all_status, kind="stable")
    is_refund = all_status[order] == 2
    if id_offset is None:
        sales, refunds = np.flatnonzero(~is_refund), np.flatnonzero(is_refund)
        both = pa.concat_arrays([make_ids("SO", all_at[order][sales]), make_ids("RF", all_at[order][refunds])])
        ids = both.take(np.argsort(np.r_[sales, refunds], kind="stable"))
    else:
        numbers = pa.array(np.arange(id_offset + 1, id_offset + len(order) + 1))
        ids = pc.binary_join_element_wise("O", pc.utf8_lpad(pc.cast(numbers, pa.string()), 10, "0"), "")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    src = source[order]
    refund_of = ids.take(pa.array(np.where(is_refund, position[src], 0), mask=~is_refund))

    frame = {
        "order_id": pd.array(ids, dtype="str"),
        "customer_id": pd.array(_arrow(customer_id).take(all_who[order]), dtype="str"),
        "ordered_at": all_at[order],
        "amount": all_amount[order],
    }
    if detailed:
        quantity = rng.geometric(0.55, n)
        frame["cost"] = all_cost[order]
        frame["quantity"] = np.r_[quantity, -quantity[refunded]][order]
    frame["category"] = pd.Categorical.from_codes(
        np.r_[category, category[refunded]][order], [c[0] for c in CATEGORIES]
    )
    frame["channel"] = pd.Categorical.from_codes(
        np.r_[channel, channel[refunded]][order], [c[0] for c in ORDER_CHANNELS]
    )
    frame["status"] = pd.Categorical.from_codes(all_status[order], ["completed", "cancelled", "refund"])
    if detailed:
        frame["refund_of"] = pd.array(refund_of, dtype="str")
    return pd.DataFrame(frame)
