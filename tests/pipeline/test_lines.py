"""Order lines: continuation rows and order totals repeated on every item row."""

import numpy as np
import pyarrow as pa

from customer_value.pipeline.lines import fill_continuation_rows, zero_repeated_order_totals


def test_continuation_rows_take_the_first_rows_fields():
    columns = {
        "order_id": pa.array(["#1", "#1", "#1", "#2"]),
        "customer_id": pa.array(["a@x.com", None, None, None]),
        "amount": pa.array([30.0, None, None, None]),
    }
    errors = {
        "customer_id": np.array([None, "missing", "missing", "missing"], dtype=object),
        "amount": np.array([None, "missing", "missing", "missing"], dtype=object),
    }
    filled = fill_continuation_rows(columns, errors, amount_from_lines=False)
    assert filled.tolist() == [False, True, True, False]  # order #2 has no complete row: nothing to take
    assert columns["customer_id"].to_pylist() == ["a@x.com", "a@x.com", "a@x.com", None]
    assert columns["amount"].to_pylist() == [30.0, 0.0, 0.0, None]
    assert errors["amount"].tolist() == [None, None, None, "missing"]


def test_order_totals_repeated_on_each_line_count_once():
    columns = {"order_id": pa.array(["1", "1", "2", "3", "3", "3"]), "amount": pa.array([10.0, 10.0, 5.0, 7.0, 7.0, 7.0]),
               "product_id": pa.array(["p1", "p2", "p1", "p1", "p2", "p3"])}
    changed = zero_repeated_order_totals(columns, np.ones(6, dtype=bool))
    assert changed.tolist() == [False, True, False, False, True, True]
    assert columns["amount"].to_pylist() == [10.0, 0.0, 5.0, 7.0, 0.0, 0.0]


def test_line_amounts_that_differ_are_left_alone():
    columns = {"order_id": pa.array(["1", "1", "3", "3"]), "amount": pa.array([10.0, 11.0, 7.0, 2.0]),
               "product_id": pa.array(["p1", "p2", "p1", "p2"])}
    assert not zero_repeated_order_totals(columns, np.ones(4, dtype=bool)).any()
    assert columns["amount"].to_pylist() == [10.0, 11.0, 7.0, 2.0]


def test_copies_of_one_row_are_not_lines():
    columns = {"order_id": pa.array(["1", "1"]), "amount": pa.array([10.0, 10.0]), "product_id": pa.array(["p", "p"])}
    assert not zero_repeated_order_totals(columns, np.ones(2, dtype=bool)).any()
