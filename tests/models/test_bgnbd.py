"""BG/NBD: the published CDNOW fit, hand-checked formulas, and errors."""

import numpy as np
import pytest
from cdnow_data import summary
from gradient_check import assert_gradient_matches

from customer_value.errors import ModelFitError, NotFittedError, UserError
from customer_value.models import BetaGeoModel


@pytest.fixture(scope="module")
def cdnow_fit():
    data = summary()
    return BetaGeoModel().fit(data["frequency"], data["recency"], data["T"]), data


def test_reproduces_fader_hardie_lee_2005_on_cdnow(cdnow_fit):
    model, _ = cdnow_fit
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert model.params_[name] == pytest.approx(value, rel=5e-3), name
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert set(model.standard_errors_) == set(published)
    assert all(se is not None and 0 < se < model.params_[n] for n, se in model.standard_errors_.items())


def test_expected_purchases_matches_paper_figure(cdnow_fit):
    # FHL 2005 report E[X(39)] ~ 1.19 and, for a customer with x=2, t_x=30.43, T=38.86,
    # E[Y(39) | x, t_x, T] ~ 1.226 (the "customer 1" of the spreadsheet note).
    model, _ = cdnow_fit
    assert model.expected_purchases(39) == pytest.approx(1.195, abs=2e-3)
    assert model.conditional_expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=2e-3)


def test_probabilities_are_consistent_with_the_expectation(cdnow_fit):
    model, _ = cdnow_fit
    n = np.arange(400)
    probs = model.probability_of_n_purchases(39.0, n)
    assert probs.sum() == pytest.approx(1.0, abs=1e-9)
    assert (n * probs).sum() == pytest.approx(model.expected_purchases(39.0), rel=1e-7)
    assert model.probability_of_n_purchases(0.0, 0) == pytest.approx(1.0)


def test_p_alive_hand_computed(cdnow_fit):
    model, _ = cdnow_fit
    r, alpha, a, b = (model.params_[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = 3, 10.0, 38.0
    expected = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    assert model.p_alive([x, 0], [t_x, 0], [T, 20.0]) == pytest.approx([expected, 1.0])


def test_conditional_equals_unconditional_for_a_newborn(cdnow_fit):
    model, _ = cdnow_fit
    assert model.conditional_expected_purchases(10.0, [0], [0.0], [0.0])[0] == pytest.approx(
        model.expected_purchases(10.0), rel=1e-10
    )


def test_analytic_gradient_matches_finite_differences(cdnow_fit):
    from customer_value.models._data import prepare_triples

    model, data = cdnow_fit
    triples = prepare_triples("t", data["frequency"], data["recency"], data["T"])
    assert_gradient_matches(model, np.array([0.3, 4.0, 0.8, 2.4]), triples, rel=1e-5)


def test_unfitted_use_raises_not_fitted_error():
    with pytest.raises(NotFittedError, match="This BetaGeoModel instance is not fitted yet. Call 'fit'"):
        BetaGeoModel().p_alive([1], [1.0], [2.0])
    with pytest.raises(NotFittedError):
        BetaGeoModel().expected_purchases(1.0)


def test_init_stores_options_unchanged():
    model = BetaGeoModel(initial_params={"r": 1, "alpha": 2, "a": 3, "b": 4}, n_starts=2)
    assert model.get_params()["n_starts"] == 2
    assert model.initial_params == {"r": 1, "alpha": 2, "a": 3, "b": 4}


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "key"),
    [
        ([0, 0, 0], [0, 0, 0], [5.0, 6.0, 7.0], "models.no_repeat_buyers"),
        ([2, 2, 2], [3.0, 4.0, 3.0], [5.0, 6.0, 7.0], "models.no_variation"),
        ([1], [1.0], [2.0], "models.too_few_customers"),
        ([0, 1, 0], [0, 0, 0], [0.0, 0.0, 0.0], "models.no_observation_time"),
        ([1, -1, 0], [1.0, 1.0, 0], [2.0, 2.0, 2.0], "models.invalid_input"),
        ([1, np.nan, 0], [1.0, 1.0, 0], [2.0, 2.0, 2.0], "models.invalid_input"),
        ([1, 2, 0], [3.0, 1.0, 0], [2.0, 2.0, 2.0], "models.invalid_input"),
        ([1, 2, 0], [1.0, 1.0, 0.5], [2.0, 2.0, 2.0], "models.invalid_input"),
        ([1.5, 2, 0], [1.0, 1.0, 0], [2.0, 2.0, 2.0], "models.invalid_input"),
        ([1, 2], [1.0, 1.0, 0], [2.0, 2.0, 2.0], "models.length_mismatch"),
    ],
)
def test_degenerate_or_invalid_data_raises_model_fit_error(frequency, recency, T, key):
    with pytest.raises(ModelFitError) as info:
        BetaGeoModel().fit(frequency, recency, T)
    assert info.value.key == key
    assert "models." not in str(info.value)  # rendered, not a bare key


def test_invalid_input_message_counts_every_problem():
    with pytest.raises(ModelFitError) as info:
        BetaGeoModel().fit([1, -1, np.nan, 2], [1.0, 1.0, 1.0, 3.0], [2.0, 2.0, 2.0, 2.0])
    fields = info.value.fields
    assert (fields["bad"], fields["negative"], fields["non_finite"], fields["recency_after_T"]) == (3, 1, 1, 1)
    assert "3 of 4" in str(info.value)
    assert "4 个客户中有 3 个" in info.value.render("zh")


def test_bad_horizon_raises_user_error(cdnow_fit):
    model, _ = cdnow_fit
    with pytest.raises(UserError):
        model.expected_purchases(-1.0)
    with pytest.raises(UserError):
        model.conditional_expected_purchases(np.nan, [1], [1.0], [2.0])


def test_horizon_arrays_broadcast_per_customer(cdnow_fit):
    model, data = cdnow_fit
    head = data.head(50)
    args = (head["frequency"], head["recency"], head["T"])
    horizons = np.linspace(1, 100, 50)
    together = model.conditional_expected_purchases(horizons, *args)
    one_by_one = [model.conditional_expected_purchases(t, *args)[i] for i, t in enumerate(horizons)]
    assert together == pytest.approx(one_by_one, rel=1e-12)
    assert np.asarray(model.expected_purchases([1.0, 2.0])).shape == (2,)
    assert isinstance(model.expected_purchases(1.0), float)
