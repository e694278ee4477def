r"""The naive churn scores the model must beat, also used as fallbacks.

**BG/NBD.** Fitted (in weeks) on the customers' (frequency, recency, T) triples at a cut-off; no
labels are needed, so it may use the whole history up to that cut-off. The ranking score is
minus the expected repeat purchases in the window; the probability of the churn label (no
purchase in the next ``t``) follows from the model: a customer alive at ``T`` with ``x`` repeat
purchases has rate :math:`\lambda \sim \mathrm{Gamma}(r+x, \alpha+T)` and can only drop out
right after a purchase, so

.. math::

    P(\text{no purchase in } (T, T+t]) = 1 - P(\text{alive})
        \left[1 - \left(\frac{\alpha+T}{\alpha+T+t}\right)^{r+x}\right].

BG/NBD puts P(alive) = 1 for every one-time buyer (dropout happens only after a repeat
purchase), so on retail data, where most customers buy once, it ranks them all alike.

**Recency.** The score is the days since the last order; its probability is an isotonic
(increasing) fit of the labels on recency at a labelled cut-off, or, without one,
``recency / (recency + window)`` (one half when the customer has been away one window).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression

from customer_value.diagnostics import warning_messages
from customer_value.models import BetaGeoModel

__all__ = ["BTYDScores", "btyd_scores", "recency_probability", "RecencyCalibration"]

DAYS_PER_WEEK = 7.0


@dataclass
class BTYDScores:
    """BG/NBD scores of customers at one cut-off.

    Attributes
    ----------
    expected_purchases
        Expected repeat purchases in the window, per customer.
    p_alive
        Probability each customer is still active at the cut-off.
    p_no_purchase
        Probability of no purchase in the window (the churn label), per customer.
    params
        Fitted r, alpha (per week), a, b.
    warnings
        The warnings the fit raised (thin data, convergence), as messages (key and fields).
    """

    expected_purchases: np.ndarray
    p_alive: np.ndarray
    p_no_purchase: np.ndarray
    params: dict[str, float]
    warnings: list[dict[str, Any]] = field(default_factory=list)


def btyd_scores(features: pd.DataFrame, window_days: int) -> BTYDScores:
    """Fit BG/NBD on the triples of ``features`` and score the same customers.

    Parameters
    ----------
    features
        The churn feature table at a cut-off (needs ``btyd_frequency``, ``btyd_recency_days``,
        ``btyd_T_days``).
    window_days
        Horizon of the prediction in days.

    Raises
    ------
    ModelFitError
        BG/NBD can't be fitted (too few customers or repeat buyers, no convergence).
    """
    x = features["btyd_frequency"].to_numpy(dtype=float)
    t_x = features["btyd_recency_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    T = features["btyd_T_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    t = window_days / DAYS_PER_WEEK
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = BetaGeoModel().fit(x, t_x, T)
        expected = model.conditional_expected_purchases(t, x, t_x, T)
        alive = model.p_alive(x, t_x, T)
    r, alpha = model.params_["r"], model.params_["alpha"]
    none_while_alive = ((alpha + T) / (alpha + T + t)) ** (r + x)
    p_none = np.clip(1.0 - alive * (1.0 - none_while_alive), 0.0, 1.0)
    return BTYDScores(
        expected_purchases=expected,
        p_alive=alive,
        p_no_purchase=p_none,
        params={k: float(v) for k, v in model.params_.items()},
        warnings=warning_messages(caught),
    )


class RecencyCalibration:
    """Increasing map from days since the last order to a churn probability.

    Attributes
    ----------
    isotonic_ : IsotonicRegression | None
        Fit of the labels on recency at a labelled cut-off; None until :meth:`fit`.
    """

    def __init__(self, *, window_days: int) -> None:
        self.window_days = window_days
        self.isotonic_: IsotonicRegression | None = None

    def fit(self, recency: object, churned: object) -> RecencyCalibration:
        """Fit the isotonic map on labelled customers."""
        self.isotonic_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            np.asarray(recency, dtype=float), np.asarray(churned, dtype=float)
        )
        return self

    def predict(self, recency: object) -> np.ndarray:
        """Churn probability per customer; the heuristic ``recency / (recency + window)`` if unfitted."""
        days = np.asarray(recency, dtype=float)
        if self.isotonic_ is None:
            return recency_probability(days, self.window_days)
        return np.clip(np.nan_to_num(self.isotonic_.predict(days), nan=0.5), 0.0, 1.0)


def recency_probability(recency: np.ndarray, window_days: int) -> np.ndarray:
    """The label-free heuristic ``recency / (recency + window)``."""
    days = np.maximum(np.nan_to_num(np.asarray(recency, dtype=float), nan=0.0), 0.0)
    return days / (days + float(window_days))
