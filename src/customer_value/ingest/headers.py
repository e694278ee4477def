"""Column mapping: which source header holds which canonical column of a table.

Headers are matched to the synonyms in :mod:`customer_value.ingest.synonyms` after
:func:`normalise_header`; an explicit mapping (from ``cva.yaml`` ``mappings`` or ``--map
SRC=canonical``) takes precedence. Headers that map to nothing are kept as extra columns named
``x_<snake_case header>`` (``备注`` → ``x_备注``, ``Unit Cost`` → ``x_unit_cost``), so the canonical
names and the extras can never collide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa

from customer_value.config import TABLES
from customer_value.errors import ConfigError, InternalError, MissingColumnError
from customer_value.ingest.raw import clean_header
from customer_value.ingest.synonyms import OPTIONAL, REQUIRED, SYNONYMS

EXTRA_PREFIX = "x_"
AMOUNT = "amount"
QUANTITY_X_UNIT_PRICE = "quantity_x_unit_price"

_BRACKETED = re.compile(r"[(\[（【［{｛<《].*?[)\]）】］}｝>》]")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class ColumnMapping:
    """Where each canonical column of ``table`` is found in a source.

    Attributes
    ----------
    table
        The canonical table (``orders`` …).
    columns
        Canonical column → source header, in the table's column order.
    amount_rule
        ``amount`` when an amount column exists; ``quantity_x_unit_price`` when the source has
        order lines with quantity and unit price but no amount (quality computes amount =
        quantity × unit_price); None when the table has no amount.
    unmapped
        Source headers that map to no canonical column, in source order; kept as extras.
    explicit
        The explicit entries that were applied (source header → canonical column).
    extras
        Unmapped source header → its column name in the mapped table (``x_…``).
    source
        The source the headers came from (for messages).
    """

    table: str
    columns: dict[str, str]
    amount_rule: str | None
    unmapped: list[str]
    explicit: dict[str, str] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)
    source: str = ""


def normalise_header(header: str) -> str:
    """The form of a header used for matching: case, width, spaces and punctuation removed.

    ``" Customer ID "``, ``customer_id``, ``CUSTOMER-ID`` → ``customerid``; ``金额（元）`` → ``金额``
    (a bracketed suffix is dropped unless it is the whole header).
    """
    text = unicodedata.normalize("NFKC", clean_header(header)).casefold()
    unbracketed = _BRACKETED.sub("", text)
    if _NOT_WORD.sub("", unbracketed):
        text = unbracketed
    return _NOT_WORD.sub("", text)


def table_columns(table: str) -> tuple[str, ...]:
    """Required then optional canonical columns of ``table``; ConfigError for an unknown table."""
    if table not in REQUIRED:
        raise ConfigError("ingest.unknown_table", table=table, valid=", ".join(TABLES))
    return REQUIRED[table] + OPTIONAL[table]


@cache
def _synonym_index(table: str) -> dict[str, tuple[str, int]]:
    """Normalised synonym → (canonical column, rank); lower rank = more specific."""
    index: dict[str, tuple[str, int]] = {}
    for column, synonyms in SYNONYMS[table].items():
        # The canonical name itself always matches; where the list doesn't place it, it comes last.
        for rank, synonym in enumerate(synonyms if column in synonyms else (*synonyms, column)):
            key = normalise_header(synonym)
            known = index.get(key)
            if known is not None and known[0] != column:
                raise InternalError(detail=f"synonym {synonym!r} of {table} means {known[0]} and {column}")
            if known is None:
                index[key] = (column, rank)
    return index


def map_columns(
    headers: list[str],
    table: str,
    *,
    explicit: Mapping[str, str] | None = None,
    source: str = "",
    strict: bool = True,
) -> ColumnMapping:
    """Find the canonical columns of ``table`` among ``headers``.

    Parameters
    ----------
    headers
        Source headers, as read (``RawTable.table.column_names``).
    table
        Canonical table name (``orders``, ``customers`` …).
    explicit
        Source header → canonical column; applied first, overriding synonyms.
    source
        Name of the source, for messages.
    strict
        When False, explicit entries whose header this source lacks are ignored instead of an
        error (for a mapping configured per table and shared by sources with other headers).

    Returns
    -------
    ColumnMapping

    Raises
    ------
    ConfigError
        Unknown table; an explicit mapping names a header the source lacks (the message lists
        the headers) or a column the table lacks, or maps two headers to one column.
    MissingColumnError
        Required columns were not found (all of them are named, with the headers seen).
    """
    canonical = table_columns(table)
    explicit = dict(explicit or {})
    where = source or "the source"
    seen = ", ".join(headers)
    columns: dict[str, str] = {}
    applied: dict[str, str] = {}
    for header, column in explicit.items():
        actual = _find_header(header, headers)
        if actual is None:
            if not strict:
                continue
            raise ConfigError("ingest.unknown_header", header=header, source=where, seen=seen)
        if column not in canonical:
            raise ConfigError(
                "ingest.unknown_column", header=header, column=column, table=table, valid=", ".join(canonical)
            )
        if column in columns:
            raise ConfigError("ingest.duplicate_target", first=columns[column], second=actual, column=column)
        columns[column] = actual
        applied[header] = column
    taken = set(columns.values())
    index = _synonym_index(table)
    best: dict[str, tuple[int, int, str]] = {}
    for position, header in enumerate(headers):
        if header in taken:
            continue
        match = index.get(normalise_header(header))
        if match is None or match[0] in columns:
            continue
        column, rank = match
        if column not in best or (rank, position) < best[column][:2]:
            best[column] = (rank, position, header)
    columns.update({column: header for column, (_, _, header) in best.items()})
    amount_rule = _amount_rule(table, columns)
    missing = [
        column
        for column in REQUIRED[table]
        if column not in columns and not (column == AMOUNT and amount_rule == QUANTITY_X_UNIT_PRICE)
    ]
    if missing:
        raise MissingColumnError(column=", ".join(missing), table=table, source=where, seen=seen)
    ordered = {column: columns[column] for column in canonical if column in columns}
    used = set(ordered.values())
    unmapped = [header for header in headers if header not in used]
    return ColumnMapping(
        table=table,
        columns=ordered,
        amount_rule=amount_rule,
        unmapped=unmapped,
        explicit=applied,
        extras=dict(zip(unmapped, extra_names(unmapped), strict=True)),
        source=source,
    )


def _find_header(name: str, headers: list[str]) -> str | None:
    if name in headers:
        return name
    cleaned = clean_header(name)
    matches = [header for header in headers if clean_header(header) == cleaned]
    if len(matches) == 1:
        return matches[0]
    key = normalise_header(name)
    matches = [header for header in headers if normalise_header(header) == key]
    return matches[0] if len(matches) == 1 else None


def _amount_rule(table: str, columns: Mapping[str, str]) -> str | None:
    if AMOUNT in columns:
        return AMOUNT
    if AMOUNT in REQUIRED[table] and "quantity" in columns and "unit_price" in columns:
        return QUANTITY_X_UNIT_PRICE
    return None


def extra_names(headers: Iterable[str]) -> list[str]:
    """Column names for extra headers: ``x_`` + snake_case, unique (``x_note``, ``x_note_2``)."""
    names: list[str] = []
    used: set[str] = set()
    for position, header in enumerate(headers, start=1):
        text = unicodedata.normalize("NFKC", clean_header(header)).casefold()
        base = EXTRA_PREFIX + (_NOT_WORD.sub("_", text).strip("_") or f"column_{position}")
        name, suffix = base, 2
        while name in used:
            name, suffix = f"{base}_{suffix}", suffix + 1
        used.add(name)
        names.append(name)
    return names


def apply_mapping(raw: pa.Table, mapping: ColumnMapping) -> pa.Table:
    """``raw`` with canonical columns renamed and ordered first, then the extras (``x_…``).

    No data is copied: the result shares its column buffers with ``raw``.

    Raises
    ------
    ConfigError
        The mapping names a header that ``raw`` doesn't have (it was made for another source).
    """
    present = set(raw.column_names)
    pairs = [*((header, column) for column, header in mapping.columns.items()), *mapping.extras.items()]
    for header, _ in pairs:
        if header not in present:
            raise ConfigError(
                "ingest.unknown_header",
                header=header,
                source=mapping.source or "the source",
                seen=", ".join(raw.column_names),
            )
    positions = {name: i for i, name in enumerate(raw.column_names)}
    return raw.select([positions[header] for header, _ in pairs]).rename_columns([name for _, name in pairs])


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """``["客户编号=customer_id", …]`` (the ``--map`` option) as ``{source header: canonical column}``.

    Raises
    ------
    ConfigError
        An option without ``=`` or with an empty side.
    """
    mapping: dict[str, str] = {}
    for option in options:
        header, sep, column = option.rpartition("=")
        header, column = header.strip(), column.strip()
        if not sep or not header or not column:
            raise ConfigError("ingest.bad_map_option", option=option)
        mapping[header] = column
    return mapping
