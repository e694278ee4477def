"""Order lines that leave the order's fields to the order's first row, or repeat its total.

Shop exports such as Shopify's write one row per line item, with the customer, the date, the
status and the order total only on the order's first row. Such a *continuation* row — its
``order_id`` also has a row where those fields are filled — takes the customer, the date and the
status from that row, and its missing amount is 0 (the total is on the first row), so the line is
kept, its order counted once, and nothing is added twice. Each filled row is flagged.

Other exports (JD) repeat the order's total on every item row; :func:`zero_repeated_order_totals`
keeps it on the first row only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


#: Share of multi-line orders whose lines all carry the same amount, from which the amount
#: column is taken to be the order's total repeated on every line.
REPEATED_TOTAL_SHARE = 0.9
#: Columns that tell the lines of an order apart (the first present is used).
LINE_COLUMNS = ("product_id", "product_name")


def zero_repeated_order_totals(columns: dict[str, pa.Array], usable: np.ndarray) -> np.ndarray:
    """When every line of an order repeats the order's total, keep it on the first line only.

    JD and similar exports write the order's total (应付金额) on each item row. If, among the
    orders with several usable lines of different items (``LINE_COLUMNS``), at least ``REPEATED_TOTAL_SHARE`` have the same amount on
    every line, the amount column holds order totals: every line after an order's first gets
    amount 0. Returns the mask of rows changed (to be flagged); nothing changes otherwise.
    """
    n = len(columns["order_id"])
    changed = np.zeros(n, dtype=bool)
    item = next((c for c in LINE_COLUMNS if c in columns), None)
    if item is None:  # without an item column, repeated rows are copies, not lines
        return changed
    frame = pd.DataFrame({"order": columns["order_id"].to_pandas(), "amount": columns["amount"].to_pandas(),
                          "item": columns[item].to_pandas()})
    frame = frame[usable & frame["order"].notna().to_numpy() & frame["amount"].notna().to_numpy()]
    lines = frame.groupby("order").agg(size=("amount", "size"), amounts=("amount", "nunique"),
                                       items=("item", "nunique"))
    several = lines[(lines["size"] > 1) & (lines["items"] == lines["size"])]  # distinct items per line
    if several.empty or (several["amounts"] == 1).mean() < REPEATED_TOTAL_SHARE:
        return changed
    repeated = frame[frame["order"].isin(several.index[several["amounts"] == 1])]
    later = repeated.index[repeated.duplicated("order", keep="first")]
    changed[later] = True
    columns["amount"] = pc.if_else(pa.array(changed), pa.scalar(0.0, columns["amount"].type), columns["amount"])
    return changed
