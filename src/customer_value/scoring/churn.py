"""Churn probability per customer: a LightGBM model trained on the history itself.

Churn means no completed purchase in the ``window_days`` after a cut-off. With ``W`` the
window and ``as_of`` the analysis date, the design is a temporal holdout:

- **train** at ``T_train = as_of − 2W``: features at ``T_train``, labels from ``(T_train, T_train + W]``;
- **test** at ``T_test = as_of − W``: features at ``T_test``, labels from ``(T_test, as_of]``; the
  model is compared there with two baselines (BG/NBD expected purchases, recency);
- **score**: the model is refitted at ``T_test`` (the latest labelled cut-off) and applied to
  the features at ``as_of``.

Orders after ``as_of`` are cut off first, and features at a cut-off read nothing after it, so no
customer's future leaks into its own features. Probabilities are calibrated (see
:class:`~customer_value.scoring.churn_model.ChurnModel`); each customer gets the three features
pushing the risk up most (``churn_factors``, keys of the ``factor.*`` messages).

When the history is too short or too thin to train (fewer than ``min_customers`` labelled
customers, fewer than ``min_per_class`` churned or retained ones at a cut-off, or less than
two windows plus :data:`HISTORY_MARGIN_DAYS` of history), the probability falls back to BG/NBD's
P(no purchase in the window), or to a recency map if BG/NBD can't be fitted either; the
diagnostics say which (``method``) and why (``reason``). The fallbacks' factors are simple:
``orders`` for one-time buyers and ``days_since_last_order`` for repeat buyers silent for longer
than their mean cycle under BG/NBD; ``days_since_last_order`` for everyone under recency.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd
from lightgbm.basic import LightGBMError
from sklearn.metrics import brier_score_loss, roc_auc_score

from customer_value.config import ChurnConfig
from customer_value.errors import CVAError
from customer_value.features.churn_features import FEATURE_KEYS, churn_features, churn_labels
from customer_value.features.summary import COMPLETED, orders_until
from customer_value.i18n import msg
from customer_value.scoring.churn_baselines import RecencyCalibration, btyd_scores
from customer_value.scoring.churn_model import ChurnModel

logger = logging.getLogger(__name__)

__all__ = [
    "HISTORY_MARGIN_DAYS",
    "METHODS",
    "MIN_CUSTOMERS",
    "MIN_PER_CLASS",
    "ChurnScores",
    "describe_churn",
    "labelled_features",
    "score_churn",
]

METHODS = ("lightgbm", "btyd_fallback", "recency_fallback")
#: Fewest labelled customers at each cut-off for the model to be trained.
MIN_CUSTOMERS = 200
#: Fewest churned and fewest retained customers at each cut-off.
MIN_PER_CLASS = 20
#: History needed before the training cut-off, beyond the two windows.
HISTORY_MARGIN_DAYS = 30
#: Factors listed per customer.
TOP_FACTORS = 3
#: Most customers a model is trained on; larger cut-offs are sampled (stratified, seeded). A
#: boosted model gains little beyond this, and training time grows with it (12 fits per run).
MAX_TRAIN_CUSTOMERS = 200_000
SCORE_COLUMNS = ("customer_id", "churn_probability", "churn_factors", "churn_factor_values")


@dataclass
class ChurnScores:
    """The churn scores of the customers at ``as_of`` and how they were made.

    Attributes
    ----------
    scores
        One row per customer with a completed order on or before ``as_of``: ``customer_id``,
        ``churn_probability`` (in [0, 1], never missing), ``churn_factors`` (up to three
        feature keys) and ``churn_factor_values`` (the customer's values of those features).
    features
        The churn features at ``as_of`` (also used by the early-warning rules).
    diagnostics
        JSON-able facts: method, reason, cut-offs, sizes, base rates, holdout metrics of the
        model and of the baselines, feature importance, notes.
    """

    scores: pd.DataFrame
    features: pd.DataFrame
    diagnostics: dict[str, Any] = field(default_factory=dict)


def labelled_features(
    orders: ir.Table, cutoff: dt.date, window_days: int, **tables: ir.Table | None
) -> pd.DataFrame:
    """Features at ``cutoff`` with the label ``churned`` from ``(cutoff, cutoff + window_days]``."""
    features = churn_features(orders, cutoff, **tables)
    return _frame(features.inner_join(churn_labels(orders, cutoff, window_days), "customer_id"))


def score_churn(
    orders: ir.Table,
    as_of: dt.date,
    config: ChurnConfig,
    *,
    interactions: ir.Table | None = None,
    tickets: ir.Table | None = None,
    surveys: ir.Table | None = None,
    min_customers: int = MIN_CUSTOMERS,
    min_per_class: int = MIN_PER_CLASS,
    random_state: int = 0,
) -> ChurnScores:
    """Churn probability, top factors and diagnostics for every customer at ``as_of``.

    Parameters
    ----------
    orders
        Clean orders (rows after ``as_of`` are ignored).
    as_of
        The analysis date.
    config
        The ``churn`` settings (``window_days`` is used here).
    interactions, tickets, surveys
        Optional tables that add features (see :mod:`customer_value.features.churn_features`).
    min_customers, min_per_class
        Thresholds below which the model is not trained and a fallback scores the customers.
    random_state
        Seed of the cross-validation and of LightGBM.
    """
    orders = orders_until(orders, as_of)
    tables = {"interactions": interactions, "tickets": tickets, "surveys": surveys}
    window = config.window_days
    now = _frame(churn_features(orders, as_of, **tables))
    cutoffs = {"train": as_of - dt.timedelta(days=2 * window), "test": as_of - dt.timedelta(days=window),
               "score": as_of}
    diagnostics: dict[str, Any] = {
        "window_days": window,
        "cutoffs": {name: day.isoformat() for name, day in cutoffs.items()},
        "tables": ["orders", *(name for name, table in tables.items() if table is not None)],
        "customers": len(now),
        "notes": [],
    }
    if now.empty:
        diagnostics.update(method="recency_fallback", reason=_reason("no_customers"))
        return ChurnScores(_empty_scores(), now, diagnostics)
    completed = orders.filter(orders.status == COMPLETED)
    first = pd.Timestamp(completed.ordered_at.min().to_pandas()).date()
    history = (as_of - first).days
    needed = 2 * window + HISTORY_MARGIN_DAYS
    diagnostics["history_days"] = history
    labelled: dict[str, pd.DataFrame] = {}
    if history < needed:
        reason = _reason("short_history", days=history, needed=needed, window=window, margin=HISTORY_MARGIN_DAYS)
    else:
        for name in ("train", "test"):
            labelled[name] = labelled_features(orders, cutoffs[name], window, **tables)
            diagnostics[name] = _sizes(labelled[name])
        reason = next((r for name in ("train", "test") if (r := _too_thin(
            labelled[name], cutoffs[name], min_customers, min_per_class)) is not None), None)
    if reason is None:
        try:
            return _lightgbm(now, labelled, window, diagnostics, random_state)
        except (ValueError, LightGBMError) as exc:
            logger.info("churn model could not be trained: %s", exc)
            reason = _reason("model_failed", detail=str(exc))
    return _fallback(now, labelled.get("test"), window, reason, diagnostics)


def describe_churn(diagnostics: dict[str, Any], lang: str = "en") -> list[str]:
    """The churn diagnostics in words: the method, why a fallback was used, and the notes."""
    lines = [msg(f"churn.method_{diagnostics['method']}", lang)]
    for item in [diagnostics.get("reason"), *diagnostics.get("notes", [])]:
        if item:
            lines.append(msg(item["key"], lang, **item["fields"]))
    return lines


# -- the model ---------------------------------------------------------------------------------


def _lightgbm(
    now: pd.DataFrame, labelled: dict[str, pd.DataFrame], window: int, diagnostics: dict[str, Any], seed: int
) -> ChurnScores:
    train, test = _sample(labelled["train"], seed), labelled["test"]
    features = [key for key in FEATURE_KEYS if key in now.columns]
    evaluated = ChurnModel(random_state=seed).fit(train[features], train.churned)
    y = test.churned.to_numpy()
    p_test = evaluated.predict_proba(test[features])
    metrics = {"model": _metrics(y, p_test, p_test)}
    metrics["btyd"] = _btyd_metrics(test, y, window)
    recency = RecencyCalibration(window_days=window).fit(train.days_since_last_order, train.churned)
    metrics["recency"] = _metrics(y, test.days_since_last_order.to_numpy(float),
                                  recency.predict(test.days_since_last_order))
    refit = _sample(test, seed)
    final = ChurnModel(random_state=seed).fit(refit[features], refit.churned)
    probability = final.predict_proba(now[features])
    factors, values = final.top_factors(now[features], k=TOP_FACTORS)
    one_time = float((test.btyd_frequency == 0).mean())
    notes = [_note("btyd_one_time", share=round(one_time, 4), percent=f"{one_time:.0%}")]
    model_auc = metrics["model"]["auc"]
    for baseline in ("btyd", "recency"):
        other = metrics[baseline].get("auc")
        if other is not None and model_auc <= other:
            notes.append(_note(f"not_better_{baseline}", auc=model_auc, baseline_auc=other, customers=len(train)))
    diagnostics.update(
        method="lightgbm",
        reason=None,
        calibration=final.calibration,
        features=features,
        boosting_rounds={"test_model": evaluated.n_rounds_, "scoring_model": final.n_rounds_},
        trained_on={"test_model": len(train), "scoring_model": len(refit)},
        metrics=metrics,
        beats_baselines=all(metrics[b]["auc"] is None or model_auc > metrics[b]["auc"] for b in ("btyd", "recency")),
        feature_importance=[{"feature": k, "gain_share": round(float(v), 4)}
                            for k, v in final.feature_importance_.head(10).items()],
        mean_probability=round(float(probability.mean()), 4),
    )
    diagnostics["notes"].extend(notes)
    scores = _scores(now, _safe(probability, fill=float(test.churned.mean())), factors, values)
    return ChurnScores(scores, now, diagnostics)


def _sample(labelled: pd.DataFrame, seed: int) -> pd.DataFrame:
    """At most ``MAX_TRAIN_CUSTOMERS`` rows, the same share of each class."""
    if len(labelled) <= MAX_TRAIN_CUSTOMERS:
        return labelled
    share = MAX_TRAIN_CUSTOMERS / len(labelled)
    return labelled.groupby("churned", group_keys=False).sample(frac=share, random_state=seed)


def _btyd_metrics(test: pd.DataFrame, y: np.ndarray, window: int) -> dict[str, Any]:
    try:
        btyd = btyd_scores(test, window)
    except CVAError as exc:
        return {"auc": None, "brier": None, "error": exc.as_message()}
    result = _metrics(y, -btyd.expected_purchases, btyd.p_no_purchase)
    result["params"] = {k: round(v, 6) for k, v in btyd.params.items()}
    result["one_time_buyers_p_alive"] = round(float(btyd.p_alive[test.btyd_frequency.to_numpy() == 0].mean()), 4) \
        if (test.btyd_frequency == 0).any() else None
    if btyd.warnings:
        result["warnings"] = btyd.warnings
    return result


# -- fallbacks ---------------------------------------------------------------------------------


def _fallback(
    now: pd.DataFrame, test: pd.DataFrame | None, window: int, reason: dict[str, Any], diagnostics: dict[str, Any]
) -> ChurnScores:
    diagnostics["reason"] = reason
    try:
        btyd = btyd_scores(now, window)
    except CVAError as exc:
        diagnostics["notes"].append(_note("btyd_failed", detail=exc.as_message()))
        recency = RecencyCalibration(window_days=window)
        if test is not None and test.churned.nunique() == 2:
            recency.fit(test.days_since_last_order, test.churned)
            diagnostics["recency_calibration"] = "isotonic"
        else:
            diagnostics["recency_calibration"] = "heuristic"
        probability = recency.predict(now.days_since_last_order)
        diagnostics["method"] = "recency_fallback"
        factors = [["days_since_last_order"]] * len(now)
        values = [[float(v)] for v in now.days_since_last_order]
    else:
        probability = btyd.p_no_purchase
        diagnostics["method"] = "btyd_fallback"
        diagnostics["btyd_params"] = {k: round(v, 6) for k, v in btyd.params.items()}
        if btyd.warnings:
            diagnostics["btyd_warnings"] = btyd.warnings
        factors, values = _btyd_factors(now)
    diagnostics["mean_probability"] = round(float(np.mean(probability)), 4)
    return ChurnScores(_scores(now, _safe(probability, fill=0.5), factors, values), now, diagnostics)


def _btyd_factors(now: pd.DataFrame) -> tuple[list[list[str]], list[list[float]]]:
    """What drives BG/NBD's risk: a single purchase (low rate), or a silence longer than the cycle."""
    factors, values = [], []
    for orders, ratio, days in zip(now.orders, now.cycle_ratio, now.days_since_last_order, strict=True):
        if orders <= 1:
            factors.append(["orders"])
            values.append([float(orders)])
        elif pd.notna(ratio) and ratio > 1:
            factors.append(["days_since_last_order"])
            values.append([float(days)])
        else:
            factors.append([])
            values.append([])
    return factors, values


# -- helpers -----------------------------------------------------------------------------------


def _frame(expr: ir.Table) -> pd.DataFrame:
    frame = expr.to_pandas()
    return frame.sort_values("customer_id").reset_index(drop=True)


def _scores(now: pd.DataFrame, probability: np.ndarray, factors: list, values: list) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": now.customer_id.to_numpy(),
        "churn_probability": probability,
        "churn_factors": pd.Series(factors, dtype=object),
        "churn_factor_values": pd.Series(values, dtype=object),
    })


