"""One profile row per master customer, built from every source row that maps to it."""

from __future__ import annotations

import ibis

from customer_value.workspace.views import has_table

#: Columns that describe the row, not the customer.
NOT_PROFILE = {"customer_id", "source_customer_id", "phone_raw", "_batch", "_row"}


def create_profiles_view(con: ibis.BaseBackend) -> None:
    """Create the view ``customer_profiles``: master ``customer_id`` plus the profile fields.

    Every master customer seen in ``customers`` or ``orders`` has a row; each field holds the
    newest non-null value among the customer's source rows; ``source_ids`` lists the merged ids.
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
    fields = ""
    if customers:
        columns = [c for c in con.table("customers").columns if c not in NOT_PROFILE]
        picks = ", ".join(
            f'arg_max(c."{col}", c._order) FILTER (WHERE c."{col}" IS NOT NULL) AS "{col}"' for col in columns
        )
        con.raw_sql(
            "CREATE OR REPLACE VIEW _customer_fields AS SELECT customer_id"
            + (f", {picks}" if picks else "")
            + " FROM (SELECT customers.*, b.position * 1e12 + customers._row AS _order"
            " FROM customers JOIN _batches b ON customers._batch = b.batch) c GROUP BY customer_id"
        )
        fields = ", f.* EXCLUDE (customer_id)" if columns else ""
    join = "LEFT JOIN _customer_fields f USING (customer_id)" if customers else ""
    con.raw_sql(
        "CREATE OR REPLACE VIEW customer_profiles AS "
        f"SELECT i.customer_id, list_sort(list_distinct(list(i.source_customer_id))) AS source_ids{fields} "
        f"FROM ({ids}) i {join} GROUP BY ALL"
    )
