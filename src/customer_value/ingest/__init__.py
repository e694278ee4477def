"""Ingest stage: read any source into Arrow (:func:`read_file`, :func:`read_sql`) and map its columns.

``read_*`` return a :class:`RawTable` (the rows plus where they came from and a fingerprint for
idempotent re-ingest); :func:`map_columns` finds the canonical columns of a table among its
headers and :func:`apply_mapping` renames them. Cleaning values is the quality stage's job.
"""

from customer_value.ingest.delimited import NULL_MARKERS
from customer_value.ingest.detect import WHITESPACE, parse_delimiter
from customer_value.ingest.headers import (
    EXTRA_PREFIX,
    QUANTITY_X_UNIT_PRICE,
    ColumnMapping,
    apply_mapping,
    map_columns,
    normalise_header,
    parse_map_options,
    table_columns,
)
from customer_value.ingest.raw import FORMATS, RawTable, clean_headers
from customer_value.ingest.readers import read_file
from customer_value.ingest.sql import check_query, mask_url, read_sql
from customer_value.ingest.synonyms import OPTIONAL, REQUIRED, SYNONYMS

__all__ = [
    "EXTRA_PREFIX",
    "FORMATS",
    "NULL_MARKERS",
    "OPTIONAL",
    "QUANTITY_X_UNIT_PRICE",
    "REQUIRED",
    "SYNONYMS",
    "WHITESPACE",
    "ColumnMapping",
    "RawTable",
    "apply_mapping",
    "check_query",
    "clean_headers",
    "map_columns",
    "mask_url",
    "normalise_header",
    "parse_delimiter",
    "parse_map_options",
    "read_file",
    "read_sql",
    "table_columns",
]
