"""Excel workbooks (.xlsx, .xlsm) read with openpyxl in read-only mode, one sheet at a time.

Cells keep their native types (numbers, datetimes, booleans, text); a column whose cells mix
types (numbers and ``"N/A"``) is read as text so nothing is lost. The header is the first row
with any value below report titles (see ``_find_header``); rows whose cells are all empty are
skipped, as are a report footer below the data (``合计`` with one number, ``制表人：…``; see
``_read_rows``) and trailing columns that have neither a header nor a value. openpyxl's warnings
about what it can't keep of a workbook's formatting (styles, data validation, drawings) say
nothing about the data: they are logged, never printed.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
from openpyxl.utils.exceptions import InvalidFileException

from customer_value.errors import InputFileError
from customer_value.ingest.detect import FileKind, one_line
from customer_value.ingest.raw import MAX_FOOTER_ROWS, clean_headers, footer_text, is_footer_row, table_from_columns

logger = logging.getLogger(__name__)

_MAX_TITLE_ROWS = 10


@contextlib.contextmanager
def _formatting_warnings_logged(path: Path) -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                logger.debug("%s: openpyxl: %s", path, warning.message)


def read_excel(
    path: Path, kind: FileKind, *, sheet: str | None = None
) -> tuple[pa.Table, str, tuple[str, ...]]:
    """Read one sheet of a workbook.

    Parameters
    ----------
    sheet
        Sheet name; None reads the first worksheet.

    Returns
    -------
    (table, sheet, footer)
        The rows below the header, the name of the sheet that was read and the footer lines
        below the data that were skipped (see ``RawTable.footer``).

    Raises
    ------
    InputFileError
        The workbook is corrupt, or has no sheet named ``sheet`` (the message lists the sheets).
    """
    with _formatting_warnings_logged(path):
        try:
            source: Any = path
            if kind.compression == "gzip":
                with pa.input_stream(str(path), compression="gzip") as stream:
                    source = io.BytesIO(stream.read())
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as exc:
            raise InputFileError("ingest.corrupt_excel", path=str(path), detail=one_line(exc)) from exc
        try:
            if sheet is None:
                if not workbook.worksheets:
                    raise InputFileError("ingest.no_rows", path=str(path))
                worksheet = workbook.worksheets[0]
            elif sheet in workbook.sheetnames:
                worksheet = workbook[sheet]
            else:
                raise InputFileError(
                    "ingest.missing_sheet", path=str(path), sheet=sheet, sheets=", ".join(workbook.sheetnames)
                )
            try:
                header, columns, footer = _read_rows(worksheet.iter_rows(values_only=True))
            except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
                raise InputFileError("ingest.corrupt_excel", path=str(path), detail=one_line(exc)) from exc
            title = worksheet.title
        finally:
            workbook.close()
    if not columns or not columns[0]:
        raise InputFileError("ingest.no_rows", path=str(path))
    if footer:
        logger.info("%s, sheet %s: skipped %d footer rows below the data", path, title, len(footer))
    return table_from_columns(clean_headers(header), columns), title, footer


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_title(row: tuple[Any, ...]) -> bool:
    filled = [value for value in row if not _blank(value)]
    return len(filled) == 1 and isinstance(filled[0], str)


def _is_header(row: tuple[Any, ...]) -> bool:
    filled = [value for value in row if not _blank(value)]
    return len(filled) >= 2 and all(isinstance(value, str) for value in filled)


def _find_header(rows: Iterator[tuple[Any, ...]]) -> tuple[list[Any] | None, list[tuple[Any, ...]]]:
    """The header row and the rows read past it; title rows above the header are dropped.

    A report title (``订单明细表``, ``导出时间：…``) is a row with one text cell above a row of at least
    two text cells; up to :data:`_MAX_TITLE_ROWS` of them are skipped. Otherwise the first
    non-empty row is the header.
    """
    leading: list[tuple[Any, ...]] = []
    for row in rows:
        if row is None or all(_blank(v) for v in row):
            continue
        leading.append(row)
        if not _is_title(row) or len(leading) > _MAX_TITLE_ROWS:
            break
    if not leading:
        return None, []
    last = leading[-1]
    if len(leading) > 1 and _is_header(last) and all(_is_title(row) for row in leading[:-1]):
        return list(last), []
    return list(leading[0]), leading[1:]


def _width(row: tuple[Any, ...] | list[Any]) -> int:
    """Cells up to the last non-empty one (read-only sheets pad rows with empty cells)."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if not _blank(row[i])), 0)


def _read_rows(rows: Iterator[tuple[Any, ...]]) -> tuple[list[Any], list[list[Any]], tuple[str, ...]]:
    """Header, columns and footer lines of a sheet's rows.

    A run of at most :data:`MAX_FOOTER_ROWS` rows after the last data row, each with at most two
    non-empty cells (:func:`~customer_value.ingest.raw.is_footer_row`), is a report footer and is
    left out. Footer-like rows followed by a data row, or too many of them, are data.
    """
    header, pending = _find_header(rows)
    if header is None:
        return [], [], ()
    columns: list[list[Any]] = [[] for _ in header]
    width = _width(header)
    count = 0

    def append(row: tuple[Any, ...]) -> None:
        nonlocal count
        if len(row) > len(header):  # a value beyond the last header: give it an unnamed column
            extra = len(row) - len(header)
            header.extend([None] * extra)
            columns.extend([None] * count for _ in range(extra))
        for i, column in enumerate(columns):
            value = row[i] if i < len(row) else None
            column.append(None if value == "" else value)
        count += 1

    held: list[tuple[Any, ...]] = []  # footer-like rows after the last data row
    long_run = False  # more than MAX_FOOTER_ROWS footer-like rows in a row: they are data
    for row in itertools.chain(pending, rows):
        if row is None or all(_blank(v) for v in row):
            continue
        footer_like = count > 0 and is_footer_row(sum(not _blank(v) for v in row), _width(row), width)
        if footer_like and not long_run:
            held.append(row)
            if len(held) > MAX_FOOTER_ROWS:
                for kept in held:
                    append(kept)
                held, long_run = [], True
            continue
        for kept in held:
            append(kept)
        held, long_run = [], footer_like  # a footer-like row here is inside a long run
        append(row)
    while header and _blank(header[-1]) and all(v is None for v in columns[-1]):
        header.pop()
        columns.pop()
    return header, columns, tuple(footer_text(row) for row in held)
