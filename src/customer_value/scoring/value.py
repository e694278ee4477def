"""Customer value: historical, current, potential and strategic value; score, rank, tier, quadrant.

Each component is a score from 0 to 100 (docs/columns.md, "Value"):

- **historical** (历史价值): mean of the percentile scores of net revenue to date and of profit;
- **current** (当前价值): mean of the percentile scores of net spend, completed orders and (when
  the workspace has interactions) interactions in the last ``current_days`` days;
- **potential** (潜在价值): percentile score of the predicted lifetime value (``potential_clv``
  column of the models; without it a proxy, :func:`potential_amount`), blended with the
  percentile score of the cross-buy probability (weight ``cross_buy_weight``) when orders have
  categories;
- **strategic** (战略价值): 100 × the share of the ``strategic_fields`` that are truthy.

The percentile score of a value is ``100 × (average rank − 1) / (n − 1)`` among all customers of
the run; a value of 0 or less scores 0 (no spend is never "above average"); a single customer
scores 100 if the value is positive. ``value_score`` is the weighted mean of historical, potential
and strategic value (weights normalised to sum to 1; without ``strategic_fields`` the strategic
weight is left out); current value is shown beside it, not weighted.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from customer_value.config import ValueWeights
from customer_value.errors import DataQualityWarning
from customer_value.scoring.lifecycle import purchase_cycles

logger = logging.getLogger(__name__)

COMPONENTS = ("historical", "current", "potential", "strategic")
TIERS = ("A", "B", "C")
#: (current high?, potential high?) → quadrant.
QUADRANTS = {(True, True): "star", (False, True): "develop", (True, False): "maintain", (False, False): "observe"}
#: Horizon in months of each lifetime value column.
CLV_MONTHS = {"clv_12m": 12, "clv_24m": 24, "clv_36m": 36}
#: Text values that mean "no" in a strategic flag (compared stripped and lower-cased).
FALSY_TEXT = frozenset(
    {"", "0", "0.0", "false", "f", "no", "n", "none", "null", "nan", "否", "不是", "无", "非", "假"}
)
_CHUNK = 50_000


# -- normalisation -------------------------------------------------------------------------------


def percentile_score(values: pd.Series) -> pd.Series:
    """Scores 0..100 by average rank; values ≤ 0 (and missing) score 0.

    >>> percentile_score(pd.Series([0.0, 10.0, 20.0, 30.0])).tolist()
    [0.0, 33.333333333333336, 66.66666666666667, 100.0]
    """
    v = pd.to_numeric(values, errors="coerce").fillna(0.0).astype(float)
    n = len(v)
    if n == 0:
        return pd.Series([], index=values.index, dtype=float)
    if n == 1:
        score = np.where(v.to_numpy() > 0, 100.0, 0.0)
    else:
        score = 100.0 * (v.rank(method="average").to_numpy() - 1) / (n - 1)
    score = np.where(v.to_numpy() > 0, score, 0.0)
    return pd.Series(score, index=values.index, dtype=float)


def top_percent(values: pd.Series) -> pd.Series:
    """Share of customers (whole percent, 1..100, rounded up) whose value is at least this one's."""
    v = pd.to_numeric(values, errors="coerce").fillna(0.0)
    n = max(len(v), 1)
    at_least = n - v.rank(method="min") + 1
    return np.ceil(100 * at_least / n).clip(1, 100).astype(int)


def bottom_percent(values: pd.Series) -> pd.Series:
    """Share of customers (whole percent, 1..100, rounded up) whose value is at most this one's."""
    v = pd.to_numeric(values, errors="coerce").fillna(0.0)
    n = max(len(v), 1)
    return np.ceil(100 * v.rank(method="max") / n).clip(1, 100).astype(int)


# -- inputs --------------------------------------------------------------------------------------


