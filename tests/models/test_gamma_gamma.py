"""Gamma-Gamma on the CDNOW repeat buyers, its formulas and its errors."""

import numpy as np
import pytest
from cdnow_data import summary_with_spend
from gradient_check import assert_gradient_matches

from customer_value.errors import ModelFitError, NotFittedError
from customer_value.models import GammaGammaModel
from customer_value.models.gamma_gamma import prepare_spend


@pytest.fixture(scope="module")
def cdnow_fit():
    data = summary_with_spend()
    return GammaGammaModel().fit(data["x"], data["zbar"]), data


def test_reproduces_fader_hardie_2013_on_cdnow(cdnow_fit):
    model, data = cdnow_fit
    assert model.n_customers_ == 946 == int((data["x"] > 0).sum())
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert model.params_[name] == pytest.approx(value, rel=5e-3), name
    assert all(se is not None and se > 0 for se in model.standard_errors_.values())


def test_conditional_spend_is_a_weighted_mean(cdnow_fit):
    model, _ = cdnow_fit
    p, q, v = (model.params_[k] for k in "pqv")
    population = p * v / (q - 1)
    assert model.expected_spend() == pytest.approx(population)
    x, zbar = 4, 50.0
    weight = p * x / (p * x + q - 1)
    got = model.conditional_expected_spend([x, 0], [zbar, 0.0])
    assert got == pytest.approx([(1 - weight) * population + weight * zbar, population])


def test_analytic_gradient_matches_finite_differences(cdnow_fit):
    _, data = cdnow_fit
    weights = np.random.default_rng(0).integers(1, 4, len(data))
    spend = prepare_spend("test", data["x"], data["zbar"], weights)
    assert_gradient_matches(GammaGammaModel(), np.array([3.0, 2.5, 20.0]), spend, rel=1e-5)


def test_weights_equal_repeated_rows(cdnow_fit):
    _, data = cdnow_fit
    repeat = data[data["x"] > 0].head(200)
    doubled = GammaGammaModel().fit(np.repeat(repeat["x"], 2), np.repeat(repeat["zbar"], 2))
    weighted = GammaGammaModel().fit(repeat["x"], repeat["zbar"], weights=np.full(len(repeat), 2))
    for name in "pqv":
        assert weighted.params_[name] == pytest.approx(doubled.params_[name], rel=1e-6)


@pytest.mark.parametrize(
    ("frequency", "monetary", "key"),
    [
        ([0, 0, 1], [0.0, 0.0, 5.0], "models.gg_too_few"),
        ([1, 2, 3, 4], [5.0, 5.0, 5.0, 5.0], "models.gg_no_variation"),
        ([1, 2, 3, 4], [5.0, -1.0, 5.0, 6.0], "models.gg_invalid_input"),
        ([1, 2, 3, 4], [5.0, 0.0, 5.0, 6.0], "models.gg_invalid_input"),
        ([1, 2, np.nan, 4], [5.0, 1.0, 5.0, 6.0], "models.gg_invalid_input"),
        ([1, 2, 3], [5.0, 1.0], "models.length_mismatch"),
    ],
)
def test_bad_input_raises(frequency, monetary, key):
    with pytest.raises(ModelFitError) as info:
        GammaGammaModel().fit(frequency, monetary)
    assert info.value.key == key


@pytest.mark.filterwarnings("ignore::customer_value.errors.ConvergenceWarning")
def test_heavy_tail_with_infinite_mean_is_refused():
    rng = np.random.default_rng(3)
    x = rng.integers(1, 3, 3000)
    # Pareto-like spends: a customer mean with q well below 1 (no finite mean).
    spend = np.exp(rng.standard_cauchy(3000).clip(-50, 50) * 1.5) + 1
    model = GammaGammaModel().fit(x, rng.gamma(6.0, 10.0, 3000))  # an earlier, usable fit
    with pytest.raises(ModelFitError) as info:
        model.fit(x, spend)
    assert info.value.key == "models.gg_infinite_mean"
    # nothing of either fit is left behind: the model is as if never fitted
    assert [name for name in vars(model) if name.endswith("_")] == []
    with pytest.raises(NotFittedError):
        model.conditional_expected_spend([1], [2.0])


def test_not_fitted():
    with pytest.raises(NotFittedError, match="GammaGammaModel instance is not fitted"):
        GammaGammaModel().conditional_expected_spend([1], [2.0])
