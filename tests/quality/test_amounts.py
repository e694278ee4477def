"""Amounts in every notation become float64; decimal comma only where the column says so."""

from __future__ import annotations

import math
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.quality import REASONS, parse_amounts, parse_currency_codes, parse_quantities


def _amounts(values):
    return parse_amounts(pa.array(values, pa.string()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥1,234.50", 1234.5),
        ("￥1234.5", 1234.5),
        ("RMB 1,234", 1234.0),
        ("1,234.50元", 1234.5),
        ("人民币 88", 88.0),
        ("1.2万", 12000.0),
        ("1.2万元", 12000.0),
        ("3亿", 3e8),
        ("2.5千", 2500.0),
        ("5k", 5000.0),
        ("$1,234.50", 1234.5),
        ("US$ 1,234.50", 1234.5),
        ("€12", 12.0),
        ("£0.99", 0.99),
        ("-¥50.00", -50.0),
        ("¥-50", -50.0),
        ("− 50", -50.0),
        ("(50.00)", -50.0),
        ("¥(1,234.50)", -1234.5),
        ("50.00-", -50.0),
        ("+5", 5.0),
        ("１２３", 123.0),
        ("１，２３４．５", 1234.5),
        ("  7  ", 7.0),
        (".5", 0.5),
        ("0.125", 0.125),
        ("1,234,567.89", 1234567.89),
        ("1,23,456.50", 123456.5),
        ("1 234.50", 1234.5),
        ("1\u00a0234.50", 1234.5),
        ("1'234.50", 1234.5),
        ("1.5E+05", 150000.0),
    ],
)
def test_each_supported_notation(text, expected):
    parsed = _amounts([text])
    assert parsed.errors.to_pylist() == [None]
    assert parsed.values.to_pylist() == [pytest.approx(expected)]


def test_a_european_column_reads_decimal_commas_including_ambiguous_values():
    parsed = _amounts(["1.234,50", "1 234,50", "12,5", "1.234", "€3,50"])
    assert parsed.values.to_pylist() == [1234.5, 1234.5, 12.5, 1234.0, 3.5]
    assert parsed.rule == "amounts with a decimal comma (1.234,50)"
    assert parsed.describe("zh") == "金额以小数逗号分隔（1.234,50）"


def test_ambiguous_values_read_with_a_decimal_point_unless_the_column_says_otherwise():
    parsed = _amounts(["1,234", "1.234"])
    assert parsed.values.to_pylist() == [1234.0, 1.234]
    assert parsed.rule == "amounts with a decimal point (1,234)"


def test_a_column_mixing_both_separators_reads_each_value_by_its_form_and_says_so():
    parsed = _amounts(["1,234.50", "1.234,50", "1,234"])
    assert parsed.values.to_pylist() == [1234.5, 1234.5, 1234.0]
    assert "both decimal points and decimal commas occur" in parsed.rule


def test_units_and_parentheses_are_named_in_the_rule():
    parsed = _amounts(["¥1,234.50", "1.2万", "(50.00)"])
    assert parsed.rule == (
        "amounts with a decimal point (¥1,234.50); Chinese units 万/亿 applied (1.2万); "
        "amounts in parentheses are negative ((50.00))"
    )


def test_missing_and_unparseable_rows():
    parsed = _amounts(["NA", "", None, "-", "abc", "1..2", "1,2,3", "-(5)", "(5", "¥", "12 34"])
    assert parsed.errors.to_pylist() == ["missing"] * 4 + ["unparseable"] * 7
    assert parsed.values.null_count == 11


def test_native_numbers_pass_through():
    ints = parse_amounts(pa.array([1, -2, None]))
    assert ints.values.to_pylist() == [1.0, -2.0, None]
    assert ints.errors.to_pylist() == [None, None, "missing"]
    assert ints.rule == "native numbers"
    floats = parse_amounts(pa.array([2.5, math.nan, math.inf]))
    assert floats.values.to_pylist() == [2.5, None, None]
    assert floats.errors.to_pylist() == [None, "missing", "out_of_range"]
    decimals = parse_amounts(pa.array([Decimal("1234.50")]))
    assert decimals.values.to_pylist() == [1234.5]


