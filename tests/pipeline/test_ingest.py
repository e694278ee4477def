"""Ingest end to end: counts reconcile with the dirt that was put in, re-ingest is idempotent."""

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from customer_value.errors import ConfigError, InputFileError, MissingColumnError
from customer_value.pipeline.ingest import ingest_file
from customer_value.pipeline.report import quality_report
from customer_value.workspace import init_workspace
from customer_value.workspace.store import list_batches
from customer_value.workspace.views import connect


def test_every_file_reconciles_with_its_dirt_manifest(sample_workspace):
    workspace, outcomes, dirt = sample_workspace
    by_file = {Path(o.record.source).name: o.record for o in outcomes}
    for name, facts in dirt["files"].items():
        record = by_file[name]
        assert record.rows_in == facts["rows"], name
        assert record.rows_in == record.rows_kept + record.rows_quarantined + record.exact_duplicates, name
        d = facts["dirt"]
        reasons = record.quarantine_reasons
        assert record.exact_duplicates == d.get("exact_duplicates", 0), name
        assert reasons.get("customer_id.missing", 0) == d.get("missing_customer_id", 0), name
        if record.table == "orders":
            assert reasons.get("ordered_at.unparseable", 0) == d["unparseable_dates"], name
            assert reasons.get("amount.unparseable", 0) == d["unparseable_amounts"], name
        if record.table == "customers":
            assert record.flagged.get("phone.invalid_phone", 0) == d["bad_phones"]
            assert record.flagged.get("email.invalid_email", 0) == d["invalid_emails"]


def test_quality_report_reconciles_and_states_completeness(sample_workspace):
    workspace, _, dirt = sample_workspace
    report = quality_report(workspace, workspace.settings())
    for name, table in report["tables"].items():
        assert table["reconciles"], name
        assert table["rows_in"] == table["rows_kept"] + table["rows_quarantined"] + table["exact_duplicates"]
    customers = report["tables"]["customers"]
    missing_industry = dirt["files"]["customers.csv"]["dirt"]["missing_industry"]
    assert customers["completeness"]["industry"]["missing"] == missing_industry
    assert customers["merged_duplicates"] > 0
    orders = report["tables"]["orders"]
    assert orders["date_range"]["column"] == "ordered_at"
    assert orders["figures"]["net_revenue"] == pytest.approx(
        orders["figures"]["gross_revenue"] - orders["figures"]["refunds"], abs=0.01
    )


def test_orders_have_three_statuses_and_refunds_are_negative(sample_workspace):
    workspace, _, _ = sample_workspace
    con = connect(workspace)
    rows = con.raw_sql(
        "SELECT status, count(*), min(amount), max(amount) FROM orders GROUP BY status ORDER BY status"
    ).fetchall()
    statuses = {r[0]: r for r in rows}
    assert set(statuses) == {"cancelled", "completed", "refund"}
    assert statuses["refund"][3] < 0
    assert statuses["completed"][2] >= 0


def test_reingesting_a_file_changes_nothing(sample_workspace, tmp_path):
    workspace, outcomes, _ = sample_workspace
    before = [b.batch_id for b in list_batches(workspace)]
    first = next(o for o in outcomes if o.record.table == "orders")
    again = ingest_file(workspace, workspace.settings(), Path(first.record.source), table="orders")
    assert again.skipped and again.record.batch_id == first.record.batch_id
    assert [b.batch_id for b in list_batches(workspace)] == before


def _orders_csv(path, rows):
    """A GBK export with Chinese headers, as written by a Chinese ERP."""
    with path.open("w", encoding="gbk", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["订单号", "客户编号", "下单时间", "实付金额", "订单状态"])
        writer.writerows(rows)
    return path


