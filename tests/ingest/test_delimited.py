"""Delimited text: encodings, delimiters, quoting, nulls, gzip, and the real Online Retail II file."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pyarrow as pa
import pytest

from customer_value.errors import InputFileError
from customer_value.ingest import read_file

RETAIL = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail_ii" / "online_retail_II_2009_2010.csv.gz"

ROWS_ZH = [
    ("客户编号", "下单时间", "实付金额", "订单状态", "收货地址"),
    ("C001", "2024年3月5日", "￥1,234.50", "已完成", "北京市朝阳区"),
    ("C002", "2024-03-06 10:30", "88", "已取消", "广东省深圳市南山区"),
    ("C003", "2024/03/07", "1.2万", "退款", ""),
]


def _write(path: Path, rows: list[tuple[str, ...]], *, encoding: str, delimiter: str = ",", bom: bytes = b"") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(bom + buffer.getvalue().encode(encoding))
    return path


def test_gbk_with_chinese_headers(tmp_path):
    path = _write(tmp_path / "orders.csv", ROWS_ZH, encoding="gbk")
    raw = read_file(path)
    assert raw.encoding == "gb18030"
    assert raw.delimiter == ","
    assert raw.format == "csv"
    assert raw.table.column_names == list(ROWS_ZH[0])
    assert raw.table.column("实付金额").to_pylist() == ["￥1,234.50", "88", "1.2万"]
    assert raw.table.column("收货地址").to_pylist()[-1] is None  # empty → null


def test_gb18030_rare_characters(tmp_path):
    # 𠀀 (U+20000) and 䶮 exist in GB18030 but not in GBK; 龘 and 㐀 test the extension ranges.
    rows = [("客户ID", "姓名"), ("1", "䶮𠀀"), ("2", "龘㐀"), ("3", "王小明")]
    path = _write(tmp_path / "names.txt", rows, encoding="gb18030")
    raw = read_file(path)
    assert raw.encoding == "gb18030"
    assert raw.table.column("姓名").to_pylist() == ["䶮𠀀", "龘㐀", "王小明"]


def test_gbk_after_an_ascii_head_is_detected(tmp_path):
    # 70k ASCII lines first: the head sample alone looks like UTF-8.
    lines = ["customer_id,note"] + [f"{i},ok" for i in range(70_000)] + ["70000,备注"]
    path = tmp_path / "late.csv"
    path.write_bytes("\n".join(lines).encode("gbk"))
    raw = read_file(path)
    assert raw.encoding == "gb18030"
    assert raw.table.column("note")[-1].as_py() == "备注"


def test_utf8_with_bom(tmp_path):
    path = _write(tmp_path / "bom.csv", ROWS_ZH, encoding="utf-8", bom=b"\xef\xbb\xbf")
    raw = read_file(path)
    assert raw.encoding == "utf-8"
    assert raw.table.column_names[0] == "客户编号"  # no BOM in the first header


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "excel_unicode.txt"
    path.write_bytes("\r\n".join("\t".join(row) for row in ROWS_ZH).encode("utf-16"))  # BOM + UTF-16
    raw = read_file(path)
    assert raw.encoding == "utf-16"
    assert raw.delimiter == "\t"
    assert raw.table.column_names == list(ROWS_ZH[0])
    assert raw.table.num_rows == 3


def test_semicolon_with_na_values_and_decimal_commas(tmp_path):
    rows = [("id", "amount", "region"), ("1", "12,50", "NA"), ("2", "NA", "Nord"), ("3", "N/A", "")]
    path = _write(tmp_path / "eu.csv", rows, encoding="utf-8", delimiter=";")
    raw = read_file(path)
    assert raw.delimiter == ";"
    assert raw.table.to_pydict() == {
        "id": ["1", "2", "3"],
        "amount": ["12,50", None, None],
        "region": [None, "Nord", None],
    }


def test_tsv_and_pipe(tmp_path):
    tsv = _write(tmp_path / "a.tsv", [("a", "b"), ("1", "x,y")], encoding="utf-8", delimiter="\t")
    pipe = _write(tmp_path / "b.txt", [("a", "b", "c"), ("1", "2", "3"), ("4", "5", "6")], encoding="utf-8", delimiter="|")
    assert read_file(tsv).delimiter == "\t"
    assert read_file(tsv).table.column("b").to_pylist() == ["x,y"]
    assert read_file(pipe).delimiter == "|"
    assert read_file(pipe).table.num_columns == 3


def test_quoted_fields_with_delimiters_and_newlines(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text(
        'customer_id,comment,amount\n'
        '1,"late, but fine",10\n'
        '2,"two\nlines",20\n'
        '3,"say ""hi""",30\n',
        encoding="utf-8",
    )
    raw = read_file(path)
    assert raw.table.column("comment").to_pylist() == ["late, but fine", "two\nlines", 'say "hi"']
    assert raw.table.column("amount").to_pylist() == ["10", "20", "30"]


