"""Money columns with more decimals than their currency has are found; rounding noise is not."""

import pyarrow as pa

from customer_value.quality.precision import excess_decimals, minor_units


def test_averages_are_found_with_a_count_a_share_and_an_example():
    values = pa.array([2.0833333, 4.95, 1.1666667, 3.3333333, 0.85, 12.5, 7.1428571, 2.1, 5.8333333, None])
    found = excess_decimals(values, 2)
    assert (found.rows, found.of, found.example) == (5, 9, 2.0833333)


def test_float_noise_and_a_few_odd_values_are_not_averages():
    noise = pa.array([0.1 + 0.2, 6.95 * 3, 1e9 + 0.07, 19.99] * 5)
    assert excess_decimals(noise, 2) is None
    few = pa.array([0.001] * 4 + [1.5] * 10)  # fewer than five values
    assert excess_decimals(few, 2) is None
    rare = pa.array([0.001] * 5 + [1.5] * 100)  # under a tenth of the values
    assert excess_decimals(rare, 2) is None


def test_currencies_have_their_own_decimals():
    assert (minor_units("JPY"), minor_units("kwd"), minor_units("GBP"), minor_units(None)) == (0, 3, 2, 2)
    yen = pa.array([208.5, 116.7, 333.3, 714.3, 583.3, 495.0])
    assert excess_decimals(yen, 0).rows == 5 and excess_decimals(yen, 2) is None
