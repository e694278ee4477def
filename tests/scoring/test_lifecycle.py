"""Lifecycle stages: each rule pinned on a hand-made customer."""

import numpy as np
import pandas as pd
import pytest

from customer_value.config import LifecycleConfig
from customer_value.scoring.lifecycle import STAGES, assign_lifecycle, order_trend, purchase_cycles


def customer(**fields) -> dict:
    """A steady buyer: 10 purchase days, one every 30 days, for two years; last order 10 days ago."""
    base = {
        "customer_id": "x", "tenure_days": 730, "recency_days": 10, "btyd_frequency": 9, "btyd_recency_days": 270,
        "orders_early_half": 5, "orders_late_half": 5,
    }
    return {**base, **fields}


def stages_of(*rows: dict, config: LifecycleConfig | None = None) -> list[str]:
    return assign_lifecycle(pd.DataFrame(list(rows)), config).lifecycle_stage.tolist()


def test_purchase_cycle_is_own_mean_gap_or_the_repeat_buyers_median():
    frame = pd.DataFrame({"btyd_frequency": [9, 2, 0, 0], "btyd_recency_days": [270, 40, 0, 0]})
    cycles, population = purchase_cycles(frame)
    assert population == 25.0  # median of 30 and 20
    assert cycles.tolist() == [30.0, 20.0, 25.0, 25.0]
    _, population = purchase_cycles(frame.iloc[2:], default_days=60)
    assert population == 60


def test_order_trend_compares_the_two_halves_of_tenure():
    assert order_trend(pd.Series([1, 5, 2, 0]), pd.Series([0, 5, 8, 0])).tolist() == [-1.0, 0.0, 0.6, 0.0]


def test_a_steady_long_time_buyer_is_mature():
    assert stages_of(customer()) == ["maturity"]


@pytest.mark.parametrize(
    ("fields", "stage"),
    [
        # acquisition: first order fewer than 90 days ago
        ({"tenure_days": 89, "recency_days": 89, "btyd_frequency": 0, "btyd_recency_days": 0,
          "orders_early_half": 1, "orders_late_half": 0}, "acquisition"),
        ({"tenure_days": 90, "recency_days": 10, "btyd_frequency": 2, "btyd_recency_days": 80,
          "orders_early_half": 1, "orders_late_half": 2}, "growth"),
        # growth: younger than a year and not declining, or orders rising
        ({"tenure_days": 200}, "growth"),
        ({"orders_early_half": 3, "orders_late_half": 5}, "growth"),  # trend 0.25 ≥ 0.2
        # decline: overdue by 1.5 cycles (45 days) and at least 30 days
        ({"recency_days": 45}, "decline"),
        ({"recency_days": 44}, "maturity"),
        # decline: orders falling (trend ≤ −0.33)
        ({"orders_early_half": 8, "orders_late_half": 4}, "decline"),
        ({"orders_early_half": 7, "orders_late_half": 4}, "maturity"),  # trend −0.27
        # churned: 3 cycles (90 days) and at least 90 days
        ({"recency_days": 90}, "churned"),
        ({"recency_days": 89}, "decline"),
    ],
)
def test_each_rule(fields, stage):
    assert stages_of(customer(**fields)) == [stage]


def test_minimum_days_keep_fast_buyers_from_declining_after_a_few_days():
    weekly = {"btyd_frequency": 50, "btyd_recency_days": 350}  # cycle 7 days
    assert stages_of(customer(recency_days=20, **weekly)) == ["maturity"]  # 1.5 cycles = 10.5 < 30
    assert stages_of(customer(recency_days=30, **weekly)) == ["decline"]
    assert stages_of(customer(recency_days=89, **weekly)) == ["decline"]  # 3 cycles = 21 < 90
    assert stages_of(customer(recency_days=90, **weekly)) == ["churned"]


def test_one_time_buyers_use_the_population_cycle():
    one_time = {"btyd_frequency": 0, "btyd_recency_days": 0, "orders_early_half": 1, "orders_late_half": 0}
    # population cycle = 60 days (the other customer): decline at 90, churned at 180
    other = customer(customer_id="y", btyd_frequency=2, btyd_recency_days=120)
    rows = [customer(tenure_days=d, recency_days=d, **one_time) for d in (30, 100, 179, 180)]
    assert stages_of(*rows, other)[:4] == ["acquisition", "decline", "decline", "churned"]


def test_model_outputs_take_part_when_present():
    frame = pd.DataFrame([customer()] * 5)
    frame["p_alive"] = [0.05, 0.3, 0.9, np.nan, 0.9]
    frame["churn_probability"] = [0.1, 0.1, 0.75, 0.9, np.nan]
    assert assign_lifecycle(frame).lifecycle_stage.tolist() == ["churned", "decline", "decline", "decline", "maturity"]


def test_settings_move_the_boundaries():
    config = LifecycleConfig(acquisition_days=30, maturity_days=180, churned_min_days=200, churned_cycles=4)
    rows = [customer(tenure_days=40, recency_days=5), customer(tenure_days=200), customer(recency_days=150)]
    assert stages_of(*rows, config=config) == ["growth", "maturity", "decline"]


def test_every_customer_gets_exactly_one_stage():
    rng = np.random.default_rng(3)
    n = 500
    frequency = rng.integers(0, 20, n)
    frame = pd.DataFrame(
        {
            "tenure_days": rng.integers(0, 1000, n),
            "btyd_frequency": frequency,
            "btyd_recency_days": frequency * rng.integers(1, 40, n),
            "orders_early_half": rng.integers(1, 10, n),
            "orders_late_half": rng.integers(0, 10, n),
        }
    )
    frame["recency_days"] = (frame.tenure_days * rng.uniform(0, 1, n)).astype(int)
    out = assign_lifecycle(frame)
    assert out.lifecycle_stage.isin(STAGES).all() and not out.isna().any().any()
    assert set(out.lifecycle_stage) == set(STAGES)
    assert out.order_trend.between(-1, 1).all() and (out.purchase_cycle_days > 0).all()
