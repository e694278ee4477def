"""Seeded builders of realistic small data sets for the tests."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa

from customer_value.sample import cdnow_transactions_path, read_cdnow_transactions
from customer_value.workspace import Workspace, init_workspace
from customer_value.workspace.store import BatchRecord, write_batch

ORDER_COLUMNS = ["customer_id", "order_id", "ordered_at", "amount", "status"]


def make_orders(n_customers: int = 50, *, seed: int = 0, start: str = "2024-01-01", days: int = 365) -> pd.DataFrame:
    """Clean orders: each customer buys at a Poisson rate until a random dropout day."""
    rng = np.random.default_rng(seed)
    rows = []
    origin = pd.Timestamp(start)
    for c in range(n_customers):
        first = rng.integers(0, days // 2)
        rate = rng.gamma(1.0, 1 / 20)
        alive = rng.exponential(200)
        t, k = float(first), 0
        while t < min(days, first + alive):
            amount = round(float(rng.lognormal(4, 0.6)), 2)
            rows.append((f"C{c:04d}", f"O{c:04d}-{k}", origin + pd.Timedelta(days=t, hours=int(rng.integers(8, 20))),
                         amount, "completed"))
            k += 1
            t += rng.exponential(1 / rate) if rate > 0 else days
    return pd.DataFrame(rows, columns=ORDER_COLUMNS)


def make_steady_orders(n_customers: int = 300, *, seed: int = 0) -> pd.DataFrame:
    """Customers who each buy like clockwork every 5–60 days for two years: nobody drops out."""
    rng = np.random.default_rng(seed)
    origin, rows = pd.Timestamp("2023-01-01 10:00"), []
    for c in range(n_customers):
        gap, first = int(rng.integers(5, 60)), int(rng.integers(0, 120))
        rows += [(f"C{c:04d}", f"O{c}-{k}", origin + pd.Timedelta(days=day), 50.0, "completed")
                 for k, day in enumerate(range(first, 730, gap))]
    return pd.DataFrame(rows, columns=ORDER_COLUMNS)


def orders_from_rows(rows) -> pd.DataFrame:
    """Orders from hand-written ``(customer_id, order_id, "2024-01-01 10:00", amount, status)`` rows."""
    frame = pd.DataFrame(rows, columns=ORDER_COLUMNS)
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def three_customers() -> pd.DataFrame:
    """Orders of three customers over two months of 2024: A buys three times, B twice, C once."""
    return orders_from_rows([
        ("A", "a1", "2024-01-02 10:00", 120.0, "completed"),
        ("A", "a2", "2024-01-20 10:00", 80.0, "completed"),
        ("A", "a3", "2024-02-25 10:00", 95.0, "completed"),
        ("B", "b1", "2024-01-05 10:00", 40.0, "completed"),
        ("B", "b2", "2024-02-10 10:00", 60.0, "completed"),
        ("C", "c1", "2024-01-10 10:00", 300.0, "completed"),
    ])


def cdnow_orders() -> pd.DataFrame:
    """The CDNOW transactions as completed orders, one per line, customers numbered by the sample id.

    The published CDNOW summaries number customers by the file's second column (the sample id).
    """
    orders = read_cdnow_transactions()
    sample_ids = pd.read_csv(cdnow_transactions_path(), sep=r"\s+", header=None, usecols=[1]).iloc[:, 0]
    orders["customer_id"] = sample_ids.astype(str).to_numpy()
    orders["order_id"] = orders.index.astype(str)
    orders["status"] = "completed"
    return orders[ORDER_COLUMNS]


def published_cdnow(name: str) -> pd.DataFrame:
    """A published CDNOW summary bundled with the sample (``cdnow_customers_summary.csv`` …), by ID."""
    path = resources.files("customer_value.sample").joinpath(f"data/cdnow/{name}")
    return pd.read_csv(path, dtype={"ID": str}).set_index("ID")


def workspace_with_orders(root, orders: pd.DataFrame, *, batch_id: str = "b0") -> Workspace:
    """A workspace whose orders table holds ``orders`` as one stored batch."""
    workspace = init_workspace(root)
    add_batch(workspace, "orders", orders, batch_id=batch_id)
    return workspace


def add_batch(
    workspace: Workspace,
    table: str,
    frame: pd.DataFrame,
    *,
    batch_id: str,
    source: str = "factory",
    ingested_at: dt.datetime = dt.datetime(2025, 1, 1),
) -> None:
    """Store ``frame`` as one clean batch of ``table`` (as ingest would), with nothing quarantined."""
    kept = pa.Table.from_pandas(frame, preserve_index=False)
    n = kept.num_rows
    kept = kept.append_column("_row", pa.array(np.arange(1, n + 1), pa.int64()))
    kept = kept.append_column("_batch", pa.array([batch_id] * n))
    kept = kept.append_column("_row_hash", pa.array(np.arange(n), pa.uint64()))
    record = BatchRecord(
        batch_id=batch_id, table=table, source=source, fingerprint=batch_id, format="parquet",
        ingested_at=ingested_at.isoformat(), rows_in=n, rows_kept=n, rows_quarantined=0,
        exact_duplicates=0,
    )
    quarantine = pa.table({"table": pa.array([], pa.string())})
    write_batch(workspace, record, kept, quarantine)
