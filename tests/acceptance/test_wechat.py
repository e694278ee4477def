"""A WeChat mini-program shop (微信小程序商城) exporting its orders every month, analysed with cva in
Chinese — including the overlap between two monthly exports and re-ingesting a file.

UTF-8 with BOM, the buyer is the openid (用户openid, detected: no ``--map``),
nicknames with emoji, amounts "¥128.00", times "2024/06/01 12:03:05". The June export is taken on
06-10 and covers 05-01..06-10; the July export, taken on 07-10, covers 06-01..07-10. Orders placed
in the last days before 06-10 were 已发货 (shipped) in June and are 已完成 in July; some paid
ones (待发货) were cancelled by the buyer before shipping and are 已取消 in July.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import WECHAT_PAID, wechat_buyers, wechat_orders, write_wechat_export

JUNE_CUT, JULY_START = dt.datetime(2024, 6, 10), dt.datetime(2024, 6, 1)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wechat")
    rng = random.Random(9)
    orders = wechat_orders(rng, wechat_buyers(), start=dt.datetime(2024, 5, 1), days=70, n_orders=90, first_id=1)
    june_orders = [o for o in orders if o["下单时间"] < JUNE_CUT]
    july_orders = [o for o in orders if o["下单时间"] >= JULY_START]
    recent = [o for o in june_orders if o["下单时间"] >= JUNE_CUT - dt.timedelta(days=5)]
    shipped_then = {o["订单编号"]: "已发货" for o in recent if o["status"] == "已完成"}
    paid_then = {o["订单编号"]: "待发货" for o in recent if o["status"] == "已取消"}
    june, july = tmp / "订单导出_20240610.csv", tmp / "订单导出_20240710.csv"
    june_rows = write_wechat_export(june, june_orders, statuses=shipped_then | paid_then)
    july_rows = write_wechat_export(july, july_orders)
    root = workspace(tmp, "--lang", "zh")
    first = ok(cva("ingest", june, "--table", "orders", "-w", root))
    again = ok(cva("ingest", june, "--table", "orders", "-w", root))
    after_again = ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"]
    ok(cva("ingest", july, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    return {"orders": orders, "june_rows": june_rows, "july_rows": july_rows, "shipped_then": shipped_then, "paid_then": paid_then,
            "root": root, "first": first, "again": again, "after_again": after_again,
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _expected(orders):
    """The final state of every order: paid ones are revenue once, 已取消 never."""
    expected = per_customer()
    for o in orders:
        c = expected[o["用户openid"]]
        if o["status"] in WECHAT_PAID:
            c.orders.add(o["订单编号"])
            c.gross += o["实付金额"]
        else:
            c.cancelled.add(o["订单编号"])
    return expected


def test_ingest_speaks_chinese(shop):
    assert f"读取 {len(shop['june_rows'])} 行" in shop["first"].stdout
    assert "未做任何更改" in shop["again"].stdout


def test_re_ingesting_the_same_file_changes_nothing(shop):
    q = shop["after_again"]
    assert q["rows_in"] == q["rows_kept"] == len(shop["june_rows"])


def test_rows_of_both_exports_reconcile(shop):
    q = shop["quality"]
    assert q["rows_in"] == len(shop["june_rows"]) + len(shop["july_rows"])
    assert q["rows_in"] == q["rows_kept"] + q["rows_quarantined"] + q["exact_duplicates"]
    overlap = {r["订单编号"] for r in shop["june_rows"]} & {r["订单编号"] for r in shop["july_rows"]}
    assert shop["shipped_then"] and set(shop["shipped_then"]) <= overlap
    # shipped -> completed is the same sale (both "completed"): an exact duplicate once cleaned
    assert q["exact_duplicates"] == len(overlap - set(shop["paid_then"]))


def test_buyers_whose_orders_did_not_change_between_exports(shop):
    expected = _expected(shop["orders"])
    changed_buyers = {o["用户openid"] for o in shop["orders"] if o["订单编号"] in shop["paid_then"]}
    got = shop["customers"]
    checked = 0
    for openid, c in expected.items():
        if openid in changed_buyers or not c.orders:
            continue
        assert got[openid]["orders"] == len(c.orders), openid
        assert got[openid]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), openid
        assert got[openid]["cancelled_orders"] == len(c.cancelled), openid
        checked += 1
    assert checked >= 3


def test_the_latest_status_of_a_re_exported_order_wins(shop):
    assert shop["paid_then"]
    expected = _expected(shop["orders"])
    got = shop["customers"]
    for openid, c in expected.items():
        if c.orders:
            assert got[openid]["orders"] == len(c.orders), openid
            assert got[openid]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), openid
            assert got[openid]["cancelled_orders"] == len(c.cancelled), openid
