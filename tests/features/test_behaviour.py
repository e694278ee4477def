"""Behavioural dimensions: each definition on a hand-made case, nothing after as_of, skipping."""

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from customer_value.features.behaviour import DIMENSIONS, behaviour_dimensions
from customer_value.sample import generate_crm

AS_OF = dt.date(2024, 3, 31)  # a Sunday

ORDER_COLUMNS = ["customer_id", "order_id", "ordered_at", "amount", "status", "category", "channel", "quantity",
                 "cost", "discount"]
ORDERS = [
    # a: three orders (the first has two lines), a refund, a cancelled order
    ("a", "1", "2024-01-01 10:00", 100.0, "completed", "X", "web", 2, 60.0, 0.0),  # Monday
    ("a", "1", "2024-01-01 10:00", 50.0, "completed", "Y", "web", 1, 20.0, 5.0),
    ("a", "2", "2024-01-06 14:30", 80.0, "completed", "X", "app", 1, 40.0, 0.0),  # Saturday
    ("a", "R2", "2024-01-07 09:00", -30.0, "refund", None, None, None, None, None),
    ("a", "3", "2024-03-20 20:00", 200.0, "completed", "X", "web", 3, 100.0, 0.0),  # Wednesday
    ("a", "4", "2024-03-25 11:00", 999.0, "cancelled", "Z", "tv", 9, 1.0, 9.0),
    # b: one order on 双11 (a Saturday), no category, channel, quantity or cost
    ("b", "5", "2023-11-11 09:00", 40.0, "completed", None, None, None, None, None),
    # d: two orders on one day in the 618 season (a Monday)
    ("d", "6", "2023-06-05 12:00", 10.0, "completed", "X", "web", 1, 5.0, 0.0),
    ("d", "7", "2023-06-05 13:00", 30.0, "completed", "X", "web", 1, 15.0, 0.0),
    # c: only a cancelled order, so not a customer of the summary
    ("c", "8", "2024-01-05 08:00", 70.0, "cancelled", "X", "web", 1, 1.0, 0.0),
    # after as_of: never seen
    ("a", "9", "2024-04-01 00:00", 5000.0, "completed", "W", "fax", 50, 1.0, 1.0),
    ("b", "10", "2024-04-05 12:00", 5000.0, "completed", "W", "fax", 50, 1.0, 1.0),
    ("c", "11", "2024-04-05 12:00", 5000.0, "completed", "W", "fax", 50, 1.0, 1.0),
]
INTERACTIONS = [("a", "2024-03-01 10:00"), ("a", "2024-01-01 10:00"), ("a", "2024-04-01 10:00"),
                ("d", "2024-03-31 23:00")]
TICKETS = [("a", "2024-02-01 10:00"), ("a", "2024-04-02 10:00"), ("b", "2023-12-01 10:00")]
SURVEYS = [("a", "2024-02-01", 9), ("a", "2024-03-01", 7), ("a", "2024-04-10", 0), ("b", "2024-01-01", None)]
CUSTOMERS = [("a", "2023-12-01"), ("b", "2024-05-01"), ("d", "2023-07-01"), ("c", "2023-01-01")]


def _frame(rows, columns, times):
    frame = pd.DataFrame(rows, columns=columns)
    for column in times:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _tables():
    orders = _frame(ORDERS, ORDER_COLUMNS, ["ordered_at"])
    orders["quantity"] = orders["quantity"].astype("Int64")
    return {
        "orders": orders,
        "interactions": _frame(INTERACTIONS, ["customer_id", "occurred_at"], ["occurred_at"]).assign(kind="visit"),
        "tickets": _frame(TICKETS, ["customer_id", "opened_at"], ["opened_at"]),
        "surveys": _frame(SURVEYS, ["customer_id", "answered_at", "nps"], ["answered_at"]).astype({"nps": "Int64"}),
        "customers": _frame(CUSTOMERS, ["customer_id", "signup_at"], ["signup_at"]),
    }


def _compute(tables, as_of=AS_OF):
    memtables = {name: ibis.memtable(frame) for name, frame in tables.items()}
    behaviour = behaviour_dimensions(memtables.pop("orders"), as_of, **memtables)
    frame = ibis.duckdb.connect().execute(behaviour.table).set_index("customer_id").sort_index()
    return frame, behaviour


@pytest.fixture(scope="module")
def dims():
    return _compute(_tables())


def test_every_dimension_is_computed_on_rich_data(dims):
    frame, behaviour = dims
    assert behaviour.used == [d.name for d in DIMENSIONS] and behaviour.skipped == {}
    assert list(frame.columns) == behaviour.used
    assert list(frame.index) == ["a", "b", "d"]  # c has no completed order
    assert not frame.isna().any().any()


