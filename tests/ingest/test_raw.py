"""Header cleaning and column typing shared by every reader."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from customer_value.ingest import clean_headers
from customer_value.ingest.raw import column_array


def test_clean_headers_examples():
    assert clean_headers(["\ufeff客户编号 ", " amount", "amount", "", None, "amount_2", "amount"]) == [
        "客户编号", "amount", "amount_3", "column_4", "column_5", "amount_2", "amount_4",
    ]
    assert clean_headers([1.0, 2024, "\u200bname\u3000"]) == ["1", "2024", "name"]


@given(st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=12))
def test_clean_headers_are_unique_non_empty_and_stripped(names):
    cleaned = clean_headers(names)
    assert len(cleaned) == len(names)
    assert len(set(cleaned)) == len(cleaned)
    assert all(name and name == name.strip() for name in cleaned)


def test_column_array_keeps_types_or_falls_back_to_text():
    assert column_array([1, 2, None]).type == pa.int64()
    assert column_array([dt.datetime(2024, 1, 1), None]).type == pa.timestamp("us")
    mixed = column_array([1.0, "N/A", dt.date(2024, 1, 2), None])
    assert mixed.type == pa.string()
    assert mixed.to_pylist() == ["1", "N/A", "2024-01-02", None]
