"""``read_file``: any supported file into a :class:`RawTable`, whatever its format, encoding or delimiter."""

from __future__ import annotations

from pathlib import Path

from customer_value.errors import ConfigError
from customer_value.ingest.delimited import read_delimited
from customer_value.ingest.detect import fingerprint, sheet_fingerprint, sniff_kind
from customer_value.ingest.excel import read_excel
from customer_value.ingest.jsonl import read_json
from customer_value.ingest.parquet import read_parquet
from customer_value.ingest.raw import RawTable


def read_file(
    path: Path | str,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read a CSV/TSV/TXT, Excel, Parquet or JSON file (optionally ``.gz``) into Arrow.

    The format comes from the extension, checked against the first bytes; a file with an
    unknown extension is sniffed (Parquet, xlsx, JSON, else delimited text). For text, the
    encoding (BOM, strict UTF-8, else GB18030) and the delimiter (comma, tab, semicolon, pipe,
    else columns aligned by spaces) are detected from samples.

    Parameters
    ----------
    path
        The file.
    sheet
        Excel sheet name (default: the first sheet). Only for Excel files.
    encoding, delimiter
        Override detection for delimited text (a Python codec name such as ``gbk``; one character
        or :data:`~customer_value.ingest.detect.WHITESPACE`, see
        :func:`~customer_value.ingest.detect.parse_delimiter`).

    Returns
    -------
    RawTable
        Delimited text as all-string columns (empty → null); other formats with native types.
        Headers are stripped of whitespace and BOM; duplicates get ``_2``, ``_3``; empty ones are
        named ``column_N``. Report titles above the header and a report footer below the data
        (delimited text and Excel) are left out; ``footer`` lists the footer lines. The
        fingerprint is of the file's bytes, and for Excel of those and the sheet read.

    Raises
    ------
    InputFileError
        The file is missing, a directory, empty, binary, of an unknown kind, corrupt, has no
        data rows, a ragged row or a malformed JSON line; the message names the file and why.
    ConfigError
        ``sheet`` was given for a file that isn't a workbook, or ``delimiter`` for one that isn't
        delimited text.
    """
    path = Path(path)
    kind = sniff_kind(path)
    if sheet is not None and kind.format != "excel":
        raise ConfigError("ingest.sheet_not_excel", sheet=sheet, path=str(path))
    if delimiter is not None and kind.format != "csv":
        raise ConfigError("ingest.delimiter_not_text", delimiter=delimiter, path=str(path))
    text_encoding: str | None = None
    used_delimiter: str | None = None
    used_sheet: str | None = None
    footer: tuple[str, ...] = ()
    fmt = kind.format
    if fmt == "csv":
        table, text_encoding, used_delimiter, footer = read_delimited(
            path, kind, encoding=encoding, delimiter=delimiter
        )
    elif fmt == "excel":
        table, used_sheet, footer = read_excel(path, kind, sheet=sheet)
    elif fmt == "parquet":
        table = read_parquet(path, kind)
    else:
        table, fmt, text_encoding = read_json(path, kind)
    digest = fingerprint(path)
    return RawTable(
        table=table,
        source=str(path),
        format=fmt,
        encoding=text_encoding,
        delimiter=used_delimiter,
        sheet=used_sheet,
        fingerprint=sheet_fingerprint(digest, used_sheet) if used_sheet is not None else digest,
        footer=footer,
    )
