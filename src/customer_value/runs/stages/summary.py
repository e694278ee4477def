"""Stage: the per-customer summary."""

from customer_value.features.summary import summarise_customers
from customer_value.runs.context import RunContext


def run(ctx: RunContext) -> None:
    """Per-customer orders, revenue, recency, frequency, monetary and the BTYD inputs."""
    summary = ctx.con.execute(summarise_customers(ctx.orders, ctx.as_of))
    ctx.summary = summary.sort_values("customer_id").reset_index(drop=True)
