"""Hypothesis strategies for the models: parameters and customer histories."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


def _positive(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats spread evenly on the log scale between ``low`` and ``high``."""
    return st.floats(np.log(low), np.log(high)).map(lambda v: float(np.exp(v)))


def bgnbd_params(wide: bool = True) -> st.SearchStrategy[dict[str, float]]:
    """BG/NBD or MBG/NBD parameters ``r, alpha, a, b`` (rates per week)."""
    if wide:
        return st.fixed_dictionaries(
            {"r": _positive(0.05, 10), "alpha": _positive(0.1, 100), "a": _positive(0.05, 10), "b": _positive(0.05, 20)}
        )
    return st.fixed_dictionaries(
        {"r": _positive(0.3, 3), "alpha": _positive(2, 20), "a": _positive(0.5, 3), "b": _positive(1.5, 8)}
    )


def pareto_params(wide: bool = True) -> st.SearchStrategy[dict[str, float]]:
    """Pareto/NBD parameters ``r, alpha, s, beta``."""
    if wide:
        return st.fixed_dictionaries(
            {"r": _positive(0.05, 10), "alpha": _positive(0.1, 100), "s": _positive(0.05, 10), "beta": _positive(0.1, 100)}
        )
    return st.fixed_dictionaries(
        {"r": _positive(0.3, 3), "alpha": _positive(2, 20), "s": _positive(0.3, 2), "beta": _positive(3, 30)}
    )


@st.composite
def histories(draw: st.DrawFn, max_customers: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid (frequency, recency, T) arrays: 0 <= recency <= T and recency = 0 without repeats."""
    n = draw(st.integers(1, max_customers))
    ages = np.array(draw(st.lists(st.floats(0, 300), min_size=n, max_size=n)))
    shares = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)))
    frequency = np.array(draw(st.lists(st.integers(0, 150), min_size=n, max_size=n)), dtype=float)
    recency = np.where(frequency > 0, ages * shares, 0.0)
    return frequency, recency, ages


horizons = st.lists(st.floats(0, 500), min_size=2, max_size=6).map(sorted)


#: The range the accuracy tests cover: beyond what a fit can return (parameters are searched in
#: [1.5e-8, 6.6e7]), with up to 1e4 repeat purchases.
SMALLEST, LARGEST = 1e-8, 1e12


def extreme_bgnbd_params() -> st.SearchStrategy[dict[str, float]]:
    """BG/NBD or MBG/NBD parameters anywhere from 1e-8 to 1e12 (r up to 1e8)."""
    return st.fixed_dictionaries(
        {"r": _positive(SMALLEST, 1e8), "alpha": _positive(SMALLEST, LARGEST), "a": _positive(SMALLEST, LARGEST),
         "b": _positive(SMALLEST, LARGEST)}
    )


def extreme_pareto_params() -> st.SearchStrategy[dict[str, float]]:
    """Pareto/NBD parameters anywhere from 1e-8 to 1e12 (r and s up to 1e4)."""
    return st.fixed_dictionaries(
        {"r": _positive(SMALLEST, 1e4), "alpha": _positive(SMALLEST, LARGEST), "s": _positive(SMALLEST, 1e4),
         "beta": _positive(SMALLEST, LARGEST)}
    )


@st.composite
def extreme_history(draw: st.DrawFn, scale: float) -> tuple[float, float, float, float]:
    """One customer's (t, x, t_x, T): up to 1e4 repeat purchases, ages from 1e-3 to 1e4, and a
    horizon t with t/(scale+T) from 1e-9 to 1e9 (so t/(scale+T+t) reaches 1 − 1e-9)."""
    x = float(draw(st.one_of(st.integers(0, 20), st.integers(0, 10_000))))
    T = draw(_positive(1e-3, 1e4))
    t_x = T * draw(st.floats(0, 1)) if x > 0 else 0.0
    t = draw(_positive(1e-9, 1e9)) * (scale + T)
    return t, x, t_x, T
