"""The calibration / holdout split: definitions on a hand-made case, the summary's, and CDNOW's."""

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from customer_value.errors import ConfigError
from customer_value.features.btyd import calibration_holdout, default_split, purchase_days
from customer_value.features.summary import summarise_customers
from customer_value.sample import read_cdnow_transactions
from tests.factories import cdnow_orders, make_orders, orders_from_rows, published_cdnow

ROWS = [
    # calibration: two lines of one order, a repeat day with a same-day refund, a cancelled order
    ("a", "1", "2024-01-01 10:00", 100.0, "completed"),
    ("a", "1", "2024-01-01 10:00", 50.0, "completed"),
    ("a", "2", "2024-01-11 09:00", 80.0, "completed"),
    ("a", "C2", "2024-01-11 18:00", -30.0, "refund"),
    ("a", "3", "2024-01-20 09:00", 999.0, "cancelled"),
    # holdout: two purchase days (one of two orders), a day with only a refund, a cancelled order
    ("a", "4", "2024-02-05 09:00", 40.0, "completed"),
    ("a", "5", "2024-02-05 19:00", 20.0, "completed"),
    ("a", "C4", "2024-02-07 09:00", -40.0, "refund"),
    ("a", "6", "2024-02-20 09:00", 30.0, "completed"),
    ("a", "7", "2024-02-21 09:00", 500.0, "cancelled"),
    # after the holdout: not read
    ("a", "8", "2024-03-02 09:00", 700.0, "completed"),
    # one-time buyer in calibration, nothing in the holdout
    ("b", "9", "2024-01-05 08:00", 20.0, "completed"),
    # first purchase in the holdout: no calibration history, left out
    ("c", "10", "2024-02-02 08:00", 70.0, "completed"),
    # bought on the calibration end (that whole day counts) and on the holdout end
    ("d", "11", "2024-01-31 23:30", 10.0, "completed"),
    ("d", "12", "2024-03-01 23:30", 15.0, "completed"),
]
CALIBRATION_END, HOLDOUT_END = dt.date(2024, 1, 31), dt.date(2024, 3, 1)


def _split(frame: pd.DataFrame, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END) -> pd.DataFrame:
    con = ibis.duckdb.connect()
    return con.execute(calibration_holdout(ibis.memtable(frame), calibration_end, holdout_end)).set_index("customer_id")


def test_definitions_on_hand_made_orders():
    split = _split(orders_from_rows(ROWS))
    assert sorted(split.index) == ["a", "b", "d"]
    a, b, d = split.loc["a"], split.loc["b"], split.loc["d"]
    assert (a.frequency, a.recency_days, a.T_days) == (1, 10, 30)
    assert a.monetary_value == pytest.approx(50.0)  # 80 − the same day's refund of 30
    assert a.holdout_purchases == 2  # Feb 5 (two orders, one day) and Feb 20; Feb 7 holds only a refund
    assert a.holdout_spend == pytest.approx((60.0 + 30.0) / 2)
    assert (b.frequency, b.recency_days, b.T_days, b.monetary_value) == (0, 0, 26, 0.0)
    assert (b.holdout_purchases, b.holdout_spend) == (0, 0.0)
    assert (d.frequency, d.T_days, d.holdout_purchases, d.holdout_spend) == (0, 0, 1, 15.0)


def test_calibration_part_equals_the_summary_at_the_calibration_end():
    frame = make_orders(120, seed=3)
    frame["ordered_at"] = frame["ordered_at"].dt.floor("s")
    end = dt.date(2024, 8, 31)
    split = _split(frame, end, dt.date(2024, 12, 31))
    con = ibis.duckdb.connect()
    summary = con.execute(summarise_customers(ibis.memtable(frame), end)).set_index("customer_id")
    assert sorted(split.index) == sorted(summary.index)
    summary = summary.loc[split.index]
    assert (split.frequency == summary.btyd_frequency).all()
    assert (split.recency_days == summary.btyd_recency_days).all()
    assert (split.T_days == summary.btyd_T_days).all()
    assert np.allclose(split.monetary_value, summary.btyd_monetary)
    assert split.holdout_purchases.sum() > 0


def test_nothing_after_the_holdout_end_is_read():
    rows = orders_from_rows(ROWS)
    later = orders_from_rows([("a", "99", "2024-03-02 00:00", 5000.0, "completed"),
                              ("e", "98", "2024-03-05 00:00", 1.0, "completed")])
    pd.testing.assert_frame_equal(_split(rows).sort_index(), _split(pd.concat([rows, later])).sort_index())


def test_holdout_must_end_after_the_calibration():
    with pytest.raises(ConfigError, match="must be after"):
        calibration_holdout(ibis.memtable(orders_from_rows(ROWS)), HOLDOUT_END, CALIBRATION_END)


def test_default_split_holds_out_the_last_third():
    assert default_split(dt.date(1997, 1, 1), dt.date(1998, 6, 30)) == dt.date(1997, 12, 30)
    assert default_split(dt.date(2024, 1, 1), dt.date(2024, 1, 1)) == dt.date(2024, 1, 1)


def test_purchase_days_net_refunds_and_skip_refund_only_days():
    con = ibis.duckdb.connect()
    days = con.execute(purchase_days(ibis.memtable(orders_from_rows(ROWS))))
    a = days[days.customer_id == "a"].set_index(pd.to_datetime(days.day[days.customer_id == "a"])).amount
    assert a[pd.Timestamp("2024-01-11")] == pytest.approx(50.0)
    assert pd.Timestamp("2024-02-07") not in a.index
    assert len(a) == 5


@pytest.fixture(scope="module")
def cdnow_split():
    return _split(cdnow_orders(), dt.date(1997, 9, 30), dt.date(1998, 6, 30))


def test_cdnow_calibration_reproduces_the_published_summary(cdnow_split):
    paper = published_cdnow("cdnow_customers_summary.csv")
    joined = cdnow_split.join(paper, how="inner", rsuffix="_paper")
    assert len(joined) == len(cdnow_split) == len(paper) == 2357
    assert (joined.frequency == joined.frequency_paper).all()
    assert (joined.recency_days / 7 - joined.recency).abs().max() < 0.006
    assert (joined.T_days / 7 - joined["T"]).abs().max() < 0.006


def test_cdnow_mean_repeat_spend_and_holdout(cdnow_split):
    paper = published_cdnow("cdnow_customers_summary_with_transactions.csv")
    joined = cdnow_split.join(paper, how="inner")
    assert (joined.monetary_value - joined.zbar).abs().max() < 0.006
    # 1,882 repeat purchases in weeks 40–78 (Fader, Hardie & Lee 2005)
    assert cdnow_split.holdout_purchases.sum() == 1882
    transactions = read_cdnow_transactions()
    holdout = transactions[(transactions.ordered_at > "1997-09-30") & (transactions.ordered_at <= "1998-06-30")]
    revenue = (cdnow_split.holdout_purchases * cdnow_split.holdout_spend).sum()
    assert revenue == pytest.approx(holdout.amount.sum())
