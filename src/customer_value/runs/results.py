"""Read a run's results: the customer list, one customer's record, the stable export tables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from customer_value._json import to_plain
from customer_value.diagnostics import Diagnostic
from customer_value.errors import ConfigError, NotFoundError, OutputFileError
from customer_value.config import TABLES
from customer_value.quality.ids import lookup_forms
from customer_value.runs.snapshot import current_run_id, load_run, read_run_table
from customer_value.runs.workbook import write_workbook
from customer_value.scoring.reasons import parse_reasons
from customer_value.workspace import Workspace
from customer_value.workspace.profiles import create_profiles_view
from customer_value.workspace.views import connect, has_table

if TYPE_CHECKING:
    from customer_value.config import PlaybookConfig

#: Tables ``cva export`` writes, each a documented, stable interface (docs/tables.md).
EXPORT_TABLES = ("customers", "orders", "quarantine", "customer_map", "summary")
EXPORT_FORMATS = (".csv", ".xlsx", ".parquet")


def run_summary(workspace: Workspace, run_id: str | None = None) -> pd.DataFrame:
    """The per-customer table of a run (default: the current run)."""
    manifest = load_run(workspace, run_id)
    return read_run_table(workspace, manifest.run_id, "summary").to_pandas()


def top_customers(
    workspace: Workspace, *, top: int = 20, segment: str | None = None, sort_by: str = "net_revenue"
) -> pd.DataFrame:
    """The ``top`` customers of the current run by ``sort_by``, optionally within one segment.

    ``segment`` matches ``rfm_segment`` or ``rfm_group`` (e.g. ``champions``, ``high_value``).
    """
    summary = run_summary(workspace)
    if segment:
        known = set(summary["rfm_segment"]) | set(summary["rfm_group"])
        if segment not in known:
            raise ConfigError("option.unknown_segment", segment=segment, known=", ".join(sorted(known)))
        summary = summary[(summary["rfm_segment"] == segment) | (summary["rfm_group"] == segment)]
    if sort_by not in summary.columns:
        raise ConfigError("option.unknown_sort", column=sort_by)
    return summary.sort_values([sort_by, "customer_id"], ascending=[False, True]).head(top)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a run's table as JSON-able dicts: lists as lists, numbers as numbers, missing
    values None, and ``reasons`` as its list of messages (``{"key", "fields"}``)."""
    rows = to_plain(frame.to_dict("records"))
    for row in rows:
        if "reasons" in row:
            row["reasons"] = parse_reasons(row["reasons"])
    return rows


def _resolve_id(con, customer_id: str) -> tuple[str, str]:
    """``customer_id`` as stored (``12346.0`` is stored as ``12346``) and its master id."""
    for form in lookup_forms(customer_id):
        row = con.raw_sql("SELECT customer_id FROM customer_map WHERE source_id = ?", parameters=[form]).fetchone()
        found = con.raw_sql("SELECT 1 FROM customer_profiles WHERE customer_id = ?", parameters=[form]).fetchone()
        if row or found:
            return form, row[0] if row else form
    return customer_id, customer_id


def customer_record(workspace: Workspace, customer_id: str) -> dict[str, Any]:
    """Profile, summary and scores of one customer; an old duplicate id finds its master.

    ``summary`` is None before the first run or when the customer has no completed order;
    ``diagnostics`` lists the current run's diagnostics that concern this customer's numbers
    (language-free :class:`~customer_value.diagnostics.Diagnostic` dicts).

    Raises
    ------
    NotFoundError
        No customer has this id, as master or as source id.
    """
    con = connect(workspace)
    create_profiles_view(con)
    requested, master = _resolve_id(con, customer_id)
    profile = con.raw_sql("SELECT * FROM customer_profiles WHERE customer_id = ?", parameters=[master]).df()
    if profile.empty:
        raise NotFoundError("not_found.customer", name=customer_id)
    record: dict[str, Any] = {"customer_id": master, "requested_id": requested}
    record["profile"] = records(profile.drop(columns=["customer_id"]))[0]
    record["summary"], record["diagnostics"] = None, []
    if current_run_id(workspace):
        manifest = load_run(workspace)
        summary = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
        rows = summary[summary["customer_id"] == master]
        if not rows.empty:
            record["summary"] = records(rows.drop(columns=["customer_id"]))[0]
            found = (Diagnostic.from_dict(m) for m in manifest.messages)
            record["diagnostics"] = [d.to_dict() for d in found if d.affects(rows).any()]
    return record


