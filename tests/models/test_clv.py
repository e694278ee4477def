"""Customer lifetime value: monthly discounting of expected purchases times expected spend."""

import numpy as np
import pytest
from cdnow_data import summary_with_spend

from customer_value.errors import NotFittedError, UserError
from customer_value.models import (
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    customer_lifetime_value,
)


@pytest.fixture(scope="module")
def fitted():
    data = summary_with_spend()
    spend = GammaGammaModel().fit(data["x"], data["zbar"])
    purchases = {
        model.__name__: model().fit(data["x"], data["t_x"], data["T"])
        for model in (BetaGeoModel, ParetoNBDModel, ModifiedBetaGeoModel)
    }
    return purchases, spend, data


@pytest.mark.parametrize("name", ["BetaGeoModel", "ParetoNBDModel", "ModifiedBetaGeoModel"])
def test_clv_is_the_sum_of_discounted_monthly_purchases(fitted, name):
    purchases, spend, data = fitted
    model = purchases[name]
    args = (data["x"], data["t_x"], data["T"])
    clv = customer_lifetime_value(model, spend, *args, data["zbar"], months=6, monthly_discount_rate=0.02, margin=0.3)
    month = 365.25 / 12 / 7
    expected = np.zeros(len(data))
    previous = 0.0
    for i in range(1, 7):
        current = model.conditional_expected_purchases(i * month, *args)
        expected += (current - previous) / 1.02**i
        previous = current
    expected *= spend.conditional_expected_spend(data["x"], data["zbar"]) * 0.3
    assert clv == pytest.approx(expected, rel=1e-10)
    assert np.all(clv >= 0)


def test_days_and_weeks_agree_for_the_same_model(fitted):
    purchases, spend, data = fitted
    bg = purchases["BetaGeoModel"]
    days = BetaGeoModel()
    days.params_ = {**bg.params_, "alpha": bg.params_["alpha"] * 7}
    weeks = customer_lifetime_value(bg, spend, data["x"], data["t_x"], data["T"], data["zbar"])
    in_days = customer_lifetime_value(
        days, spend, data["x"], data["t_x"] * 7, data["T"] * 7, data["zbar"], time_unit="days"
    )
    assert in_days == pytest.approx(weeks, rel=1e-9)


def test_no_discount_equals_spend_times_expected_purchases(fitted):
    purchases, spend, data = fitted
    bg = purchases["BetaGeoModel"]
    clv = customer_lifetime_value(bg, spend, data["x"], data["t_x"], data["T"], data["zbar"], months=12, monthly_discount_rate=0.0)
    horizon = 12 * 365.25 / 12 / 7
    expected = bg.conditional_expected_purchases(horizon, data["x"], data["t_x"], data["T"]) * spend.conditional_expected_spend(
        data["x"], data["zbar"]
    )
    assert clv == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize(
    "options",
    [{"months": 0}, {"months": 2.5}, {"time_unit": "hours"}, {"monthly_discount_rate": -0.1}, {"margin": 0.0}, {"margin": 1.5}],
)
def test_bad_options_raise_user_error(fitted, options):
    purchases, spend, data = fitted
    with pytest.raises(UserError):
        customer_lifetime_value(purchases["BetaGeoModel"], spend, [1], [1.0], [2.0], [3.0], **options)


def test_unfitted_models_raise(fitted):
    _, spend, _ = fitted
    with pytest.raises(NotFittedError):
        customer_lifetime_value(BetaGeoModel(), spend, [1], [1.0], [2.0], [3.0])
