"""The calibration / holdout backtest on CDNOW, built from the raw transactions."""

import json

import numpy as np
import pandas as pd
import pytest
from cdnow_data import summary, transactions

from customer_value.errors import MissingColumnError, UserError
from customer_value.models import backtest
from customer_value.models.backtest import MAX_TOTAL_ERROR, PURCHASE_MODELS, evaluate_models
from customer_value.models.bgnbd import BetaGeoModel

CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def _split(holdout_end: pd.Timestamp = HOLDOUT_END) -> pd.DataFrame:
    """Per customer, in weeks: calibration summary, holdout purchases and mean holdout spend."""
    daily = transactions().groupby(["customer_id", "date"], as_index=False)["amount"].sum()  # same day = one
    first = daily.groupby("customer_id")["date"].min()
    calib = daily[daily["date"] <= CALIBRATION_END]
    holdout = daily[(daily["date"] > CALIBRATION_END) & (daily["date"] <= holdout_end)]
    frame = pd.DataFrame(index=first.index)
    frame["frequency"] = calib.groupby("customer_id").size() - 1
    frame["recency"] = (calib.groupby("customer_id")["date"].max() - first).dt.days / 7
    frame["T"] = (CALIBRATION_END - first).dt.days / 7
    repeat = calib[calib["date"] > calib["customer_id"].map(first)]
    frame["monetary_value"] = repeat.groupby("customer_id")["amount"].mean()
    frame["holdout_purchases"] = holdout.groupby("customer_id").size()
    frame["holdout_spend"] = holdout.groupby("customer_id")["amount"].mean()
    return frame.fillna(0.0)


@pytest.fixture(scope="module")
def cdnow_backtest():
    frame = _split()
    return evaluate_models(frame, holdout_length=(HOLDOUT_END - CALIBRATION_END).days / 7), frame


def test_split_reproduces_the_published_summary(cdnow_backtest):
    _, frame = cdnow_backtest
    published = summary()
    assert len(frame) == len(published) == 2357
    assert np.array_equal(frame["frequency"].to_numpy(), published["frequency"].to_numpy())
    assert np.allclose(frame["recency"], published["recency"], atol=0.01)
    assert np.allclose(frame["T"], published["T"], atol=0.01)


def test_bgnbd_beats_the_baseline_and_predicts_the_total(cdnow_backtest):
    result, frame = cdnow_backtest
    bg = result["models"]["bgnbd"]
    assert bg["fitted"] and bg["params"]["r"] == pytest.approx(0.243, rel=5e-3)
    assert bg["mae"] < result["baseline"]["mae"]
    assert bg["actual_total"] == frame["holdout_purchases"].sum()
    # 1,653 predicted against 1,882 actual repeat purchases (the CDNOW models under-predict the
    # holdout by about 12%; the per-customer errors beat the naive rate by a quarter).
    assert bg["predicted_total"] == pytest.approx(bg["actual_total"], rel=0.15)
    for model in result["models"].values():
        assert model["predicted_total"] == pytest.approx(model["actual_total"], rel=0.2)
    assert result["baseline"]["predicted_total"] > 1.5 * bg["actual_total"]  # the naive rate overshoots


def test_every_model_is_reported_and_the_best_is_the_lowest_mae(cdnow_backtest):
    result, _ = cdnow_backtest
    assert set(result["models"]) == {"bgnbd", "pareto_nbd", "mbgnbd"}
    assert all(m["fitted"] for m in result["models"].values())
    maes = {name: m["mae"] for name, m in result["models"].items()}
    assert result["best_model"] == min(maes, key=maes.get)
    table = result["models"]["bgnbd"]["calibration_table"]
    assert [row["frequency"] for row in table] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(row["customers"] for row in table) == 2357
    # Mean holdout purchases rise with calibration frequency, in the data and in the model.
    assert table[-1]["actual"] > table[0]["actual"] and table[-1]["predicted"] > table[0]["predicted"]


def test_spend_section_and_independence_test(cdnow_backtest):
    result, _ = cdnow_backtest
    spend = result["spend"]
    assert spend["fitted"] and spend["params"]["p"] == pytest.approx(6.25, rel=5e-3)
    assert spend["independence"]["correlation"] == pytest.approx(0.11, abs=0.01)
    assert spend["predicted_mean"] == pytest.approx(spend["actual_mean"], rel=0.25)
    assert spend["mae"] < spend["baseline_mae"]


