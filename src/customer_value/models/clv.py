"""Customer lifetime value: expected discounted margin from a purchase model and a spend model."""

from __future__ import annotations

from typing import Literal

import numpy as np

from customer_value.errors import UserError
from customer_value.models._base import check_is_fitted, finite_or_raise
from customer_value.models._purchase import PurchaseModel
from customer_value.models.gamma_gamma import GammaGammaModel

__all__ = ["UNITS_PER_MONTH", "customer_lifetime_value"]

#: Length of an average month (365.25 / 12 days) in each supported time unit.
UNITS_PER_MONTH = {"days": 365.25 / 12.0, "weeks": 365.25 / 12.0 / 7.0}


def customer_lifetime_value(
    purchase_model: PurchaseModel,
    spend_model: GammaGammaModel,
    frequency: object,
    recency: object,
    T: object,
    monetary_value: object,
    *,
    months: int = 12,
    time_unit: Literal["weeks", "days"] = "weeks",
    monthly_discount_rate: float = 0.01,
    margin: float = 1.0,
) -> np.ndarray:
    r"""Discounted expected margin of each customer over the next ``months`` months.

    .. math::

        \mathrm{CLV} = m \, E[Z \mid x, \bar z] \sum_{i=1}^{n}
            \frac{E[Y(t_i) \mid x, t_x, T] - E[Y(t_{i-1}) \mid x, t_x, T]}{(1+d)^{i}}

    with :math:`t_i` the end of month ``i`` in the models' time unit, ``d`` the monthly discount
    rate (cash flows discounted at the end of their month), ``m`` the margin, :math:`E[Y]` the
    purchase model's conditional expected purchases and :math:`E[Z]` the Gamma-Gamma expected
    spend per transaction. Vectorised: the purchase terms are computed once per distinct
    (frequency, T) pair.

    Parameters
    ----------
    purchase_model
        A fitted BG/NBD, Pareto/NBD or MBG/NBD model.
    spend_model
        A fitted Gamma-Gamma model.
    frequency, recency, T
        Each customer's history, in ``time_unit`` (as the purchase model was fitted).
    monetary_value
        Mean value of each customer's repeat transactions (0 or anything for one-time buyers).
    months
        Horizon in months (1 to 1200).
    time_unit
        Unit of ``recency``/``T`` and of the purchase model: ``"weeks"`` or ``"days"``.
    monthly_discount_rate
        Discount rate per month, in ``[0, 1)``.
    margin
        Share of revenue that is profit, in ``(0, 1]``.

    Returns
    -------
    One lifetime value per customer, in the unit of ``monetary_value``.

    Raises
    ------
    NotFittedError
        A model is not fitted.
    UserError
        An option is out of range.
    ModelFitError
        The inputs are invalid.
    """
    if not isinstance(purchase_model, PurchaseModel):
        raise UserError("models.invalid_argument", name="purchase_model", expected="a fitted purchase model", value=type(purchase_model).__name__)
    if not isinstance(spend_model, GammaGammaModel):
        raise UserError("models.invalid_argument", name="spend_model", expected="a fitted GammaGammaModel", value=type(spend_model).__name__)
    if time_unit not in UNITS_PER_MONTH:
        raise UserError("models.invalid_argument", name="time_unit", expected="'weeks' or 'days'", value=time_unit)
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or not 1 <= months <= 1200:
        raise UserError("models.invalid_argument", name="months", expected="a whole number from 1 to 1200", value=months)
    if not (np.isfinite(monthly_discount_rate) and 0 <= monthly_discount_rate < 1):
        raise UserError("models.invalid_argument", name="monthly_discount_rate", expected="a number in [0, 1)", value=monthly_discount_rate)
    if not (np.isfinite(margin) and 0 < margin <= 1):
        raise UserError("models.invalid_argument", name="margin", expected="a number in (0, 1]", value=margin)
    check_is_fitted(purchase_model)
    check_is_fitted(spend_model)
    x, t_x, age = purchase_model._customers(frequency, recency, T)
    spend = spend_model.conditional_expected_spend(x, monetary_value)
    steps = np.arange(1, int(months) + 1, dtype=np.float64)
    horizons = steps * UNITS_PER_MONTH[time_unit]
    discounts = (1.0 + monthly_discount_rate) ** -steps
    purchases = purchase_model._discounted_purchases(horizons, discounts, x, t_x, age)
    return finite_or_raise("customer_lifetime_value", purchases * spend * margin, "customer_lifetime_value")