def test_quantities_take_signs_separators_and_count_words_but_no_currency():
    parsed = parse_quantities(pa.array(["3件", "2 pcs", "-1", "1,000", "1.5万", "¥5", "NA"]))
    assert parsed.values.to_pylist() == [3.0, 2.0, -1.0, 1000.0, 15000.0, None, None]
    assert parsed.errors.to_pylist() == [None] * 5 + ["unparseable", "missing"]
    assert parsed.rule.startswith("quantities (3件)")
    assert parse_quantities(pa.array([4, -1])).values.to_pylist() == [4.0, -1.0]


def test_currency_codes_from_symbols_and_words():
    codes = parse_currency_codes(
        pa.array(["¥1", "￥1", "1元", "RMB 1", "$1", "US$1", "HK$1", "€1", "£1", "100美元", "1", None, "NA"])
    )
    assert codes.to_pylist() == ["CNY", "CNY", "CNY", "CNY", "USD", "USD", "HKD", "EUR", "GBP", "USD", None, None, None]
    assert parse_currency_codes(pa.array([1.5])).to_pylist() == [None]


def test_other_currencies_symbols_are_read_and_named():
    values = pa.array(["A$1,234.50", "C$12", "S$7.5", "₹1,00,000", "₩5000", "R$ 9,90", "CHF 1'234.50", "RM12.50", "€ 3"])
    codes = parse_currency_codes(values)
    assert codes.to_pylist() == ["AUD", "CAD", "SGD", "INR", "KRW", "BRL", "CHF", "MYR", "EUR"]
    parsed = parse_amounts(values)
    assert parsed.values.to_pylist() == [1234.5, 12.0, 7.5, 100000.0, 5000.0, 9.9, 1234.5, 12.5, 3.0]


def test_a_bare_dollar_or_yen_sign_means_the_configured_currency_that_writes_it():
    values = pa.array(["$1", "US$1", "¥1", "1元", "£1"])
    assert parse_currency_codes(values, default="AUD").to_pylist() == ["AUD", "USD", "CNY", "CNY", "GBP"]
    assert parse_currency_codes(values, default="JPY").to_pylist() == ["USD", "USD", "JPY", "CNY", "GBP"]
    assert parse_currency_codes(values, default="GBP").to_pylist() == ["USD", "USD", "CNY", "CNY", "GBP"]


# -- properties ------------------------------------------------------------------------------------

CENTS = st.integers(min_value=-(10**13), max_value=10**13)
FORMATS = {
    "grouped": lambda x: f"{x:,.2f}",
    "yuan_sign": lambda x: f"{'-' if x < 0 else ''}¥{abs(x):,.2f}",
    "yuan_word": lambda x: f"{x:.2f}元",
    "accounting": lambda x: f"({abs(x):,.2f})" if x < 0 else f"{x:,.2f}",
    "european": lambda x: f"{x:,.2f}".replace(",", " ").replace(".", ","),
    "german": lambda x: f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
    "full_width": lambda x: f"{x:.2f}".translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－")),
}


@settings(max_examples=40, deadline=None)
@given(st.lists(CENTS, min_size=1, max_size=15), st.sampled_from(sorted(FORMATS)))
def test_formatted_amounts_round_trip(cents, form):
    amounts = [c / 100 for c in cents]
    parsed = _amounts([FORMATS[form](x) for x in amounts])
    assert parsed.errors.null_count == len(amounts)
    assert parsed.values.to_pylist() == amounts


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=10))
def test_wan_amounts_are_ten_thousands(tenths):
    parsed = _amounts([f"{t / 10}万" for t in tenths])
    assert parsed.values.to_pylist() == pytest.approx([t * 1000.0 for t in tenths])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=15)), max_size=20))
def test_never_raises_and_every_row_has_a_value_or_a_reason(values):
    for parsed in (_amounts(values), parse_quantities(pa.array(values, pa.string()))):
        assert len(parsed.values) == len(parsed.errors) == len(values)
        for value, error in zip(parsed.values.to_pylist(), parsed.errors.to_pylist(), strict=True):
            assert (value is None) != (error is None)
            assert error is None or error in REASONS
    assert len(parse_currency_codes(pa.array(values, pa.string()))) == len(values)
