"""Data sufficiency report, per-customer confidence and the spend-frequency independence test."""

import json

import numpy as np
import pytest
from cdnow_data import summary, summary_with_spend

from customer_value.errors import ModelFitError, UserError
from customer_value.models import check_data_sufficiency, customer_confidence, spend_frequency_independence


def test_cdnow_is_ample():
    data = summary()
    report = check_data_sufficiency(data["frequency"], data["recency"], data["T"])
    assert (report.customers, report.repeat_buyers) == (2357, 946)
    assert report.one_time_share == pytest.approx(1 - 946 / 2357)
    assert report.history_length == pytest.approx(38.86)
    assert report.issues == [] and report.confidence == "high"


def test_thin_data_lists_every_issue_with_counts():
    frequency = np.array([0] * 48 + [1, 2])
    recency = np.where(frequency > 0, 1.0, 0.0)
    T = np.full(50, 5.0)  # 5 weeks = 35 days
    report = check_data_sufficiency(frequency, recency, T)
    keys = [issue.key for issue in report.issues]
    assert keys == ["models.thin_customers", "models.thin_repeat_buyers", "models.short_history", "models.many_one_time"]
    assert report.confidence == "low"
    assert report.issues[1].fields["repeat_buyers"] == 2
    assert "Only 50 customers" in report.issues[0].message("en")
    assert "只有 50 个客户" in report.issues[0].message("zh")
    assert report.issues[2].message("zh") == "历史数据只覆盖 5.0 周；建议至少 26 周"
    as_dict = report.to_dict()
    assert as_dict["confidence"] == "low" and as_dict["issues"][2] == {
        "key": "models.short_history", "fields": report.issues[2].fields, "severity": "low"}
    json.dumps(as_dict)


def test_medium_confidence_between_thresholds():
    rng = np.random.default_rng(0)
    frequency = rng.integers(0, 3, 500)
    recency = np.where(frequency > 0, 10.0, 0.0)
    report = check_data_sufficiency(frequency, recency, np.full(500, 150.0), time_unit="days")
    assert report.confidence == "medium"
    assert [i.key for i in report.issues] == ["models.thin_customers", "models.short_history"]


def test_customer_confidence_labels():
    labels = customer_confidence([0, 1, 3, 5, 4], [0.0, 2.0, 10.0, 3.0, 1.0], [20.0, 20.0, 20.0, 3.0, 13.0])
    assert labels.tolist() == ["low", "medium", "high", "low", "high"]
    days = customer_confidence([3], [10.0], [60.0], time_unit="days")
    assert days.tolist() == ["medium"]
    with pytest.raises(UserError):
        customer_confidence([3], [1.0], [2.0], time_unit="months")


def test_independence_on_cdnow_matches_fader_hardie():
    data = summary_with_spend()
    correlation, p_value = spend_frequency_independence(data["x"], data["zbar"])
    assert correlation == pytest.approx(0.11, abs=0.005)
    assert 0 < p_value < 0.01


def test_independence_edge_cases():
    assert spend_frequency_independence([1, 1, 1, 0], [2.0, 3.0, 4.0, 0.0]) == (0.0, 1.0)
    with pytest.raises(ModelFitError):
        spend_frequency_independence([1, 0], [2.0, 0.0])
    rng = np.random.default_rng(1)
    x = rng.integers(1, 10, 2000)
    correlation, p_value = spend_frequency_independence(x, 10 * x + rng.gamma(2, 1, 2000))
    assert correlation > 0.9 and p_value < 1e-10
