"""Playbooks: the next best action for every customer, and action lists per owner.

Rules are checked in order and the first one whose conditions all hold gives the action
(docs/playbooks.md): the custom ``playbooks.rules`` first, then :data:`BUILTIN_RULES` (unless
``builtin_rules: false``), then ``default_action``. The built-in precedence is **churn signals
first, then tier, then lifecycle / quadrant / group**:

1. churn signal and tier A or B → ``personal_outreach`` (learn why, in person);
2. churn signal, tier C, group not low value → ``win_back_coupon``;
3. tier A and group high value → ``account_manager``;
4. tier A → ``priority_service``;
5. stage acquisition → ``training``;
6. quadrant develop (low current, high potential value) → ``tiered_offer``;
7. group potential → ``solution_content``;
8. tier B → ``new_product_trial``;
9. anyone else → ``automated_message`` (low-cost, automated).

A customer has a **churn signal** when the lifecycle stage is decline or churned, the RFM group
is churn risk, or the churn probability (when modelled) is at least ``churn.probability_threshold``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_value.config import PlaybookConfig, PlaybookRule
from customer_value.i18n import msg

#: Priority of each built-in action: 1 = most urgent.
BUILTIN_PRIORITY = {
    "personal_outreach": 1,
    "account_manager": 2,
    "priority_service": 3,
    "win_back_coupon": 4,
    "new_product_trial": 5,
    "tiered_offer": 6,
    "training": 6,
    "solution_content": 7,
    "automated_message": 9,
}

BUILTIN_RULES = (
    PlaybookRule(action="personal_outreach", churn_signal=True, tier=["A", "B"]),
    PlaybookRule(
        action="win_back_coupon", churn_signal=True, tier=["C"], rfm_group=["high_value", "potential", "churn_risk"]
    ),
    PlaybookRule(action="account_manager", tier=["A"], rfm_group=["high_value"]),
    PlaybookRule(action="priority_service", tier=["A"]),
    PlaybookRule(action="training", lifecycle_stage=["acquisition"]),
    PlaybookRule(action="tiered_offer", quadrant=["develop"]),
    PlaybookRule(action="solution_content", rfm_group=["potential"]),
    PlaybookRule(action="new_product_trial", tier=["B"]),
)
UNASSIGNED = "unassigned"
CHURN_STAGES = ("decline", "churned")
_CONDITIONS = ("tier", "lifecycle_stage", "rfm_group", "rfm_segment", "quadrant")


def churn_signal(frame: pd.DataFrame, *, churn_threshold: float = 0.7) -> pd.Series:
    """Stage decline/churned, RFM group churn risk, or churn probability ≥ ``churn_threshold``."""
    signal = pd.Series(False, index=frame.index)
    if "lifecycle_stage" in frame.columns:
        signal |= frame["lifecycle_stage"].isin(CHURN_STAGES)
    if "rfm_group" in frame.columns:
        signal |= frame["rfm_group"] == "churn_risk"
    if "churn_probability" in frame.columns:
        signal |= pd.to_numeric(frame["churn_probability"], errors="coerce").fillna(0) >= churn_threshold
    return signal.astype(bool)


def rule_matches(rule: PlaybookRule, frame: pd.DataFrame, signal: pd.Series) -> pd.Series:
    """Which customers meet every condition of ``rule`` (a condition on a missing column never holds)."""
    match = pd.Series(True, index=frame.index)
    if rule.churn_signal is not None:
        match &= signal == rule.churn_signal
    for column in _CONDITIONS:
        allowed = getattr(rule, column)
        if allowed is None:
            continue
        match &= frame[column].isin(allowed) if column in frame.columns else False
    return match.astype(bool)


def action_priority(code: str, config: PlaybookConfig | None = None) -> int:
    """1 (most urgent) … 9; custom actions carry their own."""
    if config is not None and code in config.actions:
        return config.actions[code].priority
    return BUILTIN_PRIORITY.get(code, 5)


def assign_actions(
    frame: pd.DataFrame, config: PlaybookConfig | None = None, *, churn_threshold: float = 0.7
) -> pd.DataFrame:
    """The next best action of every customer.

    Parameters
    ----------
    frame
        The run summary with ``tier``, ``quadrant``, ``lifecycle_stage``, ``rfm_group``,
        ``rfm_segment`` (missing columns make their conditions fail) and ``churn_probability``
        when modelled.
    config
        The ``playbooks`` settings.
    churn_threshold
        ``churn.probability_threshold``.

    Returns
    -------
    DataFrame
        Same index: ``next_best_action`` (an action code), ``action_priority`` (1..9),
        ``action_rule`` (which rule fired: ``custom:<n>``, ``builtin:<n>`` or ``default``).
    """
    config = config or PlaybookConfig()
    signal = churn_signal(frame, churn_threshold=churn_threshold)
    rules = [(f"custom:{i + 1}", r) for i, r in enumerate(config.rules)]
    if config.builtin_rules:
        rules += [(f"builtin:{i + 1}", r) for i, r in enumerate(BUILTIN_RULES)]
    action = np.full(len(frame), config.default_action, dtype=object)
    fired = np.full(len(frame), "default", dtype=object)
    open_ = np.ones(len(frame), dtype=bool)
    for name, rule in rules:
        hit = open_ & rule_matches(rule, frame, signal).to_numpy()
        action[hit], fired[hit] = rule.action, name
        open_ &= ~hit
    out = pd.DataFrame(index=frame.index)
    out["next_best_action"] = pd.Series(action, index=frame.index).astype(str)
    priorities = {code: action_priority(code, config) for code in set(action)}
    out["action_priority"] = out["next_best_action"].map(priorities).astype("int64")
    out["action_rule"] = pd.Series(fired, index=frame.index).astype(str)
    return out


def action_text(code: str, lang: str = "en", config: PlaybookConfig | None = None) -> str:
    """The action in ``lang``: a custom action's own text, else the catalog's ``action.<code>``."""
    if config is not None and code in config.actions:
        text = config.actions[code]
        return text.zh if lang == "zh" else text.en
    return msg(f"action.{code}", lang)


def owners_of(customer_ids: pd.Series, profiles: pd.DataFrame | None) -> pd.Series:
    """Each customer's owner from the customers table; ``unassigned`` when missing or blank."""
    owners = pd.Series(UNASSIGNED, index=customer_ids.index, dtype=object)
    if profiles is None or "owner" not in profiles.columns or profiles.empty:
        return owners.astype(str)
    table = profiles.drop_duplicates("customer_id").set_index("customer_id")["owner"]
    found = customer_ids.map(table).astype(object).tolist()
    names = ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v).strip() for v in found]
    return pd.Series([name or UNASSIGNED for name in names], index=customer_ids.index, dtype=object).astype(str)


LIST_COLUMNS = (
    "action_owner",
    "customer_id",
    "next_best_action",
    "action_priority",
    "tier",
    "value_score",
    "value_rank",
    "lifecycle_stage",
    "quadrant",
    "rfm_group",
)


def action_list(summary: pd.DataFrame, *, owner: str | None = None) -> pd.DataFrame:
    """Customers with their next best action, per owner, most urgent and most valuable first.

    Sorted by owner, then ``action_priority`` (1 first), then ``value_score`` (highest first),
    then customer id. ``owner`` keeps one owner's customers (``unassigned`` for those without).
    """
    frame = summary
    if owner is not None:
        frame = frame[frame["action_owner"] == owner]
    columns = [c for c in LIST_COLUMNS if c in frame.columns]
    return (
        frame[columns]
        .sort_values(
            ["action_owner", "action_priority", "value_score", "customer_id"],
            ascending=[True, True, False, True],
            kind="mergesort",
        )
        .reset_index(drop=True)
    )
