"""Churn features and labels at a cut-off date, as Ibis expressions over the clean tables.

Everything is measured at a *cut-off* (a date that includes its whole day): only rows dated on
or before it are read, so a model trained on past cut-offs never sees a customer's future.
One row per customer with a completed order on or before the cut-off (the customers of
:func:`~customer_value.features.summary.summarise_customers`).

Features (days are whole days counted back from the cut-off):

- from the summary: ``days_since_last_order``, ``tenure_days``, ``orders``, ``net_revenue``,
  ``average_order_value``; ``refund_share`` = refunds / gross revenue; ``cancelled_share`` =
  cancelled / (completed + cancelled) orders;
- purchase cycle over the distinct purchase days: ``mean_cycle_days`` and ``cycle_std_days`` of
  the gaps between them, ``last_cycle_days`` (the latest gap) and ``cycle_ratio`` =
  days since last order / mean cycle (null for one-time buyers);
- trends for W in 30, 90, 180 days: ``orders_{W}d`` and ``spend_{W}d`` (completed orders and
  their amount in the last W days), ``orders_prev_{W}d`` and ``spend_prev_{W}d`` (the W days
  before those), and ``order_trend_{W}d`` / ``spend_trend_{W}d`` = (last − previous) /
  (last + previous), in [−1, 1], 0 when both are 0;
- ``category_count`` and ``channel_count``: distinct categories / channels bought, when the
  orders have those columns;
- with ``interactions`` (``customer_id``, ``occurred_at``): ``interactions_90d``,
  ``interactions_prev_90d``, ``interaction_trend_90d``, ``days_since_last_interaction``;
- with ``tickets`` (``customer_id``, ``opened_at``, optional ``satisfaction`` 1–5 and
  ``sentiment``): ``tickets_90d``, ``tickets_total``, ``negative_tickets`` (satisfaction ≤ 2
  or sentiment ``negative``), ``mean_satisfaction``;
- with ``surveys`` (``customer_id``, ``answered_at``, ``nps`` 0–10): ``last_nps``, ``mean_nps``.

A customer without rows in an optional table gets 0 counts and null for the "days since" and
score features (LightGBM treats null as missing). The table also carries the BG/NBD inputs
``btyd_frequency``, ``btyd_recency_days``, ``btyd_T_days`` for the baselines; they are not
features (:data:`NON_FEATURES`).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from customer_value.features.summary import COMPLETED, orders_until, summarise_customers

__all__ = [
    "FEATURE_KEYS",
    "NON_FEATURES",
    "OPTIONAL_TABLES",
    "WINDOWS",
    "churn_features",
    "churn_labels",
]

#: Trend windows in days.
WINDOWS = (30, 90, 180)
#: Tables that add features when the workspace has them.
OPTIONAL_TABLES = ("interactions", "tickets", "surveys")
#: Columns of the feature table that are not model features.
NON_FEATURES = ("customer_id", "btyd_frequency", "btyd_recency_days", "btyd_T_days")
#: Satisfaction (1–5) at or below this marks a negative ticket.
NEGATIVE_SATISFACTION = 2

_WINDOW_KINDS = ("orders", "orders_prev", "spend", "spend_prev", "order_trend", "spend_trend")
_WINDOW_FEATURES = tuple(f"{kind}_{w}d" for w in WINDOWS for kind in _WINDOW_KINDS)
#: Every feature this module can produce, in table order (each has a ``factor.<key>`` message).
FEATURE_KEYS = (
    "days_since_last_order",
    "tenure_days",
    "orders",
    "net_revenue",
    "average_order_value",
    "refund_share",
    "cancelled_share",
    "mean_cycle_days",
    "cycle_std_days",
    "last_cycle_days",
    "cycle_ratio",
    *_WINDOW_FEATURES,
    "category_count",
    "channel_count",
    "interactions_90d",
    "interactions_prev_90d",
    "interaction_trend_90d",
    "days_since_last_interaction",
    "tickets_90d",
    "tickets_total",
    "negative_tickets",
    "mean_satisfaction",
    "last_nps",
    "mean_nps",
)


def _day_end(day: dt.date, days_back: int = 0) -> ir.TimestampScalar:
    """Midnight after ``day``, moved ``days_back`` days earlier: the exclusive end of a window."""
    return ibis.timestamp(dt.datetime.combine(day + dt.timedelta(days=1 - days_back), dt.time()))


def _as_timestamp(column: ir.Column) -> ir.TimestampColumn:
    return column if column.type().is_timestamp() else column.cast("timestamp")


def _trend(recent: ir.NumericValue, previous: ir.NumericValue) -> ir.FloatingValue:
    total = recent + previous
    return ibis.ifelse(total > 0, (recent - previous) / total.nullif(0), 0.0)


def _attach(left: ir.Table, right: ir.Table) -> ir.Table:
    return left.left_join(right, "customer_id").drop("customer_id_right")


def churn_features(
    orders: ir.Table,
    cutoff: dt.date,
    *,
    interactions: ir.Table | None = None,
    tickets: ir.Table | None = None,
    surveys: ir.Table | None = None,
) -> ir.Table:
    """One row of churn features per customer with a completed order on or before ``cutoff``.

    Parameters
    ----------
    orders
        Clean orders: ``customer_id``, ``order_id``, ``ordered_at``, ``amount``, ``status``;
        optional ``category`` and ``channel``.
    cutoff
        The date the features describe; rows after it are never read.
    interactions, tickets, surveys
        The optional tables (see the module docstring), or None when the workspace lacks them.

    Returns
    -------
    ``customer_id``, the features (see :data:`FEATURE_KEYS`; those of missing tables and
    columns are left out) and the BG/NBD inputs.
    """
    rows = orders_until(orders, cutoff)
    summary = summarise_customers(orders, cutoff)
    gross = summary.gross_revenue
    summary = summary.select(
        "customer_id",
        "btyd_frequency",
        "btyd_recency_days",
        "btyd_T_days",
        days_since_last_order=summary.recency_days,
        tenure_days=summary.tenure_days,
        orders=summary.orders,
        net_revenue=summary.net_revenue,
        average_order_value=summary.average_order_value,
        refund_share=ibis.ifelse(gross > 0, summary.refunds / gross.nullif(0), 0.0),
        cancelled_share=summary.cancelled_orders / (summary.orders + summary.cancelled_orders),
    )
    table = _attach(summary, _order_windows(rows, cutoff))
    table = _attach(table, _cycles(rows))
    table = table.mutate(cycle_ratio=table.days_since_last_order / table.mean_cycle_days.nullif(0))
    if interactions is not None:
        table = _attach(table, _interaction_features(interactions, cutoff))
    if tickets is not None:
        table = _attach(table, _ticket_features(tickets, cutoff))
    if surveys is not None:
        table = _attach(table, _survey_features(surveys, cutoff))
    table = _fill_counts(table)
    features = [key for key in FEATURE_KEYS if key in table.columns]
    return table.select("customer_id", *features, "btyd_frequency", "btyd_recency_days", "btyd_T_days")


def _order_windows(rows: ir.Table, cutoff: dt.date) -> ir.Table:
    completed = rows.status == COMPLETED
    at = rows.ordered_at
    metrics: dict[str, ir.Value] = {}
    for w in WINDOWS:
        recent = completed & (at >= _day_end(cutoff, w))
        previous = completed & (at >= _day_end(cutoff, 2 * w)) & (at < _day_end(cutoff, w))
        metrics[f"orders_{w}d"] = rows.order_id.nunique(where=recent)
        metrics[f"orders_prev_{w}d"] = rows.order_id.nunique(where=previous)
        metrics[f"spend_{w}d"] = rows.amount.sum(where=recent)
        metrics[f"spend_prev_{w}d"] = rows.amount.sum(where=previous)
    for column, name in (("category", "category_count"), ("channel", "channel_count")):
        if column in rows.columns:
            metrics[name] = rows[column].nunique(where=completed)
    windows = rows.group_by("customer_id").aggregate(**metrics)
    trends: dict[str, ir.Value] = {}
    for w in WINDOWS:
        spend, spend_prev = windows[f"spend_{w}d"].fill_null(0), windows[f"spend_prev_{w}d"].fill_null(0)
        trends[f"spend_{w}d"] = spend
        trends[f"spend_prev_{w}d"] = spend_prev
        trends[f"order_trend_{w}d"] = _trend(windows[f"orders_{w}d"], windows[f"orders_prev_{w}d"])
        trends[f"spend_trend_{w}d"] = _trend(spend.clip(lower=0), spend_prev.clip(lower=0))
    return windows.mutate(**trends)


def _cycles(rows: ir.Table) -> ir.Table:
    """Gaps between a customer's distinct purchase days: mean, standard deviation, latest."""
    days = rows.filter(rows.status == COMPLETED).select("customer_id", day=rows.ordered_at.date()).distinct()
    by_customer = ibis.window(group_by=days.customer_id, order_by=days.day)
    days = days.mutate(gap=days.day.delta(days.day.lag().over(by_customer), unit="day"))
    return days.group_by("customer_id").aggregate(
        mean_cycle_days=days.gap.mean(),
        cycle_std_days=days.gap.std(),
        last_cycle_days=days.gap.argmax(days.day),
    )


