"""Order lines that leave the order's fields to the order's first row.

Shop exports such as Shopify's write one row per line item, with the customer, the date, the
status and the order total only on the order's first row. Such a *continuation* row — its
``order_id`` also has a row where those fields are filled — takes the customer, the date and the
status from that row, and its missing amount is 0 (the total is on the first row), so the line is
kept, its order counted once, and nothing is added twice. Each filled row is flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

#: Fields a continuation row takes from its order's first complete row.
ORDER_FIELDS = ("customer_id", "ordered_at", "status")


def fill_continuation_rows(
    columns: dict[str, pa.Array], errors: dict[str, np.ndarray], *, amount_from_lines: bool
) -> np.ndarray:
    """Fill continuation rows in place; returns the mask of rows that were filled.

    Parameters
    ----------
    columns
        Parsed columns of an orders source (needs ``order_id``).
    errors
        Per column, the reason code per row (None where fine); updated for the filled fields.
    amount_from_lines
        True when amounts come from quantity × unit price (every line has its own amount).
    """
    n = len(columns["order_id"])
    filled = np.zeros(n, dtype=bool)
    orders = pd.Series(columns["order_id"].to_pandas(), dtype="object")
    if orders.isna().all():
        return filled
    fields = [f for f in ORDER_FIELDS if f in columns]
    if not amount_from_lines and "amount" in columns:
        fields.append("amount")
    for field in fields:
        missing = (errors[field] == "missing") & orders.notna().to_numpy()
        if not missing.any():
            continue
        values = pd.Series(columns[field].to_pandas())
        present = pd.Series(errors[field] == None, index=values.index)  # noqa: E711
        has_value = present.groupby(orders).transform("any").fillna(False).to_numpy(dtype=bool)
        hit = missing & has_value
        if not hit.any():
            continue
        if field == "amount":
            values[hit] = 0.0
        else:
            first = values.where(present).groupby(orders).transform("first")
            values[hit] = first[hit]
        columns[field] = pa.array(values, type=columns[field].type, from_pandas=True)
        errors[field] = np.where(hit, None, errors[field])
        filled |= hit
    return filled
