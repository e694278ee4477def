"""Churn scoring: the temporal holdout, calibration, factors, fallbacks and the acceptance check."""

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest
import test_churn_synthetic as synthetic

from customer_value.config import ChurnConfig
from customer_value.features.churn_features import FEATURE_KEYS
from customer_value.i18n import catalog, msg
from customer_value.sample import generate_crm
from customer_value.scoring.churn import METHODS, describe_churn, score_churn
from tests.factories import make_orders

CONFIG = ChurnConfig()


def _score(data, *, orders_only=False, as_of=None, **options):
    tables = {} if orders_only else {
        "interactions": ibis.memtable(data.interactions),
        "tickets": ibis.memtable(data.tickets),
        "surveys": ibis.memtable(data.surveys),
    }
    return score_churn(ibis.memtable(data.orders), as_of or data.as_of, CONFIG, **tables, **options)


@pytest.fixture(scope="module")
def data():
    return synthetic.make_churn_data(2000, seed=0)


@pytest.fixture(scope="module")
def result(data):
    return _score(data)


def _check_scores(scores: pd.DataFrame, customers: int) -> None:
    assert len(scores) == customers and scores.customer_id.is_unique
    p = scores.churn_probability
    assert p.notna().all() and p.between(0, 1).all()
    assert all(isinstance(f, list) and len(f) <= 3 for f in scores.churn_factors)
    assert [len(f) for f in scores.churn_factors] == [len(v) for v in scores.churn_factor_values]


def test_the_model_beats_both_baselines_on_a_known_churn_mechanism(result):
    d = result.diagnostics
    assert d["method"] == "lightgbm" and d["reason"] is None
    auc = {name: d["metrics"][name]["auc"] for name in ("model", "btyd", "recency")}
    assert auc["model"] > auc["btyd"] + 0.02 and auc["model"] > auc["recency"] + 0.02, auc
    brier = {name: d["metrics"][name]["brier"] for name in ("model", "btyd", "recency")}
    assert brier["model"] < min(brier["btyd"], brier["recency"]), brier
    assert d["beats_baselines"] is True
    assert not [n for n in d["notes"] if n["key"].startswith("churn.note_not_better")]


def test_diagnostics_describe_the_design(result, data):
    d = result.diagnostics
    as_of = data.as_of
    assert d["cutoffs"] == {"train": (as_of - dt.timedelta(days=180)).isoformat(),
                            "test": (as_of - dt.timedelta(days=90)).isoformat(), "score": as_of.isoformat()}
    assert d["tables"] == ["orders", "interactions", "tickets", "surveys"]
    for part in ("train", "test"):
        sizes = d[part]
        assert sizes["customers"] == sizes["churned"] + sizes["retained"] >= 200
        assert sizes["base_rate"] == pytest.approx(sizes["churned"] / sizes["customers"], abs=1e-4)
    assert d["test"]["customers"] > d["train"]["customers"]  # more customers have joined by the later cut-off
    assert len(d["feature_importance"]) == 10
    assert {f["feature"] for f in d["feature_importance"]} <= set(FEATURE_KEYS)
    assert d["metrics"]["btyd"]["one_time_buyers_p_alive"] == pytest.approx(1.0)
    one_time = [n for n in d["notes"] if n["key"] == "churn.note_btyd_one_time"]
    assert len(one_time) == 1 and 0 < one_time[0]["fields"]["share"] < 1
    assert msg(one_time[0]["key"], "zh", **one_time[0]["fields"]) != one_time[0]["key"]


def test_probabilities_are_calibrated_on_the_test_cut_off(result):
    d = result.diagnostics
    model = d["metrics"]["model"]
    assert model["mean_probability"] == pytest.approx(d["test"]["base_rate"], abs=0.03)
    _check_scores(result.scores, d["customers"])


def test_factors_are_feature_keys_named_in_both_catalogs(result):
    used = {key for factors in result.scores.churn_factors for key in factors}
    assert used and used <= set(FEATURE_KEYS)
    for lang in ("en", "zh"):
        assert {f"factor.{key}" for key in FEATURE_KEYS} <= set(catalog(lang))
    assert msg("factor.days_since_last_order", "zh") == "距上次下单天数"


def test_factor_values_are_the_customers_feature_values(result):
    features = result.features.set_index("customer_id")
    row = result.scores[result.scores.churn_factors.map(len) == 3].iloc[0]
    for key, value in zip(row.churn_factors, row.churn_factor_values, strict=True):
        assert value == pytest.approx(float(features.loc[row.customer_id, key]))


@pytest.fixture(scope="module")
def crm():
    return generate_crm(2500, seed=0)


def test_on_the_sample_crm_the_model_beats_both_baselines(crm):
    """generate_crm: BTYD-like purchases; interactions fade and tickets sour before death."""
    tables = {name: ibis.memtable(getattr(crm, name)) for name in ("interactions", "tickets", "surveys")}
    d = score_churn(ibis.memtable(crm.orders), crm.end, CONFIG, **tables).diagnostics
    auc = {name: d["metrics"][name]["auc"] for name in ("model", "btyd", "recency")}
    assert d["method"] == "lightgbm" and auc["model"] > max(auc["btyd"], auc["recency"]), auc


