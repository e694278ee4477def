"""The modified BG/NBD (MBG/NBD) model of repeat purchases (Batislam, Denizel & Filiztekin 2007)."""

from __future__ import annotations

import numpy as np
from scipy import special

from customer_value.models._base import dot, finite_or_raise, scalar_or_array
from customer_value.models._data import Triples
from customer_value.models._purchase import (
    PurchaseModel,
    alive_probability,
    branch_terms,
    nbd_counts,
    rate_scale,
    rate_terms,
)
from customer_value.models._special import log_beta_ratio
from customer_value.models.bgnbd import expected_factor

__all__ = ["ModifiedBetaGeoModel"]


class ModifiedBetaGeoModel(PurchaseModel):
    r"""MBG/NBD: like BG/NBD, but a customer may also drop out right after the first purchase.

    Purchase rate :math:`\lambda \sim \mathrm{Gamma}(r, \alpha)`; after every purchase,
    including the first, the customer becomes inactive with probability
    :math:`p \sim \mathrm{Beta}(a, b)`. So customers with no repeat purchase are not assumed
    alive (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of models
    for customer base analysis", International Journal of Research in Marketing 24(3)):

    .. math::

        L(r, \alpha, a, b \mid x, t_x, T) =
            \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)} \left[
            \frac{B(a, b+x+1)}{B(a, b)} \frac{1}{(\alpha+T)^{r+x}}
            + \frac{B(a+1, b+x)}{B(a, b)} \frac{1}{(\alpha+t_x)^{r+x}} \right]

    .. math::

        P(\text{alive} \mid x, t_x, T) = \left[1 + \frac{a}{b+x}
            \left(\frac{\alpha+T}{\alpha+t_x}\right)^{r+x}\right]^{-1},
        \qquad
        E[X(t)] = \frac{b}{a-1}\left[1 - \left(\frac{\alpha}{\alpha+t}\right)^r
            {}_2F_1\!\left(r, b+1; a+b; \frac{t}{\alpha+t}\right)\right].

    Parameters
    ----------
    initial_params
        Starting point ``{"r", "alpha", "a", "b"}`` tried first.
    n_starts
        Optimiser runs (starting points, fallback methods) tried before giving up.
    max_iter
        Iteration limit of each optimiser run.

    Attributes
    ----------
    params_ : dict[str, float]
        Fitted ``r``, ``alpha``, ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood at the estimates.
    standard_errors_ : dict[str, float | None]
        Asymptotic standard errors (``None`` where the information matrix is singular).
    n_customers_ : float
        Number of customers (sum of weights) the model was fitted on.
    """

    _param_names = ("r", "alpha", "a", "b")

    def _start_points(self, data: Triples) -> list[np.ndarray]:
        rate, mean_T = rate_scale(data)
        return [
            np.array([1.0, 1.0 / rate, 1.0, 3.0]),
            np.array([0.5, 0.5 / rate, 0.9, 1.6]),
            np.array([3.0, 3.0 / rate, 0.3, 1.0]),
            np.array([0.5, mean_T, 2.0, 8.0]),
        ]

    def _loglik(self, theta: np.ndarray, data: Triples) -> tuple[float, np.ndarray]:
        r, alpha, a, b = theta
        ux, wx = data.ux, data.w_x
        rate_x, rate_d_r, rate_d_alpha = rate_terms(r, alpha, data)
        per_x = rate_x + log_beta_ratio(a, b, ux + 1.0)  # ln B(a, b+x+1) / B(a, b)
        branch, d_r, d_alpha, w_pi_x = branch_terms(r, alpha, np.log(a) - np.log(b + ux), data)
        ll = dot(wx, per_x) + branch
        d_r += rate_d_r
        d_alpha += rate_d_alpha
        common = special.digamma(a + b) - special.digamma(a + b + ux + 1.0)
        d_a = dot(wx, common) + w_pi_x.sum() / a
        d_b = dot(wx, common + special.digamma(b + ux + 1.0) - special.digamma(b)) - dot(w_pi_x, 1.0 / (b + ux))
        return ll, np.array([d_r, d_alpha, d_a, d_b])

    # -- predictions ---------------------------------------------------------------------------

    def _factor(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._theta()
        return expected_factor(r, alpha, a, b, x, T, t, 1.0)

    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._theta()
        return alive_probability(np.log(a) - np.log(b + x), r, alpha, x, t_x, T)

    def probability_of_n_purchases(self, t: object, n: object) -> np.ndarray | float:
        r"""Probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        .. math::

            P(X(t) = n) = \frac{B(a, b+n+1)}{B(a, b)} \mathrm{NB}(n; r, \tfrac{\alpha}{\alpha+t})
              + \frac{B(a+1, b+n)}{B(a, b)} P(N(t) \ge n)

        where ``N(t)`` is the negative binomial count of an always-active customer: either the
        customer survived ``n+1`` dropout chances and bought exactly ``n`` times, or dropped out
        right after the ``n``-th repeat purchase (or the first purchase, for ``n = 0``).

        Parameters
        ----------
        t
            Horizon (scalar or array), in the unit the model was fitted in.
        n
            Whole number of purchases (scalar or array, broadcast against ``t``).
        """
        count, pmf, reached = nbd_counts(self, t, n)
        _, _, a, b = self._theta()
        alive = np.exp(log_beta_ratio(a, b, count + 1.0)) * pmf
        dead = a / (a + b + count) * np.exp(log_beta_ratio(a, b, count)) * reached
        values = np.clip(alive + dead, 0.0, 1.0)
        return scalar_or_array(finite_or_raise(self._name, values, "probability_of_n_purchases"))
