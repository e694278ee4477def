"""The churn stage of ``cva run``: columns, diagnostics, alerts against the previous run, --as-of."""

import datetime as dt
import json

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import test_churn_synthetic as synthetic

from customer_value.config import Settings
from customer_value.errors import ModelFitError
from customer_value.i18n import msg
from customer_value.runs.context import RunContext
from customer_value.runs.execute import execute_run
from customer_value.runs.snapshot import read_run_table
from customer_value.runs.stages import STAGES, churn, summary
from customer_value.scoring import churn as scoring_churn
from customer_value.workspace.store import BatchRecord, write_batch
from tests.factories import workspace_with_orders


@pytest.fixture(scope="module")
def data():
    return synthetic.make_churn_data(700, seed=11)


def _create_table(con, name: str, frame: pd.DataFrame) -> None:
    con.con.register("_frame", pa.Table.from_pandas(frame, preserve_index=False))
    con.raw_sql(f"CREATE TABLE {name} AS SELECT * FROM _frame")
    con.con.unregister("_frame")


def _context(data, *, as_of=None, tables=("interactions", "tickets", "surveys"), previous=None):
    con = ibis.duckdb.connect()
    _create_table(con, "orders", data.orders)
    for name in tables:
        _create_table(con, name, getattr(data, name))
    ctx = RunContext(settings=Settings(), as_of=as_of or data.as_of, con=con, orders=con.table("orders"),
                     previous=previous)
    summary.run(ctx)
    return ctx


def test_the_stage_runs_after_the_rfm_stage():
    names = [name for name, _ in STAGES]
    assert names.index("churn") == (names.index("models") if "models" in names else names.index("rfm")) + 1


def test_the_stage_adds_its_columns_and_diagnostics(data):
    previous = pd.DataFrame({"customer_id": data.truth.customer_id, "p_alive": 0.95})
    ctx = _context(data, previous=previous)
    ctx.summary["p_alive"] = np.where(np.arange(len(ctx.summary)) % 2 == 0, 0.5, 0.9)  # as the models stage would
    before = len(ctx.summary)
    churn.run(ctx)
    s = ctx.summary
    assert len(s) == before and s.customer_id.is_unique
    assert s.churn_probability.between(0, 1).all() and s.churn_probability.notna().all()
    assert all(isinstance(v, list) for v in s.churn_factors) and all(isinstance(v, list) for v in s.alerts)
    drops = s.alerts.map(lambda codes: "p_alive_drop" in codes)
    assert drops.tolist() == (s.p_alive == 0.5).tolist()
    d = ctx.diagnostics["churn"]
    assert d["method"] == "lightgbm" and d["tables"] == ["orders", "interactions", "tickets", "surveys"]
    assert d["alerts"]["p_alive_drop"] == int(drops.sum()) and d["p_alive_alert"] is True
    assert d["alerts"]["high_churn_risk"] == int((s.churn_probability > 0.7).sum())
    json.dumps(d)  # the manifest stores it
    pa.Table.from_pandas(s, preserve_index=False)  # the run snapshot stores it


def test_a_table_without_the_needed_columns_is_skipped_and_said():
    ctx = _context(synthetic.make_churn_data(60, seed=1), tables=())
    _create_table(ctx.con, "interactions", pd.DataFrame({"customer_id": ["S00001"], "kind": ["visit"]}))
    churn.run(ctx)
    d = ctx.diagnostics["churn"]
    assert d["tables"] == ["orders"] and d["tables_skipped"] == ["interactions"]
    assert d["p_alive_alert"] is False
    shown = {m.key: m for m in ctx.messages}
    assert shown["churn.tables_skipped"].severity == "warning"
    assert shown["churn.tables_skipped"].fields == {"tables": "interactions"}
    assert shown[f"churn.method_{d['method']}"].severity == "info"
    if d["method"] != "lightgbm":  # 60 customers are too few to train: the fallback and why, about everyone
        reason = shown[d["reason"]["key"]]
        assert reason.severity == "warning" and reason.customers == "all" and "churn_probability" in reason.columns


def test_a_baseline_that_cannot_be_fitted_is_said(data, monkeypatch):
    def broken(*args, **kwargs):
        raise ModelFitError("models.no_repeat_buyers", model="BetaGeoModel", total=3)

    monkeypatch.setattr(scoring_churn, "btyd_scores", broken)
    ctx = _context(data)
    churn.run(ctx)
    assert ctx.diagnostics["churn"]["method"] == "lightgbm"
    note = next(m for m in ctx.messages if m.key == "churn.baseline_failed")
    assert note.severity == "info" and note.fields["detail"]["key"] == "models.no_repeat_buyers"
    assert msg("models.no_repeat_buyers", "zh", model="BetaGeoModel", total=3) in note.render("zh")


def test_as_of_sees_nothing_after_it(data):
    as_of = data.as_of - dt.timedelta(days=60)
    end = pd.Timestamp(as_of + dt.timedelta(days=1))
    cut = synthetic.ChurnData(
        orders=data.orders[data.orders.ordered_at < end],
        interactions=data.interactions[data.interactions.occurred_at < end],
        tickets=data.tickets[data.tickets.opened_at < end],
        surveys=data.surveys[data.surveys.answered_at < end],
        truth=data.truth, as_of=as_of,
    )
    whole, seen = _context(data, as_of=as_of), _context(cut)
    churn.run(whole)
    churn.run(seen)
    columns = ["customer_id", "churn_probability", "churn_factors", "churn_factor_values", "alerts"]
    pd.testing.assert_frame_equal(whole.summary[columns], seen.summary[columns])
    assert whole.diagnostics["churn"] == seen.diagnostics["churn"]


def test_cva_run_stores_the_churn_columns(tmp_path, data):
    workspace = workspace_with_orders(tmp_path / "ws", data.orders)
    interactions = pa.Table.from_pandas(data.interactions, preserve_index=False)
    n = interactions.num_rows
    interactions = interactions.append_column("_row", pa.array(np.arange(1, n + 1), pa.int64()))
    interactions = interactions.append_column("_batch", pa.array(["i0"] * n))
    interactions = interactions.append_column("_row_hash", pa.array(np.arange(n), pa.uint64()))
    record = BatchRecord(batch_id="i0", table="interactions", source="factory", fingerprint="i0", format="parquet",
                         ingested_at=dt.datetime(2025, 1, 1).isoformat(), rows_in=n, rows_kept=n,
                         rows_quarantined=0, exact_duplicates=0)
    write_batch(workspace, record, interactions, pa.table({"table": pa.array([], pa.string())}))
    manifest = execute_run(workspace, workspace.settings(), as_of=data.as_of - dt.timedelta(days=30),
                           now=dt.datetime(2025, 1, 2))
    stored = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
    assert stored.churn_probability.between(0, 1).all()
    assert {"churn_factors", "churn_factor_values", "alerts"} <= set(stored.columns)
    d = manifest.diagnostics["churn"]
    assert d["tables"] == ["orders", "interactions"]
    assert d["cutoffs"]["score"] == (data.as_of - dt.timedelta(days=30)).isoformat()
