"""Per-customer activity that the value and lifecycle rules need beyond the summary (Ibis).

Every expression sees only rows on or before ``as_of`` (the whole day). Windows are whole days
ending with ``as_of``: "the last 90 days" are ``as_of − 89`` … ``as_of``.

- :func:`recent_activity`: net spend (completed amounts plus refund rows) and completed orders in
  the last ``days`` days;
- :func:`order_halves`: completed orders in the early and the late half of each customer's
  tenure (first order → end of ``as_of``), split at the midpoint;
- :func:`order_profit`: profit of completed and refund rows — ``margin`` where given, else
  ``amount − cost`` — and the revenue of the rows whose profit is known;
- :func:`category_pairs`: the distinct categories each customer bought;
- :func:`recent_interactions`: interactions in the last ``days`` days.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from customer_value.features.summary import COMPLETED, REFUND, orders_until


def _window_start(as_of: dt.date, days: int) -> ir.TimestampScalar:
    return ibis.timestamp(dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time()))


def _end_of(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def recent_activity(orders: ir.Table, as_of: dt.date, *, days: int = 90) -> ir.Table:
    """``customer_id``, ``recent_spend`` and ``recent_orders`` over the last ``days`` days.

    Only customers with a completed or refund row in the window have a row.
    """
    rows = orders_until(orders, as_of)
    rows = rows.filter((rows.ordered_at >= _window_start(as_of, days)) & rows.status.isin([COMPLETED, REFUND]))
    return rows.group_by("customer_id").aggregate(
        recent_spend=rows.amount.sum(),
        recent_orders=rows.order_id.nunique(where=rows.status == COMPLETED),
    )


def order_halves(orders: ir.Table, as_of: dt.date) -> ir.Table:
    """``customer_id``, ``orders_early_half``, ``orders_late_half`` of the customer's tenure.

    The tenure runs from the first completed order to the end of ``as_of``; an order at or after
    its midpoint is late. The first order is always early.
    """
    rows = orders_until(orders, as_of)
    rows = rows.filter(rows.status == COMPLETED)
    end = ibis.literal(_end_of(as_of)).epoch_seconds()
    seconds = rows.ordered_at.epoch_seconds()
    first = seconds.min().over(group_by=rows.customer_id)
    rows = rows.mutate(_late=seconds * 2 >= first + end)
    return rows.group_by("customer_id").aggregate(
        orders_early_half=rows.order_id.nunique(where=~rows._late),
        orders_late_half=rows.order_id.nunique(where=rows._late),
    )


def order_profit(orders: ir.Table, as_of: dt.date) -> ir.Table | None:
    """``customer_id``, ``profit``, ``profit_revenue`` where orders carry ``margin`` or ``cost``.

    ``profit`` sums, over completed and refund rows whose profit is known, ``margin`` (if given)
    else ``amount − cost``; ``profit_revenue`` sums the amounts of those rows. None when the
    orders have neither column.
    """
    has_margin, has_cost = "margin" in orders.columns, "cost" in orders.columns
    if not (has_margin or has_cost):
        return None
    rows = orders_until(orders, as_of)
    rows = rows.filter(rows.status.isin([COMPLETED, REFUND]))
    by_cost = (rows.amount - rows.cost.cast("float64")) if has_cost else ibis.null("float64")
    profit = rows.margin.cast("float64").coalesce(by_cost) if has_margin else by_cost
    rows = rows.mutate(_profit=profit)
    known = rows._profit.notnull()
    return rows.group_by("customer_id").aggregate(
        profit=rows._profit.sum(where=known),
        profit_revenue=rows.amount.sum(where=known),
    )


def category_pairs(orders: ir.Table, as_of: dt.date) -> ir.Table | None:
    """Distinct (``customer_id``, ``category``) of completed orders; None without categories."""
    if "category" not in orders.columns:
        return None
    rows = orders_until(orders, as_of)
    rows = rows.filter((rows.status == COMPLETED) & rows.category.notnull())
    category = rows.category.cast("string").strip()
    rows = rows.mutate(category=category).filter(category != "")
    return rows.select("customer_id", "category").distinct()


def recent_interactions(interactions: ir.Table, as_of: dt.date, *, days: int = 90) -> ir.Table:
    """``customer_id`` and ``recent_interactions``: interaction rows in the last ``days`` days."""
    at = interactions.occurred_at
    rows = interactions.filter((at >= _window_start(as_of, days)) & (at < ibis.timestamp(_end_of(as_of))))
    return rows.group_by("customer_id").aggregate(recent_interactions=rows.count())
