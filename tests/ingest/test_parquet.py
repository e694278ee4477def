"""Parquet: types kept, headers cleaned, corrupt files named."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from customer_value.errors import InputFileError
from customer_value.ingest import read_file


def test_parquet_keeps_types(tmp_path):
    path = tmp_path / "orders.parquet"
    table = pa.table(
        {
            " customer_id ": ["a", "b"],
            "ordered_at": pa.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)], pa.timestamp("us")),
            "amount": [1.5, 2.0],
        }
    )
    pq.write_table(table, path)
    raw = read_file(path)
    assert raw.format == "parquet" and raw.encoding is None
    assert raw.table.column_names == ["customer_id", "ordered_at", "amount"]
    assert raw.table.schema.field("ordered_at").type == pa.timestamp("us")
    assert raw.table.column("amount").to_pylist() == [1.5, 2.0]


def test_parquet_without_extension_is_sniffed(tmp_path):
    path = tmp_path / "export.bin"
    pq.write_table(pa.table({"a": [1]}), path)
    assert read_file(path).format == "parquet"


def test_corrupt_parquet(tmp_path):
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"a": list(range(100))}), good)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(good.read_bytes()[:40])
    with pytest.raises(InputFileError) as info:
        read_file(bad)
    assert info.value.key == "ingest.corrupt_parquet"
    assert str(bad) in str(info.value)


def test_empty_parquet(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.int64())}), path)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.no_rows"
