"""Is there enough data to trust the models? A report for the whole base and a label per customer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from customer_value.errors import UserError
from customer_value.i18n import message, msg
from customer_value.models._data import validate_triples

__all__ = ["Issue", "SufficiencyReport", "check_data_sufficiency", "customer_confidence"]

Confidence = Literal["high", "medium", "low"]

_DAYS_PER_UNIT = {"weeks": 7.0, "days": 1.0}

#: (low below, medium below) thresholds; at or above the second the figure is fine.
CUSTOMERS = (100, 1000)
REPEAT_BUYERS = (30, 200)
HISTORY_DAYS = (90, 180)
#: Above this share of one-time buyers, confidence is at most medium.
ONE_TIME_SHARE = 0.9
#: Per customer: at least this many repeat purchases and days of history for "high".
CUSTOMER_HIGH = (3, 90)
#: Per customer: younger than this many days (or no repeat purchase) is "low".
CUSTOMER_LOW_DAYS = 30


@dataclass(frozen=True)
class Issue:
    """One way the data is thin: a message key, its fields, and how much it lowers confidence."""

    key: str
    fields: dict[str, Any]
    severity: Literal["low", "medium"]

    def message(self, lang: str = "en") -> str:
        """The issue in words, in ``lang``."""
        return msg(self.key, lang, **self.fields)


@dataclass(frozen=True)
class SufficiencyReport:
    """How much purchase history there is, what is thin, and the resulting confidence.

    Attributes
    ----------
    customers
        Number of customers.
    repeat_buyers
        Customers with at least one repeat purchase.
    one_time_share
        Share of customers without a repeat purchase.
    history_length
        Longest customer age (T), in ``time_unit``.
    time_unit
        Unit of ``history_length``.
    issues
        What is thin, as message keys with fields.
    confidence
        ``"high"``, ``"medium"`` or ``"low"``: the worst severity among the issues.
    """

    customers: int
    repeat_buyers: int
    one_time_share: float
    history_length: float
    time_unit: str
    issues: list[Issue] = field(default_factory=list)
    confidence: Confidence = "high"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict; each issue is its message key, fields and severity (rendered when shown)."""
        return {
            "customers": self.customers,
            "repeat_buyers": self.repeat_buyers,
            "one_time_share": self.one_time_share,
            "history_length": self.history_length,
            "time_unit": self.time_unit,
            "confidence": self.confidence,
            "issues": [{"key": i.key, "fields": i.fields, "severity": i.severity} for i in self.issues],
        }


def _unit(time_unit: str) -> float:
    if time_unit not in _DAYS_PER_UNIT:
        raise UserError("models.invalid_argument", name="time_unit", expected="'weeks' or 'days'", value=time_unit)
    return _DAYS_PER_UNIT[time_unit]


def _severity(value: float, thresholds: tuple[float, float]) -> Literal["low", "medium"] | None:
    if value < thresholds[0]:
        return "low"
    if value < thresholds[1]:
        return "medium"
    return None


def check_data_sufficiency(
    frequency: object, recency: object, T: object, *, time_unit: Literal["weeks", "days"] = "weeks"
) -> SufficiencyReport:
    """Summarise how much history the purchase models would be fitted on, and how thin it is.

    Thresholds (low / medium confidence below): customers 100 / 1,000; repeat buyers 30 / 200;
    longest history 90 / 180 days; more than 90% one-time buyers lowers confidence to medium.

    Parameters
    ----------
    frequency, recency, T
        Per-customer repeat purchases, time of the last repeat purchase and age.
    time_unit
        Unit of ``recency`` and ``T``: ``"weeks"`` or ``"days"``.

    Returns
    -------
    The report; its ``issues`` are empty when the data is ample.

    Raises
    ------
    ModelFitError
        The inputs are invalid.
    """
    days = _unit(time_unit)
    x, _, age, _ = validate_triples("check_data_sufficiency", frequency, recency, T)
    customers = len(x)
    repeaters = int((x > 0).sum())
    one_time = 1.0 - repeaters / customers if customers else 1.0
    length = float(age.max()) if customers else 0.0
    issues: list[Issue] = []
    if severity := _severity(customers, CUSTOMERS):
        issues.append(Issue("models.thin_customers", {"customers": customers, "needed": CUSTOMERS[1]}, severity))
    if severity := _severity(repeaters, REPEAT_BUYERS):
        share = f"{repeaters / customers:.0%}" if customers else "0%"
        fields = {"repeat_buyers": repeaters, "share": share, "needed": REPEAT_BUYERS[1]}
        issues.append(Issue("models.thin_repeat_buyers", fields, severity))
    if severity := _severity(length * days, HISTORY_DAYS):
        unit = message(f"backtest.unit_{time_unit}")
        fields = {"length": f"{length:.1f}", "unit": unit, "needed": f"{HISTORY_DAYS[1] / days:.0f}"}
        issues.append(Issue("models.short_history", fields, severity))
    if customers and one_time > ONE_TIME_SHARE:
        issues.append(Issue("models.many_one_time", {"share": f"{one_time:.0%}"}, "medium"))
    severities = {i.severity for i in issues}
    confidence: Confidence = "low" if "low" in severities else "medium" if severities else "high"
    return SufficiencyReport(customers, repeaters, float(one_time), length, time_unit, issues, confidence)


def customer_confidence(
    frequency: object, recency: object, T: object, *, time_unit: Literal["weeks", "days"] = "weeks"
) -> np.ndarray:
    """Label how much each customer's own history supports their predictions.

    ``"high"``: at least 3 repeat purchases and 90 days of history; ``"low"``: no repeat purchase
    or younger than 30 days (the prediction is mostly the population average); else ``"medium"``.

    Returns
    -------
    An array of ``"high"`` / ``"medium"`` / ``"low"``, one per customer.
    """
    days = _unit(time_unit)
    x, _, age, _ = validate_triples("customer_confidence", frequency, recency, T)
    age_days = age * days
    labels = np.full(len(x), "medium", dtype=object)
    labels[(x >= CUSTOMER_HIGH[0]) & (age_days >= CUSTOMER_HIGH[1])] = "high"
    labels[(x == 0) | (age_days < CUSTOMER_LOW_DAYS)] = "low"
    return labels.astype(str)
