"""The Pareto/NBD model of repeat purchases (Schmittlein, Morrison & Colombo 1987)."""

from __future__ import annotations

import numpy as np
from scipy import special

from customer_value.models._base import dot
from customer_value.models._data import Triples
from customer_value.models._purchase import PurchaseModel, rate_scale

__all__ = ["ParetoNBDModel"]


def _composite_rule(per_panel: int, edges: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre rule on [0, 1] with panels graded towards 0."""
    nodes, weights = np.polynomial.legendre.leggauss(per_panel)
    lows, highs = np.array(edges[:-1]), np.array(edges[1:])
    half = 0.5 * (highs - lows)
    all_nodes = (lows[:, None] + half[:, None] * (nodes[None, :] + 1.0)).ravel()
    all_weights = (half[:, None] * weights[None, :]).ravel()
    return all_nodes, all_weights


# Rule for the integral term of the likelihood, in σ / σ_max. Panels shrink by 4 towards σ = 0,
# where the integrand decays fastest (rate up to r+s+x) while its bulk may spread to σ_max.
_NODES, _WEIGHTS = _composite_rule(12, (0.0, 1 / 64, 1 / 16, 1 / 4, 1.0))
_LOG_WEIGHTS = np.log(_WEIGHTS)


def _log_subtract(big: np.ndarray, small: np.ndarray) -> np.ndarray:
    """log(exp(big) - exp(small)) for big >= small (−inf where equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return big + np.log(-np.expm1(np.minimum(small - big, 0.0)))


class ParetoNBDModel(PurchaseModel):
    r"""Pareto/NBD: purchases follow a Poisson process until an unobserved exponential lifetime ends.

    While active, a customer buys at rate :math:`\lambda \sim \mathrm{Gamma}(r, \alpha)`; the
    lifetime is exponential with rate :math:`\mu \sim \mathrm{Gamma}(s, \beta)` (Schmittlein,
    Morrison & Colombo 1987, "Counting your customers: who are they and what will they do
    next?", Management Science 33(1)). In the form of Fader & Hardie (2005), "A note on deriving
    the Pareto/NBD model and related expressions", with :math:`K = r+s+x`:

    .. math::

        L = \frac{\Gamma(r+x)\,\alpha^r \beta^s}{\Gamma(r)}
            \left[\frac{1}{(\alpha+T)^{r+x}(\beta+T)^s} + \frac{s}{K} A_0\right],

    .. math::

        A_0 = \frac{{}_2F_1(K, s+1; K+1; \frac{\alpha-\beta}{\alpha+t_x})}{(\alpha+t_x)^{K}}
            - \frac{{}_2F_1(K, s+1; K+1; \frac{\alpha-\beta}{\alpha+T})}{(\alpha+T)^{K}}
            \quad (\alpha \ge \beta)

    and with :math:`\alpha, \beta` and :math:`s+1, r+x` swapped when :math:`\alpha < \beta`
    (for :math:`\alpha = \beta` the hypergeometric terms are 1). The reported log-likelihood
    is computed this way, in log space. Fitting uses the equivalent integral
    :math:`\frac{s}{K} A_0 = s \int_{t_x}^{T} (\alpha+\tau)^{-(r+x)} (\beta+\tau)^{-(s+1)} d\tau`
    by Gauss-Legendre quadrature on :math:`\sigma = \ln\frac{m+\tau}{m+t_x}`,
    :math:`m = \min(\alpha, \beta)` (smooth in a strip of width π around the real axis), which
    gives the analytic gradient by differentiating under the integral. For a new customer

    .. math::

        E[X(t)] = \frac{r \beta}{\alpha (s-1)}\left[1 - \left(\frac{\beta}{\beta+t}\right)^{s-1}\right].

    On the CDNOW sample in weeks the published estimates are r = 0.553, α = 10.58, s = 0.606,
    β = 11.67 with log-likelihood −9595.0.

    Parameters
    ----------
    initial_params
        Starting point ``{"r", "alpha", "s", "beta"}`` tried first.
    n_starts
        Optimiser runs (starting points, fallback methods) tried before giving up.
    max_iter
        Iteration limit of each optimiser run.

    Attributes
    ----------
    params_ : dict[str, float]
        Fitted ``r``, ``alpha`` (purchase rate), ``s``, ``beta`` (dropout rate).
    log_likelihood_ : float
        Total log-likelihood at the estimates (comparable with published figures).
    standard_errors_ : dict[str, float | None]
        Asymptotic standard errors (``None`` where the information matrix is singular).
    n_customers_ : float
        Number of customers (sum of weights) the model was fitted on.
    """

    _param_names = ("r", "alpha", "s", "beta")

    def _start_points(self, data: Triples) -> list[np.ndarray]:
        rate, mean_T = rate_scale(data)
        return [
            np.array([1.0, 1.0 / rate, 1.0, mean_T]),
            np.array([0.5, 0.5 / rate, 0.5, 0.5 * mean_T]),
            np.array([2.0, 2.0 / rate, 2.0, 4.0 * mean_T]),
            np.array([0.2, 0.2 / rate, 0.2, 0.1 * mean_T]),
        ]

    # -- likelihood ----------------------------------------------------------------------------

    @staticmethod
    def _quadrature(
        theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Log terms of ∫_{t_x}^{T}(α+τ)^-(r+x)(β+τ)^-(s+1)dτ at the nodes, with ln and 1/ of α+τ, β+τ.

        With m = min(α, β) and σ = ln((m+τ)/(m+t_x)), one of α+τ, β+τ is m+τ = (m+t_x)e^σ.
        """
        r, alpha, s, beta = theta
        base = min(alpha, beta)
        start = base + t_x
        with np.errstate(divide="ignore"):
            span = np.log((base + T) / start)
            log_w = np.log(span)[:, None] + _LOG_WEIGHTS[None, :]
        log_base = np.log(start)[:, None] + span[:, None] * _NODES[None, :]
        grown = np.exp(log_base)
        log_other = np.log(grown + abs(alpha - beta))
        log_a, log_b = (log_base, log_other) if alpha <= beta else (log_other, log_base)
        terms = log_w + log_base - (r + x)[:, None] * log_a - (s + 1.0) * log_b
        return terms, log_a, log_b, log_base, log_other

    def _loglik(self, theta: np.ndarray, data: Triples) -> tuple[float, np.ndarray]:
        r, alpha, s, beta = theta
        x, w = data.x, data.weights
        rx = r + x
        log_aT, log_bT = np.log(alpha + data.T), np.log(beta + data.T)
        first = -rx * log_aT - s * log_bT
        terms, log_a, log_b, log_base, log_other = self._quadrature(theta, x, data.t_x, data.T)
        top = terms.max(axis=1)
        empty = ~np.isfinite(top)  # t_x = T: no time to have died unobserved
        top[empty] = 0.0
        # Clipped so negligible nodes stay normal floats (subnormals are very slow to compute with).
        p_nodes = np.exp(np.maximum(terms - top[:, None], -300.0))
        mass = p_nodes.sum(axis=1)
        with np.errstate(divide="ignore"):
            log_j = top + np.log(mass)
        p_nodes /= np.where(empty, 1.0, mass)[:, None]
        second = np.log(s) + log_j
        total = np.logaddexp(first, second)
        pi2 = np.where(empty, 0.0, np.exp(second - total))
        pi1 = 1.0 - pi2
        ll_i = special.gammaln(rx) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta) + total
        e_log_base = np.einsum("ij,ij->i", p_nodes, log_base)
        e_log_other = np.einsum("ij,ij->i", p_nodes, log_other)
        e_inv_base = np.einsum("ij,ij->i", p_nodes, np.exp(-log_base))
        e_inv_other = np.einsum("ij,ij->i", p_nodes, np.exp(-log_other))
        if alpha <= beta:
            e_log_a, e_log_b, e_inv_a, e_inv_b = e_log_base, e_log_other, e_inv_base, e_inv_other
        else:
            e_log_a, e_log_b, e_inv_a, e_inv_b = e_log_other, e_log_base, e_inv_other, e_inv_base
        d_r = special.digamma(rx) - special.digamma(r) + np.log(alpha) - pi1 * log_aT - pi2 * e_log_a
        d_alpha = r / alpha - rx * (pi1 / (alpha + data.T) + pi2 * e_inv_a)
        d_s = np.log(beta) - pi1 * log_bT + pi2 * (1.0 / s - e_log_b)
        d_beta = s / beta - pi1 * s / (beta + data.T) - pi2 * (s + 1.0) * e_inv_b
        grad = np.array([dot(w, d_r), dot(w, d_alpha), dot(w, d_s), dot(w, d_beta)])
        return dot(w, ll_i), grad

    def _log_a0(self, theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """log A0 through log 2F1 (branches α > β, α < β, α = β); quadrature where not finite."""
        r, alpha, s, beta = theta
        k = r + s + x
        with np.errstate(all="ignore"):
            if alpha == beta:
                log_f_tx = log_f_T = np.zeros_like(x)
                base = alpha
            else:
                base, other = (alpha, beta) if alpha > beta else (beta, alpha)
                b_arg = s + 1.0 if alpha > beta else r + x
                log_f_tx = np.log(special.hyp2f1(k, b_arg, k + 1.0, (base - other) / (base + t_x)))
                log_f_T = np.log(special.hyp2f1(k, b_arg, k + 1.0, (base - other) / (base + T)))
            log_a0 = _log_subtract(log_f_tx - k * np.log(base + t_x), log_f_T - k * np.log(base + T))
            bad = np.isnan(log_a0) | (np.isinf(log_a0) & (t_x < T))
        if bad.any():
            terms, *_ = self._quadrature(theta, x[bad], t_x[bad], T[bad])
            log_a0[bad] = np.log(k[bad]) + special.logsumexp(terms, axis=1)
        return log_a0

    def _final_loglik(self, theta: np.ndarray, data: Triples) -> float:
        r, alpha, s, beta = theta
        x = data.x
        first = -(r + x) * np.log(alpha + data.T) - s * np.log(beta + data.T)
        second = np.log(s) - np.log(r + s + x) + self._log_a0(theta, x, data.t_x, data.T)
        ll = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return dot(data.weights, ll + np.logaddexp(first, second))

    # -- predictions ---------------------------------------------------------------------------

    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        theta = self._theta()
        r, alpha, s, beta = theta
        log_odds = (
            np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            + self._log_a0(theta, x, t_x, T)
        )
        return np.exp(-np.logaddexp(0.0, log_odds))

    def _factor(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        r, alpha, s, beta = self._theta()
        log_u = -np.log1p(t / (beta + T))
        # [1 - u^(s-1)] / (s-1), continuous at s = 1 where it is -ln u.
        bracket = -log_u if abs(s - 1.0) < 1e-10 else -np.expm1((s - 1.0) * log_u) / (s - 1.0)
        return (r + x) * (beta + T) / (alpha + T) * bracket
