"""Exports as users have them, through ``cva`` as they run it: what they see, exit code 0 or 2."""

import json

import pytest

from customer_value import __version__
from tests.cli.helpers import cva, ok, user_error


def test_version_prints_the_package_version():
    result = ok(cva("--version"))
    assert result.stdout.strip() == f"cva {__version__}"


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert __version__ == version("customer-value")


def _workspace(tmp_path, *args):
    root = tmp_path / "ws"
    ok(cva("init", root, *args))
    return root


def test_a_blank_customer_is_quarantined_not_the_top_customer(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice,Customer ID,InvoiceDate,Amount\n"
        "I1,(blank),2024-01-02,1000000\nI2,(blank),2024-02-02,1170000\n"
        "I3,C1,2024-01-05,10\nI4,C1,2024-03-05,12.5\nI5,C2,2024-03-05,40\n",
        encoding="utf-8",
    )
    result = ok(cva("ingest", path, "--table", "orders", "-w", root))
    assert "quarantined Customer — a placeholder such as (blank) or 未知, not an id" in result.stdout
    ok(cva("run", "-w", root))
    top = json.loads(ok(cva("customers", "-w", root, "--json")).stdout)
    assert sorted(c["customer_id"] for c in top) == ["C1", "C2"]


def test_an_id_a_spreadsheet_made_a_float_is_the_same_customer(tmp_path):
    root = _workspace(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Invoice,Customer ID,InvoiceDate,Amount\n"
        "1,12346.0,2024-01-02,10\n2,12346.0,2024-02-02,20\n3,00123,2024-02-03,5\n4,1.5A,2024-02-04,7\n",
        encoding="utf-8",
    )
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer ID,Name\n12346,Ann Lee\n00123,Bo Wu\n1.5A,Cy Ng\n", encoding="utf-8")
    ok(cva("ingest", customers, "--table", "customers", "-w", root))
    ok(cva("ingest", orders, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    for typed in ("12346", "12346.0", " 12346 "):
        record = json.loads(ok(cva("customer", typed, "-w", root, "--json")).stdout)
        assert record["customer_id"] == "12346" and record["profile"]["name"] == "Ann Lee"
        assert record["summary"]["orders"] == 2
    assert json.loads(ok(cva("customer", "00123", "-w", root, "--json")).stdout)["profile"]["name"] == "Bo Wu"
    assert json.loads(ok(cva("customer", "1.5A", "-w", root, "--json")).stdout)["summary"]["orders"] == 1
    user_error(cva("customer", "123", "-w", root), "123")


CDNOW_WITH_HEADER = (
    "cust_id    date      qty  amount\r\n"
    "00001  19970101    1   11.77\r\n"
    "00002  19970102   12  105.00\r\n"
    "00001  19970301    2   20.00\r\n"
)


@pytest.mark.parametrize("option", [[], ["--delimiter", "whitespace"]])
def test_a_whitespace_aligned_crlf_file_with_a_header(tmp_path, option):
    root = _workspace(tmp_path)
    path = tmp_path / "cdnow.txt"
    path.write_bytes(CDNOW_WITH_HEADER.encode("ascii"))
    maps = ["--map", "cust_id=customer_id", "--map", "qty=quantity"]
    result = ok(cva("ingest", path, "--table", "orders", "-w", root, *maps, *option, "--json"))
    record = json.loads(result.stdout)[0]
    assert (record["rows_in"], record["rows_kept"]) == (3, 3)
    assert record["details"]["delimiter"] == "whitespace"
    figures = json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["tables"]["orders"]["figures"]
    assert (figures["customers"], figures["orders"], figures["gross_revenue"]) == (2, 3, 136.77)


def test_the_raw_cdnow_file_is_mapped_by_column_position(tmp_path):
    from customer_value.sample import cdnow_transactions_path

    root = _workspace(tmp_path)
    plain = cva("ingest", cdnow_transactions_path(), "--table", "orders", "-w", root)
    user_error(plain, "headers seen: column_1, column_2, column_3, column_4, column_5")
    maps = ["column_1=customer_id", "column_3=ordered_at", "column_4=quantity", "column_5=amount"]
    args = [a for m in maps for a in ("--map", m)]
    record = json.loads(ok(cva("ingest", cdnow_transactions_path(), "-t", "orders", "-w", root, *args, "--json")).stdout)[0]
    assert (record["rows_in"], record["rows_kept"], record["rows_quarantined"]) == (6919, 6919, 0)
    figures = json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["tables"]["orders"]["figures"]
    assert figures["customers"] == 2357


@pytest.mark.parametrize("value", [";;", ""])
def test_a_bad_delimiter_is_one_line(tmp_path, value):
    root = _workspace(tmp_path)
    path = tmp_path / "o.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    user_error(cva("ingest", path, "--table", "orders", "-w", root, "--delimiter", value), "--delimiter")


def test_a_delimiter_in_the_sources_of_cva_yaml(tmp_path):
    root = _workspace(tmp_path)
    (root / "o.txt").write_text("customer_id amount date\n1 5 2024-01-01\n2 7 2024-01-02\n", encoding="utf-8")
    config = root / "cva.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "sources: []", "sources: [{path: o.txt, table: orders, delimiter: space}]"
        ),
        encoding="utf-8",
    )
    record = json.loads(ok(cva("ingest", "-w", root, "--json")).stdout)[0]
    assert record["rows_kept"] == 2 and record["details"]["delimiter"] == "whitespace"
    config.write_text(config.read_text(encoding="utf-8").replace("delimiter: space", "delimiter: two"), encoding="utf-8")
    user_error(cva("ingest", "-w", root), "sources.0.delimiter")


