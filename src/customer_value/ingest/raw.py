"""The result of reading a source: an Arrow table with clean headers and where it came from.

Every reader returns a :class:`RawTable`. Headers are cleaned the same way for every format
(:func:`clean_headers`); values are left as the source gave them — cleaning is the job of
``customer_value.quality``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

FORMATS = ("csv", "excel", "parquet", "json", "jsonl", "sql")

# Characters that Excel and Windows tools leave around headers: BOM, zero-width spaces/joiners.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00a0\u3000"

# A report footer below the data (totals, copyright, 制表人, 打印时间) is at most this many rows,
# each with at most this many non-empty fields (and at most a fifth of the header's).
MAX_FOOTER_ROWS = 10
MAX_FOOTER_FIELDS = 2

# A number or a date (``00004``, ``19970101``, ``29.33``, ``-1,234.5``, ``2024-01-02 10:30``, ``1/2/2024``).
_NUMBER_OR_DATE = re.compile(r"^[+-]?[\d.,:/ -]*\d[\d.,:/ -]*$")


@dataclass(frozen=True)
class RawTable:
    """A source read into Arrow, before any cleaning.

    Attributes
    ----------
    table
        The rows. Delimited text gives ``string`` columns (empty cells and the markers in
        ``delimited.NULL_MARKERS`` are null); Excel, Parquet, JSON and SQL keep native types.
    source
        The file path, or the database URL with its password masked.
    format
        One of ``csv`` (any delimited text), ``excel``, ``parquet``, ``json``, ``jsonl``, ``sql``.
    encoding
        Text encoding detected or used (``utf-8``, ``utf-16``, ``gb18030`` …); None for binary formats.
    delimiter
        Field delimiter of delimited text; None otherwise.
    sheet
        Excel sheet that was read; None otherwise.
    fingerprint
        ``sha256`` hex digest identifying the content: of the file bytes for files; for Excel, of
        the file bytes' digest and the sheet name (each sheet is its own source); of the URL
        (without password), query and result for SQL. Equal fingerprints mean the same input.
    footer
        Report footer lines below the data that were skipped (``Grand Totals (14 records)``,
        copyright, ``制表人：…``), each as its non-empty fields joined by a space; blank lines are not
        listed. ``len(footer)`` is how many were skipped; empty when there was none (and for
        Parquet, JSON and SQL, which have no footers).
    """

    table: pa.Table
    source: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    fingerprint: str
    footer: tuple[str, ...] = ()


def is_footer_row(filled: int, fields: int, width: int) -> bool:
    """Whether a row below the data could be a report footer line rather than a data row.

    Parameters
    ----------
    filled
        Non-empty fields of the row.
    fields
        Fields of the row, empty ones included (cells for Excel).
    width
        Fields of the header.

    Returns
    -------
    bool
        True when the row has no more fields than the header and far fewer non-empty ones: at
        most :data:`MAX_FOOTER_FIELDS` and at most a fifth of the header's (so a row of a
        narrow table with one value, such as an id, is never taken for a footer). Whether it *is* a
        footer depends on its place: only a run of such rows (at most :data:`MAX_FOOTER_ROWS`)
        after the last data row is one.
    """
    return fields <= width and filled <= min(MAX_FOOTER_FIELDS, width // 5)


def looks_like_data(fields: Iterable[object]) -> bool:
    """Whether a file's first row is data rather than a header: every non-empty value is a number or a date.

    Headers name columns in words; a first row of numbers and dates only (CDNOW's
    ``00004 00001 19970101 2 29.33``) means the file has no header row.
    """
    filled = [text.strip() for text in (_as_text(v) for v in fields) if text is not None and text.strip()]
    return bool(filled) and all(_NUMBER_OR_DATE.match(text) for text in filled)


def footer_text(values: Iterable[object]) -> str:
    """A footer row as one line: its non-empty values as text (``437.0`` → ``437``), joined by a space."""
    texts = (_as_text(value) for value in values)
    return " ".join(text.strip() for text in texts if text is not None and text.strip())


def clean_header(name: object) -> str:
    """One header without surrounding whitespace, BOM and zero-width characters ('' if none left)."""
    if name is None:
        return ""
    if isinstance(name, float) and name.is_integer():
        name = int(name)
    return str(name).strip().strip(_INVISIBLE).strip()


def clean_headers(names: Iterable[object]) -> list[str]:
    """Headers made usable as column names: stripped, empty ones named, duplicates suffixed.

    An empty header at position ``N`` (1-based) becomes ``column_N``; the second ``amount``
    becomes ``amount_2``, the third ``amount_3`` (skipping names already taken).
    """
    cleaned = [clean_header(name) for name in names]
    cleaned = [name or f"column_{i}" for i, name in enumerate(cleaned, start=1)]
    taken = set(cleaned)
    used: set[str] = set()
    result: list[str] = []
    for name in cleaned:
        candidate, suffix = name, 2
        while candidate in used:
            candidate = f"{name}_{suffix}"
            suffix += 1
            if candidate in taken:  # a later header already has this name: skip it
                candidate = name
        used.add(candidate)
        result.append(candidate)
    return result


def with_clean_headers(table: pa.Table) -> pa.Table:
    """``table`` with :func:`clean_headers` applied to its column names (no data copied)."""
    names = clean_headers(table.column_names)
    return table if names == table.column_names else table.rename_columns(names)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def column_array(values: Sequence[Any]) -> pa.Array:
    """An Arrow array of Python ``values`` with its type inferred; mixed types fall back to strings.

    A column that holds numbers in most cells and text such as ``"N/A"`` in a few is kept whole
    as strings (``1.0`` → ``"1"``, dates as ISO text) so that no value is lost; quality parses it.
    """
    try:
        return pa.array(values, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_as_text(v) for v in values], type=pa.string())


def table_from_columns(names: Sequence[str], columns: Sequence[Sequence[Any]]) -> pa.Table:
    """An Arrow table from per-column Python lists, each typed by :func:`column_array`."""
    return pa.Table.from_arrays([column_array(col) for col in columns], names=list(names))
