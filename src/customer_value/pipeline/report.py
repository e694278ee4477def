"""``cva quality``: what was read, kept, set aside and merged, and how complete each field is.

Every count reconciles: for each table ``rows_in = rows_kept + rows_quarantined + exact_duplicates``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from customer_value.config import Settings
from customer_value.workspace import Workspace
from customer_value.workspace.currency import figures_currency, order_currencies
from customer_value.workspace.store import INTERNAL_COLUMNS, linkage_notes, list_batches, tables_present
from customer_value.workspace.views import connect

#: Main date column per table, for the date range.
DATE_COLUMNS = {
    "customers": "signup_at",
    "orders": "ordered_at",
    "interactions": "occurred_at",
    "tickets": "opened_at",
    "surveys": "answered_at",
    "referrals": "referred_at",
    "opportunities": "stage_entered_at",
    "marketing_spend": "period_start",
}
#: Columns the cleaning adds; they say nothing about the source's completeness.
DERIVED = {"phone_raw", "phone_valid", "email_valid", "source_customer_id"}


def _completeness(con, table: str) -> dict[str, dict[str, Any]]:
    columns = [c for c in con.table(table).columns if c not in DERIVED and c not in INTERNAL_COLUMNS]
    if not columns:
        return {}
    counts = ", ".join(f'count("{c}")' for c in columns)
    total, *present = con.raw_sql(f"SELECT count(*), {counts} FROM {table}").fetchone()
    return {
        column: {"missing": total - n, "share_missing": round((total - n) / total, 4) if total else 0.0}
        for column, n in zip(columns, present)
    }


def _date_range(con, table: str) -> dict[str, Any] | None:
    column = DATE_COLUMNS[table]
    if column not in con.table(table).columns:
        return None
    first, last = con.raw_sql(f'SELECT min("{column}"), max("{column}") FROM {table}').fetchone()
    return {"column": column, "first": first, "last": last}


def _orders_figures(con) -> dict[str, Any]:
    row = con.raw_sql(
        "SELECT count(DISTINCT customer_id), count(DISTINCT order_id) FILTER (WHERE status = 'completed'),"
        " sum(amount) FILTER (WHERE status = 'completed'), sum(amount) FILTER (WHERE status = 'refund'),"
        " sum(amount) FILTER (WHERE status = 'cancelled'),"
        " count(*) FILTER (WHERE status = 'refund'), count(DISTINCT order_id) FILTER (WHERE status = 'refund'),"
        " count(*) FILTER (WHERE status = 'cancelled') FROM orders"
    ).fetchone()
    customers, orders, gross, refunds, cancelled, refund_rows, refund_orders, cancelled_rows = row
    return {
        "customers": customers,
        "orders": orders,
        "gross_revenue": round(gross or 0.0, 2),
        "refunds": round(-refunds, 2) if refunds else 0.0,  # no refunds: 0, not -0
        "net_revenue": round((gross or 0.0) + (refunds or 0.0), 2),
        "cancelled_amount": round(cancelled or 0.0, 2),
        "refund_rows": refund_rows,
        "refund_orders": refund_orders,
        "cancelled_rows": cancelled_rows,
    }


def _rows_exported_again(con) -> int:
    """Stored order rows hidden because a later export has the same order (its status wins)."""
    if "_all_orders" not in con.list_tables():
        return 0
    return con.raw_sql("SELECT (SELECT count(*) FROM _all_orders) - (SELECT count(*) FROM _raw_orders)").fetchone()[0]


def quality_report(workspace: Workspace, settings: Settings) -> dict[str, Any]:
    """The data-quality report of a workspace as JSON-able data."""
    con = connect(workspace)
    merged = con.raw_sql("SELECT count(*) FROM customer_map WHERE source_id <> customer_id").fetchone()[0]
    tables: dict[str, Any] = {}
    for table in tables_present(workspace):
        batches = list_batches(workspace, table)
        reasons, flagged, duplicates = Counter(), Counter(), Counter()
        for batch in batches:
            reasons.update(batch.quarantine_reasons)
            flagged.update(batch.flagged)
            for status, figures in batch.details.get("duplicates_by_status", {}).items():
                duplicates.update({f"{status}.rows": figures["rows"], f"{status}.amount": figures["amount"]})
        entry = {
            "rows_in": sum(b.rows_in for b in batches),
            "rows_kept": sum(b.rows_kept for b in batches),
            "rows_quarantined": sum(b.rows_quarantined for b in batches),
            "exact_duplicates": sum(b.exact_duplicates for b in batches),
            "merged_duplicates": merged if table == "customers" else 0,
            "rows_flagged": sum(flagged.values()),
            "quarantine_reasons": dict(reasons.most_common()),
            "flagged_reasons": dict(flagged.most_common()),
            "notes": [{"key": key, "fields": fields, "source": b.source}
                      for b in batches for key, fields in b.details.get("notes", [])],
            "completeness": _completeness(con, table),
            "date_range": _date_range(con, table),
            "sources": [
                {
                    "source": b.source,
                    "batch": b.batch_id,
                    "format": b.format,
                    "ingested_at": b.ingested_at,
                    "rows_in": b.rows_in,
                    "rows_kept": b.rows_kept,
                    "rows_quarantined": b.rows_quarantined,
                    "exact_duplicates": b.exact_duplicates,
                    "rules": b.rules,
                    "mapping": b.mapping,
                    **{k: v for k, v in b.details.items() if k in ("encoding", "delimiter", "sheet")},
                }
                for b in batches
            ],
        }
        entry["reconciles"] = entry["rows_in"] == entry["rows_kept"] + entry["rows_quarantined"] + entry["exact_duplicates"]
        if table == "customers":
            entry["notes"] += [{"key": key, "fields": fields, "source": None} for key, fields in linkage_notes(workspace)]
        if table == "orders":
            entry["rows_exported_again"] = _rows_exported_again(con)
            entry["figures"] = _orders_figures(con)
            entry["duplicates_by_status"] = {k: round(v, 2) for k, v in duplicates.items()}
        tables[table] = entry
    currencies = order_currencies(con)
    return {
        "workspace": str(workspace.root),
        "currency": figures_currency(currencies, settings.currency),
        "currencies": currencies,
        "mixed_currencies": len(currencies) > 1,
        "tables": tables,
    }
