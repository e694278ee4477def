"""The models stage: P(alive), expected purchases, CLV and next purchase window per customer,
the automatic choice of the purchase model, and the fallbacks on thin or degenerate data."""

import datetime as dt
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from customer_value.config import ModelsConfig
from customer_value.i18n import render
from customer_value.errors import ModelFitError
from customer_value.models import GammaGammaModel, customer_lifetime_value
from customer_value.models.backtest import PREFER_TOLERANCE, PURCHASE_MODELS
from customer_value.pipeline.ingest import ingest_file
from customer_value.runs.context import RunContext
from customer_value.runs.execute import execute_run
from customer_value.runs.snapshot import read_run_table
from customer_value.runs.stages import models, summary
from customer_value.scoring import lifetime
from customer_value.sample import write_cdnow_csv
from customer_value.workspace import init_workspace
from customer_value.workspace.views import connect
from tests.factories import make_orders, make_steady_orders, orders_from_rows, workspace_with_orders

NOW = dt.datetime(2025, 1, 2, 9, 0)
NUMERIC = [c for c in models.COLUMNS if c not in ("next_purchase_window", "prediction_confidence")]
WINDOW = re.compile(r"^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$")


def _stage(workspace, as_of=None, **config):
    """The summary and models stages on the workspace, as ``cva run`` runs them."""
    settings = workspace.settings()
    settings = settings.model_copy(update={"models": ModelsConfig(**config)})
    con = connect(workspace)
    orders = con.table("orders")
    as_of = as_of or pd.Timestamp(con.execute(orders.ordered_at.max())).date()
    ctx = RunContext(settings=settings, as_of=as_of, con=con, orders=orders)
    summary.run(ctx)
    models.run(ctx)
    return ctx


def _check_columns(frame: pd.DataFrame) -> None:
    assert set(models.COLUMNS) <= set(frame.columns)
    values = frame[[c for c in NUMERIC if c != "p_alive"]].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    assert frame["p_alive"].between(0, 1).all() or frame["p_alive"].isna().all()  # empty: not informative
    assert (frame[["expected_purchases_90d", "expected_purchases_365d", "clv_12m"]] >= 0).all().all()
    assert (frame["expected_purchases_90d"] <= frame["expected_purchases_365d"]).all()
    assert (frame["clv_12m"] <= frame["clv_24m"]).all() and (frame["clv_24m"] <= frame["clv_36m"]).all()
    assert frame["prediction_confidence"].isin(["high", "medium", "low"]).all()
    windows = frame["next_purchase_window"]
    assert windows.map(lambda w: w == models.UNLIKELY or bool(WINDOW.match(w))).all()


@pytest.fixture(scope="module")
def factory_workspace(tmp_path_factory):
    return workspace_with_orders(tmp_path_factory.mktemp("models") / "ws", make_orders(150, seed=1))


def test_a_run_adds_the_model_columns_without_gaps(factory_workspace):
    manifest = execute_run(factory_workspace, factory_workspace.settings(), now=NOW)
    frame = read_run_table(factory_workspace, manifest.run_id, "summary").to_pandas()
    _check_columns(frame)
    diagnostics = manifest.diagnostics["models"]
    for key in ("purchase_model", "choice", "fit", "sufficiency", "backtest", "spend", "clv", "time_unit", "notes"):
        assert key in diagnostics
    assert diagnostics["time_unit"] == "weeks"
    assert diagnostics["fit"]["runs"] >= diagnostics["fit"]["converged_runs"] >= 1
    assert diagnostics["fit"]["converged"] and set(diagnostics["fit"]["standard_errors"]) == set(
        diagnostics["fit"]["params"])
    issue = diagnostics["sufficiency"]["issues"][0]
    shown = [m for m in manifest.messages if m["stage"] == "models" and m["key"] == issue["key"]]
    assert shown and shown[0]["fields"] == issue["fields"] and shown[0]["customers"] == "all"
    json.dumps(diagnostics)  # JSON-able as written into the manifest


