"""The rough edges a new user hits in the first hour: commands in the wrong order, typos in
--table and --map, unknown customer ids, an old .xls, a corrected mapping, and --lang zh on every
error. The README promises: bad input never gives a traceback, one line on stderr that says what
and where, exit code 2, and every message in English and Simplified Chinese."""

from __future__ import annotations

import re

import pytest

from tests.acceptance._cli import cva, ok, ok_json, user_error, workspace
from tests.acceptance.platforms import woocommerce_orders

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
IDENTIFIERS = {"cva", "ingest", "run", "xlsx", "xls", "excel", "csv", "parquet", "table", "out", "as_of", "customers", "orders",
               "quarantine", "customer_map", "summary", "interactions", "tickets", "surveys", "referrals",
               "opportunities", "marketing_spend"}


def _english_words(line: str, *inputs: str) -> set[str]:
    """Latin words of a Chinese message, other than paths, the user's own input and identifiers."""
    text = re.sub(r"/\S+", " ", line)
    for value in inputs:
        text = text.replace(value, " ")
    return {w for w in LATIN_WORD.findall(text) if w.lower() not in IDENTIFIERS}


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rough")
    path = tmp / "orders-export.csv"
    woocommerce_orders(path, n_orders=40)
    root = workspace(tmp)
    ok(cva("ingest", path, "--table", "orders", "--map", "billing_email=customer_id", "-w", root))
    ok(cva("run", "-w", root))
    return {"root": root, "path": path, "tmp": tmp}


def test_run_before_ingest_says_what_to_do(tmp_path):
    root = workspace(tmp_path)
    assert "cva ingest" in user_error(cva("run", "-w", root))
    assert "cva ingest" in user_error(cva("run", "-w", root, "--lang", "zh"))
    assert "cva run" in user_error(cva("customers", "-w", root))
    assert "cva run" in user_error(cva("export", "summary", "--out", tmp_path / "s.csv", "-w", root))


def test_a_wrong_table_lists_the_tables(shop):
    line = user_error(cva("ingest", shop["path"], "--table", "order", "-w", shop["root"]))
    assert "order" in line and "orders" in line and "customers" in line


def test_a_typo_in_a_map_header_lists_the_headers(shop):
    line = user_error(cva("ingest", shop["path"], "--table", "orders", "--map", "billing_emial=customer_id",
                          "-w", shop["root"]))
    assert "billing_emial" in line and "billing_email" in line
    line = user_error(cva("ingest", shop["path"], "--table", "orders", "--map", "billing_emial=customer_id",
                          "-w", shop["root"], "--lang", "zh"))
    assert "billing_emial" in line and "不存在" in line


def test_a_typo_in_a_canonical_column_lists_the_columns(shop):
    line = user_error(cva("ingest", shop["path"], "--table", "orders", "--map", "billing_email=customerid",
                          "-w", shop["root"]))
    assert "customerid" in line and "customer_id" in line


def test_an_unknown_customer_is_a_one_line_error(shop):
    assert "C404" in user_error(cva("customer", "C404", "-w", shop["root"]))


def test_re_ingesting_the_same_file_changes_nothing(shop):
    before = ok_json(cva("quality", "--json", "-w", shop["root"]))["tables"]["orders"]
    result = ok(cva("ingest", shop["path"], "--table", "orders", "--map", "billing_email=customer_id",
                    "-w", shop["root"]))
    assert "nothing changed" in result.stdout
    assert ok_json(cva("quality", "--json", "-w", shop["root"]))["tables"]["orders"] == before


def test_re_ingesting_with_a_corrected_mapping_says_how_to_apply_it(shop):
    result = ok(cva("ingest", shop["path"], "--table", "orders", "--map", "billing_email=customer_id",
                    "--map", "order_currency=currency", "-w", shop["root"]))
    assert "--replace" in result.stdout


def test_an_error_is_exactly_one_line(tmp_path):
    root = workspace(tmp_path)
    for result in (cva("run", "-w", root), cva("ingest", tmp_path / "nope.csv", "--table", "orders", "-w", root)):
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1, repr(result.stderr)


def test_an_old_xls_workbook_is_refused_in_chinese(shop):
    path = shop["tmp"] / "销售出库单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)  # an OLE2 (.xls) header
    line = user_error(cva("ingest", path, "--table", "orders", "-w", shop["root"], "--lang", "zh"))
    assert ".xlsx" in line and not _english_words(line, path.name), line


ZH_ERRORS = {
    "wrong_table": (("ingest", "{path}", "--table", "order"), ("order",)),
    "bad_as_of": (("run", "--as-of", "2024-13-01"), ()),
    "unknown_customer": (("customer", "C404"), ("C404",)),
    "bad_export_suffix": (("export", "summary", "--out", "{tmp}/summary.txt"), ("summary.txt",)),
    "unknown_export_table": (("export", "summaries", "--out", "{tmp}/x.csv"), ("summaries",)),
}


@pytest.mark.parametrize("case", sorted(ZH_ERRORS))
def test_errors_in_chinese_have_no_english_words(shop, case):
    args, inputs = ZH_ERRORS[case]
    args = [str(a).format(path=shop["path"], tmp=shop["tmp"]) for a in args]
    line = user_error(cva(*args, "-w", shop["root"], "--lang", "zh"))
    assert line.startswith("错误")
    assert not _english_words(line, *inputs), line


def test_customer_in_chinese_shows_chinese_cluster_names(shop):
    customers = ok_json(cva("customers", "--json", "-w", shop["root"]))
    out = ok(cva("customer", customers[0]["customer_id"], "-w", shop["root"], "--lang", "zh")).stdout
    assert "客群名称" in out
    assert "All customers" not in out and "all customers" not in out
