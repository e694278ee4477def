"""``cva init`` and ``cva demo``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from customer_value.cli._common import LangOption, err, handle_errors, language, out, print_diagnostics, progress
from customer_value.cli.results import show_customers
from customer_value.i18n import msg
from customer_value.workspace import init_workspace


@handle_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new workspace.")],
    sample: Annotated[bool, typer.Option("--sample", help="Also copy the bundled sample data.")] = False,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code (GBP, USD, CNY…) of amounts whose data names no currency.")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Create a workspace with a commented cva.yaml (and the sample data with --sample)."""
    from customer_value.pipeline.demo import SAMPLE_SOURCES, copy_sample_data

    lang = language(None, lang)
    workspace = init_workspace(directory, language=lang, currency=currency)
    if sample:
        copy_sample_data(workspace)
    out.print(msg("cli.init_done", lang, path=str(workspace.root)))
    if sample:
        out.print(msg("cli.init_sample", lang, path=str(workspace.root / "sample"), count=len(SAMPLE_SOURCES)))


@handle_errors
def demo(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Workspace folder for the demo (default: a new temporary folder).")
    ] = None,
    customers: Annotated[int, typer.Option(help="Number of synthetic customers.")] = 2000,
    lang: LangOption = None,
) -> None:
    """Make a sample workspace, ingest the bundled data, run the analysis, show the top customers."""
    from customer_value.diagnostics import Diagnostic
    from customer_value.pipeline.demo import run_demo
    from customer_value.runs.snapshot import load_run

    lang = language(None, lang)
    folder = directory or Path(tempfile.mkdtemp(prefix="cva-demo-"))
    with progress() as bar:
        task = bar.add_task(msg("cli.demo_working", lang), total=None)

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, description=msg(f"cli.stage.{name}", lang), completed=done, total=total)

        workspace = run_demo(folder, n_customers=customers, language=lang, on_step=step)
    err.print(msg("cli.demo_done", lang, path=str(workspace.root)))
    show_customers(workspace, top=15, segment=None, as_json=False, lang=lang)
    manifest = load_run(workspace)
    print_diagnostics([Diagnostic.from_dict(m) for m in manifest.messages], lang,
                      title=msg("diagnostic.title", lang, run_id=manifest.run_id))
