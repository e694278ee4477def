"""A distributor's Kingdee K/3 Cloud (金蝶云星空) 销售出库单序时簿, exported to Excel, analysed with cva.

The workbook has one sheet per month ("2024-05", "2024-06"); each starts with a title row and a
query row above the header and ends with a 合计 (total) row. Dates are real Excel dates, amounts
numbers. One row per material line; 单据编号 is the document and 价税合计 the amount with VAT (金额
is without VAT): both detected, no ``--map``. A voided document says 已作废 in 作废状态, a valid
one 未作废.
"""

from __future__ import annotations

import random

import pytest

from tests.acceptance._cli import cva, ok, ok_json, user_error, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import kingdee_sales_sheet, write_kingdee_workbook



@pytest.fixture(scope="module")
def erp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kingdee")
    rng = random.Random(7)
    may = kingdee_sales_sheet(rng, month=(2024, 5), n_docs=25, first_doc=1)
    june = kingdee_sales_sheet(rng, month=(2024, 6), n_docs=25, first_doc=26)
    path = tmp / "销售出库单序时簿.xlsx"
    write_kingdee_workbook(path, {"2024-05": may, "2024-06": june})
    root = workspace(tmp, "--lang", "zh")
    ok(cva("ingest", path, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    return {"may": may, "june": june, "path": path, "root": root, "tmp": tmp,
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _expected(lines, *, void_counts: bool):
    expected = per_customer()
    for r in lines:
        c = expected[r["客户编码"]]
        if r["作废状态"] == "已作废" and not void_counts:
            c.cancelled.add(r["单据编号"])
            continue
        c.orders.add(r["单据编号"])
        c.gross += r["价税合计"]
    return expected


def test_title_rows_are_skipped_and_the_total_row_is_set_aside(erp):
    q = erp["quality"]
    assert q["rows_in"] == len(erp["may"]) + 1
    assert q["rows_kept"] == len(erp["may"])
    assert q["quarantine_reasons"] == {"customer_id.missing": 1}


def test_the_first_sheet_is_read_by_default(erp):
    """Without a status column every document counts; the user sees that in the ingest rules."""
    expected = _expected(erp["may"], void_counts=True)
    got = erp["customers"]
    assert set(got) == set(expected)
    for code, c in expected.items():
        assert got[code]["orders"] == len(c.orders), code
        assert got[code]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), code
        first = min(r["日期"] for r in erp["may"] if r["客户编码"] == code)
        assert got[code]["first_order_at"][:10] == first.date().isoformat()


def test_a_wrong_sheet_name_lists_the_sheets(erp):
    line = user_error(cva("ingest", erp["path"], "--table", "orders", "--sheet", "2024-07", "-w", erp["root"]))
    assert "2024-05" in line and "2024-06" in line and "工作表" in line


def test_the_second_sheet_adds_june(erp, tmp_path):
    root = workspace(tmp_path, "--lang", "zh")
    ok(cva("ingest", erp["path"], "--table", "orders", "-w", root))
    result = ok(cva("ingest", erp["path"], "--table", "orders", "--sheet", "2024-06", "-w", root))
    assert "未做任何更改" not in result.stdout
    q = ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"]
    assert q["rows_kept"] == len(erp["may"]) + len(erp["june"])


def test_voided_documents_are_cancelled_and_valid_ones_count(erp, tmp_path):
    root = workspace(tmp_path, "--lang", "zh")
    ok(cva("ingest", erp["path"], "--table", "orders", "--map", "作废状态=status", "-w", root))
    import pandas as pd

    ok(cva("export", "orders", "--out", tmp_path / "orders.csv", "-w", root))
    statuses = pd.read_csv(tmp_path / "orders.csv", dtype=str, encoding="utf-8-sig")["status"]
    assert list(statuses) == ["cancelled" if r["作废状态"] == "已作废" else "completed" for r in erp["may"]]
    ok(cva("run", "-w", root))
    got = by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))
    expected = _expected(erp["may"], void_counts=False)
    assert any(c.cancelled for c in expected.values())
    for code, c in expected.items():
        if c.orders:
            assert got[code]["orders"] == len(c.orders), code
            assert got[code]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), code
            assert got[code]["cancelled_orders"] == len(c.cancelled), code
