"""The bundled sample data in a workspace, and ``cva demo`` end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from customer_value.pipeline.ingest import ingest_database, ingest_file
from customer_value.runs.execute import execute_run
from customer_value.sample import generate_crm, write_cdnow_csv, write_messy_exports
from customer_value.workspace import Workspace, init_workspace

#: Tables the demo ingests, in this order (customers first, so orders see the merged ids).
SAMPLE_SOURCES = ("customers", "orders", "interactions", "tickets", "surveys", "referrals", "opportunities",
                  "marketing_spend")


def copy_sample_data(workspace: Workspace, *, n_customers: int = 2000, seed: int = 0) -> list[dict[str, str]]:
    """Write the synthetic CRM exports and the CDNOW sample into ``sample/`` and list them as sources."""
    folder = workspace.root / "sample"
    folder.mkdir(exist_ok=True)
    files = write_messy_exports(generate_crm(n_customers, seed=seed), folder, seed=seed)
    write_cdnow_csv(folder / "cdnow_transactions.csv")
    sources = [
        {"path": str(path.relative_to(workspace.root)), "table": table}
        for table in SAMPLE_SOURCES
        for path in files.get(table, [])
    ]
    config = workspace.config_path.read_text(encoding="utf-8")
    listing = yaml.safe_dump({"sources": sources}, allow_unicode=True, default_flow_style=None, sort_keys=False)
    workspace.config_path.write_text(config.replace("sources: []\n", listing), encoding="utf-8")
    return sources


def ingest_sources(workspace: Workspace, on_source: Callable[[str, int, int], None] | None = None) -> list:
    """Ingest every source listed in ``cva.yaml``; returns the outcomes in order."""
    settings = workspace.settings()
    outcomes = []
    for index, source in enumerate(settings.sources):
        if on_source:
            on_source(source.path or source.table, index, len(settings.sources))
        if source.path is not None:
            outcomes.append(
                ingest_file(workspace, settings, workspace.root / source.path, table=source.table, sheet=source.sheet,
                            delimiter=source.delimiter)
            )
        else:
            outcomes.append(ingest_database(workspace, settings, source.sql_url, source.query, table=source.table))
    return outcomes


def run_demo(
    folder: Path,
    *,
    n_customers: int = 2000,
    language: str = "en",
    on_step: Callable[[str, int, int], None] | None = None,
) -> Workspace:
    """Init a sample workspace in ``folder``, ingest its sources and run the analysis."""
    workspace = init_workspace(folder, language=language)
    step = on_step or (lambda *_: None)
    step("sample", 0, 3)
    copy_sample_data(workspace, n_customers=n_customers)
    step("ingest", 1, 3)
    ingest_sources(workspace)
    step("run", 2, 3)
    execute_run(workspace, workspace.settings())
    return workspace
