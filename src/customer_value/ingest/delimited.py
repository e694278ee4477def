"""Delimited text (CSV, TSV, semicolon, pipe; plain or gzip) read with Arrow's multithreaded CSV reader.

Every column is read as ``string``: parsing dates, amounts and phones is the quality stage's job,
and reading text unchanged keeps leading zeros (``00123``) and odd values (``1.2万``) intact.
Empty cells and the common "missing" markers in :data:`NULL_MARKERS` become null. Text that is not
UTF-8 (GBK/GB18030, UTF-16) is transcoded while streaming, never loaded whole.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from customer_value.errors import InputFileError
from customer_value.ingest.aligned import AlignedLayout, read_aligned, sniff_aligned
from customer_value.ingest.detect import (
    WHITESPACE,
    FileKind,
    TextLayout,
    decode_sample,
    detect_encoding,
    looks_binary,
    one_line,
    read_head,
    sniff_layout,
)
from customer_value.ingest.raw import MAX_FOOTER_ROWS, clean_headers, footer_text, is_footer_row, looks_like_data

logger = logging.getLogger(__name__)

# Cells that mean "no value" and become null, matched exactly (case-sensitive, not trimmed).
# Quoted cells match too: "" and "NA" are null like their unquoted forms.
NULL_MARKERS = ("", "NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None")

_BLOCK_SIZE = 4 << 20
_PREFERRED = {".tsv": "\t", ".tab": "\t", ".psv": "|"}


def read_delimited(
    path: Path, kind: FileKind, *, encoding: str | None = None, delimiter: str | None = None
) -> tuple[pa.Table, str, str, tuple[str, ...]]:
    """Read delimited text into an all-string Arrow table with clean headers.

    Report title lines above the header and a report footer below the data (a blank line,
    ``Grand Totals (14 records)``, a copyright line, ``制表人：…``: at most
    :data:`~customer_value.ingest.raw.MAX_FOOTER_ROWS` rows after the last data row, each with at
    most two non-empty fields, see :func:`~customer_value.ingest.raw.is_footer_row`) are skipped.
    Text that no delimiter splits but spaces do is read as space-aligned columns
    (:mod:`~customer_value.ingest.aligned`). A first row of numbers and dates only is data, not a
    header (:func:`~customer_value.ingest.raw.looks_like_data`): the columns are then named
    ``column_1`` … ``column_N``.

    Parameters
    ----------
    path
        The file; ``kind.compression`` says whether it is gzip-compressed.
    encoding, delimiter
        Override detection (a Python codec name; one character, or
        :data:`~customer_value.ingest.detect.WHITESPACE` for columns separated by spaces).

    Returns
    -------
    (table, encoding, delimiter, footer)
        The rows (header and footer excluded), the encoding and delimiter that were used, and the
        footer lines that were skipped (see ``RawTable.footer``).

    Raises
    ------
    InputFileError
        Binary content, no data rows, a row above the footer whose field count differs from the
        header (with its line number), text that doesn't decode, whitespace asked for but no
        columns separated by spaces.
    """
    head = read_head(path, kind.compression)
    if looks_binary(head):
        raise InputFileError("ingest.binary", path=str(path))
    detected = encoding is None
    encoding = codecs.lookup(encoding).name if encoding else detect_encoding(path, kind.compression, head)
    text = decode_sample(head, encoding)
    if not text.strip():
        raise InputFileError("ingest.empty", path=str(path))
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".gzip")]
    if delimiter in (None, WHITESPACE):
        layout = sniff_layout(text, preferred=_PREFERRED.get(suffixes[-1]) if suffixes else None)
        if delimiter == WHITESPACE or len(layout.header) < 2:  # asked for, or no delimiter splits the text
            aligned = sniff_aligned(text, asked=delimiter == WHITESPACE)
            if aligned is not None:
                table, encoding = _read_aligned(path, kind, encoding, aligned, detected=detected)
                return table, encoding, WHITESPACE, ()
            if delimiter == WHITESPACE:
                raise InputFileError("ingest.no_columns", path=str(path))
    else:
        layout = sniff_layout(text, delimiter=delimiter)
    multiline = '"' in text
    try:
        table, footer_rows = _read_arrow(path, kind, encoding, layout, multiline=multiline)
    except _NotUtf8 as exc:
        if not detected:
            raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=str(exc)) from exc
        encoding = "gb18030"  # ASCII head, GBK further in
        table, footer_rows = _read_arrow(path, kind, encoding, layout, multiline=multiline)
    footer = tuple(line for line in (footer_text(fields) for fields in footer_rows) if line)
    if len(layout.header) == table.num_columns:
        header = layout.header  # as written: a header "NA" or "None" must not become null
    else:
        first = table.slice(0, 1).to_pylist()[0] if table.num_rows else {}
        header = [first.get(f"f{i}") for i in range(table.num_columns)]
    if looks_like_data(header):  # no header row: the first row is data
        names, rows = clean_headers([""] * table.num_columns), table
    else:
        names, rows = clean_headers(header), table.slice(1)
    if rows.num_rows == 0:
        raise InputFileError("ingest.no_rows", path=str(path))
    if footer:
        logger.info("%s: skipped %d footer lines below the data", path, len(footer))
    return rows.rename_columns(names), encoding, layout.delimiter, footer


def _read_aligned(
    path: Path, kind: FileKind, encoding: str, layout: AlignedLayout, *, detected: bool
) -> tuple[pa.Table, str]:
    """Space-aligned text read whole, and the encoding used (GB18030 when a UTF-8 guess fails further in)."""
    nulls = frozenset(NULL_MARKERS)
    try:
        try:
            return read_aligned(path, layout, iter_lines(path, kind, encoding), null_markers=nulls), encoding
        except UnicodeDecodeError as exc:
            if not detected or encoding != "utf-8":
                raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=one_line(exc)) from exc
            return read_aligned(path, layout, iter_lines(path, kind, "gb18030"), null_markers=nulls), "gb18030"
    except (EOFError, OSError) as exc:
        if isinstance(exc, InputFileError):
            raise
        key = "ingest.corrupt_gzip" if kind.compression else "ingest.os_error"
        raise InputFileError(key, path=str(path), detail=one_line(exc)) from exc


class _NotUtf8(Exception):
    """Arrow found bytes that aren't UTF-8 in a file read as UTF-8."""


