"""The currency of a cleaned source's rows, as the quality notes use it."""

import pyarrow as pa

from customer_value.pipeline.money import main_currency


def test_the_main_currency_is_the_most_frequent_code_whatever_its_case():
    assert main_currency(pa.array(["gbp", "GBP", "usd", None]), None) == "GBP"


def test_without_codes_the_configured_currency_is_the_main_one():
    assert main_currency(None, "CNY") == "CNY"
    assert main_currency(pa.nulls(3), "CNY") == "CNY"  # an empty currency column read from a workbook
    assert main_currency(pa.array([], pa.string()), None) is None
