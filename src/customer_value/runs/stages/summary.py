"""Stage: the per-customer summary, and the customers it leaves out."""

from customer_value.features.summary import customers_left_out, summarise_customers
from customer_value.i18n import message
from customer_value.runs.context import RunContext


def run(ctx: RunContext) -> None:
    """Per-customer orders, revenue, recency, frequency, monetary and the BTYD inputs.

    Customers with order rows but no completed order up to ``as_of`` are not in the summary;
    they are counted in ``ctx.diagnostics["summary"]`` (with a warning when some had refunds).
    """
    summary = ctx.con.execute(summarise_customers(ctx.orders, ctx.as_of))
    ctx.summary = summary.sort_values("customer_id").reset_index(drop=True)
    left_out = ctx.con.execute(customers_left_out(ctx.orders, ctx.as_of)).iloc[0]
    facts = {
        "customers": len(ctx.summary),
        "refund_only_customers": int(left_out["refund_only_customers"]),
        "refund_only_amount": round(float(left_out["refund_only_amount"]), 2),
        "cancelled_only_customers": int(left_out["cancelled_only_customers"]),
    }
    ctx.diagnostics["summary"] = facts
    if facts["refund_only_customers"]:
        ctx.add("warning", message("summary.refund_only", count=facts["refund_only_customers"],
                                   amount=f"{facts['refund_only_amount']:,.2f}", as_of=ctx.as_of.isoformat()))