class _RaggedRow(Exception):
    """Arrow found a row whose field count differs from the header's."""

    def __init__(self, row: Any) -> None:
        super().__init__(f"{row.actual_columns} fields, expected {row.expected_columns}")
        self.row = row


def _read_arrow(
    path: Path, kind: FileKind, encoding: str, layout: TextLayout, *, multiline: bool
) -> tuple[pa.Table, list[list[str]]]:
    """The file as a table whose row 0 is the header (footer left out), and the footer's records.

    The fast path is one Arrow parse; a file without ragged rows has no footer. Only when a row
    is ragged is the file scanned record by record (:func:`_scan_records`): a ragged row above
    the footer is an error naming its line; otherwise a second parse (which also respects quoted
    newlines the sample didn't show) skips the footer's ragged rows, and its rows that have the
    full field count are sliced off the end.
    """
    try:
        return _parse(path, kind, encoding, layout, newlines_in_values=multiline, skip_ragged=0), []
    except _RaggedRow as exc:
        first = exc.row
    expected = first.expected_columns
    scan = _scan_records(path, kind, encoding, layout, expected)
    if scan.bad_line is not None:
        raise InputFileError(
            "ingest.ragged", path=str(path), line=scan.bad_line, actual=scan.bad_fields, expected=expected
        )
    if scan.unreadable:  # the scan couldn't find the line: name none rather than a wrong one
        raise InputFileError("ingest.ragged", path=str(path), line="?", actual=first.actual_columns, expected=expected)
    ragged = sum(1 for record in scan.footer if len(record) != expected)
    try:
        table = _parse(path, kind, encoding, layout, newlines_in_values=True, skip_ragged=ragged)
    except _RaggedRow as exc:  # Arrow and the scan disagree
        raise InputFileError(
            "ingest.ragged", path=str(path), line="?", actual=exc.row.actual_columns, expected=expected
        ) from exc
    full_width = len(scan.footer) - ragged
    return table.slice(0, table.num_rows - full_width), scan.footer


