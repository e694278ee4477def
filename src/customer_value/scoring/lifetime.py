"""Per-customer lifetime value from fitted models: spend, purchases, CLV, the next purchase window.

Pure numeric functions used by the ``models`` stage of a run and by ``cva backtest``: fitting
Gamma-Gamma on the repeat buyers (with its independence test), fitting a purchase model (with the
documented rate model as the last fallback), and predicting every customer's values once per
distinct (frequency, recency, T) triple.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from customer_value.diagnostics import warning_messages
from customer_value.errors import ModelFitError, UserError
from customer_value.models import GammaGammaModel, group_triples, spend_frequency_independence
from customer_value.models.backtest import PURCHASE_MODELS
from customer_value.models.clv import UNITS_PER_MONTH
from customer_value.models.rate import RATE_MODELS

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0}
#: Pareto/NBD, whose likelihood costs ~50× BG/NBD's, is fitted on a fixed random sample of this
#: many customers when there are more (its parameters describe the population; everyone is scored).
PARETO_FIT_CUSTOMERS = 250_000
#: |correlation| at or above this, with p < 0.05, violates the Gamma-Gamma independence assumption.
WEAK_CORRELATION = 0.3
#: Below this P(alive) a customer is "unlikely" to return; so is one expecting < 1 purchase a year.
UNLIKELY_P_ALIVE = 0.5
WINDOW_MAX_DAYS = 365
HORIZON_DAYS = (90, 365)
CLV_MONTHS = (12, 24, 36)
_BLOCK = 20_000  # distinct triples predicted at once
#: Below this mean chance of dropping out — per repeat purchase for BG/NBD and MBG/NBD
#: (a / (a + b)), per time unit over the longest history for Pareto/NBD (s / β · max T) — the
#: fitted model has no dropout in effect, and its P(alive) says nothing about retention.
NO_DROPOUT = 1e-6
#: P(alive) of the repeat buyers spanning less than this between its 5th and 95th percentiles
#: is nearly constant: it does not tell customers apart (judged from this many repeat buyers up).
MIN_P_ALIVE_SPREAD = 0.05
SPREAD_REPEAT_BUYERS = 30




# -- spend ---------------------------------------------------------------------------------------


@dataclass
class SpendFit:
    """The spend model of the repeat buyers, or why there is none.

    Attributes
    ----------
    model
        Fitted Gamma-Gamma model, or None when it could not be fitted.
    excluded
        Repeat buyers left out of the fit: their mean repeat spend is zero or negative (refunds).
    fitted_customers
        Repeat buyers the model was fitted on.
    independence
        ``correlation``, ``p_value`` and ``violated`` of the spend-frequency test, or None.
    error
        Why the model could not be fitted (a message: key and fields), or None.
    warnings
        The warnings the fit raised, as messages (key and fields).
    population_mean
        Mean spend per purchase day used for customers without a usable history of their own.
    """

    model: GammaGammaModel | None
    excluded: int
    fitted_customers: int
    independence: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    population_mean: float = 0.0

    def expected_spend(self, frequency: np.ndarray, monetary: np.ndarray) -> np.ndarray:
        """Expected spend per future purchase day, per customer (finite, >= 0).

        Gamma-Gamma's conditional expectation for repeat buyers with a positive mean, and its
        population mean p·v/(q−1) for everyone else; without the model, the customer's own
        mean repeat spend, else :attr:`population_mean`.
        """
        usable = (frequency > 0) & (monetary > 0)
        if self.model is not None:
            x, m = np.where(usable, frequency, 0.0), np.where(usable, monetary, 0.0)
            return self.model.conditional_expected_spend(x, m)
        return np.where(usable, monetary, self.population_mean)


def fit_spend(frequency: np.ndarray, monetary: np.ndarray, population_mean: float) -> SpendFit:
    """Fit Gamma-Gamma on the repeat buyers with a positive mean repeat spend and test independence.

    Parameters
    ----------
    frequency, monetary
        Repeat purchase days and mean net amount of the repeat purchase days, per customer.
    population_mean
        Fallback mean spend per purchase day (when the model can't be fitted).
    """
    repeat = frequency > 0
    usable = repeat & (monetary > 0)
    result = SpendFit(None, int((repeat & ~usable).sum()), int(usable.sum()), population_mean=max(population_mean, 0.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result.model = GammaGammaModel().fit(frequency[usable], monetary[usable])
            correlation, p_value = spend_frequency_independence(frequency[usable], monetary[usable])
        except UserError as exc:
            result.model, result.error = None, exc.as_message()
        else:
            violated = abs(correlation) >= WEAK_CORRELATION and p_value < 0.05
            result.independence = {"correlation": correlation, "p_value": p_value, "violated": bool(violated)}
    result.warnings = warning_messages(caught)
    return result


# -- purchase models -----------------------------------------------------------------------------


def p_alive_uninformative(
    name: str, params: dict[str, float], p_alive: np.ndarray, frequency: np.ndarray, T: np.ndarray
) -> tuple[str, dict[str, Any]] | None:
    """Why the fitted model's P(alive) is not informative, or None when it is.

    Returns the reason's message key (``models.run.p_alive_*``) and fields: the model has no
    dropout process (``naive``), its fitted dropout is below :data:`NO_DROPOUT` (the dropout
    parameter went to its bound), or the repeat buyers' P(alive) is nearly constant
    (:data:`MIN_P_ALIVE_SPREAD`).
    """
    if name == "naive":
        return "models.run.p_alive_no_dropout_model", {}
    if name in ("bgnbd", "mbgnbd"):
        dropout = params["a"] / (params["a"] + params["b"])
    elif name == "pareto_nbd":
        dropout = params["s"] / params["beta"] * float(np.max(T, initial=0.0))
    else:
        dropout = None
    if dropout is not None and dropout < NO_DROPOUT:
        shown = ", ".join(f"{k} = {params[k]:.3g}" for k in (("a", "b") if "a" in params else ("s", "beta")))
        return "models.run.p_alive_dropout_at_edge", {"dropout": f"{dropout:.2g}", "params": shown}
    repeat = p_alive[frequency > 0]
    if repeat.size >= SPREAD_REPEAT_BUYERS:
        low, high = np.quantile(repeat, [0.05, 0.95])
        if high - low < MIN_P_ALIVE_SPREAD:
            return "models.run.p_alive_constant", {"low": f"{low:.2f}", "high": f"{high:.2f}"}
    return None




def fit_purchase_model(
    name: str, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[Any, list[dict[str, Any]]]:
    if name == "pareto_nbd" and len(x) > PARETO_FIT_CUSTOMERS:
        rows = np.random.default_rng(0).choice(len(x), PARETO_FIT_CUSTOMERS, replace=False)
        x, t_x, T = x[rows], t_x[rows], T[rows]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = {**PURCHASE_MODELS, **RATE_MODELS}[name]().fit(x, t_x, T)
    return model, warning_messages(caught)


def predict_customers(
    model: Any, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, *, time_unit: str, monthly_discount_rate: float
) -> dict[str, np.ndarray]:
    """Per-customer predictions of a fitted purchase model, computed once per distinct triple.

    Parameters
    ----------
    model
        A fitted purchase model (or :class:`RateModel`).
    x, t_x, T
        Each customer's history, in ``time_unit``.
    time_unit
        ``"days"`` or ``"weeks"``.
    monthly_discount_rate
        Discount rate per month for the discounted purchases.

    Returns
    -------
    ``p_alive``, ``expected_purchases_90d``, ``expected_purchases_365d``, ``discounted_<n>m``
    (Σ over months of discounted expected purchases, n in :data:`CLV_MONTHS`), and
    ``window_earliest_days`` / ``window_latest_days`` (whole days until the expected purchases
    of a customer alive now reach 0.5 / 1; -1 when the customer is unlikely to return).

    Raises
    ------
    ModelFitError
        A prediction is not finite.
    """
    ux, utx, uT, _, inverse = group_triples(x, t_x, T)
    days = DAYS_PER_UNIT[time_unit]
    months = np.arange(1, max(CLV_MONTHS) + 1, dtype=np.float64)
    horizons = np.concatenate([months * UNITS_PER_MONTH[time_unit], np.array(HORIZON_DAYS, dtype=np.float64) / days])
    discounts = (1.0 + monthly_discount_rate) ** -months
    out = {name: np.empty(len(ux)) for name in (
        "p_alive", "expected_purchases_90d", "expected_purchases_365d",
        *(f"discounted_{n}m" for n in CLV_MONTHS), "window_earliest_days", "window_latest_days",
    )}
    for start in range(0, len(ux), _BLOCK):
        part = slice(start, start + _BLOCK)
        bx, btx, bT = ux[part], utx[part], uT[part]
        alive = np.clip(model.p_alive(bx, btx, bT), 0.0, 1.0)
        cumulative = model.conditional_expected_purchases(horizons[:, None], bx, btx, bT)
        steps = np.diff(cumulative[: len(months)], axis=0, prepend=0.0)
        discounted = np.cumsum(discounts[:, None] * np.maximum(steps, 0.0), axis=0)
        out["p_alive"][part] = alive
        out["expected_purchases_90d"][part] = cumulative[-2]
        out["expected_purchases_365d"][part] = cumulative[-1]
        for n in CLV_MONTHS:
            out[f"discounted_{n}m"][part] = discounted[n - 1]
        earliest, latest = _window(model, bx, btx, bT, alive, days)
        out["window_earliest_days"][part], out["window_latest_days"][part] = earliest, latest
    for name, values in out.items():
        if not np.all(np.isfinite(values)):
            raise ModelFitError("models.non_finite_prediction", model=type(model).__name__, what=name,
                                count=int((~np.isfinite(values)).sum()))
    return {name: values[inverse] for name, values in out.items()}


def _window(
    model: Any, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, alive: np.ndarray, days: float
) -> tuple[np.ndarray, np.ndarray]:
    """Whole days until the expected purchases given alive reach 0.5 and 1 (-1: unlikely)."""
    earliest = np.full(len(x), -1.0)
    latest = np.full(len(x), -1.0)
    candidates = np.flatnonzero(alive >= UNLIKELY_P_ALIVE)
    if not candidates.size:
        return earliest, latest
    cx, ctx, cT, calive = x[candidates], t_x[candidates], T[candidates], alive[candidates]

    def given_alive(day: np.ndarray, keep: np.ndarray) -> np.ndarray:
        return model.conditional_expected_purchases(day[keep] / days, cx[keep], ctx[keep], cT[keep]) / calive[keep]

    everyone = np.ones(len(cx), dtype=bool)
    likely = given_alive(np.full(len(cx), float(WINDOW_MAX_DAYS)), everyone) >= 1.0
    for threshold, target in ((0.5, earliest), (1.0, latest)):
        low = np.zeros(len(cx))  # below the threshold at day 0
        high = np.full(len(cx), float(WINDOW_MAX_DAYS))  # at or above it (where likely)
        while True:
            open_ = likely & (high - low > 1)
            if not open_.any():
                break
            middle = np.floor((low + high) / 2)
            reached = np.zeros(len(cx), dtype=bool)
            reached[open_] = given_alive(middle, open_) >= threshold
            high = np.where(open_ & reached, middle, high)
            low = np.where(open_ & ~reached, middle, low)
        target[candidates[likely]] = high[likely]
    return earliest, latest
