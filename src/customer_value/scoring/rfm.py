"""RFM scores, the four specification groups, the eleven-segment map, whales and small fish.

Scores are 1..``bins`` over the customers in the summary (everyone with a completed order):
``score = 1 + floor(bins * (rank_min - 1) / n)`` on values oriented so that larger is better
(recency is reversed). Equal values share the lowest rank, hence the same score; when one value
dominates (most customers bought once) the scores bunch at the bottom instead of splitting ties.

Segments use R and FM = round-half-up((F + M) / 2), both mapped to a 1..5 scale (see
``SEGMENT_GRID``; the table is in docs/segments.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Rows R = 5..1, columns FM = 1..5.
SEGMENT_GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential_loyalist", "potential_loyalist", "champions", "champions"),
    4: ("promising", "potential_loyalist", "loyal", "champions", "champions"),
    3: ("about_to_sleep", "need_attention", "need_attention", "loyal", "loyal"),
    2: ("hibernating", "about_to_sleep", "at_risk", "at_risk", "cant_lose_them"),
    1: ("lost", "hibernating", "at_risk", "cant_lose_them", "cant_lose_them"),
}
SEGMENTS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose_them",
    "hibernating",
    "lost",
)
GROUPS = ("high_value", "potential", "churn_risk", "low_value")


def quantile_scores(values: pd.Series, bins: int, *, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` by rank; equal values get equal scores."""
    oriented = values if higher_is_better else -values
    n = len(values)
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64")
    ranks = oriented.rank(method="min").to_numpy()
    scores = 1 + np.floor(bins * (ranks - 1) / n).astype("int64")
    return pd.Series(scores, index=values.index)


def _to_five(scores: pd.Series, bins: int) -> pd.Series:
    return np.ceil(scores * 5 / bins).astype("int64")


def rfm_segment(r5: int, fm5: int) -> str:
    """The eleven-segment name of one (R, FM) cell on the 1..5 scale."""
    return SEGMENT_GRID[r5][fm5 - 1]


def rfm_group(r5: int, f5: int, m5: int) -> str:
    """The specification's four groups, extended so every customer has one.

    Recency decides risk first: R low (1–2) → ``churn_risk`` (流失风险); otherwise F and M high
    (4–5) → ``high_value`` (高价值); F and M low (1–2) → ``low_value`` (低价值); else
    ``potential`` (潜力).
    """
    if r5 <= 2:
        return "churn_risk"
    if f5 >= 4 and m5 >= 4:
        return "high_value"
    if f5 <= 2 and m5 <= 2:
        return "low_value"
    return "potential"


def score_rfm(summary: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """RFM columns for every row of the customer summary.

    Parameters
    ----------
    summary
        Needs ``recency_days``, ``frequency`` and ``monetary``.
    bins
        Number of score levels (5 = quintiles).

    Returns
    -------
    DataFrame
        Same index: ``rfm_r``, ``rfm_f``, ``rfm_m`` (1..bins), ``rfm_score`` ("545"),
        ``rfm_group``, ``rfm_segment``, ``whale`` (M top, F low), ``small_fish`` (M low, F high).
    """
    r = quantile_scores(summary["recency_days"], bins, higher_is_better=False)
    f = quantile_scores(summary["frequency"], bins)
    m = quantile_scores(summary["monetary"], bins)
    r5, f5, m5 = _to_five(r, bins), _to_five(f, bins), _to_five(m, bins)
    fm5 = np.floor((f5 + m5) / 2 + 0.5).astype("int64")
    out = pd.DataFrame(index=summary.index)
    out["rfm_r"], out["rfm_f"], out["rfm_m"] = r, f, m
    out["rfm_score"] = r.astype(str) + f.astype(str) + m.astype(str)
    out["rfm_group"] = [rfm_group(*cell) for cell in zip(r5, f5, m5)]
    out["rfm_segment"] = [rfm_segment(*cell) for cell in zip(r5, fm5)]
    out["whale"] = (m5 >= 5) & (f5 <= 2)
    out["small_fish"] = (m5 <= 2) & (f5 >= 4)
    return out
