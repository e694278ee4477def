"""The stages of a run, in order. Each is ``run(ctx: RunContext) -> None``."""

from customer_value.runs.stages import rfm, summary

STAGES = [
    ("summary", summary.run),
    ("rfm", rfm.run),
]
