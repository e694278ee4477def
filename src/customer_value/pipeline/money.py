"""Money in a cleaned source: which currency its amounts are in, and amounts that look computed.

- :func:`currency_from_symbols`: an order's currency from its amount's symbol (``£12.50`` → GBP).
- :func:`averaged_amount_notes`: a note per money column with more decimals than its currency has
  (a ``Price`` of ``2.0833333`` is an average, not a price charged).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality import parse_currency_codes
from customer_value.quality.precision import excess_decimals, minor_units


def currency_from_symbols(
    mapped: pa.Table, columns: dict[str, pa.Array], rules: dict[str, list], *, default: str | None
) -> None:
    """Fill ``columns["currency"]`` from the currency symbols of the amounts (``£12.50`` → GBP).

    A row's own currency column wins. When the amounts name exactly one currency, the rows
    without a symbol are in it too (an export that writes ``£`` on some rows only); with several,
    those rows keep no currency. Nothing changes when no amount has a symbol.
    """
    source = next((c for c in ("amount", "unit_price") if c in mapped.column_names), None)
    if source is None:
        return
    raw = mapped.column(source).combine_chunks()
    named = parse_currency_codes(raw, default=default)
    found = sorted(pc.unique(named.drop_null()).to_pylist())
    if not found:
        return
    codes = pc.fill_null(named, found[0]) if len(found) == 1 else named
    columns["currency"] = pc.coalesce(columns["currency"], codes) if "currency" in columns else codes
    example = pc.filter(raw, pc.is_valid(named))[0].as_py()
    rules["currency"] = [("quality.rule.currency_symbols", {"codes": ", ".join(found), "example": example})]


def main_currency(codes: pa.Array | None, default: str | None) -> str | None:
    """The most frequent currency code of the rows, else ``default``."""
    counts = [] if codes is None else pc.value_counts(pc.utf8_upper(codes.drop_null().cast(pa.string()))).to_pylist()
    return max(counts, key=lambda item: item["counts"])["values"] if counts else default


def averaged_amount_notes(amounts: dict[str, pa.Array], currency: str | None) -> list:
    """A note (message parts) per money column with many more decimals than ``currency`` has."""
    decimals = minor_units(currency)
    notes = []
    for column, values in amounts.items():
        found = excess_decimals(values, decimals)
        if found is not None:
            fields = {"column": column, "rows": found.rows, "of": found.of, "share": f"{found.share:.0%}",
                      "decimals": decimals, "example": repr(found.example)}
            key = "quality.note.averaged" if currency else "quality.note.averaged_plain"
            notes.append((key, {**fields, "currency": currency} if currency else fields))
    return notes
