"""Predictions against 30-digit references (mpmath) over the whole parameter range.

Parameters are drawn log-uniformly from 1e-8 to 1e12, up to 1e4 repeat purchases, horizons up to
t/(α+T+t) = 1 − 1e-9; every prediction must agree to a relative error of 1e-8.
"""

import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from model_strategies import bgnbd_params, extreme_bgnbd_params, extreme_history, extreme_pareto_params, histories
from mpmath_reference import (
    alive_purchases,
    alive_purchases_hyp2f1,
    bgnbd_conditional,
    bgnbd_count_probability,
    bgnbd_p_alive,
    pareto_conditional,
    pareto_p_alive,
    relative_error,
)

from customer_value.models import BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel

TOLERANCE = 1e-8
# No shrinking: each reference value takes about 0.1 s; a failure prints the drawn example.
REFERENCE = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
                     phases=[Phase.explicit, Phase.generate])
CHEAP = settings(REFERENCE, max_examples=150)
SHIFT = {BetaGeoModel: 0, ModifiedBetaGeoModel: 1}


def agrees(value: float, reference: mp.mpf) -> bool:
    """Within the relative tolerance, or both below the smallest normal double (underflow)."""
    return relative_error(value, reference) <= TOLERANCE or (reference < 1e-300 and 0 <= value < 1e-290)


def _with_params(cls, params):
    model = cls()
    model.params_ = dict(params)
    return model


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize(("m", "a", "b", "u"), [(3.7, 0.79, 5.4, 1.6), (0.25, 2.5, 0.3, 40.0), (12.0, 0.2, 30.0, 0.01)])
def test_reference_agrees_with_hyp2f1(m, a, b, u):
    reference = alive_purchases_hyp2f1(m, a, b, u)
    assert abs(alive_purchases(m, a, b, u) / reference - 1) < 1e-20


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@REFERENCE
@given(params=extreme_bgnbd_params(), data=st.data())
def test_conditional_expected_purchases(cls, params, data):
    t, x, t_x, T = data.draw(extreme_history(params["alpha"]))
    value = _with_params(cls, params).conditional_expected_purchases(t, [x], [t_x], [T])[0]
    assert agrees(value, bgnbd_conditional(params, t, x, t_x, T, SHIFT[cls]))


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@REFERENCE
@given(params=extreme_bgnbd_params(), u=st.floats(-9, 9).map(lambda v: 10.0**v))
def test_expected_purchases_of_a_new_customer(cls, params, u):
    t = u * params["alpha"]
    expected = bgnbd_conditional(params, t, 0.0, 0.0, 0.0, SHIFT[cls])
    assert agrees(_with_params(cls, params).expected_purchases(t), expected)


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@CHEAP
@given(params=extreme_bgnbd_params(), data=st.data())
def test_p_alive(cls, params, data):
    _, x, t_x, T = data.draw(extreme_history(params["alpha"]))
    value = _with_params(cls, params).p_alive([x], [t_x], [T])[0]
    assert agrees(value, bgnbd_p_alive(params, x, t_x, T, SHIFT[cls]))


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@settings(REFERENCE, max_examples=5)
@given(params=extreme_bgnbd_params(), data=st.data())
def test_discounted_purchases_for_clv(cls, params, data):
    step, x, t_x, T = data.draw(extreme_history(params["alpha"]))
    horizons, discounts = step * np.array([1.0, 2.0, 3.0]), np.array([0.99, 0.98, 0.97])
    value = _with_params(cls, params)._discounted_purchases(horizons, discounts, np.array([x]), np.array([t_x]), np.array([T]))[0]
    cumulative = [mp.mpf(0)] + [bgnbd_conditional(params, h, x, t_x, T, SHIFT[cls]) for h in horizons]
    expected = sum(d * (cumulative[i + 1] - cumulative[i]) for i, d in enumerate(discounts))
    assert agrees(value, expected)


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@settings(CHEAP, max_examples=60)
@given(params=extreme_bgnbd_params(), u=st.floats(-9, 9).map(lambda v: 10.0**v), n=st.one_of(st.integers(0, 30), st.integers(0, 10_000)))
def test_probability_of_n_purchases(cls, params, u, n):
    params = {**params, "r": min(params["r"], 1e4)}
    t = u * params["alpha"]
    value = _with_params(cls, params).probability_of_n_purchases(t, n)
    expected = bgnbd_count_probability(params, t, n, SHIFT[cls])
    assert agrees(value, expected)


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@settings(REFERENCE, max_examples=40)
@given(params=bgnbd_params(), history=histories(max_customers=1), t=st.floats(0.01, 500))
def test_conditional_expected_purchases_in_the_usual_range(cls, params, history, t):
    # Short windows take the series; the reference is the closed form with mpmath's 2F1 (the
    # quadrature at its removable singularity a = 1).
    x, t_x, T = (float(v[0]) for v in history)
    u = t / (params["alpha"] + T)
    shift = SHIFT[cls]
    closed_form = alive_purchases_hyp2f1 if params["a"] != 1 else alive_purchases
    factor = closed_form(params["r"] + x, params["a"], params["b"] + x + shift, u)
    expected = factor * bgnbd_p_alive(params, x, t_x, T, shift)
    assert agrees(_with_params(cls, params).conditional_expected_purchases(t, [x], [t_x], [T])[0], expected)


@REFERENCE
@given(params=extreme_pareto_params(), data=st.data())
def test_pareto_p_alive_and_predictions(params, data):
    t, x, t_x, T = data.draw(extreme_history(params["beta"]))
    model = _with_params(ParetoNBDModel, params)
    assert agrees(model.p_alive([x], [t_x], [T])[0], pareto_p_alive(params, x, t_x, T))
    assert agrees(model.conditional_expected_purchases(t, [x], [t_x], [T])[0], pareto_conditional(params, t, x, t_x, T))
