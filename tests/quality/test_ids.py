"""Ids: placeholders are not ids, spreadsheet floats are the same id, real ids are left alone."""

from __future__ import annotations

import pyarrow as pa
import pytest

from customer_value.config import PLACEHOLDER_IDS
from customer_value.quality import clean_ids
from customer_value.quality.ids import lookup_forms


def _read(values, placeholders=PLACEHOLDER_IDS):
    parsed = clean_ids(pa.array(values), placeholders=placeholders)
    return parsed.values.to_pylist(), parsed.errors.to_pylist()


@pytest.mark.parametrize("value", ["(blank)", "(Blank)", " （ＢＬＡＮＫ） ", "[blank]", "未知", "散客", "Unknown"])
def test_placeholders_are_set_aside_as_placeholders(value):
    assert _read([value, "C1"]) == ([None, "C1"], ["placeholder", None])


@pytest.mark.parametrize("placeholders", [PLACEHOLDER_IDS, [], ["N/A", "-"]])
def test_empty_and_missing_tokens_are_missing_whatever_the_list(placeholders):
    values = ["", "   ", None, "NaN", "N/A", "null", "-", "无", "#N/A"]
    assert _read(values, placeholders) == ([None] * 9, ["missing"] * 9)


def test_the_placeholder_list_is_configurable():
    ids, errors = _read(["(blank)", "TBD", "0"], placeholders=["tbd", "0"])
    assert ids == ["(blank)", None, None]
    assert errors == [None, "placeholder", "placeholder"]


def test_the_rule_names_the_placeholders_found_most_frequent_first():
    parsed = clean_ids(pa.array(["(blank)", "未知", "(blank)", "C1"]), placeholders=PLACEHOLDER_IDS)
    assert parsed.rule == "placeholders are not ids: (blank) (2), 未知 (1)"
    assert "占位值不是编号" in parsed.describe("zh")


def test_real_ids_that_contain_a_placeholder_word_are_kept():
    values = ["N/A-1", "无锡001", "blank street", "-5", "guest42"]
    assert _read(values) == (values, [None] * 5)


def test_spreadsheet_floats_become_the_integer_id():
    assert _read(["12346.0", "12347", " 12348.00 "])[0] == ["12346", "12347", "12348"]
    assert _read([12346.0, 12347.0, None])[0] == ["12346", "12347", None]
    assert clean_ids(pa.array(["12346.0"])).rule == "whole numbers from a spreadsheet read without .0 (12346.0)"


def test_ids_with_a_meaningful_dot_or_leading_zeros_are_not_mangled():
    assert _read(["1.0", "1.5", "2.0"])[0] == ["1.0", "1.5", "2.0"]  # a dotted id column
    assert _read(["1.5A", "00123", "0012.0"])[0] == ["1.5A", "00123", "0012"]
    assert clean_ids(pa.array(["1.0", "1.5"])).rule == ""


def test_excel_guard_is_removed():
    assert _read(['="0123"', " C-9 "])[0] == ["0123", "C-9"]


def test_a_typed_in_id_is_looked_up_with_and_without_the_spreadsheet_float():
    assert lookup_forms("12346.0") == ["12346.0", "12346"]
    assert lookup_forms(" 00123 ") == [" 00123 ", "00123"]
    assert lookup_forms("1.5A") == ["1.5A"]
