"""Stage: behavioural clusters with a name and a written rule per cluster."""

from customer_value.features.behaviour import behaviour_dimensions
from customer_value.i18n import message
from customer_value.runs.context import RunContext
from customer_value.scoring.clusters import cluster_customers
from customer_value.workspace.views import has_table

#: Tables besides ``orders`` that add dimensions when the workspace has them.
OPTIONAL_TABLES = ("customers", "interactions", "tickets", "surveys")
COLUMNS = ("cluster", "cluster_name", "cluster_rule")


def run(ctx: RunContext) -> None:
    """Add ``cluster`` (1..k by mean net spend), ``cluster_name`` and ``cluster_rule`` to the summary.

    Names and rules are written in the workspace language; ``ctx.diagnostics["clusters"]`` holds
    k, the silhouette of each k tried, the names and rules in their language-neutral form, their
    agreement and the dimensions used and skipped (each with its reason as a message).
    """
    if ctx.summary.empty:
        return
    tables = {name: ctx.con.table(name) if has_table(ctx.con, name) else None for name in OPTIONAL_TABLES}
    behaviour = behaviour_dimensions(ctx.orders, ctx.as_of, **tables)
    dimensions = ctx.con.execute(behaviour.table).set_index("customer_id")
    dimensions = dimensions.reindex(ctx.summary["customer_id"].to_numpy())
    clustering = cluster_customers(dimensions, ctx.settings.clusters)
    lang = ctx.settings.language
    summary = ctx.summary.copy()
    summary["cluster"] = clustering.labels.to_numpy()
    summary["cluster_name"] = clustering.names(lang).to_numpy()
    summary["cluster_rule"] = clustering.rules(lang).to_numpy()
    ctx.summary = summary
    diagnostics = clustering.diagnostics()
    diagnostics["dimensions_skipped"] = {
        **{name: message("cluster.skipped_missing", needs=needs) for name, needs in behaviour.skipped.items()},
        **diagnostics["dimensions_skipped"],
    }
    ctx.diagnostics["clusters"] = diagnostics
    if clustering.fallback is not None:
        note = message(f"cluster.fallback_{clustering.fallback}", customers=len(summary),
                       needed=ctx.settings.clusters.min_customers)
        ctx.add("warning", note, customers="all", columns=COLUMNS)
    skipped = [message("cluster.skipped_item", dimension=message(f"dimension.{name}"), reason=why)
               for name, why in diagnostics["dimensions_skipped"].items()]
    if skipped:
        ctx.add("info", message("cluster.dimensions_skipped", dimensions=skipped))
