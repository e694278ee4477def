"""The simple rate models: the documented fallbacks when no buy-till-you-die model is usable."""

from __future__ import annotations

import numpy as np

__all__ = ["RATE_MODELS", "NaiveRateModel", "RateModel"]


class RateModel:
    r"""The simple rate model: each customer's own repeat rate, shrunk towards the average.

    Each customer buys at the rate :math:`\lambda_i = (x_i + \rho\tau) / (T_i + \tau)` — the
    own repeat rate shrunk towards the pooled rate :math:`\rho = \sum x / \sum T` with the
    weight of one average history :math:`\tau = \max(\bar T, 1)`. P(alive) is the chance that
    a customer still buying at that rate would have been silent as long as they have been,
    :math:`e^{-\lambda_i (T_i - t_{x,i})}`, and the expected purchases in the next ``t`` are
    :math:`P(\text{alive})\,\lambda_i t`. Not a fitted model: nothing is estimated but ρ.

    Attributes
    ----------
    params_ : dict[str, float]
        ``rho`` (pooled repeat purchases per time unit) and ``tau``.
    """

    def fit(self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> RateModel:
        """Compute the pooled rate from the customers' histories."""
        total_T = float(np.sum(T))
        rho = float(np.sum(frequency)) / total_T if total_T > 0 else 0.0
        tau = max(float(np.mean(T)) if len(T) else 1.0, 1.0)
        self.params_ = {"rho": rho, "tau": tau}
        return self

    def _rate(self, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        rho, tau = self.params_["rho"], self.params_["tau"]
        return (x + rho * tau) / (T + tau)

    def p_alive(self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> np.ndarray:
        """P(alive) per customer, in [0, 1]."""
        return np.exp(-self._rate(frequency, T) * np.maximum(T - recency, 0.0))

    def conditional_expected_purchases(
        self, t: object, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray
    ) -> np.ndarray:
        """Expected purchases in the next ``t`` (broadcast against the customers)."""
        rate = self._rate(frequency, T)
        return np.asarray(t, dtype=np.float64) * rate * self.p_alive(frequency, recency, T)


class NaiveRateModel(RateModel):
    r"""The naive baseline as a model: each customer keeps buying at their own rate :math:`x_i / T_i`.

    Nobody drops out (P(alive) = 1, which is no information about retention) and nothing is
    shrunk: a customer without a repeat purchase is expected to make none. This is the baseline
    every model is backtested against; it is used when no model beats it.

    Attributes
    ----------
    params_ : dict[str, float]
        Empty: nothing is estimated.
    """

    def fit(self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> NaiveRateModel:
        """Nothing to estimate; returns ``self``."""
        self.params_ = {}
        return self

    def _rate(self, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(T > 0, x / np.where(T > 0, T, 1.0), 0.0)

    def p_alive(self, frequency: np.ndarray, recency: np.ndarray, T: np.ndarray) -> np.ndarray:
        """1 for everyone: this model has no dropout."""
        return np.ones(np.shape(frequency))


#: The fallbacks by the names used in a run's diagnostics.
RATE_MODELS: dict[str, type[RateModel]] = {"rate": RateModel, "naive": NaiveRateModel}
