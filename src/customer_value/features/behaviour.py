"""Behavioural dimensions per customer as of a date, for clustering: 17 to 28 numbers per buyer.

Written as Ibis expressions (DuckDB or Spark). The population is the customer summary's: every
customer with at least one completed order on or before ``as_of``; nothing after ``as_of`` (the
whole day) is read, in any table.

Definitions (orders are grouped by ``order_id``; "orders" are completed orders; day windows end
on ``as_of`` and include it, so "last 90 days" means ``as_of − order day < 90``):

========================  ==========================================================================
recency_days              days from the last order to ``as_of``
frequency                 number of orders
monetary                  net revenue: completed amounts minus refunds (as in the summary)
tenure_days               days from the first order to ``as_of``
active_span_days          days from the first to the last order
orders_90d, orders_180d   orders in the last 90 / 180 days
order_trend               order rate in the last 180 days ÷ the rate since the first order
                          (1 = steady, 0 = stopped, > 1 = speeding up; 1 when tenure < 180 days)
interpurchase_days        mean days between distinct purchase days; one-day buyers get the larger
                          of their tenure and the population median (they have waited that long)
interpurchase_cv          standard deviation ÷ mean of those gaps (0 = clockwork); fewer than two
                          gaps → 1, the value of buying at random (Poisson)
average_order_value       net revenue ÷ orders
max_order_value           the largest order (sum of its lines)
items_per_order           total ``quantity`` ÷ orders (a line without quantity counts 1)
category_count            distinct ``category`` values bought (0 when none is recorded)
top_category_share        share of order lines in the most bought category (1 when none)
channel_count             distinct order ``channel`` values (0 when none is recorded)
main_channel_share        share of order lines through the main channel (1 when none)
discount_share            share of order lines with a non-zero ``discount``
margin_rate               1 − cost ÷ amount over lines with a ``cost`` (population median if none)
refund_rate               refunds ÷ gross revenue, clipped to 0..1
cancellation_rate         cancelled ÷ (completed + cancelled) orders
weekend_share             share of orders placed on Saturday or Sunday
hour_mean                 mean hour of day of the orders (0–24, minutes as fractions)
seasonal_share            share of orders in the promotion seasons: 1 Nov – 31 Dec (双11,
                          Black Friday, 双12, Christmas) and 1–18 Jun (618)
interactions_90d          rows of ``interactions`` in the last 90 days
tickets                   support tickets opened up to ``as_of``
nps                       mean NPS answered up to ``as_of`` (customers who never answered get the
                          median of those who did)
account_age_days          days since ``customers.signup_at`` (at least ``tenure_days``)
========================  ==========================================================================

A dimension whose table or column is absent is skipped: ``items_per_order`` needs
``orders.quantity``; the category, channel, discount and margin dimensions need
``orders.category`` / ``orders.channel`` / ``orders.discount`` / ``orders.cost``; the last four need
``interactions.occurred_at``, ``tickets.opened_at``, ``surveys.answered_at`` and ``surveys.nps``,
and ``customers.signup_at`` (time columns must hold dates or timestamps). Orders-only data
(customer, date, amount) gets the other 17; those that don't vary (e.g. the hour of day when
orders carry only a date) are left out by the clustering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import ibis
import ibis.expr.types as ir

from customer_value.features.summary import CANCELLED, COMPLETED, REFUND, orders_until

DimensionKind = Literal["count", "days", "mean_days", "money", "share", "ratio", "hour", "score"]


@dataclass(frozen=True)
class Dimension:
    """What a dimension measures, for scaling, rounding and rendering.

    ``kind``: ``count`` and ``days`` are whole numbers; ``money``, ``mean_days`` and ``ratio``
    are continuous; ``share`` lies in 0..1 and reads as a percentage; ``hour`` is 0–24; ``score``
    is a survey score.
    """

    name: str
    kind: DimensionKind
    needs: tuple[str, ...] = ()

    @property
    def integer(self) -> bool:
        """Whole-number values (thresholds between them read as ≤ n / ≥ n + 1)."""
        return self.kind in ("count", "days")

    @property
    def skewed(self) -> bool:
        """Long right tail: compress with a logarithm before clustering."""
        return self.kind in ("count", "days", "mean_days", "money", "ratio")


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("recency_days", "days"),
    Dimension("frequency", "count"),
    Dimension("monetary", "money"),
    Dimension("tenure_days", "days"),
    Dimension("active_span_days", "days"),
    Dimension("orders_90d", "count"),
    Dimension("orders_180d", "count"),
    Dimension("order_trend", "ratio"),
    Dimension("interpurchase_days", "mean_days"),
    Dimension("interpurchase_cv", "ratio"),
    Dimension("average_order_value", "money"),
    Dimension("max_order_value", "money"),
    Dimension("items_per_order", "ratio", ("orders.quantity",)),
    Dimension("category_count", "count", ("orders.category",)),
    Dimension("top_category_share", "share", ("orders.category",)),
    Dimension("channel_count", "count", ("orders.channel",)),
    Dimension("main_channel_share", "share", ("orders.channel",)),
    Dimension("discount_share", "share", ("orders.discount",)),
    Dimension("margin_rate", "share", ("orders.cost",)),
    Dimension("refund_rate", "share"),
    Dimension("cancellation_rate", "share"),
    Dimension("weekend_share", "share"),
    Dimension("hour_mean", "hour"),
    Dimension("seasonal_share", "share"),
    Dimension("interactions_90d", "count", ("interactions.occurred_at",)),
    Dimension("tickets", "count", ("tickets.opened_at",)),
    Dimension("nps", "score", ("surveys.answered_at", "surveys.nps")),
    Dimension("account_age_days", "days", ("customers.signup_at",)),
)
DIMENSION_BY_NAME = {d.name: d for d in DIMENSIONS}


@dataclass
class Behaviour:
    """The behavioural dimensions of every buyer, as an Ibis expression.

    Attributes
    ----------
    table
        ``customer_id`` and one float column per used dimension, no nulls.
    used
        Names of the dimensions in ``table``, in catalog order.
    skipped
        Dimension → the columns it needs and the data lacks (e.g. ``"orders.category"``); a time
        column that is not a date or timestamp counts as lacking.
    """

    table: ir.Table
    used: list[str]
    skipped: dict[str, str] = field(default_factory=dict)


def _cutoff(as_of: dt.date) -> ir.TimestampScalar:
    return ibis.timestamp(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))


def _available(
    orders: ir.Table, tables: dict[str, ir.Table | None]
) -> tuple[list[str], dict[str, str]]:
    columns = set()
    for name, table in {"orders": orders, **tables}.items():
        if table is None:
            continue
        schema = table.schema()
        columns.update(
            f"{name}.{c}" for c in table.columns if not c.endswith("_at") or schema[c].is_temporal()
        )
    used, skipped = [], {}
    for dim in DIMENSIONS:
        missing = [need for need in dim.needs if need not in columns]
        if missing:
            skipped[dim.name] = ", ".join(missing)
        else:
            used.append(dim.name)
    return used, skipped


def behaviour_dimensions(
    orders: ir.Table,
    as_of: dt.date,
    *,
    customers: ir.Table | None = None,
    interactions: ir.Table | None = None,
    tickets: ir.Table | None = None,
    surveys: ir.Table | None = None,
) -> Behaviour:
    """One row per customer with a completed order on or before ``as_of``, one column per dimension.

    Parameters
    ----------
    orders
        Clean orders: ``customer_id``, ``order_id``, ``ordered_at``, ``amount``, ``status``;
        optional ``quantity``, ``category``, ``channel``, ``discount``, ``cost``.
    as_of
        The analysis date; nothing after it is read.
    customers, interactions, tickets, surveys
        The other clean tables when the workspace has them (``signup_at``; ``occurred_at``;
        ``opened_at``; ``answered_at`` and ``nps``).

    Returns
    -------
    Behaviour
        The expression, the dimensions it holds and those skipped for missing data.
    """
    used, skipped = _available(
        orders, {"customers": customers, "interactions": interactions, "tickets": tickets, "surveys": surveys}
    )
    rows = orders_until(orders, as_of)
    table = _order_dimensions(rows, as_of)
    table = _join(table, _gap_dimensions(rows))
    if "items_per_order" in used:
        table = _join(table, _items(rows))
    if "category_count" in used:
        table = _join(table, _breadth(rows, "category", "category_count", "top_category_share"))
    if "channel_count" in used:
        table = _join(table, _breadth(rows, "channel", "channel_count", "main_channel_share"))
    if "discount_share" in used:
        table = _join(table, _discounts(rows))
    if "margin_rate" in used:
        table = _join(table, _margins(rows))
    if "interactions_90d" in used:
        table = _join(table, _recent_count(interactions, "occurred_at", as_of, "interactions_90d", days=90))
    if "tickets" in used:
        table = _join(table, _recent_count(tickets, "opened_at", as_of, "tickets"))
    if "nps" in used:
        table = _join(table, _nps(surveys, as_of))
    if "account_age_days" in used:
        table = _join(table, _signup(customers, as_of))
    return Behaviour(table=_finish(table, used, as_of), used=used, skipped=skipped)


def _join(left: ir.Table, right: ir.Table) -> ir.Table:
    joined = left.left_join(right, "customer_id")
    return joined.drop(*[c for c in joined.columns if c.endswith("_right")])


def _order_dimensions(rows: ir.Table, as_of: dt.date) -> ir.Table:
    per_order = rows.group_by(["customer_id", "order_id", "status"]).aggregate(
        value=rows.amount.sum(), at=rows.ordered_at.min()
    )
    o = per_order
    done = o.status == COMPLETED
    age = ibis.date(as_of).delta(o.at.date(), unit="day")
    month, day = o.at.month(), o.at.day()
    per_customer = o.group_by("customer_id").aggregate(
        frequency=o.order_id.count(where=done),
        gross=o.value.sum(where=done),
        refunds=-o.value.sum(where=o.status == REFUND),
        cancelled=o.order_id.count(where=o.status == CANCELLED),
        first_at=o.at.min(where=done),
        last_at=o.at.max(where=done),
        orders_90d=o.order_id.count(where=done & (age < 90)),
        orders_180d=o.order_id.count(where=done & (age < 180)),
        max_order_value=o.value.max(where=done),
        weekend_share=(o.at.day_of_week.index() >= 5).cast("float64").mean(where=done),
        hour_mean=(o.at.hour() + o.at.minute() / 60.0).mean(where=done),
        seasonal_share=((month >= 11) | ((month == 6) & (day <= 18))).cast("float64").mean(where=done),
    )
    return per_customer.filter(per_customer.frequency > 0)


def _gap_dimensions(rows: ir.Table) -> ir.Table:
    days = rows.filter(rows.status == COMPLETED).select("customer_id", day=rows.ordered_at.date()).distinct()
    previous = days.day.lag().over(group_by=days.customer_id, order_by=days.day)
    days = days.mutate(gap=days.day.delta(previous, unit="day").cast("float64"))
    return days.group_by("customer_id").aggregate(
        gap_mean=days.gap.mean(), gap_sd=days.gap.std(how="pop"), gaps=days.gap.count()
    )


def _items(rows: ir.Table) -> ir.Table:
    done = rows.filter(rows.status == COMPLETED)
    return done.group_by("customer_id").aggregate(
        item_count=done.quantity.try_cast("float64").fill_null(1.0).sum()
    )


def _breadth(rows: ir.Table, column: str, count_name: str, share_name: str) -> ir.Table:
    value = rows[column].cast("string")
    lines = rows.filter((rows.status == COMPLETED) & value.notnull() & (value.strip() != "")).mutate(
        breadth_value=value.strip()
    )
    per_value = lines.group_by(["customer_id", "breadth_value"]).aggregate(lines=lines.count())
    return per_value.group_by("customer_id").aggregate(
        **{count_name: per_value.count(), share_name: per_value.lines.max() / per_value.lines.sum()}
    )


def _discounts(rows: ir.Table) -> ir.Table:
    done = rows.filter(rows.status == COMPLETED)
    discounted = (done.discount.try_cast("float64").abs() > 0).fill_null(False)
    return done.group_by("customer_id").aggregate(discount_share=discounted.cast("float64").mean())


def _margins(rows: ir.Table) -> ir.Table:
    cost = rows.cost.try_cast("float64")
    done = rows.filter((rows.status == COMPLETED) & cost.notnull()).mutate(line_cost=cost)
    per_customer = done.group_by("customer_id").aggregate(
        line_amount=done.amount.sum(), line_costs=done.line_cost.sum()
    )
    return per_customer.select(
        "customer_id",
        margin_rate=ibis.ifelse(
            per_customer.line_amount > 0, 1 - per_customer.line_costs / per_customer.line_amount, ibis.null("float64")
        ),
    )


def _recent_count(
    table: ir.Table, column: str, as_of: dt.date, name: str, *, days: int | None = None
) -> ir.Table:
    seen = table.filter(table[column] < _cutoff(as_of))
    if days is not None:
        seen = seen.filter(ibis.date(as_of).delta(seen[column].date(), unit="day") < days)
    return seen.group_by("customer_id").aggregate(**{name: seen.count()})


def _nps(surveys: ir.Table, as_of: dt.date) -> ir.Table:
    score = surveys.nps.try_cast("float64")
    answered = surveys.filter((surveys.answered_at < _cutoff(as_of)) & score.notnull()).mutate(nps_value=score)
    return answered.group_by("customer_id").aggregate(nps=answered.nps_value.mean())


def _signup(customers: ir.Table, as_of: dt.date) -> ir.Table:
    signed = customers.filter(customers.signup_at < _cutoff(as_of))
    per_customer = signed.group_by("customer_id").aggregate(signup_at=signed.signup_at.min())
    return per_customer.select(
        "customer_id", signup_days=ibis.date(as_of).delta(per_customer.signup_at.date(), unit="day")
    )


def _finish(t: ir.Table, used: list[str], as_of: dt.date) -> ir.Table:
    as_of_date = ibis.date(as_of)
    frequency = t.frequency.cast("float64")
    gross = t.gross.fill_null(0.0)
    refunds = t.refunds.fill_null(0.0)
    net = gross - refunds
    tenure = as_of_date.delta(t.first_at.date(), unit="day").cast("float64")
    recent_window = ibis.least(tenure + 1, 180.0)
    gap_median = t.gap_mean.median()
    values: dict[str, ir.Value] = {
        "recency_days": as_of_date.delta(t.last_at.date(), unit="day"),
        "frequency": frequency,
        "monetary": net,
        "tenure_days": tenure,
        "active_span_days": t.last_at.date().delta(t.first_at.date(), unit="day"),
        "orders_90d": t.orders_90d,
        "orders_180d": t.orders_180d,
        "order_trend": (t.orders_180d / recent_window) / (frequency / (tenure + 1)),
        "interpurchase_days": t.gap_mean.fill_null(ibis.greatest(tenure, gap_median.fill_null(0.0))),
        "interpurchase_cv": ibis.ifelse((t.gaps >= 2) & (t.gap_mean > 0), t.gap_sd / t.gap_mean, 1.0),
        "average_order_value": net / frequency,
        "max_order_value": t.max_order_value,
        "refund_rate": ibis.ifelse(gross > 0, ibis.least(ibis.greatest(refunds / gross, 0.0), 1.0), 0.0),
        "cancellation_rate": t.cancelled / (t.frequency + t.cancelled),
        "weekend_share": t.weekend_share,
        "hour_mean": t.hour_mean,
        "seasonal_share": t.seasonal_share,
    }
    if "items_per_order" in used:
        values["items_per_order"] = t.item_count.fill_null(frequency) / frequency
    if "category_count" in used:
        values["category_count"] = t.category_count.fill_null(0)
        values["top_category_share"] = t.top_category_share.fill_null(1.0)
    if "channel_count" in used:
        values["channel_count"] = t.channel_count.fill_null(0)
        values["main_channel_share"] = t.main_channel_share.fill_null(1.0)
    if "discount_share" in used:
        values["discount_share"] = t.discount_share.fill_null(0.0)
    if "margin_rate" in used:
        values["margin_rate"] = t.margin_rate.fill_null(t.margin_rate.median()).fill_null(0.0)
    if "interactions_90d" in used:
        values["interactions_90d"] = t.interactions_90d.fill_null(0)
    if "tickets" in used:
        values["tickets"] = t.tickets.fill_null(0)
    if "nps" in used:
        values["nps"] = t.nps.fill_null(t.nps.median()).fill_null(0.0)
    if "account_age_days" in used:
        values["account_age_days"] = ibis.greatest(t.signup_days.cast("float64").fill_null(tenure), tenure)
    return t.select("customer_id", **{name: values[name].cast("float64").fill_null(0.0) for name in used})
