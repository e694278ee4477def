"""Ids (customer, order, referrer, ticket…) read into the same text whichever export they come from.

- Whitespace around an id is trimmed; ``="0123"`` (how Taobao and others stop Excel from turning
  an id into a number) becomes ``0123``.
- A whole number that went through a spreadsheet (``12346.0``, a float cell, or text written from
  one) becomes ``12346``, so the orders file and the customers file name the same customer. Only
  in a column where no value is a decimal with a fraction (``1.5``): there the dot is part of
  the id and ``2.0`` stays ``2.0``. Leading zeros are kept: ``00123`` and ``123`` are two ids (a
  spreadsheet that stored ``00123`` as a number lost them before the file was written).
- An empty id or a missing-value token (``N/A``, ``null``, ``-``, ``无``, ``#N/A``… see
  :mod:`customer_value.quality.missing`) is *missing*.
- A *placeholder* — a value that stands for "no id", such as ``(blank)`` (Excel pivot tables),
  ``未知``, ``散客`` — is not an id either: treated as one, every row without a customer would
  become one huge customer. The placeholders are configurable (``quality.placeholder_ids``) and
  matched after NFKC (full-width forms), case folding, trimming and removing enclosing brackets,
  so ``(blank)``, ``（Blank）`` and `` [BLANK] `` all match ``(blank)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality._columns import ArrayLike, as_array, as_text
from customer_value.quality.missing import missing_mask
from customer_value.quality.parsed import MISSING, PLACEHOLDER, ParsedColumn, RulePart

_BRACKETS = "()[]<>{}"
_WHOLE = r"^(\d+)\.0+$"
_FRACTION = r"^\d+\.\d*[1-9]\d*$"
#: Placeholders named in the rule (the most frequent first).
_SHOWN = 3


def without_excel_guard(text: pa.Array) -> pa.Array:
    """``="0123"`` → ``0123``; other text unchanged."""
    return pc.replace_substring_regex(text, r'^="(.*)"$', r"\1")


def placeholder_key(values: pa.Array) -> pa.Array:
    """The form placeholders are compared in: NFKC, lower case, trimmed, enclosing brackets removed."""
    text = pc.utf8_trim_whitespace(pc.utf8_lower(pc.utf8_normalize(values, form="NFKC")))
    return pc.utf8_trim_whitespace(pc.utf8_trim(text, characters=_BRACKETS))


def clean_ids(values: ArrayLike, *, placeholders: Iterable[str] = ()) -> ParsedColumn:
    """Read a column of ids.

    Parameters
    ----------
    values
        Raw ids: text, or numbers (a spreadsheet's float cells).
    placeholders
        Values that stand for "no id" (``quality.placeholder_ids``).

    Returns
    -------
    ParsedColumn
        ``string`` ids (see the module docstring); ``errors`` ``missing`` where the value was
        empty or a missing-value token and ``placeholder`` where it was a placeholder (the value
        is null in both cases); the rule names the placeholders found and the whole numbers read.
    """
    column = as_array(values)
    text = pc.utf8_trim_whitespace(as_text(column))
    text = without_excel_guard(text)
    parts: list[RulePart] = []
    whole = pc.fill_null(pc.match_substring_regex(text, _WHOLE), False)
    if pc.any(whole).as_py() and not pc.any(pc.match_substring_regex(text, _FRACTION)).as_py():
        parts.append(("quality.rule.id_whole_numbers", {"example": pc.filter(text, whole)[0].as_py()}))
        text = pc.replace_substring_regex(text, _WHOLE, r"\1")
    listed = placeholder_key(pa.array(list(placeholders), pa.string())).to_pylist()
    keys = pa.array(sorted({key for key in listed if key}), pa.string())
    missing = missing_mask(text)
    placeholder = pc.and_not(pc.fill_null(pc.is_in(placeholder_key(text), value_set=keys), False), missing)
    if pc.any(placeholder).as_py():
        found = pc.value_counts(pc.filter(text, placeholder)).to_pylist()
        found.sort(key=lambda item: (-item["counts"], item["values"]))
        shown = ", ".join(f"{item['values']} ({item['counts']})" for item in found[:_SHOWN])
        parts.append(("quality.rule.id_placeholders", {"examples": shown}))
    none = pa.scalar(None, pa.string())
    errors = pc.if_else(missing, MISSING, pc.if_else(placeholder, PLACEHOLDER, none))
    ids = pc.if_else(pc.is_null(errors), text, none)
    return ParsedColumn.from_parts(ids, errors, tuple(parts))


def lookup_forms(customer_id: str) -> list[str]:
    """The ids a typed-in id may be stored as: itself, then without a spreadsheet's ``.0``.

    ``cva customer 12346.0`` finds customer ``12346`` (ids are stored without the ``.0``).
    """
    text = customer_id.strip()
    return list(dict.fromkeys([customer_id, text, re.sub(_WHOLE, r"\1", text)]))
