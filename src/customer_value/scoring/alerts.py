"""Early-warning rules: which customers need attention now, as language-neutral alert codes.

Rules (thresholds from :class:`~customer_value.config.ChurnConfig`):

``inactive``
    No order and no interaction for at least ``max(inactivity_days, inactivity_cycle_multiple ×
    mean cycle)`` days, where the mean cycle is the customer's mean gap between purchase days.
    A customer who buys every 60 days is not alarming after 90 quiet days, one who buys every
    week is; one-time buyers (no cycle) use ``inactivity_days``. The quiet time is the smaller
    of the days since the last order and since the last interaction (when interactions exist).
``p_alive_drop``
    P(alive) fell by more than ``p_alive_drop`` since the previous run (needs ``p_alive`` in this
    run's and the previous run's summaries; customers new since then get no such alert).
``high_churn_risk``
    ``churn_probability`` above ``probability_threshold``.

Each customer gets the list of codes that fire, in this order (empty when none); the messages are
``alert.<code>`` in the catalogs and :func:`alert_messages` renders them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_value.config import ChurnConfig
from customer_value.i18n import msg

__all__ = ["ALERT_CODES", "alert_messages", "churn_alerts", "inactivity_threshold"]

ALERT_CODES = ("inactive", "p_alive_drop", "high_churn_risk")


def inactivity_threshold(mean_cycle_days: pd.Series, config: ChurnConfig) -> pd.Series:
    """Days of silence that raise ``inactive``: ``max(N, k × mean cycle)``, N for one-time buyers."""
    scaled = pd.to_numeric(mean_cycle_days, errors="coerce").astype("float64") * config.inactivity_cycle_multiple
    return scaled.fillna(0.0).clip(lower=float(config.inactivity_days))


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _mean_cycle(customers: pd.DataFrame) -> pd.Series:
    """``mean_cycle_days``, or from the summary's BTYD inputs: days first→last purchase / repeats."""
    if "mean_cycle_days" in customers:
        return _numbers(customers, "mean_cycle_days")
    if {"btyd_recency_days", "btyd_frequency"} <= set(customers.columns):
        repeats = _numbers(customers, "btyd_frequency")
        return _numbers(customers, "btyd_recency_days") / repeats.where(repeats > 0)
    return pd.Series(np.nan, index=customers.index)


def _quiet_days(customers: pd.DataFrame) -> pd.Series:
    recency = "days_since_last_order" if "days_since_last_order" in customers else "recency_days"
    order = _numbers(customers, recency)
    if "days_since_last_interaction" in customers:
        interaction = pd.to_numeric(customers["days_since_last_interaction"], errors="coerce").astype("float64")
        return pd.concat([order, interaction], axis=1).min(axis=1, skipna=True)
    return order


def _rules(customers: pd.DataFrame, config: ChurnConfig, previous: pd.DataFrame | None) -> dict[str, pd.Series]:
    index = customers.index
    quiet = _quiet_days(customers)
    inactive = (quiet >= inactivity_threshold(_mean_cycle(customers), config)).fillna(False)
    drop = pd.Series(False, index=index)
    if previous is not None and "p_alive" in customers and "p_alive" in previous:
        earlier = previous.drop_duplicates("customer_id").set_index("customer_id")["p_alive"]
        before = customers["customer_id"].map(earlier)
        fell = pd.to_numeric(before, errors="coerce") - pd.to_numeric(customers["p_alive"], errors="coerce")
        drop = (fell > config.p_alive_drop).fillna(False)
    risk = pd.Series(False, index=index)
    if "churn_probability" in customers:
        risk = (_numbers(customers, "churn_probability") > config.probability_threshold).fillna(False)
    return {"inactive": inactive, "p_alive_drop": drop, "high_churn_risk": risk}


def churn_alerts(
    customers: pd.DataFrame, config: ChurnConfig, *, previous: pd.DataFrame | None = None
) -> pd.Series:
    """The alert codes of each customer.

    Parameters
    ----------
    customers
        One row per customer: ``customer_id``, ``days_since_last_order`` (or the summary's
        ``recency_days``); optional ``days_since_last_interaction``, ``mean_cycle_days`` (or the
        summary's ``btyd_recency_days`` and ``btyd_frequency``), ``churn_probability``, ``p_alive``.
    config
        The ``churn`` settings.
    previous
        The previous run's summary (``customer_id``, ``p_alive``), or None.

    Returns
    -------
    A list of codes (from :data:`ALERT_CODES`) per customer, aligned with ``customers``.
    """
    rules = _rules(customers, config, previous)
    fired = np.column_stack([rules[code].to_numpy(dtype=bool) for code in ALERT_CODES]) if len(customers) else \
        np.zeros((0, len(ALERT_CODES)), dtype=bool)
    return pd.Series([[c for c, on in zip(ALERT_CODES, row, strict=True) if on] for row in fired],
                     index=customers.index, dtype=object)


def alert_messages(customer: pd.Series | dict, config: ChurnConfig, lang: str = "en") -> list[str]:
    """The messages of one customer's alerts, from a summary row (``alerts`` and the rule inputs)."""
    row = dict(customer)
    texts = []
    for code in row.get("alerts") or []:
        if code == "inactive":
            threshold = inactivity_threshold(_mean_cycle(pd.DataFrame([row])), config).iloc[0]
            texts.append(msg("alert.inactive", lang, threshold=int(round(threshold))))
        elif code == "p_alive_drop":
            texts.append(msg("alert.p_alive_drop", lang, p_alive=f"{float(row.get('p_alive', 0)):.0%}",
                             drop=f"{config.p_alive_drop:.0%}"))
        elif code == "high_churn_risk":
            texts.append(msg("alert.high_churn_risk", lang, probability=f"{float(row['churn_probability']):.0%}",
                             threshold=f"{config.probability_threshold:.0%}"))
    return texts