def test_quoted_newline_after_the_sample(tmp_path):
    lines = ["id,text"] + [f"{i},plain" for i in range(20_000)] + ['20000,"first\nsecond"']
    path = tmp_path / "late_quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_file(path)
    assert raw.table.num_rows == 20_001
    assert raw.table.column("text")[-1].as_py() == "first\nsecond"


def test_sniffing_ignores_delimiters_inside_quotes(tmp_path):
    path = tmp_path / "tricky.csv"
    path.write_text('a;b\n"x,y,z";1\n"p,q,r";2\n', encoding="utf-8")
    assert read_file(path).delimiter == ";"


def test_columns_are_strings_and_keep_leading_zeros(tmp_path):
    path = _write(tmp_path / "z.csv", [("id", "n", "d"), ("007", "1", "2024-01-01")], encoding="utf-8")
    table = read_file(path).table
    assert all(field.type == pa.string() for field in table.schema)
    assert table.column("id").to_pylist() == ["007"]


def test_headers_are_cleaned(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(" amount ,amount,,\u200bname\n1,2,3,4\n", encoding="utf-8")
    assert read_file(path).table.column_names == ["amount", "amount_2", "column_3", "name"]


def test_gzip_is_decompressed_transparently(tmp_path):
    path = tmp_path / "orders.csv.gz"
    with gzip.open(path, "wb") as handle:
        handle.write("\n".join(";".join(row) for row in ROWS_ZH).encode("gbk"))  # no ';' in values
    raw = read_file(path)
    assert (raw.encoding, raw.delimiter, raw.table.num_rows) == ("gb18030", ";", 3)


def test_explicit_encoding_and_delimiter(tmp_path):
    path = _write(tmp_path / "x.csv", [("a:b",), ("1:2",)], encoding="gbk")
    raw = read_file(path, delimiter=":", encoding="gbk")
    assert raw.table.column_names == ["a", "b"]


def test_fingerprint_is_sha256_of_the_bytes(tmp_path):
    import hashlib

    path = _write(tmp_path / "f.csv", ROWS_ZH, encoding="utf-8")
    first, second = read_file(path), read_file(path)
    assert first.fingerprint == second.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(path.read_bytes() + b"C004,2024-01-01,1,ok,x\r\n")
    assert read_file(path).fingerprint != first.fingerprint


def test_real_online_retail_file():
    if not RETAIL.exists():
        pytest.fail(f"the shared data file {RETAIL} is missing")
    raw = read_file(RETAIL)
    assert raw.table.num_rows == 502_938
    assert raw.table.column_names == [
        "Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country",
    ]
    assert raw.table.column("Customer ID").null_count == 100_207


# -- bad input ------------------------------------------------------------------------------------


def test_header_only(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("customer_id,amount\n\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.no_rows"
    assert str(path) in str(info.value)


@pytest.mark.parametrize("bad_line", [3, 20_003])
def test_ragged_row_names_its_line(tmp_path, bad_line):
    lines = ["a,b,c"] + [f"{i},{i},{i}" for i in range(1, bad_line - 1)] + ["x,y,z,EXTRA", "1,2,3"]
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.ragged"
    assert info.value.fields["line"] == bad_line
    assert f"line {bad_line} has 4 fields but the header has 3" in str(info.value)


def test_ragged_row_line_counts_quoted_newlines(tmp_path):
    path = tmp_path / "ragged_q.csv"
    path.write_text('a,b\n1,"x\ny"\n2\n', encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.fields["line"] == 4


def test_nul_bytes_in_a_csv(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(b"a,b\n1,\x00\x00\x00\x002\n" * 10)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.binary"


def test_bom_only_file_is_empty(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.empty"


def test_wrong_explicit_encoding(tmp_path):
    path = _write(tmp_path / "x.csv", ROWS_ZH, encoding="gbk")
    with pytest.raises(InputFileError) as info:
        read_file(path, encoding="utf-8")
    assert info.value.key == "ingest.encoding"


def test_report_title_lines_above_the_header_are_skipped(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("订单明细表\r\n\r\n导出时间：2024-03-01\r\n客户编号,下单时间,实付金额\r\nC1,2024-01-01,10\r\nC2,2024-01-02,20\r\n".encode("gbk"))
    raw = read_file(path)
    assert raw.table.column_names == ["客户编号", "下单时间", "实付金额"]
    assert raw.table.column("客户编号").to_pylist() == ["C1", "C2"]


def test_ragged_line_below_title_lines(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Orders report\na,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.fields["line"] == 4


# -- report footers below the data -----------------------------------------------------------------

SF_HEADER = ("Contact ID", "First Name", "Last Name", "Account Name", "Email", "Phone", "Created Date")
SF_ROWS = [
    ("0035g00000AAAAAAA1", "Ada", "Lovelace", "Acme Corp", "ada@acme.example.com", "(415) 555-0101", "3/5/2024"),
    ("0035g00000AAAAAAA2", "Alan", "Turing", "Globex", "alan@globex.example.com", "(212) 555-0102", "3/6/2024"),
    ("0035g00000AAAAAAA3", "Grace", "Hopper", "Initech", "grace@initech.example.com", "", "3/7/2024"),
]
SF_FOOTER = [
    ("",),
    ("Contacts & Accounts",),
    ("Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.",),
    ("Confidential Information - Do Not Distribute",),
    ("Generated By:  Dana Scully  7/1/2024 9:05 AM",),
]


def _write_quoted(path: Path, rows: list[tuple[str, ...]], *, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_a_report_footer_is_skipped_and_listed(tmp_path):
    path = _write_quoted(tmp_path / "report1719824700000.csv", [SF_HEADER, *SF_ROWS, *SF_FOOTER])
    raw = read_file(path)
    assert raw.table.column_names == list(SF_HEADER)
    assert raw.table.column("Contact ID").to_pylist() == [row[0] for row in SF_ROWS]
    assert raw.footer == tuple(line[0] for line in SF_FOOTER[1:])  # the blank line is not listed


def test_without_a_footer_nothing_is_listed(tmp_path):
    path = _write_quoted(tmp_path / "report.csv", [SF_HEADER, *SF_ROWS])
    assert read_file(path).footer == ()


def test_erp_total_and_signature_lines_are_skipped(tmp_path):
    header = ("单据编号", "日期", "客户编码", "客户", "物料编码", "物料名称", "数量", "单价", "价税合计", "币别")
    rows = [
        ("XSCKD000001", "2024-05-03", "C0101", "深圳市华强电子有限公司", "1.01.001", "电源适配器", "10", "18.5", "185", "人民币"),
        ("XSCKD000002", "2024-05-04", "C0102", "广州白云贸易有限公司", "1.01.002", "锂电池组", "2", "126", "252", "人民币"),
    ]
    lines = [",".join(row) for row in (header, *rows)] + [
        "合计,,,,,,,,437,",  # the header's field count, two values: part of the footer
        "制表人：张三",
        "打印时间：2024-06-01 09:00:00",
    ]
    path = tmp_path / "销售出库单.csv"
    path.write_bytes(("\r\n".join(["销售出库单序时簿", *lines]) + "\r\n").encode("gbk"))
    raw = read_file(path)
    assert raw.encoding == "gb18030"
    assert raw.table.column("单据编号").to_pylist() == ["XSCKD000001", "XSCKD000002"]
    assert raw.footer == ("合计 437", "制表人：张三", "打印时间：2024-06-01 09:00:00")


def test_a_footer_is_skipped_in_gzip_and_after_quoted_newlines(tmp_path):
    rows = [SF_HEADER, *SF_ROWS[:2], (*SF_ROWS[2][:3], "Initech\nBuilding 2", *SF_ROWS[2][4:]), *SF_FOOTER]
    plain = _write_quoted(tmp_path / "report.csv", rows)
    packed = tmp_path / "report.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        raw = read_file(path)
        assert raw.table.column("Account Name").to_pylist() == ["Acme Corp", "Globex", "Initech\nBuilding 2"]
        assert len(raw.footer) == 4


def test_a_footer_below_many_rows_is_skipped(tmp_path):
    rows = [SF_HEADER] + [(f"003{i:015d}", "A", "B", "C", f"a{i}@b.example.com", "", "1/1/2024") for i in range(30_000)]
    path = _write_quoted(tmp_path / "big.csv", rows + SF_FOOTER)
    raw = read_file(path)
    assert raw.table.num_rows == 30_000
    assert len(raw.footer) == 4


def test_a_footer_like_line_inside_the_data_is_still_an_error(tmp_path):
    rows = [SF_HEADER, SF_ROWS[0], ("Subtotal (1 record)",), *SF_ROWS[1:], *SF_FOOTER]
    path = _write_quoted(tmp_path / "report.csv", rows)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.key == "ingest.ragged"
    assert info.value.fields["line"] == 3
    assert "line 3 has 1 fields but the header has 7" in str(info.value)


def test_a_line_with_too_many_fields_after_the_data_is_an_error(tmp_path):
    rows = [SF_HEADER, *SF_ROWS, ("",), (*SF_ROWS[0], "extra")]
    path = _write_quoted(tmp_path / "report.csv", rows)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.fields["line"] == 5  # the blank line above it was no footer either


def test_more_short_lines_than_a_footer_has_are_an_error(tmp_path):
    rows = [SF_HEADER, *SF_ROWS] + [(f"note {i}",) for i in range(11)]
    path = _write_quoted(tmp_path / "report.csv", rows)
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.fields["line"] == 5


def test_a_short_last_line_of_a_narrow_file_is_still_an_error(tmp_path):
    # Two values of a four-column row are not "far fewer" fields: a cut-off row, not a footer.
    path = tmp_path / "narrow.csv"
    path.write_text("id,name,phone,email\n1,Ada,555,a@b.example.com\n2,Alan\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_file(path)
    assert info.value.fields["line"] == 3


def test_sparse_last_rows_with_the_full_field_count_are_data(tmp_path):
    path = tmp_path / "sparse.csv"
    path.write_text("a,b,c,d,e,f,g,h,i,j\n" + "1,2,3,4,5,6,7,8,9,10\n" + "合计,,,,,,,,,10\n", encoding="utf-8")
    raw = read_file(path)
    assert raw.table.column("a").to_pylist() == ["1", "合计"]
    assert raw.footer == ()


def test_single_column_file(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("customer_id\nC1\nC2\n", encoding="utf-8")
    raw = read_file(path)
    assert raw.table.to_pydict() == {"customer_id": ["C1", "C2"]}
