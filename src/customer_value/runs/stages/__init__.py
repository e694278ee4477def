"""The stages of a run, in order. Each is ``run(ctx: RunContext) -> None``."""

from customer_value.runs.stages import actions, churn, clusters, lifecycle, models, rfm, summary, value

STAGES = [
    ("summary", summary.run),
    ("rfm", rfm.run),
    ("models", models.run),
    ("churn", churn.run),
    ("value", value.run),
    ("lifecycle", lifecycle.run),
    ("clusters", clusters.run),
    ("actions", actions.run),
]
