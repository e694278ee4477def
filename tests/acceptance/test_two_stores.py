"""One merchant with two web shops — Shopify in US dollars, WooCommerce in pounds — analysed in one
workspace, the way a user adds "another file" to a table (README: another file adds to the table)."""

from __future__ import annotations

import pytest

from tests.acceptance._cli import cva, ok, ok_json, workspace
from tests.acceptance.platforms import shopify_orders, woocommerce_orders

SHOPIFY_MAPS = ("--map", "Email=customer_id", "--map", "Name=order_id")
WOO_MAPS = ("--map", "billing_email=customer_id", "--map", "order_currency=currency")


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two_stores")
    shopify, woo = tmp / "orders_export_1.csv", tmp / "orders-export-2024-06-30.csv"
    shopify_rows = shopify_orders(shopify, n_orders=40, statuses=("paid",))
    woo_rows = woocommerce_orders(woo, n_orders=40, statuses=("completed",), guest_share=0.0)
    root = workspace(tmp)
    ok(cva("ingest", shopify, "--table", "orders", *SHOPIFY_MAPS, "-w", root))
    ok(cva("ingest", woo, "--table", "orders", *WOO_MAPS, "-w", root))
    run = ok(cva("run", "-w", root))
    return {"shopify": shopify_rows, "woo": woo_rows, "root": root, "run": run,
            "quality": ok_json(cva("quality", "--json", "-w", root)),
            "customers": ok_json(cva("customers", "--top", "1000", "--json", "-w", root))}


def test_both_files_add_up(stores):
    q = stores["quality"]["tables"]["orders"]
    assert q["rows_in"] == len(stores["shopify"]) + len(stores["woo"])
    emails = {r["Email"] for r in stores["shopify"]} | {r["billing_email"] for r in stores["woo"]}
    assert {c["customer_id"] for c in stores["customers"]} == emails


def test_mixed_currencies_are_not_added_silently(stores):
    said = stores["run"].stdout + stores["run"].stderr
    assert "USD" in said and "GBP" in said, said
