"""Byte-reproducible .xlsx files: openpyxl stamps the save time into the zip and core.xml.

The workbook is written to memory, then re-zipped with a fixed timestamp per entry and fixed
created/modified document properties, so the same rows always give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = "2020-01-01T00:00:00Z"
_DOC_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def write_xlsx(path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write one sheet: a header row, then ``rows`` (str, int, float, datetime or None cells)."""
    book = Workbook(write_only=True)
    book.properties.creator = "customer-value"
    book.properties.created = datetime(2020, 1, 1)
    page = book.create_sheet(sheet)
    page.append(list(header))
    for row in rows:
        page.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_normalise(buffer.getvalue()))


def _normalise(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _DOC_TIMES.sub(rb"\g<1>" + _FIXED_DOC_TIME.encode() + rb"\g<3>", content)
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()
