"""Stage: the lifecycle stage of every customer (docs/lifecycle.md)."""

from __future__ import annotations

from customer_value.runs.context import RunContext
from customer_value.scoring.activity import order_halves
from customer_value.scoring.lifecycle import STAGES, assign_lifecycle, purchase_cycles
from customer_value.scoring.migrations import migrations


def run(ctx: RunContext) -> None:
    """Add ``lifecycle_stage``, ``purchase_cycle_days`` and ``order_trend`` to the summary."""
    config = ctx.settings.lifecycle
    halves = ctx.con.execute(order_halves(ctx.orders, ctx.as_of)).set_index("customer_id")
    frame = ctx.summary.copy()
    for column in ("orders_early_half", "orders_late_half"):
        frame[column] = frame["customer_id"].map(halves[column]).fillna(0).astype(int)
    stages = assign_lifecycle(frame, config)
    ctx.summary = ctx.summary.drop(columns=[c for c in stages.columns if c in ctx.summary.columns]).join(stages)
    counts = ctx.summary["lifecycle_stage"].value_counts()
    _, population = purchase_cycles(ctx.summary, default_days=config.default_cycle_days)
    diagnostics = {
        "stage_counts": {s: int(counts.get(s, 0)) for s in STAGES},
        "population_cycle_days": round(population, 1),
    }
    previous = ctx.previous
    if previous is not None and "lifecycle_stage" in previous.columns:
        moved = migrations(previous, ctx.summary, "lifecycle_stage")
        moved = moved[moved["changed"]]
        diagnostics["migrations"] = {f"{r['from']}->{r['to']}": int(r["count"]) for _, r in moved.iterrows()}
    ctx.diagnostics["lifecycle"] = diagnostics
