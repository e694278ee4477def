"""The bundled CDNOW sample reads back as the published 6,919 transactions of 2,357 customers."""

from __future__ import annotations

import pandas as pd

from customer_value.sample import cdnow_transactions_path, read_cdnow_transactions, write_cdnow_csv


def test_path_points_at_the_bundled_file():
    path = cdnow_transactions_path()
    assert path.name == "CDNOW_sample.txt"
    assert path.is_file()


def test_reader_gives_the_published_counts():
    orders = read_cdnow_transactions()
    assert list(orders.columns) == ["customer_id", "ordered_at", "quantity", "amount"]
    assert len(orders) == 6919
    assert orders["customer_id"].nunique() == 2357
    assert orders["ordered_at"].min() == pd.Timestamp("1997-01-01")
    assert orders["ordered_at"].max() == pd.Timestamp("1998-06-30")
    assert orders["customer_id"].iloc[0] == "00004"
    assert orders["amount"].sum() > 0


def test_csv_round_trip(tmp_path):
    path = write_cdnow_csv(tmp_path / "cdnow.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "customer_id,ordered_at,quantity,amount"
    back = pd.read_csv(path, dtype={"customer_id": "str"}, parse_dates=["ordered_at"])
    original = read_cdnow_transactions()
    assert len(back) == len(original)
    assert (back["customer_id"] == original["customer_id"]).all()
    assert (back["ordered_at"] == original["ordered_at"]).all()
    assert (back["amount"].round(2) == original["amount"].round(2)).all()