def _empty_scores() -> pd.DataFrame:
    return _scores(pd.DataFrame({"customer_id": pd.Series([], dtype=object)}), np.zeros(0), [], [])


def _safe(probability: np.ndarray, *, fill: float) -> np.ndarray:
    """Probabilities as floats in [0, 1] with no NaN (a missing one becomes ``fill``)."""
    values = np.asarray(probability, dtype=float)
    return np.clip(np.where(np.isfinite(values), values, fill), 0.0, 1.0)


def _sizes(frame: pd.DataFrame) -> dict[str, Any]:
    churned = int(frame.churned.sum())
    return {"customers": len(frame), "churned": churned, "retained": len(frame) - churned,
            "base_rate": round(churned / len(frame), 4) if len(frame) else None}


def _too_thin(frame: pd.DataFrame, cutoff: dt.date, min_customers: int, min_per_class: int) -> dict[str, Any] | None:
    if len(frame) < min_customers:
        return _reason("too_few_customers", cutoff=cutoff.isoformat(), found=len(frame), needed=min_customers)
    churned = int(frame.churned.sum())
    if min(churned, len(frame) - churned) < min_per_class:
        return _reason("rare_class", cutoff=cutoff.isoformat(), churned=churned, retained=len(frame) - churned,
                       needed=min_per_class)
    return None


def _metrics(y: np.ndarray, score: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    """AUC of a ranking score (higher = more likely to churn) and Brier score of a probability."""
    both = len(np.unique(y)) == 2
    return {
        "auc": round(float(roc_auc_score(y, score)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, np.clip(probability, 0, 1))), 4),
        "mean_probability": round(float(np.mean(probability)), 4),
    }


def _reason(name: str, **fields: Any) -> dict[str, Any]:
    return {"key": f"churn.reason_{name}", "fields": fields}


def _note(name: str, **fields: Any) -> dict[str, Any]:
    return {"key": f"churn.note_{name}", "fields": fields}
