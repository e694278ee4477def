"""The five lifecycle stages: acquisition 获客, growth 成长, maturity 成熟, decline 衰退, churned 流失.

Every customer gets exactly one stage from explicit rules, checked in order; the first rule that
holds wins (the table with the defaults is in docs/lifecycle.md):

1. ``churned``: no order for ``max(churned_cycles × cycle, churned_min_days)`` days, or
   P(alive) < ``churned_p_alive``;
2. ``acquisition``: first order fewer than ``acquisition_days`` days ago;
3. ``decline``: no order for ``max(decline_cycles × cycle, decline_min_days)`` days, or order
   trend ≤ ``trend_falling``, or P(alive) < ``decline_p_alive``, or churn probability ≥
   ``decline_churn_probability``;
4. ``growth``: first order fewer than ``maturity_days`` days ago, or order trend ≥ ``trend_rising``;
5. ``maturity``: everyone else (an established customer, buying steadily).

``cycle`` is the customer's own purchase cycle — the mean days between purchase days
(``btyd_recency_days / btyd_frequency``) — or, for one-time buyers, the median cycle of the repeat
buyers (``default_cycle_days`` when nobody bought twice). The order trend is
``(late − early) / (late + early)`` over the completed orders in the two halves of the customer's
tenure, in [−1, 1]: −1 = every order in the first half (a one-time buyer), 1 = all in the second.
P(alive) and churn probability take part only when their columns are present (models / churn
stages); missing values there never trigger a rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_value.config import LifecycleConfig

STAGES = ("acquisition", "growth", "maturity", "decline", "churned")


def purchase_cycles(summary: pd.DataFrame, *, default_days: float = 90.0) -> tuple[pd.Series, float]:
    """Each customer's purchase cycle in days, and the population cycle used for one-time buyers.

    Parameters
    ----------
    summary
        Needs ``btyd_frequency`` (repeat purchase days) and ``btyd_recency_days``.
    default_days
        Population cycle when no customer has a repeat purchase.

    Returns
    -------
    cycles, population_cycle
        ``cycles`` has the index of ``summary``; every value is positive.
    """
    repeats = pd.to_numeric(summary["btyd_frequency"], errors="coerce").fillna(0).to_numpy(float)
    span = pd.to_numeric(summary["btyd_recency_days"], errors="coerce").fillna(0).to_numpy(float)
    repeat = (repeats > 0) & (span > 0)
    own = np.divide(span, repeats, out=np.zeros_like(span), where=repeat)
    population = float(np.median(own[repeat])) if repeat.any() else float(default_days)
    cycles = np.where(repeat, own, population)
    return pd.Series(np.maximum(cycles, 1.0), index=summary.index, name="purchase_cycle_days"), population


def order_trend(early: pd.Series, late: pd.Series) -> pd.Series:
    """``(late − early) / (late + early)``; 0 when a customer has no orders in either half."""
    early = pd.to_numeric(early, errors="coerce").fillna(0).to_numpy(float)
    late = pd.to_numeric(late, errors="coerce").fillna(0).to_numpy(float)
    total = early + late
    trend = np.divide(late - early, total, out=np.zeros_like(total), where=total > 0)
    return pd.Series(trend, name="order_trend")


def _optional(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(float)


def assign_lifecycle(frame: pd.DataFrame, config: LifecycleConfig | None = None) -> pd.DataFrame:
    """The lifecycle stage of every customer.

    Parameters
    ----------
    frame
        The run summary plus ``orders_early_half`` and ``orders_late_half`` (see
        :func:`customer_value.scoring.activity.order_halves`). Uses ``tenure_days``,
        ``recency_days``, ``btyd_frequency``, ``btyd_recency_days``, and ``p_alive`` and
        ``churn_probability`` when present.
    config
        The ``lifecycle`` settings (default: the documented defaults).

    Returns
    -------
    DataFrame
        Same index: ``lifecycle_stage`` (one of :data:`STAGES`), ``purchase_cycle_days``,
        ``order_trend``.
    """
    config = config or LifecycleConfig()
    cycle, _ = purchase_cycles(frame, default_days=config.default_cycle_days)
    cycle = cycle.to_numpy(float)
    trend = order_trend(frame["orders_early_half"], frame["orders_late_half"]).to_numpy(float)
    recency = pd.to_numeric(frame["recency_days"], errors="coerce").fillna(0).to_numpy(float)
    tenure = pd.to_numeric(frame["tenure_days"], errors="coerce").fillna(0).to_numpy(float)
    p_alive = _optional(frame, "p_alive")
    churn = _optional(frame, "churn_probability")
    with np.errstate(invalid="ignore"):
        churned = (recency >= np.maximum(config.churned_cycles * cycle, config.churned_min_days)) | (
            p_alive < config.churned_p_alive
        )
        acquisition = tenure < config.acquisition_days
        decline = (
            (recency >= np.maximum(config.decline_cycles * cycle, config.decline_min_days))
            | (trend <= config.trend_falling)
            | (p_alive < config.decline_p_alive)
            | (churn >= config.decline_churn_probability)
        )
        growth = (tenure < config.maturity_days) | (trend >= config.trend_rising)
    stage = np.select(
        [churned, acquisition, decline, growth],
        ["churned", "acquisition", "decline", "growth"],
        default="maturity",
    )
    out = pd.DataFrame(index=frame.index)
    out["lifecycle_stage"] = pd.Series(stage, index=frame.index, dtype=object).astype(str)
    out["purchase_cycle_days"] = np.round(cycle, 1)
    out["order_trend"] = np.round(trend, 3)
    return out
