"""Arrow plumbing shared by the value parsers: coercion, distinct values, DuckDB over Arrow.

Parsers work on the *distinct* values of a column (dictionary encoding) and take the
per-value results back to the rows, so a column with few distinct values costs little and
a per-value Python step (phone numbers, e-mail addresses) runs once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.errors import InternalError

ArrayLike = pa.Array | pa.ChunkedArray | Sequence[object]


def as_array(values: ArrayLike) -> pa.Array:
    """One contiguous Arrow array: chunks combined, dictionaries decoded, sequences converted."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    elif not isinstance(values, pa.Array):
        values = pa.array(values)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if pa.types.is_large_string(values.type) or pa.types.is_string_view(values.type):
        values = values.cast(pa.string())
    return values


def is_text(values: pa.Array) -> bool:
    """Whether the array holds text (after :func:`as_array`)."""
    return pa.types.is_string(values.type)


def is_number(values: pa.Array) -> bool:
    """Whether the array holds integers, floats or decimals."""
    kind = values.type
    return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)


def as_text(values: ArrayLike) -> pa.Array:
    """The column as text: numbers in their shortest form, other types cast, nulls kept.

    Integral floats lose their ``.0`` (``13812345678.0`` → ``13812345678``); NaN becomes null,
    pandas' missing value.
    """
    values = as_array(values)
    if is_text(values):
        return values
    if not is_number(values):
        return pc.cast(values, pa.string())
    if pa.types.is_floating(values.type):
        values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        integral = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), 1e15))
        as_int = pc.cast(pc.if_else(integral, values, 0.0), pa.int64(), safe=False)
        return pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(values, pa.string()))
    return pc.cast(values, pa.string())


def normalise_text(values: pa.Array) -> pa.Array:
    """NFKC (full-width digits and signs to ASCII), trimmed of any Unicode space, lower case."""
    return pc.utf8_lower(pc.utf8_trim_whitespace(pc.utf8_normalize(values, form="NFKC")))


@dataclass(frozen=True)
class Distinct:
    """The distinct non-null values of a column and, per row, the index of its value.

    Attributes
    ----------
    values
        Distinct non-null values in order of first appearance.
    indices
        Per row, the position of the row's value in ``values``; null where the row is null.
    """

    values: pa.Array
    indices: pa.Array

    @classmethod
    def of(cls, column: pa.Array) -> Distinct:
        """Dictionary-encode ``column`` (nulls stay null rows, not a distinct value)."""
        encoded = pc.dictionary_encode(column)
        return cls(values=encoded.dictionary, indices=encoded.indices)

    def counts(self) -> np.ndarray:
        """Number of rows holding each distinct value."""
        rows = self.indices.drop_null().to_numpy(zero_copy_only=False)
        return np.bincount(rows, minlength=len(self.values)).astype(np.int64)

    def to_rows(self, per_value: pa.Array) -> pa.Array:
        """Spread one result per distinct value back to the rows (null rows stay null)."""
        if len(per_value) != len(self.values):
            raise InternalError(detail=f"{len(per_value)} results for {len(self.values)} distinct values")
        return pc.take(per_value, self.indices)


@cache
def _engine() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB database per process; callers work in cursors of their own."""
    return duckdb.connect()


def connect(**tables: pa.Table) -> duckdb.DuckDBPyConnection:
    """A private connection with ``tables`` registered under their names; close it after use.

    It is a cursor of one shared in-memory database (opening a database costs ~10 ms, a
    cursor ~10 µs); registrations and temporary tables are the cursor's own.
    """
    con = _engine().cursor()
    for name, table in tables.items():
        con.register(name, table)
    return con


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
