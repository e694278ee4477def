"""``cva run``: compute the analysis into a new run snapshot.

The run is a list of stages over one shared context; each stage is a function that reads the
context and adds columns to the per-customer summary, facts to the diagnostics and messages for
the user (:class:`~customer_value.diagnostics.Diagnostic`). Python warnings raised inside a stage
become messages of that stage; none reaches the console.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pandas as pd
import pyarrow as pa

from customer_value.config import Settings
from customer_value.diagnostics import Diagnostic, captured_warnings, count_affected, sort_diagnostics
from customer_value.errors import ConfigError, WorkspaceError
from customer_value.i18n import message
from customer_value.runs import stages
from customer_value.runs.context import RunContext
from customer_value.runs.snapshot import RunManifest, RunWriter, new_run_id, read_run_table, run_before
from customer_value.workspace import Workspace
from customer_value.workspace.currency import figures_currency, order_currencies
from customer_value.workspace.store import list_batches
from customer_value.workspace.views import connect, has_table

#: Summary columns that add up order amounts (wrong when several currencies are added).
MONEY_COLUMNS = ("gross_revenue", "refunds", "net_revenue", "monetary", "average_order_value", "clv_12m",
                 "clv_24m", "clv_36m", "profit", "value_amount")


def execute_run(
    workspace: Workspace,
    settings: Settings,
    *,
    as_of: dt.date | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    on_stage: Callable[[str, int, int], None] | None = None,
) -> RunManifest:
    """Compute every stage and publish the run; on any failure nothing becomes current.

    Parameters
    ----------
    as_of
        The analysis date (default: the day of the last order).
    force
        Accept an ``as_of`` after the last order (every customer then looks inactive for the
        days in between); the run's diagnostics say so.

    Raises
    ------
    WorkspaceError
        No orders were ingested, or none was placed on or before ``as_of``.
    ConfigError
        ``as_of`` is before the first order, or after the last one without ``force``.
    """
    con = connect(workspace)
    if not has_table(con, "orders"):
        raise WorkspaceError("workspace.no_orders", path=str(workspace.root))
    orders = con.table("orders")
    span = con.execute(orders.aggregate(first=orders.ordered_at.min(), last=orders.ordered_at.max())).iloc[0]
    first, last = pd.Timestamp(span["first"]).date(), pd.Timestamp(span["last"]).date()
    as_of = as_of or last  # default: the date of the last order
    if as_of < first:
        raise ConfigError("option.before_first_order", as_of=str(as_of), first=str(first))
    if as_of > last and not force:
        raise ConfigError("option.after_last_order", as_of=str(as_of), last=str(last), days=(as_of - last).days)
    now = now or dt.datetime.now()
    run_id = new_run_id(now)
    earlier = run_before(workspace, as_of.isoformat(), run_id)
    previous_id = earlier.run_id if earlier else None
    previous = read_run_table(workspace, previous_id, "summary").to_pandas() if previous_id else None
    currencies = order_currencies(con)
    ctx = RunContext(settings=settings, as_of=as_of, con=con, orders=orders, previous=previous,
                     currency=figures_currency(currencies, settings.currency))
    ctx.diagnostics["data"] = {"currency": ctx.currency, "currencies": currencies,
                               "mixed_currencies": len(currencies) > 1, "last_order": str(last)}
    if len(currencies) > 1:
        listed = ", ".join(f"{code} ({count})" for code, count in currencies.items())
        ctx.messages.append(Diagnostic.of("summary", "warning", message("cli.mixed_currencies", currencies=listed),
                                          customers="all", columns=MONEY_COLUMNS))
    if as_of > last:
        note = message("cli.as_of_after_last_order", as_of=str(as_of), last=str(last), days=(as_of - last).days)
        ctx.messages.append(Diagnostic.of("summary", "warning", note, customers="all", columns=("recency_days",)))
    seconds: dict[str, float] = {}
    for index, (name, stage) in enumerate(stages.STAGES):
        if on_stage:
            on_stage(name, index, len(stages.STAGES))
        started = time.perf_counter()
        ctx.stage = name
        with captured_warnings(name) as caught:
            stage(ctx)
        ctx.messages.extend(caught)
        seconds[name] = round(time.perf_counter() - started, 3)
    if ctx.summary.empty:
        raise WorkspaceError("workspace.no_orders_before", path=str(workspace.root), as_of=str(as_of))
    batches = list_batches(workspace)
    writer = RunWriter(workspace, run_id)
    try:
        writer.write_table("summary", pa.Table.from_pandas(ctx.summary, preserve_index=False))
        manifest = RunManifest(
            run_id=writer.run_id,
            created_at=now.isoformat(timespec="seconds"),
            as_of=as_of.isoformat(),
            customers=len(ctx.summary),
            tables=["summary"],
            settings=settings.model_dump(mode="json"),
            inputs={t: [b.batch_id for b in batches if b.table == t] for t in con.list_tables()
                    if not t.startswith("_") and t not in ("customer_map", "quarantine")},
            stage_seconds=seconds,
            diagnostics=ctx.diagnostics,
            previous_run=previous_id,
            messages=[d.to_dict() for d in sort_diagnostics(count_affected(ctx.messages, ctx.summary))],
        )
        writer.publish(manifest)
    except BaseException:
        writer.discard()
        raise
    return manifest