def _parse(
    path: Path, kind: FileKind, encoding: str, layout: TextLayout, *, newlines_in_values: bool, skip_ragged: int
) -> pa.Table:
    """One Arrow parse; up to ``skip_ragged`` ragged rows (known to be footer lines) are dropped."""
    skipped: list[Any] = []
    ragged: list[Any] = []

    def on_invalid_row(row: Any) -> str:
        if len(skipped) < skip_ragged:
            skipped.append(row)
            return "skip"
        ragged.append(row)
        return "error"

    read_options = pacsv.ReadOptions(
        encoding="utf8" if encoding == "utf-8" else encoding,
        autogenerate_column_names=True,  # the header is data row 0: cleaned and named by us
        skip_rows=layout.skip_lines,  # title lines above the header
        block_size=_BLOCK_SIZE,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={f"f{i}": pa.string() for i in range(max(len(layout.header), 1))},
        null_values=list(NULL_MARKERS),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=layout.delimiter,
        quote_char='"',
        double_quote=True,
        newlines_in_values=newlines_in_values,
        invalid_row_handler=on_invalid_row,
    )
    try:
        with pa.input_stream(str(path), compression=kind.compression) as stream:
            return pacsv.read_csv(
                stream, read_options=read_options, parse_options=parse_options, convert_options=convert_options
            )
    except pa.ArrowInvalid as exc:
        text = one_line(exc)
        if "invalid UTF8" in text or "invalid utf8" in text.lower():
            raise _NotUtf8(text) from exc
        if "Empty CSV file" in text:
            raise InputFileError("ingest.empty", path=str(path)) from exc
        if ragged:
            raise _RaggedRow(ragged[0]) from exc
        raise InputFileError("ingest.csv_parse", path=str(path), detail=text) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=one_line(exc)) from exc
    except (EOFError, OSError) as exc:
        key = "ingest.corrupt_gzip" if kind.compression else "ingest.os_error"
        raise InputFileError(key, path=str(path), detail=one_line(exc)) from exc


def _filled(fields: list[str]) -> int:
    return sum(1 for value in fields if value.strip() and value not in NULL_MARKERS)


@dataclass
class _Scan:
    """What a record-by-record pass found: the first ragged line above the footer, or the footer."""

    bad_line: int | None = None
    bad_fields: int = 0
    footer: list[list[str]] = field(default_factory=list)
    unreadable: bool = False


def _scan_records(path: Path, kind: FileKind, encoding: str, layout: TextLayout, expected: int) -> _Scan:
    """Find the footer and the first ragged record above it (its physical start line), streaming.

    Records that could be footer lines (:func:`is_footer_row`) are held back until a data row
    shows they were data after all; the run still held at the end of the file is the footer if
    it has at most :data:`MAX_FOOTER_ROWS` rows, a data row is above it and at least one of its
    rows is ragged (a footer with the header's field count is indistinguishable from data).
    """
    run: list[tuple[int, list[str]]] = []  # the current run of footer-like records (capped)
    run_length = 0
    first_ragged_in_run: tuple[int, int] | None = None
    data_seen = False
    try:
        with _open_text(path, kind, encoding) as handle:
            reader = csv.reader(handle, delimiter=layout.delimiter, quotechar='"', strict=False)
            start, header_seen = 1, False
            for record in reader:
                line, start = start, reader.line_num + 1
                if not record or line <= layout.skip_lines:
                    continue
                if not header_seen:
                    header_seen = True
                    continue
                ragged = len(record) != expected
                if is_footer_row(_filled(record), len(record), expected):
                    run_length += 1
                    if len(run) <= MAX_FOOTER_ROWS:
                        run.append((line, record))
                    if ragged and first_ragged_in_run is None:
                        first_ragged_in_run = (line, len(record))
                    continue
                if first_ragged_in_run is not None:
                    return _Scan(bad_line=first_ragged_in_run[0], bad_fields=first_ragged_in_run[1])
                if ragged:
                    return _Scan(bad_line=line, bad_fields=len(record))
                run, run_length, data_seen = [], 0, True
    except (OSError, UnicodeDecodeError, csv.Error, EOFError):
        return _Scan(unreadable=True)
    if run_length > MAX_FOOTER_ROWS or not data_seen:  # too long for a footer, or nothing above it: data
        if first_ragged_in_run is not None:
            return _Scan(bad_line=first_ragged_in_run[0], bad_fields=first_ragged_in_run[1])
        return _Scan()
    if first_ragged_in_run is None:
        return _Scan()  # no ragged row: rows any CSV writer could write are data
    return _Scan(footer=[record for _, record in run])


def _open_text(path: Path, kind: FileKind, encoding: str) -> io.TextIOBase:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    if kind.compression == "gzip":
        return gzip.open(path, "rt", encoding=codec, newline="")
    return path.open("r", encoding=codec, newline="")


def iter_lines(path: Path, kind: FileKind, encoding: str) -> Iterator[str]:
    """The decoded lines of a text file, streamed (used by readers that parse line by line)."""
    with _open_text(path, kind, encoding) as handle:
        yield from handle
