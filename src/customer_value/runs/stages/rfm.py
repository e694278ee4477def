"""Stage: RFM scores, groups, segments, whales and small fish."""

from customer_value.runs.context import RunContext
from customer_value.scoring.rfm import score_rfm


def run(ctx: RunContext) -> None:
    """Add the RFM columns to the summary."""
    ctx.summary = ctx.summary.join(score_rfm(ctx.summary, bins=ctx.settings.rfm.bins))
