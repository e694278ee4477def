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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from customer_value.errors import InputFileError, InternalError
from customer_value.ingest.detect import (
    FileKind,
    TextLayout,
    decode_sample,
    detect_encoding,
    looks_binary,
    one_line,
    read_head,
    sniff_layout,
)
from customer_value.ingest.raw import clean_headers

# Cells that mean "no value" and become null, matched exactly (case-sensitive, not trimmed).
# Quoted cells match too: "" and "NA" are null like their unquoted forms.
NULL_MARKERS = ("", "NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None")

_BLOCK_SIZE = 4 << 20
_PREFERRED = {".tsv": "\t", ".tab": "\t", ".psv": "|"}


def read_delimited(
    path: Path, kind: FileKind, *, encoding: str | None = None, delimiter: str | None = None
) -> tuple[pa.Table, str, str]:
    """Read delimited text into an all-string Arrow table with clean headers.

    Parameters
    ----------
    path
        The file; ``kind.compression`` says whether it is gzip-compressed.
    encoding, delimiter
        Override detection (a Python codec name; one character).

    Returns
    -------
    (table, encoding, delimiter)
        The rows (header excluded) and the encoding and delimiter that were used.

    Raises
    ------
    InputFileError
        Binary content, no data rows, a row whose field count differs from the header (with its
        line number), text that doesn't decode.
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
    layout = sniff_layout(text, delimiter=delimiter, preferred=_PREFERRED.get(suffixes[-1]) if suffixes else None)
    multiline = '"' in text
    try:
        table = _read_arrow(path, kind, encoding, layout, multiline=multiline)
    except _NotUtf8 as exc:
        if not detected:
            raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=str(exc)) from exc
        encoding = "gb18030"  # ASCII head, GBK further in
        table = _read_arrow(path, kind, encoding, layout, multiline=multiline)
    if table.num_rows <= 1:
        raise InputFileError("ingest.no_rows", path=str(path))
    if len(layout.header) == table.num_columns:
        header = layout.header  # as written: a header "NA" or "None" must not become null
    else:
        first = table.slice(0, 1).to_pylist()[0]
        header = [first[f"f{i}"] for i in range(table.num_columns)]
    names = clean_headers(header)
    return table.slice(1).rename_columns(names), encoding, layout.delimiter


class _NotUtf8(Exception):
    """Arrow found bytes that aren't UTF-8 in a file read as UTF-8."""


def _read_arrow(path: Path, kind: FileKind, encoding: str, layout: TextLayout, *, multiline: bool) -> pa.Table:
    ragged: list[Any] = []

    def on_invalid_row(row: Any) -> str:
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
    for newlines_in_values in (multiline, True) if not multiline else (True,):
        ragged.clear()
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
            if ragged and newlines_in_values:
                row = ragged[0]
                line = _find_ragged_line(path, kind, encoding, layout, row.expected_columns)
                raise InputFileError(
                    "ingest.ragged",
                    path=str(path),
                    line=line if line is not None else "?",
                    actual=row.actual_columns,
                    expected=row.expected_columns,
                ) from exc
            if ragged:  # maybe a quoted newline after the sample: parse again respecting quotes
                continue
            raise InputFileError("ingest.csv_parse", path=str(path), detail=text) from exc
        except UnicodeDecodeError as exc:
            raise InputFileError(
                "ingest.encoding", path=str(path), encoding=encoding, detail=one_line(exc)
            ) from exc
        except (EOFError, OSError) as exc:
            key = "ingest.corrupt_gzip" if kind.compression else "ingest.os_error"
            raise InputFileError(key, path=str(path), detail=one_line(exc)) from exc
    raise InternalError(detail="the CSV parse loop ended without a result")  # pragma: no cover


def _find_ragged_line(path: Path, kind: FileKind, encoding: str, layout: TextLayout, expected: int) -> int | None:
    """The physical line where the first record (below the titles) with another field count than ``expected`` starts."""
    try:
        with _open_text(path, kind, encoding) as handle:
            reader = csv.reader(handle, delimiter=layout.delimiter, quotechar='"', strict=False)
            start = 1
            for record in reader:
                if record and len(record) != expected and start > layout.skip_lines:
                    return start
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error, EOFError):
        return None
    return None


def _open_text(path: Path, kind: FileKind, encoding: str) -> io.TextIOBase:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    if kind.compression == "gzip":
        return gzip.open(path, "rt", encoding=codec, newline="")
    return path.open("r", encoding=codec, newline="")


def iter_lines(path: Path, kind: FileKind, encoding: str) -> Iterator[str]:
    """The decoded lines of a text file, streamed (used by readers that parse line by line)."""
    with _open_text(path, kind, encoding) as handle:
        yield from handle
