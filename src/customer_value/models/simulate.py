"""Seeded simulators that draw customers from each model, for tests and benchmarks.

Purchase times can be rounded to whole days, as real order dates are: purchases on the same day
count as one, and recency and T are whole numbers of days expressed in the model's unit. Then
many customers share a (frequency, recency, T) triple, as in real data.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from customer_value.errors import UserError

__all__ = [
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_mbgnbd",
    "simulate_pareto_nbd",
    "simulate_sbg",
]

_DAYS = {"weeks": 7.0, "days": 1.0}


def _ages(n_customers: int, T: object, round_to_days: bool, time_unit: str) -> tuple[np.ndarray, float]:
    if time_unit not in _DAYS:
        raise UserError("models.invalid_argument", name="time_unit", expected="'weeks' or 'days'", value=time_unit)
    ages = np.broadcast_to(np.asarray(T, dtype=np.float64), (n_customers,)).copy()
    if not np.all(np.isfinite(ages)) or np.any(ages < 0):
        raise UserError("models.invalid_argument", name="T", expected="finite ages >= 0", value="…")
    days = _DAYS[time_unit]
    if round_to_days:
        ages = np.round(ages * days) / days
    return ages, days


def _customers(
    n_customers: int, r: float, alpha: float, T: object, seed: int, round_to_days: bool, time_unit: str
) -> tuple[np.random.Generator, np.ndarray, float, np.ndarray]:
    """The random stream, ages, days per time unit and Gamma(r, α) purchase rates of the customers."""
    rng = np.random.default_rng(seed)
    ages, days = _ages(n_customers, T, round_to_days, time_unit)
    rate = rng.gamma(r, 1.0 / alpha, n_customers)
    return rng, ages, days, np.maximum(rate, 1e-300)


def _purchases(
    rng: np.random.Generator,
    rate: np.ndarray,
    limit: np.ndarray,
    ages: np.ndarray,
    drop: np.ndarray | None,
    days: float,
    round_to_days: bool,
) -> pd.DataFrame:
    """Run each customer's Poisson purchase process until ``limit`` (death or age).

    ``drop`` is the per-purchase dropout probability (BG-type models), or None.
    """
    n = len(rate)
    frequency = np.zeros(n, dtype=np.int64)
    recency = np.zeros(n)
    last_day = np.zeros(n)
    clock = np.zeros(n)
    active = np.flatnonzero(limit > 0)
    while active.size:
        clock[active] += rng.exponential(1.0, active.size) / rate[active]
        active = active[clock[active] < limit[active]]
        if not active.size:
            break
        if round_to_days:
            day = np.floor(clock[active] * days)
            new = day > last_day[active]
            counted = active[new]
            last_day[counted] = day[new]
            frequency[counted] += 1
            recency[counted] = day[new] / days
        else:
            frequency[active] += 1
            recency[active] = clock[active]
        if drop is not None:
            active = active[rng.random(active.size) >= drop[active]]
    return pd.DataFrame({"frequency": frequency, "recency": np.minimum(recency, ages), "T": ages})


def simulate_bgnbd(
    n_customers: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: object,
    seed: int = 0,
    round_to_days: bool = False,
    time_unit: Literal["weeks", "days"] = "weeks",
) -> pd.DataFrame:
    """Draw customers from BG/NBD: Poisson purchases, dropout after each repeat purchase.

    Parameters
    ----------
    n_customers
        Number of customers.
    r, alpha, a, b
        Model parameters (rates per ``time_unit``).
    T
        Age of each customer (scalar or one per customer), in ``time_unit``.
    seed
        Seed of the random generator.
    round_to_days
        Round purchase times and ages to whole days (same-day purchases count once).
    time_unit
        Unit of ``T`` and of the rates: ``"weeks"`` or ``"days"``.

    Returns
    -------
    A frame with ``frequency``, ``recency`` and ``T`` per customer.
    """
    rng, ages, days, rate = _customers(n_customers, r, alpha, T, seed, round_to_days, time_unit)
    drop = rng.beta(a, b, n_customers)
    return _purchases(rng, rate, ages, ages, drop, days, round_to_days)


def simulate_mbgnbd(
    n_customers: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: object,
    seed: int = 0,
    round_to_days: bool = False,
    time_unit: Literal["weeks", "days"] = "weeks",
) -> pd.DataFrame:
    """Draw customers from MBG/NBD: like BG/NBD, plus a dropout chance right after the first purchase.

    Parameters and result as :func:`simulate_bgnbd`.
    """
    rng, ages, days, rate = _customers(n_customers, r, alpha, T, seed, round_to_days, time_unit)
    drop = rng.beta(a, b, n_customers)
    limit = np.where(rng.random(n_customers) < drop, 0.0, ages)
    return _purchases(rng, rate, limit, ages, drop, days, round_to_days)


def simulate_pareto_nbd(
    n_customers: int,
    *,
    r: float,
    alpha: float,
    s: float,
    beta: float,
    T: object,
    seed: int = 0,
    round_to_days: bool = False,
    time_unit: Literal["weeks", "days"] = "weeks",
) -> pd.DataFrame:
    """Draw customers from Pareto/NBD: Poisson purchases until an exponential lifetime ends.

    Parameters and result as :func:`simulate_bgnbd`, with ``s, beta`` the dropout-rate
    heterogeneity.
    """
    rng, ages, days, rate = _customers(n_customers, r, alpha, T, seed, round_to_days, time_unit)
    death = rng.exponential(1.0, n_customers) / np.maximum(rng.gamma(s, 1.0 / beta, n_customers), 1e-300)
    return _purchases(rng, rate, np.minimum(death, ages), ages, None, days, round_to_days)


def simulate_gamma_gamma(frequency: object, *, p: float, q: float, v: float, seed: int = 0) -> np.ndarray:
    """Draw each customer's mean repeat-transaction value from the Gamma-Gamma model.

    Parameters
    ----------
    frequency
        Repeat transactions per customer.
    p, q, v
        Model parameters (``v`` is the paper's γ).
    seed
        Seed of the random generator.

    Returns
    -------
    Mean value of the repeat transactions per customer (0 where frequency is 0).
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=np.float64)
    nu = rng.gamma(q, 1.0 / v, x.shape)
    # The mean of x Gamma(p, rate ν) values is Gamma(p x, rate ν x).
    shape = np.where(x > 0, p * x, 1.0)
    spend = rng.gamma(shape, 1.0 / (nu * np.maximum(x, 1.0)))
    return np.where(x > 0, spend, 0.0)


def simulate_sbg(cohort_size: int, *, alpha: float, beta: float, periods: int, seed: int = 0) -> np.ndarray:
    """Draw the survivors of one cohort from the shifted-beta-geometric model.

    Returns
    -------
    Survivors after 0, 1, …, ``periods`` periods (the first is ``cohort_size``).
    """
    rng = np.random.default_rng(seed)
    churn = rng.beta(alpha, beta, cohort_size)
    lifetime = rng.geometric(np.clip(churn, 1e-300, 1.0))  # periods until churn, >= 1
    return np.array([int((lifetime > t).sum()) for t in range(periods + 1)])
