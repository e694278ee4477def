"""JSON sources: JSON lines (one object per line: .jsonl, .ndjson) and a .json list of objects.

JSON lines in UTF-8 go through Arrow's multithreaded JSON reader (types inferred: numbers,
booleans, ISO timestamps, nested structs). When Arrow refuses the file — a malformed line, or a
key whose type changes between lines — it is parsed again line by line, which names the bad line
or keeps a mixed-type column as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pajson

from customer_value.errors import InputFileError
from customer_value.ingest.delimited import iter_lines
from customer_value.ingest.detect import FileKind, decode_sample, detect_encoding, looks_binary, one_line, read_head
from customer_value.ingest.raw import table_from_columns, with_clean_headers

_BLOCK_SIZE = 4 << 20


def read_json(path: Path, kind: FileKind) -> tuple[pa.Table, str, str]:
    """Read JSON lines, or a JSON list of objects, into an Arrow table.

    Returns
    -------
    (table, format, encoding)
        ``format`` is ``jsonl`` or ``json`` after looking at the content (a ``.json`` file that
        holds one object per line is read as JSON lines).

    Raises
    ------
    InputFileError
        A line that isn't valid JSON or isn't an object (with its line number), a document that
        isn't a list of objects, no rows.
    """
    head = read_head(path, kind.compression)
    if looks_binary(head):
        raise InputFileError("ingest.binary", path=str(path))
    encoding = detect_encoding(path, kind.compression, head)
    start = decode_sample(head, encoding).lstrip()[:1]
    if not start:
        raise InputFileError("ingest.empty", path=str(path))
    if start == "[":
        rows = _load_list(path, kind, encoding)
        return _require_rows(path, _rows_to_table(rows)), "json", encoding
    return _read_lines(path, kind, encoding), "jsonl", encoding


def _read_lines(path: Path, kind: FileKind, encoding: str) -> pa.Table:
    if encoding == "utf-8":
        try:
            with pa.input_stream(str(path), compression=kind.compression) as stream:
                table = pajson.read_json(stream, read_options=pajson.ReadOptions(block_size=_BLOCK_SIZE))
            return _require_rows(path, with_clean_headers(table))
        except (pa.ArrowException, OSError, EOFError):
            pass  # parse line by line below: names the bad line, or keeps mixed types as text
    return _require_rows(path, _rows_to_table(_parse_lines(path, kind, encoding)))


def _parse_lines(path: Path, kind: FileKind, encoding: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        for number, line in enumerate(iter_lines(path, kind, encoding), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError("ingest.json_line", path=str(path), line=number, detail=exc.msg) from exc
            if not isinstance(row, dict):
                raise InputFileError("ingest.json_not_object", path=str(path), line=number)
            rows.append(row)
    except UnicodeDecodeError as exc:
        raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=one_line(exc)) from exc
    except (EOFError, OSError) as exc:
        if isinstance(exc, InputFileError):
            raise
        raise _read_error(path, kind, exc) from exc
    return rows


def _load_list(path: Path, kind: FileKind, encoding: str) -> list[dict[str, Any]]:
    try:
        text = "".join(iter_lines(path, kind, encoding))
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError("ingest.json_line", path=str(path), line=exc.lineno, detail=exc.msg) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError("ingest.encoding", path=str(path), encoding=encoding, detail=one_line(exc)) from exc
    except (EOFError, OSError) as exc:
        raise _read_error(path, kind, exc) from exc
    if not isinstance(document, list):
        raise InputFileError("ingest.json_shape", path=str(path))
    for index, row in enumerate(document, start=1):
        if not isinstance(row, dict):
            raise InputFileError("ingest.json_item_not_object", path=str(path), index=index)
    return document


def _read_error(path: Path, kind: FileKind, exc: BaseException) -> InputFileError:
    key = "ingest.corrupt_gzip" if kind.compression else "ingest.os_error"
    return InputFileError(key, path=str(path), detail=one_line(exc))


def _rows_to_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    rows = list(rows)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    columns = [[row.get(name) for row in rows] for name in names]
    return with_clean_headers(table_from_columns(list(names), columns))


def _require_rows(path: Path, table: pa.Table) -> pa.Table:
    if table.num_rows == 0 or table.num_columns == 0:
        raise InputFileError("ingest.no_rows", path=str(path))
    return table