def test_auto_choice_is_the_backtest_winner_and_says_why(factory_workspace):
    ctx = _stage(factory_workspace)
    diagnostics = ctx.diagnostics["models"]
    choice, backtest = diagnostics["choice"], diagnostics["backtest"]
    assert choice["method"] == "backtest" and choice["key"].startswith("models.run.choice_")
    beating = {name: m["score"] for name, m in backtest["models"].items() if m["beats_baseline"]}
    best = min(beating, key=beating.get)
    assert backtest["best_model"] == diagnostics["purchase_model"]
    if diagnostics["purchase_model"] != best:  # MBG/NBD or Pareto/NBD preferred within the tolerance
        assert best == "bgnbd" and choice["key"] == "models.run.choice_prefer"
        assert beating[diagnostics["purchase_model"]] <= beating["bgnbd"] * (1 + PREFER_TOLERANCE)
    # the backtest lies inside the history before as_of
    assert backtest["holdout_end"] == ctx.as_of.isoformat()
    assert backtest["calibration_end"] < backtest["holdout_end"]


def test_when_no_model_beats_the_baseline_the_run_says_so_and_uses_the_baseline(tmp_path):
    # Steady buyers: each one's own rate predicts the holdout far better than any buy-till-you-die
    # model, which shrinks everyone towards the average (and finds no dropout).
    ctx = _stage(workspace_with_orders(tmp_path / "ws", make_steady_orders()))
    diagnostics = ctx.diagnostics["models"]
    backtest = diagnostics["backtest"]
    fitted = [m for m in backtest["models"].values() if m["fitted"]]
    assert fitted and all(m["mae"] > backtest["baseline"]["mae"] and not m["beats_baseline"] for m in fitted)
    assert backtest["best_model"] is None
    assert diagnostics["purchase_model"] == "naive"
    assert diagnostics["choice"]["method"] == "fallback"
    assert diagnostics["choice"]["key"] == "models.run.choice_no_model_beats_baseline"
    text = render(diagnostics["choice"], "en")
    assert "naive rate model is used" in text and "BG/NBD MAE" in text
    assert "朴素购买率模型" in render(diagnostics["choice"], "zh")
    assert diagnostics["attempts"] == []  # the failed models are not fitted as fallbacks
    assert diagnostics["fit"]["converged"] is None  # nothing was optimised
    # no dropout: P(alive) is left empty and the run says why
    assert diagnostics["p_alive_informative"] is False
    assert ctx.summary["p_alive"].isna().all()
    assert any(n["key"] == "models.run.p_alive_no_dropout_model" for n in diagnostics["notes"])
    # the expected purchases are each customer's own rate
    row = ctx.summary.set_index("customer_id").loc["C0000"]
    rate = row["btyd_frequency"] / row["btyd_T_days"]
    assert row["expected_purchases_365d"] == pytest.approx(365 * rate, rel=1e-3)
    # a simple rate, not a fitted model: nobody's prediction is called more than low confidence
    assert (ctx.summary["prediction_confidence"] == "low").all()
    assert any(n["key"] == "models.run.confidence_capped_rate" for n in diagnostics["notes"])


def test_a_model_not_backtested_gives_at_most_medium_confidence(tmp_path):
    workspace = workspace_with_orders(tmp_path / "ws", make_orders(1100, seed=7))  # enough data for high
    auto = _stage(workspace)
    assert auto.diagnostics["models"]["sufficiency"]["confidence"] == "high"
    assert (auto.summary["prediction_confidence"] == "high").any()
    configured = _stage(workspace, purchase_model="mbgnbd")
    assert not (configured.summary["prediction_confidence"] == "high").any()
    note = next(n for n in configured.diagnostics["models"]["notes"]
                if n["key"] == "models.run.confidence_capped_untested")
    assert note["fields"]["count"] == (auto.summary["prediction_confidence"] == "high").sum()


def test_orders_after_as_of_change_nothing(tmp_path):
    orders = make_orders(120, seed=4)
    as_of = dt.date(2024, 10, 31)
    later = orders[orders.ordered_at > pd.Timestamp("2024-11-01")]
    assert len(later) > 0
    before = _stage(workspace_with_orders(tmp_path / "a", orders[orders.ordered_at < pd.Timestamp("2024-11-01")]),
                    as_of)
    after = _stage(workspace_with_orders(tmp_path / "b", orders), as_of)
    pd.testing.assert_frame_equal(before.summary[list(models.COLUMNS)], after.summary[list(models.COLUMNS)])
    # the same facts; floats may differ slightly (sums taken in another order move the optimiser's
    # end point a little where the likelihood is flat, as Gamma-Gamma's is on 87 buyers)
    assert _close(before.diagnostics["models"], after.diagnostics["models"])


