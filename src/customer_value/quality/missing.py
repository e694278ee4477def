"""Missing-value tokens: the texts exports write for "no value" (``NA``, ``null``, ``无``, ``-``…)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality._columns import ArrayLike, as_array, is_text, normalise_text

# Compared after NFKC, trimming and lower-casing, so ``N/A``, ``ＮＵＬＬ`` and `` None `` match too.
MISSING_TOKENS = frozenset(
    {
        "",
        "na",
        "n/a",
        "n.a.",
        "#n/a",
        "nan",
        "nat",
        "null",
        "none",
        "nil",
        "无",
        "空",
        "-",
        "--",
        "—",
        "——",
        "–",
        "/",
    }
)
_TOKENS = pa.array(sorted(MISSING_TOKENS), pa.string())


def is_missing_token(normalised: pa.Array) -> pa.Array:
    """Boolean per value of text already normalised by the parsers (NFKC, trimmed, lower case)."""
    return pc.is_in(normalised, value_set=_TOKENS)


def missing_mask(values: ArrayLike) -> pa.Array:
    """Boolean per row: true where the value is null, NaN, empty or a missing-value token.

    Parameters
    ----------
    values
        Any Arrow array; only text is compared with :data:`MISSING_TOKENS`.

    Returns
    -------
    pyarrow.BooleanArray
        Same length as ``values``, never null.
    """
    values = as_array(values)
    if is_text(values):
        return pc.or_(pc.is_null(values), pc.fill_null(is_missing_token(normalise_text(values)), False))
    if pa.types.is_floating(values.type):
        return pc.fill_null(pc.is_nan(values), True)
    return pc.is_null(values)


def null_missing(values: ArrayLike) -> pa.Array:
    """``values`` with every missing-value token, blank text and NaN replaced by null.

    Other values are returned unchanged (text is not trimmed).
    """
    values = as_array(values)
    return pc.if_else(missing_mask(values), pa.scalar(None, values.type), values)
