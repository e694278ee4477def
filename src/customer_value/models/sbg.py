"""The shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from customer_value.errors import ModelFitError
from customer_value.models._base import BaseModel, as_horizon, check_is_fitted, finite_or_raise, scalar_or_array
from customer_value.models._data import as_float_array

__all__ = ["ShiftedBetaGeoModel"]

_MIN_PERIODS = 2


@dataclass(frozen=True)
class _Cohort:
    """Customers lost in each period 1..n, and survivors after period n."""

    periods: np.ndarray  # 1..n
    lost: np.ndarray
    remaining: float


class ShiftedBetaGeoModel(BaseModel):
    r"""sBG: each customer renews every period with a fixed probability until they churn.

    A customer churns at the end of each period with probability
    :math:`\theta \sim \mathrm{Beta}(\alpha, \beta)`, so the survival curve of a cohort flattens
    as the churn-prone customers leave (Fader & Hardie 2007, "How to project customer
    retention", Journal of Interactive Marketing 21(1)):

    .. math::

        P(T = t) = \frac{B(\alpha+1, \beta+t-1)}{B(\alpha, \beta)}, \qquad
        S(t) = \frac{B(\alpha, \beta+t)}{B(\alpha, \beta)}, \qquad
        r_t = \frac{S(t)}{S(t-1)} = \frac{\beta+t-1}{\alpha+\beta+t-1}

    and the log-likelihood of a cohort with :math:`n_t` survivors after period ``t``
    (:math:`n_0` the cohort size) observed for ``n`` periods is

    .. math::

        LL = \sum_{t=1}^{n} (n_{t-1} - n_t) \ln P(T = t) + n_n \ln S(n).

    For the "regular" customers of the paper (1000, 631, 468, 382, 326, 289, 262 over years
    0–6) the published estimates are α = 0.704, β = 1.182.

    Parameters
    ----------
    initial_params
        Starting point ``{"alpha", "beta"}`` tried first.
    n_starts
        Optimiser runs (starting points, fallback methods) tried before giving up.
    max_iter
        Iteration limit of each optimiser run.

    Attributes
    ----------
    params_ : dict[str, float]
        Fitted ``alpha`` and ``beta``.
    log_likelihood_ : float
        Total log-likelihood at the estimates.
    standard_errors_ : dict[str, float | None]
        Asymptotic standard errors (``None`` where the information matrix is singular).
    n_customers_ : float
        Cohort size the model was fitted on.
    """

    _param_names = ("alpha", "beta")

    def fit(self, survivors: object) -> ShiftedBetaGeoModel:
        """Fit on the survivors of one cohort at the end of each period.

        Parameters
        ----------
        survivors
            ``survivors[0]`` is the cohort size, ``survivors[t]`` the number still active after
            ``t`` periods (whole numbers, never increasing, at least 2 periods).

        Returns
        -------
        self

        Raises
        ------
        ModelFitError
            Too few periods, invalid counts, nobody churned, or everybody churned at once.
        """
        counts = as_float_array(survivors, "survivors")
        if len(counts) < _MIN_PERIODS + 1:
            raise ModelFitError("models.sbg_too_short", model=self._name, needed=_MIN_PERIODS, found=len(counts))
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(counts) | (counts < 0) | (counts != np.floor(counts))
            bad[1:] |= counts[1:] > counts[:-1]
            bad[0] |= not counts[0] > 0
        if bad.any():
            raise ModelFitError("models.sbg_invalid_survivors", model=self._name, bad=int(bad.sum()), total=len(counts))
        if counts[-1] == counts[0]:
            raise ModelFitError("models.sbg_no_churn", model=self._name, periods=len(counts) - 1)
        if counts[1] == 0:
            raise ModelFitError("models.sbg_all_churned", model=self._name)
        cohort = _Cohort(np.arange(1, len(counts), dtype=np.float64), counts[:-1] - counts[1:], float(counts[-1]))
        self._fit_data(cohort, float(counts[0]))
        return self

    def _start_points(self, data: _Cohort) -> list[np.ndarray]:
        return [np.array([1.0, 1.0]), np.array([0.5, 2.0]), np.array([3.0, 8.0]), np.array([0.2, 0.5])]

    def _loglik(self, theta: np.ndarray, data: _Cohort) -> tuple[float, np.ndarray]:
        alpha, beta = theta
        t, n = data.periods, data.periods[-1]
        common = special.gammaln(alpha + beta) - special.gammaln(beta)
        log_p = np.log(alpha) + special.gammaln(beta + t - 1.0) - special.gammaln(alpha + beta + t) + common
        log_s = special.gammaln(beta + n) - special.gammaln(alpha + beta + n) + common
        ll = float(data.lost @ log_p + data.remaining * log_s)
        psi_ab = special.digamma(alpha + beta)
        psi_b = special.digamma(beta)
        d_alpha = data.lost @ (1.0 / alpha - special.digamma(alpha + beta + t) + psi_ab) + data.remaining * (
            psi_ab - special.digamma(alpha + beta + n)
        )
        d_beta = data.lost @ (special.digamma(beta + t - 1.0) - special.digamma(alpha + beta + t) + psi_ab - psi_b) + (
            data.remaining * (special.digamma(beta + n) - special.digamma(alpha + beta + n) + psi_ab - psi_b)
        )
        return ll, np.array([d_alpha, d_beta])

    # -- predictions ---------------------------------------------------------------------------

    def survival_function(self, t: object) -> np.ndarray | float:
        """Share of a cohort still active after ``t`` periods, S(t) (``t`` whole, ≥ 0)."""
        check_is_fitted(self)
        periods = np.floor(as_horizon(t))
        alpha, beta = self._theta()
        values = np.exp(special.betaln(alpha, beta + periods) - special.betaln(alpha, beta))
        return scalar_or_array(finite_or_raise(self._name, values, "survival_function"))

    def churn_probability(self, t: object) -> np.ndarray | float:
        """Probability that a new customer churns exactly in period ``t`` (``t`` whole, ≥ 1)."""
        check_is_fitted(self)
        periods = np.maximum(np.floor(as_horizon(t)), 1.0)
        alpha, beta = self._theta()
        values = np.exp(special.betaln(alpha + 1.0, beta + periods - 1.0) - special.betaln(alpha, beta))
        return scalar_or_array(finite_or_raise(self._name, values, "churn_probability"))

    def retention_rate(self, t: object) -> np.ndarray | float:
        """Share of the customers active after period ``t-1`` who renew in period ``t`` (``t`` ≥ 1)."""
        check_is_fitted(self)
        periods = np.maximum(np.floor(as_horizon(t)), 1.0)
        alpha, beta = self._theta()
        return scalar_or_array((beta + periods - 1.0) / (alpha + beta + periods - 1.0))

    def expected_survivors(self, periods: int, cohort_size: float | None = None) -> np.ndarray:
        """Expected active customers after 0, 1, …, ``periods`` periods.

        Parameters
        ----------
        periods
            Number of periods to project.
        cohort_size
            Size of the cohort at period 0 (default: the fitted cohort's size).
        """
        check_is_fitted(self)
        size = self.n_customers_ if cohort_size is None else float(as_horizon(cohort_size, "cohort_size"))
        steps = np.arange(int(as_horizon(periods, "periods")) + 1, dtype=np.float64)
        return size * np.asarray(self.survival_function(steps))

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int = 0) -> float:
        r"""Expected discounted number of future payments of a customer who has renewed ``renewals`` times.

        .. math::

            \mathrm{DERL}(d \mid n) = \frac{\beta+n}{\alpha+\beta+n}\,
                {}_2F_1\!\left(1, \beta+n+1; \alpha+\beta+n+1; \frac{1}{1+d}\right)

        (Fader & Hardie 2010, "Customer-base valuation in a contractual setting: the perils of
        ignoring heterogeneity", Marketing Science 29(1)); payments at the start of each period
        from the next renewal on. Multiply by the margin per period for a residual value.
        """
        check_is_fitted(self)
        rate = float(as_horizon(discount_rate, "discount_rate"))
        n = float(np.floor(as_horizon(renewals, "renewals")))
        alpha, beta = self._theta()
        if rate == 0 and alpha <= 1:
            raise ModelFitError("models.non_finite_prediction", model=self._name, what="residual lifetime", count=1)
        value = (beta + n) / (alpha + beta + n) * special.hyp2f1(1.0, beta + n + 1.0, alpha + beta + n + 1.0, 1.0 / (1.0 + rate))
        return float(finite_or_raise(self._name, np.asarray(value), "residual lifetime"))
