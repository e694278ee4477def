"""Migrations between two runs: who moved from which tier (or lifecycle stage) to which.

A customer only in the later run comes from ``none`` (new customer); one only in the earlier run
goes to ``none`` (not in the later run, e.g. a run with an earlier ``as_of``). Customers whose
value did not change count too (``A → A``), so the counts add up to every customer of both runs.
"""

from __future__ import annotations

import pandas as pd

NONE = "none"
#: Columns whose migrations ``cva migrations`` reports.
MIGRATION_COLUMNS = ("tier", "lifecycle_stage")


def customer_moves(previous: pd.DataFrame | None, current: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per customer of either run: ``customer_id``, ``from``, ``to``.

    Parameters
    ----------
    previous, current
        Run summaries with ``customer_id`` and ``column``; ``previous`` None = no earlier run
        (everyone comes from ``none``).
    column
        ``tier``, ``lifecycle_stage`` or any categorical column of both runs.

    Raises
    ------
    KeyError
        A run lacks ``column``.
    """
    now = current[["customer_id", column]].rename(columns={column: "to"})
    if previous is None:
        before = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "from": pd.Series([], dtype=object)})
    else:
        before = previous[["customer_id", column]].rename(columns={column: "from"})
    moves = before.merge(now, on="customer_id", how="outer")
    moves["from"] = moves["from"].astype(object).where(moves["from"].notna(), NONE).astype(str)
    moves["to"] = moves["to"].astype(object).where(moves["to"].notna(), NONE).astype(str)
    moves["customer_id"] = moves["customer_id"].astype(str)
    return moves.sort_values("customer_id", kind="mergesort").reset_index(drop=True)[["customer_id", "from", "to"]]


def migration_counts(moves: pd.DataFrame) -> pd.DataFrame:
    """Counts per (``from``, ``to``) with the customers, largest moves first, unchanged last.

    Returns
    -------
    DataFrame
        ``from``, ``to``, ``count``, ``customers`` (sorted ids), ``changed`` (from ≠ to).
    """
    if moves.empty:
        return pd.DataFrame({"from": [], "to": [], "count": [], "customers": [], "changed": []})
    groups = moves.groupby(["from", "to"], sort=True)["customer_id"]
    counts = groups.agg(count="size", customers=lambda ids: sorted(ids)).reset_index()
    counts["changed"] = counts["from"] != counts["to"]
    counts["count"] = counts["count"].astype(int)
    return counts.sort_values(
        ["changed", "count", "from", "to"], ascending=[False, False, True, True], kind="mergesort"
    ).reset_index(drop=True)


def migrations(previous: pd.DataFrame | None, current: pd.DataFrame, column: str) -> pd.DataFrame:
    """:func:`migration_counts` of :func:`customer_moves`."""
    return migration_counts(customer_moves(previous, current, column))
