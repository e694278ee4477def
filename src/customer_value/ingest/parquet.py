"""Parquet files read with Arrow; columns keep their types."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from customer_value.errors import InputFileError
from customer_value.ingest.detect import FileKind, one_line
from customer_value.ingest.raw import with_clean_headers


def read_parquet(path: Path, kind: FileKind) -> pa.Table:
    """Read a Parquet file (optionally gzip-wrapped) with cleaned headers.

    Raises
    ------
    InputFileError
        The file is not valid Parquet, or has no rows.
    """
    try:
        if kind.compression == "gzip":
            with pa.input_stream(str(path), compression="gzip") as stream:
                table = pq.read_table(pa.BufferReader(stream.read()))
        else:
            table = pq.read_table(str(path))
    except (pa.ArrowException, OSError, EOFError, ValueError) as exc:
        raise InputFileError("ingest.corrupt_parquet", path=str(path), detail=one_line(exc)) from exc
    if table.num_rows == 0:
        raise InputFileError("ingest.no_rows", path=str(path))
    return with_clean_headers(table)