def truthy(values: pd.Series) -> pd.Series:
    """Whether each flag value means "yes": true, non-zero numbers, any text but 0/false/no/否/…"""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0
    text = values.astype(object).where(values.notna(), "").astype(str)
    return ~text.str.strip().str.lower().isin(FALSY_TEXT)


def strategic_value(
    customer_ids: pd.Series, profiles: pd.DataFrame | None, fields: list[str]
) -> tuple[pd.Series, pd.Series, list[str]]:
    """Strategic value 0..100 = 100 × share of ``fields`` that are truthy for the customer.

    Returns
    -------
    score, flags, missing
        ``score`` and ``flags`` (the list of truthy field names) align with ``customer_ids``;
        ``missing`` names the configured fields the customers table does not have (they count
        as not set).
    """
    index = customer_ids.index
    if not fields:
        return pd.Series(0.0, index=index), pd.Series([[] for _ in index], index=index, dtype=object), []
    columns = [] if profiles is None else list(profiles.columns)
    missing = [f for f in fields if f not in columns]
    if missing:
        warnings.warn(DataQualityWarning("value.strategic_missing", fields=", ".join(missing)), stacklevel=2)
    present = [f for f in fields if f in columns]
    flags = pd.DataFrame(False, index=index, columns=present)
    if present:
        table = profiles.drop_duplicates("customer_id").set_index("customer_id")
        for f in present:
            flag = truthy(table[f])
            flags[f] = customer_ids.map(flag).fillna(False).astype(bool).to_numpy()
    score = 100.0 * flags.sum(axis=1).astype(float) / len(fields)
    codes = flags.to_numpy(dtype=np.int64) @ (1 << np.arange(len(present), dtype=np.int64))
    lists = {int(c): [f for j, f in enumerate(present) if int(c) >> j & 1] for c in np.unique(codes)}
    names = pd.Series([lists[c] for c in codes.tolist()], index=index, dtype=object)
    return score, names, missing


def cross_buy_probability(
    pairs: pd.DataFrame | None, customer_ids: pd.Series, *, smoothing: float = 1.0
) -> tuple[pd.Series, pd.Series, int]:
    """Chance that each customer buys a category they have not bought yet.

    .. math::

        p_i = 1 - \\prod_{c \\notin S_i} \\bigl(1 - P(c \\mid S_i)\\bigr), \\quad
        P(c \\mid S_i) = \\frac{1}{|S_i|} \\sum_{s \\in S_i} \\frac{n_{sc} + \\alpha\\, b_c}{n_s + \\alpha}

    with :math:`S_i` the categories customer ``i`` bought, :math:`n_{sc}` the customers who bought
    both ``s`` and ``c``, :math:`n_s` those who bought ``s``, :math:`b_c` the share of buyers who
    bought ``c`` and :math:`\\alpha` = ``smoothing`` (shrinks rare pairs to the base rate). A
    customer with no categorised order gets :math:`P(c \\mid \\varnothing) = b_c`; one who bought
    every category gets 0.

    Parameters
    ----------
    pairs
        Distinct ``customer_id``, ``category`` of completed orders; None when orders have no
        categories.
    customer_ids
        The customers to score.

    Returns
    -------
    probability, bought, categories
        ``probability`` (0..1) and ``bought`` (number of categories bought) align with
        ``customer_ids``; ``categories`` is the number of distinct categories (0 without any).
    """
    index = customer_ids.index
    zeros = pd.Series(0.0, index=index)
    if pairs is None or pairs.empty:
        return zeros, pd.Series(0, index=index), 0
    category_text = pairs["category"].astype(str)
    categories = pd.Index(sorted(category_text.unique()))
    k, n = len(categories), len(customer_ids)
    rows = pd.Index(customer_ids.astype(str)).get_indexer(pairs["customer_id"].astype(str))
    cols = categories.get_indexer(category_text)
    keep = rows >= 0
    bought = sparse.csr_matrix(
        (np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, k), dtype=np.float64
    )
    bought.sum_duplicates()
    bought.data[:] = 1.0
    counts = np.asarray(bought.sum(axis=1)).ravel().astype(int)
    if k < 2:
        return zeros, pd.Series(counts, index=index), k
    co = (bought.T @ bought).toarray()
    n_s = np.diag(co).copy()
    buyers = max(int((counts > 0).sum()), 1)
    base = n_s / buyers
    conditional = (co + smoothing * base[None, :]) / (n_s[:, None] + smoothing)
    probability = np.empty(n)
    for start in range(0, n, _CHUNK):
        part = bought[start : start + _CHUNK]
        size = counts[start : start + _CHUNK, None]
        given = np.where(size > 0, (part @ conditional) / np.maximum(size, 1), base[None, :])
        stay = np.log1p(-np.clip(given, 0.0, 1.0 - 1e-12))
        stay[part.nonzero()] = 0.0
        probability[start : start + _CHUNK] = -np.expm1(stay.sum(axis=1))
    return pd.Series(np.clip(probability, 0.0, 1.0), index=index), pd.Series(counts, index=index), k


