"""`cva run` end to end on the demo CRM and on the CDNOW sample: every required column for every
customer, no gaps, counts that add up, reasons present."""

import math

import pytest

from customer_value.pipeline.ingest import ingest_file
from customer_value.runs.execute import execute_run
from customer_value.runs.results import run_summary
from customer_value.sample import write_cdnow_csv
from customer_value.workspace import init_workspace

REQUIRED = (
    "customer_id", "orders", "net_revenue", "first_order_at", "last_order_at", "recency_days", "frequency",
    "monetary", "rfm_r", "rfm_f", "rfm_m", "rfm_group", "rfm_segment", "whale", "small_fish",
    "value_historical", "value_current", "value_potential", "value_strategic", "value_score", "tier", "quadrant",
    "lifecycle_stage", "p_alive", "expected_purchases_365d", "clv_12m", "clv_24m", "clv_36m",
    "churn_probability", "churn_factors", "cluster", "cluster_rule", "next_best_action", "reasons",
)


def _check(summary, manifest):
    n = len(summary)
    assert n == manifest.customers > 0
    assert summary.customer_id.is_unique
    missing = [c for c in REQUIRED if c not in summary.columns]
    assert missing == []
    for column in REQUIRED:
        values = summary[column]
        assert not values.isna().any(), column
        if values.dtype.kind == "f":
            assert values.map(math.isfinite).all(), column
    for column in ("tier", "rfm_group", "rfm_segment", "lifecycle_stage", "quadrant", "cluster"):
        assert summary[column].value_counts().sum() == n, column
    assert set(summary.tier) <= {"A", "B", "C"}
    assert summary.p_alive.between(0, 1).all() and summary.churn_probability.between(0, 1).all()
    assert (summary.clv_12m <= summary.clv_24m + 1e-9).all() and (summary.clv_24m <= summary.clv_36m + 1e-9).all()
    assert summary.value_score.between(0, 100).all()
    assert (summary.reasons.str.len() > 2).all()
    assert summary.cluster_rule.str.len().gt(0).all() and summary.next_best_action.str.len().gt(0).all()


def test_demo_crm(sample_workspace):
    workspace, _, _ = sample_workspace
    manifest = execute_run(workspace, workspace.settings())
    summary = run_summary(workspace, manifest.run_id)
    _check(summary, manifest)
    assert {"models", "churn", "clusters"} <= set(manifest.diagnostics)


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    root = tmp_path_factory.mktemp("cdnow")
    workspace = init_workspace(root / "ws")
    ingest_file(workspace, workspace.settings(), write_cdnow_csv(root / "cdnow.csv"), table="orders")
    return workspace


def test_cdnow(cdnow):
    manifest = execute_run(cdnow, cdnow.settings())
    summary = run_summary(cdnow, manifest.run_id)
    _check(summary, manifest)
    assert manifest.customers == 2357
    assert manifest.as_of == "1998-06-30"