def test_orders_only_the_model_beats_the_baselines_or_says_why(crm):
    """With BTYD-generated orders alone BG/NBD is the right model, so it may rank as well as LightGBM."""
    d = score_churn(ibis.memtable(crm.orders), crm.end, CONFIG).diagnostics
    assert d["method"] == "lightgbm" and d["tables"] == ["orders"]
    auc = {name: d["metrics"][name]["auc"] for name in ("model", "btyd", "recency")}
    notes = {n["key"]: n["fields"] for n in d["notes"]}
    for baseline in ("btyd", "recency"):
        key = f"churn.note_not_better_{baseline}"
        assert (auc["model"] > auc[baseline]) != (key in notes)
        if key in notes:
            assert d["beats_baselines"] is False
            for lang in ("en", "zh"):
                text = msg(key, lang, **notes[key])
                assert str(auc["model"]) in text and str(auc[baseline]) in text and "{" not in text


# -- fallbacks ---------------------------------------------------------------------------------


def _orders_frame(orders: pd.DataFrame) -> ibis.Table:
    orders = orders.copy()
    orders["ordered_at"] = orders["ordered_at"].dt.floor("s")
    return ibis.memtable(orders)


def test_too_few_customers_falls_back_to_btyd():
    orders = make_orders(120, seed=2)
    result = score_churn(_orders_frame(orders), dt.date(2024, 12, 31), CONFIG)
    d = result.diagnostics
    assert d["method"] == "btyd_fallback"
    assert d["reason"]["key"] == "churn.reason_too_few_customers"
    assert d["reason"]["fields"]["needed"] == 200 and d["reason"]["fields"]["found"] < 200
    _check_scores(result.scores, d["customers"])
    assert {k for f in result.scores.churn_factors for k in f} <= {"orders", "days_since_last_order"}
    assert "metrics" not in d
    lines = describe_churn(d, "zh")
    assert lines[0] == msg("churn.method_btyd_fallback", "zh") and "200" in lines[1]


def test_a_short_history_falls_back_and_says_how_long_it_is():
    orders = make_orders(400, seed=3, days=200)
    result = score_churn(_orders_frame(orders), dt.date(2024, 7, 18), CONFIG)
    d = result.diagnostics
    assert d["method"] == "btyd_fallback" and d["reason"]["key"] == "churn.reason_short_history"
    assert d["reason"]["fields"] == {"days": d["history_days"], "needed": 210, "window": 90, "margin": 30}
    assert "train" not in d
    _check_scores(result.scores, d["customers"])
    en = msg(d["reason"]["key"], "en", **d["reason"]["fields"])
    assert str(d["history_days"]) in en and "210" in en


def test_a_rare_class_falls_back():
    """Everyone buys every week: nobody churns, so there is nothing to learn."""
    rows = [(f"c{c}", f"o{c}-{w}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=7 * w + c % 7), 10.0 + c % 5,
             "completed") for c in range(250) for w in range(52)]
    orders = pd.DataFrame(rows, columns=["customer_id", "order_id", "ordered_at", "amount", "status"])
    result = score_churn(ibis.memtable(orders), dt.date(2024, 12, 31), CONFIG, min_customers=100)
    d = result.diagnostics
    assert d["reason"]["key"] == "churn.reason_rare_class" and d["reason"]["fields"]["churned"] == 0
    assert d["method"] in ("btyd_fallback", "recency_fallback")
    _check_scores(result.scores, 250)


def test_one_time_buyers_only_fall_back_to_recency():
    """BG/NBD can't be fitted without repeat buyers: recency scores, calibrated at the test cut-off."""
    rng = np.random.default_rng(5)
    days = rng.integers(0, 365, 600)
    orders = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(600)],
        "order_id": [f"o{i}" for i in range(600)],
        "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": 20.0,
        "status": "completed",
    })
    result = score_churn(ibis.memtable(orders), dt.date(2024, 12, 31), CONFIG)
    d = result.diagnostics
    assert d["method"] == "recency_fallback"
    assert d["reason"]["key"] == "churn.reason_rare_class"  # nobody buys again: no retained customer
    assert [n["key"] for n in d["notes"]] == ["churn.note_btyd_failed"]
    assert d["recency_calibration"] == "heuristic"
    _check_scores(result.scores, 600)
    by_recency = result.scores.assign(r=result.features.days_since_last_order).sort_values("r")
    assert by_recency.churn_probability.is_monotonic_increasing
    assert all(f == ["days_since_last_order"] for f in result.scores.churn_factors)


def test_no_customer_yet_gives_empty_scores():
    orders = pd.DataFrame({"customer_id": ["a"], "order_id": ["1"], "ordered_at": [pd.Timestamp("2024-05-01")],
                           "amount": [5.0], "status": ["cancelled"]})
    result = score_churn(ibis.memtable(orders), dt.date(2024, 6, 1), CONFIG)
    assert result.scores.empty and list(result.scores.columns) == [
        "customer_id", "churn_probability", "churn_factors", "churn_factor_values"]
    assert result.diagnostics["method"] == "recency_fallback"
    assert result.diagnostics["reason"]["key"] == "churn.reason_no_customers"


def test_every_reason_and_note_has_a_message():
    keys = {key for key in catalog("en") if key.startswith("churn.")}
    assert {f"churn.method_{m}" for m in METHODS} <= keys
    assert {"churn.reason_short_history", "churn.reason_too_few_customers", "churn.reason_rare_class",
            "churn.reason_model_failed", "churn.reason_no_customers", "churn.note_btyd_one_time",
            "churn.note_not_better_btyd", "churn.note_not_better_recency", "churn.note_btyd_failed"} <= keys