def fill_profit(frame: pd.DataFrame, *, profit_margin: float = 1.0) -> tuple[pd.Series, str]:
    """Profit per customer: measured where orders had cost/margin, else estimated.

    Customers without a measured profit get ``net_revenue × rate`` where ``rate`` is the measured
    profit / revenue over all customers that have one; when no order has cost or margin the rate
    is ``models.profit_margin``.

    Returns
    -------
    profit, source
        ``source`` is ``measured``, ``measured_and_estimated`` or ``assumed_margin``.
    """
    net = pd.to_numeric(frame["net_revenue"], errors="coerce").fillna(0.0)
    if "profit" not in frame.columns or frame["profit"].isna().all():
        return net * profit_margin, "assumed_margin"
    profit = pd.to_numeric(frame["profit"], errors="coerce")
    known = profit.notna()
    revenue = pd.to_numeric(frame.get("profit_revenue", net), errors="coerce").fillna(0.0)
    total_revenue = float(revenue[known].sum())
    rate = float(profit[known].sum()) / total_revenue if total_revenue > 0 else profit_margin
    if known.all():
        return profit.astype(float), "measured"
    return profit.fillna(net * rate).astype(float), "measured_and_estimated"


def potential_amount(
    frame: pd.DataFrame, *, clv_column: str = "clv_36m", profit_margin: float = 1.0, default_cycle_days: float = 90.0
) -> tuple[pd.Series, str, int]:
    """Predicted future value per customer: the models' CLV, or a proxy where it is missing.

    The proxy over the CLV horizon of ``h`` days is

    .. math::

        \\text{margin} \\times \\text{AOV} \\times \\frac{\\text{orders}}{\\text{tenure} + \\text{cycle}}
        \\times h \\times a, \\quad a = P(\\text{alive}) \\text{ if modelled, else }
        e^{-\\max(0,\\ \\text{recency} - \\text{cycle}) / \\text{cycle}}

    (``cycle`` as in docs/lifecycle.md): the customer's past order rate, damped by one factor
    ``e`` per purchase cycle overdue. No discounting.

    Returns
    -------
    amount, source, filled
        ``source`` is the CLV column or ``proxy``; ``filled`` counts customers whose CLV was
        missing and got the proxy.
    """
    months = CLV_MONTHS.get(clv_column, 36)
    horizon = months * 365.25 / 12
    cycle, _ = purchase_cycles(frame, default_days=default_cycle_days)
    orders = pd.to_numeric(frame["orders"], errors="coerce").fillna(0.0)
    tenure = pd.to_numeric(frame["tenure_days"], errors="coerce").fillna(0.0)
    recency = pd.to_numeric(frame["recency_days"], errors="coerce").fillna(0.0)
    aov = pd.to_numeric(frame["average_order_value"], errors="coerce").fillna(0.0).clip(lower=0)
    if "p_alive" in frame.columns:
        active = pd.to_numeric(frame["p_alive"], errors="coerce")
        active = active.fillna(np.exp(-(recency - cycle).clip(lower=0) / cycle))
    else:
        active = np.exp(-(recency - cycle).clip(lower=0) / cycle)
    proxy = (profit_margin * aov * orders / (tenure + cycle) * horizon * active).clip(lower=0)
    if clv_column in frame.columns:
        clv = pd.to_numeric(frame[clv_column], errors="coerce")
        filled = int(clv.isna().sum())
        return clv.fillna(proxy).clip(lower=0).astype(float), clv_column, filled
    return proxy.astype(float), "proxy", len(frame)


