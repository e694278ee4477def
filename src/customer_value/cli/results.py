"""``cva customers``, ``cva customer`` and ``cva export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    cell,
    column_label,
    diagnostic_json,
    handle_errors,
    language,
    out,
    print_diagnostics,
    print_json,
    print_table,
    workspace_of,
)
from customer_value.diagnostics import Diagnostic
from customer_value.i18n import msg
from customer_value.runs.labels import factors_text
from customer_value.workspace import Workspace

LIST_COLUMNS = (
    "customer_id", "orders", "net_revenue", "recency_days", "rfm_score", "rfm_segment", "rfm_group",
    "tier", "value_score", "lifecycle_stage", "next_best_action",
)
#: Shown in the churn factors' row of ``cva customer``, beside each factor.
FACTOR_VALUES = "churn_factor_values"


def show_customers(workspace: Workspace, *, top: int, segment: str | None, as_json: bool, lang: str) -> None:
    """Print the top customers of the current run."""
    from customer_value.runs.results import records, top_customers

    frame = top_customers(workspace, top=top, segment=segment)
    if as_json:
        print_json(records(frame))
        return
    columns = [c for c in LIST_COLUMNS if c in frame.columns]
    playbooks = workspace.settings().playbooks
    print_table(
        msg("cli.customers_title", lang, count=len(frame)),
        [column_label(lang, c) for c in columns],
        [[cell(lang, c, row[c], playbooks) for c in columns] for row in frame.to_dict("records")],
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
    from customer_value.scoring.reasons import render_reasons

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    record = customer_record(ws, customer_id)
    summary = record["summary"] or {}
    if "cluster" in summary:
        texts = cluster_texts(ws, lang).get(int(summary["cluster"]))
        if texts:
            summary["cluster_name"], summary["cluster_rule"] = texts
    diagnostics = [Diagnostic.from_dict(d) for d in record["diagnostics"]]
    if "reasons" in summary:
        summary["reasons_text"] = render_reasons(summary["reasons"], lang)
    if json_:
        print_json({**record, "diagnostics": [diagnostic_json(d, lang) for d in diagnostics]})
        return
    out.print(msg("cli.customer_title", lang, customer_id=record["customer_id"]), style="bold")
    if record["requested_id"] != record["customer_id"]:
        out.print(msg("cli.customer_merged", lang, requested=record["requested_id"], master=record["customer_id"]))
    playbooks = ws.settings().playbooks
    fields = {**record["profile"], **{k: v for k, v in summary.items() if k not in ("reasons", "reasons_text")}}
    if "churn_factors" in fields:
        fields["churn_factors"] = factors_text(lang, fields["churn_factors"] or [], fields.pop(FACTOR_VALUES, None))
    rows = [[column_label(lang, k), cell(lang, k, v, playbooks)] for k, v in fields.items()]
    print_table("", [msg("column.field", lang), msg("column.value", lang)], rows)
    if "reasons_text" in summary:
        out.print(column_label(lang, "reasons"), style="bold")
        for line in summary["reasons_text"]:
            out.print(f"  • {line}")
    print_diagnostics(diagnostics, lang, title=msg("diagnostic.customer_title", lang))


@handle_errors
def export(
    tables: Annotated[
        list[str], typer.Argument(help="customers, orders, quarantine, customer_map, summary (several: one .xlsx).")
    ],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv, .xlsx or .parquet.")],
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Write stable export tables to a file: CSV and Parquet keep the machine names; an Excel
    workbook has one sheet per table with labels in the chosen language."""
    from customer_value.runs.results import export_frame, write_export

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    data = {name: export_frame(ws, name, lang=lang) for name in dict.fromkeys(tables)}
    path = write_export(data, out_file, lang=lang, playbooks=ws.settings().playbooks)
    if json_:
        print_json({"path": str(path), "tables": [{"table": n, "rows": t.num_rows} for n, t in data.items()]})
        return
    for name, table in data.items():
        out.print(msg("cli.export_done", lang, table=name, rows=table.num_rows, path=str(path)))
