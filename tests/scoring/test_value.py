"""Value components, score, tiers and quadrants, pinned on hand-made fixtures."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.config import ValueWeights
from customer_value.scoring.activity import (
    category_pairs,
    order_halves,
    order_profit,
    recent_activity,
    recent_interactions,
)
from customer_value.scoring.value import (
    ValueInputs,
    assign_quadrants,
    assign_tiers,
    bottom_percent,
    cross_buy_probability,
    fill_profit,
    normalised_weights,
    percentile_score,
    potential_amount,
    score_value,
    strategic_value,
    top_percent,
    truthy,
    value_ranks,
)


def summary_of(rows: list[dict]) -> pd.DataFrame:
    """A run summary with sensible defaults for every column the value rules read."""
    base = {
        "orders": 1, "net_revenue": 100.0, "average_order_value": 100.0, "recency_days": 30, "tenure_days": 30,
        "btyd_frequency": 0, "btyd_recency_days": 0,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# -- percentile scores ----------------------------------------------------------------------------


def test_percentile_scores_run_from_0_to_100_by_average_rank():
    assert percentile_score(pd.Series([10.0, 20.0, 30.0, 40.0, 50.0])).tolist() == [0, 25, 50, 75, 100]
    tied = percentile_score(pd.Series([5.0, 5.0, 9.0]))
    assert tied.tolist() == [25.0, 25.0, 100.0]


def test_nothing_scores_zero_and_one_customer_scores_by_sign():
    scores = percentile_score(pd.Series([0.0, 0.0, 0.0, -5.0, 10.0, np.nan]))
    assert scores.tolist() == [0, 0, 0, 0, 100, 0]
    assert percentile_score(pd.Series([7.0])).tolist() == [100.0]
    assert percentile_score(pd.Series([0.0])).tolist() == [0.0]
    assert percentile_score(pd.Series([], dtype=float)).empty


def test_top_and_bottom_percent_are_whole_percents_rounded_up():
    values = pd.Series(range(1, 201), dtype=float)
    top = top_percent(values)
    assert top.iloc[-1] == 1 and top.iloc[-10] == 5 and top.iloc[0] == 100
    assert bottom_percent(values).iloc[0] == 1 and bottom_percent(values).iloc[39] == 20
    assert top_percent(pd.Series([3.0, 3.0, 3.0])).tolist() == [100, 100, 100]


# -- tiers ----------------------------------------------------------------------------------------


def tiers(amounts, scores=None, **settings):
    amounts = pd.Series(amounts, dtype=float)
    scores = pd.Series(scores if scores is not None else np.linspace(100, 0, len(amounts)), dtype=float)
    return assign_tiers(scores, amounts, ValueWeights(**settings)).tolist()


def test_tier_a_holds_the_top_customers_making_up_80_percent_of_value():
    # shares held by the customers above: 0, .5, .8, .9, .95 — A while < .8, B while < .95
    assert tiers([50, 30, 10, 5, 5], tier_a_max_share=1.0) == ["A", "A", "B", "B", "C"]
    # the customer that crosses 80% is still A: above it only 70% is held
    assert tiers([70, 20, 10], tier_a_max_share=1.0) == ["A", "A", "B"]


def test_tier_a_is_capped_at_its_share_of_customers():
    # equal amounts: 80% of value needs 8 of 10 customers, the cap allows 2
    assert tiers([1] * 10) == ["A", "A"] + ["B"] * 8
    assert tiers([1] * 10, tier_a_max_share=0.5) == ["A"] * 5 + ["B"] * 5
    # at least one customer is A even when the cap rounds down to 0
    assert tiers([5, 3, 2]) == ["A", "B", "B"]


def test_tier_b_runs_to_its_cumulative_share():
    # above: 0, .1, .2, …, .9; A while < .2; B while < .5; C from .5 on
    assert tiers([1] * 10, tier_a_share=0.2, tier_b_share=0.5) == ["A", "A", "B", "B", "B"] + ["C"] * 5
    assert tiers([50, 30, 10, 5, 5], tier_a_max_share=1.0, tier_b_share=0.9) == ["A", "A", "B", "C", "C"]


def test_tiers_follow_the_score_order_not_the_amount_order():
    # a strategic customer with a small amount ranks first and counts first
    assert tiers([1, 80, 19], scores=[90, 80, 10], tier_a_max_share=1.0) == ["A", "A", "B"]
    assert tiers([1, 80, 19], scores=[10, 80, 90], tier_a_max_share=1.0) == ["C", "A", "A"]


def test_tiers_by_score_thresholds():
    got = tiers([1, 1, 1, 1], scores=[70, 69.9, 40, 39.9], tier_by="score")
    assert got == ["A", "B", "B", "C"]


def test_no_value_at_all_tiers_by_customer_count():
    assert tiers([0] * 5, tier_a_max_share=0.4, tier_b_share=0.95) == ["A", "A", "B", "B", "B"]


def test_quadrants_split_current_against_potential():
    current = pd.Series([80.0, 20.0, 80.0, 20.0, 50.0])
    potential = pd.Series([80.0, 80.0, 20.0, 20.0, 50.0])
    assert assign_quadrants(current, potential).tolist() == ["star", "develop", "maintain", "observe", "star"]
    assert assign_quadrants(current, potential, split=60).iloc[-1] == "observe"


def test_value_rank_breaks_ties_by_amount_then_id():
    scores, amounts = pd.Series([50.0, 50.0, 50.0, 90.0]), pd.Series([1.0, 2.0, 1.0, 0.0])
    ranks = value_ranks(scores, amounts, pd.Series(["b", "c", "a", "d"]))
    assert ranks.tolist() == [4, 2, 3, 1]


# -- inputs ---------------------------------------------------------------------------------------


def test_truthy_flags_in_text_numbers_and_booleans():
    text = pd.Series(["是", "否", "yes", "No", "", None, "0", "true", "key account"])
    assert truthy(text).tolist() == [True, False, True, False, False, False, False, True, True]
    assert truthy(pd.Series([1, 0, 2.5, np.nan])).tolist() == [True, False, True, False]
    assert truthy(pd.Series([True, False])).tolist() == [True, False]


def test_strategic_value_is_the_share_of_flags_set():
    ids = pd.Series(["a", "b", "c", "d"])
    profiles = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "reference_account": ["是", "否", "yes"], "key_account": [1, 1, 0]}
    )
    with pytest.warns(UserWarning, match="partner"):
        score, flags, missing = strategic_value(ids, profiles, ["reference_account", "key_account", "partner"])
    assert score.round(2).tolist() == [66.67, 33.33, 33.33, 0.0]
    assert flags.tolist() == [["reference_account", "key_account"], ["key_account"], ["reference_account"], []]
    assert missing == ["partner"]
    score, flags, missing = strategic_value(ids, None, [])
    assert score.tolist() == [0.0] * 4 and missing == []


def test_cross_buy_matches_the_formula_on_a_tiny_basket():
    pairs = pd.DataFrame(
        {"customer_id": ["a", "b", "b", "c", "d", "d"], "category": ["x", "x", "y", "y", "x", "z"]}
    )
    ids = pd.Series(["a", "b", "c", "d", "e"])
    probability, bought, k = cross_buy_probability(pairs, ids, smoothing=1.0)
    assert k == 3 and bought.tolist() == [1, 2, 1, 2, 0]
    # by hand: buyers 4; n_x = 3, n_y = 2, n_z = 1; base b = n / 4
    b = {"x": 3 / 4, "y": 2 / 4, "z": 1 / 4}
    n = {"x": 3, "y": 2, "z": 1}
    both = {("x", "y"): 1, ("x", "z"): 1, ("y", "z"): 0}

    def p(c, s):
        pair = both.get((s, c), both.get((c, s), 0))
        return (pair + b[c]) / (n[s] + 1)

    expected_a = 1 - (1 - p("y", "x")) * (1 - p("z", "x"))
    expected_b = 1 - (1 - (p("z", "x") + p("z", "y")) / 2)
    expected_e = 1 - (1 - b["x"]) * (1 - b["y"]) * (1 - b["z"])
    assert probability.iloc[0] == pytest.approx(expected_a)
    assert probability.iloc[1] == pytest.approx(expected_b)
    assert probability.iloc[4] == pytest.approx(expected_e)
    assert probability.between(0, 1).all()


def test_cross_buy_without_categories_or_with_one_category_is_zero():
    ids = pd.Series(["a", "b"])
    assert cross_buy_probability(None, ids)[0].tolist() == [0.0, 0.0]
    one = pd.DataFrame({"customer_id": ["a"], "category": ["x"]})
    probability, bought, k = cross_buy_probability(one, ids)
    assert probability.tolist() == [0.0, 0.0] and bought.tolist() == [1, 0] and k == 1


def test_a_customer_who_bought_every_category_has_no_cross_buy():
    pairs = pd.DataFrame({"customer_id": ["a", "a", "b"], "category": ["x", "y", "x"]})
    probability, _, _ = cross_buy_probability(pairs, pd.Series(["a", "b"]))
    assert probability.iloc[0] == 0.0 and probability.iloc[1] > 0


def test_profit_is_measured_where_known_and_estimated_elsewhere():
    frame = pd.DataFrame(
        {"net_revenue": [100.0, 200.0, 50.0], "profit": [30.0, 50.0, np.nan], "profit_revenue": [100.0, 200.0, np.nan]}
    )
    profit, source = fill_profit(frame)
    assert source == "measured_and_estimated"
    assert profit.tolist() == pytest.approx([30.0, 50.0, 50.0 * 80 / 300])
    profit, source = fill_profit(frame.drop(columns=["profit", "profit_revenue"]), profit_margin=0.25)
    assert source == "assumed_margin" and profit.tolist() == [25.0, 50.0, 12.5]


def test_potential_uses_the_configured_clv_and_fills_gaps_with_the_proxy():
    summary = summary_of([{"clv_36m": 500.0, "clv_12m": 200.0}, {"clv_36m": np.nan, "clv_12m": np.nan}])
    amount, source, filled = potential_amount(summary, clv_column="clv_36m")
    assert source == "clv_36m" and filled == 1 and amount.iloc[0] == 500.0 and amount.iloc[1] > 0
    amount, source, _ = potential_amount(summary, clv_column="clv_12m")
    assert amount.iloc[0] == 200.0


def test_the_proxy_follows_past_orders_and_decays_with_inactivity():
    # one order of 100 a year ago vs. yesterday, cycle 90 days (population default)
    summary = summary_of([{"recency_days": 1, "tenure_days": 1}, {"recency_days": 365, "tenure_days": 365}])
    amount, source, filled = potential_amount(summary, clv_column="clv_12m")
    horizon = 365.25
    assert source == "proxy" and filled == 2
    assert amount.iloc[0] == pytest.approx(100 * 1 / (1 + 90) * horizon)
    assert amount.iloc[1] == pytest.approx(100 * 1 / (365 + 90) * horizon * math.exp(-(365 - 90) / 90))
    # a model's P(alive) replaces the decay
    amount, _, _ = potential_amount(summary.assign(p_alive=[0.5, 0.5]), clv_column="clv_12m")
    assert amount.iloc[1] == pytest.approx(100 / (365 + 90) * horizon * 0.5)


# -- the whole score ------------------------------------------------------------------------------


def make_inputs(n: int = 40, *, seed: int = 0, categories: bool = True, clv: bool = True) -> ValueInputs:
    rng = np.random.default_rng(seed)
    ids = [f"C{i:03d}" for i in range(n)]
    orders = rng.integers(1, 12, n)
    net = np.round(rng.lognormal(6, 1, n), 2)
    rows = [
        {
            "customer_id": ids[i], "orders": int(orders[i]), "net_revenue": float(net[i]),
            "average_order_value": float(net[i] / orders[i]), "recency_days": int(rng.integers(0, 300)),
            "tenure_days": 300, "btyd_frequency": int(orders[i] - 1),
            "btyd_recency_days": int(rng.integers(0, 300)) * (orders[i] > 1),
        }
        for i in range(n)
    ]
    summary = summary_of(rows)
    if clv:
        summary["clv_36m"] = np.round(rng.lognormal(5, 1, n), 2)
        summary["p_alive"] = rng.uniform(0, 1, n)
    half = n // 2
    recent = pd.DataFrame(
        {
            "customer_id": ids[:half],
            "recent_spend": rng.uniform(0, 500, half),
            "recent_orders": rng.integers(0, 3, half),
        }
    )
    pairs = None
    if categories:
        cats = rng.choice(["books", "music", "video", "games"], size=(n, 2))
        pairs = pd.DataFrame({"customer_id": np.repeat(ids, 2), "category": cats.ravel()}).drop_duplicates()
    flags = ["是" if i % 10 == 0 else "否" for i in range(n)]
    profiles = pd.DataFrame({"customer_id": ids, "reference_account": flags})
    return ValueInputs(summary=summary, recent=recent, categories=pairs, profiles=profiles)


@pytest.mark.parametrize("categories", [True, False])
@pytest.mark.parametrize("clv", [True, False])
def test_every_value_column_is_complete_and_in_range(categories, clv):
    weights = ValueWeights(strategic_fields=["reference_account"])
    result = score_value(make_inputs(categories=categories, clv=clv), weights)
    out = result.columns
    assert not out.isna().any().any()
    for column in ("value_historical", "value_current", "value_potential", "value_strategic", "value_score"):
        assert out[column].between(0, 100).all(), column
    assert sorted(out["value_rank"]) == list(range(1, len(out) + 1))
    assert set(out["tier"]) <= {"A", "B", "C"} and set(out["quadrant"]) <= {"star", "develop", "maintain", "observe"}
    assert result.diagnostics["cross_buy"]["used"] is categories
    assert result.diagnostics["potential_source"] == ("clv_36m" if clv else "proxy")
    assert bool((out["cross_buy_probability"] > 0).any()) is categories


def test_the_score_is_the_weighted_mean_of_historical_potential_and_strategic():
    weights = ValueWeights(historical=0.5, potential=0.3, strategic=0.2, strategic_fields=["reference_account"])
    out = score_value(make_inputs(), weights).columns
    expected = 0.5 * out.value_historical + 0.3 * out.value_potential + 0.2 * out.value_strategic
    assert out.value_score.to_numpy() == pytest.approx(expected.to_numpy(), abs=0.02)
    assert (out.value_strategic[::10] == 100).all() and out.value_strategic.drop(index=range(0, 40, 10)).eq(0).all()


def test_without_strategic_fields_the_strategic_weight_is_left_out():
    assert normalised_weights(ValueWeights()) == pytest.approx({"historical": 0.5, "potential": 0.5, "strategic": 0.0})
    assert normalised_weights(ValueWeights(strategic_fields=["x"]))["strategic"] == pytest.approx(0.2)
    out = score_value(make_inputs(), ValueWeights()).columns
    assert out.value_score.max() > 80


def test_strategic_flags_lift_the_score():
    inputs = make_inputs()
    plain = score_value(inputs, ValueWeights(strategic_fields=["reference_account"])).columns
    inputs.profiles["reference_account"] = "否"
    unflagged = score_value(inputs, ValueWeights(strategic_fields=["reference_account"])).columns
    assert (plain.value_score[::10] - unflagged.value_score[::10]).round(2).eq(20.0).all()


def test_current_value_counts_recent_spend_orders_and_interactions():
    inputs = make_inputs()
    without = score_value(inputs).columns
    assert (without.value_current.iloc[20:] == 0).all()
    inputs.interactions = pd.DataFrame({"customer_id": ["C039"], "recent_interactions": [5]})
    with_interactions = score_value(inputs).columns
    assert with_interactions.value_current.iloc[39] > 0 and with_interactions.recent_interactions.iloc[39] == 5
    # current value is shown, not weighted: the score does not change
    assert with_interactions.value_score.equals(without.value_score)


# -- activity read from the orders (Ibis on DuckDB) ---------------------------------------------


@pytest.fixture
def con():
    import ibis

    return ibis.duckdb.connect()


def table(con, name: str, frame: pd.DataFrame):
    import pyarrow as pa

    con.con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
    return con.table(name)


AS_OF = dt.date(2024, 12, 31)


def orders_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "b", "b", "c"],
            "order_id": ["1", "2", "3", "late", "4", "4", "r4", "5"],
            "ordered_at": pd.to_datetime(
                ["2024-01-01 09:00", "2024-06-01 09:00", "2024-10-03 00:00", "2025-01-01 00:00",
                 "2024-12-31 10:00", "2024-12-31 10:00", "2024-12-31 12:00", "2024-10-02 23:59"]
            ),
            "amount": [10.0, 20.0, 30.0, 999.0, 60.0, 40.0, -40.0, 5.0],
            "status": [*["completed"] * 6, "refund", "completed"],
            "cost": [5.0, None, 10.0, 1.0, 30.0, 20.0, -20.0, None],
            "category": ["x", "y", None, "z", "x", "x", "x", " "],
        }
    )


def test_recent_activity_counts_the_last_90_whole_days_and_nothing_after_as_of(con):
    orders = table(con, "orders", orders_frame())
    got = con.execute(recent_activity(orders, AS_OF, days=90)).set_index("customer_id")
    # the window is 2024-10-03 … 2024-12-31: a's order of 10-03 counts, c's of 10-02 does not;
    # a's order of 2025-01-01 is after as_of; b's refund nets against its two-line order
    assert got.to_dict("index") == {
        "a": {"recent_spend": 30.0, "recent_orders": 1},
        "b": {"recent_spend": 60.0, "recent_orders": 1},
    }


def test_order_halves_split_each_tenure_at_its_midpoint(con):
    orders = table(con, "orders", orders_frame())
    got = con.execute(order_halves(orders, AS_OF)).set_index("customer_id").sort_index()
    # a: 2024-01-01 → end of 2024-12-31, midpoint 2024-07-01 21:00: orders 1, 2 early, 3 late
    assert got.loc["a"].tolist() == [2, 1] and got.loc["b"].tolist() == [1, 0] and got.loc["c"].tolist() == [1, 0]


def test_profit_uses_margin_else_cost_and_absent_columns_give_none(con):
    frame = orders_frame()
    frame["margin"] = [None, 8.0, None, None, None, None, None, None]
    orders = table(con, "orders", frame)
    got = con.execute(order_profit(orders, AS_OF)).set_index("customer_id")
    assert got.loc["a"].tolist() == [5.0 + 8.0 + 20.0, 60.0]  # 10−5, margin 8, 30−10
    assert got.loc["b"].tolist() == [30.0 + 20.0 - 20.0, 60.0]
    assert np.isnan(got.loc["c", "profit"])
    plain = table(con, "plain", frame.drop(columns=["cost", "margin", "category"]))
    assert order_profit(plain, AS_OF) is None and category_pairs(plain, AS_OF) is None


def test_category_pairs_are_distinct_and_skip_blank_categories(con):
    orders = table(con, "orders", orders_frame())
    got = con.execute(category_pairs(orders, AS_OF)).sort_values(["customer_id", "category"])
    assert got.values.tolist() == [["a", "x"], ["a", "y"], ["b", "x"]]


def test_recent_interactions_stay_inside_the_window(con):
    interactions = table(
        con,
        "interactions",
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "b"],
                "occurred_at": pd.to_datetime(["2024-12-30", "2024-10-02", "2025-01-01", "2024-11-11"]),
                "kind": ["visit", "visit", "visit", "edm_open"],
            }
        ),
    )
    got = con.execute(recent_interactions(interactions, AS_OF, days=90)).set_index("customer_id")["recent_interactions"]
    assert got.to_dict() == {"a": 1, "b": 1}


# -- properties -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.floats(-1e6, 1e9, allow_nan=False), min_size=1, max_size=60),
    a_share=st.floats(0.05, 1.0),
    cap=st.floats(0.01, 1.0),
    b_extra=st.floats(0.0, 1.0),
)
def test_tiers_cover_everyone_and_respect_the_cap(amounts, a_share, cap, b_extra):
    weights = ValueWeights(tier_a_share=a_share, tier_a_max_share=cap, tier_b_share=min(1.0, a_share + b_extra))
    n = len(amounts)
    scores = percentile_score(pd.Series(amounts))
    assert scores.between(0, 100).all()
    tier = assign_tiers(scores, pd.Series(amounts), weights)
    assert tier.isin(["A", "B", "C"]).all() and len(tier) == n
    assert 1 <= (tier == "A").sum() <= max(1, math.floor(cap * n + 1e-9))
    # tiers never go back up along the ranked list
    order = np.lexsort((np.arange(n), -np.clip(amounts, 0, None), -scores.to_numpy()))
    ranked = tier.to_numpy()[order]
    assert list(ranked) == sorted(ranked)
