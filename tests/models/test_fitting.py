"""The shared fitting machinery: grouping into triples, retries, failures and warnings."""

import warnings

import numpy as np
import pytest

from customer_value.errors import ConvergenceWarning, ModelFitError, UserError
from customer_value.models._base import BaseModel
from customer_value.models import BetaGeoModel, group_triples, simulate_bgnbd


def test_group_triples_hand_computed():
    x, t_x, T, counts, inverse = group_triples([2, 0, 2, 0, 1], [3.0, 0, 3.0, 0, 1.0], [5.0, 5.0, 5.0, 6.0, 5.0])
    assert x.tolist() == [0, 0, 1, 2]
    assert T.tolist() == [5.0, 6.0, 5.0, 5.0]
    assert counts.tolist() == [1, 1, 1, 2]
    assert inverse.tolist() == [3, 0, 3, 1, 2]


def test_group_triples_sums_weights():
    *_, counts, inverse = group_triples([1, 1, 0], [1.0, 1.0, 0.0], [2.0, 2.0, 2.0], weights=[0.5, 2.0, 3.0])
    assert counts.tolist() == [3.0, 2.5] and inverse.tolist() == [1, 1, 0]


def test_zero_weights_drop_rows():
    data = simulate_bgnbd(500, r=0.5, alpha=4.0, a=0.8, b=2.4, T=30.0, seed=1)
    junk = np.r_[data["frequency"], 40], np.r_[data["recency"], 1.0], np.r_[data["T"], 30.0]
    plain = BetaGeoModel().fit(data["frequency"], data["recency"], data["T"])
    weighted = BetaGeoModel().fit(*junk, weights=np.r_[np.ones(500), 0.0])
    assert weighted.params_ == pytest.approx(plain.params_, rel=1e-9)


def test_not_converged_after_every_start_raises_with_the_reason():
    data = simulate_bgnbd(2000, r=0.5, alpha=4.0, a=0.8, b=2.4, T=30.0, seed=2)
    with pytest.raises(ModelFitError) as info:
        BetaGeoModel(n_starts=3, max_iter=1).fit(data["frequency"], data["recency"], data["T"])
    assert info.value.key == "models.not_converged"
    assert info.value.fields["starts"] == 3
    assert "gradient" in str(info.value)


def test_a_failed_first_start_is_retried():
    data = simulate_bgnbd(2000, r=0.5, alpha=4.0, a=0.8, b=2.4, T=30.0, seed=2)
    bad_start = {"r": 1e-7, "alpha": 5e7, "a": 5e7, "b": 1e-7}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = BetaGeoModel(initial_params=bad_start, max_iter=15).fit(data["frequency"], data["recency"], data["T"])
    reference = BetaGeoModel().fit(data["frequency"], data["recency"], data["T"])
    assert model.params_ == pytest.approx(reference.params_, rel=1e-4)


def test_parameters_the_data_does_not_determine_are_named():
    # Everyone buys at the same steady rate and nobody drops out: the dropout probability goes
    # to 0, and a and b drift along a flat ridge of the likelihood, undetermined by the data.
    rng = np.random.default_rng(0)
    T = np.full(3000, 52.0)
    frequency = rng.poisson(10, 3000).astype(float)
    recency = np.where(frequency > 0, T - rng.exponential(0.5, 3000).clip(0, 5), 0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = BetaGeoModel().fit(frequency, recency, T)
    assert all(np.isfinite(v) for v in model.params_.values())
    assert model.params_["a"] / (model.params_["a"] + model.params_["b"]) < 1e-6
    # a at the edge of the search or moving along the flat ridge with b: both are named
    flagged = model.convergence_["at_bound"] + model.convergence_["undetermined"]
    assert sorted(flagged) == ["a", "b"]
    assert {w.category for w in caught} == {ConvergenceWarning}
    assert {w.message.key for w in caught} <= {"models.at_boundary", "models.undetermined"}
    assert model.standard_errors_ == dict.fromkeys(["r", "alpha", "a", "b"])


class _TwoPeaks(BaseModel):
    """A one-parameter likelihood with a low peak at θ = 1 and a higher one at θ = e³."""

    _param_names = ("theta",)

    def _start_points(self, data):
        return [np.array([1.2]), np.array([15.0]), np.array([0.5]), np.array([30.0])]

    def _loglik(self, theta, data):
        x = np.log(theta[0])
        low, high = np.exp(-(x - 0.0) ** 2), 2.0 * np.exp(-(x - 3.0) ** 2)
        slope = -2.0 * (x - 0.0) * low - 2.0 * (x - 3.0) * high
        return low + high, np.array([slope / theta[0]])


def test_the_best_converged_run_is_kept_not_the_first():
    model = _TwoPeaks()
    model._fit_data(None, 1.0)
    assert model.params_["theta"] == pytest.approx(np.exp(3.0), rel=1e-3)  # not the first peak found, θ = 1
    assert model.convergence_["converged_runs"] >= 2 and model.convergence_["converged"]


@pytest.mark.parametrize("options", [{"n_starts": 0}, {"max_iter": -1}, {"initial_params": {"r": 1.0}}])
def test_invalid_options_raise_user_error(options):
    with pytest.raises(UserError):
        BetaGeoModel(**options).fit([1, 0, 2], [1.0, 0.0, 2.0], [3.0, 3.0, 3.0])


def test_summary_rows():
    data = simulate_bgnbd(3000, r=0.5, alpha=4.0, a=0.8, b=2.4, T=30.0, seed=3)
    rows = BetaGeoModel().fit(data["frequency"], data["recency"], data["T"]).summary()
    assert [row["param"] for row in rows] == ["r", "alpha", "a", "b"]
    assert all(row["lower_95"] < row["estimate"] < row["upper_95"] for row in rows)
