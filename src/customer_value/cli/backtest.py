"""``cva backtest``: the lifetime value models against a holdout period and a naive baseline."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    handle_errors,
    language,
    print_diagnostics,
    print_json,
    print_table,
    workspace_of,
)
from customer_value.cli.runs import parse_date
from customer_value.diagnostics import Diagnostic
from customer_value.i18n import msg, render


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _params(params: dict[str, float] | None) -> str:
    return ", ".join(f"{k} = {v:.4g}" for k, v in (params or {}).items())


@handle_errors
def backtest(
    calibration_end: Annotated[
        str | None,
        typer.Option("--calibration-end", help="Last day of the calibration period (default: 2/3 of the history)."),
    ] = None,
    holdout_end: Annotated[
        str | None, typer.Option("--holdout-end", help="Last day of the holdout (default: the last order's day).")
    ] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Backtest the lifetime value models: fit on a calibration period, predict the holdout."""
    from customer_value.pipeline.backtest import backtest_workspace
    from customer_value.runs.stages.models import model_name

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    report = backtest_workspace(
        ws,
        ws.settings(),
        calibration_end=parse_date(calibration_end, "--calibration-end", key="backtest.not_a_date"),
        holdout_end=parse_date(holdout_end, "--holdout-end", key="backtest.not_a_date"),
    )
    if json_:
        print_json(report)
        return
    names = {n: render(model_name(n), lang) for n in (*report["models"], *report["fallbacks"])}
    for section in (_overview, _models, _calibration, _spend):
        print_table(*section(report, lang, names))
    fits = [*report["models"].values(), report["spend"]]
    print_diagnostics([Diagnostic.of("models", "warning", w) for fit in fits for w in fit.get("warnings") or []], lang)


def _overview(report: dict[str, Any], lang: str, names: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    unit = msg(f"backtest.unit_{report['time_unit']}", lang)
    best = report["best_model"]
    length = f"{report['holdout_days']} {msg('backtest.unit_days', lang)}"
    if report["time_unit"] != "days":
        length = f"{report['holdout_length']:.1f} {unit} ({length})"
    rows = [
        [msg("backtest.customers", lang), report["customers"]],
        [msg("backtest.repeat_buyers", lang), report["repeat_buyers"]],
        [msg("backtest.time_unit", lang), unit],
        [msg("backtest.holdout_length", lang), length],
        [msg("backtest.best_model", lang),
         names[best] if best else msg("backtest.no_best", lang, fallback=names[report["fallback"]])],
    ]
    title = msg("backtest.overview_title", lang, calibration_end=report["calibration_end"],
                holdout_end=report["holdout_end"])
    return title, [msg("backtest.item", lang), msg("backtest.value", lang)], rows


def _models(report: dict[str, Any], lang: str, names: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    keys = ("model", "params", "log_likelihood", "predicted_total", "actual_total", "total_error", "mae", "rmse",
            "score", "beats_baseline")
    rows = []
    for name, entry in report["models"].items():
        if not entry["fitted"]:
            rows.append([names[name], msg("backtest.not_fitted", lang, reason=entry["error"]), *[""] * 8])
            continue
        verdict = msg("backtest.yes" if entry["beats_baseline"] else "backtest.no", lang)
        rows.append([names[name], _params(entry["params"]), _number(entry["log_likelihood"], 1), *_errors(entry),
                     verdict])
    rows.append([msg("backtest.baseline", lang), "", "", *_errors(report["baseline"]), ""])
    for name, entry in report["fallbacks"].items():
        if name != "naive":  # the naive rate model is the baseline
            rows.append([msg("backtest.fallback_row", lang, model=names[name]), "", "", *_errors(entry), ""])
    headers = [msg(f"backtest.{k}", lang, tolerance=f"{report['max_total_error']:.0%}") for k in keys]
    return msg("backtest.models_title", lang), headers, rows


def _errors(entry: dict[str, Any]) -> list[str]:
    """Predicted and actual totals, total error, MAE, RMSE and score of one backtest row."""
    score = entry.get("score")
    return [_number(entry["predicted_total"], 1), _number(entry["actual_total"], 0), f"{entry['total_error']:+.1%}",
            _number(entry["mae"], 4), _number(entry["rmse"], 4), "" if score is None else _number(score, 3)]


def _calibration(report: dict[str, Any], lang: str, names: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    headers = [msg("backtest.frequency", lang), msg("backtest.bucket_customers", lang), msg("backtest.actual", lang),
               msg("backtest.baseline", lang), *(names[n] for n in report["models"])]
    rows = [
        [row["frequency"], row["customers"], _number(row["actual"], 3), _number(row["baseline"], 3),
         *(_number(row[name], 3) for name in report["models"])]
        for row in report["calibration_table"]
    ]
    return msg("backtest.calibration_title", lang), headers, rows


def _spend(report: dict[str, Any], lang: str, names: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    spend = report["spend"]
    headers = [msg("backtest.item", lang), msg("backtest.value", lang)]
    if not spend["fitted"]:
        rows = [[msg("backtest.spend_not_fitted", lang, reason=spend["error"]), ""],
                [msg("backtest.actual_revenue", lang), _number(spend["actual_revenue"])]]
        return msg("backtest.spend_title", lang), headers, rows
    rows = [[msg("backtest.spend_params", lang), _params(spend["params"])]]
    if spend["independence"] is not None:
        test = spend["independence"]
        verdict = msg("backtest.independence_violated" if test["violated"] else "backtest.independence_ok", lang)
        rows.append([msg("backtest.independence", lang), msg("backtest.independence_value", lang, verdict=verdict,
                     correlation=f"{test['correlation']:.3f}", p_value=f"{test['p_value']:.2g}")])
    rows += [
        [msg("backtest.refunds_excluded", lang), spend["refunds_excluded"]],
        [msg("backtest.both_periods", lang), spend["customers"]],
        [msg("backtest.predicted_mean", lang), _number(spend["predicted_mean"])],
        [msg("backtest.actual_mean", lang), _number(spend["actual_mean"])],
        [msg("backtest.spend_mae", lang), _number(spend["mae"])],
        [msg("backtest.spend_baseline_mae", lang), _number(spend["baseline_mae"])],
    ]
    if spend["purchase_model"] is not None:
        model = names[spend["purchase_model"]]
        rows.append([msg("backtest.predicted_revenue", lang, model=model), _number(spend["predicted_revenue"])])
    rows.append([msg("backtest.actual_revenue", lang), _number(spend["actual_revenue"])])
    return msg("backtest.spend_title", lang), headers, rows
