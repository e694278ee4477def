"""Pareto/NBD: the published CDNOW fit, the quadrature against log 2F1, and the α = β branch."""

import numpy as np
import pytest
from cdnow_data import summary
from gradient_check import assert_gradient_matches

from customer_value.errors import NotFittedError
from customer_value.models import ParetoNBDModel
from customer_value.models._data import prepare_triples


@pytest.fixture(scope="module")
def cdnow():
    data = summary()
    triples = prepare_triples("test", data["frequency"], data["recency"], data["T"])
    return ParetoNBDModel().fit(data["frequency"], data["recency"], data["T"]), triples


def test_reproduces_published_cdnow_estimates(cdnow):
    model, _ = cdnow
    published = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67}
    for name, value in published.items():
        assert model.params_[name] == pytest.approx(value, rel=5e-3), name
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.1)
    assert all(se is not None and se > 0 for se in model.standard_errors_.values())


@pytest.mark.parametrize(
    "theta",
    [
        [0.553, 10.58, 0.606, 11.67],  # α < β
        [0.553, 20.0, 0.606, 2.0],  # α > β
        [0.4, 7.0, 0.9, 7.0],  # α = β
        [2.0, 0.5, 3.0, 80.0],
        [0.05, 200.0, 0.05, 0.3],
    ],
)
def test_quadrature_likelihood_equals_hypergeometric_form(cdnow, theta):
    model, triples = cdnow
    theta = np.array(theta)
    assert model._loglik(theta, triples)[0] == pytest.approx(model._final_loglik(theta, triples), rel=1e-10)


@pytest.mark.parametrize("theta", [[0.553, 10.58, 0.606, 11.67], [0.553, 20.0, 0.606, 2.0], [1.5, 3.0, 0.2, 40.0]])
def test_analytic_gradient_matches_finite_differences(cdnow, theta):
    model, triples = cdnow
    assert_gradient_matches(model, np.array(theta), triples, rel=1e-5, abs=1e-3)


def test_p_alive_and_expectations_hand_computed(cdnow):
    model, _ = cdnow
    r, alpha, s, beta = (model.params_[k] for k in ("r", "alpha", "s", "beta"))
    # Nobody with t_x = T can have died before the last purchase: P(alive) = 1.
    assert model.p_alive([3], [20.0], [20.0])[0] == pytest.approx(1.0)
    t = 39.0
    expected = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))
    assert model.expected_purchases(t) == pytest.approx(expected, rel=1e-12)
    x, t_x, T = 2, 30.43, 38.86
    alive = model.p_alive([x], [t_x], [T])[0]
    conditional = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) * alive
    assert model.conditional_expected_purchases(t, [x], [t_x], [T])[0] == pytest.approx(conditional, rel=1e-12)
    assert 0 < alive < 1


def test_alpha_equal_beta_branch_is_continuous(cdnow):
    model, triples = cdnow
    equal = model._final_loglik(np.array([0.5, 9.0, 0.6, 9.0]), triples)
    near = model._final_loglik(np.array([0.5, 9.0, 0.6, 9.0 + 1e-7]), triples)
    assert equal == pytest.approx(near, rel=1e-9)


def test_not_fitted():
    with pytest.raises(NotFittedError, match="ParetoNBDModel instance is not fitted"):
        ParetoNBDModel().conditional_expected_purchases(1.0, [1], [1.0], [2.0])
