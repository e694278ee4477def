"""Excel workbooks for people: one sheet per table, labels in the user's language.

Each sheet has the column labels of docs/columns.md (``column.*`` in the catalogs) as a frozen,
bold header row, number formats (thousands separators, two decimals, percentages for the 0–1
probabilities, dates), and coded values, booleans and lists in words. Text is always written as
text: a value such as ``=HYPERLINK(…)`` never becomes a live formula. CSV and Parquet exports keep
the machine names and codes instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from customer_value.errors import ConfigError
from customer_value.runs.labels import column_label, value_label
from customer_value.scoring.reasons import render_reasons

if TYPE_CHECKING:
    from customer_value.config import PlaybookConfig

__all__ = ["MAX_ROWS", "PERCENT_COLUMNS", "number_format", "write_workbook"]

#: Rows an Excel sheet holds below its header.
MAX_ROWS = 1_048_575
#: Probabilities in [0, 1], shown as percentages.
PERCENT_COLUMNS = frozenset({"p_alive", "churn_probability", "cross_buy_probability", "match_probability"})
_WIDTH = (10, 40)  # narrowest and widest column, in characters


def number_format(field: pa.Field) -> str | None:
    """The Excel number format of a column (None: text, as written)."""
    kind = field.type
    if field.name in PERCENT_COLUMNS:
        return "0.0%"
    if pa.types.is_integer(kind):
        return "#,##0"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "#,##0.00"
    if pa.types.is_timestamp(kind):
        return "yyyy-mm-dd hh:mm:ss"
    if pa.types.is_date(kind):
        return "yyyy-mm-dd"
    return None


def _width(label: str) -> float:
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in label)  # CJK characters take two columns
    return float(min(max(wide + 2, _WIDTH[0]), _WIDTH[1]))


def _styled(sheet: WriteOnlyWorksheet, *, number: str | None = None, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    if number:
        cell.number_format = number
    if bold:
        cell.font = Font(bold=True)
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Any, style: WriteOnlyCell) -> Any:
    """A value as a cell: numbers and dates with the column's format, text always as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; the wall-clock time is kept
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell._style = style._style  # noqa: SLF001 — the column's style, shared (copying a style is slow)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    return cell


def _shown(lang: str, column: str, value: Any, playbooks: PlaybookConfig | None) -> Any:
    if column == "reasons" and isinstance(value, str):
        return "\n".join(render_reasons(value, lang))
    return value_label(lang, column, value, playbooks)


def write_workbook(
    tables: Mapping[str, pa.Table], path: Path, *, lang: str = "en", playbooks: PlaybookConfig | None = None
) -> None:
    """Write each table to its own sheet of a new workbook at ``path``.

    Raises
    ------
    ConfigError
        A table has more rows than an Excel sheet holds.
    """
    book = Workbook(write_only=True)
    for name, table in tables.items():
        if table.num_rows > MAX_ROWS:
            raise ConfigError("option.too_many_rows_for_excel", table=name, rows=table.num_rows, limit=MAX_ROWS)
        sheet = book.create_sheet(name[:31])
        sheet.freeze_panes = "A2"
        labels = [column_label(lang, column) for column in table.column_names]
        for index, label in enumerate(labels, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(label)
        bold = _styled(sheet, bold=True)
        sheet.append([_cell(sheet, label, bold) for label in labels])
        styles = [_styled(sheet, number=number_format(field)) for field in table.schema]
        for batch in table.to_batches():
            columns = [
                [_shown(lang, column, value, playbooks) for value in batch.column(i).to_pylist()]
                for i, column in enumerate(batch.schema.names)
            ]
            for row in zip(*columns, strict=True):
                sheet.append([_cell(sheet, value, style) for value, style in zip(row, styles, strict=True)])
    book.save(path)