# -- score, tiers, quadrants ---------------------------------------------------------------------


def normalised_weights(weights: ValueWeights) -> dict[str, float]:
    """The historical / potential / strategic weights scaled to sum to 1.

    Without ``strategic_fields`` nobody can have strategic value, so its weight is left out
    (historical and potential are rescaled), unless it is the only positive weight.
    """
    strategic = weights.strategic
    if not weights.strategic_fields and weights.historical + weights.potential > 0:
        strategic = 0.0
    total = weights.historical + weights.potential + strategic
    return {
        "historical": weights.historical / total,
        "potential": weights.potential / total,
        "strategic": strategic / total,
    }


def assign_tiers(value_score: pd.Series, value_amount: pd.Series, weights: ValueWeights) -> pd.Series:
    """A / B / C for every customer.

    ``tier_by: share`` (default): walk down the customers by ``value_score`` (ties: larger
    ``value_amount`` first, then input order). A customer is **A** while the customers above it
    hold less than ``tier_a_share`` of the total value amount and it is within the first
    ``max(1, floor(tier_a_max_share × n))`` customers; **B** while those above hold less than
    ``tier_b_share``; **C** otherwise. Amounts below 0 count as 0; when the total is 0 the
    customer count replaces the amount. ``tier_by: score``: A if ``value_score ≥
    tier_a_min_score``, B if ``≥ tier_b_min_score``, else C.
    """
    score = pd.to_numeric(value_score, errors="coerce").fillna(0.0)
    if weights.tier_by == "score":
        tier = np.where(score >= weights.tier_a_min_score, "A", np.where(score >= weights.tier_b_min_score, "B", "C"))
        return pd.Series(tier, index=value_score.index, dtype=object).astype(str)
    n = len(score)
    amount = pd.to_numeric(value_amount, errors="coerce").fillna(0.0).clip(lower=0).to_numpy(float)
    order = np.lexsort((np.arange(n), -amount, -score.to_numpy(float)))
    ranked = amount[order]
    total = ranked.sum()
    if total <= 0:
        ranked, total = np.ones(n), float(n)
    before = (np.cumsum(ranked) - ranked) / total
    cap = max(1, math.floor(weights.tier_a_max_share * n + 1e-9))
    position = np.arange(1, n + 1)
    tier_sorted = np.where(
        (before < weights.tier_a_share) & (position <= cap), "A", np.where(before < weights.tier_b_share, "B", "C")
    )
    tier = np.empty(n, dtype=object)
    tier[order] = tier_sorted
    return pd.Series(tier, index=value_score.index, dtype=object).astype(str)


def assign_quadrants(current: pd.Series, potential: pd.Series, *, split: float = 50.0) -> pd.Series:
    """``star`` (high current, high potential), ``develop`` (low, high), ``maintain`` (high, low),
    ``observe`` (low, low); high = score ≥ ``split``."""
    high_current = current.to_numpy(float) >= split
    high_potential = potential.to_numpy(float) >= split
    return pd.Series(
        [QUADRANTS[(bool(c), bool(p))] for c, p in zip(high_current, high_potential)], index=current.index, dtype=object
    ).astype(str)


