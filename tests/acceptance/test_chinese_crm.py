"""A Chinese CRM export as a new user brings it: a GBK customer file with 所属销售 owners, orders
with ¥ amounts and placeholder customer ids, and a dropout process the same for everyone — the
data on which every BG/NBD prediction once came out 0 while P(alive) and recent purchases said
otherwise, and a model predicting nothing was chosen as best. Run as a user runs it: the real
``cva`` command in a fresh process, so any Python warning would reach the console."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.acceptance.platforms import CRM_OWNERS, CRM_PLACEHOLDERS, chinese_crm

CVA = Path(sys.executable).parent / "cva"
PYTHON_WARNING = re.compile(r"\.py:\d+: \w*Warning|Warning:.*\.py")


def cva(*args) -> subprocess.CompletedProcess:
    """``cva`` in its own process, as typed in a terminal."""
    return subprocess.run([str(CVA), *map(str, args)], capture_output=True, text=True, check=False)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    assert not PYTHON_WARNING.search(result.stdout + result.stderr), result.stderr
    return result


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crm")
    facts = chinese_crm(tmp)
    root = tmp / "ws"
    ok(cva("init", root, "--lang", "zh"))
    ok(cva("ingest", tmp / "客户资料.csv", "--table", "customers", "-w", root))
    ok(cva("ingest", tmp / "订单明细.csv", "--table", "orders", "-w", root))
    ok(cva("run", "-w", root))
    return {"root": root, "facts": facts}


def _customers(root: Path) -> list[dict]:
    return json.loads(ok(cva("customers", "--json", "--top", "100000", "-w", root)).stdout)


def test_placeholder_ids_are_quarantined_not_customers(crm):
    report = json.loads(ok(cva("quality", "--json", "-w", crm["root"])).stdout)["tables"]["orders"]
    assert report["rows_in"] == len(crm["facts"]["orders"])
    assert report["rows_in"] == report["rows_kept"] + report["rows_quarantined"] + report["exact_duplicates"]
    assert report["rows_quarantined"] >= crm["facts"]["placeholder_rows"]
    ids = {c["customer_id"] for c in _customers(crm["root"])}
    assert not ids & set(CRM_PLACEHOLDERS)


def test_the_chosen_model_predicts_the_holdout_total(crm):
    report = json.loads(ok(cva("backtest", "--json", "-w", crm["root"])).stdout)
    for model in report["models"].values():
        if model["fitted"] and model["predicted_total"] < 0.5 * model["actual_total"]:
            assert not model["beats_baseline"]
    best = report["models"][report["best_model"]]
    assert abs(best["predicted_total"] / best["actual_total"] - 1) <= report["max_total_error"]


@pytest.mark.parametrize("model", ["auto", "bgnbd", "mbgnbd"])
def test_recent_buyers_are_expected_to_buy_again(crm, model, tmp_path):
    root = crm["root"]
    config = root / "cva.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"purchase_model: \w+", f"purchase_model: {model}", text), encoding="utf-8")
    try:
        ok(cva("run", "-w", root))
        customers = _customers(root)
    finally:
        config.write_text(text, encoding="utf-8")
    recent = [c for c in customers if c["recency_days"] <= 30 and c["orders"] >= 2]
    assert len(recent) > 20
    assert all(c["expected_purchases_365d"] > 0.05 and c["clv_12m"] > 0 for c in recent), model
    assert sum(c["next_purchase_window"] != "unlikely" for c in recent) > len(recent) / 2


def test_actions_per_owner_from_the_chinese_owner_column(crm):
    analysed = {c["customer_id"] for c in _customers(crm["root"])}
    for owner in CRM_OWNERS:
        listed = json.loads(ok(cva("actions", "--owner", owner, "--json", "-w", crm["root"])).stdout)["actions"]
        theirs = {c["客户编号"] for c in crm["facts"]["customers"] if c["所属销售"] == owner} & analysed
        assert {row["customer_id"] for row in listed} == theirs
        assert all(row["action_owner"] == owner for row in listed)
