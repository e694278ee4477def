"""The common interface of the purchase-count models (BG/NBD, Pareto/NBD, MBG/NBD)."""

from __future__ import annotations

import numpy as np
from scipy import special

from customer_value.models._base import (
    BaseModel,
    as_horizon,
    check_is_fitted,
    dot,
    finite_or_raise,
    scalar_or_array,
    softplus,
)
from customer_value.models._data import Triples, _codes, prepare_triples, validate_triples
from customer_value.models._special import log_gamma_ratio

__all__ = ["PurchaseModel"]


class PurchaseModel(BaseModel):
    """A buy-till-you-die model of repeat purchases fitted on (frequency, recency, T) triples.

    Subclasses provide the likelihood over distinct triples and the closed-form predictions;
    this class validates inputs, fits, and broadcasts predictions back to customers.
    """

    def fit(self, frequency: object, recency: object, T: object, weights: object = None) -> PurchaseModel:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        frequency
            Repeat purchases per customer (purchases after the first; whole numbers).
        recency
            Time of the last repeat purchase, measured from the first purchase (0 if none).
        T
            Age of the customer: time from the first purchase to the end of observation, in the
            same unit as ``recency``.
        weights
            Optional number of customers each row stands for (e.g. counts of identical triples).

        Returns
        -------
        self

        Raises
        ------
        ModelFitError
            The inputs are invalid or degenerate, or no optimiser run converged.
        """
        triples = prepare_triples(self._name, frequency, recency, T, weights)
        self._fit_data(triples, triples.total_weight)
        return self

    # -- prediction helpers --------------------------------------------------------------------

    def _customers(self, frequency: object, recency: object, T: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        check_is_fitted(self)
        x, t_x, age, _ = validate_triples(self._name, frequency, recency, T)
        return x, t_x, age

    def expected_purchases(self, t: object) -> np.ndarray | float:
        """Expected number of repeat purchases E[X(t)] of a new customer in ``(0, t]``.

        Parameters
        ----------
        t
            Horizon (scalar or array) in the unit the model was fitted in.

        Returns
        -------
        Expected purchases with the shape of ``t`` (a float for a scalar).
        """
        check_is_fitted(self)
        horizon = as_horizon(t)
        zero = np.zeros_like(horizon)
        values = self._factor(horizon, zero, zero) * self._p_alive(zero, zero, zero)
        return scalar_or_array(finite_or_raise(self._name, values, "expected_purchases"))

    def conditional_expected_purchases(
        self, t: object, frequency: object, recency: object, T: object
    ) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units of customers with the given history.

        Parameters
        ----------
        t
            Horizon after the end of observation: a scalar, or an array broadcastable against
            the customers.
        frequency, recency, T
            Each customer's history (as in :meth:`fit`).

        Returns
        -------
        One expected count per customer.
        """
        x, t_x, age = self._customers(frequency, recency, T)
        values = self._factor_per_customer(as_horizon(t), x, age) * self._p_alive(x, t_x, age)
        return finite_or_raise(self._name, values, "conditional_expected_purchases")

    def p_alive(self, frequency: object, recency: object, T: object) -> np.ndarray:
        """Probability that each customer is still active ("alive") at the end of observation.

        Returns
        -------
        One probability in ``[0, 1]`` per customer.
        """
        x, t_x, age = self._customers(frequency, recency, T)
        values = finite_or_raise(self._name, self._p_alive(x, t_x, age), "p_alive")
        return np.clip(values, 0.0, 1.0)

    def _factor_per_customer(self, horizon: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """:meth:`_factor` broadcast over horizons and customers, computed once per distinct (t, x, T).

        A horizon constant across customers (a scalar, or shape ``(k, 1)``) is evaluated per
        distinct ``(x, T)`` pair; per-customer horizons per distinct ``(t, x, T)``.
        """
        if horizon.ndim == 0 or horizon.shape[-1] == 1:
            px, pT, inverse = unique_rows(x, T)
            return self._factor(horizon, px, pT)[..., inverse]
        shape = np.broadcast_shapes(horizon.shape, x.shape)
        ut, ux, uT, inverse = unique_rows(*(np.ravel(v) for v in np.broadcast_arrays(horizon, x, T)))
        return self._factor(ut, ux, uT)[inverse].reshape(shape)

    def _discounted_purchases(
        self, horizons: np.ndarray, discounts: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
    ) -> np.ndarray:
        """Σ_i discounts[i] · (expected purchases in (horizons[i-1], horizons[i]]) per customer.

        ``horizons`` is increasing and starts after 0. The part that depends only on
        ``(x, T)`` is computed once per distinct pair, so the cost per customer is constant.
        """
        px, pT, inverse = unique_rows(x, T)
        total = np.zeros_like(px)
        previous = np.zeros_like(px)
        for horizon, discount in zip(horizons, discounts, strict=True):
            current = self._factor(np.float64(horizon), px, pT)
            total += discount * np.maximum(current - previous, 0.0)
            previous = current
        values = total[inverse] * self._p_alive(x, t_x, T)
        return finite_or_raise(self._name, values, "customer_lifetime_value")

    # -- implemented by subclasses -------------------------------------------------------------

    def _factor(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Expected purchases in ``(T, T+t]`` of a customer known to be alive at ``T``."""
        raise NotImplementedError

    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _start_points(self, data: Triples) -> list[np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError


def rate_terms(r: float, alpha: float, data: Triples) -> tuple[np.ndarray, float, float]:
    """The purchase-rate part of the BG/NBD and MBG/NBD likelihoods, per distinct x.

    Per customer the log-likelihood holds ``ln Γ(r+x) - ln Γ(r) + r ln α`` (the Gamma(r, α)
    mixing of the purchase rate).

    Returns
    -------
    That term per distinct x, and the derivatives in r and α of its weighted sum.
    """
    ux, wx = data.ux, data.w_x
    per_x = log_gamma_ratio(r, ux) + r * np.log(alpha)
    d_r = dot(wx, special.digamma(r + ux) - special.digamma(r) + np.log(alpha))
    d_alpha = wx.sum() * r / alpha
    return per_x, d_r, d_alpha


def nbd_counts(model: PurchaseModel, t: object, n: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole counts ``n`` (broadcast against the horizons ``t``) for the count probabilities.

    Shared by the BG/NBD and MBG/NBD ``probability_of_n_purchases``: ``N(t)`` is the negative
    binomial count of an always-active customer (purchase rate Gamma(r, α)). The pmf is
    computed in logs with z = t/(α+t) and 1 − z = α/(α+t) each formed directly (not one as
    1 minus the other), the tail as the regularised incomplete beta I_z(n, r).

    Returns
    -------
    count, pmf, reached
        ``n`` rounded down, NB(n; r, α/(α+t)) = P(N(t) = n), and P(N(t) ≥ n) (1 for ``n = 0``).
    """
    check_is_fitted(model)
    horizon, count = np.broadcast_arrays(as_horizon(t), as_horizon(n, "n"))
    count = np.floor(count)
    r, alpha = model._theta()[:2]
    later = horizon > 0
    safe = np.where(later, horizon, 1.0)
    log_pmf = (
        log_gamma_ratio(r, count) - special.gammaln(count + 1.0)
        - r * np.log1p(safe / alpha) - count * np.log1p(alpha / safe)
    )
    pmf = np.where(later, np.exp(log_pmf), np.where(count == 0, 1.0, 0.0))
    reached = np.where(count > 0, special.betainc(np.maximum(count, 1.0), r, horizon / (alpha + horizon)), 1.0)
    return count, pmf, reached


def alive_probability(log_ratio: np.ndarray, r: float, alpha: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(alive) = 1 / (1 + e^d), d = log_ratio + (r+x) ln((α+T)/(α+t_x)): BG/NBD and MBG/NBD.

    ``log_ratio`` is the log odds of having dropped out at the last purchase (−inf for none);
    the log ratio is taken as log1p((T − t_x)/(α + t_x)), exact when α ≫ T.
    """
    return np.exp(-np.logaddexp(0.0, log_ratio + (r + x) * np.log1p((T - t_x) / (alpha + t_x))))


def branch_terms(
    r: float, alpha: float, log_ratio_x: np.ndarray, data: Triples
) -> tuple[float, float, float, np.ndarray]:
    """The recency part of the BG/NBD and MBG/NBD likelihoods, summed over triples.

    Per triple the log-likelihood holds ``-(r+x) ln(α+T) + softplus(d)`` with
    ``d = log_ratio(x) + (r+x) [ln(α+T) - ln(α+t_x)]`` (the log-odds of "dropped out after the
    last purchase"). Terms of T alone are summed per distinct T.

    Returns
    -------
    The sum, its derivatives in r and α, and Σ weight·π per distinct x (π = logistic(d)).
    """
    log_aT_u = np.log(alpha + data.uT)
    inv_aT_u = 1.0 / (alpha + data.uT)
    log_aT = log_aT_u[data.iT]
    gap = log_aT - np.log(alpha + data.utx)[data.itx]
    rx = r + data.x
    soft, pi = softplus(log_ratio_x[data.ix] + rx * gap)
    w_pi = data.weights * pi
    rw_T = r * data.w_T + data.wx_T
    ll = dot(data.weights, soft) - dot(rw_T, log_aT_u)
    d_r = dot(w_pi, gap) - dot(data.w_T, log_aT_u)
    inv_gap = (1.0 / (alpha + data.utx))[data.itx] - inv_aT_u[data.iT]
    d_alpha = -dot(rw_T, inv_aT_u) - dot(w_pi * rx, inv_gap)
    return ll, d_r, d_alpha, np.bincount(data.ix, weights=w_pi, minlength=len(data.ux))


def rate_scale(data: Triples) -> tuple[float, float]:
    """Mean repeat-purchase rate and mean age: a unit-free basis for starting points."""
    w = data.weights
    mean_T = float(np.average(data.T, weights=w))
    rate = float(np.sum(w * data.x) / max(np.sum(w * data.T), 1e-12))
    return max(rate, 1e-6), max(mean_T, 1e-6)


def unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct rows of equal-length columns and each row's index, for terms that depend on them only.

    Returns
    -------
    One array of distinct values per column (row-aligned), then each input row's index into them.
    """
    if columns[0].size < 64:
        return (*columns, np.arange(columns[0].size))
    key, _ = _codes(columns[0])
    for column in columns[1:]:
        codes, uniques = _codes(column)
        key, _ = _codes(key.astype(np.int64) * len(uniques) + codes)
    first = np.empty(int(key.max()) + 1, dtype=np.int64)
    first[key] = np.arange(key.size)  # one row of each distinct key (its rows are all equal)
    return (*(column[first] for column in columns), key)