def test_another_file_adds_an_overlap_is_a_duplicate_and_replace_replaces(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    settings = workspace.settings()
    jan = _orders_csv(tmp_path / "一月.csv", [("1", "A", "2024/01/05", "￥1,234.50", "已完成"), ("2", "B", "2024/01/06", "88", "已取消")])
    feb = _orders_csv(tmp_path / "二月.csv", [("2", "B", "2024/01/06", "88", "已取消"), ("3", "A", "2024年2月3日", "1.2万", "已完成")])
    ingest_file(workspace, settings, jan, table="orders")
    second = ingest_file(workspace, settings, feb, table="orders")
    assert (second.record.rows_kept, second.record.exact_duplicates) == (1, 1)  # row 2 was in January's file
    con = connect(workspace)
    amounts = dict(con.raw_sql("SELECT order_id, amount FROM orders").fetchall())
    assert amounts == {"1": 1234.5, "2": 88.0, "3": 12000.0}
    ingest_file(workspace, settings, feb, table="orders", replace=True)
    con = connect(workspace)
    assert sorted(r[0] for r in con.raw_sql("SELECT order_id FROM orders").fetchall()) == ["2", "3"]
    assert len(list_batches(workspace, "orders")) == 1


def test_refunds_on_the_order_row_and_in_a_later_file(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    settings = workspace.settings()
    orders = _orders_csv(tmp_path / "orders.csv", [
        ("1", "A", "2024/01/05", "100", "已完成"),
        ("2", "A", "2024/01/09", "50", "已退款"),   # the order itself, refunded by the shop: a sale, reversed
    ])
    refunds = _orders_csv(tmp_path / "refunds.csv", [("1", "A", "2024/01/20", "20", "退款")])  # positive, for order 1
    first = ingest_file(workspace, settings, orders, table="orders")
    second = ingest_file(workspace, settings, refunds, table="orders")
    assert first.record.flagged == {"status.refunded_order": 1}
    assert second.record.flagged == {"amount.refund_negated": 1}
    figures = quality_report(workspace, settings)["tables"]["orders"]["figures"]
    assert (figures["orders"], figures["gross_revenue"], figures["refunds"], figures["net_revenue"]) == (2, 150, 70, 80)


def test_a_later_export_of_an_order_replaces_the_earlier_rows(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    settings = workspace.settings()
    june = _orders_csv(tmp_path / "june.csv", [("7", "A", "2024/06/01", "99", "已完成"), ("8", "A", "2024/06/02", "10", "已完成")])
    july = _orders_csv(tmp_path / "july.csv", [("7", "A", "2024/06/01", "99", "已取消")])
    ingest_file(workspace, settings, june, table="orders")
    outcome = ingest_file(workspace, settings, july, table="orders")
    assert outcome.record.details["orders_exported_again"] == 1
    report = quality_report(workspace, settings)["tables"]["orders"]
    assert report["rows_exported_again"] == 1 and report["reconciles"]
    figures = report["figures"]
    assert (figures["orders"], figures["gross_revenue"], figures["cancelled_rows"]) == (1, 10, 1)


def test_excel_guards_around_ids_are_removed(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = _orders_csv(tmp_path / "taobao.csv", [('="0012001"', '="00042"', "2024-03-05 10:00:00", "10", "交易成功")])
    ingest_file(workspace, workspace.settings(), path, table="orders")
    row = connect(workspace).raw_sql("SELECT order_id, customer_id FROM orders").fetchone()
    assert row == ("0012001", "00042")


def test_semicolon_file_with_na_and_two_digit_years(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = tmp_path / "orders.csv"
    path.write_text(
        "InvoiceNo;CustomerID;InvoiceDate;Quantity;UnitPrice;Country\n"
        "536365;17850;12/1/10 8:26;6;2,55;United Kingdom\n"
        "536366;17850;2/20/11 11:39;2;NA;United Kingdom\n"
        "C536379;14527;2/21/11 9:41;-1;27,50;United Kingdom\n"
        "536367;NA;2/21/11 9:41;1;3,00;France\n",
        encoding="utf-8",
    )
    outcome = ingest_file(workspace, workspace.settings(), path, table="orders")
    r = outcome.record
    assert (r.rows_in, r.rows_kept, r.rows_quarantined) == (4, 2, 2)
    assert r.quarantine_reasons == {"unit_price.missing": 1, "customer_id.missing": 1}
    assert r.rules["amount"].startswith("amount = quantity × unit price")
    con = connect(workspace)
    rows = con.raw_sql("SELECT order_id, ordered_at, amount, status FROM orders ORDER BY order_id").fetchall()
    assert rows[0] == ("536365", dt.datetime(2010, 12, 1, 8, 26), pytest.approx(15.3), "completed")
    assert rows[1][1:] == (dt.datetime(2011, 2, 21, 9, 41), pytest.approx(-27.5), "refund")
    quarantine = con.raw_sql("SELECT field, reason, action, row, raw FROM quarantine ORDER BY row").fetchall()
    assert [q[:4] for q in quarantine] == [("unit_price", "missing", "rejected", 2), ("customer_id", "missing", "rejected", 4)]
    assert json.loads(quarantine[0][4])["UnitPrice"] is None


def test_a_missing_required_column_names_it_and_the_headers_seen(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = tmp_path / "o.csv"
    path.write_text("客户编号,金额\nA,10\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as caught:
        ingest_file(workspace, workspace.settings(), path, table="orders")
    assert "ordered_at" in str(caught.value) and "客户编号" in str(caught.value)
    assert list_batches(workspace) == []


def test_map_option_naming_an_absent_header_is_an_error(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = _orders_csv(tmp_path / "o.csv", [("1", "A", "2024/01/05", "10", "已完成")])
    with pytest.raises(ConfigError, match="单据编号"):
        ingest_file(workspace, workspace.settings(), path, table="orders", mapping={"单据编号": "order_id"})


@pytest.mark.parametrize("table", ["order", "客户", ""])
def test_a_wrong_table_lists_the_valid_ones(tmp_path, table):
    workspace = init_workspace(tmp_path / "ws")
    path = _orders_csv(tmp_path / "o.csv", [("1", "A", "2024/01/05", "10", "已完成")])
    with pytest.raises(ConfigError, match="customers, orders"):
        ingest_file(workspace, workspace.settings(), path, table=table)


def test_unreadable_files_leave_no_partial_state(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "header_only.csv").write_text("客户编号,下单时间,金额\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    for name in ("missing.csv", "empty.csv", "header_only.csv", "binary.csv", "."):
        with pytest.raises(InputFileError):
            ingest_file(workspace, workspace.settings(), tmp_path / name, table="orders")
    assert list_batches(workspace) == []
    assert not any((workspace.data_dir / "tables").glob("**/*.parquet"))
