"""Missing-value tokens become null; the shared ParsedColumn result keeps its contract."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_value.errors import InternalError
from customer_value.quality import ParsedColumn, missing_mask, null_missing
from customer_value.quality.missing import MISSING_TOKENS

TOKENS = ["NA", "N/A", "n/a", "NaN", "null", "NULL", "None", "无", "空", "-", "--", "—", "/", "", "   ", "\t", "\u3000"]


@pytest.mark.parametrize("token", TOKENS)
def test_every_listed_token_is_missing(token):
    assert null_missing(pa.array([token, "x"])).to_pylist() == [None, "x"]


def test_tokens_match_whatever_the_width_case_and_padding():
    assert missing_mask(pa.array([" Null ", "ＮＵＬＬ", "#N/A", "nan", "－－"])).to_pylist() == [True] * 5


def test_real_values_are_kept_unchanged():
    values = pa.array(["  Zhang  ", "NA-1", "0", "无锡", "n/a/b"])
    assert null_missing(values).to_pylist() == values.to_pylist()
    assert missing_mask(values).to_pylist() == [False] * 5


def test_nulls_and_nan_are_missing_in_native_columns():
    assert null_missing(pa.array([1.5, math.nan, None])).to_pylist() == [1.5, None, None]
    assert missing_mask(pa.array([1, None])).to_pylist() == [False, True]
    assert null_missing(pa.chunked_array([["a", "NA"], ["b"]])).to_pylist() == ["a", None, "b"]


def test_nulls_are_missing_in_text_columns():
    assert missing_mask(pa.array(["a", None, ""])).to_pylist() == [False, True, True]


def test_dictionary_and_large_string_columns_are_read_as_text():
    assert null_missing(pa.array(["NA", "x"]).dictionary_encode()).to_pylist() == [None, "x"]
    assert null_missing(pa.array(["NA", "x"], pa.large_string())).to_pylist() == [None, "x"]


@given(st.lists(st.one_of(st.none(), st.text(max_size=8), st.sampled_from(sorted(MISSING_TOKENS)))))
def test_null_missing_keeps_length_and_only_removes(values):
    out = null_missing(pa.array(values, pa.string())).to_pylist()
    assert len(out) == len(values)
    assert all(o is None or o == v for o, v in zip(out, values, strict=True))


# -- ParsedColumn, the result every parser returns ----------------------------------------------


def test_parsed_column_rejects_mismatched_lengths():
    with pytest.raises(InternalError):
        ParsedColumn(pa.array([1.0]), pa.array([], pa.string()), "rule")


def test_parsed_column_counts_errors_and_renders_its_rule_in_both_languages():
    parsed = ParsedColumn.from_parts(
        pa.array([None, None, 1.0]),
        pa.array(["missing", "unparseable", None]),
        (("quality.rule.amount_point", {"example": "1.5"}),),
    )
    assert parsed.error_counts() == {"missing": 1, "unparseable": 1}
    assert parsed.ok.to_pylist() == [False, False, True]
    assert parsed.rule == "amounts with a decimal point (1.5)"
    assert parsed.describe("zh") == "金额以小数点分隔（1.5）"
