"""``cva customers``, ``cva customer`` and ``cva export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    column_label,
    handle_errors,
    language,
    out,
    print_json,
    print_table,
    workspace_of,
)
from customer_value.cli.actions import code_label
from customer_value.i18n import msg
from customer_value.workspace import Workspace

LIST_COLUMNS = (
    "customer_id", "orders", "net_revenue", "recency_days", "rfm_score", "rfm_segment", "rfm_group",
    "tier", "value_score", "lifecycle_stage", "next_best_action",
)


def _label(lang: str, column: str, value: object, playbooks=None) -> object:
    """Segment, group, tier, stage and action codes shown in the user's language."""
    if column in ("rfm_segment", "rfm_group") and isinstance(value, str):
        return msg(f"{column.removeprefix('rfm_')}.{value}", lang)
    if column in ("tier", "quadrant", "lifecycle_stage", "next_best_action", "action_owner"):
        return code_label(lang, column, value, playbooks)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return value


def show_customers(workspace: Workspace, *, top: int, segment: str | None, as_json: bool, lang: str) -> None:
    """Print the top customers of the current run."""
    from customer_value.runs.results import top_customers

    frame = top_customers(workspace, top=top, segment=segment)
    if as_json:
        print_json(frame.to_dict("records"))
        return
    columns = [c for c in LIST_COLUMNS if c in frame.columns]
    playbooks = workspace.settings().playbooks
    print_table(
        msg("cli.customers_title", lang, count=len(frame)),
        [column_label(lang, c) for c in columns],
        [[_label(lang, c, row[c], playbooks) for c in columns] for row in frame.to_dict("records")],
    )


@handle_errors
def customers(
    top: Annotated[int, typer.Option("--top", help="How many customers.")] = 20,
    segment: Annotated[str | None, typer.Option("--segment", help="Only this RFM segment or group.")] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """The most valuable customers of the current run."""
    lang = language(workspace, lang)
    show_customers(workspace_of(workspace), top=top, segment=segment, as_json=json_, lang=lang)


@handle_errors
def customer(
    customer_id: Annotated[str, typer.Argument(help="Customer id (a merged duplicate's old id works too).")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Profile, summary and scores of one customer."""
    from customer_value.runs.results import cluster_texts, customer_record
    from customer_value.scoring.reasons import parse_reasons, render_reasons

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    record = customer_record(ws, customer_id)
    summary = record["summary"] or {}
    if "cluster" in summary:
        texts = cluster_texts(ws, lang).get(int(summary["cluster"]))
        if texts:
            summary["cluster_name"], summary["cluster_rule"] = texts
    reasons = summary.get("reasons")
    if reasons is not None:
        record["summary"]["reasons"] = parse_reasons(reasons)
        record["summary"]["reasons_text"] = render_reasons(reasons, lang)
    if json_:
        print_json(record)
        return
    out.print(msg("cli.customer_title", lang, customer_id=record["customer_id"]), style="bold")
    if record["requested_id"] != record["customer_id"]:
        out.print(msg("cli.customer_merged", lang, requested=record["requested_id"], master=record["customer_id"]))
    rows = [[column_label(lang, k), _label(lang, k, v)] for k, v in record["profile"].items()]
    playbooks = ws.settings().playbooks
    fields = {k: v for k, v in (record["summary"] or {}).items() if k not in ("reasons", "reasons_text")}
    rows += [[column_label(lang, k), _label(lang, k, v, playbooks)] for k, v in fields.items()]
    print_table("", [msg("column.field", lang), msg("column.value", lang)], rows)
    if reasons is not None:
        out.print(column_label(lang, "reasons"), style="bold")
        for line in render_reasons(reasons, lang):
            out.print(f"  • {line}")


@handle_errors
def export(
    table: Annotated[str, typer.Argument(help="customers, orders, quarantine, customer_map or summary.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv, .xlsx or .parquet.")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Write one of the stable export tables to a file."""
    from customer_value.runs.results import export_frame, write_export

    lang = language(workspace, lang)
    data = export_frame(workspace_of(workspace), table)
    path = write_export(data, out_file)
    if json_:
        print_json({"table": table, "rows": data.num_rows, "path": str(path)})
        return
    out.print(msg("cli.export_done", lang, table=table, rows=data.num_rows, path=str(path)))