@pytest.mark.parametrize("header", ["所属销售", "负责人", "销售负责人", "客户经理"])
def test_owner_headers_of_a_customers_file_make_action_lists_per_owner(tmp_path, header):
    root = _workspace(tmp_path)
    customers = tmp_path / "customers.csv"
    customers.write_text(f"客户编号,姓名,{header}\nA,王伟,张三\nB,李娜,李四\nC,赵六,张三\n", encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("客户编号,下单时间,金额\nA,2024-01-02,10\nB,2024-01-03,20\nC,2024-02-03,30\n", encoding="utf-8")
    ok(cva("ingest", customers, "--table", "customers", "-w", root))
    ok(cva("ingest", orders, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    listed = json.loads(ok(cva("actions", "--owner", "张三", "-w", root, "--json")).stdout)["actions"]
    assert sorted(row["customer_id"] for row in listed) == ["A", "C"]


@pytest.mark.parametrize("header", ["所属销售", "客户经理", "Account Manager"])
def test_owner_column_of_an_orders_file_makes_action_lists_per_owner(tmp_path, header):
    root = _workspace(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        f"客户编号,下单时间,金额,{header}\nA,2024-01-02,10,张三\nB,2024-01-03,20,李四\nA,2024-02-03,30,张三\n"
        "C,2024-02-04,5,\n",
        encoding="utf-8",
    )
    ok(cva("ingest", orders, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    listed = json.loads(ok(cva("actions", "--owner", "张三", "-w", root, "--json")).stdout)["actions"]
    assert [row["customer_id"] for row in listed] == ["A"]
    unassigned = json.loads(ok(cva("actions", "--owner", "unassigned", "-w", root, "--json")).stdout)["actions"]
    assert [row["customer_id"] for row in unassigned] == ["C"]


def _orders(tmp_path, amounts, header="Amount"):
    path = tmp_path / "orders.csv"
    rows = "".join(f'{i},C{i % 2},2024-0{1 + i % 3}-0{1 + i},"{a}"\n' for i, a in enumerate(amounts))
    path.write_text(f"Invoice,Customer ID,InvoiceDate,{header}\n" + rows, encoding="utf-8")
    return path


def _top_reasons(root):
    ok(cva("run", "-w", root))
    top = json.loads(ok(cva("customers", "-w", root, "--top", "1", "--json")).stdout)[0]
    record = json.loads(ok(cva("customer", top["customer_id"], "-w", root, "--json")).stdout)
    return " ".join(record["summary"]["reasons_text"])


@pytest.mark.parametrize(
    ("amounts", "code", "symbol"),
    [
        (["£1,000.00", "£12.50", "7.25"], "GBP", "£"),
        (["$1,000.00", "$12.50", "$7.25"], "USD", "$"),
        (["€1.000,00", "12,50 €", "€7,25"], "EUR", "€"),
        (["HK$1,000.00", "HK$12.50", "HK$7.25"], "HKD", "HK$"),
        (["¥1,000.00", "12.50元", "￥7.25"], "CNY", "¥"),
    ],
)
def test_the_currency_comes_from_the_symbols(tmp_path, amounts, code, symbol):
    root = _workspace(tmp_path)
    result = ok(cva("ingest", _orders(tmp_path, amounts), "--table", "orders", "-w", root))
    assert code in result.stdout
    assert json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["currency"] == code
    assert f"(currency {code})" in ok(cva("quality", "-w", root)).stdout
    reasons = _top_reasons(root)
    assert symbol in reasons and (symbol == "¥" or "¥" not in reasons)


def test_without_any_currency_evidence_no_currency_is_assumed(tmp_path):
    root = _workspace(tmp_path)
    ok(cva("ingest", _orders(tmp_path, ["1000.00", "12.50", "7.25"]), "--table", "orders", "-w", root))
    assert json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["currency"] is None
    assert "currency unknown" in ok(cva("quality", "-w", root)).stdout
    reasons = _top_reasons(root)
    assert "revenue to date 1,007" in reasons and not any(s in reasons for s in "¥$£€")
    assert "currency: CNY" not in (root / "cva.yaml").read_text(encoding="utf-8").replace("# currency: CNY", "")


def test_init_currency_sets_the_currency_of_plain_amounts(tmp_path):
    root = _workspace(tmp_path, "--currency", "gbp")
    assert "\ncurrency: GBP\n" in (root / "cva.yaml").read_text(encoding="utf-8")
    ok(cva("ingest", _orders(tmp_path, ["1000.00", "12.50", "7.25"]), "--table", "orders", "-w", root))
    assert json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["currency"] == "GBP"
    assert "revenue to date £1,007" in _top_reasons(root)


def test_a_dollar_sign_is_the_configured_dollar(tmp_path):
    root = _workspace(tmp_path, "--currency", "AUD")
    ok(cva("ingest", _orders(tmp_path, ["$1,000.00", "$12.50", "$7.25"]), "--table", "orders", "-w", root))
    assert json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["currency"] == "AUD"


@pytest.mark.parametrize("code", ["pounds", "G", "12$"])
def test_init_with_a_bad_currency_is_one_line(tmp_path, code):
    user_error(cva("init", tmp_path / "ws", "--currency", code), "--currency")
    assert not (tmp_path / "ws" / "cva.yaml").exists()


def _lines(tmp_path, prices):
    path = tmp_path / "lines.csv"
    rows = "".join(f"{i},C{i % 3},2024-01-{1 + i:02d},3,{p}\n" for i, p in enumerate(prices))
    path.write_text("Invoice,Customer ID,InvoiceDate,Quantity,Price\n" + rows, encoding="utf-8")
    return path


def test_a_price_column_of_averages_is_flagged_in_quality(tmp_path):
    root = _workspace(tmp_path, "--currency", "GBP")
    prices = ["2.0833333", "4.95", "1.1666667", "3.3333333", "0.85", "12.5", "7.1428571", "2.10", "5.8333333", "1.25"]
    ingested = ok(cva("ingest", _lines(tmp_path, prices), "--table", "orders", "-w", root)).stderr  # a note: on stderr
    sentence = "Unit price (unit_price): 5 of 10 values (50%) have more decimals than GBP has (2), e.g. 2.0833333"
    assert sentence in ingested
    report = ok(cva("quality", "-w", root)).stdout
    assert sentence in report and "probably an average" in report
    zh = ok(cva("quality", "-w", root, "--lang", "zh")).stdout
    assert "可能是平均值" in zh
    notes = json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["tables"]["orders"]["notes"]
    assert [n["key"] for n in notes] == ["quality.note.averaged"]


def test_prices_with_the_currencys_decimals_are_not_flagged(tmp_path):
    root = _workspace(tmp_path)
    prices = ["2.08", "4.95", "1.17", "3.3", "0.85", "12.5", "7.14", "2.10", "5.83", "0.001"]
    ok(cva("ingest", _lines(tmp_path, prices), "--table", "orders", "-w", root))
    assert json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["tables"]["orders"]["notes"] == []


def test_yen_have_no_decimals(tmp_path):
    root = _workspace(tmp_path)
    prices = ["¥208.5", "¥495", "¥116.7", "¥333.3", "¥85", "¥1250", "¥714.3", "¥210", "¥583.3", "¥125"]
    ok(cva("ingest", _lines(tmp_path, prices), "--table", "orders", "-w", root))
    assert "more decimals than CNY has (2)" not in ok(cva("quality", "-w", root)).stdout
    root = tmp_path / "jp"
    ok(cva("init", root, "--currency", "JPY"))
    ok(cva("ingest", _lines(tmp_path, prices), "--table", "orders", "-w", root))
    assert "5 of 10 values (50%) have more decimals than JPY has (0)" in ok(cva("quality", "-w", root)).stdout


def test_the_same_invalid_phone_still_links_the_same_person(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "customers.csv"
    path.write_text(
        "客户编号,姓名,手机,城市,注册时间\n"
        "A1,王伟,163 1234 5678,北京,2024-01-02\n"
        "A2,王伟,16312345678,北京,2024-01-02\n"
        "A3,王伟,16387654321,北京,2024-01-02\n"  # another invalid number: another 王伟
        "A4,李娜,13812345678,上海,2024-02-03\n",
        encoding="utf-8",
    )
    result = ok(cva("ingest", path, "--table", "customers", "-w", root))
    assert "flagged Phone — not a valid phone number: 3" in result.stdout
    assert "Customers entered twice: 1 ids merged into their master customer" in result.stdout
    record = json.loads(ok(cva("customer", "A2", "-w", root, "--json")).stdout)
    assert (record["requested_id"], record["customer_id"]) == ("A2", "A1")
    other = json.loads(ok(cva("customer", "A3", "-w", root, "--json")).stdout)
    assert other["customer_id"] == "A3"


def test_a_source_that_keeps_no_row_is_an_error_and_stores_nothing(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "orders.csv"
    path.write_text(
        "客户编号,下单时间,金额\nA,2024-01-02,10\nB,yesterday,20\nC,2024-13-45,30\n".replace("2024-01-02", "soon"),
        encoding="utf-8",
    )
    line = user_error(cva("ingest", path, "--table", "orders", "-w", root), "all 3 rows")
    assert "ordered_at" in line and "cannot be read" in line and "row 1: soon" in line
    assert "没有导入" in user_error(cva("ingest", path, "--table", "orders", "-w", root, "--lang", "zh"))
    assert "No data ingested yet" in ok(cva("quality", "-w", root)).stderr
    assert not list((root / "data").rglob("*.parquet"))


def test_a_source_of_placeholder_customers_names_the_placeholder_reason(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "orders.csv"
    path.write_text("Customer ID,InvoiceDate,Amount\n(blank),2024-01-02,10\n(blank),2024-01-03,20\n,2024-01-04,5\n",
                    encoding="utf-8")
    user_error(cva("ingest", path, "--table", "orders", "-w", root), "all 3 rows", "2 of them", "customer_id", "placeholder")


def test_a_later_export_that_holds_only_rows_already_stored_is_not_an_error(tmp_path):
    root = _workspace(tmp_path)
    first, second = tmp_path / "jan.csv", tmp_path / "jan_again.csv"
    first.write_text("订单号,客户编号,下单时间,金额\n1,A,2024-01-02,10\n2,B,2024-01-03,20\n", encoding="utf-8")
    second.write_text("订单号,客户编号,下单时间,金额\r\n1,A,2024-01-02,10\r\n", encoding="utf-8")
    ok(cva("ingest", first, "--table", "orders", "-w", root))
    record = json.loads(ok(cva("ingest", second, "--table", "orders", "-w", root, "--json")).stdout)[0]
    assert (record["rows_kept"], record["exact_duplicates"]) == (0, 1)


def _no_python_warning(result):
    for text in (result.stdout, result.stderr):
        assert "Warning:" not in text and ".py:" not in text, text


def test_linkage_problems_are_notes_not_python_warnings(tmp_path):
    root = _workspace(tmp_path)
    shared = tmp_path / "switchboard.csv"
    shared.write_text("客户编号,姓名,手机\n" + "".join(f"P{i},员工{i},13800000000\n" for i in range(30)), encoding="utf-8")
    result = ok(cva("ingest", shared, "--table", "customers", "-w", root))
    _no_python_warning(result)
    note = "30 customers have a value in column phone that more than 25 records share"
    assert note in result.stderr  # a note: on stderr, the results on stdout
    assert note in ok(cva("quality", "-w", root)).stdout
    assert "个客户的 phone 列的值与超过 25 条记录相同" in ok(cva("quality", "-w", root, "--lang", "zh")).stdout
    notes = json.loads(ok(cva("quality", "-w", root, "--json")).stdout)["tables"]["customers"]["notes"]
    assert [n["key"] for n in notes] == ["linkage.placeholders"]


def test_customers_without_contacts_say_so_once(tmp_path):
    root = _workspace(tmp_path)
    names = tmp_path / "names.csv"
    names.write_text("客户编号,姓名\nB1,王伟\nB2,李娜\n", encoding="utf-8")
    result = ok(cva("ingest", names, "--table", "customers", "-w", root))
    _no_python_warning(result)
    assert result.stderr.count("Record linkage found nothing to link 2 customers on") == 1


def test_no_python_warning_reaches_the_console_of_a_real_process(tmp_path):
    import subprocess
    import sys

    root = _workspace(tmp_path)
    shared = tmp_path / "switchboard.csv"
    shared.write_text("客户编号,姓名,手机\n" + "".join(f"P{i},员工{i},13800000000\n" for i in range(30)), encoding="utf-8")
    command = [sys.executable, "-W", "default", "-c", "from customer_value.cli.main import app; app()",
               "ingest", str(shared), "--table", "customers", "-w", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and ".py:" not in done.stderr
    assert "more than 25 records share" in done.stderr  # the note, on stderr


def test_an_average_price_header_is_read_as_the_unit_price_and_noted(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "invoices.csv"
    rows = "".join(f"{i},C{i % 3},2024-01-{1 + i:02d},3,£{10 + i}.00,{(10 + i) / 3!r}\n" for i in range(9))
    path.write_text("Invoice,Customer ID,InvoiceDate,Quantity,Total,Avg Price\n" + rows, encoding="utf-8")
    result = ok(cva("ingest", path, "--table", "orders", "-w", root))
    assert "Unit price (unit_price): 6 of 9 values (67%) have more decimals than GBP has (2)" in result.stderr
