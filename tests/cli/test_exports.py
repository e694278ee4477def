"""Exports as users have them, through ``cva`` as they run it: what they see, exit code 0 or 2."""

import json

from customer_value import __version__
from tests.cli.helpers import cva, ok, user_error


def test_version_prints_the_package_version():
    result = ok(cva("--version"))
    assert result.stdout.strip() == f"cva {__version__}"


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert __version__ == version("customer-value")


def _workspace(tmp_path, *args):
    root = tmp_path / "ws"
    ok(cva("init", root, *args))
    return root


def test_a_blank_customer_is_quarantined_not_the_top_customer(tmp_path):
    root = _workspace(tmp_path)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "Invoice,Customer ID,InvoiceDate,Amount\n"
        "I1,(blank),2024-01-02,1000000\nI2,(blank),2024-02-02,1170000\n"
        "I3,C1,2024-01-05,10\nI4,C1,2024-03-05,12.5\nI5,C2,2024-03-05,40\n",
        encoding="utf-8",
    )
    result = ok(cva("ingest", path, "--table", "orders", "-w", root))
    assert "quarantined Customer — a placeholder such as (blank) or 未知, not an id" in result.stdout
    ok(cva("run", "-w", root))
    top = json.loads(ok(cva("customers", "-w", root, "--json")).stdout)
    assert sorted(c["customer_id"] for c in top) == ["C1", "C2"]


def test_an_id_a_spreadsheet_made_a_float_is_the_same_customer(tmp_path):
    root = _workspace(tmp_path)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Invoice,Customer ID,InvoiceDate,Amount\n"
        "1,12346.0,2024-01-02,10\n2,12346.0,2024-02-02,20\n3,00123,2024-02-03,5\n4,1.5A,2024-02-04,7\n",
        encoding="utf-8",
    )
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer ID,Name\n12346,Ann Lee\n00123,Bo Wu\n1.5A,Cy Ng\n", encoding="utf-8")
    ok(cva("ingest", customers, "--table", "customers", "-w", root))
    ok(cva("ingest", orders, "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    for typed in ("12346", "12346.0", " 12346 "):
        record = json.loads(ok(cva("customer", typed, "-w", root, "--json")).stdout)
        assert record["customer_id"] == "12346" and record["profile"]["name"] == "Ann Lee"
        assert record["summary"]["orders"] == 2
    assert json.loads(ok(cva("customer", "00123", "-w", root, "--json")).stdout)["profile"]["name"] == "Bo Wu"
    assert json.loads(ok(cva("customer", "1.5A", "-w", root, "--json")).stdout)["summary"]["orders"] == 1
    user_error(cva("customer", "123", "-w", root), "123")
