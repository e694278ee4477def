"""Runs are immutable snapshots: visible only when complete, the last good one stays current."""

import datetime as dt

import pytest

from customer_value.errors import ConfigError, WorkspaceError
from customer_value.runs import stages
from customer_value.runs.execute import execute_run
from customer_value.runs.snapshot import current_run_id, list_runs, load_run, previous_run, read_run_table
from customer_value.workspace import init_workspace
from tests.factories import make_orders, workspace_with_orders

NOW = dt.datetime(2025, 1, 2, 9, 0)


@pytest.fixture
def workspace(tmp_path):
    return workspace_with_orders(tmp_path / "ws", make_orders(80, seed=1))


def test_a_run_becomes_current_and_holds_one_row_per_buyer(workspace):
    manifest = execute_run(workspace, workspace.settings(), now=NOW)
    assert current_run_id(workspace) == manifest.run_id
    summary = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
    assert summary.customer_id.is_unique and len(summary) == manifest.customers > 0
    assert not summary[["orders", "net_revenue", "recency_days", "rfm_r", "rfm_segment"]].isna().any().any()
    assert set(manifest.stage_seconds) == {name for name, _ in stages.STAGES}


def test_a_failed_run_leaves_the_last_good_run_current(workspace, monkeypatch):
    good = execute_run(workspace, workspace.settings(), now=NOW)

    def broken(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(stages, "STAGES", [*stages.STAGES, ("broken", broken)])
    with pytest.raises(RuntimeError):
        execute_run(workspace, workspace.settings(), now=NOW + dt.timedelta(hours=1))
    assert current_run_id(workspace) == good.run_id
    assert [m.run_id for m in list_runs(workspace)] == [good.run_id]
    assert not [p for p in workspace.runs_dir.iterdir() if p.name.startswith(".staging")]


def test_runs_are_kept_and_ordered(workspace):
    first = execute_run(workspace, workspace.settings(), as_of=dt.date(2024, 3, 1), now=NOW)
    second = execute_run(workspace, workspace.settings(), now=NOW + dt.timedelta(minutes=1))
    assert [m.run_id for m in list_runs(workspace)] == [first.run_id, second.run_id]
    assert previous_run(workspace, second.run_id).run_id == first.run_id
    assert load_run(workspace).run_id == second.run_id
    assert first.as_of == "2024-03-01" and first.customers < second.customers


def test_as_of_before_the_first_order_is_an_error(workspace):
    with pytest.raises(ConfigError, match="before the first order"):
        execute_run(workspace, workspace.settings(), as_of=dt.date(2000, 1, 1), now=NOW)
    assert current_run_id(workspace) is None


def test_no_orders_and_no_run_are_clear_errors(tmp_path):
    empty = init_workspace(tmp_path / "empty")
    with pytest.raises(WorkspaceError, match="no orders"):
        execute_run(empty, empty.settings(), now=NOW)
    with pytest.raises(WorkspaceError, match="no run yet"):
        load_run(empty)
