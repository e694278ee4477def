"""read_file: format detection and the bad-input errors every format shares."""

from __future__ import annotations

import gzip
import random

import pytest

from customer_value.errors import InputFileError
from customer_value.ingest import RawTable, read_file

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _error(path) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        read_file(path)
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    assert str(path) in message, "errors name the file"
    assert info.value.fields["path"] == str(path)
    assert str(path) in info.value.render("zh")
    return info.value


def test_missing_file(tmp_path):
    error = _error(tmp_path / "nope.csv")
    assert error.key == "ingest.not_found"
    assert "does not exist" in str(error)
    assert "不存在" in error.render("zh")


def test_directory(tmp_path):
    assert _error(tmp_path).key == "ingest.is_directory"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert _error(path).key == "ingest.empty"


def test_png_named_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(PNG)
    error = _error(path)
    assert error.key == "ingest.binary_kind" and error.fields["kind"] == "PNG"


def test_unknown_extension_binary(tmp_path):
    path = tmp_path / "data.xyz"
    path.write_bytes(bytes(range(256)) * 4)
    error = _error(path)
    assert error.key == "ingest.unknown_format"
    assert ".xyz" in str(error)


def test_unknown_extension_text_is_sniffed(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text("customer_id|amount\n1|2\n", encoding="utf-8")
    raw = read_file(path)
    assert (raw.format, raw.delimiter, raw.table.num_rows) == ("csv", "|", 1)
    no_extension = tmp_path / "export"
    no_extension.write_text('{"a": 1}\n', encoding="utf-8")
    assert read_file(no_extension).format == "jsonl"


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "orders.csv.gz"
    rng = random.Random(0)
    data = gzip.compress(b"a,b\n" + b"".join(f"{rng.random()},{rng.random()}\n".encode() for _ in range(50_000)))
    path.write_bytes(data[: len(data) // 2])  # truncated: must fail, not return half the rows
    assert _error(path).key == "ingest.corrupt_gzip"
    not_gzip = tmp_path / "plain.csv.gz"
    not_gzip.write_text("a,b\n1,2\n", encoding="utf-8")
    assert _error(not_gzip).key == "ingest.corrupt_gzip"


def test_str_path_is_accepted(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert read_file(str(path)).source == str(path)


@pytest.mark.parametrize("header", ["PAR1,PAR2", "MZ,BZh", "PK,amount"])
def test_text_starting_like_a_magic_number_is_text(tmp_path, header):
    path = tmp_path / "codes.csv"
    path.write_text(f"{header}\n1,2\n", encoding="utf-8")
    assert read_file(path).table.column_names == header.split(",")


def test_formats_without_footers_list_none(tmp_path):
    path = tmp_path / "orders.jsonl"
    path.write_text('{"customer_id": "C1", "amount": 1}\n', encoding="utf-8")
    raw = read_file(path)
    assert raw.footer == ()
    # RawTable built by other code without the newer field still works.
    assert RawTable(raw.table, raw.source, raw.format, None, None, None, raw.fingerprint).footer == ()
