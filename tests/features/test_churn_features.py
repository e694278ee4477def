"""Churn features and labels: definitions on hand-made rows, and nothing after the cut-off leaks in."""

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from customer_value.features.churn_features import FEATURE_KEYS, NON_FEATURES, churn_features, churn_labels
from tests.factories import make_orders

CUTOFF = dt.date(2024, 3, 31)
COLUMNS = ["customer_id", "order_id", "ordered_at", "amount", "status", "category", "channel"]
ORDERS = [
    # a: buys on Jan 1 (two lines), Jan 31, Mar 1 and Mar 31 (the cut-off day); one refund, one cancellation
    ("a", "1", "2024-01-01 10:00", 100.0, "completed", "home", "web"),
    ("a", "1", "2024-01-01 10:00", 50.0, "completed", "toys", "web"),
    ("a", "2", "2024-01-31 09:00", 80.0, "completed", "home", "store"),
    ("a", "C2", "2024-02-02 09:00", -40.0, "refund", "home", "store"),
    ("a", "3", "2024-02-10 09:00", 999.0, "cancelled", "home", "web"),
    ("a", "4", "2024-03-01 09:00", 60.0, "completed", "home", "web"),
    ("a", "5", "2024-03-31 23:59", 30.0, "completed", "home", "web"),
    # b: one order, long ago
    ("b", "6", "2023-11-01 08:00", 20.0, "completed", "books", "app"),
    # c: only cancelled before the cut-off: not a customer yet
    ("c", "7", "2024-02-01 08:00", 70.0, "cancelled", "home", "web"),
]
AFTER = [
    ("a", "8", "2024-04-01 00:00", 500.0, "completed", "garden", "app"),
    ("b", "9", "2024-04-15 08:00", 20.0, "completed", "home", "web"),
    ("b", "C9", "2024-04-20 08:00", -20.0, "refund", "home", "web"),
    ("c", "10", "2024-05-01 08:00", 70.0, "completed", "home", "web"),
    ("d", "11", "2024-04-02 08:00", 10.0, "completed", "home", "web"),
]
INTERACTIONS = [
    ("a", "2024-03-20 12:00", "visit"), ("a", "2023-12-20 12:00", "visit"), ("b", "2023-12-01 12:00", "edm_open"),
]
TICKETS = [
    ("a", "2024-03-10 10:00", 1, "neutral"), ("a", "2023-12-10 10:00", 5, "negative"),
    ("b", "2023-11-05 09:00", 4, "positive"),
]
SURVEYS = [("a", "2024-01-05", 9), ("a", "2024-03-05", 3), ("b", "2023-11-10", None)]
INTERACTIONS_AFTER = [("b", "2024-04-01 00:00", "visit")]
TICKETS_AFTER = [("b", "2024-04-03 10:00", 1, "negative")]
SURVEYS_AFTER = [("a", "2024-04-05", 0)]


def _orders(rows):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def _tables(extra: bool = False):
    interactions = pd.DataFrame(INTERACTIONS + (INTERACTIONS_AFTER if extra else []),
                                columns=["customer_id", "occurred_at", "kind"])
    interactions["occurred_at"] = pd.to_datetime(interactions["occurred_at"])
    tickets = pd.DataFrame(TICKETS + (TICKETS_AFTER if extra else []),
                           columns=["customer_id", "opened_at", "satisfaction", "sentiment"])
    tickets["opened_at"] = pd.to_datetime(tickets["opened_at"])
    surveys = pd.DataFrame(SURVEYS + (SURVEYS_AFTER if extra else []), columns=["customer_id", "answered_at", "nps"])
    surveys["answered_at"] = pd.to_datetime(surveys["answered_at"]).dt.date  # a DATE column, not a timestamp
    surveys["nps"] = surveys["nps"].astype("Int64")
    return {"interactions": ibis.memtable(interactions), "tickets": ibis.memtable(tickets),
            "surveys": ibis.memtable(surveys)}


def _features(orders, cutoff=CUTOFF, **tables):
    return churn_features(ibis.memtable(orders), cutoff, **tables).to_pandas().set_index("customer_id").sort_index()


def test_order_features_on_hand_made_rows():
    f = _features(_orders(ORDERS))
    assert list(f.index) == ["a", "b"]
    a, b = f.loc["a"], f.loc["b"]
    assert a.days_since_last_order == 0 and a.tenure_days == 90 and a.orders == 4
    assert a.net_revenue == pytest.approx(280.0) and a.average_order_value == pytest.approx(70.0)
    assert a.refund_share == pytest.approx(40 / 320) and a.cancelled_share == pytest.approx(1 / 5)
    # purchase days Jan 1, Jan 31, Mar 1, Mar 31: gaps 30, 30, 30
    assert (a.mean_cycle_days, a.cycle_std_days, a.last_cycle_days, a.cycle_ratio) == (30, 0, 30, 0)
    # last 30 days = (Mar 1, Mar 31]: only Mar 31; the 30 before = (Jan 31, Mar 1]: Mar 1
    assert (a.orders_30d, a.orders_prev_30d, a.spend_30d, a.spend_prev_30d) == (1, 1, 30.0, 60.0)
    assert a.order_trend_30d == 0 and a.spend_trend_30d == pytest.approx((30 - 60) / 90)
    # last 90 days = (Jan 1, Mar 31]: Jan 31, Mar 1, Mar 31; the 90 before hold Jan 1
    assert (a.orders_90d, a.orders_prev_90d, a.order_trend_90d) == (3, 1, 0.5)
    assert (a.orders_180d, a.orders_prev_180d, a.spend_180d) == (4, 0, 320.0)
    assert a.category_count == 2 and a.channel_count == 2  # the cancelled order's channel does not count
    assert b.days_since_last_order == 151 and b.orders == 1
    assert np.isnan(b.mean_cycle_days) and np.isnan(b.cycle_ratio) and np.isnan(b.cycle_std_days)
    assert (b.orders_30d, b.orders_180d, b.orders_prev_180d, b.order_trend_180d) == (0, 1, 0, 1.0)
    assert (b.btyd_frequency, b.btyd_recency_days, b.btyd_T_days) == (0, 0, 151)


