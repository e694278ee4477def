"""One profile row per master customer, built from every source row that maps to it."""

from __future__ import annotations

import ibis

from customer_value.workspace.views import has_table

#: Columns that describe the row, not the customer.
NOT_PROFILE = {"customer_id", "source_customer_id", "phone_raw", "_batch", "_row"}
#: Customer fields an orders file may carry (the salesperson of an invoice export); the customers
#: table's value wins, else the one on the customer's latest order.
ORDER_FIELDS = ("owner",)


def create_profiles_view(con: ibis.BaseBackend) -> None:
    """Create the view ``customer_profiles``: master ``customer_id`` plus the profile fields.

    Every master customer seen in ``customers`` or ``orders`` has a row; each field holds the
    newest non-null value among the customer's source rows; ``source_ids`` lists the merged ids.
    :data:`ORDER_FIELDS` the customers table lacks (or leaves empty) come from the customer's latest order.
    """
    customers = has_table(con, "customers")
    parts = []
    if customers:
        parts.append("SELECT customer_id, source_customer_id FROM customers")
    if has_table(con, "orders"):
        parts.append("SELECT DISTINCT customer_id, source_customer_id FROM orders")
    if not parts:
        con.raw_sql("CREATE OR REPLACE VIEW customer_profiles AS SELECT NULL::VARCHAR AS customer_id WHERE false")
        return
    ids = " UNION ".join(parts)
    own: list[str] = []
    joins = []
    if customers:
        own = [c for c in con.table("customers").columns if c not in NOT_PROFILE]
        picks = ", ".join(
            f'arg_max(c."{col}", c._order) FILTER (WHERE c."{col}" IS NOT NULL) AS "{col}"' for col in own
        )
        con.raw_sql(
            "CREATE OR REPLACE VIEW _customer_fields AS SELECT customer_id"
            + (f", {picks}" if picks else "")
            + " FROM (SELECT customers.*, b.position * 1e12 + customers._row AS _order"
            " FROM customers JOIN _batches b ON customers._batch = b.batch) c GROUP BY customer_id"
        )
        joins.append("LEFT JOIN _customer_fields f USING (customer_id)")
    from_orders = _order_fields(con)
    if from_orders:
        joins.append("LEFT JOIN _order_fields o USING (customer_id)")
    fields = [f'coalesce(f."{c}", o."{c}") AS "{c}"' if c in from_orders else f'f."{c}"' for c in own]
    fields += [f'o."{c}"' for c in from_orders if c not in own]
    con.raw_sql(
        "CREATE OR REPLACE VIEW customer_profiles AS "
        "SELECT i.customer_id, list_sort(list_distinct(list(i.source_customer_id))) AS source_ids"
        + "".join(f", {field}" for field in fields)
        + f" FROM ({ids}) i {' '.join(joins)} GROUP BY ALL"
    )


def _order_fields(con: ibis.BaseBackend) -> list[str]:
    """Create the view ``_order_fields`` (latest non-null :data:`ORDER_FIELDS` per customer); the fields it has."""
    if not has_table(con, "orders"):
        return []
    present = [c for c in ORDER_FIELDS if c in con.table("orders").columns]
    if present:
        picks = ", ".join(
            f'arg_max("{c}", ordered_at) FILTER (WHERE "{c}" IS NOT NULL) AS "{c}"' for c in present
        )
        con.raw_sql(f"CREATE OR REPLACE VIEW _order_fields AS SELECT customer_id, {picks} FROM orders GROUP BY 1")
    return present
