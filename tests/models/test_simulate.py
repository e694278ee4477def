"""The simulators: seeded, valid histories, and whole days when asked."""

import numpy as np
import pytest

from customer_value.errors import UserError
from customer_value.models import simulate_bgnbd, simulate_mbgnbd, simulate_pareto_nbd, simulate_sbg

PARAMS = {
    simulate_bgnbd: {"r": 0.5, "alpha": 3.0, "a": 0.8, "b": 2.4},
    simulate_mbgnbd: {"r": 0.5, "alpha": 3.0, "a": 0.8, "b": 2.4},
    simulate_pareto_nbd: {"r": 0.5, "alpha": 3.0, "s": 0.6, "beta": 10.0},
}


@pytest.mark.parametrize("simulate", list(PARAMS))
def test_histories_are_valid_and_seeded(simulate):
    ages = np.linspace(0, 52, 3000)
    first = simulate(3000, T=ages, seed=7, **PARAMS[simulate])
    again = simulate(3000, T=ages, seed=7, **PARAMS[simulate])
    assert first.equals(again)
    assert (first["recency"] <= first["T"]).all() and (first["recency"] >= 0).all()
    assert (first.loc[first["frequency"] == 0, "recency"] == 0).all()
    assert (first["frequency"] > 0).mean() > 0.1


@pytest.mark.parametrize("simulate", list(PARAMS))
def test_day_rounding_gives_whole_days_and_merges_same_day_purchases(simulate):
    ages = np.random.default_rng(0).uniform(10, 52, 5000)
    rounded = simulate(5000, T=ages, seed=3, round_to_days=True, **PARAMS[simulate])
    exact = simulate(5000, T=ages, seed=3, **PARAMS[simulate])
    days = rounded["recency"].to_numpy() * 7
    assert np.allclose(days, np.round(days)) and np.allclose(rounded["T"] * 7, np.round(rounded["T"] * 7))
    assert rounded["frequency"].sum() <= exact["frequency"].sum()
    in_days = simulate(5000, T=ages * 7, seed=3, round_to_days=True, time_unit="days", **PARAMS[simulate])
    assert np.allclose(in_days["recency"], np.round(in_days["recency"]))


def test_sbg_survivors_never_increase():
    survivors = simulate_sbg(1000, alpha=1.0, beta=2.0, periods=8, seed=0)
    assert survivors[0] == 1000 and np.all(np.diff(survivors) <= 0) and len(survivors) == 9


def test_bad_arguments():
    with pytest.raises(UserError):
        simulate_bgnbd(10, T=-1.0, **PARAMS[simulate_bgnbd])
    with pytest.raises(UserError):
        simulate_bgnbd(10, T=1.0, time_unit="hours", **PARAMS[simulate_bgnbd])
