"""The per-customer summary: definitions on a hand-made case, and the CDNOW paper's inputs."""

import datetime as dt

import ibis
import pytest

from customer_value.features.summary import summarise_customers
from tests.factories import cdnow_orders, orders_from_rows, published_cdnow


def _summary(rows, as_of):
    con = ibis.duckdb.connect()
    return con.execute(summarise_customers(ibis.memtable(orders_from_rows(rows)), as_of)).set_index("customer_id")


ROWS = [
    # two lines of one order, a second order, a refund of part of it, a cancelled order
    ("a", "1", "2024-01-01 10:00", 100.0, "completed"),
    ("a", "1", "2024-01-01 10:00", 50.0, "completed"),
    ("a", "2", "2024-01-11 09:00", 80.0, "completed"),
    ("a", "C2", "2024-01-12 09:00", -30.0, "refund"),
    ("a", "3", "2024-01-20 09:00", 999.0, "cancelled"),
    # two orders on one day are one BTYD transaction
    ("b", "4", "2024-01-05 08:00", 20.0, "completed"),
    ("b", "5", "2024-01-05 18:00", 30.0, "completed"),
    # only a cancelled order: no summary row
    ("c", "6", "2024-01-05 08:00", 70.0, "cancelled"),
    # after the as-of date: not seen
    ("b", "7", "2024-02-01 08:00", 500.0, "completed"),
]


def test_definitions_on_hand_made_orders():
    s = _summary(ROWS, dt.date(2024, 1, 31))
    assert sorted(s.index) == ["a", "b"]
    a, b = s.loc["a"], s.loc["b"]
    assert a.orders == 2  # lines of order 1 count once; refund and cancelled are not orders
    assert a.gross_revenue == pytest.approx(230.0)
    assert a.refunds == pytest.approx(30.0)
    assert a.net_revenue == pytest.approx(200.0)
    assert a.average_order_value == pytest.approx(100.0)
    assert a.cancelled_orders == 1
    assert a.recency_days == 20 and a.tenure_days == 30
    assert (a.btyd_frequency, a.btyd_recency_days, a.btyd_T_days) == (1, 10, 30)
    # purchase days of a: Jan 1 and Jan 11; Jan 12 holds only a refund, so it is no purchase day
    assert a.btyd_monetary == pytest.approx(80.0)
    assert b.orders == 2 and b.btyd_frequency == 0 and b.net_revenue == pytest.approx(50.0)


def test_as_of_includes_that_whole_day_and_nothing_after():
    s = _summary(ROWS, dt.date(2024, 1, 11))
    assert s.loc["a"].orders == 2 and s.loc["a"].recency_days == 0
    assert s.loc["b"].net_revenue == pytest.approx(50.0)


def test_reproduces_the_published_cdnow_calibration_summary():
    """Per customer (x, t_x, T) in weeks equal the paper's calibration data (to 1997-09-30)."""
    con = ibis.duckdb.connect()
    expr = summarise_customers(ibis.memtable(cdnow_orders()), dt.date(1997, 9, 30))
    ours = con.execute(expr).set_index("customer_id")
    paper = published_cdnow("cdnow_customers_summary.csv")
    joined = ours.join(paper, how="inner", rsuffix="_paper")
    assert len(joined) == len(paper) == 2357
    assert (joined.btyd_frequency == joined.frequency_paper).all()
    assert (joined.btyd_recency_days / 7 - joined.recency).abs().max() < 0.006
    assert (joined.btyd_T_days / 7 - joined["T"]).abs().max() < 0.006
