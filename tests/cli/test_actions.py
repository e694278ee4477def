"""``cva actions``, ``cva migrations`` and the value columns in ``cva customers`` / ``cva customer``,
on a workspace with two runs; every summary column is documented in docs/columns.md."""

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from customer_value.cli._common import out
from customer_value.cli.main import app
from customer_value.i18n import msg
from customer_value.runs.execute import execute_run
from customer_value.runs.results import run_summary
from customer_value.runs.snapshot import load_run
from tests.factories import add_batch, make_orders, workspace_with_orders

COLUMNS_DOC = Path(__file__).parents[2] / "docs" / "columns.md"
OWNERS = ("王芳", "Li Lei")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    orders = make_orders(120, seed=4)
    rng = np.random.default_rng(4)
    orders["category"] = rng.choice(["books", "music", "video"], len(orders))
    orders["cost"] = (orders["amount"] * 0.6).round(2)
    orders["currency"] = "CNY"  # the reasons show amounts with ¥ only when the data is in yuan
    ws = workspace_with_orders(tmp_path_factory.mktemp("cli") / "ws", orders)
    ids = sorted(orders.customer_id.unique())
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "owner": [OWNERS[i % 2] if i % 5 else None for i in range(len(ids))],
            "reference_account": ["是" if i % 7 == 0 else "否" for i in range(len(ids))],
        }
    )
    add_batch(ws, "customers", customers, batch_id="c0", source="test", ingested_at=dt.datetime(2025, 1, 1, 1))
    ws.config_path.write_text(
        ws.config_path.read_text(encoding="utf-8").replace(
            "  strategic_fields: []", "  strategic_fields: [reference_account]"
        ),
        encoding="utf-8",
    )
    execute_run(ws, ws.settings(), as_of=dt.date(2024, 5, 31), now=dt.datetime(2025, 1, 2, 9))
    execute_run(ws, ws.settings(), now=dt.datetime(2025, 1, 2, 10))
    return ws


