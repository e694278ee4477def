"""A seeded synthetic history with a known churn mechanism, and checks that it has one.

Each customer joins on a random day and buys at a personal Poisson rate (a mean cycle of about
a month) until a latent death day. In the ``DECLINE_DAYS`` before death the purchase rate
decays towards ``FADE`` of its usual value, interactions (visits, EDM opens) dry up, support
tickets turn negative and survey scores fall; after death nothing happens. So a fading trend and
silence on the other channels announce churn before recency does — what the model should learn
and what BG/NBD (memoryless purchases, dropout only right after a purchase) and recency alone
can't see.

Other test modules import :func:`make_churn_data` from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

DECLINE_DAYS = 120
FADE = 0.1
CATEGORIES = ("home", "garden", "kitchen", "toys", "books")
CHANNELS = ("web", "app", "store")


@dataclass(frozen=True)
class ChurnData:
    """Orders, interactions, tickets and surveys of one synthetic history, and its truth."""

    orders: pd.DataFrame
    interactions: pd.DataFrame
    tickets: pd.DataFrame
    surveys: pd.DataFrame
    truth: pd.DataFrame
    as_of: dt.date


def _at(origin: pd.Timestamp, day: float) -> pd.Timestamp:
    """``origin`` plus ``day`` days, to the whole minute."""
    return origin + pd.Timedelta(minutes=round(day * 1440))


def make_churn_data(
    n_customers: int = 3000, *, seed: int = 0, start: str = "2022-01-01", days: int = 730,
    mean_life_days: float = 420.0,
) -> ChurnData:
    """The synthetic history (see the module docstring); ``as_of`` is its last day."""
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp(start)
    orders, interactions, tickets, surveys, truth = [], [], [], [], []
    n_order = 0
    for c in range(n_customers):
        cid = f"S{c:05d}"
        join = float(rng.uniform(0, days - 30))
        cycle = float(rng.gamma(2.0, 15.0)) + 3.0  # mean days between purchases while healthy
        death = join + float(rng.exponential(mean_life_days))
        favourite = rng.integers(len(CATEGORIES))
        channel = rng.integers(len(CHANNELS))
        mean_amount = float(rng.lognormal(3.8, 0.5))

        def health(t: float) -> float:
            """1 while healthy, fading linearly to FADE over the decline, 0 after death."""
            if t >= death:
                return 0.0
            left = death - t
            return 1.0 if left >= DECLINE_DAYS else FADE + (1 - FADE) * left / DECLINE_DAYS

        # purchases: thinning of a Poisson process at the healthy rate
        t = join
        while t < min(days, death):
            if t == join or rng.random() < health(t):
                status = "cancelled" if rng.random() < 0.03 else "completed"
                at = _at(origin, t)
                amount = round(mean_amount * float(rng.lognormal(0, 0.4)), 2)
                category = CATEGORIES[favourite if rng.random() < 0.7 else rng.integers(len(CATEGORIES))]
                oid = f"O{n_order:07d}"
                n_order += 1
                orders.append((cid, oid, at, amount, status, category, CHANNELS[channel]))
                if status == "completed" and rng.random() < 0.04:
                    orders.append((cid, "C" + oid, at + pd.Timedelta(days=3), -amount, "refund", category,
                                   CHANNELS[channel]))
            t += float(rng.exponential(cycle))
        # interactions: about three per purchase cycle while healthy, drying up in decline
        t = join
        while t < min(days, death):
            h = health(t)
            if rng.random() < h**2:
                interactions.append((cid, _at(origin, t), "visit" if rng.random() < 0.6 else "edm_open"))
            t += float(rng.exponential(cycle / 3))
        # tickets and surveys: rare; negative and low in decline
        t = join + float(rng.exponential(150))
        while t < min(days, death):
            h = health(t)
            satisfaction = int(np.clip(round(rng.normal(4.2 if h == 1 else 1.8, 0.8)), 1, 5))
            tickets.append((cid, _at(origin, t), satisfaction))
            t += float(rng.exponential(150 if h == 1 else 40))
        t = join + float(rng.exponential(200))
        while t < min(days, death):
            h = health(t)
            nps = int(np.clip(round(rng.normal(8.0 if h == 1 else 4.0, 1.5)), 0, 10))
            surveys.append((cid, _at(origin, t), nps))
            t += float(rng.exponential(200))
        truth.append((cid, _at(origin, join), _at(origin, death), cycle))
    return ChurnData(
        orders=pd.DataFrame(orders, columns=["customer_id", "order_id", "ordered_at", "amount", "status", "category",
                                             "channel"]),
        interactions=pd.DataFrame(interactions, columns=["customer_id", "occurred_at", "kind"]),
        tickets=pd.DataFrame(tickets, columns=["customer_id", "opened_at", "satisfaction"]),
        surveys=pd.DataFrame(surveys, columns=["customer_id", "answered_at", "nps"]),
        truth=pd.DataFrame(truth, columns=["customer_id", "joined_at", "death_at", "cycle_days"]),
        as_of=(origin + pd.Timedelta(days=days - 1)).date(),
    )


def test_the_generator_is_seeded():
    a, b = make_churn_data(50, seed=3), make_churn_data(50, seed=3)
    pd.testing.assert_frame_equal(a.orders, b.orders)
    assert not a.orders.equals(make_churn_data(50, seed=4).orders)


def test_purchases_fade_before_death_and_stop_after():
    data = make_churn_data(400, seed=1)
    orders = data.orders.merge(data.truth, on="customer_id")
    assert (orders.ordered_at <= orders.death_at).all()
    # orders per customer-day in the decline are well below the healthy rate
    left = (orders.death_at - orders.ordered_at).dt.days
    dead = data.truth[data.truth.death_at < pd.Timestamp(data.as_of)]
    decline = orders[orders.customer_id.isin(dead.customer_id) & (left < DECLINE_DAYS)]
    healthy = orders[orders.customer_id.isin(dead.customer_id) & (left >= DECLINE_DAYS)]
    assert len(decline) < 0.6 * len(healthy)