def value_ranks(value_score: pd.Series, value_amount: pd.Series, customer_ids: pd.Series) -> pd.Series:
    """1 = most valuable: by ``value_score``, then ``value_amount``, then customer id."""
    ranking = pd.DataFrame(
        {"s": value_score.to_numpy(float), "a": value_amount.to_numpy(float), "id": customer_ids.astype(str).to_numpy()}
    )
    order = ranking.sort_values(["s", "a", "id"], ascending=[False, False, True], kind="mergesort").index.to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    return pd.Series(rank, index=value_score.index)


# -- facade --------------------------------------------------------------------------------------


@dataclass
class ValueInputs:
    """What :func:`score_value` reads, each frame keyed by ``customer_id``.

    Attributes
    ----------
    summary
        The run summary (summary and RFM columns; model columns when present).
    recent
        ``recent_spend``, ``recent_orders`` of customers active in the window (others: 0).
    profit
        ``profit``, ``profit_revenue`` (see :func:`fill_profit`), or None without cost/margin.
    categories
        Distinct ``customer_id``, ``category``, or None without categories.
    interactions
        ``recent_interactions``, or None when the workspace has no interactions.
    profiles
        Customer profile fields (for strategic flags), or None without a customers table.
    """

    summary: pd.DataFrame
    recent: pd.DataFrame | None = None
    profit: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    interactions: pd.DataFrame | None = None
    profiles: pd.DataFrame | None = None


@dataclass
class ValueResult:
    """The value columns (index of the summary), the facts reasons are built from, diagnostics."""

    columns: pd.DataFrame
    facts: pd.DataFrame
    diagnostics: dict[str, Any] = field(default_factory=dict)


def _by_customer(ids: pd.Series, frame: pd.DataFrame | None, column: str) -> pd.Series:
    if frame is None or frame.empty or column not in frame.columns:
        return pd.Series(np.nan, index=ids.index)
    values = frame.drop_duplicates("customer_id").set_index("customer_id")[column]
    return pd.Series(ids.map(values).to_numpy(), index=ids.index)


