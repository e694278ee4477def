"""MBG/NBD on CDNOW and its formulas."""

import numpy as np
import pytest
from cdnow_data import summary

from customer_value.models import BetaGeoModel, ModifiedBetaGeoModel


@pytest.fixture(scope="module")
def fits():
    data = summary()
    args = (data["frequency"], data["recency"], data["T"])
    return ModifiedBetaGeoModel().fit(*args), BetaGeoModel().fit(*args)


def test_fits_cdnow_close_to_bgnbd(fits):
    mbg, bg = fits
    assert all(np.isfinite(v) and v > 0 for v in mbg.params_.values())
    assert mbg.log_likelihood_ == pytest.approx(bg.log_likelihood_, rel=1e-3)
    # Values lifetimes' ModifiedBetaGeoFitter reports on this sample.
    expected = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    for name, value in expected.items():
        assert mbg.params_[name] == pytest.approx(value, rel=5e-3), name


def test_probabilities_sum_to_one_and_match_expectation(fits):
    mbg, _ = fits
    n = np.arange(400)
    probs = mbg.probability_of_n_purchases(52.0, n)
    assert probs.sum() == pytest.approx(1.0, abs=1e-9)
    assert (n * probs).sum() == pytest.approx(mbg.expected_purchases(52.0), rel=1e-7)


def test_one_time_buyers_are_not_assumed_alive(fits):
    mbg, bg = fits
    a, b = mbg.params_["a"], mbg.params_["b"]
    assert mbg.p_alive([0], [0.0], [0.0])[0] == pytest.approx(b / (a + b))
    assert bg.p_alive([0], [0.0], [30.0])[0] == 1.0
    assert mbg.p_alive([0], [0.0], [30.0])[0] < b / (a + b)


def test_conditional_for_newborn_equals_unconditional(fits):
    mbg, _ = fits
    assert mbg.conditional_expected_purchases(20.0, [0], [0.0], [0.0])[0] == pytest.approx(mbg.expected_purchases(20.0))
