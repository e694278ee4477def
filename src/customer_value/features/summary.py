"""The per-customer summary as of a date: orders, revenue, recency, frequency, monetary value.

Written as Ibis expressions so the same code runs on DuckDB and on Spark.

Definitions (whole days; ``as_of`` is a date and includes that whole day):

- ``orders``: distinct ``order_id`` of completed rows (lines of one order count once);
- ``gross_revenue``: sum of completed amounts; ``refunds``: minus the sum of refund rows;
  ``net_revenue`` = gross − refunds; cancelled orders never count as revenue;
- ``first_order_at`` / ``last_order_at``: first and last completed order;
- ``recency_days``: days from the last completed order to ``as_of``; ``tenure_days``: from the first;
- ``frequency`` = ``orders``; ``monetary`` = ``net_revenue``; ``average_order_value`` = net / orders;
- ``btyd_frequency``, ``btyd_recency_days``, ``btyd_T_days``, ``btyd_monetary``: the inputs of the
  buy-till-you-die models — repeat purchase days (purchases on one day are one transaction),
  days from the first to the last purchase day, days from the first purchase day to ``as_of``,
  and the mean net amount of the repeat purchase days.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

COMPLETED, CANCELLED, REFUND = "completed", "cancelled", "refund"


def orders_until(orders: ir.Table, as_of: dt.date) -> ir.Table:
    """Order rows placed on or before ``as_of`` (the whole day)."""
    cutoff = ibis.timestamp(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    return orders.filter(orders.ordered_at < cutoff)


def summarise_customers(orders: ir.Table, as_of: dt.date) -> ir.Table:
    """One row per customer with at least one completed order on or before ``as_of``.

    Parameters
    ----------
    orders
        Clean orders: ``customer_id``, ``order_id``, ``ordered_at``, ``amount``, ``status``.
    as_of
        The analysis date; nothing after it is seen.
    """
    rows = orders_until(orders, as_of)
    as_of_date = ibis.date(as_of)
    completed = rows.status == COMPLETED
    per_customer = rows.group_by("customer_id").aggregate(
        orders=rows.order_id.nunique(where=completed),
        gross_revenue=rows.amount.sum(where=completed),
        refunds=-rows.amount.sum(where=rows.status == REFUND),
        cancelled_orders=rows.order_id.nunique(where=rows.status == CANCELLED),
        first_order_at=rows.ordered_at.min(where=completed),
        last_order_at=rows.ordered_at.max(where=completed),
    )
    per_customer = per_customer.filter(per_customer.orders > 0)
    gross = per_customer.gross_revenue.fill_null(0)
    refunds = per_customer.refunds.fill_null(0)
    net = gross - refunds
    summary = per_customer.mutate(
        gross_revenue=gross,
        refunds=refunds,
        net_revenue=net,
        average_order_value=net / per_customer.orders,
        recency_days=as_of_date.delta(per_customer.last_order_at.date(), unit="day"),
        tenure_days=as_of_date.delta(per_customer.first_order_at.date(), unit="day"),
        frequency=per_customer.orders,
        monetary=net,
    )
    return summary.left_join(_btyd_inputs(rows, as_of), "customer_id").drop("customer_id_right")


def customers_left_out(orders: ir.Table, as_of: dt.date) -> ir.Table:
    """One row: the customers :func:`summarise_customers` leaves out, and why.

    A customer with order rows on or before ``as_of`` but no completed order is not in the
    summary: ``refund_only_customers`` have refund rows (their ``refund_only_amount`` is the
    positive sum refunded), ``cancelled_only_customers`` only cancelled orders.
    """
    rows = orders_until(orders, as_of)
    per_customer = rows.group_by("customer_id").aggregate(
        completed=rows.count(where=rows.status == COMPLETED),
        refund_rows=rows.count(where=rows.status == REFUND),
        refunded=-rows.amount.sum(where=rows.status == REFUND),
    )
    left_out = per_customer.filter(per_customer.completed == 0)
    refund_only = left_out.refund_rows > 0
    return left_out.aggregate(
        refund_only_customers=refund_only.sum().fill_null(0),
        refund_only_amount=left_out.refunded.sum(where=refund_only).fill_null(0),
        cancelled_only_customers=(~refund_only).sum().fill_null(0),
    )


def _btyd_inputs(rows: ir.Table, as_of: dt.date) -> ir.Table:
    """Per customer the (frequency, recency, T) triple in days and the mean repeat spend."""
    counted = rows.filter(rows.status.isin([COMPLETED, REFUND]))
    days = counted.group_by([counted.customer_id, counted.ordered_at.date().name("day")]).aggregate(
        day_amount=counted.amount.sum(),
        purchases=counted.order_id.nunique(where=counted.status == COMPLETED),
    )
    days = days.filter(days.purchases > 0)
    first_day = days.day.min().over(group_by=days.customer_id)
    days = days.mutate(is_first=days.day == first_day, first_day=first_day)
    per_customer = days.group_by("customer_id").aggregate(
        btyd_frequency=days.count() - 1,
        first_day=days.first_day.min(),
        last_day=days.day.max(),
        btyd_monetary=days.day_amount.mean(where=~days.is_first),
    )
    return per_customer.mutate(
        btyd_recency_days=per_customer.last_day.delta(per_customer.first_day, unit="day"),
        btyd_T_days=ibis.date(as_of).delta(per_customer.first_day, unit="day"),
        btyd_monetary=per_customer.btyd_monetary.fill_null(0),
    ).drop("first_day", "last_day")
