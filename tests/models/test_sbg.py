"""sBG: the Fader & Hardie (2007) published example and the model's identities."""

import numpy as np
import pytest

from customer_value.errors import ModelFitError, NotFittedError
from customer_value.models import ShiftedBetaGeoModel

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_reproduces_fader_hardie_2007_regular_customers():
    # The paper fits years 1-7 (survivors after 0..7 years) and reports α = 0.704, β = 1.182.
    model = ShiftedBetaGeoModel().fit(REGULAR[:8])
    assert model.params_["alpha"] == pytest.approx(0.704, rel=2e-3)
    assert model.params_["beta"] == pytest.approx(1.182, rel=2e-3)
    assert model.log_likelihood_ == pytest.approx(-1680.3, abs=0.05)
    # ...and projects years 8-12 close to what was later observed.
    projected = model.expected_survivors(12)
    assert np.abs(projected[8:] - REGULAR[8:]).max() < 12


def test_reproduces_fader_hardie_2007_high_end_customers():
    model = ShiftedBetaGeoModel().fit(HIGH_END[:8])
    assert model.params_["alpha"] == pytest.approx(0.668, rel=2e-3)
    assert model.params_["beta"] == pytest.approx(3.806, rel=2e-3)


def test_survival_retention_and_churn_are_consistent():
    model = ShiftedBetaGeoModel().fit(REGULAR[:8])
    alpha, beta = model.params_["alpha"], model.params_["beta"]
    t = np.arange(1, 20)
    survival = model.survival_function(np.arange(0, 20))
    assert survival[0] == 1.0
    assert model.retention_rate(t) == pytest.approx(survival[1:] / survival[:-1])
    assert model.churn_probability(t) == pytest.approx(survival[:-1] - survival[1:])
    assert model.churn_probability(1) == pytest.approx(alpha / (alpha + beta))


def test_discounted_expected_residual_lifetime_matches_the_sum():
    model = ShiftedBetaGeoModel().fit(REGULAR[:8])
    d, n = 0.1, 2
    survival = model.survival_function(np.arange(0, 3000))
    # Σ_{t>n} S(t)/S(n) / (1+d)^(t-n): payments at each future renewal, discounted.
    t = np.arange(n + 1, 3000)
    expected = np.sum(survival[t] / survival[n] / (1 + d) ** (t - n - 1))
    assert model.discounted_expected_residual_lifetime(d, renewals=n) == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize(
    ("survivors", "key"),
    [
        ([1000, 900], "models.sbg_too_short"),
        ([1000, 900, 950], "models.sbg_invalid_survivors"),
        ([1000, 900.5, 800], "models.sbg_invalid_survivors"),
        ([0, 0, 0], "models.sbg_invalid_survivors"),
        ([1000, np.nan, 800], "models.sbg_invalid_survivors"),
        ([1000, 1000, 1000], "models.sbg_no_churn"),
        ([1000, 0, 0], "models.sbg_all_churned"),
    ],
)
def test_bad_survivors_raise(survivors, key):
    with pytest.raises(ModelFitError) as info:
        ShiftedBetaGeoModel().fit(survivors)
    assert info.value.key == key


def test_not_fitted():
    with pytest.raises(NotFittedError, match="ShiftedBetaGeoModel instance is not fitted"):
        ShiftedBetaGeoModel().survival_function(3)
