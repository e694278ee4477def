"""The analytic gradient of a model's log-likelihood against central finite differences."""

from __future__ import annotations

import numpy as np
import pytest


def assert_gradient_matches(model, theta: np.ndarray, data, *, rel: float = 1e-5, abs: float | None = None) -> None:
    """Each component of ``model._loglik``'s gradient at ``theta`` equals the central difference
    with a step of 1e-6 times that parameter, to within ``pytest.approx(rel=rel, abs=abs)``."""
    _, grad = model._loglik(theta, data)
    for i in range(len(theta)):
        step = np.zeros(len(theta))
        step[i] = 1e-6 * theta[i]
        numeric = (model._loglik(theta + step, data)[0] - model._loglik(theta - step, data)[0]) / (2 * step[i])
        assert grad[i] == pytest.approx(numeric, rel=rel, abs=abs)
