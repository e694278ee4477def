"""Stage: lifetime value models — P(alive), expected purchases, CLV and the next purchase window.

Adds :data:`COLUMNS` to the summary and the facts of the fits to ``ctx.diagnostics["models"]``
(see docs/models.md). In order:

1. **Sufficiency.** :func:`~customer_value.models.check_data_sufficiency` says in words what is
   thin; each customer gets ``prediction_confidence`` (high / medium / low).
2. **Choice.** ``models.purchase_model`` when set; with ``auto`` a backtest on the run's own
   history (calibration and holdout both before ``as_of``) picks the model with the lowest score
   (relative MAE + error of the holdout total + calibration error by frequency bucket) among
   those that beat the naive baseline
   (:func:`~customer_value.models.backtest.choose_best`); when none does, the documented rate
   model is used and the diagnostics say so. BG/NBD is the default when the history is too
   short to backtest.
3. **Fit** on the whole history to ``as_of`` in ``models.time_unit``; a model that cannot be
   fitted is reported and the next one is tried, down to the documented simple rate model
   (:class:`~customer_value.models.rate.RateModel`), so the run never stops here and no value is NaN or infinite.
4. **Spend.** Gamma-Gamma on repeat buyers with a positive mean repeat spend (the others, whose
   refunds net their repeat purchases to zero or less, are excluded and counted), its
   independence assumption tested; without it, each repeat buyer's own mean.

Predictions depend only on each customer's (frequency, recency, T) triple, so they are computed
once per distinct triple and broadcast back (vectorised, in blocks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from customer_value.config import ModelsConfig
from customer_value.errors import UserError
from customer_value.features.btyd import calibration_holdout, default_split
from customer_value.i18n import message, msg
from customer_value.models import check_data_sufficiency, customer_confidence, evaluate_models
from customer_value.models.rate import RATE_MODELS
from customer_value.models.backtest import ERROR_KEYS, MAX_TOTAL_ERROR, PREFER_TOLERANCE, choose_fallback, fallback_summary
from customer_value.runs.context import RunContext
from customer_value.scoring.lifetime import (
    CLV_MONTHS,
    DAYS_PER_UNIT,
    HORIZON_DAYS,
    SpendFit,
    fit_purchase_model,
    fit_spend,
    p_alive_uninformative,
    predict_customers,
)

__all__ = [
    "AUTO_BACKTEST_CUSTOMERS",
    "COLUMNS",
    "MIN_BACKTEST_DAYS",
    "describe_models",
    "model_name",
    "model_frame",
    "run",
    "run_backtest",
]

COLUMNS = (
    "p_alive", "expected_purchases_90d", "expected_purchases_365d", "clv_12m", "clv_24m", "clv_36m",
    "next_purchase_window", "prediction_confidence",
)
#: History (first purchase day to ``as_of``) needed for the automatic choice's backtest.
MIN_BACKTEST_DAYS = 90
#: The automatic choice backtests on at most this many customers (a fixed random sample beyond).
AUTO_BACKTEST_CUSTOMERS = 100_000
UNLIKELY = "unlikely"
#: Columns the purchase model makes (CLV also needs the spend model).
PURCHASE_COLUMNS = tuple(c for c in COLUMNS if c != "prediction_confidence")
CLV_COLUMNS = ("clv_12m", "clv_24m", "clv_36m")
#: How :func:`run` reports each note: severity, the customers and the columns it concerns. A note
#: not listed is a warning about the run as a whole.
NOTES = {
    "models.run.choice_backtest_failed": ("warning", "all", PURCHASE_COLUMNS),
    "models.run.fit_failed": ("warning", "all", PURCHASE_COLUMNS),
    "models.run.fallback_rate": ("error", "all", PURCHASE_COLUMNS),
    "models.run.note_bgnbd_one_time": ("warning", "one_time_buyers", PURCHASE_COLUMNS),
    "models.run.spend_fallback": ("warning", "all", CLV_COLUMNS),
    "models.run.refunds_excluded": ("info", "refunds_excluded", CLV_COLUMNS),
    "models.spend_frequency_correlated": ("warning", "repeat_buyers", CLV_COLUMNS),
    "models.run.choice_no_model_beats_baseline": ("error", "all", PURCHASE_COLUMNS),
    "models.run.p_alive_no_dropout_model": ("warning", "all", ("p_alive",)),
    "models.run.p_alive_dropout_at_edge": ("warning", "all", ("p_alive",)),
    "models.run.p_alive_constant": ("warning", "all", ("p_alive",)),
    "models.run.confidence_capped_rate": ("warning", "all", ("prediction_confidence",)),
    "models.run.confidence_capped_untested": ("info", "all", ("prediction_confidence",)),
    "models.run.confidence_capped_fit": ("info", "all", ("prediction_confidence",)),
    "models.run.confidence_capped_data": ("info", "all", ("prediction_confidence",)),
}
#: Sufficiency issues by how far they lower the confidence.
ISSUE_SEVERITY = {"low": "warning", "medium": "info"}


def model_name(name: str) -> dict[str, Any]:
    """The display name of a purchase model, as a message (rendered when shown)."""
    return message(f"models.name.{name}")


def _note(name: str, **fields: Any) -> dict[str, Any]:
    """The message ``models.run.<name>`` with its fields, language-free (rendered when shown);
    :data:`NOTES` says how :func:`run` reports it."""
    return message(f"models.run.{name}", **fields)


# -- backtest ------------------------------------------------------------------------------------


def model_frame(split: pd.DataFrame, time_unit: str) -> pd.DataFrame:
    """The calibration/holdout split (in days) as model inputs in ``time_unit``.

    Returns the columns :func:`~customer_value.models.evaluate_models` reads: ``frequency``,
    ``recency``, ``T`` (in ``time_unit``), ``monetary_value``, ``holdout_purchases`` and
    ``holdout_spend``, indexed by ``customer_id``.
    """
    days = DAYS_PER_UNIT[time_unit]
    frame = pd.DataFrame(index=pd.Index(split["customer_id"], name="customer_id"))
    frame["frequency"] = split["frequency"].to_numpy(dtype=np.float64)
    frame["recency"] = split["recency_days"].to_numpy(dtype=np.float64) / days
    frame["T"] = split["T_days"].to_numpy(dtype=np.float64) / days
    for column in ("monetary_value", "holdout_purchases", "holdout_spend"):
        frame[column] = split[column].to_numpy(dtype=np.float64)
    return frame


def run_backtest(
    con: ibis.BaseBackend,
    orders: ir.Table,
    calibration_end: dt.date,
    holdout_end: dt.date,
    *,
    time_unit: str,
    max_customers: int | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Fit the purchase models up to ``calibration_end`` and score them on the holdout.

    Parameters
    ----------
    max_customers
        Evaluate at most this many customers: a random sample (seed 0) of the customers sorted
        by id, so the same customers give the same sample. Default: all.

    Returns
    -------
    result, frame
        :func:`~customer_value.models.evaluate_models`' result (without its spend section) plus
        ``calibration_end``, ``holdout_end``, ``holdout_days``, ``time_unit`` and ``sampled_from``
        (the number of customers when sampled, else None); and the model inputs per customer
        (:func:`model_frame`) that were evaluated.
    """
    split = con.execute(calibration_holdout(orders, calibration_end, holdout_end))
    frame = model_frame(split.sort_values("customer_id", ignore_index=True), time_unit)  # same order, same sums
    sampled_from = None
    if max_customers is not None and len(frame) > max_customers:
        sampled_from = len(frame)
        frame = frame.sample(n=max_customers, random_state=0).sort_index()
    days = (holdout_end - calibration_end).days
    purchase_only = frame[["frequency", "recency", "T", "holdout_purchases"]]
    result = evaluate_models(purchase_only, days / DAYS_PER_UNIT[time_unit])
    result.pop("spend", None)
    result.update(
        calibration_end=calibration_end.isoformat(),
        holdout_end=holdout_end.isoformat(),
        holdout_days=days,
        time_unit=time_unit,
        sampled_from=sampled_from,
    )
    return result, frame


