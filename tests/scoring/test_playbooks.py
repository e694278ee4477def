"""Playbooks: the documented precedence, custom rules and actions, owners and action lists."""

import numpy as np
import pandas as pd
import pytest

from customer_value.config import BUILTIN_ACTIONS, PlaybookConfig, Settings
from customer_value.errors import ConfigError
from customer_value.i18n import catalog
from customer_value.scoring.playbooks import (
    BUILTIN_PRIORITY,
    action_list,
    action_text,
    assign_actions,
    churn_signal,
    owners_of,
)


def customer(**fields) -> dict:
    """A tier C, low-value, observed, mature customer: no rule but the last one applies."""
    base = {
        "tier": "C", "rfm_group": "low_value", "rfm_segment": "hibernating", "quadrant": "observe",
        "lifecycle_stage": "maturity",
    }
    return {**base, **fields}


def action_of(config: PlaybookConfig | None = None, **fields) -> str:
    return assign_actions(pd.DataFrame([customer(**fields)]), config).next_best_action.iloc[0]


@pytest.mark.parametrize(
    ("fields", "action"),
    [
        # 1. churn signal first: tier A/B → personal outreach, whatever else holds
        ({"tier": "A", "lifecycle_stage": "decline", "rfm_group": "high_value"}, "personal_outreach"),
        ({"tier": "B", "lifecycle_stage": "churned"}, "personal_outreach"),
        ({"tier": "A", "rfm_group": "churn_risk"}, "personal_outreach"),
        # 2. churn signal, tier C, not low value → win-back coupon
        ({"lifecycle_stage": "churned", "rfm_group": "churn_risk"}, "win_back_coupon"),
        ({"lifecycle_stage": "decline", "rfm_group": "potential"}, "win_back_coupon"),
        # ... a low-value tier C leaver gets the cheap automated message
        ({"lifecycle_stage": "churned"}, "automated_message"),
        # 3./4. tier A
        ({"tier": "A", "rfm_group": "high_value"}, "account_manager"),
        ({"tier": "A", "rfm_group": "potential"}, "priority_service"),
        # 5. new customers are trained
        ({"tier": "B", "lifecycle_stage": "acquisition", "quadrant": "develop"}, "training"),
        # 6. high potential, low current value
        ({"tier": "B", "quadrant": "develop", "rfm_group": "potential"}, "tiered_offer"),
        # 7. RFM potential group
        ({"tier": "B", "rfm_group": "potential"}, "solution_content"),
        # 8. tier B
        ({"tier": "B", "rfm_group": "high_value"}, "new_product_trial"),
        # 9. everyone else
        ({}, "automated_message"),
    ],
)
def test_builtin_precedence(fields, action):
    assert action_of(**fields) == action


def test_a_modelled_churn_probability_is_a_churn_signal():
    frame = pd.DataFrame([customer(tier="A", rfm_group="high_value")] * 3)
    frame["churn_probability"] = [0.69, 0.7, np.nan]
    assert churn_signal(frame).tolist() == [False, True, False]
    expected = ["account_manager", "personal_outreach", "account_manager"]
    assert assign_actions(frame).next_best_action.tolist() == expected
    assert assign_actions(frame, churn_threshold=0.5).next_best_action.iloc[0] == "personal_outreach"


def test_custom_rules_come_first_and_custom_actions_have_their_own_text():
    config = PlaybookConfig.model_validate(
        {
            "rules": [{"action": "vip_gift", "tier": ["A"], "lifecycle_stage": ["maturity"]}],
            "actions": {"vip_gift": {"en": "Send a VIP gift", "zh": "寄送VIP礼品", "priority": 2}},
        }
    )
    frame = pd.DataFrame([customer(tier="A", rfm_group="high_value"), customer(tier="A", lifecycle_stage="growth")])
    out = assign_actions(frame, config)
    assert out.next_best_action.tolist() == ["vip_gift", "priority_service"]
    assert out.action_priority.tolist() == [2, 3] and out.action_rule.tolist() == ["custom:1", "builtin:4"]
    assert action_text("vip_gift", "zh", config) == "寄送VIP礼品"
    assert action_text("vip_gift", "en", config) == "Send a VIP gift"


def test_without_builtin_rules_unmatched_customers_get_the_default_action():
    config = PlaybookConfig(builtin_rules=False, default_action="priority_service")
    out = assign_actions(pd.DataFrame([customer(tier="A", rfm_group="high_value")]), config)
    assert out.next_best_action.tolist() == ["priority_service"] and out.action_rule.tolist() == ["default"]


def test_a_condition_on_a_missing_column_never_holds():
    frame = pd.DataFrame([{"tier": "A", "rfm_group": "high_value"}])  # no lifecycle stage, no quadrant
    assert assign_actions(frame).next_best_action.tolist() == ["account_manager"]
    assert assign_actions(frame.drop(columns=["tier"])).next_best_action.tolist() == ["automated_message"]


def test_unknown_actions_are_a_config_error():
    with pytest.raises(ValueError, match="unknown action"):
        PlaybookConfig.model_validate({"rules": [{"action": "send_flowers"}]})
    with pytest.raises(ValueError, match="tier"):
        PlaybookConfig.model_validate({"rules": [{"action": "training", "tier": ["Z"]}]})


def test_unknown_actions_in_cva_yaml_are_one_line(tmp_path):
    from customer_value.config import load_settings

    path = tmp_path / "cva.yaml"
    path.write_text("playbooks:\n  default_action: nap\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown action.*nap") as caught:
        load_settings(path)
    assert "\n" not in str(caught.value)


def test_every_builtin_action_has_a_priority_and_text_in_both_languages():
    assert set(BUILTIN_PRIORITY) == set(BUILTIN_ACTIONS)
    for code in BUILTIN_ACTIONS:
        assert f"action.{code}" in catalog("en") and f"action.{code}" in catalog("zh")
        assert action_text(code, "zh") != action_text(code, "en")
    assert Settings().playbooks.default_action in BUILTIN_ACTIONS


def test_owners_come_from_the_customers_table_else_unassigned():
    ids = pd.Series(["a", "b", "c", "d"])
    profiles = pd.DataFrame({"customer_id": ["a", "b", "c"], "owner": ["王芳", None, "  "]})
    assert owners_of(ids, profiles).tolist() == ["王芳", "unassigned", "unassigned", "unassigned"]
    assert owners_of(ids, None).tolist() == ["unassigned"] * 4


def test_action_lists_sort_by_owner_then_priority_then_value():
    summary = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "action_owner": ["li", "li", "li", "wang", "unassigned"],
            "next_best_action": ["automated_message", "personal_outreach", "automated_message", "training", "training"],
            "action_priority": [9, 1, 9, 6, 6],
            "value_score": [10.0, 5.0, 30.0, 50.0, 1.0],
        }
    )
    assert action_list(summary).customer_id.tolist() == ["b", "c", "a", "e", "d"]
    assert action_list(summary, owner="li").customer_id.tolist() == ["b", "c", "a"]
    assert action_list(summary, owner="nobody").empty
