"""``cva ingest`` and ``cva quality``."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from customer_value.cli._common import (
    JsonOption,
    LangOption,
    WorkspaceOption,
    err,
    column_label,
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
from customer_value.quality.parsed import render_rule


def reason_label(reason: str, lang: str) -> str:
    """``customer_id.missing`` → "Customer — missing value" in ``lang``."""
    column, _, code = reason.rpartition(".")
    text = msg(f"quality.reason.{code}", lang)
    if text == f"quality.reason.{code}":
        text = msg(f"quality.change.{code}", lang)
    return f"{column_label(lang, column)} — {text}" if column else text


def note_text(key: str, fields: dict, lang: str) -> str:
    """A note on a column (``quality.note.*``) in ``lang``, the column named by its label."""
    return msg(key, lang, label=column_label(lang, fields.get("column", "")), **fields)


def _field_name(lang: str, field: str) -> str:
    """A field with its label when it has one: "行业 industry"."""
    label = column_label(lang, field)
    return field if label == field else f"{label} {field}"


def _outcome_json(outcome) -> dict:
    return {"skipped": outcome.skipped, "mapping_changed": outcome.mapping_changed,
            "merged_customers": outcome.merged_customers, "linkage_notes": outcome.linkage_notes,
            **asdict(outcome.record)}


def _print_outcome(outcome, lang: str) -> None:
    r = outcome.record
    if outcome.skipped:
        out.print(msg("cli.ingest_skipped", lang, source=r.source, table=r.table))
        if outcome.mapping_changed:
            out.print(msg("cli.ingest_mapping_changed", lang, table=r.table))
        return
    out.print(
        msg("cli.ingest_done", lang, source=r.source, table=r.table, rows_in=r.rows_in, kept=r.rows_kept,
            quarantined=r.rows_quarantined, duplicates=r.exact_duplicates)
    )
    if r.details.get("footer"):
        out.print(f"  {msg('cli.footer_skipped', lang, count=len(r.details['footer']), first=r.details['footer'][0])}")
    parts = r.details.get("rule_parts", {})
    for column, rule in r.rules.items():
        text = render_rule(tuple(map(tuple, parts[column])), lang) if column in parts else rule
        out.print(f"  {msg('cli.rule', lang, column=column_label(lang, column), rule=text)}")
    for reason, count in r.quarantine_reasons.items():
        out.print(f"  {msg('cli.reason_count', lang, reason=reason_label(reason, lang), count=count)}")
    for reason, count in r.flagged.items():
        out.print(f"  {msg('cli.flag_count', lang, reason=reason_label(reason, lang), count=count)}")
    for key, fields in r.details.get("notes", []):
        err.print(f"  {note_text(key, fields, lang)}", style="yellow")
    if outcome.merged_customers:
        out.print(msg("cli.ingest_merged", lang, count=outcome.merged_customers))
    for key, fields in outcome.linkage_notes:
        err.print(note_text(key, fields, lang), style="yellow")


@handle_errors
def ingest(
    file: Annotated[Path | None, typer.Argument(help="File to read (CSV/TSV, .xlsx, .parquet, .jsonl).")] = None,
    table: Annotated[str | None, typer.Option("--table", "-t", help="Canonical table to fill (orders, customers…).")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", help="Column mapping SOURCE=canonical (repeatable).")] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet name.")] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(help="Delimiter of a text file: comma, semicolon, tab, pipe, whitespace or one character (default: detected)."),
    ] = None,
    sql: Annotated[str | None, typer.Option("--sql", help="SQLAlchemy database URL to read from.")] = None,
    query: Annotated[str | None, typer.Option(help="SELECT statement for --sql.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the table instead of adding to it.")] = False,
    workspace: WorkspaceOption = None,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Read a file or a database query into a canonical table (no FILE: every source in cva.yaml)."""
    from customer_value.ingest import parse_map_options
    from customer_value.pipeline.demo import ingest_sources
    from customer_value.pipeline.ingest import ingest_database, ingest_file

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    settings = ws.settings()
    mapping = parse_map_options(map_ or [])
    if file is None and sql is None:
        with progress(not json_) as bar:
            task = bar.add_task(msg("cli.stage.ingest", lang), total=len(settings.sources))
            outcomes = ingest_sources(ws, lambda name, i, n: bar.update(task, completed=i, description=name))
        if not outcomes:
            raise ConfigError(where=str(ws.config_path), detail=msg("cli.no_sources", lang))
    else:
        if table is None:
            raise ConfigError(where="--table", detail=msg("cli.table_required", lang))
        if sql is not None and not query:
            raise ConfigError(where="--query", detail=msg("cli.query_required", lang))
        with progress(not json_) as bar:
            bar.add_task(msg("cli.stage.ingest", lang), total=None)
            if sql is not None:
                outcomes = [ingest_database(ws, settings, sql, query, table=table, mapping=mapping, replace=replace)]
            else:
                outcomes = [ingest_file(ws, settings, file, table=table, sheet=sheet, delimiter=delimiter,
                                        mapping=mapping, replace=replace)]
    if json_:
        print_json([_outcome_json(o) for o in outcomes])
        return
    for outcome in outcomes:
        _print_outcome(outcome, lang)


@handle_errors
def quality(workspace: WorkspaceOption = None, json_: JsonOption = False, lang: LangOption = None) -> None:
    """Rows read, kept and quarantined by reason, duplicates merged, completeness per field."""
    from customer_value.pipeline.report import quality_report

    lang = language(workspace, lang)
    ws = workspace_of(workspace)
    report = quality_report(ws, ws.settings())
    if json_:
        print_json(report)
        return
    if not report["tables"]:
        err.print(msg("cli.no_data", lang))
        return
    warn_mixed_currencies(report["currencies"], lang)
    heads = ["table", "rows_in", "rows_kept", "rows_quarantined", "exact_duplicates", "merged_duplicates", "rows_flagged"]
    title = report["currency"] and msg("cli.quality_title", lang, currency=report["currency"])
    print_table(
        title or msg("cli.quality_title_unknown", lang),
        [column_label(lang, h) for h in heads],
        [[name, *(t[h] for h in heads[1:])] for name, t in report["tables"].items()],
    )
    for name, t in report["tables"].items():
        lines = [msg("cli.reason_count", lang, reason=reason_label(k, lang), count=v)
                 for k, v in t["quarantine_reasons"].items()]
        lines += [msg("cli.flag_count", lang, reason=reason_label(k, lang), count=v)
                  for k, v in t["flagged_reasons"].items()]
        lines += [note_text(n["key"], n["fields"], lang) for n in t["notes"]]
        lines += [
            msg("cli.missing_share", lang, field=_field_name(lang, f), share=f"{c['share_missing']:.0%}")
            for f, c in t["completeness"].items()
            if c["share_missing"] > 0
        ]
        if t["date_range"]:
            d = t["date_range"]
            lines.append(msg("cli.date_range", lang, column=d["column"], first=d["first"], last=d["last"]))
        out.print(name, style="bold")
        for line in lines:
            out.print(f"  {line}")
