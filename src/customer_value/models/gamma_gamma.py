"""The Gamma-Gamma model of the monetary value of transactions (Fader & Hardie 2013)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from customer_value.errors import ModelFitError
from customer_value.models._base import BaseModel, check_is_fitted, dot, finite_or_raise
from customer_value.models._data import _codes, as_float_array

__all__ = ["GammaGammaModel", "spend_frequency_independence"]

_MIN_REPEAT_BUYERS = 3


@dataclass(frozen=True)
class _Spend:
    """Repeat buyers' frequency and mean spend, with sums that don't depend on the parameters."""

    x: np.ndarray
    m: np.ndarray
    w: np.ndarray
    ux: np.ndarray
    wx: np.ndarray
    sum_w: float
    sum_wx_log_xm: float
    sum_w_log_m: float
    wx_x: np.ndarray  # w * x per customer


def _validate(model: str, frequency: object, monetary_value: object, weights: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    w = np.ones_like(x) if weights is None else as_float_array(weights, "weights")
    if not len(x) == len(m) == len(w):
        raise ModelFitError(
            "models.length_mismatch", model=model, lengths=f"frequency={len(x)}, monetary_value={len(m)}, weights={len(w)}"
        )
    with np.errstate(invalid="ignore"):
        non_finite = ~(np.isfinite(x) & np.isfinite(m) & np.isfinite(w)) | (w < 0)
        bad_frequency = ~non_finite & ((x < 0) | (x != np.floor(x)))
        negative = ~non_finite & (m < 0)
        zero = ~non_finite & (x > 0) & (m == 0)
    bad = non_finite | bad_frequency | negative | zero
    if bad.any():
        raise ModelFitError(
            "models.gg_invalid_input",
            model=model,
            bad=int(bad.sum()),
            total=len(x),
            non_finite=int(non_finite.sum()),
            bad_frequency=int(bad_frequency.sum()),
            negative_monetary=int(negative.sum()),
            zero_monetary=int(zero.sum()),
        )
    return x, m, w


def prepare_spend(model: str, frequency: object, monetary_value: object, weights: object = None) -> _Spend:
    """Validate, keep repeat buyers with positive weight, and precompute the constant sums.

    Raises
    ------
    ModelFitError
        Invalid values, fewer than 3 repeat buyers, or identical mean spends.
    """
    x, m, w = _validate(model, frequency, monetary_value, weights)
    keep = (x > 0) & (w > 0)
    x, m, w = x[keep], m[keep], w[keep]
    if len(x) < _MIN_REPEAT_BUYERS:
        raise ModelFitError("models.gg_too_few", model=model, needed=_MIN_REPEAT_BUYERS, found=len(x))
    if np.ptp(m) <= 1e-12 * np.max(m):
        raise ModelFitError("models.gg_no_variation", model=model, total=len(x))
    codes, ux = _codes(x)
    return _Spend(
        x=x,
        m=m,
        w=w,
        ux=ux,
        wx=np.bincount(codes, weights=w, minlength=len(ux)),
        sum_w=float(w.sum()),
        sum_wx_log_xm=dot(w, x * (np.log(x) + np.log(m))),
        sum_w_log_m=dot(w, np.log(m)),
        wx_x=w * x,
    )


class GammaGammaModel(BaseModel):
    r"""Gamma-Gamma: each customer's transaction values vary around a customer-specific mean.

    The value of each transaction is :math:`z \sim \mathrm{Gamma}(p, \nu)` (shape ``p``, rate
    :math:`\nu`), and :math:`\nu \sim \mathrm{Gamma}(q, \gamma)` across customers; ``v`` is the
    paper's :math:`\gamma`. The mean :math:`\bar z` of a customer's ``x`` repeat transactions
    has the density (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"; also
    Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves", JMR 42(4)):

    .. math::

        f(\bar z \mid p, q, \gamma; x) = \frac{\Gamma(px+q)}{\Gamma(px)\Gamma(q)}
            \frac{\gamma^q\, x^{px}\, \bar z^{px-1}}{(\gamma + x \bar z)^{px+q}}

    and the expected spend per transaction of a customer with ``x`` repeat transactions of mean
    :math:`\bar z` is a weighted mean of the population mean and the customer's own:

    .. math::

        E[Z \mid p, q, \gamma; x, \bar z] = \frac{q-1}{px+q-1}\,\frac{p\gamma}{q-1}
            + \frac{px}{px+q-1}\,\bar z.

    The model assumes spend is independent of purchase frequency (check with
    :func:`~customer_value.models.spend_frequency_independence`). On the 946 CDNOW repeat
    buyers the published estimates are p = 6.25, q = 3.74, γ = 15.44.

    Parameters
    ----------
    initial_params
        Starting point ``{"p", "q", "v"}`` tried first.
    n_starts
        Optimiser runs (starting points, fallback methods) tried before giving up.
    max_iter
        Iteration limit of each optimiser run.

    Attributes
    ----------
    params_ : dict[str, float]
        Fitted ``p``, ``q`` and ``v`` (the paper's γ).
    log_likelihood_ : float
        Total log-likelihood at the estimates.
    standard_errors_ : dict[str, float | None]
        Asymptotic standard errors (``None`` where the information matrix is singular).
    n_customers_ : float
        Number of repeat buyers (sum of weights) the model was fitted on.
    """

    _param_names = ("p", "q", "v")

    def fit(self, frequency: object, monetary_value: object, weights: object = None) -> GammaGammaModel:
        """Fit on repeat buyers' frequency and mean repeat-transaction value.

        Parameters
        ----------
        frequency
            Repeat transactions per customer. Customers with 0 carry no information about
            repeat spend and are left out of the fit (they may be passed).
        monetary_value
            Mean value of each customer's repeat transactions (> 0 for repeat buyers).
        weights
            Optional number of customers each row stands for.

        Returns
        -------
        self

        Raises
        ------
        ModelFitError
            Invalid values, fewer than 3 repeat buyers, identical mean spends, no convergence,
            or a fitted ``q <= 1`` (infinite expected spend).
        """
        data = prepare_spend(self._name, frequency, monetary_value, weights)
        self._fit_data(data, data.sum_w)
        if self.params_["q"] <= 1.0:
            q = self.params_["q"]
            self._clear_fit()
            raise ModelFitError("models.gg_infinite_mean", model=self._name, q=f"{q:.3g}")
        return self

    def _start_points(self, data: _Spend) -> list[np.ndarray]:
        mean = float(np.average(data.m, weights=data.w))
        return [
            np.array([1.0, 2.0, mean]),
            np.array([5.0, 4.0, 0.6 * mean]),
            np.array([0.5, 6.0, 10.0 * mean]),
            np.array([10.0, 2.0, 0.1 * mean]),
        ]

    def _loglik(self, theta: np.ndarray, data: _Spend) -> tuple[float, np.ndarray]:
        p, q, v = theta
        px = p * data.ux
        denom = v + data.x * data.m
        log_denom = np.log(denom)
        inv = 1.0 / denom
        s_l = dot(data.w, log_denom)
        s_xl = dot(data.wx_x, log_denom)
        ll = (
            dot(data.wx, special.gammaln(px + q) - special.gammaln(px))
            - data.sum_w * special.gammaln(q)
            + data.sum_w * q * np.log(v)
            + p * data.sum_wx_log_xm
            - data.sum_w_log_m
            - p * s_xl
            - q * s_l
        )
        d_p = dot(data.wx, data.ux * (special.digamma(px + q) - special.digamma(px))) + data.sum_wx_log_xm - s_xl
        d_q = dot(data.wx, special.digamma(px + q)) - data.sum_w * special.digamma(q) + data.sum_w * np.log(v) - s_l
        d_v = data.sum_w * q / v - p * dot(data.wx_x, inv) - q * dot(data.w, inv)
        return float(ll), np.array([d_p, d_q, d_v])

    # -- predictions ---------------------------------------------------------------------------

    def expected_spend(self) -> float:
        """Mean spend per transaction in the population, pγ/(q−1)."""
        check_is_fitted(self)
        p, q, v = self._theta()
        return float(p * v / (q - 1.0))

    def conditional_expected_spend(self, frequency: object, monetary_value: object) -> np.ndarray:
        """Expected spend per future transaction of each customer.

        Parameters
        ----------
        frequency
            Repeat transactions per customer (0 gives the population mean).
        monetary_value
            Mean value of the customer's repeat transactions (ignored where frequency is 0).

        Returns
        -------
        One expected spend per customer, in the unit of ``monetary_value``.
        """
        check_is_fitted(self)
        x, m, _ = _validate(self._name, frequency, monetary_value, None)
        p, q, v = self._theta()
        m = np.where(x > 0, m, 0.0)
        values = p * (v + x * m) / (p * x + q - 1.0)
        return finite_or_raise(self._name, values, "conditional_expected_spend")


def spend_frequency_independence(frequency: object, monetary_value: object) -> tuple[float, float]:
    """Test the Gamma-Gamma assumption that spend does not depend on purchase frequency.

    Pearson correlation between repeat buyers' frequency and mean repeat spend, with its
    two-sided p-value (``scipy.stats.pearsonr``); Fader & Hardie report 0.11 on CDNOW and treat
    such a weak correlation as acceptable.

    Parameters
    ----------
    frequency
        Repeat transactions per customer (customers with 0 are left out).
    monetary_value
        Mean value of each customer's repeat transactions.

    Returns
    -------
    correlation, p_value
        ``(0.0, 1.0)`` when either variable is constant among repeat buyers.

    Raises
    ------
    ModelFitError
        Invalid inputs or fewer than 3 repeat buyers.
    """
    x, m, _ = _validate("spend_frequency_independence", frequency, monetary_value, None)
    repeat = x > 0
    x, m = x[repeat], m[repeat]
    if len(x) < _MIN_REPEAT_BUYERS:
        raise ModelFitError("models.gg_too_few", model="spend_frequency_independence", needed=_MIN_REPEAT_BUYERS, found=len(x))
    if np.ptp(x) == 0 or np.ptp(m) == 0:
        return 0.0, 1.0
    result = stats.pearsonr(x, m)
    return float(result.statistic), float(result.pvalue)
