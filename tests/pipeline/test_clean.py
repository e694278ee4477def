"""Cleaning one source: ids that are placeholders, orders without an id, what is kept and why."""

from __future__ import annotations

import json

from customer_value.pipeline.ingest import ingest_file
from customer_value.pipeline.report import quality_report
from customer_value.workspace import init_workspace
from customer_value.workspace.views import connect


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_placeholder_customers_go_to_quarantine_with_their_reason(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = _write(tmp_path / "invoices.csv", (
        "Invoice,Customer ID,InvoiceDate,Amount\n"
        "I1,(blank),2024-01-02,1000000\n"
        "I2, (blank) ,2024-02-02,1170000\n"
        "I3,C1,2024-01-05,10\n"
        "I4,未知,2024-03-05,12.5\n"
        "I5,N/A,2024-03-06,12.5\n"
    ))
    record = ingest_file(workspace, workspace.settings(), path, table="orders").record
    assert (record.rows_in, record.rows_kept, record.rows_quarantined) == (5, 1, 4)
    assert record.quarantine_reasons == {"customer_id.placeholder": 3, "customer_id.missing": 1}
    assert record.rules["customer_id"] == "placeholders are not ids: (blank) (2), 未知 (1)"
    con = connect(workspace)
    assert con.raw_sql("SELECT DISTINCT customer_id FROM orders").fetchall() == [("C1",)]
    raw = con.raw_sql("SELECT raw FROM quarantine WHERE reason = 'placeholder' ORDER BY row").fetchall()
    assert json.loads(raw[0][0])["Customer ID"] == "(blank)"


def test_placeholder_referrers_and_customers_are_rejected_in_every_table(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    settings = workspace.settings()
    referrals = _write(tmp_path / "referrals.csv", "推荐人,被推荐人\nA,B\n未知,C\nA,（空白）\n")
    customers = _write(tmp_path / "customers.csv", "客户编号,姓名\nA,王伟\n不详,李娜\n")
    assert ingest_file(workspace, settings, referrals, table="referrals").record.quarantine_reasons == {
        "referrer_id.placeholder": 1, "referred_id.placeholder": 1,
    }
    assert ingest_file(workspace, settings, customers, table="customers").record.quarantine_reasons == {
        "customer_id.placeholder": 1,
    }


def test_orders_with_a_placeholder_or_no_order_id_are_one_order_each(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = _write(tmp_path / "orders.csv", (
        "订单号,客户编号,下单时间,金额\n"
        "(blank),C2,2024-03-05,12.5\n"
        "(blank),C2,2024-03-07,12.5\n"
        ",C2,2024-03-09,12.5\n"
        "O1,C2,2024-03-10,5\n"
        "O1,C2,2024-03-10,5\n"
    ))
    record = ingest_file(workspace, workspace.settings(), path, table="orders").record
    assert record.flagged == {"order_id.placeholder": 2}
    assert record.rows_kept == 4 and record.exact_duplicates == 1
    assert "3 rows without an order id: each of them is one order" in record.rules["order_id"]
    figures = quality_report(workspace, workspace.settings())["tables"]["orders"]["figures"]
    assert figures["orders"] == 4

