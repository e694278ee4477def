"""The calibrated LightGBM churn classifier and the baselines, on small controlled data."""

import numpy as np
import pandas as pd
import pytest

from customer_value.errors import ConfigError, ModelFitError, NotFittedError
from customer_value.scoring.churn_baselines import RecencyCalibration, btyd_scores, recency_probability
from customer_value.scoring.churn_model import ChurnModel


def _data(n=1200, seed=0):
    """Churn driven by ``silence`` only; ``noise`` is irrelevant and ``gaps`` is often missing."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "silence": rng.uniform(0, 300, n),
        "noise": rng.normal(size=n),
        "gaps": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(5, 60, n)),
    })
    p = 1 / (1 + np.exp(-(X.silence - 150) / 30))
    y = (rng.random(n) < p).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    return ChurnModel().fit(X, y), X, y


def test_unfitted_use_says_fit_first():
    with pytest.raises(NotFittedError, match="This ChurnModel instance is not fitted yet"):
        ChurnModel().predict_proba(pd.DataFrame({"a": [1.0]}))


@pytest.mark.parametrize(("options", "error"), [({"calibration": "platt"}, ConfigError), ({"cv": 1}, ConfigError)])
def test_invalid_options_are_config_errors(options, error):
    X, y = _data(100)
    with pytest.raises(error):
        ChurnModel(**options).fit(X, y)


def test_a_class_smaller_than_the_folds_is_refused():
    X, y = _data(100)
    y = np.zeros(100, dtype=int)
    y[:2] = 1
    with pytest.raises(ValueError, match="at least 3 rows"):
        ChurnModel().fit(X, y)


def test_probabilities_are_calibrated_and_rank_well(fitted):
    model, _, _ = fitted
    X, y = _data(seed=1)
    p = model.predict_proba(X)
    assert p.shape == (len(X),) and ((p >= 0) & (p <= 1)).all()
    assert p.mean() == pytest.approx(y.mean(), abs=0.04)
    # in each probability decile the churn rate is close to the mean probability
    bins = pd.qcut(p, 5, labels=False, duplicates="drop")
    table = pd.DataFrame({"p": p, "y": y, "bin": bins}).groupby("bin").mean()
    assert (table.p - table.y).abs().max() < 0.1


def test_calibration_keeps_the_order_of_the_raw_scores(fitted):
    model, X, _ = fitted
    raw = model.raw_score(X)
    order = np.argsort(raw)
    assert (np.diff(model.calibrate(raw[order])) >= 0).all()


def test_isotonic_calibration_works_too():
    X, y = _data(seed=2)
    p = ChurnModel(calibration="isotonic").fit(X, y).predict_proba(X)
    assert ((p >= 0) & (p <= 1)).all() and p.mean() == pytest.approx(y.mean(), abs=0.04)


def test_contributions_sum_to_the_raw_score(fitted):
    model, X, _ = fitted
    contributions = model.contributions(X.head(50))
    assert list(contributions.columns) == ["silence", "noise", "gaps", "bias"]
    np.testing.assert_allclose(contributions.sum(axis=1), model.raw_score(X.head(50)), rtol=1e-6, atol=1e-6)


def test_top_factors_are_the_positive_contributions_largest_first(fitted):
    model, X, _ = fitted
    rows = X.head(200)
    keys, values = model.top_factors(rows, k=2)
    contributions = model.contributions(rows).drop(columns="bias").where(rows.notna(), 0.0)
    for i, (row_keys, row_values) in enumerate(zip(keys, values, strict=True)):
        expected = contributions.iloc[i][contributions.iloc[i] > 0].sort_values(ascending=False).index[:2]
        assert row_keys == list(expected)
        assert row_values == [rows.iloc[i][key] for key in row_keys]  # never a missing value
    silent = X.silence > 250
    assert all(k[0] == "silence" for k, s in zip(keys, silent.head(200), strict=True) if s)
    assert model.feature_importance_.index[0] == "silence"
    assert model.feature_importance_.sum() == pytest.approx(1.0)


def _bgnbd_customers(n=1500, seed=0):
    """(frequency, recency, T) in days simulated from BG/NBD (r 0.5, alpha 10 days, a 1, b 3)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        rate, dropout, T = rng.gamma(0.5, 1 / 10), rng.beta(1.0, 3.0), float(rng.integers(60, 400))
        t, x, t_x = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1 / rate)
            if t > T:
                break
            x, t_x = x + 1, np.floor(t)
            if rng.random() < dropout:
                break
        rows.append((x, t_x, T))
    return pd.DataFrame(rows, columns=["btyd_frequency", "btyd_recency_days", "btyd_T_days"])


def test_btyd_probability_of_no_purchase():
    features = _bgnbd_customers()
    frequency, T = features.btyd_frequency.to_numpy(), features.btyd_T_days.to_numpy()
    short, long = btyd_scores(features, 30), btyd_scores(features, 180)
    assert (short.p_no_purchase >= 1 - short.p_alive - 1e-12).all()  # dead customers never buy
    assert (long.p_no_purchase <= short.p_no_purchase + 1e-12).all()  # a longer window has more chances
    one_time = frequency == 0
    np.testing.assert_allclose(short.p_alive[one_time], 1.0)
    r, alpha = short.params["r"], short.params["alpha"]
    expected = ((alpha + T / 7) / (alpha + T / 7 + 30 / 7)) ** r
    np.testing.assert_allclose(short.p_no_purchase[one_time], expected[one_time], rtol=1e-9)
    assert (short.expected_purchases < long.expected_purchases).all()


def test_btyd_without_repeat_buyers_is_a_model_fit_error():
    features = pd.DataFrame(
        {"btyd_frequency": [0] * 5, "btyd_recency_days": [0] * 5, "btyd_T_days": [10, 20, 30, 40, 50]}
    )
    with pytest.raises(ModelFitError):
        btyd_scores(features, 90)


def test_recency_maps():
    assert recency_probability(np.array([0.0, 90.0, np.nan]), 90).tolist() == [0.0, 0.5, 0.0]
    fitted = RecencyCalibration(window_days=90).fit([10, 20, 200, 300], [0, 0, 1, 1])
    assert fitted.predict([5, 400]).tolist() == [0.0, 1.0]
    assert RecencyCalibration(window_days=30).predict([30]).tolist() == [0.5]