def _interaction_features(interactions: ir.Table, cutoff: dt.date) -> ir.Table:
    at = _as_timestamp(interactions.occurred_at)
    seen = interactions.mutate(at=at).filter(at < _day_end(cutoff))
    recent = seen.at >= _day_end(cutoff, 90)
    previous = (seen.at >= _day_end(cutoff, 180)) & ~recent
    per = seen.group_by("customer_id").aggregate(
        interactions_90d=recent.sum(),
        interactions_prev_90d=previous.sum(),
        last_interaction=seen.at.max(),
    )
    return per.mutate(
        interaction_trend_90d=_trend(per.interactions_90d, per.interactions_prev_90d),
        days_since_last_interaction=ibis.date(cutoff).delta(per.last_interaction.date(), unit="day"),
    ).drop("last_interaction")


def _ticket_features(tickets: ir.Table, cutoff: dt.date) -> ir.Table:
    at = _as_timestamp(tickets.opened_at)
    seen = tickets.mutate(at=at).filter(at < _day_end(cutoff))
    negative = ibis.literal(False)
    metrics: dict[str, ir.Value] = {
        "tickets_90d": (seen.at >= _day_end(cutoff, 90)).sum(),
        "tickets_total": seen.count(),
    }
    if "satisfaction" in seen.columns:
        satisfaction = seen.satisfaction.cast("float64")
        negative = negative | (satisfaction <= NEGATIVE_SATISFACTION).fill_null(False)
        metrics["mean_satisfaction"] = satisfaction.mean()
    if "sentiment" in seen.columns:
        negative = negative | (seen.sentiment.cast("string").lower() == "negative").fill_null(False)
    metrics["negative_tickets"] = negative.sum()
    return seen.group_by("customer_id").aggregate(**metrics)


