"""The bundled CDNOW sample as arrays, read once per test session."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

_DIR = resources.files("customer_value.sample") / "data" / "cdnow"


@cache
def summary() -> pd.DataFrame:
    """Per customer, in weeks: frequency, recency, T (39-week calibration)."""
    with resources.as_file(_DIR / "cdnow_customers_summary.csv") as path:
        return pd.read_csv(path)


@cache
def summary_with_spend() -> pd.DataFrame:
    """Per customer: x, t_x, T and zbar (mean value of the repeat transactions)."""
    with resources.as_file(_DIR / "cdnow_customers_summary_with_transactions.csv") as path:
        return pd.read_csv(path)


@cache
def transactions() -> pd.DataFrame:
    """The raw transactions: customer, date, CDs bought and dollar value."""
    with resources.as_file(_DIR / "CDNOW_sample.txt") as path:
        frame = pd.read_csv(
            path, sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "cds", "amount"]
        )
    frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
    return frame