def _close(a, b, rel=1e-3) -> bool:
    """Equal structures whose floats agree within ``rel``."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b))
    return a == b


def test_configured_model_is_used(factory_workspace):
    ctx = _stage(factory_workspace, purchase_model="pareto_nbd", time_unit="days")
    diagnostics = ctx.diagnostics["models"]
    assert diagnostics["purchase_model"] == "pareto_nbd" and diagnostics["choice"]["method"] == "configured"
    assert diagnostics["backtest"] is None and diagnostics["time_unit"] == "days"
    _check_columns(ctx.summary)


def test_units_give_the_same_predictions(factory_workspace):
    weeks = _stage(factory_workspace, purchase_model="bgnbd", time_unit="weeks").summary
    days = _stage(factory_workspace, purchase_model="bgnbd", time_unit="days").summary
    assert np.allclose(weeks["p_alive"], days["p_alive"], atol=2e-3)
    assert np.allclose(weeks["clv_36m"], days["clv_36m"], rtol=0.02, atol=1.0)


def test_a_failed_fit_falls_back_to_the_next_model_and_says_so(factory_workspace, monkeypatch):
    class Broken(PURCHASE_MODELS["bgnbd"]):
        def fit(self, *args, **kwargs):
            raise ModelFitError("models.not_converged", model="BetaGeoModel", starts=4, reason="test")

    monkeypatch.setitem(PURCHASE_MODELS, "bgnbd", Broken)
    ctx = _stage(factory_workspace, purchase_model="bgnbd")
    diagnostics = ctx.diagnostics["models"]
    assert diagnostics["purchase_model"] != "bgnbd"
    assert diagnostics["attempts"][0] == {"model": "bgnbd", "key": "models.not_converged",
                                          "fields": {"model": "BetaGeoModel", "starts": 4, "reason": "test"}}
    assert any(n["key"] == "models.run.fit_failed" for n in diagnostics["notes"])
    _check_columns(ctx.summary)


def test_nobody_repeats_the_run_completes_on_the_rate_model(tmp_path):
    orders = make_orders(60, seed=2).drop_duplicates("customer_id")
    workspace = workspace_with_orders(tmp_path / "ws", orders)
    manifest = execute_run(workspace, workspace.settings(), now=NOW)
    frame = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
    _check_columns(frame)
    diagnostics = manifest.diagnostics["models"]
    assert diagnostics["purchase_model"] == "rate"
    assert [a["model"] for a in diagnostics["attempts"]] == ["bgnbd", "mbgnbd", "pareto_nbd"]
    keys = {n["key"] for n in diagnostics["notes"]}
    assert {"models.run.fallback_rate", "models.run.spend_fallback"} <= keys
    assert diagnostics["spend"]["model"] == "own_mean_fallback"
    assert (frame["expected_purchases_365d"] == 0).all() and (frame["next_purchase_window"] == "unlikely").all()
    assert any(i["key"] == "models.thin_repeat_buyers" for i in diagnostics["sufficiency"]["issues"])


def test_one_customer_the_run_completes(tmp_path):
    orders = make_orders(30, seed=5)
    counts = orders.customer_id.value_counts()
    one = orders[orders.customer_id == counts.index[0]]
    assert len(one) > 2
    workspace = workspace_with_orders(tmp_path / "ws", one)
    manifest = execute_run(workspace, workspace.settings(), now=NOW)
    frame = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
    assert len(frame) == 1
    _check_columns(frame)
    diagnostics = manifest.diagnostics["models"]
    assert diagnostics["purchase_model"] == "rate"
    assert frame["clv_36m"].iloc[0] > 0  # his own rate and spend, not zero


def test_short_history_defaults_to_bgnbd_and_notes_one_time_buyers(tmp_path):
    orders = make_orders(200, seed=6, days=80)
    ctx = _stage(workspace_with_orders(tmp_path / "ws", orders))
    diagnostics = ctx.diagnostics["models"]
    assert diagnostics["choice"]["key"] == "models.run.choice_short_history"
    assert diagnostics["backtest"] is None
    assert diagnostics["purchase_model"] == "bgnbd"
    assert any(n["key"] == "models.run.note_bgnbd_one_time" for n in diagnostics["notes"])
    _check_columns(ctx.summary)


def test_refunds_are_left_out_of_the_spend_model_and_counted(tmp_path):
    orders = make_orders(150, seed=1)
    repeaters = orders.groupby("customer_id").size()
    victim = repeaters[repeaters >= 3].index[0]
    rows = orders[orders.customer_id == victim].iloc[1:]
    refunds = rows.assign(order_id="R" + rows.order_id, amount=-rows.amount - 1.0, status="refund")
    ctx = _stage(workspace_with_orders(tmp_path / "ws", pd.concat([orders, refunds], ignore_index=True)),
                 purchase_model="bgnbd")
    diagnostics = ctx.diagnostics["models"]
    assert diagnostics["spend"]["refunds_excluded"] == 1
    assert any(n["key"] == "models.run.refunds_excluded" for n in diagnostics["notes"])
    _check_columns(ctx.summary)
    row = ctx.summary.set_index("customer_id").loc[victim]
    assert row.btyd_monetary < 0 and row.clv_12m >= 0


def test_spend_of_one_time_buyers_is_the_population_mean():
    rng = np.random.default_rng(0)
    x = rng.poisson(1.5, 300).astype(float)
    m = np.where(x > 0, rng.gamma(4.0, 10.0, 300), 0.0)
    repeat = np.flatnonzero(x > 0)
    m[repeat[:2]] = [-5.0, 0.0]  # refunds netting the repeat purchases to zero or less
    fit = lifetime.fit_spend(x, m, 20.0)
    assert fit.excluded == 2 and fit.fitted_customers == len(repeat) - 2
    spend = fit.expected_spend(x, m)
    population = fit.model.expected_spend()
    assert np.allclose(spend[x == 0], population) and np.allclose(spend[repeat[:2]], population)
    usable = (x > 0) & (m > 0)
    reference = GammaGammaModel().fit(x[usable], m[usable])
    assert np.allclose(spend[usable], reference.conditional_expected_spend(x[usable], m[usable]))
    assert fit.independence is not None and not fit.independence["violated"]


@pytest.mark.filterwarnings("ignore::customer_value.errors.ConvergenceWarning")
@pytest.mark.parametrize("name", sorted(PURCHASE_MODELS))
def test_predictions_equal_the_models_own(name, factory_workspace):
    frame = _stage(factory_workspace, purchase_model="bgnbd").summary
    x = frame.btyd_frequency.to_numpy(float)
    T = frame.btyd_T_days.to_numpy(float) / 7
    t_x = frame.btyd_recency_days.to_numpy(float) / 7
    m = frame.btyd_monetary.to_numpy(float)
    model = PURCHASE_MODELS[name]().fit(x, t_x, T)
    spend = GammaGammaModel().fit(x, m)
    ours = lifetime.predict_customers(model, x, t_x, T, time_unit="weeks", monthly_discount_rate=0.01)
    assert np.allclose(ours["p_alive"], model.p_alive(x, t_x, T))
    assert np.allclose(ours["expected_purchases_90d"], model.conditional_expected_purchases(90 / 7, x, t_x, T))
    for months in models.CLV_MONTHS:
        clv = customer_lifetime_value(model, spend, x, t_x, T, m, months=months, time_unit="weeks")
        assert np.allclose(ours[f"discounted_{months}m"] * spend.conditional_expected_spend(x, m), clv, rtol=1e-9)
    # the window: expected purchases given alive reach 0.5 at the earliest day and 1 at the latest
    likely = ours["window_latest_days"] > 0
    assert likely.any()
    alive = model.p_alive(x, t_x, T)
    for column, level in (("window_earliest_days", 0.5), ("window_latest_days", 1.0)):
        day = ours[column][likely]
        at = model.conditional_expected_purchases(day / 7, x[likely], t_x[likely], T[likely]) / alive[likely]
        before = model.conditional_expected_purchases((day - 1) / 7, x[likely], t_x[likely], T[likely]) / alive[likely]
        assert (at >= level - 1e-9).all() and (before < level).all()


@pytest.fixture(scope="module")
def cdnow_workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("cdnow")
    workspace = init_workspace(root / "ws")
    ingest_file(workspace, workspace.settings(), write_cdnow_csv(root / "cdnow.csv"), table="orders")
    return workspace


def test_cdnow_through_the_pipeline(cdnow_workspace):
    ctx = _stage(cdnow_workspace)
    _check_columns(ctx.summary)
    diagnostics = ctx.diagnostics["models"]
    assert len(ctx.summary) == 2357 and diagnostics["sufficiency"]["confidence"] == "high"
    backtest = diagnostics["backtest"]
    assert all(m["fitted"] and m["mae"] < backtest["baseline"]["mae"] for m in backtest["models"].values())
    assert diagnostics["purchase_model"] in ("mbgnbd", "pareto_nbd")  # BG/NBD's MAE is higher on CDNOW
    assert diagnostics["spend"]["model"] == "gamma_gamma" and not diagnostics["spend"]["independence"]["violated"]
    # one-time buyers: never P(alive) = 1 under the chosen model, and the population mean spend
    one_time = ctx.summary[ctx.summary.btyd_frequency == 0]
    assert one_time["p_alive"].max() < 1
    # spend of a 36-month CLV is in the range of the customers' purchases
    assert 0 < ctx.summary["clv_36m"].mean() < 500


def test_the_automatic_backtest_samples_large_bases(factory_workspace):
    con = connect(factory_workspace)
    args = (con, con.table("orders"), dt.date(2024, 8, 31), dt.date(2024, 12, 31))
    full, _ = models.run_backtest(*args, time_unit="weeks")
    sampled, frame = models.run_backtest(*args, time_unit="weeks", max_customers=60)
    again, frame_again = models.run_backtest(*args, time_unit="weeks", max_customers=60)
    assert full["sampled_from"] is None and sampled["sampled_from"] == full["customers"] > 60
    assert sampled["customers"] == len(frame) == 60 and frame.index.equals(frame_again.index)
    assert sampled["models"]["bgnbd"]["mae"] == again["models"]["bgnbd"]["mae"]


def test_the_diagnostics_read_in_both_languages(factory_workspace):
    diagnostics = _stage(factory_workspace, purchase_model="bgnbd").diagnostics["models"]
    english, chinese = models.describe_models(diagnostics, "en"), models.describe_models(diagnostics, "zh")
    assert len(english) == len(chinese) >= 3
    assert english[0].startswith("Purchase model BG/NBD") and chinese[0].startswith("购买模型 BG/NBD")
    assert any("P(alive) = 1" in line for line in english) and any("只购买一次" in line for line in chinese)


def test_no_customer_before_as_of_adds_empty_columns(factory_workspace):
    con = connect(factory_workspace)
    ctx = RunContext(settings=factory_workspace.settings(), as_of=dt.date(2000, 1, 1), con=con,
                     orders=con.table("orders"))
    summary.run(ctx)
    models.run(ctx)
    assert ctx.summary.empty and set(models.COLUMNS) <= set(ctx.summary.columns)
    assert ctx.diagnostics["models"]["customers"] == 0


def test_customers_with_only_refunds_are_counted_not_dropped(tmp_path):
    orders = make_orders(40, seed=6)
    refunds = orders_from_rows([
        ("R1", "X1", "2024-03-01 10:00", -30.0, "refund"),
        ("R1", "X2", "2024-04-01 10:00", -12.5, "refund"),
        ("R2", "X3", "2024-05-01 10:00", -7.5, "refund"),
        ("K1", "X4", "2024-05-01 10:00", 99.0, "cancelled"),
    ])
    workspace = workspace_with_orders(tmp_path / "ws", pd.concat([orders, refunds], ignore_index=True))
    ctx = RunContext(settings=workspace.settings(), as_of=dt.date(2024, 12, 31), con=connect(workspace),
                     orders=connect(workspace).table("orders"))
    summary.run(ctx)
    facts = ctx.diagnostics["summary"]
    assert not ctx.summary["customer_id"].isin(["R1", "R2", "K1"]).any()
    assert facts["customers"] == orders["customer_id"].nunique()
    assert (facts["refund_only_customers"], facts["refund_only_amount"], facts["cancelled_only_customers"]) == (
        2, 50.0, 1)
    note = next(m for m in ctx.messages if m.key == "summary.refund_only")
    assert note.severity == "warning" and "50.00" in note.render("en")
