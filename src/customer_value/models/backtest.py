"""Backtest the models on a calibration / holdout split against a naive baseline."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from customer_value.diagnostics import warning_messages
from customer_value.errors import MissingColumnError, UserError
from customer_value.i18n import message
from customer_value.models._purchase import PurchaseModel
from customer_value.models.bgnbd import BetaGeoModel
from customer_value.models.gamma_gamma import GammaGammaModel, spend_frequency_independence
from customer_value.models.mbgnbd import ModifiedBetaGeoModel
from customer_value.models.pareto_nbd import ParetoNBDModel
from customer_value.models.rate import RATE_MODELS

__all__ = ["ERROR_KEYS", "MAX_TOTAL_ERROR", "PREFER_TOLERANCE", "PURCHASE_MODELS", "choose_best", "choose_fallback",
           "fallback_summary", "evaluate_models"]

#: The purchase models the backtest compares, by the names used in ``ModelsConfig.purchase_model``.
PURCHASE_MODELS: dict[str, type[PurchaseModel]] = {
    "bgnbd": BetaGeoModel,
    "pareto_nbd": ParetoNBDModel,
    "mbgnbd": ModifiedBetaGeoModel,
}
_REQUIRED = ("frequency", "recency", "T", "holdout_purchases")
_SPEND = ("monetary_value", "holdout_spend")
_BUCKETS = 8  # calibration frequency 0, 1, …, 6 and 7+
#: Correlations weaker than this are treated as compatible with the Gamma-Gamma assumption.
_WEAK_CORRELATION = 0.3
#: A model whose holdout total is off by more than this share of the actual total can't be best
#: or beat the baseline, however low its per-customer MAE (a model predicting nearly nothing wins
#: MAE when most customers don't buy in the holdout).
MAX_TOTAL_ERROR = 0.3
#: The errors of every prediction in the backtest: models, baseline and fallbacks.
ERROR_KEYS = ("mae", "rmse", "predicted_total", "actual_total", "total_error", "calibration_error")
#: MBG/NBD or Pareto/NBD is preferred to BG/NBD when its score is at most this much worse.
PREFER_TOLERANCE = 0.01


def _errors(predicted: np.ndarray, actual: np.ndarray, frequency: np.ndarray) -> dict[str, float]:
    """Per-customer MAE and RMSE, the totals, and two relative errors of the aggregate.

    ``total_error`` is (predicted − actual total) / actual total; ``calibration_error`` is
    Σ over calibration-frequency buckets of |predicted − actual holdout purchases| / actual
    total: how far the model's calibration table is from the truth. Both divide by at least 1.
    """
    diff = predicted - actual
    actual_total = float(actual.sum())
    bucket = np.minimum(frequency, _BUCKETS - 1).astype(int)
    by_bucket = np.bincount(bucket, weights=diff, minlength=_BUCKETS)
    return {
        "mae": float(np.mean(np.abs(diff))),
        "rmse": float(np.sqrt(np.mean(diff**2))),
        "predicted_total": float(predicted.sum()),
        "actual_total": actual_total,
        "total_error": float(diff.sum()) / max(actual_total, 1.0),
        "calibration_error": float(np.abs(by_bucket).sum()) / max(actual_total, 1.0),
    }


def _calibration_table(frequency: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> list[dict[str, Any]]:
    bucket = np.minimum(frequency, _BUCKETS - 1).astype(int)
    rows = []
    for b in range(_BUCKETS):
        mask = bucket == b
        if not mask.any():
            continue
        rows.append(
            {
                "frequency": f"{b}+" if b == _BUCKETS - 1 else str(b),
                "customers": int(mask.sum()),
                "predicted": float(predicted[mask].mean()),
                "actual": float(actual[mask].mean()),
            }
        )
    return rows


def _purchase_model(
    cls: type[PurchaseModel], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, actual: np.ndarray, horizon: float
) -> dict[str, Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = cls().fit(x, t_x, T)
            predicted = model.conditional_expected_purchases(horizon, x, t_x, T)
        except UserError as exc:
            return {"fitted": False, "error": exc.as_message(), "warnings": warning_messages(caught)}
    return {
        "fitted": True,
        "params": dict(model.params_),
        "standard_errors": dict(model.standard_errors_),
        "log_likelihood": model.log_likelihood_,
        **_errors(predicted, actual, x),
        "calibration_table": _calibration_table(x, predicted, actual),
        "warnings": warning_messages(caught),
    }


def _spend(frame: pd.DataFrame, x: np.ndarray, holdout_purchases: np.ndarray) -> dict[str, Any]:
    missing = [c for c in _SPEND if c not in frame.columns]
    if missing:
        error = MissingColumnError(column=", ".join(missing), table="calibration", source="evaluate_models", seen=list(frame.columns))
        return {"fitted": False, "error": error.as_message()}
    monetary = frame["monetary_value"].to_numpy(dtype=np.float64)
    holdout_spend = frame["holdout_spend"].to_numpy(dtype=np.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = GammaGammaModel().fit(x, monetary)
            correlation, p_value = spend_frequency_independence(x, monetary)
            predicted = model.conditional_expected_spend(x, monetary)
        except UserError as exc:
            return {"fitted": False, "error": exc.as_message(), "warnings": warning_messages(caught)}
    # Judged on customers who bought in both periods: their holdout mean spend is observed.
    both = (x > 0) & (holdout_purchases > 0) & np.isfinite(holdout_spend)
    result: dict[str, Any] = {
        "fitted": True,
        "params": dict(model.params_),
        "standard_errors": dict(model.standard_errors_),
        "log_likelihood": model.log_likelihood_,
        "independence": {"correlation": correlation, "p_value": p_value},
        "customers": int(both.sum()),
        "warnings": warning_messages(caught),
    }
    if abs(correlation) >= _WEAK_CORRELATION and p_value < 0.05:
        fields = {"correlation": f"{correlation:.2f}", "p_value": f"{p_value:.2g}"}
        result["warnings"].append(message("models.spend_frequency_correlated", **fields))
    if both.any():
        actual = holdout_spend[both]
        result.update(
            predicted_mean=float(predicted[both].mean()),
            actual_mean=float(actual.mean()),
            mae=float(np.mean(np.abs(predicted[both] - actual))),
            baseline_mae=float(np.mean(np.abs(monetary[both] - actual))),
        )
    return result


def evaluate_models(calibration: pd.DataFrame, holdout_length: float) -> dict[str, Any]:
    """Fit every purchase model and Gamma-Gamma on a calibration period and score the holdout.

    Parameters
    ----------
    calibration
        One row per customer with ``frequency``, ``recency``, ``T`` (calibration period, in the
        time unit of ``holdout_length``), ``holdout_purchases`` (purchases in the holdout) and,
        for the spend check, ``monetary_value`` (mean repeat spend in calibration, 0 if none)
        and ``holdout_spend`` (**mean spend per holdout purchase**, 0 if none).
    holdout_length
        Length of the holdout period, in the unit of ``recency`` and ``T``.

    Returns
    -------
    A JSON-able dict: ``customers``; ``models`` keyed ``bgnbd``, ``pareto_nbd``, ``mbgnbd``, each
    either fitted (``params``, ``standard_errors``, ``log_likelihood``, ``predicted_total``,
    ``actual_total``, ``total_error``, ``calibration_error``, ``mae``, ``rmse`` per customer, a
    ``calibration_table`` of mean predicted and actual holdout purchases by calibration
    frequency 0…6, 7+, ``warnings``, and the ``score`` and ``beats_baseline`` of
    :func:`_judge`) or not (``error`` with its key, fields and message); ``baseline`` (each
    customer's calibration rate frequency/T times the holdout length); ``fallbacks`` (the
    same for the rate models, ``rate`` and ``naive`` — the baseline itself —, one of which is
    used when no model beats the baseline); ``spend`` (Gamma-Gamma
    expected spend against the holdout mean spend of customers who bought in both periods, the
    customer's own calibration mean as a baseline, and the spend-frequency independence test);
    and ``best_model`` (:func:`choose_best`; ``None`` when no model beats the baseline).

    Raises
    ------
    MissingColumnError
        A required column is missing.
    UserError
        ``holdout_length`` is not a positive number.
    ModelFitError
        The per-customer values are invalid.
    """
    missing = [c for c in _REQUIRED if c not in calibration.columns]
    if missing:
        raise MissingColumnError(
            column=", ".join(missing), table="calibration", source="evaluate_models", seen=list(calibration.columns)
        )
    if not (isinstance(holdout_length, int | float | np.number) and np.isfinite(holdout_length) and holdout_length > 0):
        raise UserError("models.invalid_argument", name="holdout_length", expected="a number > 0", value=holdout_length)
    x = calibration["frequency"].to_numpy(dtype=np.float64)
    t_x = calibration["recency"].to_numpy(dtype=np.float64)
    T = calibration["T"].to_numpy(dtype=np.float64)
    actual = calibration["holdout_purchases"].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(actual)) or np.any(actual < 0):
        raise UserError("models.invalid_argument", name="holdout_purchases", expected="finite counts >= 0", value="…")

    models = {name: _purchase_model(cls, x, t_x, T, actual, float(holdout_length)) for name, cls in PURCHASE_MODELS.items()}
    fallbacks = {}
    for name, cls in RATE_MODELS.items():
        predicted = cls().fit(x, t_x, T).conditional_expected_purchases(float(holdout_length), x, t_x, T)
        fallbacks[name] = {"fitted": True, **_errors(predicted, actual, x)}
    baseline = {k: v for k, v in fallbacks["naive"].items() if k != "fitted"}
    for entry in [*models.values(), *fallbacks.values()]:
        _judge(entry, baseline)
    return {
        "customers": len(calibration),
        "holdout_length": float(holdout_length),
        "models": models,
        "baseline": baseline,
        "fallbacks": fallbacks,
        "spend": _spend(calibration, x, actual),
        "best_model": choose_best(models),
    }


def _judge(entry: dict[str, Any], baseline: dict[str, float]) -> None:
    """Add ``score`` and ``beats_baseline`` to a model's backtest entry.

    The score weighs the three ways a prediction can be wrong, each relative: per-customer MAE
    over the baseline's, the error of the holdout total and the calibration error by frequency
    bucket (lower is better). A model beats the baseline when its MAE is lower than the
    baseline's **and** its holdout total is within :data:`MAX_TOTAL_ERROR` of the actual one.
    """
    if not entry["fitted"]:
        entry.update(score=None, beats_baseline=False)
        return
    relative_mae = entry["mae"] / baseline["mae"] if baseline["mae"] > 0 else (0.0 if entry["mae"] == 0 else np.inf)
    entry["score"] = float(relative_mae + abs(entry["total_error"]) + entry["calibration_error"])
    entry["beats_baseline"] = bool(entry["mae"] < baseline["mae"] and abs(entry["total_error"]) <= MAX_TOTAL_ERROR)


def fallback_summary(fallbacks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The rate models' errors and scores, as reports show them (:data:`ERROR_KEYS` and ``score``)."""
    return {name: {k: entry[k] for k in (*ERROR_KEYS, "score")} for name, entry in fallbacks.items()}


def choose_fallback(fallbacks: dict[str, dict[str, Any]]) -> str:
    """The rate model with the lower backtest score: with or without dropout (see ``RateModel``)."""
    return min(fallbacks, key=lambda name: fallbacks[name]["score"])


def choose_best(models: dict[str, dict[str, Any]]) -> str | None:
    """The model to use: the lowest score among those that beat the baseline, or None.

    When BG/NBD has the lowest score but MBG/NBD or Pareto/NBD is within
    :data:`PREFER_TOLERANCE` of it, that model is taken: BG/NBD gives every one-time buyer
    P(alive) = 1.
    """
    scores = {name: entry["score"] for name, entry in models.items() if entry["beats_baseline"]}
    if not scores:
        return None
    best = min(scores, key=scores.__getitem__)
    if best == "bgnbd":
        close = {n: v for n, v in scores.items() if n != "bgnbd" and v <= scores["bgnbd"] * (1 + PREFER_TOLERANCE)}
        if close:
            best = min(close, key=close.__getitem__)
    return best
