"""Read the clean tables of a workspace through one DuckDB connection (Ibis backend).

The stored batches keep the customer ids of their sources; these views apply the customer map,
so every table is seen with master customer ids. ``source_customer_id`` keeps the original.
"""

from __future__ import annotations

import ibis

from customer_value.config import TABLES
from customer_value.workspace.layout import Workspace
from customer_value.workspace.store import ROW_HASH, list_batches, parquet_scan, superseded_files, table_files

#: Columns holding a customer id, per table.
CUSTOMER_ID_COLUMNS = {
    "customers": ("customer_id",),
    "orders": ("customer_id",),
    "interactions": ("customer_id",),
    "tickets": ("customer_id",),
    "surveys": ("customer_id",),
    "opportunities": ("customer_id",),
    "referrals": ("referrer_id", "referred_id"),
}


def _columns(con, relation: str) -> list[str]:
    return [row[0] for row in con.raw_sql(f"DESCRIBE {relation}").fetchall()]


def connect(workspace: Workspace) -> ibis.BaseBackend:
    """An Ibis DuckDB backend with one view per stored table, ids resolved to master ids.

    Each view keeps ``_batch`` and ``_row`` (where a row came from); ``_batches`` gives each
    batch its ingest ``position`` (oldest first). In ``orders``, a completed order with a
    ``refunded_amount`` is followed by a derived reversal row (status ``refund``, amount =
    −refunded amount), so every stage nets refunds the same way.

    Views: every canonical table that has data, ``customer_map`` (``source_id``, ``customer_id``,
    ``match_probability``) and ``quarantine`` (all tables).
    """
    con = ibis.duckdb.connect()
    if workspace.customer_map_path.exists():
        con.raw_sql(f"CREATE VIEW customer_map AS SELECT * FROM {parquet_scan([workspace.customer_map_path])}")
    else:
        con.raw_sql(
            "CREATE VIEW customer_map AS SELECT NULL::VARCHAR AS source_id, NULL::VARCHAR AS customer_id, "
            "NULL::DOUBLE AS match_probability WHERE false"
        )
    positions = [(b.batch_id, i) for i, b in enumerate(list_batches(workspace))]
    con.raw_sql("CREATE TABLE _batches (batch VARCHAR, position INTEGER)")
    if positions:
        values = ", ".join(f"('{batch}', {i})" for batch, i in positions)
        con.raw_sql(f"INSERT INTO _batches VALUES {values}")
    quarantine_parts = []
    for table in TABLES:
        files = table_files(workspace, table)
        if files:
            con.raw_sql(f"CREATE VIEW _raw_{table} AS SELECT * FROM {parquet_scan(files)}")
            replaced = superseded_files(workspace, table)
            if replaced:
                _hide_superseded(con, table, replaced)
            _create_resolved_view(con, table)
        qfiles = table_files(workspace, table, quarantine=True)
        if qfiles:
            quarantine_parts.append(f"SELECT * FROM {parquet_scan(qfiles)}")
    if quarantine_parts:
        con.raw_sql("CREATE VIEW quarantine AS " + " UNION ALL BY NAME ".join(quarantine_parts))
    return con


def _hide_superseded(con, table: str, files) -> None:
    """Keep, of an order exported again by a later batch, only the later batch's rows.

    Refund rows are reversals that add to their order, so they are never hidden.
    """
    con.raw_sql(f"ALTER VIEW _raw_{table} RENAME TO _all_{table}")
    con.raw_sql(
        f"CREATE VIEW _replaced_{table} AS SELECT s.order_id, b.position "
        f"FROM {parquet_scan(files)} s JOIN _batches b ON s.batch = b.batch"
    )
    con.raw_sql(
        f"CREATE VIEW _raw_{table} AS SELECT t.* FROM _all_{table} t JOIN _batches bt ON t._batch = bt.batch "
        f"WHERE t.status = 'refund' OR NOT EXISTS (SELECT 1 FROM _replaced_{table} r "
        "WHERE r.order_id = t.order_id AND r.position > bt.position)"
    )


def _create_resolved_view(con, table: str) -> None:
    columns = [c for c in _columns(con, f"_raw_{table}") if c != ROW_HASH]
    id_columns = [c for c in CUSTOMER_ID_COLUMNS.get(table, ()) if c in columns]
    select, joins = [], []
    for i, column in enumerate(columns):
        if column in id_columns:
            alias = f"m{i}"
            joins.append(f"LEFT JOIN customer_map {alias} ON t.{column} = {alias}.source_id")
            select.append(f"coalesce({alias}.customer_id, t.{column}) AS {column}")
        else:
            select.append(f't."{column}"')
    if "customer_id" in id_columns:
        select.append("t.customer_id AS source_customer_id")
    body = f"SELECT {', '.join(select)} FROM _raw_{table} t {' '.join(joins)}"
    if table == "orders" and "refunded_amount" in columns:
        con.raw_sql(f"CREATE VIEW _orders_resolved AS {body}")
        body = (
            "SELECT * FROM _orders_resolved UNION ALL BY NAME "
            "SELECT * REPLACE (-refunded_amount AS amount, 'refund' AS status, NULL::DOUBLE AS refunded_amount) "
            "FROM _orders_resolved WHERE status = 'completed' AND refunded_amount > 0"
        )
    con.raw_sql(f"CREATE VIEW {table} AS {body}")


def has_table(con: ibis.BaseBackend, table: str) -> bool:
    """Whether the workspace holds data for ``table``."""
    return table in con.list_tables()