def test_optional_table_features():
    f = _features(_orders(ORDERS), **_tables())
    a, b = f.loc["a"], f.loc["b"]
    assert (a.interactions_90d, a.interactions_prev_90d, a.days_since_last_interaction) == (1, 1, 11)
    assert a.interaction_trend_90d == 0
    assert (b.interactions_90d, b.interactions_prev_90d, b.days_since_last_interaction) == (0, 1, 121)
    # a's tickets: satisfaction 1 (negative) and one labelled negative; b's is fine
    assert (a.tickets_90d, a.tickets_total, a.negative_tickets, a.mean_satisfaction) == (1, 2, 2, 3.0)
    assert (b.tickets_total, b.negative_tickets) == (1, 0)
    assert (a.last_nps, a.mean_nps) == (3.0, 6.0)
    assert np.isnan(b.last_nps)  # b answered without a score


def test_missing_optional_tables_and_columns_leave_their_features_out():
    f = _features(_orders(ORDERS).drop(columns=["category", "channel"]))
    absent = {"category_count", "channel_count", "interactions_90d", "tickets_total", "last_nps"}
    assert absent.isdisjoint(f.columns)
    assert set(f.columns) <= set(FEATURE_KEYS) | set(NON_FEATURES)


def test_a_customer_without_rows_in_an_optional_table_gets_zero_counts_and_no_recency():
    interactions = pd.DataFrame(
        {"customer_id": ["a"], "occurred_at": pd.to_datetime(["2024-03-30"]), "kind": ["visit"]}
    )
    f = _features(_orders(ORDERS), interactions=ibis.memtable(interactions))
    assert f.loc["b", "interactions_90d"] == 0 and np.isnan(f.loc["b", "days_since_last_interaction"])


def test_rows_after_the_cut_off_change_nothing():
    before = _features(_orders(ORDERS), **_tables())
    after = _features(_orders(ORDERS + AFTER), **_tables(extra=True))
    pd.testing.assert_frame_equal(before, after)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_leakage_on_random_histories(seed):
    """Features at a cut-off from the whole history equal those from the history cut there."""
    orders = make_orders(60, seed=seed)
    orders["ordered_at"] = orders["ordered_at"].dt.floor("s")
    rng = np.random.default_rng(seed)
    orders["status"] = rng.choice(["completed", "cancelled", "refund"], len(orders), p=[0.85, 0.05, 0.1])
    orders.loc[orders.status == "refund", "amount"] *= -1
    cutoff = dt.date(2024, 7, 1)
    seen = orders[orders.ordered_at < pd.Timestamp(cutoff + dt.timedelta(days=1))]
    assert len(seen) < len(orders)
    pd.testing.assert_frame_equal(_features(orders, cutoff), _features(seen, cutoff))


def test_labels_are_no_completed_order_in_the_window():
    rows = ORDERS + [
        ("a", "20", "2024-06-29 23:00", 5.0, "completed", "home", "web"),  # the window's last day: a stays
        ("b", "21", "2024-05-01 08:00", 5.0, "cancelled", "home", "web"),  # cancelled: b still churned
        ("b", "22", "2024-06-30 00:00", 5.0, "completed", "home", "web"),  # the day after the window
        ("d", "23", "2024-04-02 08:00", 5.0, "completed", "home", "web"),  # new after the cut-off: no label
    ]
    labels = churn_labels(ibis.memtable(_orders(rows)), CUTOFF, 90).to_pandas().set_index("customer_id")
    assert labels.churned.to_dict() == {"a": 0, "b": 1}
    assert CUTOFF + dt.timedelta(days=90) == dt.date(2024, 6, 29)


def test_an_order_on_the_cut_off_day_is_a_feature_not_a_label():
    rows = [("a", "1", "2024-01-01 10:00", 10.0, "completed", "x", "w"),
            ("a", "2", "2024-03-31 23:59", 10.0, "completed", "x", "w")]
    labels = churn_labels(ibis.memtable(_orders(rows)), CUTOFF, 30).to_pandas()
    assert labels.churned.tolist() == [1]
    assert _features(_orders(rows)).loc["a", "orders"] == 2
