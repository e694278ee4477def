"""Properties that hold for every purchase model and parameter value, checked with hypothesis."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_strategies import bgnbd_params, histories, horizons, pareto_params

from customer_value.models import (
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    ShiftedBetaGeoModel,
    group_triples,
    simulate_bgnbd,
    simulate_gamma_gamma,
    simulate_mbgnbd,
    simulate_pareto_nbd,
    simulate_sbg,
)

FAST = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

MODELS = {
    "bgnbd": (BetaGeoModel, bgnbd_params, simulate_bgnbd),
    "mbgnbd": (ModifiedBetaGeoModel, bgnbd_params, simulate_mbgnbd),
    "pareto_nbd": (ParetoNBDModel, pareto_params, simulate_pareto_nbd),
}

#: Parameters the weighting and row-order tests simulate customers from.
SIMULATED = {
    "bgnbd": {"r": 0.5, "alpha": 4.0, "a": 0.8, "b": 2.4},
    "mbgnbd": {"r": 0.5, "alpha": 4.0, "a": 0.9, "b": 1.6},
    "pareto_nbd": {"r": 0.6, "alpha": 8.0, "s": 0.6, "beta": 10.0},
}


def _with_params(cls, params):
    model = cls()
    model.params_ = dict(params)
    return model


@pytest.mark.parametrize("name", MODELS)
@FAST
@given(data=st.data(), history=histories())
def test_p_alive_is_a_probability(name, data, history):
    cls, params, _ = MODELS[name]
    model = _with_params(cls, data.draw(params()))
    alive = model.p_alive(*history)
    assert alive.shape == history[0].shape
    assert np.all(np.isfinite(alive)) and np.all((alive >= 0) & (alive <= 1))


@pytest.mark.parametrize("name", MODELS)
@FAST
@given(data=st.data(), history=histories(), ts=horizons)
def test_expected_purchases_finite_non_negative_non_decreasing(name, data, history, ts):
    cls, params, _ = MODELS[name]
    model = _with_params(cls, data.draw(params()))
    new = np.asarray(model.expected_purchases(ts))
    assert np.all(np.isfinite(new)) and np.all(new >= 0)
    assert np.all(np.diff(new) >= -1e-9 * (1 + new[1:]))
    paths = np.array([model.conditional_expected_purchases(t, *history) for t in ts])
    assert np.all(np.isfinite(paths)) and np.all(paths >= 0)
    assert np.all(np.diff(paths, axis=0) >= -1e-9 * (1 + paths[1:]))


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
@FAST
@given(params=bgnbd_params(), t=st.floats(0.01, 200))
def test_purchase_count_distribution_sums_to_one(cls, params, t):
    model = _with_params(cls, params)
    n = np.arange(3000)
    probs = model.probability_of_n_purchases(t, n)
    assert np.all((probs >= 0) & (probs <= 1))
    tail_mass = 1 - probs.sum()
    assert -1e-9 < tail_mass < 1e-3 or model.expected_purchases(t) > 100


def _within(fitted, truth, tolerance=5.0):
    """Each estimate within ``tolerance`` standard errors (plus 2%) of the truth."""
    for name, value in truth.items():
        se = fitted.standard_errors_[name]
        assert se is not None, name
        assert abs(fitted.params_[name] - value) <= tolerance * se + 0.02 * value, (name, fitted.params_, truth)


@pytest.mark.parametrize("name", MODELS)
@SLOW
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_fit_recovers_simulated_parameters(name, data, seed):
    cls, params, simulate = MODELS[name]
    truth = data.draw(params(wide=False))
    ages = np.random.default_rng(seed).uniform(26, 52, 10_000)
    customers = simulate(10_000, T=ages, seed=seed, **truth)
    fitted = cls().fit(customers["frequency"], customers["recency"], customers["T"])
    _within(fitted, truth)


@pytest.mark.parametrize("name", MODELS)
def test_day_rounded_data_repeats_triples_and_fits(name):
    cls, _, simulate = MODELS[name]
    truth = {"bgnbd": {"r": 0.24, "alpha": 4.4, "a": 0.8, "b": 2.4}, "mbgnbd": {"r": 0.5, "alpha": 6.2, "a": 0.9, "b": 1.6},
             "pareto_nbd": {"r": 0.55, "alpha": 10.6, "s": 0.6, "beta": 11.7}}[name]
    ages = np.random.default_rng(0).integers(0, 91, 20_000) / 7 + 26
    customers = simulate(20_000, T=ages, seed=1, round_to_days=True, **truth)
    assert np.allclose(customers["recency"] * 7, np.round(customers["recency"] * 7))
    x, *_ = group_triples(customers["frequency"], customers["recency"], customers["T"])
    assert len(x) < 0.5 * len(customers)
    fitted = cls().fit(customers["frequency"], customers["recency"], customers["T"])
    _within(fitted, truth, tolerance=6.0)


@pytest.mark.parametrize("name", MODELS)
@SLOW
@given(seed=st.integers(0, 2**16))
def test_weighted_triples_equal_per_customer_fit(name, seed):
    cls, _, simulate = MODELS[name]
    truth = SIMULATED[name]
    ages = np.random.default_rng(seed).integers(0, 60, 2_000) / 7 + 20
    customers = simulate(2_000, T=ages, seed=seed, round_to_days=True, **truth)
    per_customer = cls().fit(customers["frequency"], customers["recency"], customers["T"])
    x, t_x, T, counts, inverse = group_triples(customers["frequency"], customers["recency"], customers["T"])
    assert np.array_equal(x[inverse], customers["frequency"]) and counts.sum() == len(customers)
    weighted = cls().fit(x, t_x, T, weights=counts)
    for param, value in per_customer.params_.items():
        assert weighted.params_[param] == pytest.approx(value, rel=1e-7)
    assert weighted.log_likelihood_ == pytest.approx(per_customer.log_likelihood_, rel=1e-10)


@pytest.mark.parametrize("name", MODELS)
@SLOW
@given(seed=st.integers(0, 2**16))
def test_results_do_not_depend_on_row_order(name, seed):
    cls, _, simulate = MODELS[name]
    truth = SIMULATED[name]
    customers = simulate(1_500, T=30.0, seed=seed, **truth)
    order = np.random.default_rng(seed).permutation(len(customers))
    shuffled = customers.iloc[order]
    first = cls().fit(customers["frequency"], customers["recency"], customers["T"])
    second = cls().fit(shuffled["frequency"], shuffled["recency"], shuffled["T"])
    assert first.params_ == second.params_
    alive = first.p_alive(customers["frequency"], customers["recency"], customers["T"])
    assert np.array_equal(second.p_alive(shuffled["frequency"], shuffled["recency"], shuffled["T"]), alive[order])


@SLOW
@given(p=st.floats(2, 10), q=st.floats(2, 8), v=st.floats(5, 50), seed=st.integers(0, 2**16))
def test_gamma_gamma_recovers_simulated_parameters(p, q, v, seed):
    frequency = np.random.default_rng(seed).integers(1, 12, 8_000)
    spend = simulate_gamma_gamma(frequency, p=p, q=q, v=v, seed=seed)
    fitted = GammaGammaModel().fit(frequency, spend)
    _within(fitted, {"p": p, "q": q, "v": v})


@SLOW
@given(alpha=st.floats(0.3, 3), beta=st.floats(0.5, 6), seed=st.integers(0, 2**16))
def test_sbg_recovers_simulated_parameters_and_survival_decreases(alpha, beta, seed):
    survivors = simulate_sbg(20_000, alpha=alpha, beta=beta, periods=10, seed=seed)
    fitted = ShiftedBetaGeoModel().fit(survivors)
    _within(fitted, {"alpha": alpha, "beta": beta})
    curve = fitted.expected_survivors(30)
    assert curve[0] == 20_000 and np.all(np.diff(curve) <= 0)
    rates = fitted.retention_rate(np.arange(1, 30))
    assert np.all(np.diff(rates) >= 0)  # heterogeneity: retention rises as churners leave
