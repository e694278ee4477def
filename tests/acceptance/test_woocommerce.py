"""A WooCommerce shop's orders (Customer / Order / Coupon Export, default CSV) analysed with cva.

One row per order, UTF-8, "YYYY-MM-DD HH:MM:SS". ``customer_id`` is the WordPress user id and 0 for
every guest checkout, so the user keys customers by ``billing_email`` (``--map
billing_email=customer_id``; the export's own ``customer_id`` column then becomes an extra column).
Statuses: completed, processing (paid), refunded (order_total kept, refund in refunded_total),
cancelled, failed; partial refunds leave the status ``completed`` and fill refunded_total.
"""

from __future__ import annotations

import pytest

from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import woocommerce_orders


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("woo")
    path = tmp / "orders-export-2024-06-30.csv"
    rows = woocommerce_orders(path)
    root = workspace(tmp)
    ok(cva("ingest", path, "--table", "orders", "--map", "billing_email=customer_id", "-w", root))
    ok(cva("run", "-w", root, "--json"))
    return {"rows": rows, "root": root,
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _expected(rows):
    expected = per_customer()
    for r in rows:
        c = expected[r["billing_email"]]
        if r["status"] in ("completed", "processing", "refunded"):
            c.orders.add(r["order_id"])
            c.gross += float(r["order_total"])
            c.refunds += float(r["refunded_total"])
        else:
            c.cancelled.add(r["order_id"])
    return expected


def _refunded(rows):
    return {r["billing_email"] for r in rows if float(r["refunded_total"]) > 0}


def test_guests_are_told_apart_by_email(shop):
    rows = shop["rows"]
    assert sum(r["customer_id"] == "0" for r in rows) > 5
    buyers = {r["billing_email"] for r in rows if r["status"] in ("completed", "processing")}
    assert buyers <= set(shop["customers"])
    assert "0" not in shop["customers"]


def test_customers_without_refunds_match_the_export(shop):
    expected = _expected(shop["rows"])
    refunded = _refunded(shop["rows"])
    got = shop["customers"]
    checked = 0
    for email, c in expected.items():
        if email in refunded or not c.orders:
            continue
        assert got[email]["orders"] == len(c.orders), email
        assert got[email]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), email
        assert got[email]["net_revenue"] == pytest.approx(c.gross, abs=0.005), email
        assert got[email]["cancelled_orders"] == len(c.cancelled), email
        checked += 1
    assert checked >= 5


def test_failed_and_cancelled_orders_are_never_revenue(shop):
    q = shop["quality"]
    assert q["rows_in"] == q["rows_kept"] == len(shop["rows"])
    never = sum(r["status"] in ("cancelled", "failed") for r in shop["rows"])
    assert sum(c["cancelled_orders"] for c in shop["customers"].values()) == never


def test_refunds_net_to_what_the_shop_kept(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    refunded = _refunded(shop["rows"])
    assert refunded
    for email in refunded:
        c = expected[email]
        row = got.get(email, {"orders": 0, "gross_revenue": 0.0, "refunds": 0.0, "net_revenue": 0.0})
        assert (row["orders"], round(row["gross_revenue"], 2), round(row["refunds"], 2), round(row["net_revenue"], 2)) \
            == (len(c.orders), round(c.gross, 2), round(c.refunds, 2), round(c.net, 2)), email
