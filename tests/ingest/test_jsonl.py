"""JSON lines and JSON lists: types, union of keys, mixed types, malformed lines with their number."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from customer_value.errors import InputFileError
from customer_value.ingest import read_file


def test_json_lines_with_arrow_types(tmp_path):
    path = tmp_path / "events.jsonl"
    rows = [
        {"customer_id": "C1", "occurred_at": "2024-01-02T03:04:05", "kind": "login", "value": 1},
        {"customer_id": "C2", "occurred_at": "2024-01-03T00:00:00", "kind": "访问", "value": 2, "extra": True},
    ]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n\n", encoding="utf-8")
    raw = read_file(path)
    assert raw.format == "jsonl" and raw.encoding == "utf-8"
    assert raw.table.num_rows == 2
    assert raw.table.column("occurred_at").to_pylist()[0] == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert raw.table.column("kind").to_pylist() == ["login", "访问"]
    assert raw.table.column("extra").to_pylist() == [None, True]


def test_ndjson_with_mixed_types_keeps_every_value(tmp_path):
    path = tmp_path / "orders.ndjson"
    path.write_text('{"id": 1, "amount": 12.5}\n{"id": 2, "amount": "¥8"}\n', encoding="utf-8")
    table = read_file(path).table
    assert table.column("amount").to_pylist() == ["12.5", "¥8"]
    assert table.column("id").to_pylist() == [1, 2]


def test_json_list_of_objects_with_union_of_keys(tmp_path):
    path = tmp_path / "customers.json"
    path.write_text(json.dumps([{"a": 1}, {"a": 2, "b": "x"}]), encoding="utf-8")
    raw = read_file(path)
    assert raw.format == "json"
    assert raw.table.to_pydict() == {"a": [1, 2], "b": [None, "x"]}


def test_json_extension_holding_json_lines(tmp_path):
    path = tmp_path / "lines.json"
    path.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    raw = read_file(path)
    assert raw.format == "jsonl" and raw.table.num_rows == 2


def test_gbk_json_lines(tmp_path):
    path = tmp_path / "zh.jsonl"
    path.write_bytes('{"客户编号": "C1", "备注": "老客户"}\n'.encode("gbk"))
    raw = read_file(path)
    assert raw.encoding == "gb18030"
    assert raw.table.to_pydict() == {"客户编号": ["C1"], "备注": ["老客户"]}


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('{"a": 1}\n{"a": 2}\n{"a": \n', "ingest.json_line", 3),
        ('{"a": 1}\n\n[1, 2]\n', "ingest.json_not_object", 3),
        ('{"a": 1}\n{"a": 2,}\n', "ingest.json_line", 2),
    ],
)
def test_malformed_json_lines_name_the_line(tmp_path, text, key, line):
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == key
    assert info.value.fields["line"] == line
    assert f"line {line}" in str(info.value) and str(path) in str(info.value)


def test_json_document_that_is_not_a_list(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"a": 1},\n {"a": }]', encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(broken)
    assert (info.value.key, info.value.fields["line"]) == ("ingest.json_line", 2)
    scalars = tmp_path / "scalars.json"
    scalars.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(scalars)
    assert info.value.key == "ingest.json_item_not_object"


def test_empty_json_list(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.no_rows"


def test_truncated_gzip_json_lines(tmp_path):
    import gzip
    import random

    rng = random.Random(1)
    data = gzip.compress("".join(json.dumps({"a": rng.random()}) + "\n" for _ in range(20_000)).encode())
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.corrupt_gzip"