def _survey_features(surveys: ir.Table, cutoff: dt.date) -> ir.Table:
    at = _as_timestamp(surveys.answered_at)
    seen = surveys.mutate(at=at).filter(at < _day_end(cutoff))
    if "nps" not in seen.columns:
        return seen.select("customer_id").distinct()
    seen = seen.filter(seen.nps.notnull())
    nps = seen.nps.cast("float64")
    return seen.group_by("customer_id").aggregate(last_nps=nps.argmax(seen.at), mean_nps=nps.mean())


def _fill_counts(table: ir.Table) -> ir.Table:
    """Counts and sums of customers without rows in a window or table are 0, not null."""
    counts = [c for c in table.columns if c.startswith(("orders_", "spend_", "interactions_", "tickets_"))
              or c in ("negative_tickets", "interaction_trend_90d", "category_count", "channel_count")]
    counts += [c for c in table.columns if c.startswith(("order_trend_", "spend_trend_"))]
    return table.mutate(**{c: table[c].fill_null(0) for c in counts})


def churn_labels(orders: ir.Table, cutoff: dt.date, window_days: int) -> ir.Table:
    """Whether each customer churned after ``cutoff``: no completed order in the next window.

    Parameters
    ----------
    orders
        Clean orders (as for :func:`churn_features`).
    cutoff
        The cut-off date; the customers are those with a completed order on or before it.
    window_days
        Length of the label window ``(cutoff, cutoff + window_days]`` in whole days; the caller
        makes sure the window ends on or before the analysis date.

    Returns
    -------
    ``customer_id`` and ``churned`` (1 = no completed order in the window, else 0).
    """
    before = orders_until(orders, cutoff)
    customers = before.filter(before.status == COMPLETED).select("customer_id").distinct()
    after = orders_until(orders, cutoff + dt.timedelta(days=window_days))
    after = after.filter((after.ordered_at >= _day_end(cutoff)) & (after.status == COMPLETED))
    active = after.select("customer_id").distinct().mutate(bought=ibis.literal(1))
    labelled = _attach(customers, active)
    return labelled.select("customer_id", churned=ibis.ifelse(labelled.bought.isnull(), 1, 0))

