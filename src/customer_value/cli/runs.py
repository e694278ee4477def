"""``cva run`` and ``cva runs``."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    column_label,
    err,
    handle_errors,
    warn_mixed_currencies,
    language,
    out,
    print_json,
    print_table,
    progress,
    workspace_of,
)
from customer_value.errors import ConfigError
from customer_value.i18n import msg


def parse_date(value: str | None, option: str, *, key: str = "option.bad_date") -> dt.date | None:
    """An ISO date option (``2025-06-30``); anything else is a ``ConfigError`` with message ``key``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(key, option=option, value=value) from None


@handle_errors
def run(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analysis date (default: the last order's date).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Accept an --as-of after the last order.")] = False,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Compute the analysis into a new run; it becomes current only when complete."""
    from customer_value.runs.execute import execute_run

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    with progress(not json_) as bar:
        task = bar.add_task(msg("cli.stage.run", lang), total=None)

        def on_stage(name: str, done: int, total: int) -> None:
            bar.update(task, description=msg(f"cli.stage.{name}", lang), completed=done, total=total)

        manifest = execute_run(ws, ws.settings(), as_of=parse_date(as_of, "--as-of"), force=force,
                               on_stage=on_stage)
    if json_:
        print_json(asdict(manifest))
        return
    out.print(msg("cli.run_done", lang, run_id=manifest.run_id, as_of=manifest.as_of, customers=manifest.customers))
    warn_mixed_currencies(manifest.diagnostics.get("data", {}).get("currencies", {}), lang)
    for note in manifest.diagnostics.get("data", {}).get("notes", []):
        err.print(msg(note["key"], lang, **note["fields"]), style="yellow")
    for stage, seconds in manifest.stage_seconds.items():
        out.print(f"  {msg(f'cli.stage.{stage}', lang)}: {seconds:.2f} s")


@handle_errors
def runs(workspace: WorkspaceOption = None, json_: JsonOption = False, lang: LangOption = None) -> None:
    """List the complete runs, oldest first; the current one is marked."""
    from customer_value.runs.snapshot import current_run_id, list_runs

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    manifests = list_runs(ws)
    current = current_run_id(ws)
    if json_:
        print_json([{**asdict(m), "current": m.run_id == current} for m in manifests])
        return
    heads = ["run_id", "created_at", "as_of", "customers", "current"]
    print_table(
        msg("cli.runs_title", lang),
        [column_label(lang, h) for h in heads],
        [[m.run_id, m.created_at, m.as_of, m.customers, "*" if m.run_id == current else ""] for m in manifests],
    )
