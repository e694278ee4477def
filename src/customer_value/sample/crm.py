"""A seeded synthetic CRM: clean ground-truth tables plus the latent truth behind them.

``generate_crm`` draws customers, their latent purchase/dropout/spend behaviour, and every
canonical table of the design (§3) from it, vectorised with NumPy. The result is *clean*: the
dirt real exports carry is added by :func:`customer_value.sample.write_messy_exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd

from customer_value.config import TABLES
from customer_value.errors import ConfigError
from customer_value.sample import _engagement, _orders, _people, _sales
from customer_value.sample._behaviour import draw_behaviour, label_segments
from customer_value.sample._calendar import DayCurve, day_range, shopping_weights, to_seconds


@dataclass(frozen=True, eq=False)
class CRMData:
    """Clean synthetic CRM tables and the truth they were drawn from.

    Attributes
    ----------
    customers, orders, interactions, tickets, surveys, referrals, opportunities, marketing_spend
        One DataFrame per canonical table (DESIGN.md §3), clean: valid E.164 phones, no
        duplicates, English canonical values (order status ``completed``/``cancelled``/
        ``refund``; opportunity stages ``lead`` … ``won``/``lost``).
    truth
        One row per customer: purchase_rate and dropout_rate (per day), spend_log_mean,
        spend_log_sd, mean_amount (¥), satisfaction (z-score), ordered, first_order_at,
        death_at (end of the latent lifetime, may lie after ``end``), lifetime_days, churned
        (died before the end of ``end``), true_segment, value_type.
    duplicates
        The second records the exports add for ~3% of customers: source_id (the duplicate's
        id) → true_id, match_on (phone/email/both), name_variant, and the record as entered.
    seed, start, end
        What it was generated with; the observation window is ``start`` … ``end`` inclusive.
    """

    customers: pd.DataFrame
    orders: pd.DataFrame
    interactions: pd.DataFrame
    tickets: pd.DataFrame
    surveys: pd.DataFrame
    referrals: pd.DataFrame
    opportunities: pd.DataFrame
    marketing_spend: pd.DataFrame
    truth: pd.DataFrame
    duplicates: pd.DataFrame
    seed: int
    start: date
    end: date

    def tables(self) -> dict[str, pd.DataFrame]:
        """The canonical tables by name, in the order of the design."""
        return {name: getattr(self, name) for name in TABLES}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{f.name}={len(getattr(self, f.name))}" for f in fields(self)[:10])
        return f"CRMData({sizes}, seed={self.seed}, start={self.start}, end={self.end})"


def _microseconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Store times as ``datetime64[us]``, the unit pandas gives parsed dates (values stay whole seconds)."""
    for column in frame.columns:
        if frame[column].dtype.kind == "M":
            frame[column] = frame[column].astype("datetime64[us]")
    return frame


def _streams(seed: int, n: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 0xC7A]).spawn(n)]