def score_value(
    inputs: ValueInputs,
    weights: ValueWeights | None = None,
    *,
    profit_margin: float = 1.0,
    default_cycle_days: float = 90.0,
) -> ValueResult:
    """Every value column for every customer of the summary; no missing values.

    Returns
    -------
    ValueResult
        ``columns``: ``profit``, ``recent_spend``, ``recent_orders``, ``recent_interactions``,
        ``potential_amount``, ``cross_buy_probability``, ``value_historical``,
        ``value_current``, ``value_potential``, ``value_strategic``, ``value_score``,
        ``value_amount``, ``value_rank``, ``tier``, ``quadrant``. ``facts``: the inputs of the
        reasons (see :mod:`customer_value.scoring.reasons`).
    """
    weights = weights or ValueWeights()
    summary = inputs.summary
    ids = summary["customer_id"]
    frame = summary.copy()
    frame["profit"] = _by_customer(ids, inputs.profit, "profit")
    frame["profit_revenue"] = _by_customer(ids, inputs.profit, "profit_revenue")
    profit, profit_source = fill_profit(frame, profit_margin=profit_margin)
    recent_spend = _by_customer(ids, inputs.recent, "recent_spend").fillna(0.0).astype(float)
    recent_orders = _by_customer(ids, inputs.recent, "recent_orders").fillna(0).astype(int)
    has_interactions = inputs.interactions is not None
    recent_interactions = _by_customer(ids, inputs.interactions, "recent_interactions").fillna(0).astype(int)
    amount, potential_source, filled = potential_amount(
        summary, clv_column=weights.potential_clv, profit_margin=profit_margin, default_cycle_days=default_cycle_days
    )
    cross_buy, bought, n_categories = cross_buy_probability(inputs.categories, ids)
    use_cross_buy = n_categories >= 2 and weights.cross_buy_weight > 0
    strategic, flags, missing_fields = strategic_value(ids, inputs.profiles, list(weights.strategic_fields))

    net = pd.to_numeric(summary["net_revenue"], errors="coerce").fillna(0.0)
    historical = (percentile_score(net) + percentile_score(profit)) / 2
    current_parts = [percentile_score(recent_spend), percentile_score(recent_orders)]
    if has_interactions:
        current_parts.append(percentile_score(recent_interactions))
    current = sum(current_parts) / len(current_parts)
    potential = percentile_score(amount)
    if use_cross_buy:
        c = weights.cross_buy_weight
        potential = (1 - c) * potential + c * percentile_score(cross_buy)
    w = normalised_weights(weights)
    score = w["historical"] * historical + w["potential"] * potential + w["strategic"] * strategic
    value_amount = net.clip(lower=0) + amount

    out = pd.DataFrame(index=summary.index)
    out["profit"] = profit.round(2)
    out["recent_spend"] = recent_spend.round(2)
    out["recent_orders"] = recent_orders
    out["recent_interactions"] = recent_interactions
    out["potential_amount"] = amount.round(2)
    out["cross_buy_probability"] = cross_buy.round(4)
    out["value_historical"] = historical.round(2)
    out["value_current"] = current.round(2)
    out["value_potential"] = potential.round(2)
    out["value_strategic"] = strategic.round(2)
    out["value_score"] = score.round(2)
    out["value_amount"] = value_amount.round(2)
    out["value_rank"] = value_ranks(out["value_score"], out["value_amount"], ids)
    out["tier"] = assign_tiers(out["value_score"], out["value_amount"], weights)
    out["quadrant"] = assign_quadrants(out["value_current"], out["value_potential"], split=weights.quadrant_split)

    facts = pd.DataFrame(index=summary.index)
    facts["net_revenue"], facts["profit"] = net, profit
    facts["recent_spend"], facts["recent_orders"] = recent_spend, recent_orders
    facts["recent_interactions"] = recent_interactions
    facts["recency_days"] = pd.to_numeric(summary["recency_days"], errors="coerce").fillna(0).astype(int)
    facts["potential_amount"] = amount
    facts["cross_buy_probability"], facts["categories_bought"] = cross_buy, bought
    facts["strategic_flags"] = flags
    for column in ("p_alive", "churn_probability"):
        if column in summary.columns:
            facts[column] = pd.to_numeric(summary[column], errors="coerce")
    facts.attrs.update(
        profit_measured=profit_source != "assumed_margin",
        has_interactions=has_interactions,
        potential_source=potential_source,
        clv_months=CLV_MONTHS.get(weights.potential_clv, 36),
        categories=n_categories if use_cross_buy else 0,
    )
    n = max(len(out), 1)
    diagnostics = {
        "customers": len(out),
        "weights": w,
        "profit_source": profit_source,
        "potential_source": potential_source,
        "potential_filled_by_proxy": filled,
        "cross_buy": {"categories": n_categories, "used": use_cross_buy},
        "interactions": has_interactions,
        "strategic": {
            "fields": list(weights.strategic_fields),
            "missing_fields": missing_fields,
            "flagged_customers": int((strategic > 0).sum()),
        },
        "tier_by": weights.tier_by,
        "tier_shares": {t: round(float((out["tier"] == t).sum()) / n, 4) for t in TIERS},
        "tier_value_shares": _value_shares(out),
        "quadrant_counts": {q: int((out["quadrant"] == q).sum()) for q in QUADRANTS.values()},
    }
    logger.debug("value: %s", diagnostics)
    return ValueResult(columns=out, facts=facts, diagnostics=diagnostics)


def _value_shares(out: pd.DataFrame) -> dict[str, float]:
    amount = out["value_amount"].clip(lower=0)
    total = float(amount.sum())
    return {t: round(float(amount[out["tier"] == t].sum()) / total, 4) if total > 0 else 0.0 for t in TIERS}