def test_result_is_json_without_nan(cdnow_backtest):
    result, _ = cdnow_backtest
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text)["customers"] == 2357


def test_failures_are_recorded_not_raised():
    frame = pd.DataFrame(
        {"frequency": [0, 0, 0], "recency": [0.0, 0.0, 0.0], "T": [5.0, 6.0, 7.0], "holdout_purchases": [0, 1, 0]}
    )
    result = evaluate_models(frame, 10.0)
    assert result["best_model"] is None
    assert all(not m["fitted"] and m["error"]["key"] == "models.no_repeat_buyers" for m in result["models"].values())
    assert result["spend"]["error"]["key"] == "error.missing_column"
    assert result["baseline"]["predicted_total"] == 0.0
    json.dumps(result, allow_nan=False)


def test_missing_columns_and_bad_length_raise():
    with pytest.raises(MissingColumnError) as info:
        evaluate_models(pd.DataFrame({"frequency": [1]}), 10.0)
    assert "holdout_purchases" in str(info.value)
    frame = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0], "holdout_purchases": [0]})
    with pytest.raises(UserError):
        evaluate_models(frame, 0.0)


class _PredictsNothing(BetaGeoModel):
    """A fitted BG/NBD whose predictions all came out 0 (what an overflowing 2F1 once did)."""

    def conditional_expected_purchases(self, t, frequency, recency, T):
        return np.zeros(len(np.asarray(frequency)))


def test_a_model_that_predicts_nothing_is_never_best(monkeypatch):
    # A four-week holdout: 93% of the customers buy nothing in it, so predicting 0 for everyone
    # has the lowest per-customer MAE of all, baseline included.
    holdout_end = CALIBRATION_END + pd.Timedelta(weeks=4)
    frame = _split(holdout_end)
    assert (frame["holdout_purchases"] == 0).mean() > 0.9
    monkeypatch.setitem(PURCHASE_MODELS, "nothing", _PredictsNothing)
    result = evaluate_models(frame, holdout_length=4.0)
    nothing = result["models"].pop("nothing")
    assert nothing["mae"] < min(m["mae"] for m in result["models"].values())
    assert nothing["mae"] < result["baseline"]["mae"]
    assert nothing["total_error"] == -1.0 and not nothing["beats_baseline"]
    assert result["best_model"] in ("bgnbd", "pareto_nbd", "mbgnbd")
    best = result["models"][result["best_model"]]
    assert best["beats_baseline"] and abs(best["total_error"]) <= MAX_TOTAL_ERROR


def test_the_errors_of_the_total_and_by_bucket_by_hand():
    predicted = np.array([1.0, 1.0, 0.0, 4.0])
    actual = np.array([0.0, 2.0, 1.0, 1.0])
    errors = backtest._errors(predicted, actual, frequency=np.array([0.0, 0.0, 1.0, 9.0]))
    assert errors["mae"] == pytest.approx(6 / 4)
    assert errors["total_error"] == pytest.approx((6 - 4) / 4)
    # buckets: 0 → (1+1) − (0+2) = 0; 1 → 0 − 1 = −1; 7+ → 4 − 1 = 3
    assert errors["calibration_error"] == pytest.approx((0 + 1 + 3) / 4)


def test_the_naive_fallback_is_the_baseline(cdnow_backtest):
    result, _ = cdnow_backtest
    naive = result["fallbacks"]["naive"]
    assert {k: naive[k] for k in result["baseline"]} == result["baseline"]
    assert not naive["beats_baseline"]  # the baseline does not beat itself


def test_a_model_off_in_total_does_not_beat_the_baseline():
    entry = {"fitted": True, "mae": 0.5, "total_error": -(MAX_TOTAL_ERROR + 0.01), "calibration_error": 0.4}
    backtest._judge(entry, {"mae": 1.0})
    assert entry["beats_baseline"] is False
    entry["total_error"] = MAX_TOTAL_ERROR - 0.01
    backtest._judge(entry, {"mae": 1.0})
    assert entry["beats_baseline"] is True and entry["score"] == pytest.approx(0.5 + 0.29 + 0.4)
