"""Validation of per-customer (frequency, recency, T) inputs and their reduction to distinct triples.

The buy-till-you-die likelihoods depend on a customer only through the triple
``(x, t_x, T)``: repeat purchases, time of the last repeat purchase and age, all measured from
the first purchase. Customers sharing a triple contribute identical terms, so fitting works on
the distinct triples with their counts as weights and costs grow with the number of distinct
triples, not of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_value.errors import ModelFitError, UserError

__all__ = ["Triples", "as_float_array", "group_triples", "validate_triples"]


def as_float_array(values: object, name: str) -> np.ndarray:
    """``values`` as a 1-d float64 array; a non-numeric input raises ``UserError``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise UserError("models.not_numeric", name=name) from exc
    return array.reshape(-1) if array.ndim != 1 else array


def validate_triples(
    model: str,
    frequency: object,
    recency: object,
    T: object,
    weights: object = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check one customer per row and return float arrays ``(x, t_x, T, weights)``.

    Every problem is counted in one pass and reported in a single ``ModelFitError``.

    Raises
    ------
    ModelFitError
        Lengths differ, or values are missing, infinite, negative, non-integer frequencies,
        recency after T, recency without repeat purchases, or negative weights.
    """
    x = as_float_array(frequency, "frequency")
    t_x = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    w = np.ones_like(x) if weights is None else as_float_array(weights, "weights")
    lengths = {len(x), len(t_x), len(age), len(w)}
    if len(lengths) != 1:
        raise ModelFitError(
            "models.length_mismatch",
            model=model,
            lengths=f"frequency={len(x)}, recency={len(t_x)}, T={len(age)}, weights={len(w)}",
        )
    with np.errstate(invalid="ignore"):
        non_finite = ~(np.isfinite(x) & np.isfinite(t_x) & np.isfinite(age) & np.isfinite(w))
        negative = ~non_finite & ((x < 0) | (t_x < 0) | (age < 0) | (w < 0))
        ok = ~non_finite & ~negative
        non_integer = ok & (x != np.floor(x))
        tolerance = 1e-9 * np.maximum(age, 1.0)
        late = ok & (t_x > age + tolerance)
        orphan = ok & (x == 0) & (t_x > 0)
    counts = {
        "non_finite": int(non_finite.sum()),
        "negative": int(negative.sum()),
        "non_integer": int(non_integer.sum()),
        "recency_after_T": int(late.sum()),
        "recency_without_repeat": int(orphan.sum()),
    }
    bad = non_finite | negative | non_integer | late | orphan
    if bad.any():
        raise ModelFitError("models.invalid_input", model=model, bad=int(bad.sum()), total=len(x), **counts)
    return x, np.minimum(t_x, age), age, w


def _dense_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_codes`` for small non-negative integers: one bincount, no hashing or sorting."""
    present = np.bincount(values) > 0
    rank = np.cumsum(present) - 1
    return rank[values], np.flatnonzero(present)


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each row's index into them (O(n): bincount or hashing)."""
    if values.dtype.kind in "iu" and values.size and 0 <= values.min() and values.max() <= 4 * values.size + 1024:
        return _dense_codes(values)
    codes, uniques = pd.factorize(values, sort=False)
    uniques = np.asarray(uniques, dtype=values.dtype)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


@dataclass(frozen=True)
class Triples:
    """Distinct ``(x, t_x, T)`` triples with weights, plus indexes into each column's distinct values.

    ``x == ux[ix]``, ``t_x == utx[itx]`` and ``T == uT[iT]``, so likelihood terms that depend on
    one column only are computed once per distinct value.
    """

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    weights: np.ndarray
    ux: np.ndarray
    ix: np.ndarray
    utx: np.ndarray
    itx: np.ndarray
    uT: np.ndarray
    iT: np.ndarray
    w_x: np.ndarray  # total weight per distinct x
    w_T: np.ndarray  # total weight per distinct T
    wx_T: np.ndarray  # Σ weight·x per distinct T

    @property
    def total_weight(self) -> float:
        """Number of customers (sum of the weights)."""
        return float(self.weights.sum())


def _group(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray) -> tuple[Triples, np.ndarray]:
    if x.size and x.max() <= 4 * x.size + 1024:  # whole numbers (validated): dense codes
        cx, ux = _dense_codes(x.astype(np.int64))
        ux = ux.astype(np.float64)
    else:
        cx, ux = _codes(x)
    ctx, utx = _codes(t_x)
    cT, uT = _codes(age)
    if len(ux) * len(utx) * len(uT) < 2**62:
        key = (cx.astype(np.int64) * len(utx) + ctx) * len(uT) + cT
        inverse, ukey = _codes(key)
        ix = ukey // (len(utx) * len(uT))
        itx = (ukey // len(uT)) % len(utx)
        iT = ukey % len(uT)
    else:  # too many distinct values for one int64 key: sort the code rows instead
        rows, inverse = np.unique(np.column_stack([cx, ctx, cT]), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        ix, itx, iT = rows[:, 0], rows[:, 1], rows[:, 2]
    counts = np.bincount(inverse, weights=w, minlength=len(ix))
    x_t = ux[ix]
    triples = Triples(
        x_t, utx[itx], uT[iT], counts, ux, ix, utx, itx, uT, iT,
        w_x=np.bincount(ix, weights=counts, minlength=len(ux)),
        w_T=np.bincount(iT, weights=counts, minlength=len(uT)),
        wx_T=np.bincount(iT, weights=counts * x_t, minlength=len(uT)),
    )
    return triples, inverse


def group_triples(
    frequency: object,
    recency: object,
    T: object,
    weights: object = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Reduce per-customer inputs to distinct ``(x, t_x, T)`` triples with counts.

    Parameters
    ----------
    frequency, recency, T
        One value per customer: repeat purchases, time of the last repeat purchase since the
        first purchase, and age (time from the first purchase to the end of observation).
    weights
        Optional weight per customer (default 1); the counts are sums of weights.

    Returns
    -------
    x, t_x, T, counts, inverse
        The distinct triples in sorted order, the (weighted) number of customers with each, and
        for every customer the index of its triple, so ``x[inverse]`` equals ``frequency``.

    Raises
    ------
    ModelFitError
        The inputs are invalid (see :func:`validate_triples`).

    Examples
    --------
    >>> x, t_x, T, counts, inverse = group_triples([0, 2, 0], [0, 3.0, 0], [5.0, 5.0, 5.0])
    >>> x.tolist(), counts.tolist(), inverse.tolist()
    ([0.0, 2.0], [2.0, 1.0], [0, 1, 0])
    """
    arrays = validate_triples("group_triples", frequency, recency, T, weights)
    triples, inverse = _group(*arrays)
    return triples.x, triples.t_x, triples.T, triples.weights, inverse


def prepare_triples(
    model: str,
    frequency: object,
    recency: object,
    T: object,
    weights: object = None,
) -> Triples:
    """Validate, drop zero weights, group, and check the data can identify a purchase model.

    Raises
    ------
    ModelFitError
        Invalid inputs, fewer than two customers, no repeat buyers, every customer with the same
        frequency, or no observation time at all.
    """
    x, t_x, age, w = validate_triples(model, frequency, recency, T, weights)
    keep = w > 0
    if not keep.all():
        x, t_x, age, w = x[keep], t_x[keep], age[keep], w[keep]
    total = float(w.sum())
    if len(x) < 2 or total < 2:
        raise ModelFitError("models.too_few_customers", model=model, needed=2, found=len(x))
    if not (age > 0).any():
        raise ModelFitError("models.no_observation_time", model=model, total=len(x))
    repeaters = int((x > 0).sum())
    if repeaters == 0:
        raise ModelFitError("models.no_repeat_buyers", model=model, total=len(x))
    triples, _ = _group(x, t_x, age, w)
    if len(triples.ux) < 2:
        raise ModelFitError("models.no_variation", model=model, total=len(x), frequency=int(triples.ux[0]))
    return triples
