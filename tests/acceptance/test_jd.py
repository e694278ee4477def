"""A JD (京东) POP seller's order export analysed with cva.

GBK CSV, one row per SKU; 订单金额 / 应付金额 / 运费金额 and the buyer are order fields repeated
on every SKU row; 订单号 and 商品ID carry a leading tab (Excel guard). The buyer account is
下单帐号 and the amount the buyer pays 应付金额 (not 订单金额, before coupons): both detected, no
``--map``. Statuses: 完成, 等待出库 / 等待确认收货 (paid, not yet delivered), 已取消.
"""

from __future__ import annotations

import pytest

from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import JD_PAID, jd_orders



@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    import pandas as pd

    tmp = tmp_path_factory.mktemp("jd")
    path = tmp / "订单导出_20240630.csv"
    rows = jd_orders(path)
    root = workspace(tmp)
    ok(cva("ingest", path, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root, "--json"))
    orders_csv = tmp / "orders.csv"
    ok(cva("export", "orders", "--out", orders_csv, "-w", root))
    return {"rows": rows, "root": root, "orders": pd.read_csv(orders_csv, dtype=str, encoding="utf-8-sig"),
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _expected(rows):
    """Per account: each order once (its first SKU row), 应付金额 as revenue."""
    first = {}
    for r in rows:
        first.setdefault(r["订单号"], r)
    expected = per_customer()
    for order_id, r in first.items():
        c = expected[r["下单帐号"]]
        if r["订单状态"] in JD_PAID:
            c.orders.add(order_id)
            c.gross += float(r["应付金额"])
        else:
            c.cancelled.add(order_id)
    return expected


def _lines(rows):
    lines = {}
    for r in rows:
        lines[r["订单号"]] = lines.get(r["订单号"], 0) + 1
    return lines


def test_every_sku_row_is_kept_and_ids_lose_the_tab(shop):
    q = shop["quality"]
    assert q["rows_in"] == q["rows_kept"] == len(shop["rows"])
    assert list(shop["orders"]["order_id"]) == [r["订单号"] for r in shop["rows"]]
    assert list(shop["orders"]["product_id"]) == [r["商品ID"] for r in shop["rows"]]
    assert list(shop["orders"]["phone"]) == ["+86" + r["联系电话"] for r in shop["rows"]]


def test_orders_and_cancellations_are_counted_once_per_order(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    for account, c in expected.items():
        if c.orders:
            assert got[account]["orders"] == len(c.orders), account
            assert got[account]["cancelled_orders"] == len(c.cancelled), account


def test_revenue_of_buyers_with_single_sku_orders(shop):
    expected = _expected(shop["rows"])
    lines = _lines(shop["rows"])
    got = shop["customers"]
    single = [a for a, c in expected.items() if c.orders and all(lines[o] == 1 for o in c.orders | c.cancelled)]
    assert single
    for account in single:
        assert got[account]["gross_revenue"] == pytest.approx(expected[account].gross, abs=0.005), account


def test_revenue_counts_each_order_amount_once(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    assert any(n > 1 for n in _lines(shop["rows"]).values())
    for account, c in expected.items():
        if c.orders:
            assert got[account]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), account


def test_standard_paid_statuses_are_not_flagged(shop):
    assert any(r["订单状态"] in JD_PAID[1:] for r in shop["rows"])
    assert shop["quality"]["flagged_reasons"].get("status.unknown_status", 0) == 0
