"""The bundled CDNOW sample: 2,357 customers of the CDNOW music store, 1997-01 to 1998-06.

The public research data set of Fader, Hardie & Lee (2005), as distributed with the MIT-licensed
``lifetimes`` package; see ``sample/data/cdnow/README.md`` for provenance and published results.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

_PACKAGE = "customer_value.sample"
_TRANSACTIONS = ("data", "cdnow", "CDNOW_sample.txt")
CDNOW_COLUMNS = ("customer_id", "ordered_at", "quantity", "amount")


def cdnow_transactions_path() -> Path:
    """Path of the bundled ``CDNOW_sample.txt`` (whitespace-separated transactions)."""
    return Path(str(resources.files(_PACKAGE).joinpath(*_TRANSACTIONS)))


def read_cdnow_transactions() -> pd.DataFrame:
    """The 6,919 CDNOW transactions as an orders table.

    Returns
    -------
    pandas.DataFrame
        customer_id (the master customer id as written in the file, e.g. ``"00004"``),
        ordered_at (datetime, the purchase day at midnight), quantity (CDs bought, int) and
        amount (US dollars), in file order.
    """
    with resources.files(_PACKAGE).joinpath(*_TRANSACTIONS).open("r", encoding="ascii") as handle:
        raw = pd.read_csv(
            handle,
            sep=r"\s+",
            header=None,
            names=["customer_id", "sample_id", "date", "quantity", "amount"],
            dtype={"customer_id": "str", "sample_id": "str", "date": "str"},
        )
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"].astype("str"),
            "ordered_at": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "quantity": raw["quantity"].astype("int64"),
            "amount": raw["amount"].astype("float64"),
        }
    )


def write_cdnow_csv(path: str | Path) -> Path:
    """Write the CDNOW transactions as a UTF-8 CSV, to ingest like any export.

    Headers: ``customer_id,ordered_at,quantity,amount``; dates as ``YYYY-MM-DD``.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = read_cdnow_transactions()
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n", float_format="%.2f")
    return path
