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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from customer_value.config import ValueWeights
from customer_value.errors import InternalError
from customer_value.i18n import msg
from customer_value.scoring.value import bottom_percent, normalised_weights, percentile_score, top_percent

#: Currency code → symbol written before amounts; other codes are written as "CODE 1,234".
CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}
REASON_COUNT = 3


def format_amount(value: float, currency: str | None = None) -> str:
    """``¥12,300`` (whole units from 100 up, cents below), ``-¥40.50``, ``CHF 1,200``; ``12,300`` without a currency."""
    code = (currency or "").upper()
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    number = f"{abs(value):,.0f}" if abs(value) >= 100 else f"{abs(value):,.2f}"
    return f"{'-' if value < 0 else ''}{symbol}{number}"


def _amounts(values: np.ndarray, currency: str | None) -> np.ndarray:
    """Formatted amounts, escaped for a JSON string literal when the currency code needs it."""
    texts = [format_amount(v, currency) for v in values.tolist()]
    if any(ch in '"\\' or ord(ch) < 32 for ch in currency or ""):
        texts = [json.dumps(t, ensure_ascii=False)[1:-1] for t in texts]
    return np.array(texts, dtype=object)


def _text(values: np.ndarray | str) -> np.ndarray | str:
    """JSON string literals of values that need no escaping (amounts, codes)."""
    return '"' + np.asarray(values, dtype=object) + '"' if not isinstance(values, str) else f'"{values}"'


def _number(values: np.ndarray | int) -> np.ndarray | str:
    if np.ndim(values) == 0:
        return str(int(values))
    return np.asarray(values, dtype=np.int64).astype(str).astype(object)


@dataclass
class _Fact:
    """A candidate reason of every customer: its strength and its JSON object, both length n."""

    strength: np.ndarray
    json: np.ndarray


def _fact(strength: np.ndarray, key: np.ndarray | str, fields: dict[str, np.ndarray | str]) -> _Fact:
    body = '{"key": ' + _text(key) + ', "fields": {'
    for i, (name, value) in enumerate(fields.items()):
        body = body + (", " if i else "") + f'"{name}": ' + value
    n = len(strength)
    body = body + "}}"
    return _Fact(strength, np.full(n, body, dtype=object) if isinstance(body, str) else body)


def _ranked(name: str, values: pd.Series, weight: float, fields: dict[str, np.ndarray | str]) -> _Fact:
    pct = percentile_score(values).to_numpy(float)
    high = pct >= 50
    key = np.where(high, f"reason.{name}_top", f"reason.{name}_bottom").astype(object)
    share = np.where(high, top_percent(values).to_numpy(), bottom_percent(values).to_numpy())
    return _fact(weight * np.abs(pct - 50) / 50, key, {**fields, "share": _number(share)})