def _strategic_flags(rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Add key_account (~5%, big latent value) and reference_account (~3%, happy companies)."""
    n = len(customers)
    company = (customers["customer_type"] == "企业").to_numpy()
    ordered = truth["ordered"].to_numpy()
    value = np.log(truth["purchase_rate"].to_numpy() * truth["mean_amount"].to_numpy() + 1e-9)
    score = np.where(company & ordered, value + 0.5 * rng.standard_normal(n), -np.inf)
    key = np.zeros(n, dtype=bool)
    key[np.argsort(-score, kind="stable")[: int(round(0.05 * n))]] = True
    key &= np.isfinite(score)
    happy = truth["satisfaction"].to_numpy() + 0.7 * key + 0.5 * rng.standard_normal(n)
    happy = np.where(company & ordered, happy, -np.inf)
    reference = np.zeros(n, dtype=bool)
    reference[np.argsort(-happy, kind="stable")[: int(round(0.03 * n))]] = True
    reference &= np.isfinite(happy)
    out = customers.copy()
    out["key_account"] = key
    out["reference_account"] = reference
    return out


def generate_crm(
    n_customers: int = 2000,
    *,
    seed: int = 0,
    start: date = date(2023, 1, 1),
    end: date = date(2025, 6, 30),
) -> CRMData:
    """Generate a synthetic CRM of ``n_customers`` customers active between ``start`` and ``end``.

    Orders follow a buy-till-you-die mechanism (gamma-heterogeneous Poisson purchase rates,
    exponential lifetimes, seasonal calendar with 618 and 双11, weekend effect); order values
    are lognormal per customer, independent of frequency. 2,000 customers give about 20,000
    orders; the same ``seed`` always gives the same data.

    Parameters
    ----------
    n_customers
        Number of (distinct, true) customers.
    seed
        Seed of every random draw.
    start, end
        First and last day of the observation window (inclusive).

    Returns
    -------
    CRMData
        The clean tables, the latent truth and the duplicate records for the exports.

    Raises
    ------
    ConfigError
        If ``n_customers`` < 1 or the window is shorter than 60 days.
    """
    if int(n_customers) < 1:
        raise ConfigError(where="n_customers", detail=f"must be at least 1, got {n_customers}")
    if (end - start).days < 60:
        raise ConfigError(where="end", detail=f"the window {start} … {end} is shorter than 60 days")
    n = int(n_customers)
    rng = _streams(seed, 9)
    end_at = to_seconds(end) + np.timedelta64(1, "D")

    customers = _people.generate_people(rng[0], n, start, end)
    truth = draw_behaviour(rng[1], customers, end)
    customers = _strategic_flags(rng[2], customers, truth)
    orders = _simulate_orders(rng[3], customers, truth, start, end)
    interactions = _engagement.make_interactions(rng[4], customers, truth, end_at)
    tickets = _engagement.make_tickets(rng[5], customers, truth, orders, end_at)
    surveys = _engagement.make_surveys(rng[5], customers, truth, end_at)
    referrals = _sales.make_referrals(rng[6], customers, truth)
    opportunities = _sales.make_opportunities(rng[7], customers, start, end_at)
    marketing_spend = _sales.make_marketing_spend(rng[7], customers, start, end)
    duplicates = _people.make_duplicates(rng[8], customers, end)
    return CRMData(
        customers=_microseconds(customers),
        orders=_microseconds(orders),
        interactions=_microseconds(interactions),
        tickets=_microseconds(tickets),
        surveys=_microseconds(surveys),
        referrals=_microseconds(referrals),
        opportunities=_microseconds(opportunities),
        marketing_spend=_microseconds(marketing_spend),
        truth=_microseconds(label_segments(truth, end)),
        duplicates=_microseconds(duplicates),
        seed=seed,
        start=start,
        end=end,
    )


def _simulate_orders(
    rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    end_at = to_seconds(end) + np.timedelta64(1, "D")
    days = day_range(start, end)
    curve = DayCurve(days, shopping_weights(days))
    buyers = np.flatnonzero(truth["ordered"].to_numpy())
    first = truth["first_order_at"].to_numpy().astype("datetime64[s]")[buyers]
    until = np.minimum(truth["death_at"].to_numpy().astype("datetime64[s]")[buyers], end_at)
    who, at = _orders.order_times(rng, curve, first, until, truth["purchase_rate"].to_numpy()[buyers])
    who = buyers[np.r_[np.arange(len(buyers)), who]]
    at = np.r_[first, at]
    is_company = (customers["customer_type"] == "企业").to_numpy()
    top, probs = _orders.favourite_categories(rng, is_company)
    category = _orders.pick_categories(rng, who, top, probs, is_company)
    channel = _orders.pick_channels(rng, who, is_company)
    amount = _orders.order_amounts(rng, who, truth["spend_log_mean"].to_numpy(), truth["spend_log_sd"].to_numpy())
    orders = _orders.build_orders(
        rng, customers["customer_id"].to_numpy(), who, at, amount, category, channel, end_at=end_at
    )
    for column in ("category", "channel", "status"):
        codes = orders[column].cat.codes.to_numpy()
        orders[column] = _orders.labels(list(orders[column].cat.categories), codes)
    return orders
