"""RFM scores and the segment rules, pinned on hand-made fixtures."""

import pandas as pd
import pytest

from customer_value.scoring.rfm import GROUPS, SEGMENT_GRID, SEGMENTS, quantile_scores, rfm_group, rfm_segment, score_rfm


def test_quintile_scores_split_evenly_and_keep_ties_together():
    values = pd.Series(range(10))
    assert quantile_scores(values, 5).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    tied = pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])
    scores = quantile_scores(tied, 5)
    assert scores[:6].nunique() == 1 and scores.iloc[0] == 1
    assert scores.iloc[-1] == 5


def test_recency_scores_reward_recent_buyers():
    scores = quantile_scores(pd.Series([1, 100, 10, 1000, 5]), 5, higher_is_better=False)
    assert scores.tolist() == [5, 2, 3, 1, 4]


@pytest.mark.parametrize(
    ("r", "fm", "segment"),
    [
        (5, 5, "champions"), (4, 4, "champions"), (5, 1, "new"), (4, 1, "promising"),
        (5, 2, "potential_loyalist"), (5, 3, "potential_loyalist"), (4, 3, "loyal"), (3, 5, "loyal"),
        (3, 2, "need_attention"), (3, 1, "about_to_sleep"), (2, 2, "about_to_sleep"), (2, 3, "at_risk"),
        (1, 3, "at_risk"), (2, 5, "cant_lose_them"), (1, 4, "cant_lose_them"), (2, 1, "hibernating"),
        (1, 2, "hibernating"), (1, 1, "lost"),
    ],
)
def test_each_segment_cell(r, fm, segment):
    assert rfm_segment(r, fm) == segment


def test_grid_uses_all_eleven_segments():
    assert {s for row in SEGMENT_GRID.values() for s in row} == set(SEGMENTS)


@pytest.mark.parametrize(
    ("r", "f", "m", "group"),
    [
        (5, 5, 5, "high_value"), (3, 4, 4, "high_value"), (4, 3, 3, "potential"), (5, 4, 2, "potential"),
        (1, 1, 1, "churn_risk"), (2, 5, 5, "churn_risk"), (5, 1, 1, "low_value"), (3, 2, 2, "low_value"),
    ],
)
def test_each_group_rule(r, f, m, group):
    assert rfm_group(r, f, m) == group


def test_score_rfm_covers_every_customer_with_whales_and_small_fish():
    n = 100
    summary = pd.DataFrame(
        {
            "recency_days": list(range(n)),
            "frequency": [1] * 50 + list(range(2, 52)),
            "monetary": [float(v) for v in range(n)][::-1],
        }
    )
    scored = score_rfm(summary)
    assert scored.rfm_group.isin(GROUPS).all() and scored.rfm_segment.isin(SEGMENTS).all()
    assert scored[["rfm_r", "rfm_f", "rfm_m"]].isin(range(1, 6)).all().all()
    # big spenders who bought once are whales; frequent buyers of small amounts are small fish
    assert scored.whale.iloc[:20].all() and not scored.whale.iloc[50:].any()
    assert scored.small_fish.iloc[-20:].all() and not scored.small_fish.iloc[:50].any()


def test_other_bin_counts_map_to_the_same_grid():
    summary = pd.DataFrame({"recency_days": range(30), "frequency": range(30), "monetary": range(30)})
    scored = score_rfm(summary, bins=3)
    assert scored[["rfm_r", "rfm_f", "rfm_m"]].isin([1, 2, 3]).all().all()
    assert scored.rfm_segment.isin(SEGMENTS).all()
