"""Early-warning rules, each pinned on hand-made customers."""

import numpy as np
import pandas as pd
import pytest

from customer_value.config import ChurnConfig
from customer_value.i18n import catalog
from customer_value.scoring.alerts import ALERT_CODES, alert_messages, churn_alerts, inactivity_threshold

CONFIG = ChurnConfig()  # inactivity 90 days, ×2 the cycle, P(alive) drop 0.2, probability 0.7


def _alerts(rows, previous=None, config=CONFIG):
    frame = pd.DataFrame(rows)
    return churn_alerts(frame, config, previous=previous).tolist()


def test_inactivity_threshold_follows_the_customers_own_cycle():
    cycles = pd.Series([np.nan, 10.0, 45.0, 60.0, 200.0])
    assert inactivity_threshold(cycles, CONFIG).tolist() == [90.0, 90.0, 90.0, 120.0, 400.0]


@pytest.mark.parametrize(
    ("order_days", "interaction_days", "cycle", "fires"),
    [
        (90, None, None, True),  # one-time buyer silent for N days
        (89, None, None, False),
        (100, None, 60.0, False),  # buys every 60 days: 100 quiet days are normal (threshold 120)
        (120, None, 60.0, True),
        (95, None, 7.0, True),  # buys weekly: N applies
        (200, 30, None, False),  # an interaction 30 days ago: not inactive
        (200, 150, None, True),  # both long ago
    ],
)
def test_inactive(order_days, interaction_days, cycle, fires):
    row = {"customer_id": "a", "days_since_last_order": order_days, "mean_cycle_days": cycle,
           "days_since_last_interaction": interaction_days, "churn_probability": 0.1}
    assert _alerts([row]) == [["inactive"] if fires else []]


def test_p_alive_drop_against_the_previous_run():
    rows = [
        {"customer_id": "a", "days_since_last_order": 1, "p_alive": 0.6, "churn_probability": 0.1},  # 0.9 → 0.6
        {"customer_id": "b", "days_since_last_order": 1, "p_alive": 0.75, "churn_probability": 0.1},  # 0.9 → 0.75
        {"customer_id": "c", "days_since_last_order": 1, "p_alive": 0.1, "churn_probability": 0.1},  # new
        {"customer_id": "d", "days_since_last_order": 1, "p_alive": 0.9, "churn_probability": 0.1},  # rose
    ]
    previous = pd.DataFrame({"customer_id": ["a", "b", "d"], "p_alive": [0.9, 0.9, 0.2]})
    assert _alerts(rows, previous) == [["p_alive_drop"], [], [], []]
    assert _alerts(rows, None) == [[], [], [], []]
    assert _alerts(rows, previous.drop(columns="p_alive")) == [[], [], [], []]
    assert _alerts([{k: v for k, v in r.items() if k != "p_alive"} for r in rows], previous) == [[], [], [], []]


def test_high_churn_risk_is_strictly_above_the_threshold():
    rows = [{"customer_id": c, "days_since_last_order": 1, "churn_probability": p}
            for c, p in (("a", 0.71), ("b", 0.7), ("c", 0.2))]
    assert _alerts(rows) == [["high_churn_risk"], [], []]
    assert _alerts(rows, config=ChurnConfig(probability_threshold=0.1)) == [["high_churn_risk"]] * 3


def test_codes_come_in_a_fixed_order_and_an_empty_frame_gives_no_alerts():
    row = {"customer_id": "a", "days_since_last_order": 300, "p_alive": 0.1, "churn_probability": 0.9}
    previous = pd.DataFrame({"customer_id": ["a"], "p_alive": [0.8]})
    assert _alerts([row], previous) == [list(ALERT_CODES)]
    empty = pd.DataFrame({"customer_id": [], "days_since_last_order": []})
    assert churn_alerts(empty, CONFIG).tolist() == []


def test_every_alert_has_a_message_in_both_languages():
    row = {"customer_id": "a", "days_since_last_order": 300, "mean_cycle_days": 80.0, "p_alive": 0.1,
           "churn_probability": 0.9, "alerts": list(ALERT_CODES)}
    for lang in ("en", "zh"):
        assert {f"alert.{code}" for code in ALERT_CODES} <= set(catalog(lang))
        texts = alert_messages(row, CONFIG, lang)
        assert len(texts) == 3 and not any("{" in t for t in texts)
        assert "160" in texts[0] and "90%" in texts[2] and "70%" in texts[2]
    assert alert_messages({"alerts": []}, CONFIG) == []
