"""Inputs of the buy-till-you-die models: purchase days, and a calibration / holdout split.

Written as Ibis expressions so the same code runs on DuckDB and on Spark. The definitions are
those of the summary's ``btyd_*`` columns (:mod:`customer_value.features.summary`):

- a **purchase day** is a day with at least one completed order; its amount is the net sum of
  the day's completed and refund rows (refunds net within a day); cancelled orders are ignored,
  and a day holding only refunds is no purchase day;
- **frequency** is the number of repeat purchase days (purchase days after the first),
  **recency** the days from the first to the last purchase day, **T** the days from the first
  purchase day to the end of the period (that whole day included).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from customer_value.errors import ConfigError
from customer_value.features.summary import COMPLETED, REFUND, orders_until

__all__ = ["HOLDOUT_SHARE", "calibration_holdout", "default_split", "purchase_days"]

#: Share of the history that the default split holds out (the last third).
HOLDOUT_SHARE = 1.0 / 3.0


def purchase_days(orders: ir.Table) -> ir.Table:
    """One row per customer and purchase day: ``customer_id``, ``day`` (date), ``amount`` (net).

    Parameters
    ----------
    orders
        Clean orders: ``customer_id``, ``order_id``, ``ordered_at``, ``amount``, ``status``.
    """
    counted = orders.filter(orders.status.isin([COMPLETED, REFUND]))
    days = counted.group_by([counted.customer_id, counted.ordered_at.date().name("day")]).aggregate(
        amount=counted.amount.sum(),
        purchases=counted.order_id.nunique(where=counted.status == COMPLETED),
    )
    return days.filter(days.purchases > 0).drop("purchases")


def calibration_holdout(orders: ir.Table, calibration_end: dt.date, holdout_end: dt.date) -> ir.Table:
    """Per customer: the calibration summary and what happened in the holdout, all in days.

    The calibration period runs from each customer's first purchase day to ``calibration_end``,
    the holdout from the day after it to ``holdout_end`` (both ends whole days); nothing after
    ``holdout_end`` is read. Customers whose first purchase day is after ``calibration_end``
    are left out (they have no calibration history).

    Parameters
    ----------
    orders
        Clean orders: ``customer_id``, ``order_id``, ``ordered_at``, ``amount``, ``status``.
    calibration_end
        Last day of the calibration period.
    holdout_end
        Last day of the holdout period, after ``calibration_end``.

    Returns
    -------
    ibis.Table
        ``customer_id``; ``frequency`` (repeat purchase days in calibration), ``recency_days``,
        ``T_days`` (as the summary's ``btyd_*`` columns at ``calibration_end``),
        ``monetary_value`` (mean net amount of the calibration repeat purchase days, 0 without
        one), ``holdout_purchases`` (purchase days in the holdout) and ``holdout_spend`` (mean
        net amount **per holdout purchase day**, 0 without one — so the holdout revenue is
        ``holdout_purchases × holdout_spend``).

    Raises
    ------
    ConfigError
        ``holdout_end`` is not after ``calibration_end``.
    """
    if holdout_end <= calibration_end:
        raise ConfigError(
            "backtest.holdout_not_after",
            calibration_end=calibration_end.isoformat(),
            holdout_end=holdout_end.isoformat(),
        )
    days = purchase_days(orders_until(orders, holdout_end))
    end = ibis.date(calibration_end)
    days = days.mutate(first_day=days.day.min().over(group_by=days.customer_id))
    days = days.filter(days.first_day <= end)
    calibration = days.day <= end
    per_customer = days.group_by("customer_id").aggregate(
        purchase_days=days.count(where=calibration),
        first_day=days.first_day.min(),
        last_day=days.day.max(where=calibration),
        monetary_value=days.amount.mean(where=calibration & (days.day > days.first_day)),
        holdout_purchases=days.count(where=~calibration),
        holdout_spend=days.amount.mean(where=~calibration),
    )
    return per_customer.select(
        "customer_id",
        frequency=per_customer.purchase_days - 1,
        recency_days=per_customer.last_day.delta(per_customer.first_day, unit="day"),
        T_days=end.delta(per_customer.first_day, unit="day"),
        monetary_value=per_customer.monetary_value.fill_null(0),
        holdout_purchases=per_customer.holdout_purchases,
        holdout_spend=per_customer.holdout_spend.fill_null(0),
    )


def default_split(first_day: dt.date, last_day: dt.date, *, holdout_share: float = HOLDOUT_SHARE) -> dt.date:
    """The default calibration end: the last ``holdout_share`` of ``[first_day, last_day]`` is held out.

    Returns the day that ends the calibration period, ``first_day + floor((1 − share) × days)``.
    """
    span = (last_day - first_day).days
    return first_day + dt.timedelta(days=int(span * (1.0 - holdout_share)))
