"""Encoding and delimiter detection on samples."""

from __future__ import annotations

import pytest

from customer_value.ingest import read_file
from customer_value.ingest.detect import detect_encoding, looks_binary, sniff_delimiter


@pytest.mark.parametrize(
    ("text", "preferred", "expected"),
    [
        ("a,b,c\n1,2,3\n", None, ","),
        ("a;b;c\n1,5;2,5;3\n", None, ";"),
        ("a\tb\n1\t2\n", None, "\t"),
        ("a|b\n1|2\n", None, "|"),
        ('name,note\n"Li, Wei","a;b;c"\n"Wang","x;y;z"\n', None, ","),
        ("only_one_column\n1\n2\n", None, ","),
        ("only_one_column\n1\n", "\t", "\t"),
        ("a,b;c\n1,2;3\n4,5;6\n", "\t", ","),  # both split consistently: the first candidate wins ties
        ("a;b;c;d\n1;2;3;4\n5,6;7;8;9\n", None, ";"),
        ("a,b\n1,2\npartial line without newline;;;;;;", None, ","),  # a cut-off last line is ignored
    ],
)
def test_sniff_delimiter(text, preferred, expected):
    assert sniff_delimiter(text, preferred=preferred) == expected


def test_encoding_detection(tmp_path):
    path = tmp_path / "x.csv"
    cases = {
        "utf-8": "名称,金额\n苹果,1\n".encode(),
        "gb18030": "名称,金额\n苹果,1\n".encode("gbk"),
        "utf-16": "a,b\n1,2\n".encode("utf-16"),
        "cp1252": "name,city\nRené,Zürich\n".encode("cp1252"),
    }
    for expected, data in cases.items():
        path.write_bytes(data)
        assert detect_encoding(path, None, data) == expected, expected


def test_cp1252_file_reads(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_bytes("name;city\nRené;Zürich\n".encode("cp1252"))
    raw = read_file(path)
    assert raw.encoding == "cp1252"
    assert raw.table.to_pydict() == {"name": ["René"], "city": ["Zürich"]}


def test_looks_binary():
    assert looks_binary(b"a,b\n\x00\x01")
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary("a,b\n中文\n".encode())
    assert not looks_binary("a,b\n".encode("utf-16"))
