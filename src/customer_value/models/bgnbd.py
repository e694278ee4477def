"""The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

import numpy as np
from scipy import special

from customer_value.models._alive_purchases import expected_alive_purchases
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

__all__ = ["BetaGeoModel", "expected_factor"]


def expected_factor(r: float, alpha: float, a: float, b: float, x: np.ndarray, T: np.ndarray, t: np.ndarray, shift: float) -> np.ndarray:
    """Expected purchases in ``(T, T+t]`` of a customer active at ``T`` with ``x`` repeat purchases.

    Given the history the purchase rate is Gamma(r+x, α+T) and the dropout probability
    Beta(a, b+x+shift); ``shift`` is 0 for BG/NBD and 1 for MBG/NBD (which also counts the
    first purchase as a dropout chance). See :func:`expected_alive_purchases` for the method.
    """
    return expected_alive_purchases(r + x, a, b + x + shift, t / (alpha + T))


class BetaGeoModel(PurchaseModel):
    r"""BG/NBD: purchases follow a Poisson process until the customer drops out after a purchase.

    While active, a customer buys at rate :math:`\lambda \sim \mathrm{Gamma}(r, \alpha)` (shape
    ``r``, rate ``alpha``); after each repeat purchase the customer becomes inactive with
    probability :math:`p \sim \mathrm{Beta}(a, b)`. For a customer with ``x`` repeat purchases,
    the last at ``t_x``, observed for ``T`` time units since the first purchase (Fader, Hardie &
    Lee 2005, "Counting your customers the easy way: an alternative to the Pareto/NBD model",
    Marketing Science 24(2), eq. 6):

    .. math::

        L(r, \alpha, a, b \mid x, t_x, T) =
            \frac{B(a, b+x)}{B(a, b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+T)^{r+x}}
            + \delta_{x>0} \frac{B(a+1, b+x-1)}{B(a, b)}
              \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+t_x)^{r+x}}

    and for a new customer (eq. 9)

    .. math::

        E[X(t)] = \frac{a+b-1}{a-1}\left[1 - \left(\frac{\alpha}{\alpha+t}\right)^r
            {}_2F_1\!\left(r, b; a+b-1; \frac{t}{\alpha+t}\right)\right].

    Parameters are fitted in the time unit of the inputs; on the CDNOW sample in weeks the paper
    reports r = 0.243, α = 4.414, a = 0.793, b = 2.426 and log-likelihood −9582.4.

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
        Total log-likelihood at the estimates (comparable with published figures).
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
            np.array([0.25, 0.25 / rate, 0.8, 2.5]),
            np.array([3.0, 3.0 / rate, 0.3, 1.0]),
            np.array([0.5, mean_T, 2.0, 8.0]),
        ]

    def _loglik(self, theta: np.ndarray, data: Triples) -> tuple[float, np.ndarray]:
        r, alpha, a, b = theta
        ux, wx = data.ux, data.w_x
        repeat = ux > 0
        # Terms that depend on x only (computed once per distinct x).
        bx1 = np.where(repeat, b + ux - 1.0, 1.0)
        log_ratio = np.where(repeat, np.log(a) - np.log(bx1), -np.inf)  # ln(a / (b+x-1))
        rate_x, rate_d_r, rate_d_alpha = rate_terms(r, alpha, data)
        per_x = rate_x + log_beta_ratio(a, b, ux)  # ln B(a, b+x) / B(a, b)
        branch, d_r, d_alpha, w_pi_x = branch_terms(r, alpha, log_ratio, data)
        ll = dot(wx, per_x) + branch
        d_r += rate_d_r
        d_alpha += rate_d_alpha
        common = special.digamma(a + b) - special.digamma(a + b + ux)
        d_a = dot(wx, common) + w_pi_x.sum() / a
        d_b = dot(wx, common - special.digamma(b) + special.digamma(b + ux)) - dot(w_pi_x, np.where(repeat, 1.0 / bx1, 0.0))
        return ll, np.array([d_r, d_alpha, d_a, d_b])

    # -- predictions ---------------------------------------------------------------------------

    def _factor(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._theta()
        return expected_factor(r, alpha, a, b, x, T, t, 0.0)

    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._theta()
        repeat = x > 0
        with np.errstate(divide="ignore"):
            log_ratio = np.where(repeat, np.log(a) - np.log(np.where(repeat, b + x - 1.0, 1.0)), -np.inf)
        return alive_probability(log_ratio, r, alpha, x, t_x, T)

    def probability_of_n_purchases(self, t: object, n: object) -> np.ndarray | float:
        r"""Probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        .. math::

            P(X(t) = n) = \frac{B(a, b+n)}{B(a, b)} \mathrm{NB}(n; r, \tfrac{\alpha}{\alpha+t})
              + \delta_{n>0} \frac{B(a+1, b+n-1)}{B(a, b)} P(N(t) \ge n)

        (Fader, Hardie & Lee 2005, eq. 8), where ``N(t)`` is the negative binomial count of an
        always-active customer.

        Parameters
        ----------
        t
            Horizon (scalar or array), in the unit the model was fitted in.
        n
            Whole number of purchases (scalar or array, broadcast against ``t``).
        """
        count, pmf, reached = nbd_counts(self, t, n)
        _, _, a, b = self._theta()
        alive = np.exp(log_beta_ratio(a, b, count)) * pmf
        previous = np.maximum(count - 1.0, 0.0)
        dead = np.where(count > 0, a / (a + b + previous) * np.exp(log_beta_ratio(a, b, previous)) * reached, 0.0)
        values = np.clip(alive + dead, 0.0, 1.0)
        return scalar_or_array(finite_or_raise(self._name, values, "probability_of_n_purchases"))
