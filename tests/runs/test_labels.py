"""Every value a person sees has a label in their language; docs/columns.md matches the catalogs."""

import re
from pathlib import Path

import numpy as np
import pytest

from customer_value.i18n import msg
from customer_value.runs.labels import column_label, factors_text, value_label
from customer_value.scoring.alerts import ALERT_CODES
from customer_value.scoring.lifecycle import STAGES

COLUMNS_DOC = Path(__file__).parents[2] / "docs" / "columns.md"
ROW = re.compile(r"^\| `([a-z0-9_]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|", re.MULTILINE)


def test_the_documented_labels_are_the_catalog_labels():
    rows = ROW.findall(COLUMNS_DOC.read_text(encoding="utf-8"))
    assert len(rows) > 60
    assert [(c, column_label("en", c), column_label("zh", c)) for c, _, _ in rows] == [
        (c, en.strip(), zh.strip()) for c, en, zh in rows]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_coded_values_have_labels(lang):
    coded = {
        "prediction_confidence": ["high", "medium", "low"],
        "lifecycle_stage": list(STAGES),
        "tier": ["A", "B", "C"],
        "quadrant": ["star", "develop", "maintain", "observe"],
        "next_purchase_window": ["unlikely"],
        "status": ["completed", "cancelled", "refund"],
        "action_rule": ["builtin:3", "custom:1", "default"],
        "action_owner": ["unassigned"],
    }
    for column, codes in coded.items():
        for code in codes:
            label = value_label(lang, column, code)
            assert label != code and "{" not in label, (column, code)
    assert value_label(lang, "next_purchase_window", "2025-07-01/2025-07-09") == "2025-07-01/2025-07-09"
    assert value_label(lang, "action_rule", "builtin:3").endswith("3")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_booleans_lists_and_factors_read_as_words(lang):
    yes, no = msg("common.yes", lang), msg("common.no", lang)
    assert value_label(lang, "whale", True) == yes and value_label(lang, "phone_valid", np.bool_(False)) == no
    alerts = value_label(lang, "alerts", np.array(list(ALERT_CODES), dtype=object))
    assert alerts == msg("common.list_separator", lang).join(msg(f"alert.name.{c}", lang) for c in ALERT_CODES)
    assert value_label(lang, "source_ids", np.array(["C1", "C2"])) == msg("common.list_separator", lang).join(["C1", "C2"])
    text = factors_text(lang, ["days_since_last_order", "spend_90d"], [880.0, 57570.57])
    assert msg("factor.days_since_last_order", lang) in text and "880" in text and "57,570.57" in text
    assert "880.0" not in text
    assert value_label(lang, "net_revenue", 12.5) == 12.5 and value_label(lang, "name", "王芳") == "王芳"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quarantine_codes_read_as_words(lang):
    assert value_label(lang, "table", "orders") == msg("table.orders", lang)
    assert value_label(lang, "field", "ordered_at") == msg("column.ordered_at", lang)
    assert value_label(lang, "reason", "invalid_phone") == msg("quality.reason.invalid_phone", lang)
    assert value_label(lang, "reason", "refund_negated") == msg("quality.change.refund_negated", lang)
    assert value_label(lang, "action", "flagged") == msg("quarantine.flagged", lang)
    assert value_label(lang, "reason", "something_new") == "something_new"