def export_frame(workspace: Workspace, table: str, *, lang: str | None = None) -> pa.Table:
    """One export table as Arrow (see ``EXPORT_TABLES``); with ``lang``, the summary's cluster names
    and rules in that language (else in the workspace language of the run)."""
    if table == "summary":
        run_id = load_run(workspace).run_id
        summary = read_run_table(workspace, run_id, "summary")
        return summary if lang is None else _clusters_in(summary, cluster_texts(workspace, lang, run_id))
    con = connect(workspace)
    if table == "customers":
        create_profiles_view(con)
        return con.table("customer_profiles").order_by("customer_id").to_pyarrow()
    if table in ("orders", "quarantine", "customer_map") or table in TABLES:
        if not has_table(con, table):
            raise NotFoundError("not_found.table", name=table)
        expr = con.table(table)
        return expr.select([c for c in expr.columns if not c.startswith("_")]).to_pyarrow()
    valid = ", ".join(dict.fromkeys(EXPORT_TABLES + TABLES))
    raise ConfigError("option.unknown_export", table=table, valid=valid)


def write_export(
    tables: Mapping[str, pa.Table], out: Path, *, lang: str = "en", playbooks: PlaybookConfig | None = None
) -> Path:
    """Write ``tables`` to ``out`` by its suffix: an Excel workbook with one sheet per table, labels
    in ``lang`` (:func:`~customer_value.runs.workbook.write_workbook`); or one table as CSV (UTF-8
    with BOM, so Excel shows Chinese; machine names and codes, lists comma-separated) or Parquet.

    Raises
    ------
    ConfigError
        Unknown suffix, or several tables for a CSV or Parquet file.
    OutputFileError
        The file or its folder can't be written.
    """
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ConfigError("option.bad_export_format", name=out.name, formats=", ".join(EXPORT_FORMATS))
    if suffix != ".xlsx" and len(tables) != 1:
        raise ConfigError("option.one_table_per_file", name=out.name, suffix=suffix)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            write_workbook(tables, out, lang=lang, playbooks=playbooks)
        elif suffix == ".parquet":
            pq.write_table(next(iter(tables.values())), out)
        else:
            _csv_frame(next(iter(tables.values()))).to_csv(out, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise OutputFileError.from_os_error(out, exc) from exc
    return out


def _csv_frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas with list columns joined by commas."""
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            joined = pc.binary_join(pc.cast(table.column(i), pa.list_(pa.string())), ", ")
            table = table.set_column(i, field.name, joined)
    return table.to_pandas()


def _clusters_in(summary: pa.Table, texts: dict[int, tuple[str, str]]) -> pa.Table:
    if "cluster" not in summary.column_names or not texts:
        return summary
    clusters = summary.column("cluster").to_pylist()
    for position, column in enumerate(("cluster_name", "cluster_rule")):
        if column in summary.column_names:
            values = pa.array([texts[c][position] if c in texts else None for c in clusters], pa.string())
            summary = summary.set_column(summary.column_names.index(column), column, values)
    return summary


def cluster_texts(workspace: Workspace, lang: str, run_id: str | None = None) -> dict[int, tuple[str, str]]:
    """Per cluster of a run, its name and rule in ``lang`` (rendered from the run's diagnostics)."""
    from customer_value.scoring.cluster_names import render_name
    from customer_value.scoring.cluster_rules import render_rule

    clusters = load_run(workspace, run_id).diagnostics.get("clusters", {}).get("clusters", [])
    seen: dict[str, int] = {}
    for entry in clusters:
        key = repr(entry.get("name"))
        seen[key] = seen.get(key, 0) + 1
    texts = {}
    for entry in clusters:
        number = entry["cluster"] if seen[repr(entry.get("name"))] > 1 else None
        texts[int(entry["cluster"])] = (render_name(entry.get("name") or [], lang, number=number),
                                        render_rule(entry.get("rule") or [], lang))
    return texts
