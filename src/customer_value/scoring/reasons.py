"""The three strongest reasons behind each customer's value, as language-neutral message keys.

A reason is ``{"key": "reason.<name>", "fields": {...}}``; the run stores each customer's three
reasons as JSON text in the ``reasons`` column, and readers render them in their language with
:func:`render_reasons` (``msg(key, lang, **fields)``). Fields are display-ready and the same in
every language: amounts with their currency symbol (``"¥12,300"``), whole percents (``5`` for
"top 5%"), day counts.

Candidate facts and their strength (``w`` = the normalised weights of :mod:`.value`, ``d`` =
``|percentile score − 50| / 50``, how far from the middle the customer is):

========================  ====================================  =====================================
fact                      strength                              when
========================  ====================================  =====================================
net revenue to date       ``w_historical × d`` (½ with profit)  always
profit contribution       ``w_historical / 2 × d``              orders had cost or margin
recent spend              ``w_historical / 2 × d``              always ("no purchase" if none)
recent interactions       ``w_historical / 4 × d``              the workspace has interactions
predicted value (CLV)     ``w_potential × (1 − c) × d``         always (a proxy without the models)
cross-buy probability     ``w_potential × c × d``               orders have 2+ categories
strategic flags           ``w_strategic × value_strategic/100`` a configured flag is set
low P(alive)              ``w_potential / 2 × (0.5 − p) / 0.5`` P(alive) < 0.5 (models ran)
high churn probability    ``w_potential / 2 × (q − 0.5) / 0.5`` churn probability ≥ 0.5 (churn ran)
========================  ====================================  =====================================

(``c`` = ``value.cross_buy_weight``.) Current value is not part of the score; its facts count
half the historical weight because recent behaviour is what a user acts on. The three facts
with the largest strength are kept (ties: the order of the table); above the middle a fact reads
"top N%", below it "bottom N%".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from customer_value.config import ValueWeights
from customer_value.i18n import msg
from customer_value.scoring.value import bottom_percent, normalised_weights, percentile_score, top_percent

#: Currency code → symbol written before amounts; other codes are written as "CODE 1,234".
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}
REASON_COUNT = 3


def format_amount(value: float, currency: str = "CNY") -> str:
    """``¥12,300`` (whole units from 100 up, cents below), ``-¥40.50``, ``CHF 1,200``."""
    code = (currency or "").upper()
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    number = f"{abs(value):,.0f}" if abs(value) >= 100 else f"{abs(value):,.2f}"
    return f"{'-' if value < 0 else ''}{symbol}{number}"


@dataclass
class _Fact:
    strength: np.ndarray
    key: np.ndarray
    fields: Callable[[int], dict[str, Any]]


def _ranked(name: str, values: pd.Series, weight: float, fields: Callable[[int], dict[str, Any]]) -> _Fact:
    pct = percentile_score(values).to_numpy(float)
    top, bottom = top_percent(values).to_numpy(), bottom_percent(values).to_numpy()
    high = pct >= 50
    key = np.where(high, f"reason.{name}_top", f"reason.{name}_bottom")
    share = np.where(high, top, bottom)
    return _Fact(weight * np.abs(pct - 50) / 50, key, lambda i: {**fields(i), "share": int(share[i])})


def value_reasons(
    facts: pd.DataFrame,
    weights: ValueWeights | None = None,
    *,
    currency: str = "CNY",
) -> pd.Series:
    """The three strongest reasons of every customer, as JSON text.

    Parameters
    ----------
    facts
        :attr:`customer_value.scoring.value.ValueResult.facts` (its ``attrs`` say which facts
        exist).
    weights
        The ``value`` settings.
    currency
        Currency code of the amounts.

    Returns
    -------
    Series
        Same index: a JSON list of three ``{"key", "fields"}`` objects per customer.
    """
    weights = weights or ValueWeights()
    w = normalised_weights(weights)
    info = facts.attrs
    n = len(facts)
    days = weights.current_days
    money = lambda column: (lambda i: {"amount": format_amount(float(facts[column].iat[i]), currency)})  # noqa: E731
    history_weight = w["historical"] / 2 if info.get("profit_measured") else w["historical"]
    candidates = [_ranked("net_revenue", facts["net_revenue"], history_weight, money("net_revenue"))]
    if info.get("profit_measured"):
        candidates.append(_ranked("profit", facts["profit"], w["historical"] / 2, money("profit")))

    spend = _ranked(
        "recent_spend", facts["recent_spend"], w["historical"] / 2,
        lambda i: {"amount": format_amount(float(facts["recent_spend"].iat[i]), currency), "days": days},
    )
    idle = facts["recent_spend"].to_numpy(float) <= 0
    recency = facts["recency_days"].to_numpy()
    spend_fields = spend.fields
    spend.key = np.where(idle, "reason.no_recent_purchase", spend.key)
    spend.fields = lambda i: {"days": days, "recency": int(recency[i])} if idle[i] else spend_fields(i)
    candidates.append(spend)

    if info.get("has_interactions"):
        counts = facts["recent_interactions"]
        candidates.append(
            _ranked("recent_interactions", counts, w["historical"] / 4, lambda i: {"count": int(counts.iat[i]), "days": days})
        )

    cross = info.get("categories", 0) >= 2
    c = weights.cross_buy_weight if cross else 0.0
    source = info.get("potential_source", "proxy")
    months = info.get("clv_months", 36)
    name = "potential_proxy" if source == "proxy" else "potential_clv"
    candidates.append(
        _ranked(name, facts["potential_amount"], w["potential"] * (1 - c), lambda i: {**money("potential_amount")(i), "months": months})
    )
    if cross:
        probability, bought, total = facts["cross_buy_probability"], facts["categories_bought"], info["categories"]
        fact = _ranked(
            "cross_buy", probability, w["potential"] * c,
            lambda i: {"probability": round(100 * float(probability.iat[i])), "bought": int(bought.iat[i]), "total": total},
        )
        fact.key = np.where(np.char.endswith(fact.key.astype(str), "_top"), "reason.cross_buy_high", "reason.cross_buy_low")
        fact.fields = (lambda base: lambda i: {k: v for k, v in base(i).items() if k != "share"})(fact.fields)
        candidates.append(fact)

    flags = facts["strategic_flags"]
    flagged = np.array([bool(f) for f in flags], dtype=bool)
    strategic_share = np.array([len(f) for f in flags], dtype=float)
    configured = max(len(weights.strategic_fields), 1)
    candidates.append(
        _Fact(
            np.where(flagged, w["strategic"] * strategic_share / configured, -np.inf),
            np.full(n, "reason.strategic"),
            lambda i: {"flags": ", ".join(flags.iat[i])},
        )
    )
    if "p_alive" in facts.columns:
        p = facts["p_alive"].to_numpy(float)
        with np.errstate(invalid="ignore"):
            low = p < 0.5
        candidates.append(
            _Fact(
                np.where(low, w["potential"] / 2 * (0.5 - np.nan_to_num(p, nan=0.5)) / 0.5, -np.inf),
                np.full(n, "reason.p_alive_low"),
                lambda i: {"probability": round(100 * float(p[i]))},
            )
        )
    if "churn_probability" in facts.columns:
        q = facts["churn_probability"].to_numpy(float)
        with np.errstate(invalid="ignore"):
            high = q >= 0.5
        candidates.append(
            _Fact(
                np.where(high, w["potential"] / 2 * (np.nan_to_num(q, nan=0.5) - 0.5) / 0.5, -np.inf),
                np.full(n, "reason.churn_high"),
                lambda i: {"probability": round(100 * float(q[i]))},
            )
        )

    strength = np.column_stack([f.strength for f in candidates]) if n else np.zeros((0, len(candidates)))
    order = np.argsort(-strength, axis=1, kind="stable")[:, :REASON_COUNT]
    texts = []
    for i in range(n):
        chosen = [candidates[j] for j in order[i] if np.isfinite(strength[i, j])]
        texts.append(json.dumps([{"key": str(f.key[i]), "fields": f.fields(i)} for f in chosen], ensure_ascii=False))
    return pd.Series(texts, index=facts.index, dtype=object).astype(str)


def parse_reasons(reasons: str | list | None) -> list[dict[str, Any]]:
    """The stored ``reasons`` (JSON text or an already parsed list) as a list of dicts."""
    if reasons is None:
        return []
    if isinstance(reasons, str):
        try:
            reasons = json.loads(reasons)
        except json.JSONDecodeError:
            return []
    return [r for r in reasons if isinstance(r, dict) and "key" in r]


def render_reasons(reasons: str | list | None, lang: str = "en") -> list[str]:
    """Each reason as a sentence in ``lang``."""
    return [msg(r["key"], lang, **(r.get("fields") or {})) for r in parse_reasons(reasons)]
