"""Money columns that look computed rather than charged: more decimals than the currency has.

A price charged in pounds has at most two decimals. A ``Price`` column where many values read
``2.0833333`` holds averages — a line total divided by its quantity, a monthly figure divided by
days — and summing or ranking by it misleads. Such a column is kept as it is and noted in the
quality report, with a sentence saying what it probably is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

#: Decimals of currencies that don't have two (ISO 4217 minor units); every other has two.
MINOR_UNITS = {
    "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "PYG": 0, "UGX": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
#: A column is noted when at least this share of its values, and this many, have too many decimals.
EXCESS_SHARE = 0.1
EXCESS_MIN_ROWS = 5


def minor_units(currency: str | None) -> int:
    """Decimals the currency has (2 when unknown)."""
    return MINOR_UNITS.get((currency or "").upper(), 2)


@dataclass(frozen=True)
class ExcessDecimals:
    """Values of a money column with more decimals than its currency has."""

    rows: int
    of: int
    example: float

    @property
    def share(self) -> float:
        return self.rows / self.of


def excess_decimals(values: pa.Array, decimals: int) -> ExcessDecimals | None:
    """The values with more than ``decimals`` decimals, when they are many; None otherwise.

    Parameters
    ----------
    values
        Parsed amounts (``float64``, null where missing).
    decimals
        Decimals of the currency (:func:`minor_units`).

    Returns
    -------
    ExcessDecimals or None
        Set when at least :data:`EXCESS_SHARE` of the non-null values and at least
        :data:`EXCESS_MIN_ROWS` of them are not whole multiples of ``10**-decimals`` (beyond
        floating-point error).
    """
    numbers = values.drop_null().to_numpy(zero_copy_only=False).astype(float)
    numbers = numbers[np.isfinite(numbers)]
    if len(numbers) == 0:
        return None
    scaled = numbers * 10.0**decimals
    excess = np.abs(scaled - np.round(scaled)) > 1e-9 + 1e-12 * np.abs(scaled)  # beyond float error
    rows = int(excess.sum())
    if rows < EXCESS_MIN_ROWS or rows < EXCESS_SHARE * len(numbers):
        return None
    return ExcessDecimals(rows=rows, of=len(numbers), example=float(numbers[excess][0]))