def cva(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_run_holds_every_value_column_without_gaps(workspace):
    summary = run_summary(workspace)
    columns = [
        "value_historical", "value_current", "value_potential", "value_strategic", "value_score", "value_rank",
        "tier", "quadrant", "reasons", "lifecycle_stage", "next_best_action", "cross_buy_probability", "profit",
        "recent_spend", "action_owner",
    ]
    assert not summary[columns].isna().any().any()
    assert (summary.cross_buy_probability > 0).any()
    assert set(summary.action_owner) == {*OWNERS, "unassigned"}
    assert summary.loc[summary.customer_id == "C0000", "value_strategic"].item() == 100.0
    assert summary.profit.sum() == pytest.approx(0.4 * summary.net_revenue.sum(), rel=1e-6)
    diagnostics = load_run(workspace).diagnostics
    assert sum(diagnostics["value"]["tier_shares"].values()) == pytest.approx(1.0)
    assert diagnostics["value"]["profit_source"] == "measured" and diagnostics["value"]["cross_buy"]["used"]
    assert diagnostics["value"]["strategic"]["flagged_customers"] == 18  # every 7th of 120
    assert sum(diagnostics["lifecycle"]["stage_counts"].values()) == len(summary)
    assert "tier_migrations" in diagnostics["value"] and "migrations" in diagnostics["lifecycle"]
    assert sum(diagnostics["actions"]["action_counts"].values()) == len(summary)


def test_every_summary_column_is_documented(workspace):
    documented = set(re.findall(r"^\| `([a-zA-Z0-9_]+)` \|", COLUMNS_DOC.read_text(encoding="utf-8"), re.MULTILINE))
    missing = [c for c in run_summary(workspace).columns if c not in documented]
    assert missing == []


def test_actions_list_every_customer_per_owner(workspace):
    result = cva("actions", "-w", str(workspace.root), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = data["actions"]
    assert len(rows) == len(run_summary(workspace))
    owners = [r["action_owner"] for r in rows]
    assert owners == sorted(owners)
    for owner in set(owners):
        mine = [(r["action_priority"], -r["value_score"]) for r in rows if r["action_owner"] == owner]
        assert mine == sorted(mine)


def test_actions_of_one_owner_in_chinese(workspace):
    result = cva("actions", "-w", str(workspace.root), "--owner", "王芳", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "王芳 的下一步行动" in result.stdout
    assert "Li Lei" not in result.stdout
    unassigned = cva("actions", "-w", str(workspace.root), "--owner", "unassigned", "--lang", "zh")
    assert unassigned.exit_code == 0 and "未分配" in unassigned.stdout


def test_an_unknown_owner_is_a_one_line_error_listing_the_owners(workspace):
    result = cva("actions", "-w", str(workspace.root), "--owner", "nobody")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nobody" in lines[0] and "王芳" in lines[0] and "unassigned" in lines[0]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_actions_export_to_csv_and_excel(workspace, tmp_path, suffix):
    out = tmp_path / f"actions{suffix}"
    result = cva("actions", "-w", str(workspace.root), "--out", str(out), "--lang", "zh")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    if suffix == ".xlsx":  # labelled in the language asked for
        columns = [*run_summary(workspace).columns, "action_text"]
        frame = frame.rename(columns={msg(f"column.{c}", "zh"): c for c in columns})
    assert len(frame) == len(run_summary(workspace))
    assert {"action_owner", "customer_id", "next_best_action", "action_text", "action_priority"} <= set(frame.columns)
    assert frame.action_text.str.contains("[\u4e00-\u9fff]").all()


def test_a_bad_export_suffix_exits_2(workspace, tmp_path):
    result = cva("actions", "-w", str(workspace.root), "--out", str(tmp_path / "actions.txt"))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_migrations_between_the_two_runs(workspace):
    result = cva("migrations", "-w", str(workspace.root), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    current = run_summary(workspace)
    for column in ("tier", "lifecycle_stage"):
        moves = data["migrations"][column]
        assert sum(m["count"] for m in moves) >= len(current)
        assert sum(m["count"] for m in moves if m["to"] != "none") == len(current)
        assert any(m["from"] == "none" for m in moves)  # customers who first bought after the first run
    text = cva("migrations", "-w", str(workspace.root), "--lang", "zh")
    assert text.exit_code == 0 and "分级迁移" in text.stdout and "生命周期阶段迁移" in text.stdout


def test_migrations_with_explicit_runs_and_with_one_run(workspace, tmp_path):
    runs = json.loads(cva("runs", "-w", str(workspace.root), "--json").stdout)
    first, second = runs[0]["run_id"], runs[1]["run_id"]
    # named in the wrong order, the runs are still compared in as-of order
    result = cva("migrations", "-w", str(workspace.root), "--from", second, "--to", first, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["from_run"] == first
    single = cva("migrations", "-w", str(workspace.root), "--to", first)
    assert single.exit_code == 0 and "Only one run" in single.stdout
    assert json.loads(cva("migrations", "-w", str(workspace.root), "--to", first, "--json").stdout)["from_run"] is None
    missing = cva("migrations", "-w", str(workspace.root), "--from", "no-such-run")
    assert missing.exit_code == 2 and "no-such-run" in missing.stderr


def test_customers_show_tier_score_stage_and_action(workspace, monkeypatch):
    monkeypatch.setattr(out, "width", 250)
    result = cva("customers", "-w", str(workspace.root), "--top", "5", "--lang", "zh")
    assert result.exit_code == 0, result.output
    for label in ("分级", "价值评分", "生命周期阶段", "下一步行动"):
        assert label in result.stdout
    assert re.search("[ABC]类", result.stdout)


def test_customer_shows_the_reasons_in_the_chosen_language(workspace, monkeypatch):
    monkeypatch.setattr(out, "width", 250)
    top = run_summary(workspace).sort_values("value_rank").customer_id.iloc[0]
    en = cva("customer", top, "-w", str(workspace.root), "--lang", "en")
    zh = cva("customer", top, "-w", str(workspace.root), "--lang", "zh")
    assert en.exit_code == zh.exit_code == 0
    assert "Reasons" in en.stdout and "top" in en.stdout and "¥" in en.stdout
    assert "评分依据" in zh.stdout and "排名前" in zh.stdout
    data = json.loads(cva("customer", top, "-w", str(workspace.root), "--json", "--lang", "zh").stdout)
    assert len(data["summary"]["reasons"]) == 3 and all("key" in r for r in data["summary"]["reasons"])
    assert len(data["summary"]["reasons_text"]) == 3 and "排名" in "".join(data["summary"]["reasons_text"])


def test_migrations_and_alerts_follow_the_as_of_order(tmp_path):
    # A run for an earlier date made after a later one: it is compared as the earlier run, and
    # its alerts don't compare it with the later date's run.
    ws = workspace_with_orders(tmp_path / "ws", make_orders(60, seed=3))
    december = execute_run(ws, ws.settings(), now=dt.datetime(2025, 1, 2, 9))
    may = execute_run(ws, ws.settings(), as_of=dt.date(2024, 5, 31), now=dt.datetime(2025, 1, 2, 10))
    assert load_run(ws).run_id == may.run_id and may.previous_run is None
    data = json.loads(cva("migrations", "-w", str(ws.root), "--json").stdout)
    assert (data["from_run"], data["to_run"]) == (may.run_id, december.run_id)
    june = execute_run(ws, ws.settings(), as_of=dt.date(2024, 6, 30), now=dt.datetime(2025, 1, 2, 11))
    assert june.previous_run == may.run_id
    data = json.loads(cva("migrations", "-w", str(ws.root), "--json").stdout)
    assert (data["from_run"], data["to_run"]) == (may.run_id, june.run_id)
