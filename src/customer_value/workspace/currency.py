"""Which currency the orders are in.

Amounts are never converted. An order row's currency is its currency column, else the one its
amount's symbol names (``£12.50``; see ``pipeline.clean``). When every order row with a currency
says the same one (a USD export), that is the currency of the figures; with several (two stores),
the figures add amounts of different currencies, and the quality report and ``cva run`` say so.
With none, the figures are in the configured ``currency``, and without one the currency is unknown:
amounts are shown without a symbol, never assumed to be yuan.
"""

from __future__ import annotations

import ibis

from customer_value.workspace.views import has_table


def order_currencies(con: ibis.BaseBackend) -> dict[str, int]:
    """Order rows per currency code (empty when the orders have no currency column)."""
    if not has_table(con, "orders") or "currency" not in con.table("orders").columns:
        return {}
    rows = con.raw_sql(
        "SELECT upper(trim(currency)) AS code, count(*) FROM orders WHERE currency IS NOT NULL "
        "AND trim(currency) <> '' GROUP BY code ORDER BY count(*) DESC, code"
    ).fetchall()
    return {code: count for code, count in rows}


def figures_currency(currencies: dict[str, int], default: str | None) -> str | None:
    """The one currency of the data, else the configured ``default`` (None: unknown)."""
    return next(iter(currencies)) if len(currencies) == 1 else default
