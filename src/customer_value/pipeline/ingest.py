"""``cva ingest``: read a source, map its columns, clean it and store it as a new batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.config import TABLES, Settings
from customer_value.errors import ConfigError, NothingKeptError
from customer_value.i18n import message
from customer_value.ingest import RawTable, apply_mapping, map_columns, parse_delimiter, read_file, read_sql
from customer_value.pipeline.clean import CleanResult, clean_table
from customer_value.quality.parsed import render_rule
from customer_value.pipeline.linking import relink_customers
from customer_value.workspace import Workspace
from customer_value.workspace.store import BatchRecord, drop_table, find_batch, parquet_scan, table_files, write_batch


@dataclass(frozen=True)
class IngestOutcome:
    """What one ingest did (``linkage_notes``: what the record linkage after a customers ingest noted)."""

    record: BatchRecord
    skipped: bool = False
    merged_customers: int | None = None
    mapping_changed: bool = False
    linkage_notes: list = field(default_factory=list)


def check_table(table: str) -> str:
    """``table`` if it is a canonical table name."""
    if table not in TABLES:
        raise ConfigError("option.unknown_table", table=table, valid=", ".join(TABLES))
    return table


def _existing_hashes(files: list[Path]) -> np.ndarray:
    if not files:
        return np.array([], dtype=np.uint64)
    result = duckdb.execute(f"SELECT _row_hash FROM {parquet_scan(files)}").to_arrow_table()
    return result.column(0).to_numpy()


def _stored_sales(files: list[Path], order_ids: list[str]) -> set[str]:
    """Of ``order_ids``, those with a completed row in the stored orders (``files``)."""
    if not files:
        return set()
    con = duckdb.connect()
    con.register("asked", pa.table({"order_id": pa.array(order_ids, pa.string())}))
    rows = con.execute(
        f"SELECT DISTINCT o.order_id FROM {parquet_scan(files)} o "
        "JOIN asked USING (order_id) WHERE o.status = 'completed'"
    ).fetchall()
    return {r[0] for r in rows}


def _exported_again(files: list[Path], kept: pa.Table, batch_id: str) -> pa.Table:
    """Order ids of this batch's sales or cancellations that the stored orders (``files``) already have."""
    if not files or "order_id" not in kept.column_names:
        return pa.table({"batch": pa.array([], pa.string()), "order_id": pa.array([], pa.string())})
    con = duckdb.connect()
    con.register("new", kept.select(["order_id", "status"]))
    ids = con.execute(
        f"SELECT DISTINCT n.order_id FROM new n JOIN {parquet_scan(files)} o "
        "USING (order_id) WHERE n.status <> 'refund' AND o.status <> 'refund' ORDER BY 1"
    ).to_arrow_table().column(0)
    return pa.table({"batch": pa.array([batch_id] * len(ids), pa.string()), "order_id": ids})


def _nothing_kept(source: str, table: str, mapped: pa.Table, result: CleanResult) -> NothingKeptError:
    """The error for a source whose every row was quarantined: its main reason, with an example."""
    (reason, count), = result.rejected.most_common(1)
    field, _, code = reason.rpartition(".")
    quarantine = result.quarantine
    hit = pc.and_(pc.equal(quarantine["field"], field), pc.equal(quarantine["reason"], code))
    row = pc.filter(quarantine["row"], hit)[0].as_py()
    value = mapped.column(field)[row - 1].as_py() if field in mapped.column_names else None
    example = "" if value is None else message("ingest.nothing_kept_example", row=row, value=str(value))
    return NothingKeptError(source=source, table=table, rows=result.rows_in, count=count, field=field,
                            reason=message(f"quality.reason.{code}"), example=example)


def ingest_raw(
    workspace: Workspace,
    settings: Settings,
    raw: RawTable,
    *,
    table: str,
    mapping: dict[str, str] | None = None,
    replace: bool = False,
    now: dt.datetime | None = None,
) -> IngestOutcome:
    """Map, clean and store one source that was already read."""
    check_table(table)
    headers = raw.table.column_names
    configured = {k: v for k, v in settings.mappings.get(table, {}).items() if k in headers}
    explicit = {**configured, **(mapping or {})}  # a --map header that doesn't exist is an error
    columns = map_columns(headers, table, explicit=explicit, source=raw.source)
    if not replace:
        previous = find_batch(workspace, table, raw.fingerprint)
        if previous is not None:
            changed = previous.mapping != dict(columns.columns)
            return IngestOutcome(record=previous, skipped=True, mapping_changed=changed)
    batch_id = raw.fingerprint[:16]
    stored = [] if replace else table_files(workspace, table)
    mapped = apply_mapping(raw.table, columns)
    result = clean_table(
        raw.table,
        mapped,
        table=table,
        amount_rule=columns.amount_rule,
        config=settings.quality,
        source=raw.source,
        batch_id=batch_id,
        existing_hashes=None if replace else _existing_hashes(stored),
        has_sale=None if replace else lambda ids: _stored_sales(stored, ids),
        currency=settings.currency,
    )
    if result.kept.num_rows == 0 and result.exact_duplicates < result.rows_in:
        raise _nothing_kept(raw.source, table, mapped, result)
    record = BatchRecord(
        batch_id=batch_id,
        table=table,
        source=raw.source,
        fingerprint=raw.fingerprint,
        format=raw.format,
        ingested_at=(now or dt.datetime.now()).isoformat(timespec="microseconds"),
        rows_in=result.rows_in,
        rows_kept=result.kept.num_rows,
        rows_quarantined=sum(result.rejected.values()),
        exact_duplicates=result.exact_duplicates,
        quarantine_reasons=dict(result.rejected),
        flagged=dict(result.flagged),
        rules={column: render_rule(tuple(parts)) for column, parts in result.rules.items()},
        mapping=dict(columns.columns),
        details={
            "encoding": raw.encoding,
            "delimiter": raw.delimiter,
            "sheet": raw.sheet,
            "duplicates_by_status": result.duplicates_by_status,
            "unmapped": list(columns.unmapped),
            "footer": list(raw.footer),
            "rule_parts": result.rules,
            "notes": result.notes,
        },
    )
    superseded = None if replace or table != "orders" else _exported_again(stored, result.kept, batch_id)
    if superseded is not None and superseded.num_rows:
        record.details["orders_exported_again"] = superseded.num_rows
    if replace:
        drop_table(workspace, table)
    write_batch(workspace, record, result.kept, result.quarantine, superseded)
    if table != "customers":
        return IngestOutcome(record=record)
    linked = relink_customers(workspace, settings.quality)
    return IngestOutcome(record=record, merged_customers=linked.merged, linkage_notes=linked.notes)


def ingest_file(workspace: Workspace, settings: Settings, path: Path, *, table: str, sheet: str | None = None,
                delimiter: str | None = None, mapping: dict[str, str] | None = None,
                replace: bool = False) -> IngestOutcome:
    """Read a file and ingest it into ``table`` (``delimiter``: see :func:`~customer_value.ingest.parse_delimiter`)."""
    check_table(table)
    raw = read_file(Path(path), sheet=sheet, delimiter=parse_delimiter(delimiter) if delimiter is not None else None)
    return ingest_raw(workspace, settings, raw, table=table, mapping=mapping, replace=replace)


def ingest_database(workspace: Workspace, settings: Settings, url: str, query: str, *, table: str,
                    mapping: dict[str, str] | None = None, replace: bool = False) -> IngestOutcome:
    """Run a SELECT against a database and ingest the result into ``table``."""
    check_table(table)
    return ingest_raw(workspace, settings, read_sql(url, query), table=table, mapping=mapping, replace=replace)
