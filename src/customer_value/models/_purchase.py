"""The common interface of the purchase-count models (BG/NBD, Pareto/NBD, MBG/NBD)."""

from __future__ import annotations

import numpy as np

from customer_value.models._base import BaseModel, as_horizon, check_is_fitted, scalar_or_array
from customer_value.models._data import Triples, _codes, prepare_triples, validate_triples

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
        return scalar_or_array(self._expected(horizon))

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
        horizon = as_horizon(t)
        return self._conditional(horizon, x, t_x, age)

    def p_alive(self, frequency: object, recency: object, T: object) -> np.ndarray:
        """Probability that each customer is still active ("alive") at the end of observation.

        Returns
        -------
        One probability in ``[0, 1]`` per customer.
        """
        x, t_x, age = self._customers(frequency, recency, T)
        return np.clip(self._p_alive(x, t_x, age), 0.0, 1.0)

    # -- implemented by subclasses -------------------------------------------------------------

    def _expected(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _conditional(self, t: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _start_points(self, data: Triples) -> list[np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError


def rate_scale(data: Triples) -> tuple[float, float]:
    """Mean repeat-purchase rate and mean age: a unit-free basis for starting points."""
    w = data.weights
    mean_T = float(np.average(data.T, weights=w))
    rate = float(np.sum(w * data.x) / max(np.sum(w * data.T), 1e-12))
    return max(rate, 1e-6), max(mean_T, 1e-6)


def unique_pairs(x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(x, T)`` pairs and each row's index, for terms that do not depend on recency."""
    if x.size < 64:
        return x, T, np.arange(x.size)
    cx, ux = _codes(x)
    cT, uT = _codes(T)
    inverse, key = _codes(cx.astype(np.int64) * len(uT) + cT)
    return ux[key // len(uT)], uT[key % len(uT)], inverse
