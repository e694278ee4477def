"""How a run's columns and values read in zh or en: column labels and coded values in words.

Every value a user sees has a catalog label: column names (``column.*``), codes such as tiers,
segments, stages, prediction confidence and alerts, booleans (yes / no, 是 / 否), lists (each item
in words) and each churn factor with the customer's value. Terminal tables and Excel exports use
these; JSON and CSV keep the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from customer_value.i18n import has_message, msg

if TYPE_CHECKING:
    from customer_value.config import PlaybookConfig

__all__ = ["CODE_TABLES", "column_label", "factors_text", "value_label"]

#: Catalog table of each coded column's values (``<table>.<code>``).
CODE_TABLES = {
    "tier": "tier",
    "quadrant": "quadrant",
    "lifecycle_stage": "lifecycle",
    "rfm_group": "group",
    "rfm_segment": "segment",
    "prediction_confidence": "confidence",
    "next_purchase_window": "window",
    "status": "status",
    "action": "quarantine",
    "table": "table",
}
#: Columns holding lists of codes, and the catalog table of each code.
CODE_LISTS = {"churn_factors": "factor", "alerts": "alert.name"}
#: Migration tables mark "not in that run" with this value in these columns.
MIGRATION_COLUMNS, NONE, UNASSIGNED = ("tier", "lifecycle_stage"), "none", "unassigned"


def column_label(lang: str, column: str) -> str:
    """The display name of a column, or the column itself when the catalog has none (``x_…``)."""
    return msg(f"column.{column}", lang) if has_message(f"column.{column}") else column


def _code(lang: str, table: str, value: str) -> str:
    key = f"{table}.{value}"
    return msg(key, lang) if has_message(key) else value


def _action_rule(lang: str, rule: str) -> str:
    kind, _, number = rule.partition(":")
    key = f"cli.actions.rule_{kind}"
    return msg(key, lang, number=number) if has_message(key) else rule


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def factors_text(lang: str, factors: Sequence[str], values: Sequence[float] | None = None) -> str:
    """Churn factors in words, each with the customer's value when given."""
    labels = [_code(lang, "factor", f) for f in factors]
    if values is not None and len(values) == len(labels):
        labels = [msg("common.labelled_value", lang, label=label, value=_number(v)) for label, v in zip(labels, values)]
    return msg("common.separator", lang).join(labels)


def value_label(lang: str, column: str, value: Any, playbooks: PlaybookConfig | None = None) -> Any:
    """``value`` of ``column`` as the user reads it in ``lang``; numbers and free text unchanged.

    Booleans become yes / no, coded values their label, lists their items in words (joined).
    """
    if isinstance(value, (bool, np.bool_)):
        return msg("common.yes" if value else "common.no", lang)
    if isinstance(value, (list, tuple, np.ndarray)):
        table = CODE_LISTS.get(column)
        items = [_code(lang, table, str(v)) if table else _number(v) if isinstance(v, float) else str(v) for v in value]
        return msg("common.list_separator", lang).join(items)
    if not isinstance(value, str):
        return value
    if column == "next_best_action":
        from customer_value.scoring.playbooks import action_text

        text = action_text(value, lang, playbooks)
        return value if text == f"action.{value}" else text
    if column == "action_owner" and value == UNASSIGNED:
        return msg("cli.actions.unassigned", lang)
    if column == "action_rule":
        return _action_rule(lang, value)
    if value == NONE and column in MIGRATION_COLUMNS:
        return msg("cli.actions.none", lang)
    if column == "field":  # the quarantine's column at fault
        return column_label(lang, value)
    if column == "reason":  # why a row was quarantined: a rejection or a change
        keys = [k for k in (f"quality.reason.{value}", f"quality.change.{value}") if has_message(k)]
        return msg(keys[0], lang) if keys else value
    if column in CODE_TABLES:
        return _code(lang, CODE_TABLES[column], value)
    return value