# -- the choice ----------------------------------------------------------------------------------


def _backtest_summary(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("fitted", "params", "log_likelihood", *ERROR_KEYS, "score", "beats_baseline")
    models = {}
    for name, entry in result["models"].items():
        models[name] = {k: entry[k] for k in keep if k in entry}
        if not entry["fitted"]:
            models[name]["error"] = entry["error"]
    return {
        **{k: result[k] for k in ("calibration_end", "holdout_end", "holdout_days", "customers", "sampled_from")},
        "models": models,
        "baseline": {k: result["baseline"][k] for k in ERROR_KEYS},
        "fallbacks": fallback_summary(result["fallbacks"]),
        "best_model": result["best_model"],
    }


def choose_model(ctx: RunContext, first_day: dt.date) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """The purchase model to fit, why (a note), and the backtest summary when one ran.

    With ``auto``, the backtest's :func:`~customer_value.models.backtest.choose_best`; when
    models were fitted but none beats the naive baseline, the rate model (the documented
    fallback), never the failed model.
    """
    config: ModelsConfig = ctx.settings.models
    if config.purchase_model != "auto":
        name = config.purchase_model
        return name, {"method": "configured", **_note("choice_configured", model=model_name(name))}, None
    history = (ctx.as_of - first_day).days
    if history < MIN_BACKTEST_DAYS:
        note = _note("choice_short_history", days=history, as_of=ctx.as_of.isoformat(),
                     needed=MIN_BACKTEST_DAYS)
        return "bgnbd", {"method": "default", **note}, None
    calibration_end = default_split(first_day, ctx.as_of)
    result, _ = run_backtest(ctx.con, ctx.orders, calibration_end, ctx.as_of, time_unit=config.time_unit,
                             max_customers=AUTO_BACKTEST_CUSTOMERS)
    summary = _backtest_summary(result)
    best = result["best_model"]
    fitted = {name: m for name, m in summary["models"].items() if m["fitted"]}
    fields = {"calibration_end": summary["calibration_end"], "holdout_end": summary["holdout_end"],
              "baseline_mae": f"{summary['baseline']['mae']:.4f}", "tolerance": f"{MAX_TOTAL_ERROR:.0%}"}
    if not fitted:
        errors = [m["error"] for m in summary["models"].values() if "error" in m]
        return "bgnbd", {"method": "default", **_note("choice_backtest_failed", detail=errors)}, summary
    if best is None:
        tried = [message("models.run.model_errors", model=model_name(n), mae=f"{m['mae']:.4f}",
                         total_error=f"{m['total_error']:+.0%}") for n, m in fitted.items()]
        fallback = choose_fallback(summary["fallbacks"])
        note = _note("choice_no_model_beats_baseline", models=tried, fallback=model_name(fallback),
                     fallback_mae=f"{summary['fallbacks'][fallback]['mae']:.4f}", **fields)
        return fallback, {"method": "fallback", **note}, summary
    chosen, bgnbd = fitted[best], fitted.get("bgnbd", {})
    if bgnbd.get("beats_baseline") and bgnbd["score"] < chosen["score"]:
        note = _note("choice_prefer", model=model_name(best), score=f"{chosen['score']:.4f}",
                     bgnbd_score=f"{bgnbd['score']:.4f}", tolerance=f"{PREFER_TOLERANCE:.0%}")
        return best, {"method": "backtest", **note}, summary
    note = _note("choice_backtest", model=model_name(best), mae=f"{chosen['mae']:.4f}",
                 total_error=f"{chosen['total_error']:+.0%}", **fields)
    return best, {"method": "backtest", **note}, summary


def _fallback_order(chosen: str, backtest: dict[str, Any] | None) -> list[str]:
    """The chosen model, then the others that may stand in for it, then ``rate``.

    After a backtest: the models that beat the baseline (best score first), then those the
    backtest could not fit; a model the backtest found worse than the baseline is never a
    fallback. Without a backtest every model is tried in turn.
    """
    if chosen in RATE_MODELS:
        return [chosen]
    others = [n for n in ("bgnbd", "mbgnbd", "pareto_nbd") if n != chosen]
    if backtest is not None:
        models = backtest["models"]
        judged = sorted((n for n in others if models[n].get("beats_baseline")), key=lambda n: models[n]["score"])
        others = judged + [n for n in others if not models[n]["fitted"]]
    return [chosen, *others, "rate"]


# -- the stage -----------------------------------------------------------------------------------


def _inputs(summary: pd.DataFrame, time_unit: str) -> tuple[np.ndarray, ...]:
    days = DAYS_PER_UNIT[time_unit]

    def column(name: str) -> np.ndarray:
        return pd.to_numeric(summary[name], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)

    x, t_x, T = column("btyd_frequency"), column("btyd_recency_days") / days, column("btyd_T_days") / days
    return x, np.minimum(t_x, T), T, column("btyd_monetary"), column("net_revenue")


def _empty(ctx: RunContext) -> None:
    summary = ctx.summary.copy()
    for name in COLUMNS:
        summary[name] = pd.Series(dtype=object if name in ("next_purchase_window", "prediction_confidence") else float)
    ctx.summary = summary
    ctx.diagnostics["models"] = {"customers": 0, "time_unit": ctx.settings.models.time_unit}


def run(ctx: RunContext) -> None:
    """Fit the purchase and spend models and add :data:`COLUMNS` to the summary."""
    if ctx.summary.empty:
        _empty(ctx)
        return
    config: ModelsConfig = ctx.settings.models
    x, t_x, T, monetary, net = _inputs(ctx.summary, config.time_unit)
    sufficiency = check_data_sufficiency(x, t_x, T, time_unit=config.time_unit)
    confidence = customer_confidence(x, t_x, T, time_unit=config.time_unit)
    first_day = pd.Timestamp(ctx.summary["first_order_at"].min()).date()
    chosen, choice, backtest = choose_model(ctx, first_day)
    notes: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for name in _fallback_order(chosen, backtest):
        try:
            model, fit_warnings = fit_purchase_model(name, x, t_x, T)
            predictions = predict_customers(model, x, t_x, T, time_unit=config.time_unit,
                                            monthly_discount_rate=config.monthly_discount_rate)
            break
        except UserError as exc:
            if name in RATE_MODELS:  # the rate models fail only on invalid inputs: a bug upstream
                raise
            attempts.append({"model": name, **exc.as_message()})
            notes.append(_note("fit_failed", model=model_name(name), as_of=ctx.as_of.isoformat(),
                               detail=exc.as_message()))
    if name == "rate" and choice["method"] != "fallback":
        notes.append(_note("fallback_rate"))
    if name == "bgnbd":
        one_time = int((x == 0).sum())
        notes.append(_note("note_bgnbd_one_time", count=one_time, share=f"{one_time / len(x):.0%}"))
    mean_per_day = float(net.sum()) / float((x + 1).sum())  # net spend per purchase day, everyone
    spend = fit_spend(x, monetary, mean_per_day)
    expected_spend = spend.expected_spend(x, monetary)
    if spend.model is None:
        notes.append(_note("spend_fallback", detail=spend.error or ""))
    if spend.excluded:
        notes.append(_note("refunds_excluded", count=spend.excluded))
    if spend.independence is not None and spend.independence["violated"]:
        independence = {k: f"{spend.independence[k]:.2g}" for k in ("correlation", "p_value")}
        notes.append(message("models.spend_frequency_correlated", **independence))

    uninformative = p_alive_uninformative(name, getattr(model, "params_", {}), predictions["p_alive"], x, T)
    if uninformative is not None:
        key, fields = uninformative
        notes.append(message(key, model=model_name(name), **fields))

    columns = pd.DataFrame(index=ctx.summary.index)
    columns["p_alive"] = np.nan if uninformative else np.round(predictions["p_alive"], 4)
    for days in HORIZON_DAYS:
        columns[f"expected_purchases_{days}d"] = np.round(predictions[f"expected_purchases_{days}d"], 4)
    for months in CLV_MONTHS:
        value = config.profit_margin * expected_spend * predictions[f"discounted_{months}m"]
        columns[f"clv_{months}m"] = np.round(value, 2)
    columns["next_purchase_window"] = _window_text(ctx.as_of, predictions)
    cap, reason = _confidence_cap(name, choice["method"], fit_warnings, sufficiency.confidence)
    if reason is not None:
        capped = np.isin(confidence, _ABOVE[cap])
        confidence = np.where(capped, cap, confidence)
        if capped.any():
            notes.append(_note(reason, level=message(f"confidence.{cap}"), count=int(capped.sum())))
    columns["prediction_confidence"] = confidence
    ctx.summary = ctx.summary.drop(columns=[c for c in COLUMNS if c in ctx.summary.columns]).join(columns)
    ctx.diagnostics["models"] = {
        "customers": len(x),
        "time_unit": config.time_unit,
        "purchase_model": name,
        "choice": choice,
        "fit": _fit_facts(model, name, fit_warnings),
        "attempts": attempts,
        "backtest": backtest,
        "sufficiency": sufficiency.to_dict(),
        "confidence": {level: int((confidence == level).sum()) for level in ("high", "medium", "low")},
        "spend": _spend_facts(spend),
        "clv": {
            "months": list(CLV_MONTHS),
            "monthly_discount_rate": config.monthly_discount_rate,
            "profit_margin": config.profit_margin,
            "total_clv_12m": float(columns["clv_12m"].sum()),
            "independence_violated": bool(spend.independence and spend.independence["violated"]),
        },
        "p_alive_informative": uninformative is None,
        "unlikely_to_return": int((columns["next_purchase_window"] == UNLIKELY).sum()),
        "notes": notes,
    }
    _report(ctx, ctx.diagnostics["models"])


def _report(ctx: RunContext, facts: dict[str, Any]) -> None:
    """The stage's diagnostics for the user: the choice, thin data, fit warnings and the notes."""
    choice = facts["choice"]
    ctx.add(NOTES.get(choice["key"], ("info",))[0], choice)
    for issue in facts["sufficiency"]["issues"]:
        ctx.add(ISSUE_SEVERITY[issue["severity"]], issue, customers="all", columns=PURCHASE_COLUMNS)
    for warning in facts["fit"]["warnings"]:
        ctx.add("warning", warning, customers="all", columns=PURCHASE_COLUMNS)
    for warning in facts["spend"]["warnings"]:
        ctx.add("warning", warning, customers="repeat_buyers", columns=CLV_COLUMNS)
    for note in facts["notes"]:
        severity, customers, columns = NOTES.get(note["key"], ("warning", None, ()))
        ctx.add(severity, note, customers=customers, columns=columns)
    if facts["confidence"]["low"]:
        note = message("models.run.low_confidence", count=facts["confidence"]["low"])
        ctx.add("info", note, customers="low_confidence", columns=PURCHASE_COLUMNS)


#: Confidence levels above each level.
_ABOVE = {"low": ["high", "medium"], "medium": ["high"], "high": []}


def _confidence_cap(name: str, method: str, fit_warnings: list[str], data: str) -> tuple[str, str | None]:
    """The highest prediction confidence the run's model allows, and the note saying why.

    ``low`` under a rate model (no fitted model); ``medium`` when the model was not backtested,
    its fit raised a warning (e.g. a parameter at its bound) or the data is thin overall.
    """
    if name in RATE_MODELS:
        return "low", "confidence_capped_rate"
    if method in ("default", "configured"):
        return "medium", "confidence_capped_untested"
    if fit_warnings:
        return "medium", "confidence_capped_fit"
    if data != "high":
        return data, "confidence_capped_data"
    return "high", None


def _window_text(as_of: dt.date, predictions: dict[str, np.ndarray]) -> pd.Series:
    earliest = predictions["window_earliest_days"].astype(np.int64)
    latest = predictions["window_latest_days"].astype(np.int64)
    start = pd.Timestamp(as_of) + pd.to_timedelta(np.maximum(earliest, 0), unit="D")
    end = pd.Timestamp(as_of) + pd.to_timedelta(np.maximum(latest, 0), unit="D")
    text = pd.Series(start.strftime("%Y-%m-%d")).str.cat(pd.Series(end.strftime("%Y-%m-%d")), sep="/")
    return text.where(latest >= 0, UNLIKELY).to_numpy(dtype=object)


def _fit_facts(model: Any, name: str, fit_warnings: list[str]) -> dict[str, Any]:
    """The fit as the optimiser left it (``converged`` is None for a rate model: nothing is fitted)."""
    facts: dict[str, Any] = {"model": name, "converged": None, "params": dict(model.params_), "warnings": fit_warnings}
    if name not in RATE_MODELS:
        facts.update(model.convergence_, standard_errors=dict(model.standard_errors_),
                     log_likelihood=model.log_likelihood_)
    return facts


def _spend_facts(spend: SpendFit) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "model": "gamma_gamma" if spend.model is not None else "own_mean_fallback",
        "fitted_customers": spend.fitted_customers,
        "refunds_excluded": spend.excluded,
        "independence": spend.independence,
        "warnings": spend.warnings,
    }
    if spend.model is not None:
        facts.update(
            params=dict(spend.model.params_),
            standard_errors=dict(spend.model.standard_errors_),
            log_likelihood=spend.model.log_likelihood_,
            population_mean=spend.model.expected_spend(),
        )
    else:
        facts.update(error=spend.error, population_mean=spend.population_mean)
    return facts


def describe_models(diagnostics: dict[str, Any], lang: str = "en") -> list[str]:
    """The models' diagnostics in words: the choice, what is thin, fallbacks and notes."""
    items = [diagnostics.get("choice"), *diagnostics.get("sufficiency", {}).get("issues", []),
             *diagnostics.get("notes", [])]
    return [msg(item["key"], lang, **item["fields"]) for item in items if item]
