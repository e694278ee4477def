"""Stage: historical, current, potential and strategic value, score, rank, tier, quadrant, reasons."""

from __future__ import annotations

import pandas as pd

from customer_value.i18n import message
from customer_value.runs.context import RunContext
from customer_value.scoring.activity import category_pairs, order_profit, recent_activity, recent_interactions
from customer_value.scoring.migrations import migrations
from customer_value.scoring.reasons import value_reasons
from customer_value.scoring.value import ValueInputs, score_value
from customer_value.workspace.profiles import create_profiles_view
from customer_value.workspace.views import has_table


def profile_fields(ctx: RunContext, fields: list[str]) -> pd.DataFrame:
    """``customer_id`` and those of ``fields`` the customer profiles have (see ``create_profiles_view``)."""
    create_profiles_view(ctx.con)
    profiles = ctx.con.table("customer_profiles")
    keep = ["customer_id", *dict.fromkeys(f for f in fields if f in profiles.columns and f != "customer_id")]
    return ctx.con.execute(profiles.select(*keep))


def run(ctx: RunContext) -> None:
    """Add the value columns and each customer's three reasons to the summary."""
    settings = ctx.settings
    weights = settings.value
    days = weights.current_days
    pairs = category_pairs(ctx.orders, ctx.as_of)
    profit = order_profit(ctx.orders, ctx.as_of)
    inputs = ValueInputs(
        summary=ctx.summary,
        recent=ctx.con.execute(recent_activity(ctx.orders, ctx.as_of, days=days)),
        profit=None if profit is None else ctx.con.execute(profit),
        categories=None if pairs is None else ctx.con.execute(pairs),
        interactions=(
            ctx.con.execute(recent_interactions(ctx.con.table("interactions"), ctx.as_of, days=days))
            if has_table(ctx.con, "interactions")
            else None
        ),
        profiles=profile_fields(ctx, list(weights.strategic_fields)),
    )
    result = score_value(
        inputs,
        weights,
        profit_margin=settings.models.profit_margin,
        default_cycle_days=settings.lifecycle.default_cycle_days,
    )
    columns = result.columns
    columns["reasons"] = value_reasons(result.facts, weights, currency=ctx.currency)
    ctx.summary = ctx.summary.drop(columns=[c for c in columns.columns if c in ctx.summary.columns]).join(columns)
    diagnostics = result.diagnostics
    if ctx.previous is not None and "tier" in ctx.previous.columns:
        moved = migrations(ctx.previous, ctx.summary, "tier")
        moved = moved[moved["changed"]]
        diagnostics["tier_migrations"] = {f"{r['from']}->{r['to']}": int(r["count"]) for _, r in moved.iterrows()}
    ctx.diagnostics["value"] = diagnostics
    if diagnostics["profit_source"] == "assumed_margin":
        note = message("value.profit_assumed", margin=settings.models.profit_margin)
        ctx.add("info", note, customers="all", columns=("profit", "value_historical"))
    if diagnostics["potential_filled_by_proxy"]:
        note = message("value.potential_proxy", count=diagnostics["potential_filled_by_proxy"],
                       column=message(f"column.{weights.potential_clv}"))
        ctx.add("info", note, columns=("potential_amount", "value_potential"))
