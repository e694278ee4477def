"""The clean tables of a workspace, stored as one Parquet file per ingested batch.

A batch becomes visible only when its manifest is written, after its data files: an interrupted
ingest leaves no partial state. Re-ingesting a source with the same fingerprint is a no-op.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from customer_value.workspace.layout import Workspace

ROW_HASH = "_row_hash"
#: Columns every stored row carries about itself: where it came from, and its content hash.
INTERNAL_COLUMNS = ("_row", "_batch", ROW_HASH)


@dataclass(frozen=True)
class BatchRecord:
    """What one ingest of one source read, kept and set aside."""

    batch_id: str
    table: str
    source: str
    fingerprint: str
    format: str
    ingested_at: str
    rows_in: int
    rows_kept: int
    rows_quarantined: int
    exact_duplicates: int
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, default=str)


def _write_atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_batch(
    workspace: Workspace, record: BatchRecord, kept: pa.Table, quarantine: pa.Table, superseded: pa.Table | None = None
) -> None:
    """Store one batch: data files first, the manifest last (which makes it visible).

    ``superseded`` lists the ``order_id`` of stored orders this batch exports again: the views
    then show those orders as this batch has them (a later export's status wins).
    """
    table, batch = record.table, record.batch_id
    if superseded is not None and superseded.num_rows:
        path = workspace.superseded_dir(table) / f"{batch}.parquet"
        _write_atomic(path, lambda p: pq.write_table(superseded, p))
    _write_atomic(workspace.table_dir(table) / f"{batch}.parquet", lambda p: pq.write_table(kept, p))
    _write_atomic(workspace.quarantine_dir(table) / f"{batch}.parquet", lambda p: pq.write_table(quarantine, p))
    _write_atomic(
        workspace.batches_dir(table) / f"{batch}.json", lambda p: p.write_text(record.to_json(), encoding="utf-8")
    )


def parquet_scan(files, *, filename: bool = False) -> str:
    """SQL reading ``files`` as one relation (columns matched by name), for DuckDB."""
    quoted = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{quoted}], union_by_name = true{', filename = true' if filename else ''})"


def list_batches(workspace: Workspace, table: str | None = None) -> list[BatchRecord]:
    """The visible batches, oldest first, of one table or of all."""
    root = workspace.data_dir / "batches"
    pattern = f"{table}/*.json" if table else "*/*.json"
    records = [BatchRecord(**json.loads(p.read_text(encoding="utf-8"))) for p in root.glob(pattern)]
    return sorted(records, key=lambda r: (r.ingested_at, r.batch_id))


def find_batch(workspace: Workspace, table: str, fingerprint: str) -> BatchRecord | None:
    """The batch of ``table`` that came from a source with this fingerprint, if any."""
    return next((r for r in list_batches(workspace, table) if r.fingerprint == fingerprint), None)


def _batch_files(workspace: Workspace, table: str, folder: Path) -> list[Path]:
    files = [folder / f"{r.batch_id}.parquet" for r in list_batches(workspace, table)]
    return [f for f in files if f.exists()]


def table_files(workspace: Workspace, table: str, *, quarantine: bool = False) -> list[Path]:
    """Data files of the visible batches of ``table``."""
    folder = workspace.quarantine_dir(table) if quarantine else workspace.table_dir(table)
    return _batch_files(workspace, table, folder)


def superseded_files(workspace: Workspace, table: str) -> list[Path]:
    """Files listing the orders each visible batch exports again."""
    return _batch_files(workspace, table, workspace.superseded_dir(table))


def tables_present(workspace: Workspace) -> list[str]:
    """Names of the tables that hold at least one batch."""
    return sorted({r.table for r in list_batches(workspace)})


def drop_table(workspace: Workspace, table: str) -> None:
    """Remove every batch of ``table`` (manifests first, so nothing half-visible remains)."""
    folders = (workspace.batches_dir(table), workspace.table_dir(table), workspace.quarantine_dir(table),
               workspace.superseded_dir(table))
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def write_customer_map(workspace: Workspace, mapping: pa.Table, notes: list[tuple[str, dict]] = ()) -> None:
    """Replace the source id -> master id mapping, and the notes of the linkage that made it (key, fields)."""
    text = json.dumps([[key, fields] for key, fields in notes], ensure_ascii=False, default=str)
    _write_atomic(workspace.linkage_notes_path, lambda p: p.write_text(text, encoding="utf-8"))
    _write_atomic(workspace.customer_map_path, lambda p: pq.write_table(mapping, p))


def linkage_notes(workspace: Workspace) -> list[tuple[str, dict]]:
    """The notes of the record linkage behind the current customer map (none before one)."""
    path = workspace.linkage_notes_path
    if not path.exists():
        return []
    return [(key, fields) for key, fields in json.loads(path.read_text(encoding="utf-8"))]
