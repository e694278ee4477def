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


# -- report footers below the data -----------------------------------------------------------------

ERP_HEADER = ["单据编号", "日期", "客户编码", "客户", "物料名称", "数量", "单价", "价税合计", "税额", "币别"]


def _erp_sheet(path, tail):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["销售出库单序时簿"])
    sheet.append(ERP_HEADER)
    sheet.append(["XSCKD000001", dt.datetime(2024, 5, 3), "C0101", "华强电子", "电源适配器", 10, 18.5, 185.0, 21.28, "人民币"])
    sheet.append(["XSCKD000002", dt.datetime(2024, 5, 4), "C0102", "白云贸易", "锂电池组", 2, 126.0, 252.0, 28.99, "人民币"])
    for row in tail:
        sheet.append(row)
    book.save(path)
    return path


def test_footer_rows_below_the_data_are_skipped_and_listed(tmp_path):
    path = _erp_sheet(tmp_path / "erp.xlsx", [
        [None] * 10,
        ["总计", None, None, None, None, None, None, 437.0],
        ["制表人：张三"],
        [None, None, None, None, None, None, None, "打印时间：2024-06-01 09:00"],
    ])
    raw = read_file(path)
    assert raw.table.column("单据编号").to_pylist() == ["XSCKD000001", "XSCKD000002"]
    assert raw.footer == ("总计 437", "制表人：张三", "打印时间：2024-06-01 09:00")


def test_a_total_row_with_many_values_is_data(tmp_path):
    # Like Kingdee's 合计 row (a count, amounts and tax): read as a row, for quality to set aside.
    path = _erp_sheet(tmp_path / "erp.xlsx", [["合计", None, None, None, None, 12, None, 437.0, 50.27, None]])
    raw = read_file(path)
    assert raw.table.column("单据编号").to_pylist() == ["XSCKD000001", "XSCKD000002", "合计"]
    assert raw.footer == ()


def test_a_sparse_row_inside_the_data_is_data(tmp_path):
    path = _erp_sheet(tmp_path / "erp.xlsx", [
        ["XSCKD000003", None, "C0103"],
        ["XSCKD000004", dt.datetime(2024, 5, 6), "C0104", "立信五金", "控制主板", 1, 238.0, 238.0, 27.38, "人民币"],
        ["制表人：张三"],
    ])
    raw = read_file(path)
    assert raw.table.column("单据编号").to_pylist() == ["XSCKD000001", "XSCKD000002", "XSCKD000003", "XSCKD000004"]
    assert raw.footer == ("制表人：张三",)


def test_more_sparse_rows_than_a_footer_has_are_data(tmp_path):
    path = _erp_sheet(tmp_path / "erp.xlsx", [[f"XSCKD{i:06d}"] for i in range(3, 14)])
    raw = read_file(path)
    assert raw.table.num_rows == 13
    assert raw.footer == ()


def test_the_last_row_of_a_narrow_sheet_is_data(tmp_path):
    path = tmp_path / "narrow.xlsx"
    book = openpyxl.Workbook()
    for row in (["客户编号", "姓名", "手机", "邮箱"], ["C1", "张三", "13800000000", "a@b.example.com"], ["C2"]):
        book.active.append(row)
    book.save(path)
    raw = read_file(path)
    assert raw.table.column("客户编号").to_pylist() == ["C1", "C2"]
    assert raw.footer == ()


def test_each_sheet_has_its_own_fingerprint(workbook):
    import hashlib

    first, by_name, second = read_file(workbook), read_file(workbook, sheet="客户"), read_file(workbook, sheet="订单")
    assert first.fingerprint == by_name.fingerprint  # the default sheet is the same source as named
    assert first.fingerprint != second.fingerprint
    digest = hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert second.fingerprint == hashlib.sha256(f"{digest}\n订单".encode()).hexdigest()


def test_openpyxl_formatting_warnings_are_logged_not_shown(workbook, monkeypatch, caplog):
    import logging
    import warnings

    load = openpyxl.load_workbook

    def load_and_warn(*args, **kwargs):
        warnings.warn("Workbook contains no default style, apply openpyxl's default", UserWarning, stacklevel=1)
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load_and_warn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would fail the read
        with caplog.at_level(logging.DEBUG, logger="customer_value.ingest.excel"):
            raw = read_file(workbook)
    assert raw.table.num_rows > 0
    assert "no default style" in caplog.text
