"""Column mapping: which source header holds which canonical column of a table.

Headers are matched to the synonyms in :mod:`customer_value.ingest.synonyms` after
:func:`normalise_header`; an explicit mapping (from ``cva.yaml`` ``mappings`` or ``--map
SRC=canonical``) takes precedence. Headers that map to nothing are kept as extra columns named
``x_<snake_case header>`` (``备注`` → ``x_备注``, ``Unit Cost`` → ``x_unit_cost``), so the canonical
names and the extras can never collide.

One column can be derived: when a table with a ``name`` column has no name header but a first-name
and a last-name header (``First Name`` / ``Last Name`` of Salesforce, HubSpot and Shopify, ``名`` /
``姓``), ``name`` is built from them — ``first + " " + last``, or ``姓名`` without a space when
both parts are Chinese — and the two source columns are kept as extras.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.config import TABLES
from customer_value.errors import ConfigError, InternalError, MissingColumnError
from customer_value.ingest.raw import clean_header
from customer_value.ingest.synonyms import NAME_PARTS, OPTIONAL, REQUIRED, SYNONYMS

EXTRA_PREFIX = "x_"
AMOUNT = "amount"
QUANTITY_X_UNIT_PRICE = "quantity_x_unit_price"
NAME = "name"

_BRACKETED = re.compile(r"[(\[（【［{｛<《].*?[)\]）】］}｝>》]")
_NOT_WORD = re.compile(r"[\W_]+")
_CHINESE = r"^\p{Han}+$"


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
    derived
        Canonical column → the source headers it is built from: ``{"name": (first, last)}`` when
        the source has first-name and last-name columns but no name. The source headers also
        stay among the extras.
    """

    table: str
    columns: dict[str, str]
    amount_rule: str | None
    unmapped: list[str]
    explicit: dict[str, str] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)
    source: str = ""
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)


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
def _name_part_index() -> dict[str, tuple[str, int]]:
    """Normalised first/last-name header → (``first_name`` or ``last_name``, rank)."""
    return {normalise_header(h): (part, rank) for part, headers in NAME_PARTS.items() for rank, h in enumerate(headers)}


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
    derived = {}
    if NAME in canonical and NAME not in ordered:
        parts = _name_parts(unmapped)
        if parts is not None:
            derived[NAME] = parts
    return ColumnMapping(
        table=table,
        columns=ordered,
        amount_rule=amount_rule,
        unmapped=unmapped,
        explicit=applied,
        extras=dict(zip(unmapped, extra_names(unmapped), strict=True)),
        source=source,
        derived=derived,
    )


def _name_parts(headers: list[str]) -> tuple[str, str] | None:
    """The (first-name, last-name) headers among ``headers``, the most specific of each; None unless both."""
    index = _name_part_index()
    best: dict[str, tuple[int, int, str]] = {}
    for position, header in enumerate(headers):
        match = index.get(normalise_header(header))
        if match is not None:
            part, rank = match
            if part not in best or (rank, position) < best[part][:2]:
                best[part] = (rank, position, header)
    if len(best) < 2:
        return None
    return best["first_name"][2], best["last_name"][2]


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

    No data is copied: the result shares its column buffers with ``raw``. A derived column
    (:attr:`ColumnMapping.derived`: ``name`` from first and last name) is computed and takes its
    place among the canonical columns.

    Raises
    ------
    ConfigError
        The mapping names a header that ``raw`` doesn't have (it was made for another source).
    """
    present = set(raw.column_names)
    sources = [*mapping.columns.values(), *mapping.extras, *(h for parts in mapping.derived.values() for h in parts)]
    for header in sources:
        if header not in present:
            raise ConfigError(
                "ingest.unknown_header",
                header=header,
                source=mapping.source or "the source",
                seen=", ".join(raw.column_names),
            )
    names: list[str] = []
    arrays: list[pa.ChunkedArray] = []
    for column in table_columns(mapping.table):
        if column in mapping.columns:
            names.append(column)
            arrays.append(raw.column(mapping.columns[column]))
        elif column == NAME and NAME in mapping.derived:
            first, last = mapping.derived[NAME]
            names.append(column)
            arrays.append(_join_names(raw.column(first), raw.column(last)))
    for header, name in mapping.extras.items():
        names.append(name)
        arrays.append(raw.column(header))
    return pa.Table.from_arrays(arrays, names=names)


def _join_names(first: pa.ChunkedArray | pa.Array, last: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Full names from first and last names: ``James Smith``; ``王伟`` (姓 + 名, no space) when both are Chinese.

    Blank parts are left out (a last name alone is the name); null where both are blank.
    """
    first, last = (pc.fill_null(pc.utf8_trim_whitespace(pc.cast(part, pa.string())), "") for part in (first, last))
    chinese = pc.and_(pc.match_substring_regex(first, _CHINESE), pc.match_substring_regex(last, _CHINESE))
    western = pc.utf8_trim_whitespace(pc.binary_join_element_wise(first, last, " "))
    joined = pc.if_else(chinese, pc.binary_join_element_wise(last, first, ""), western)
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


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
