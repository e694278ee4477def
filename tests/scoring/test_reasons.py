"""The three reasons behind each value: chosen by strength, stored as keys, rendered in zh and en."""

import json

import numpy as np
import pandas as pd
import pytest

from customer_value.config import ValueWeights
from customer_value.i18n import catalog
from customer_value.scoring.reasons import format_amount, parse_reasons, render_reasons, value_reasons
from customer_value.scoring.value import ValueInputs, score_value


def inputs(n: int = 100, **extra_columns) -> ValueInputs:
    """Customer i has net revenue 100·(i+1); the last 20 spent 10·(i+1) in the last 90 days."""
    ids = [f"C{i:03d}" for i in range(n)]
    summary = pd.DataFrame(
        {
            "customer_id": ids, "orders": 2, "net_revenue": [100.0 * (i + 1) for i in range(n)],
            "average_order_value": [50.0 * (i + 1) for i in range(n)], "recency_days": [200 - i for i in range(n)],
            "tenure_days": 400, "btyd_frequency": 1, "btyd_recency_days": 100, **extra_columns,
        }
    )
    spend = [10.0 * (i + 1) for i in range(n - 20, n)]
    recent = pd.DataFrame({"customer_id": ids[-20:], "recent_spend": spend, "recent_orders": 1})
    return ValueInputs(summary=summary, recent=recent)


def reasons_of(value_inputs: ValueInputs, weights: ValueWeights | None = None, currency: str = "CNY") -> pd.Series:
    result = score_value(value_inputs, weights)
    return value_reasons(result.facts, weights, currency=currency)


def test_amounts_are_formatted_with_the_currency_symbol():
    assert format_amount(12300.4, "CNY") == "¥12,300"
    assert format_amount(45.5, "CNY") == "¥45.50"
    assert format_amount(12300.4) == "12,300"  # currency unknown: no symbol, never ¥ by default
    assert format_amount(-1234.0, "USD") == "-$1,234"
    assert format_amount(1200, "CHF") == "CHF 1,200"


def test_every_customer_gets_three_reasons_as_json_keys():
    reasons = reasons_of(inputs())
    parsed = [json.loads(r) for r in reasons]
    assert all(len(p) == 3 for p in parsed)
    assert all(r["key"].startswith("reason.") and r["key"] in catalog("en") for p in parsed for r in p)


def test_the_top_customer_is_explained_in_both_languages_with_formatted_numbers():
    reasons = reasons_of(inputs()).iloc[-1]  # net revenue ¥10,000, recent spend ¥1,000: both the top 1%
    en, zh = render_reasons(reasons, "en"), render_reasons(reasons, "zh")
    assert len(en) == len(zh) == 3
    assert "Net revenue to date ¥10,000, top 1%" in en
    assert "累计净收入 ¥10,000，排名前1%" in zh
    assert "Last 90 days' spend ¥1,000, top 1%" in en
    assert "近90天消费 ¥1,000，排名前1%" in zh
    assert any(line.startswith("Estimated 36-month value ¥") for line in en)


def test_a_low_value_customer_is_explained_by_what_is_missing():
    reasons = reasons_of(inputs()).iloc[0]
    keys = [r["key"] for r in parse_reasons(reasons)]
    assert keys[0] == "reason.net_revenue_bottom" and "reason.no_recent_purchase" in keys
    en = render_reasons(reasons, "en")
    assert "Net revenue to date ¥100, bottom 1%" in en
    assert "No purchase in the last 90 days (last order 200 days ago)" in en
    assert "近90天无购买（最近一次下单在200天前）" in render_reasons(reasons, "zh")


def test_strategic_flags_and_model_outputs_become_reasons():
    value_inputs = inputs(p_alive=0.9, clv_36m=np.linspace(10, 1000, 100))
    value_inputs.summary.loc[60, "p_alive"] = 0.02  # a middling customer: the risk stands out
    value_inputs.profiles = pd.DataFrame({"customer_id": ["C000", "C050"], "reference_account": ["是", "是"]})
    weights = ValueWeights(strategic_fields=["reference_account"])
    reasons = reasons_of(value_inputs, weights)
    assert "Strategic account: reference_account" in render_reasons(reasons.iloc[50], "en")
    assert "战略客户：reference_account" in render_reasons(reasons.iloc[50], "zh")
    assert "Only 2% likely to still be an active customer" in render_reasons(reasons.iloc[60], "en")
    assert "仍为活跃客户的概率仅 2%" in render_reasons(reasons.iloc[60], "zh")
    top = render_reasons(reasons.iloc[-1], "en")
    assert any(line.startswith("Predicted 36-month value ¥1,000, top 1%") for line in top)


def test_cross_buy_is_a_reason_where_categories_exist():
    value_inputs = inputs(n=20)
    ids = value_inputs.summary.customer_id
    value_inputs.categories = pd.DataFrame(
        {"customer_id": list(ids) + list(ids[:10]), "category": ["a"] * 20 + ["b"] * 10}
    )
    reasons = reasons_of(value_inputs, ValueWeights(cross_buy_weight=1.0, historical=0, potential=1, strategic=0))
    text = render_reasons(reasons.iloc[15], "en")
    assert any("chance to buy a category not bought yet (1 of 2 categories bought)" in line for line in text)
    assert any("已购 1/2 个品类" in line for line in render_reasons(reasons.iloc[15], "zh"))


def test_rendering_tolerates_lists_and_nothing():
    stored = [{"key": "reason.churn_high", "fields": {"probability": 81}}]
    assert render_reasons(stored, "en") == ["Churn probability 81%"]
    assert render_reasons(json.dumps(stored), "zh") == ["流失概率 81%"]
    assert render_reasons(None) == [] and render_reasons("not json") == []


@pytest.mark.parametrize("key", [k for k in catalog("en") if k.startswith("reason.")])
def test_every_reason_message_exists_in_both_languages(key):
    assert key in catalog("zh")
