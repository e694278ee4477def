"""A Shopify store owner's orders export (Admin > Orders > Export, plain CSV), analysed with cva.

Shopify writes one row per line item; only the first row of an order carries the status and the
totals. There is no customer id: the e-mail is the customer. Money is plain decimals with a
``Currency`` column; times are "2024-01-04 03:45:54 -0500". Financial statuses: paid, refunded,
partially_refunded, voided (a cancelled authorisation).

Two headers need ``--map``: the e-mail is the customer here, and ``Name`` is the order number
(``Created at`` and ``Financial Status`` are detected). The ingest error names the missing column
and lists the headers, and the README shows ``--map SOURCE=canonical``.
"""

from __future__ import annotations

import pytest

from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance._expect import by_id, per_customer
from tests.acceptance.platforms import shopify_orders

MAPS = ("--map", "Email=customer_id", "--map", "Name=order_id")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """An export, a workspace with it ingested the way the docs lead a user to, and one run."""
    tmp = tmp_path_factory.mktemp("shopify")
    path = tmp / "orders_export_1.csv"
    rows = shopify_orders(path)
    root = workspace(tmp)
    ingest = ok(cva("ingest", path, "--table", "orders", *MAPS, "-w", root))
    ok(cva("run", "-w", root, "--json"))
    return {"rows": rows, "root": root, "path": path, "ingest": ingest,
            "quality": ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"],
            "customers": by_id(ok_json(cva("customers", "--top", "1000", "--json", "-w", root)))}


def _orders(rows):
    """The first row of every order (the one with status and totals)."""
    return [r for r in rows if r["Financial Status"]]


def _expected(rows):
    """Per e-mail: paid orders and their totals, refunds as Shopify reports them, voided orders."""
    expected = per_customer()
    for r in _orders(rows):
        c = expected[r["Email"]]
        if r["Financial Status"] == "voided":
            c.cancelled.add(r["Name"])
            continue
        c.orders.add(r["Name"])
        c.gross += float(r["Total"])
        c.refunds += float(r["Refunded Amount"])
    return expected


def test_the_missing_customer_id_error_lists_the_shopify_headers(tmp_path):
    path = tmp_path / "orders_export_1.csv"
    shopify_orders(path, n_orders=5)
    root = workspace(tmp_path)
    result = cva("ingest", path, "--table", "orders", "-w", root)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "customer_id" in line and "Email" in line and "Lineitem quantity" in line
    assert "Traceback" not in result.output


def test_every_row_is_accounted_for(shop):
    q = shop["quality"]
    assert q["rows_in"] == len(shop["rows"])
    assert q["rows_in"] == q["rows_kept"] + q["rows_quarantined"] + q["exact_duplicates"]
    assert q["reconciles"]


def test_customers_with_paid_and_voided_orders_match_the_export(shop):
    expected = _expected(shop["rows"])
    plain = {e: c for e, c in expected.items()
             if c.orders and not any(r["Financial Status"] in ("refunded", "partially_refunded")
                                     for r in _orders(shop["rows"]) if r["Email"] == e)}
    assert len(plain) >= 5
    got = shop["customers"]
    for email, c in plain.items():
        assert got[email]["orders"] == len(c.orders), email
        assert got[email]["gross_revenue"] == pytest.approx(c.gross, abs=0.005), email
        assert got[email]["net_revenue"] == pytest.approx(c.gross, abs=0.005), email
        assert got[email]["refunds"] == 0


def test_voided_orders_are_cancelled_and_never_revenue(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    voided = {e: c for e, c in expected.items() if c.cancelled and c.orders}
    assert voided
    for email, c in voided.items():
        assert got[email]["cancelled_orders"] == len(c.cancelled), email
    only_voided = [e for e, c in expected.items() if c.cancelled and not c.orders]
    assert not set(only_voided) & set(got)


def test_order_times_stay_in_the_shops_local_time(shop):
    first = {}
    for r in _orders(shop["rows"]):
        if r["Financial Status"] == "paid":
            first.setdefault(r["Email"], r["Created at"][:19])
    got = shop["customers"]
    for email, local in first.items():
        if all(x["Financial Status"] == "paid" for x in _orders(shop["rows"]) if x["Email"] == email):
            assert got[email]["first_order_at"] == local, email


def test_a_fully_refunded_order_nets_to_zero(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    refunded = [r for r in _orders(shop["rows"]) if r["Financial Status"] == "refunded"]
    assert refunded
    for r in refunded:
        c = expected[r["Email"]]
        row = got.get(r["Email"])
        assert row is not None, f"{r['Email']} bought and was refunded, yet is missing from the run"
        assert row["orders"] == len(c.orders)
        assert row["gross_revenue"] == pytest.approx(c.gross, abs=0.005)


def test_partial_refunds_are_netted(shop):
    expected = _expected(shop["rows"])
    got = shop["customers"]
    partial = {r["Email"] for r in _orders(shop["rows"]) if r["Financial Status"] == "partially_refunded"}
    assert partial
    for email in partial:
        assert got[email]["net_revenue"] == pytest.approx(expected[email].net, abs=0.005), email
    assert shop["quality"]["flagged_reasons"].get("status.unknown_status", 0) == 0


def test_line_item_rows_are_not_rejected(shop):
    q = shop["quality"]
    assert q["rows_quarantined"] == 0, q["quarantine_reasons"]


def test_amounts_are_shown_in_the_export_currency(shop):
    root = shop["root"]
    email = max(shop["customers"], key=lambda e: shop["customers"][e]["net_revenue"])
    reasons = ok_json(cva("customer", email, "--json", "-w", root))["summary"]["reasons_text"]
    assert ok_json(cva("quality", "--json", "-w", root))["currency"] == "USD"
    assert not any("¥" in text for text in reasons), reasons


def test_without_mapping_the_date_voided_orders_still_count_as_cancelled(tmp_path, shop):
    root = workspace(tmp_path)
    ok(cva("ingest", shop["path"], "--table", "orders", "--map", "Email=customer_id", "--map", "Name=order_id",
           "-w", root))
    quality = ok_json(cva("quality", "--json", "-w", root))["tables"]["orders"]
    assert "ordered_at.missing" not in quality["quarantine_reasons"]
