"""Excel workbooks: sheets by name, native types, mixed columns, corrupt files."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pyarrow as pa
import pytest

from customer_value.errors import ConfigError, InputFileError
from customer_value.ingest import read_file


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "crm.xlsx"
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "客户"
    customers.append(["客户编号", "姓名", "注册时间", "积分"])
    customers.append(["C001", "张三", dt.datetime(2024, 3, 5, 9, 30), 120])
    customers.append([None, None, None, None])  # an empty row in the middle
    customers.append(["C002", "李四", dt.datetime(2024, 4, 1), 80.5])
    orders = book.create_sheet("订单")
    orders.append(["客户编号", "下单时间", "金额", "备注"])
    orders.append(["C001", dt.date(2024, 5, 1), 99.5, "N/A"])
    orders.append(["C002", dt.date(2024, 5, 2), "N/A", 3])
    book.save(path)
    return path


def test_first_sheet_by_default_with_native_types(workbook):
    raw = read_file(workbook)
    assert (raw.format, raw.sheet, raw.encoding, raw.delimiter) == ("excel", "客户", None, None)
    table = raw.table
    assert table.column_names == ["客户编号", "姓名", "注册时间", "积分"]
    assert table.num_rows == 2  # the empty row is skipped
    assert pa.types.is_timestamp(table.schema.field("注册时间").type)
    assert table.column("注册时间").to_pylist()[0] == dt.datetime(2024, 3, 5, 9, 30)
    assert table.column("积分").to_pylist() == [120, 80.5]


def test_sheet_by_name_and_mixed_columns_become_text(workbook):
    raw = read_file(workbook, sheet="订单")
    assert raw.sheet == "订单"
    assert raw.table.column("金额").to_pylist() == ["99.5", "N/A"]
    assert raw.table.column("备注").to_pylist() == ["N/A", "3"]


def test_missing_sheet_lists_the_sheets(workbook):
    with pytest.raises(InputFileError) as info:
        read_file(workbook, sheet="Orders")
    assert info.value.key == "ingest.missing_sheet"
    assert "Orders" in str(info.value) and "客户, 订单" in str(info.value)


def test_sheet_option_on_a_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        read_file(path, sheet="x")


def test_header_only_sheet(tmp_path):
    path = tmp_path / "h.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["customer_id", "amount"])
    book.save(path)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.no_rows"


def test_corrupt_xlsx(tmp_path, workbook):
    truncated = tmp_path / "broken.xlsx"
    truncated.write_bytes(workbook.read_bytes()[:600])
    text = tmp_path / "text.xlsx"
    text.write_text("customer_id,amount\n1,2\n", encoding="utf-8")
    for path in (truncated, text):
        with pytest.raises(InputFileError) as info:
            read_file(path)
        assert info.value.key == "ingest.corrupt_excel"
        assert str(path) in str(info.value)


def test_legacy_xls_is_named(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.legacy_xls"


def test_report_title_rows_above_the_header_are_skipped(tmp_path):
    path = tmp_path / "report.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户订单明细"])
    sheet.append([None])
    sheet.append(["导出时间：2024-03-01"])
    sheet.append(["客户编号", "下单时间", "实付金额"])
    sheet.append(["C1", dt.datetime(2024, 1, 1), 10])
    book.save(path)
    raw = read_file(path)
    assert raw.table.column_names == ["客户编号", "下单时间", "实付金额"]
    assert raw.table.num_rows == 1


def test_single_column_sheet_keeps_its_first_row_as_header(tmp_path):
    path = tmp_path / "ids.xlsx"
    book = openpyxl.Workbook()
    for value in ("customer_id", "C1", "C2"):
        book.active.append([value])
    book.save(path)
    assert read_file(path).table.to_pydict() == {"customer_id": ["C1", "C2"]}


def test_header_with_numbers_below_a_title_is_not_mistaken(tmp_path):
    # A one-cell first row followed by a data-like row (a number) is the header, not a title.
    path = tmp_path / "odd.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["客户编号", None])
    book.active.append(["C1", 5])
    book.save(path)
    assert read_file(path).table.to_pydict() == {"客户编号": ["C1"], "column_2": [5]}
