"""Text aligned in columns by spaces: fixed-width reports and CDNOW's own layout, detected or asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from customer_value.errors import ConfigError, InputFileError
from customer_value.ingest import read_file
from customer_value.ingest.detect import WHITESPACE, parse_delimiter
from customer_value.sample import cdnow_transactions_path

CDNOW_LINES = [" 00004 00001 19970101  2  29.33", " 00004 00001 19970118  2  29.73", " 00021 00002 19970101  3  63.34"]


def _write(path: Path, lines: list[str], newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


def test_aligned_columns_with_a_header_and_crlf_are_detected(tmp_path):
    path = _write(tmp_path / "orders.txt", ["customer   date      qty  amount", *(
        "00001      19970101    1   11.77",
        "00002      19970102   12  105.00",
        "00003      19970103    3    9.50",
    )])
    raw = read_file(path)
    assert raw.delimiter == WHITESPACE
    assert raw.table.column_names == ["customer", "date", "qty", "amount"]
    assert raw.table.column("customer").to_pylist() == ["00001", "00002", "00003"]
    assert raw.table.column("qty").to_pylist() == ["1", "12", "3"]
    assert raw.table.column("amount").to_pylist() == ["11.77", "105.00", "9.50"]


def test_cdnow_without_a_header_keeps_its_first_row(tmp_path):
    raw = read_file(_write(tmp_path / "cdnow.txt", CDNOW_LINES))
    assert raw.delimiter == WHITESPACE
    assert raw.table.column_names == [f"column_{i}" for i in range(1, 6)]
    assert raw.table.num_rows == 3
    assert raw.table.column("column_1").to_pylist() == ["00004", "00004", "00021"]
    assert raw.table.column("column_5").to_pylist() == ["29.33", "29.73", "63.34"]


def test_the_bundled_cdnow_file_reads_whole():
    raw = read_file(cdnow_transactions_path())
    assert raw.delimiter == WHITESPACE and raw.table.num_rows == 6919 and raw.table.num_columns == 5


def test_names_with_single_spaces_stay_one_value_in_aligned_columns(tmp_path):
    path = _write(tmp_path / "customers.txt", [
        "id     name             city       signup",
        "C001   John Smith       London     2024-01-02",
        "C002   Li Na            Beijing    2024-01-03",
        "C003   Mary Ann Lee     New York   2024-01-04",
        "C004   Bo               Paris",
    ])
    raw = read_file(path)
    assert raw.table.column_names == ["id", "name", "city", "signup"]
    assert raw.table.column("name").to_pylist() == ["John Smith", "Li Na", "Mary Ann Lee", "Bo"]
    assert raw.table.column("city").to_pylist() == ["London", "Beijing", "New York", "Paris"]
    assert raw.table.column("signup").to_pylist() == ["2024-01-02", "2024-01-03", "2024-01-04", None]


def test_a_header_wider_than_its_right_aligned_numbers(tmp_path):
    path = _write(tmp_path / "o.txt", [
        "Customer ID  Order Date   Quantity   Amount",
        "A1           2024-01-02          1     9.99",
        "B22          2024-01-03         12   120.00",
    ], newline="\n")
    raw = read_file(path)
    assert raw.table.column_names == ["Customer ID", "Order Date", "Quantity", "Amount"]
    assert raw.table.column("Quantity").to_pylist() == ["1", "12"]


def test_report_title_lines_above_an_aligned_header_are_skipped(tmp_path):
    path = _write(tmp_path / "report.txt", [
        "订单明细表",
        "",
        "导出时间：2024-02-01 10:00",
        "customer   date      qty  amount",
        "00001      19970101    1   11.77",
        "00002      19970102   12  105.00",
    ])
    raw = read_file(path)
    assert raw.table.column_names == ["customer", "date", "qty", "amount"]
    assert raw.table.column("customer").to_pylist() == ["00001", "00002"]


def test_single_space_separated_values_need_not_be_aligned(tmp_path):
    path = _write(tmp_path / "o.txt", ["id date qty amount", "1 19970101 1 11.77", "12 19970102 10 5", "123 19970103 2 0.5"])
    raw = read_file(path)
    assert raw.delimiter == WHITESPACE
    assert raw.table.column("amount").to_pylist() == ["11.77", "5", "0.5"]


def test_asking_for_whitespace_reads_two_columns_too(tmp_path):
    path = _write(tmp_path / "o.txt", ["id amount", "1 11.77", "12 5"])
    assert read_file(path).table.num_columns == 1  # two unaligned columns are not detected
    raw = read_file(path, delimiter=parse_delimiter("whitespace"))
    assert raw.table.column_names == ["id", "amount"]
    assert raw.table.column("amount").to_pylist() == ["11.77", "5"]


def test_a_ragged_line_of_space_separated_values_names_its_line(tmp_path):
    path = _write(tmp_path / "o.txt", ["id date qty amount", "1 19970101 1 11.77", "12 19970102 10", "3 19970103 2 5"])
    with pytest.raises(InputFileError, match="line 3 has 3 fields but the header has 4"):
        read_file(path, delimiter=WHITESPACE)


def test_whitespace_asked_for_but_no_columns(tmp_path):
    path = _write(tmp_path / "one.txt", ["customer_id", "A1", "B2"])
    with pytest.raises(InputFileError, match="no columns separated by spaces"):
        read_file(path, delimiter=WHITESPACE)


def test_a_comma_file_is_not_mistaken_for_aligned_text(tmp_path):
    path = _write(tmp_path / "o.csv", ["id,name,date", "1,John Smith,2024-01-01 10:00", "2,Ann Lee,2024-01-02 11:00"])
    raw = read_file(path)
    assert raw.delimiter == "," and raw.table.column("name").to_pylist() == ["John Smith", "Ann Lee"]


def test_a_headerless_csv_keeps_its_first_row(tmp_path):
    raw = read_file(_write(tmp_path / "o.csv", ["1,2024-01-01,10.5", "2,2024-01-02,3"]))
    assert raw.table.column_names == ["column_1", "column_2", "column_3"]
    assert raw.table.column("column_3").to_pylist() == ["10.5", "3"]


@pytest.mark.parametrize(
    ("option", "delimiter"),
    [("whitespace", WHITESPACE), ("space", WHITESPACE), (" ", WHITESPACE), ("tab", "\t"), ("\\t", "\t"),
     (";", ";"), ("semicolon", ";"), ("comma", ","), ("pipe", "|"), ("TAB", "\t")],
)
def test_delimiter_option_names(option, delimiter):
    assert parse_delimiter(option) == delimiter


@pytest.mark.parametrize("option", ["", ";;", "spaces and tabs"])
def test_an_unknown_delimiter_option_lists_the_valid_ones(option):
    with pytest.raises(ConfigError, match="whitespace"):
        parse_delimiter(option)


def test_a_delimiter_for_a_workbook_is_an_error(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id"])
    book.active.append(["A"])
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(ConfigError, match="delimited text"):
        read_file(tmp_path / "b.xlsx", delimiter=";")
