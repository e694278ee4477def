"""The quality report: figures as a user reads them."""

from __future__ import annotations

import json

from customer_value.pipeline.ingest import ingest_file
from customer_value.pipeline.report import quality_report
from customer_value.workspace import init_workspace


def test_orders_without_refunds_report_zero_refunds_not_minus_zero(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    path = tmp_path / "orders.csv"
    path.write_text("订单号,客户编号,下单时间,金额\n1,C1,2024-03-05,12.5\n", encoding="utf-8")
    ingest_file(workspace, workspace.settings(), path, table="orders")
    figures = quality_report(workspace, workspace.settings())["tables"]["orders"]["figures"]
    assert json.dumps(figures["refunds"]) == "0.0"
