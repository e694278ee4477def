"""Stage: churn probability, its top factors and the early-warning alerts.

Adds ``churn_probability``, ``churn_factors``, ``churn_factor_values`` and ``alerts`` to the
summary and the model's facts to ``ctx.diagnostics["churn"]``. Orders after ``ctx.as_of`` are
cut off inside :func:`~customer_value.scoring.churn.score_churn`; the optional tables are read
only up to each cut-off.
"""

from __future__ import annotations

from collections import Counter

import ibis.expr.types as ir
import pandas as pd

from customer_value.features.churn_features import OPTIONAL_TABLES
from customer_value.i18n import message
from customer_value.runs.context import RunContext
from customer_value.scoring.alerts import ALERT_CODES, churn_alerts
from customer_value.scoring.churn import score_churn

#: Columns an optional table needs to add features.
REQUIRED_COLUMNS = {
    "interactions": ("customer_id", "occurred_at"),
    "tickets": ("customer_id", "opened_at"),
    "surveys": ("customer_id", "answered_at"),
}
#: Feature columns the alert rules read.
ALERT_INPUTS = ("days_since_last_order", "days_since_last_interaction", "mean_cycle_days")
COLUMNS = ("churn_probability", "churn_factors", "churn_factor_values")
#: How :func:`run` reports each note of the churn model: severity, customers and columns concerned.
NOTES = {
    "churn.note_btyd_one_time": ("info", None, ()),
    "churn.note_not_better_btyd": ("warning", "all", ("churn_probability",)),
    "churn.note_not_better_recency": ("warning", "all", ("churn_probability",)),
    "churn.note_btyd_failed": ("warning", "all", COLUMNS),
}


def optional_tables(ctx: RunContext) -> tuple[dict[str, ir.Table], list[str]]:
    """The optional tables of the workspace that have the columns the features need.

    Returns
    -------
    The usable tables by name, and the names of tables present but lacking a needed column.
    """
    present = set(ctx.con.list_tables())
    usable, skipped = {}, []
    for name in OPTIONAL_TABLES:
        if name not in present:
            continue
        table = ctx.con.table(name)
        if all(column in table.columns for column in REQUIRED_COLUMNS[name]):
            usable[name] = table
        else:
            skipped.append(name)
    return usable, skipped


def run(ctx: RunContext) -> None:
    """Score churn, explain it and raise the alerts."""
    config = ctx.settings.churn
    tables, skipped = optional_tables(ctx)
    result = score_churn(ctx.orders, ctx.as_of, config, **tables)
    summary = ctx.summary.drop(columns=[c for c in result.scores.columns if c != "customer_id" and c in ctx.summary])
    summary = summary.merge(result.scores, on="customer_id", how="left", validate="one_to_one")
    missing = summary["churn_probability"].isna()
    if missing.any():  # a customer the features did not see (should not happen): the mean risk
        fill = float(result.scores["churn_probability"].mean()) if len(result.scores) else 0.5
        summary.loc[missing, "churn_probability"] = fill
        for column in ("churn_factors", "churn_factor_values"):
            lists = [v if isinstance(v, list) else [] for v in summary[column]]
            summary[column] = pd.Series(lists, index=summary.index, dtype=object)
    inputs = result.features[["customer_id", *(c for c in ALERT_INPUTS if c in result.features)]]
    extra = ["p_alive"] if "p_alive" in summary else []
    rule_frame = summary[["customer_id", "churn_probability", *extra]].merge(inputs, on="customer_id", how="left")
    rule_frame.index = summary.index
    summary["alerts"] = churn_alerts(rule_frame, config, previous=ctx.previous)
    counts = Counter(code for codes in summary["alerts"] for code in codes)
    diagnostics = dict(result.diagnostics)
    diagnostics["alerts"] = {code: counts.get(code, 0) for code in ALERT_CODES}
    diagnostics["p_alive_alert"] = "p_alive" in summary and ctx.previous is not None and "p_alive" in ctx.previous
    if skipped:
        diagnostics["tables_skipped"] = skipped
    ctx.summary = summary
    ctx.diagnostics["churn"] = diagnostics
    _report(ctx, diagnostics)


def _report(ctx: RunContext, facts: dict) -> None:
    """The stage's diagnostics for the user: the method, why a fallback, notes, fit warnings."""
    ctx.add("info", message(f"churn.method_{facts['method']}"))
    reason = facts.get("reason")
    if reason:
        severity = "error" if reason["key"] == "churn.reason_model_failed" else "warning"
        ctx.add(severity, reason, customers="all", columns=COLUMNS)
    for note in facts["notes"]:
        severity, customers, columns = NOTES.get(note["key"], ("warning", None, ()))
        ctx.add(severity, note, customers=customers, columns=columns)
    for warning in facts.get("btyd_warnings", []):  # the BG/NBD fallback scored everyone
        ctx.add("warning", warning, customers="all", columns=COLUMNS)
    baseline = facts.get("metrics", {}).get("btyd", {})  # BG/NBD as the model's yardstick only
    for warning in baseline.get("warnings", []):
        ctx.add("info", warning)
    if baseline.get("error"):
        ctx.add("info", message("churn.baseline_failed", detail=baseline["error"]))
    if facts.get("tables_skipped"):
        ctx.add("warning", message("churn.tables_skipped", tables=", ".join(facts["tables_skipped"])))
