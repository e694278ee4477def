"""The shared fitting machinery of the models: maximum likelihood on log-transformed parameters.

A model subclass declares its parameter names, starting points and a log-likelihood with its
analytic gradient; :class:`BaseModel` runs ``scipy.optimize`` from several starts with a fallback
optimiser, checks convergence, and turns the Hessian into standard errors.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator
from threadpoolctl import ThreadpoolController

from customer_value.errors import ConvergenceWarning, ModelFitError, NotFittedError, UserError
from customer_value.i18n import message

logger = logging.getLogger(__name__)

__all__ = ["BaseModel", "check_is_fitted"]

# Parameters live in log space within these bounds: exp(-18) ~ 1.5e-8, exp(18) ~ 6.6e7.
_LOG_BOUND = 18.0
_EDGE = 17.0
# A standard error of log θ above this along some direction means the data does not determine
# the parameters that move along it (the likelihood is flat there).
_FLAT = 100.0
# A parameter whose share of such a direction (|eigenvector component|) reaches this moves with it.
_LOADING = 0.3
# Converged runs whose mean log-likelihoods agree this closely have found the same maximum.
_SAME_MAXIMUM = 1e-9
# Largest |d mean log-likelihood / d log parameter| accepted as a stationary point.
_GRADIENT_TOLERANCE = 1e-4


@cache
def _blas() -> ThreadpoolController:
    """The BLAS thread pools of this process (inspecting them takes milliseconds: done once)."""
    return ThreadpoolController()


def check_is_fitted(estimator: object) -> None:
    """Raise ``NotFittedError`` unless ``estimator`` has been fitted (has ``params_``)."""
    if getattr(estimator, "params_", None) is None:
        raise NotFittedError(model=type(estimator).__name__)


LogLikelihood = Callable[[np.ndarray], tuple[float, np.ndarray]]


class BaseModel(BaseEstimator):
    """Base of every model: stores options, fits by maximum likelihood, reports errors.

    Parameters
    ----------
    initial_params
        Starting point ``{name: value}`` tried first; default: the model's own starts.
    n_starts
        How many optimiser runs (starting points and fallback methods) to try at most before
        giving up with ``ModelFitError``.
    max_iter
        Iteration limit of each optimiser run.
    """

    _param_names: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        initial_params: dict[str, float] | None = None,
        n_starts: int = 4,
        max_iter: int = 1000,
    ) -> None:
        self.initial_params = initial_params
        self.n_starts = n_starts
        self.max_iter = max_iter

    # -- hooks for subclasses ------------------------------------------------------------------

    def _start_points(self, data: Any) -> list[np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _loglik(self, theta: np.ndarray, data: Any) -> tuple[float, np.ndarray]:  # pragma: no cover
        """Total log-likelihood and its gradient with respect to the natural parameters."""
        raise NotImplementedError

    def _final_loglik(self, theta: np.ndarray, data: Any) -> float:
        """The log-likelihood reported as ``log_likelihood_`` (default: the fitting one)."""
        return self._loglik(theta, data)[0]

    # -- helpers -------------------------------------------------------------------------------

    @property
    def _name(self) -> str:
        return type(self).__name__

    def _check_options(self) -> None:
        if not isinstance(self.n_starts, int | np.integer) or self.n_starts < 1:
            raise UserError("models.invalid_argument", name="n_starts", expected="an integer >= 1", value=self.n_starts)
        if not isinstance(self.max_iter, int | np.integer) or self.max_iter < 1:
            raise UserError("models.invalid_argument", name="max_iter", expected="an integer >= 1", value=self.max_iter)
        if self.initial_params is not None:
            names = set(self._param_names)
            given = dict(self.initial_params)
            if set(given) != names or not all(np.isfinite(v) and v > 0 for v in given.values()):
                raise UserError(
                    "models.invalid_argument",
                    name="initial_params",
                    expected=f"positive values for {', '.join(self._param_names)}",
                    value=given,
                )

    def _plan(self, data: Any) -> list[tuple[np.ndarray, str]]:
        starts = [np.asarray(s, dtype=float) for s in self._start_points(data)]
        if self.initial_params is not None:
            starts.insert(0, np.array([float(self.initial_params[n]) for n in self._param_names]))
        methods = ["L-BFGS-B", "BFGS", "L-BFGS-B", "Nelder-Mead"]
        plan = [(start, "L-BFGS-B") for start in starts]
        plan.insert(1, (starts[0], "BFGS"))
        for i, method in enumerate(methods):
            plan.append((starts[i % len(starts)], method))
        return plan[: int(self.n_starts)]

    def _maximise(self, data: Any, total_weight: float) -> tuple[np.ndarray, dict[str, Any]]:
        """Maximise the log-likelihood; return natural parameters and the optimiser's outcome.

        The runs of :meth:`_plan` are tried in turn (a fallback method from a starting point is
        skipped once a run from that point converged); every run that reaches a stationary point
        is a candidate and the one with the highest likelihood is kept. The search stops early
        once runs from two different starting points agree on the maximum (to
        :data:`_SAME_MAXIMUM` of the mean log-likelihood), so a well-behaved fit costs two runs.
        """
        scale = 1.0 / max(total_weight, 1.0)

        def objective(phi: np.ndarray) -> tuple[float, np.ndarray]:
            theta = np.exp(np.clip(phi, -_LOG_BOUND, _LOG_BOUND))
            with np.errstate(all="ignore"):
                ll, grad = self._loglik(theta, data)
            if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros_like(phi)
            return -ll * scale, -grad * theta * scale

        best: tuple[np.ndarray, float, str, float] | None = None
        reason = "no optimiser run"
        runs = converged = 0
        done: set[tuple[float, ...]] = set()  # starting points a run converged from
        for start, method in self._plan(data):
            if tuple(start) in done:
                continue
            runs += 1
            phi0 = np.log(np.clip(start, np.exp(-_EDGE), np.exp(_EDGE)))
            if not np.isfinite(objective(phi0)[0]):
                reason = message("models.reason_bad_start")
                continue
            options: dict[str, Any] = {"maxiter": int(self.max_iter)}
            kwargs: dict[str, Any] = {}
            if method == "L-BFGS-B":
                options.update(ftol=1e-13, gtol=1e-9, maxcor=20)
                kwargs["bounds"] = [(-_LOG_BOUND, _LOG_BOUND)] * len(phi0)
            elif method == "BFGS":
                options.update(gtol=1e-8)
            else:
                options.update(xatol=1e-9, fatol=1e-13, maxfev=20 * int(self.max_iter))
            jac = method != "Nelder-Mead"
            fun = objective if jac else (lambda p: objective(p)[0])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                result = minimize(fun, phi0, jac=jac, method=method, options=options, **kwargs)
            phi = np.clip(result.x, -_LOG_BOUND, _LOG_BOUND)
            value, grad = objective(phi)
            if not np.isfinite(value):
                reason = message("models.reason_non_finite")
                continue
            # A parameter pinned at its bound has no zero gradient in that direction.
            free = np.abs(phi) < _EDGE
            gnorm = float(np.max(np.abs(grad[free]), initial=0.0))
            if gnorm > _GRADIENT_TOLERANCE:
                reason = message("models.reason_gradient", method=method, gradient=f"{gnorm:.2g}", detail=result.message)
                logger.debug("%s: %s from %s did not converge: %s", self._name, method, start, reason)
                continue
            converged += 1
            done.add(tuple(start))
            if best is not None and abs(value - best[1]) <= _SAME_MAXIMUM * max(abs(best[1]), 1.0):
                best = min(best, (phi, value, method, gnorm), key=lambda run: run[1])
                break
            if best is None or value < best[1]:
                best = (phi, value, method, gnorm)
        if best is None:
            raise ModelFitError("models.not_converged", model=self._name, starts=len(self._plan(data)), reason=reason)
        phi, _, method, gnorm = best
        outcome = {"converged": True, "method": method, "runs": runs, "converged_runs": converged,
                   "gradient": gnorm}
        return np.exp(phi), outcome

    def _standard_errors(self, theta: np.ndarray, data: Any) -> tuple[dict[str, float | None], list[str]]:
        """Standard errors from the observed information (numerical Hessian of the analytic gradient).

        Computed on log parameters and mapped back with the delta method (se = θ · se(log θ)).
        Where the information has a direction with no curvature to speak of (an eigenvalue at
        most 1/:data:`_FLAT`², i.e. a standard error of log θ above 100 along it, or below 0),
        the parameters that move along it are not determined by the data: they are returned by
        name and no standard error is given.

        Returns
        -------
        errors, undetermined
        """
        phi = np.log(theta)
        k = len(phi)
        hessian = np.empty((k, k))
        with np.errstate(all="ignore"):
            for i in range(k):  # central differences of the analytic gradient
                h = 1e-5 * max(1.0, abs(phi[i]))
                step = np.zeros(k)
                step[i] = h
                up = self._loglik(np.exp(phi + step), data)[1] * np.exp(phi + step)
                down = self._loglik(np.exp(phi - step), data)[1] * np.exp(phi - step)
                hessian[i] = (up - down) / (2 * h)
        hessian = 0.5 * (hessian + hessian.T)
        free = np.abs(phi) < _EDGE
        errors: dict[str, float | None] = dict.fromkeys(self._param_names)
        info = -hessian[np.ix_(free, free)]
        names = [n for n, f in zip(self._param_names, free, strict=True) if f]
        if not np.all(np.isfinite(info)):
            warnings.warn(ConvergenceWarning("models.singular_hessian", model=self._name), stacklevel=4)
            return errors, []
        curvature, directions = np.linalg.eigh(info)
        flat = curvature <= 1.0 / _FLAT**2
        if flat.any():
            moving = np.abs(directions[:, flat]).max(axis=1) >= _LOADING
            return errors, [name for name, moves in zip(names, moving, strict=True) if moves]
        variances = np.diag((directions / curvature) @ directions.T)
        for name, value, variance in zip(names, theta[free], variances, strict=True):
            errors[name] = float(value * np.sqrt(variance))
        return errors, []

    def _clear_fit(self) -> None:
        """Forget every fitted attribute (names ending in ``_``), as before the first fit."""
        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("_")]:
            delattr(self, name)

    def _fit_data(self, data: Any, total_weight: float) -> None:
        """Fit on prepared data and set ``params_``, ``log_likelihood_``, ``standard_errors_``,
        ``n_customers_`` and ``convergence_``; a fit that fails leaves none of them (nor an
        earlier fit's)."""
        self._clear_fit()
        self._check_options()
        # One BLAS thread: the optimiser's tiny matrices gain nothing from threads, and waking
        # them costs milliseconds per iteration on a busy machine.
        with _blas().limit(limits=1, user_api="blas"):
            theta, outcome = self._maximise(data, total_weight)
            log_likelihood = float(self._final_loglik(theta, data))
            errors, undetermined = self._standard_errors(theta, data)
        # At a bound of the search, or moving along a flat direction of the likelihood: the data
        # does not determine the parameter, and the fit must not be used silently.
        at_bound = [name for name, value in zip(self._param_names, theta, strict=True) if abs(np.log(value)) >= _EDGE]
        undetermined = [name for name in undetermined if name not in at_bound]
        if at_bound:
            warnings.warn(
                ConvergenceWarning("models.at_boundary", model=self._name, params=", ".join(at_bound)), stacklevel=4
            )
        if undetermined:
            warnings.warn(
                ConvergenceWarning("models.undetermined", model=self._name, params=", ".join(undetermined)),
                stacklevel=4,
            )
        self.params_ = dict(zip(self._param_names, (float(v) for v in theta), strict=True))
        self.log_likelihood_ = log_likelihood
        self.standard_errors_ = errors
        self.n_customers_ = float(total_weight)
        self.convergence_ = {**outcome, "at_bound": at_bound, "undetermined": undetermined}

    def _theta(self) -> np.ndarray:
        return np.array([self.params_[n] for n in self._param_names])

    def summary(self) -> list[dict[str, float | str | None]]:
        """One row per parameter: name, estimate, standard error and a 95% interval.

        The interval is computed on the log scale (so it stays positive); ``None`` where the
        standard error could not be computed.
        """
        check_is_fitted(self)
        rows: list[dict[str, float | str | None]] = []
        for name in self._param_names:
            value, se = self.params_[name], self.standard_errors_.get(name)
            half = 1.959964 * se / value if se is not None else None
            rows.append(
                {
                    "param": name,
                    "estimate": value,
                    "standard_error": se,
                    "lower_95": value * float(np.exp(-half)) if half is not None else None,
                    "upper_95": value * float(np.exp(half)) if half is not None else None,
                }
            )
        return rows


def as_horizon(t: object, name: str = "t") -> np.ndarray:
    """A non-negative finite time (or array of times) as a float array; otherwise ``UserError``."""
    try:
        array = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise UserError("models.invalid_argument", name=name, expected="a number >= 0", value=t) from exc
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise UserError("models.invalid_argument", name=name, expected="finite numbers >= 0", value=t)
    return array


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b of two vectors in one thread (BLAS threads stall when the machine is busy)."""
    return float(np.einsum("i,i->", a, b))


def softplus(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log(1 + e^d)`` and the logistic ``e^d / (1 + e^d)``, sharing one exponential."""
    e = np.exp(np.minimum(d, 700.0))
    return np.where(d > 35.0, d, np.log1p(e)), e / (1.0 + e)


def finite_or_raise(model: str, values: np.ndarray, what: str) -> np.ndarray:
    """Return ``values`` if all finite, else raise ``ModelFitError`` naming the prediction."""
    values = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ModelFitError("models.non_finite_prediction", model=model, what=what, count=int(bad.sum()))
    return values


def scalar_or_array(values: np.ndarray) -> np.ndarray | float:
    """A 0-d result as a Python float; arrays unchanged."""
    return float(values) if np.ndim(values) == 0 else values
