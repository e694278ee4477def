"""The bulk order generator is fast, chunked, reproducible and writes exact-size CSVs."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from customer_value.errors import ConfigError
from customer_value.sample import BULK_COLUMNS, generate_orders, iter_orders_chunks, write_orders_csv


def test_chunks_concatenate_to_the_whole_and_ids_are_unique():
    whole = generate_orders(5_000, seed=3, chunk_customers=2_000)
    chunks = list(iter_orders_chunks(5_000, seed=3, chunk_customers=2_000))
    assert len(chunks) == 3
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    assert list(whole.columns) == list(BULK_COLUMNS)
    assert whole["order_id"].is_unique
    assert all(chunk["ordered_at"].is_monotonic_increasing for chunk in chunks)
    assert whole["customer_id"].nunique() == 5_000
    assert whole["customer_id"].str.fullmatch(r"C\d{7}").all()


def test_size_and_shares_are_as_asked():
    orders = generate_orders(20_000, seed=0, orders_per_customer=10.0)
    assert 9.0 <= len(orders) / 20_000 <= 11.0
    share = orders["status"].value_counts(normalize=True)
    assert 0.02 <= share["cancelled"] <= 0.04 and 0.01 <= share["refund"] <= 0.03
    assert (orders.loc[orders["status"] == "refund", "amount"] < 0).all()
    assert (orders["ordered_at"] == orders["ordered_at"].dt.floor("s")).all()
    fewer = generate_orders(20_000, seed=0, orders_per_customer=4.0)
    assert 3.5 <= len(fewer) / 20_000 <= 4.5


def test_same_seed_same_rows():
    a = generate_orders(3_000, seed=7)
    pd.testing.assert_frame_equal(a, generate_orders(3_000, seed=7))
    assert not a["amount"].equals(generate_orders(3_000, seed=8)["amount"])


@pytest.mark.parametrize("messy", [False, True])
def test_csv_has_exactly_n_rows_and_is_reproducible(tmp_path, messy):
    path = write_orders_csv(tmp_path / "a.csv", 12_345, 1, messy=messy)
    again = write_orders_csv(tmp_path / "b.csv", 12_345, 1, messy=messy)
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    assert len(frame) == 12_345
    if messy:
        assert list(frame.columns) == ["客户编号", "订单号", "下单时间", "实付金额", "订单状态", "品类", "渠道"]
        assert frame["实付金额"].str.contains("¥").all()
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    else:
        assert list(frame.columns) == list(BULK_COLUMNS)
        assert frame["amount"].astype(float).notna().all()
        span = pd.to_datetime(frame["ordered_at"])
        assert span.min() < pd.Timestamp("2023-03-01") and span.max() > pd.Timestamp("2025-05-01")


def test_bad_sizes_raise_config_error(tmp_path):
    with pytest.raises(ConfigError):
        generate_orders(0)
    with pytest.raises(ConfigError):
        write_orders_csv(tmp_path / "x.csv", 0)
