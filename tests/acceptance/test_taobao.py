"""A Taobao/Tmall seller's 订单报表 (ExportOrderList.csv) analysed with cva, in Chinese.

The export is GBK, one row per order; 订单编号 is written ="3701234567890123456" so Excel keeps
every digit and 联系手机 carries a leading apostrophe. The buyer is 买家会员名 (a nickname), the
order time 订单创建时间, the amount 买家实际支付金额: all detected, no ``--map`` (an export without
them is an error that names the missing columns in Chinese and lists the headers). Statuses:
交易成功, 交易关闭 (closed: unpaid or fully refunded, never revenue), 等待买家付款 (not paid:
counted with cancelled), 买家已付款，等待卖家发货 and 卖家已发货，等待买家确认 (paid).
"""

from __future__ import annotations

import pytest

from customer_value.i18n import msg
from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import TAOBAO_PAID, taobao_orders



@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("taobao")
    path = tmp / "ExportOrderList202406.csv"
    rows = taobao_orders(path)
    root = workspace(tmp, "--lang", "zh")
    ingest = ok(cva("ingest", path, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root, "--json"))
    orders_csv = tmp / "orders.csv"
    ok(cva("export", "orders", "--out", orders_csv, "-w", root))
    import pandas as pd

    return {"rows": rows, "root": root, "path": path, "ingest": ingest,
            "orders": pd.read_csv(orders_csv, dtype=str, encoding="utf-8-sig"),
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _expected(rows):
    expected = per_customer()
    for r in rows:
        c = expected[r["买家会员名"]]
        if r["订单状态"] in TAOBAO_PAID:
            c.orders.add(r["订单编号"])
            c.gross += float(r["买家实际支付金额"])
        elif r["订单状态"] == "交易关闭":
            c.cancelled.add(r["订单编号"])
    return expected


def test_missing_columns_are_named_in_chinese(tmp_path):
    """An export the seller made without the buyer and order-time columns."""
    import csv
    import io

    path = tmp_path / "ExportOrderList.csv"
    taobao_orders(path, n_orders=5)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))
    keep = [i for i, header in enumerate(rows[0]) if header not in ("买家会员名", "订单创建时间")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[row[i] for i in keep] for row in rows])
    path.write_bytes(out.getvalue().encode("gbk"))
    root = workspace(tmp_path, "--lang", "zh")
    result = cva("ingest", path, "--table", "orders", "-w", root)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and "customer_id" in line and "ordered_at" in line
    assert "找不到" in line and "买家支付宝账号" in line and "订单付款时间" in line and "--map" in line


def test_the_gbk_file_is_read_whole(shop):
    q = shop["quality"]
    assert q["rows_in"] == q["rows_kept"] == len(shop["rows"])
    assert "读取 60 行" in shop["ingest"].stdout
    nicknames = {r["买家会员名"] for r in shop["rows"]}
    assert set(shop["orders"]["customer_id"]) == nicknames


def test_phones_with_a_leading_apostrophe_become_e164(shop):
    expected = {r["买家会员名"]: "+86" + r["联系手机"] for r in shop["rows"]}
    for _, row in shop["orders"].iterrows():
        assert row["phone"] == expected[row["customer_id"]]


def test_buyers_without_unpaid_orders_match_the_export(shop):
    expected = _expected(shop["rows"])
    unpaid = {r["买家会员名"] for r in shop["rows"] if r["订单状态"] == "等待买家付款"}
    got = shop["customers"]
    checked = 0
    for nick, c in expected.items():
        if nick in unpaid or not c.orders:
            continue
        assert got[nick]["orders"] == len(c.orders), nick
        assert got[nick]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), nick
        assert got[nick]["net_revenue"] == pytest.approx(c.gross, abs=0.005), nick
        assert got[nick]["cancelled_orders"] == len(c.cancelled), nick
        checked += 1
    assert checked >= 5


def test_closed_trades_are_never_revenue(shop):
    closed = sum(r["订单状态"] == "交易关闭" for r in shop["rows"])
    unpaid = sum(r["订单状态"] == "等待买家付款" for r in shop["rows"])  # never paid: counted with cancelled
    assert closed and sum(c["cancelled_orders"] for c in shop["customers"].values()) == closed + unpaid


def test_order_ids_lose_the_excel_guard(shop):
    assert set(shop["orders"]["order_id"]) == {r["订单编号"] for r in shop["rows"]}


def test_unpaid_orders_are_not_revenue(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    unpaid = {r["买家会员名"] for r in shop["rows"] if r["订单状态"] == "等待买家付款"}
    assert unpaid
    for nick in unpaid:
        if expected[nick].orders:
            assert got[nick]["orders"] == len(expected[nick].orders), nick
            assert got[nick]["gross_revenue"] == pytest.approx(expected[nick].gross, abs=0.005), nick
    total = sum(c.gross for c in expected.values())
    assert sum(c["gross_revenue"] for c in got.values()) == pytest.approx(total, abs=0.01)


def test_standard_paid_statuses_are_not_flagged(shop):
    paid_waiting = sum(r["订单状态"] in TAOBAO_PAID[1:] for r in shop["rows"])
    assert paid_waiting
    assert shop["quality"]["flagged_reasons"].get("status.unknown_status", 0) == 0  # 等待买家付款 is cancelled


def test_the_exported_summary_opens_in_excel_with_the_same_figures(shop, tmp_path):
    import pandas as pd

    csv_path, xlsx_path = tmp_path / "汇总.csv", tmp_path / "汇总.xlsx"
    ok(cva("export", "summary", "--out", csv_path, "-w", shop["root"]))
    ok(cva("export", "summary", "--out", xlsx_path, "-w", shop["root"], "--lang", "zh"))
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    labels = {msg(f"column.{c}", "zh"): c for c in ("customer_id", "net_revenue")}  # a workbook is for people
    workbook = pd.read_excel(xlsx_path, dtype={msg("column.customer_id", "zh"): str}).rename(columns=labels)
    for table in (pd.read_csv(csv_path, dtype={"customer_id": str}, encoding="utf-8-sig"), workbook):
        got = dict(zip(table["customer_id"], table["net_revenue"]))
        assert got == pytest.approx({k: v["net_revenue"] for k, v in shop["customers"].items()})