def value_reasons(
    facts: pd.DataFrame,
    weights: ValueWeights | None = None,
    *,
    currency: str | None = None,
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
        Currency code of the amounts; None when unknown (no symbol).

    Returns
    -------
    Series
        Same index: a JSON list of three ``{"key", "fields"}`` objects per customer.
    """
    weights = weights or ValueWeights()
    w = normalised_weights(weights)
    info = dict(facts.attrs)
    columns = {c: facts[c] for c in facts.columns}  # column access copies attrs: do it once
    n = len(facts)
    days = _number(weights.current_days)
    history = w["historical"] / 2 if info.get("profit_measured") else w["historical"]
    net = columns["net_revenue"]
    candidates = [_ranked("net_revenue", net, history, {"amount": _text(_amounts(net.to_numpy(float), currency))})]
    if info.get("profit_measured"):
        profit = columns["profit"]
        candidates.append(
            _ranked(
                "profit", profit, w["historical"] / 2, {"amount": _text(_amounts(profit.to_numpy(float), currency))}
            )
        )

    spend = columns["recent_spend"]
    active = _ranked(
        "recent_spend", spend, w["historical"] / 2,
        {"amount": _text(_amounts(spend.to_numpy(float), currency)), "days": days},
    )
    idle = _fact(
        active.strength,
        "reason.no_recent_purchase",
        {"days": days, "recency": _number(columns["recency_days"].to_numpy())},
    )
    candidates.append(_Fact(active.strength, np.where(spend.to_numpy(float) <= 0, idle.json, active.json)))

    if info.get("has_interactions"):
        counts = columns["recent_interactions"]
        candidates.append(
            _ranked(
                "recent_interactions", counts, w["historical"] / 4, {"count": _number(counts.to_numpy()), "days": days}
            )
        )

    categories = info.get("categories", 0)
    c = weights.cross_buy_weight if categories >= 2 else 0.0
    name = "potential_proxy" if info.get("potential_source", "proxy") == "proxy" else "potential_clv"
    amount = columns["potential_amount"]
    candidates.append(
        _ranked(
            name, amount, w["potential"] * (1 - c),
            {
                "amount": _text(_amounts(amount.to_numpy(float), currency)),
                "months": _number(info.get("clv_months", 36)),
            },
        )
    )
    if categories >= 2:
        probability = columns["cross_buy_probability"]
        pct = percentile_score(probability).to_numpy(float)
        candidates.append(
            _fact(
                w["potential"] * c * np.abs(pct - 50) / 50,
                np.where(pct >= 50, "reason.cross_buy_high", "reason.cross_buy_low").astype(object),
                {
                    "probability": _number(np.round(100 * probability.to_numpy(float))),
                    "bought": _number(columns["categories_bought"].to_numpy()),
                    "total": _number(categories),
                },
            )
        )

    flags = columns["strategic_flags"].tolist()
    configured = max(len(weights.strategic_fields), 1)
    share = np.array([len(f) for f in flags], dtype=float)
    literal: dict[tuple, str] = {}
    flag_text = np.array(
        [literal.setdefault(tuple(f), json.dumps(", ".join(f), ensure_ascii=False)) for f in flags], dtype=object
    )
    candidates.append(
        _fact(
            np.where(share > 0, w["strategic"] * share / configured, -np.inf), "reason.strategic", {"flags": flag_text}
        )
    )
    if "p_alive" in columns:
        p = columns["p_alive"].to_numpy(float)
        low = np.nan_to_num(p, nan=1.0) < 0.5
        candidates.append(
            _fact(
                np.where(low, w["potential"] / 2 * (0.5 - np.nan_to_num(p, nan=0.5)) / 0.5, -np.inf),
                "reason.p_alive_low",
                {"probability": _number(np.round(100 * np.nan_to_num(p, nan=1.0)))},
            )
        )
    if "churn_probability" in columns:
        q = columns["churn_probability"].to_numpy(float)
        high = np.nan_to_num(q, nan=0.0) >= 0.5
        candidates.append(
            _fact(
                np.where(high, w["potential"] / 2 * (np.nan_to_num(q, nan=0.5) - 0.5) / 0.5, -np.inf),
                "reason.churn_high",
                {"probability": _number(np.round(100 * np.nan_to_num(q, nan=0.0)))},
            )
        )

    if n == 0:
        return pd.Series([], index=facts.index, dtype=object)
    strength = np.column_stack([f.strength for f in candidates])
    texts = np.column_stack([f.json for f in candidates])
    order = np.argsort(-strength, axis=1, kind="stable")[:, :REASON_COUNT]
    if not np.isfinite(np.take_along_axis(strength, order, axis=1)).all():
        raise InternalError(detail="fewer than three reasons available")  # net revenue, spend, potential always are
    chosen = np.take_along_axis(texts, order, axis=1)
    joined = "[" + chosen[:, 0] + ", " + chosen[:, 1] + ", " + chosen[:, 2] + "]"
    return pd.Series(joined, index=facts.index, dtype=object).astype(str)


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
