"""Stage: the next best action and the owner of every customer (docs/playbooks.md)."""

from __future__ import annotations

from customer_value.i18n import message
from customer_value.runs.context import RunContext
from customer_value.runs.stages.value import profile_fields
from customer_value.scoring.playbooks import assign_actions, owners_of


def run(ctx: RunContext) -> None:
    """Add ``next_best_action``, ``action_priority``, ``action_rule`` and ``action_owner``."""
    actions = assign_actions(
        ctx.summary, ctx.settings.playbooks, churn_threshold=ctx.settings.churn.probability_threshold
    )
    actions["action_owner"] = owners_of(ctx.summary["customer_id"], profile_fields(ctx, ["owner"]))
    ctx.summary = ctx.summary.drop(columns=[c for c in actions.columns if c in ctx.summary.columns]).join(actions)
    counts = ctx.summary["next_best_action"].value_counts()
    diagnostics = {
        "action_counts": {str(k): int(v) for k, v in counts.items()},
        "owners": int(ctx.summary["action_owner"].nunique()),
        "unassigned": int((ctx.summary["action_owner"] == "unassigned").sum()),
    }
    ctx.diagnostics["actions"] = diagnostics
    if diagnostics["unassigned"]:
        ctx.add("info", message("cli.actions.no_owner", count=diagnostics["unassigned"]), customers="unassigned",
                columns=("action_owner",))
