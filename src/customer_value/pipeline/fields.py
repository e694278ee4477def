"""How each canonical column is parsed, and which columns each table requires."""

from __future__ import annotations

DATETIME_COLUMNS = frozenset(
    {
        "ordered_at",
        "signup_at",
        "occurred_at",
        "opened_at",
        "resolved_at",
        "answered_at",
        "referred_at",
        "stage_entered_at",
        "created_at",
        "closed_at",
        "period_start",
        "period_end",
    }
)
AMOUNT_COLUMNS = frozenset({"amount", "unit_price", "cost", "margin", "spend", "refunded_amount"})
NUMBER_COLUMNS = frozenset({"quantity", "nps", "ces", "csat", "satisfaction", "duration", "value"})
ID_COLUMNS = frozenset(
    {"customer_id", "order_id", "referrer_id", "referred_id", "opportunity_id", "ticket_id", "product_id"}
)


def field_kind(column: str) -> str:
    """``datetime``, ``amount``, ``number``, ``id``, ``phone``, ``email`` or ``text``."""
    if column in DATETIME_COLUMNS:
        return "datetime"
    if column in AMOUNT_COLUMNS:
        return "amount"
    if column in NUMBER_COLUMNS:
        return "number"
    if column in ID_COLUMNS:
        return "id"
    if column in ("phone", "email"):
        return column
    return "text"
