"""``cva actions`` (next best action per owner) and ``cva migrations`` (tier and stage moves)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    cell,
    column_label,
    err,
    handle_errors,
    language,
    out,
    print_json,
    print_table,
    workspace_of,
)
from customer_value.errors import ConfigError, UserError
from customer_value.i18n import message, msg
from customer_value.runs.labels import MIGRATION_COLUMNS, value_label

TABLE_COLUMNS = (
    "action_owner", "customer_id", "action_text", "action_priority", "tier", "value_score", "lifecycle_stage"
)
EXAMPLES = 5


@handle_errors
def actions(
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner's customers ('unassigned' for none).")
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the list to .csv, .xlsx or .parquet.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Next best action of every customer, per owner, most urgent and most valuable first."""
    import pyarrow as pa

    from customer_value.runs.results import records, run_summary, write_export
    from customer_value.runs.snapshot import load_run
    from customer_value.scoring.playbooks import action_list, action_text

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    manifest = load_run(ws)
    summary = run_summary(ws, manifest.run_id)
    if "next_best_action" not in summary.columns:
        raise UserError("cli.actions.no_column", run_id=manifest.run_id, column="next_best_action")
    owners = sorted(summary["action_owner"].unique())
    if owner is not None and owner not in owners:
        raise ConfigError(
            where="--owner",
            detail=message(
                "cli.actions.unknown_owner", owner=owner, run_id=manifest.run_id, owners=", ".join(owners)
            ),
        )
    playbooks = ws.settings().playbooks
    frame = action_list(summary, owner=owner)
    frame.insert(frame.columns.get_loc("next_best_action") + 1, "action_text",
                 [action_text(code, lang, playbooks) for code in frame["next_best_action"]])
    if out_file is not None:
        actions = pa.Table.from_pandas(frame, preserve_index=False)
        path = write_export({"actions": actions}, out_file, lang=lang, playbooks=playbooks)
        if not json_:
            err.print(msg("cli.actions.exported", lang, rows=len(frame), path=str(path)))
    if json_:
        print_json({"run_id": manifest.run_id, "owner": owner, "actions": records(frame)})
        return
    title = (
        msg("cli.actions.owner_title", lang, owner=value_label(lang, "action_owner", owner), count=len(frame))
        if owner is not None
        else msg("cli.actions.title", lang, count=len(frame))
    )
    headers = [column_label(lang, c) for c in TABLE_COLUMNS]
    rows = [[cell(lang, c, row[c], playbooks) for c in TABLE_COLUMNS] for row in frame.to_dict("records")]
    print_table(title, headers, rows)


@handle_errors
def migrations(
    from_run: Annotated[str | None, typer.Option("--from", help="Earlier run (default: the run before --to).")] = None,
    to_run: Annotated[str | None, typer.Option("--to", help="Later run (default: the current run).")] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Who moved between tiers and lifecycle stages from one run to another."""
    from customer_value.runs.results import run_summary
    from customer_value.runs.snapshot import load_run, previous_run
    from customer_value.scoring.migrations import migrations as migration_table

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    later = load_run(ws, to_run)
    earlier = load_run(ws, from_run) if from_run else previous_run(ws, later.run_id)
    if earlier is not None:  # compared in as-of order, whichever was given first
        earlier, later = sorted((earlier, later), key=lambda m: (m.as_of, m.run_id))
    if earlier is None:
        if json_:
            print_json({"from_run": None, "to_run": later.run_id, "migrations": {}})
        else:
            out.print(msg("cli.actions.one_run", lang, run_id=later.run_id))
        return
    before, after = run_summary(ws, earlier.run_id), run_summary(ws, later.run_id)
    result: dict[str, Any] = {}
    for column in MIGRATION_COLUMNS:
        lacking = [m.run_id for m, s in ((earlier, before), (later, after)) if column not in s.columns]
        result[column] = None if lacking else migration_table(before, after, column)
        if lacking and not json_:
            err.print(msg("cli.actions.no_column", lang, run_id=lacking[0], column=column))
    if json_:
        print_json(
            {
                "from_run": earlier.run_id,
                "to_run": later.run_id,
                "migrations": {c: None if t is None else t.to_dict("records") for c, t in result.items()},
            }
        )
        return
    for column, table in result.items():
        if table is None:
            continue
        title = msg(
            "cli.actions.migrations_title", lang,
            column=column_label(lang, column), from_run=earlier.run_id, to_run=later.run_id,
        )
        moved = table[table["changed"]]
        if moved.empty:
            out.print(title, style="bold")
            out.print(f"  {msg('cli.actions.no_moves', lang)}")
            continue
        heads = [msg(f"cli.actions.{h}", lang) for h in ("from", "to", "count", "examples")]
        rows = [
            [value_label(lang, column, r["from"]), value_label(lang, column, r["to"]), r["count"],
             ", ".join(r["customers"][:EXAMPLES]) + (" …" if r["count"] > EXAMPLES else "")]
            for r in moved.to_dict("records")
        ]
        print_table(title, heads, rows)
