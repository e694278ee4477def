"""The stages of a run, in order. Each is ``run(ctx: RunContext) -> None``."""

from customer_value.runs.stages import rfm, summary
from customer_value.runs.stages import churn
from customer_value.runs.stages import clusters
from customer_value.runs.stages import actions, lifecycle, value
from customer_value.runs.stages import models

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
