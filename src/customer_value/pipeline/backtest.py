"""``cva backtest``: how well the lifetime value models predict a holdout period of the workspace.

The workspace's orders are split at the calibration end; every purchase model and Gamma-Gamma
are fitted on the calibration period and their predictions for the holdout compared with what
happened and with a naive baseline. The result's keys are documented in docs/models.md and
stay the same whether or not a model could be fitted (``null`` where there is no value).
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import numpy as np
import pandas as pd

from customer_value.config import Settings
from customer_value.errors import ConfigError, UserError, WorkspaceError
from customer_value.features.btyd import default_split
from customer_value.features.summary import COMPLETED
from customer_value.models.backtest import ERROR_KEYS, MAX_TOTAL_ERROR, PURCHASE_MODELS, choose_fallback, fallback_summary
from customer_value.runs.stages.models import run_backtest
from customer_value.scoring.lifetime import fit_spend
from customer_value.workspace import Workspace
from customer_value.workspace.views import connect, has_table

__all__ = ["MODEL_KEYS", "backtest_workspace", "resolve_dates"]

#: Keys of each model's entry in the result.
MODEL_KEYS = (
    "fitted", "params", "standard_errors", "log_likelihood", "predicted_total", "actual_total", "total_error",
    "calibration_error", "mae", "rmse", "score", "beats_baseline", "warnings", "error",
)
_BUCKETS = 8  # calibration frequency 0, 1, …, 6 and 7+, as in models.backtest
_SPEND_KEYS = (
    "fitted", "params", "standard_errors", "log_likelihood", "fitted_customers", "refunds_excluded", "independence",
    "customers", "predicted_mean", "actual_mean", "mae", "baseline_mae", "purchase_model", "predicted_revenue",
    "actual_revenue", "error",
)


def resolve_dates(
    first: dt.date, last: dt.date, calibration_end: dt.date | None, holdout_end: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The calibration and holdout ends, defaults filled in and checked.

    Defaults: the holdout ends on the last order's day, and the last third of the history from
    the first order to the holdout end is held out.

    Raises
    ------
    ConfigError
        The calibration end is before the first order, or the holdout end is not after it.
    """
    holdout_end = holdout_end or last
    calibration_end = calibration_end or default_split(first, holdout_end)
    if calibration_end < first:
        raise ConfigError(
            "backtest.calibration_before_first", calibration_end=calibration_end.isoformat(), first=first.isoformat()
        )
    if holdout_end <= calibration_end:
        raise ConfigError(
            "backtest.holdout_not_after",
            calibration_end=calibration_end.isoformat(),
            holdout_end=holdout_end.isoformat(),
        )
    return calibration_end, holdout_end


def _model_entry(entry: dict[str, Any]) -> dict[str, Any]:
    result = dict.fromkeys(MODEL_KEYS)
    result.update({k: entry[k] for k in MODEL_KEYS if k in entry})
    result["warnings"] = entry.get("warnings", [])
    return result


