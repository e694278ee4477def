"""Special functions with fallbacks where SciPy's implementation breaks down."""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["hyp2f1"]

_MAX_TERMS = 200_000


def _series(A: np.ndarray, B: np.ndarray, C: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Gauss's power series Σ (A)_n (B)_n / ((C)_n n!) z^n, summed until the terms vanish."""
    total = np.ones_like(z)
    term = np.ones_like(z)
    todo = np.arange(z.size)
    for n in range(_MAX_TERMS):
        term[todo] *= (A[todo] + n) * (B[todo] + n) / ((C[todo] + n) * (n + 1.0)) * z[todo]
        total[todo] += term[todo]
        todo = todo[np.abs(term[todo]) > 1e-17 * np.abs(total[todo])]
        if not todo.size:
            return total
    total[todo] = np.nan  # did not converge
    return total


def hyp2f1(A: object, B: object, C: object, z: object) -> np.ndarray:
    """The Gauss hypergeometric function 2F1(A, B; C; z) for 0 <= z < 1.

    SciPy's ``hyp2f1`` returns nan/inf for some arguments with large ``C`` and ``z`` near 1
    (e.g. 2F1(1, 9; 150; 0.95)); there the power series, which converges quickly when
    ``C`` is large, is summed instead.
    """
    values = np.asarray(special.hyp2f1(A, B, C, z), dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        args = [np.broadcast_to(np.asarray(v, dtype=np.float64), values.shape)[bad] for v in (A, B, C, z)]
        values = values.copy() if values.ndim else values.reshape(1)
        values[bad.reshape(values.shape)] = _series(*args)
        values = values.reshape(bad.shape)
    return values
