"""``cva run`` and ``cva runs``."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    column_label,
    diagnostic_json,
    handle_errors,
    language,
    out,
    print_diagnostics,
    print_json,
    print_table,
    progress,
    workspace_of,
)
from customer_value.diagnostics import SEVERITIES, Diagnostic
from customer_value.errors import ConfigError
from customer_value.i18n import msg

if TYPE_CHECKING:
    from customer_value.runs.snapshot import RunManifest


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
    messages = [Diagnostic.from_dict(m) for m in manifest.messages]
    if json_:
        print_json({**asdict(manifest), "messages": [diagnostic_json(d, lang) for d in messages]})
        return
    out.print(msg("cli.run_done", lang, run_id=manifest.run_id, as_of=manifest.as_of, customers=manifest.customers))
    for stage, seconds in manifest.stage_seconds.items():
        out.print(f"  {msg(f'cli.stage.{stage}', lang)}: {seconds:.2f} s")
    print_diagnostics(messages, lang, title=msg("diagnostic.title", lang, run_id=manifest.run_id))


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
    heads = ["run_id", "created_at", "as_of", "customers", "diagnostics", "current"]
    print_table(
        msg("cli.runs_title", lang),
        [column_label(lang, h) for h in heads],
        [[m.run_id, m.created_at, m.as_of, m.customers, _severity_counts(m), "*" if m.run_id == current else ""]
         for m in manifests],
    )


def _severity_counts(manifest: RunManifest) -> str:
    severities = [m["severity"] for m in manifest.messages]
    return " / ".join(str(severities.count(s)) for s in SEVERITIES)


@handle_errors
def diagnostics(
    run_id: Annotated[str | None, typer.Option("--run", help="Run id (default: the current run).")] = None,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """What to know about a run: models that could not be fitted, fallbacks, thin data, warnings."""
    from customer_value.runs.snapshot import load_run

    lang = language(workspace, lang)
    manifest = load_run(workspace_of(workspace), run_id)
    messages = [Diagnostic.from_dict(m) for m in manifest.messages]
    if json_:
        print_json({"run_id": manifest.run_id, "messages": [diagnostic_json(d, lang) for d in messages]})
        return
    out.print(msg("diagnostic.run_title", lang, run_id=manifest.run_id, as_of=manifest.as_of), style="bold")
    if not messages:
        out.print(msg("diagnostic.none", lang))
    print_diagnostics(messages, lang)