def test_order_dimensions_by_hand(dims):
    a, b, d = (dims[0].loc[c] for c in "abd")
    expected_a = {
        "recency_days": 11, "frequency": 3, "monetary": 400.0, "tenure_days": 90, "active_span_days": 79,
        "orders_90d": 2, "orders_180d": 3, "order_trend": 1.0, "interpurchase_days": 39.5,
        "interpurchase_cv": 34.5 / 39.5, "average_order_value": 400 / 3, "max_order_value": 200.0,
        "items_per_order": 7 / 3, "category_count": 2, "top_category_share": 0.75, "channel_count": 2,
        "main_channel_share": 0.75, "discount_share": 0.25, "margin_rate": 1 - 220 / 430,
        "refund_rate": 30 / 430, "cancellation_rate": 0.25, "weekend_share": 1 / 3,
        "hour_mean": (10 + 14.5 + 20) / 3, "seasonal_share": 0.0,
    }  # fmt: skip
    assert a[list(expected_a)].to_dict() == pytest.approx(expected_a)
    expected_b = {
        "recency_days": 141, "frequency": 1, "monetary": 40.0, "tenure_days": 141, "active_span_days": 0,
        "orders_90d": 0, "orders_180d": 1, "order_trend": 1.0,
        "interpurchase_days": 141,  # one purchase day: the larger of tenure and the median gap (39.5)
        "interpurchase_cv": 1.0, "items_per_order": 1.0, "category_count": 0, "top_category_share": 1.0,
        "channel_count": 0, "main_channel_share": 1.0, "discount_share": 0.0,
        "margin_rate": (1 - 220 / 430 + 0.5) / 2,  # no cost recorded: the median of a and d
        "refund_rate": 0.0, "cancellation_rate": 0.0, "weekend_share": 1.0, "hour_mean": 9.0, "seasonal_share": 1.0,
    }  # fmt: skip
    assert b[list(expected_b)].to_dict() == pytest.approx(expected_b)
    # two orders on one day: two orders, one purchase day, no gap; 618 season, a Monday
    assert d[["frequency", "tenure_days", "interpurchase_days", "interpurchase_cv", "seasonal_share",
              "weekend_share", "hour_mean", "margin_rate"]].to_list() == pytest.approx(
        [2, 300, 300, 1.0, 1.0, 0.0, 12.5, 0.5])


def test_order_trend_compares_the_last_180_days_with_the_usual_rate():
    rows = [("t", str(i), day, 10.0, "completed") for i, day in enumerate(
        ["2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01", "2024-01-15"])]
    orders = _frame(rows, ORDER_COLUMNS[:5], ["ordered_at"])
    frame, _ = _compute({"orders": orders})
    tenure = (pd.Timestamp(AS_OF) - pd.Timestamp("2023-01-01")).days
    assert frame.loc["t", "order_trend"] == pytest.approx((1 / 180) / (5 / (tenure + 1)))


def test_engagement_dimensions_by_hand(dims):
    frame = dims[0]
    assert frame["interactions_90d"].to_dict() == {"a": 1, "b": 0, "d": 1}
    assert frame["tickets"].to_dict() == {"a": 1, "b": 1, "d": 0}
    assert frame["nps"].to_dict() == {"a": 8.0, "b": 8.0, "d": 8.0}  # never answered: the median
    # since sign-up, at least since the first order; a sign-up after as_of is not seen
    assert frame["account_age_days"].to_dict() == {"a": 121, "b": 141, "d": 300}


def test_nothing_after_as_of_is_read(dims):
    tables = _tables()
    cutoff = pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    for name, column in [("orders", "ordered_at"), ("interactions", "occurred_at"), ("tickets", "opened_at"),
                         ("surveys", "answered_at"), ("customers", "signup_at")]:
        tables[name] = tables[name][tables[name][column] < cutoff]
    before, _ = _compute(tables)
    pd.testing.assert_frame_equal(before, dims[0])


def test_nothing_after_as_of_is_read_on_synthetic_crm():
    data = generate_crm(300, seed=3)
    as_of = dt.date(2024, 6, 30)
    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    times = {"orders": "ordered_at", "interactions": "occurred_at", "tickets": "opened_at",
             "surveys": "answered_at", "customers": "signup_at"}
    full = {name: getattr(data, name) for name in times}
    cut = {name: frame[frame[times[name]] < cutoff] for name, frame in full.items()}
    whole, behaviour = _compute(full, as_of)
    seen, _ = _compute(cut, as_of)
    pd.testing.assert_frame_equal(whole, seen)
    assert len(behaviour.used) >= 20 and behaviour.skipped == {"discount_share": "orders.discount"}
    assert not whole.isna().any().any() and np.isfinite(whole.to_numpy()).all()


def test_orders_only_data_gets_seventeen_dimensions():
    orders = _frame([r[:5] for r in ORDERS], ORDER_COLUMNS[:5], ["ordered_at"])
    frame, behaviour = _compute({"orders": orders})
    assert len(behaviour.used) == 17
    assert behaviour.skipped == {
        "items_per_order": "orders.quantity", "category_count": "orders.category",
        "top_category_share": "orders.category", "channel_count": "orders.channel",
        "main_channel_share": "orders.channel", "discount_share": "orders.discount", "margin_rate": "orders.cost",
        "interactions_90d": "interactions.occurred_at", "tickets": "tickets.opened_at",
        "nps": "surveys.answered_at, surveys.nps", "account_age_days": "customers.signup_at",
    }  # fmt: skip
    assert frame.loc["a", "monetary"] == 400.0 and not frame.isna().any().any()


def test_a_time_column_that_is_not_a_date_is_skipped():
    tables = _tables()
    tables["interactions"]["occurred_at"] = tables["interactions"]["occurred_at"].astype(str)
    tables["surveys"] = tables["surveys"].drop(columns="nps")
    _, behaviour = _compute(tables)
    assert behaviour.skipped == {"interactions_90d": "interactions.occurred_at", "nps": "surveys.nps"}
