"""``cva backtest``: the CDNOW acceptance test, the documented JSON keys, both languages, bad dates."""

import json
import re

import pytest
from customer_value.sample import write_cdnow_csv
from tests.cli.helpers import cva, ok, user_error
from tests.factories import make_orders, make_steady_orders, workspace_with_orders

MODEL_KEYS = {"fitted", "params", "standard_errors", "log_likelihood", "predicted_total", "actual_total",
              "total_error", "calibration_error", "mae", "rmse", "score", "beats_baseline", "warnings", "error"}
TOP_KEYS = {"calibration_end", "holdout_end", "holdout_days", "holdout_length", "time_unit", "customers",
            "repeat_buyers", "best_model", "fallback", "max_total_error", "models", "baseline", "fallbacks",
            "calibration_table", "spend"}


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    """A workspace with the CDNOW transactions ingested through the CLI, models in weeks."""
    root = tmp_path_factory.mktemp("backtest")
    workspace = root / "ws"
    ok(cva("init", workspace))
    config = workspace / "cva.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"time_unit: \w+", "time_unit: weeks", text), encoding="utf-8")
    ok(cva("ingest", write_cdnow_csv(root / "cdnow.csv"), "--table", "orders", "-w", workspace, "--json"))
    return workspace


def test_cdnow_acceptance(cdnow):
    """BG/NBD beats the naive baseline and recovers the published parameters (weeks)."""
    report = json.loads(ok(cva("backtest", "-w", cdnow, "--calibration-end", "1997-09-30",
                               "--holdout-end", "1998-06-30", "--json")).stdout)
    assert TOP_KEYS <= set(report)
    assert (report["calibration_end"], report["holdout_end"], report["time_unit"]) == (
        "1997-09-30", "1998-06-30", "weeks")
    assert report["customers"] == 2357 and report["repeat_buyers"] == 946
    assert report["holdout_length"] == pytest.approx(39.0)
    assert set(report["models"]) == {"bgnbd", "pareto_nbd", "mbgnbd"}
    assert all(set(m) == MODEL_KEYS for m in report["models"].values())
    bg = report["models"]["bgnbd"]
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert bg["params"][name] == pytest.approx(value, rel=0.01), name
    assert bg["log_likelihood"] == pytest.approx(-9582.4, abs=0.5)
    assert bg["mae"] < report["baseline"]["mae"] and bg["beats_baseline"]
    assert bg["actual_total"] == report["baseline"]["actual_total"] == 1882
    assert bg["predicted_total"] == pytest.approx(1882, rel=0.15)
    assert {"mae", "rmse", "predicted_total"} <= set(report["baseline"])
    table = report["calibration_table"]
    assert [row["frequency"] for row in table] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(row["customers"] for row in table) == 2357
    spend = report["spend"]
    assert spend["fitted"] and spend["params"]["p"] == pytest.approx(6.25, rel=0.01)
    assert spend["independence"]["correlation"] == pytest.approx(0.11, abs=0.01)
    assert spend["actual_revenue"] > spend["predicted_revenue"] > 0


def test_default_split_holds_out_the_last_third(cdnow):
    report = json.loads(ok(cva("backtest", "-w", cdnow, "--json")).stdout)
    assert (report["calibration_end"], report["holdout_end"]) == ("1997-12-30", "1998-06-30")


@pytest.mark.parametrize(("lang", "fragments"), [
    ("en", ["Backtest: calibration to 1997-09-30", "Naive baseline", "BG/NBD", "Gamma-Gamma", "7+"]),
    ("zh", ["回测：校准期至 1997-09-30", "朴素基准", "每个客户的平均绝对误差", "Gamma-Gamma 参数"]),
])
def test_human_output_in_both_languages(cdnow, lang, fragments):
    result = ok(cva("backtest", "-w", cdnow, "--calibration-end", "1997-09-30", "--lang", lang))
    for fragment in fragments:
        assert fragment in result.stdout


@pytest.mark.parametrize(("args", "lang", "fragment"), [
    (["--calibration-end", "1997-13-01"], "en", "'1997-13-01' is not a date"),
    (["--holdout-end", "30/06/1998"], "zh", "不是形如 1997-09-30 的日期"),
    (["--calibration-end", "1998-01-31", "--holdout-end", "1997-12-31"], "en", "must be after the calibration"),
    (["--calibration-end", "1998-01-31", "--holdout-end", "1998-01-31"], "zh", "必须晚于校准期结束日"),
    (["--calibration-end", "1996-12-31"], "en", "before the first order (1997-01-01)"),
    (["--calibration-end", "1996-12-31"], "zh", "早于第一笔订单"),
    (["--calibration-end", "1998-07-15"], "en", "The holdout end 1998-06-30 must be after"),
])
def test_bad_dates_are_one_line_errors(cdnow, args, lang, fragment):
    line = user_error(cva("backtest", "-w", cdnow, *args, "--lang", lang), fragment)
    assert line.startswith("错误" if lang == "zh" else "Error")


def test_a_workspace_without_orders(tmp_path):
    ok(cva("init", tmp_path / "ws"))
    user_error(cva("backtest", "-w", tmp_path / "ws"), "no orders")


def test_keys_stay_when_no_model_can_be_fitted(tmp_path):
    orders = make_orders(40, seed=2).drop_duplicates("customer_id")  # nobody buys twice
    workspace = workspace_with_orders(tmp_path / "ws", orders)
    report = json.loads(ok(cva("backtest", "-w", workspace.root, "--json")).stdout)
    assert TOP_KEYS <= set(report) and report["best_model"] is None
    for model in report["models"].values():
        assert set(model) == MODEL_KEYS and not model["fitted"] and model["error"]["key"]
        assert model["params"] is None and model["mae"] is None
    assert not report["spend"]["fitted"] and report["spend"]["predicted_revenue"] is None
    human = ok(cva("backtest", "-w", workspace.root, "--lang", "zh"))
    assert "未能拟合" in human.stdout


@pytest.mark.parametrize("lang, fragment", [("en", "none beats the baseline: the naive rate model is used"),
                                            ("zh", "没有模型胜过基准：改用朴素购买率模型")])
def test_no_model_beats_the_baseline(tmp_path, lang, fragment):
    workspace = workspace_with_orders(tmp_path / "ws", make_steady_orders())
    report = json.loads(ok(cva("backtest", "-w", workspace.root, "--json")).stdout)
    assert report["best_model"] is None and report["fallback"] == "naive"
    assert not any(m["beats_baseline"] for m in report["models"].values())
    assert ok(cva("backtest", "-w", workspace.root, "--lang", lang)).stdout.count(fragment) == 1