def _calibration_table(result: dict[str, Any], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Mean holdout purchases by calibration frequency (0…6, 7+): actual, baseline, each model."""
    x, T = frame["frequency"].to_numpy(), frame["T"].to_numpy()
    actual = frame["holdout_purchases"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        baseline = np.where(T > 0, x / T, 0.0) * result["holdout_length"]
    predicted = {
        name: {row["frequency"]: row["predicted"] for row in entry.get("calibration_table", [])}
        for name, entry in result["models"].items()
    }
    rows = []
    for bucket in range(_BUCKETS):
        label = f"{bucket}+" if bucket == _BUCKETS - 1 else str(bucket)
        mask = x >= bucket if bucket == _BUCKETS - 1 else x == bucket
        if not mask.any():
            continue
        rows.append({
            "frequency": label,
            "customers": int(mask.sum()),
            "actual": float(actual[mask].mean()),
            "baseline": float(baseline[mask].mean()),
            **{name: predicted[name].get(label) for name in PURCHASE_MODELS},
        })
    return rows


def _spend(result: dict[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """Gamma-Gamma on the calibration repeat buyers, judged on the holdout."""
    x = frame["frequency"].to_numpy()
    monetary = frame["monetary_value"].to_numpy()
    holdout = frame["holdout_purchases"].to_numpy()
    holdout_spend = frame["holdout_spend"].to_numpy()
    overall = float(np.sum(x * monetary)) / max(float(x.sum()), 1.0)
    spend = fit_spend(x, monetary, overall)
    out = dict.fromkeys(_SPEND_KEYS)
    out.update(
        fitted=spend.model is not None,
        fitted_customers=spend.fitted_customers,
        refunds_excluded=spend.excluded,
        independence=spend.independence,
        actual_revenue=float(np.sum(holdout * holdout_spend)),
        error=spend.error,
    )
    if spend.model is None:
        return out
    out.update(
        params=dict(spend.model.params_),
        standard_errors=dict(spend.model.standard_errors_),
        log_likelihood=spend.model.log_likelihood_,
    )
    expected = spend.expected_spend(x, monetary)
    both = (x > 0) & (holdout > 0)
    out["customers"] = int(both.sum())
    if both.any():
        out.update(
            predicted_mean=float(expected[both].mean()),
            actual_mean=float(holdout_spend[both].mean()),
            mae=float(np.mean(np.abs(expected[both] - holdout_spend[both]))),
            baseline_mae=float(np.mean(np.abs(monetary[both] - holdout_spend[both]))),
        )
    best = result["best_model"]
    if best is not None:
        # Refitted from the backtest's estimates (converges at once) for per-customer predictions.
        params = result["models"][best]["params"]
        t_x, T = frame["recency"].to_numpy(), frame["T"].to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = PURCHASE_MODELS[best](initial_params=params).fit(x, t_x, T)
                purchases = model.conditional_expected_purchases(result["holdout_length"], x, t_x, T)
            except UserError:
                return out
        out.update(purchase_model=best, predicted_revenue=float(np.sum(purchases * expected)))
    return out


def backtest_workspace(
    workspace: Workspace,
    settings: Settings,
    *,
    calibration_end: dt.date | None = None,
    holdout_end: dt.date | None = None,
) -> dict[str, Any]:
    """Backtest the purchase and spend models on the workspace's orders.

    Parameters
    ----------
    workspace
        An initialised workspace with ingested orders.
    settings
        Its configuration (``models.time_unit`` is used).
    calibration_end
        Last day of the calibration period (default: two thirds of the way from the first order
        to ``holdout_end``).
    holdout_end
        Last day of the holdout (default: the day of the last completed order).

    Returns
    -------
    A JSON-able dict: ``calibration_end``, ``holdout_end``, ``holdout_days``, ``time_unit``,
    ``holdout_length`` (in ``time_unit``), ``customers``, ``repeat_buyers``, ``best_model``
    (``None`` when no model beats the baseline), ``fallback`` (the rate model used then), ``max_total_error``,
    ``models`` (``bgnbd``, ``pareto_nbd``, ``mbgnbd``: :data:`MODEL_KEYS`), ``baseline`` and
    ``fallbacks`` (:data:`~customer_value.models.backtest.ERROR_KEYS`), ``calibration_table``
    and ``spend`` — see docs/models.md.

    Raises
    ------
    WorkspaceError
        No completed order was ingested.
    ConfigError
        The dates are out of order (see :func:`resolve_dates`).
    """
    con = connect(workspace)
    if not has_table(con, "orders"):
        raise WorkspaceError("workspace.no_orders", path=str(workspace.root))
    orders = con.table("orders")
    completed = orders.filter(orders.status == COMPLETED)
    span = completed.aggregate(first=completed.ordered_at.min(), last=completed.ordered_at.max())
    first, last = con.execute(span).iloc[0]
    if pd.isna(first):
        raise WorkspaceError("workspace.no_orders", path=str(workspace.root))
    calibration_end, holdout_end = resolve_dates(
        pd.Timestamp(first).date(), pd.Timestamp(last).date(), calibration_end, holdout_end
    )
    result, frame = run_backtest(con, orders, calibration_end, holdout_end, time_unit=settings.models.time_unit)
    return {
        "calibration_end": result["calibration_end"],
        "holdout_end": result["holdout_end"],
        "holdout_days": result["holdout_days"],
        "time_unit": result["time_unit"],
        "holdout_length": result["holdout_length"],
        "customers": result["customers"],
        "repeat_buyers": int((frame["frequency"] > 0).sum()),
        "best_model": result["best_model"],
        "fallback": None if result["best_model"] else choose_fallback(result["fallbacks"]),
        "max_total_error": MAX_TOTAL_ERROR,
        "models": {name: _model_entry(entry) for name, entry in result["models"].items()},
        "baseline": {k: result["baseline"][k] for k in ERROR_KEYS},
        "fallbacks": fallback_summary(result["fallbacks"]),
        "calibration_table": _calibration_table(result, frame),
        "spend": _spend(result, frame),
    }
