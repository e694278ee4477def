r"""A calibrated gradient-boosted churn classifier with per-customer factors.

LightGBM learns P(churn | features) as a raw score (log-odds); the raw scores are calibrated
on out-of-fold predictions of a stratified cross-validation on the same training cut-off:

.. math::

    \hat p(x) = \sigma(a \cdot f(x) + b)

where :math:`f` is the booster's raw score and :math:`(a, b)` are fitted by logistic regression
of the labels on the out-of-fold raw scores (Platt scaling; ``calibration="sigmoid"``), or
:math:`\hat p = g(f(x))` with :math:`g` an isotonic regression (``calibration="isotonic"``).
Both maps are increasing, so a factor that raises the raw score raises the probability: the
factors are LightGBM's own per-feature contributions (``pred_contrib=True``, TreeSHAP values
that sum to the raw score) of the booster that makes the prediction.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, early_stopping
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from customer_value.errors import ConfigError, NotFittedError

__all__ = ["ChurnModel"]

#: Threads for predictions and contributions: each row is independent, so the result is the same
#: on any number of threads (training stays on one thread for reproducible trees).
PREDICT_THREADS = os.cpu_count() or 1


class ChurnModel:
    """LightGBM churn classifier, calibrated by cross-validation, explained per customer.

    Parameters
    ----------
    n_estimators
        Most boosting rounds; the rounds used are the mean best round of the cross-validation
        folds (early stopping on each held-out fold).
    learning_rate, num_leaves, min_child_samples
        LightGBM's options of the same names (small trees: the data is one row per customer).
    calibration
        ``"sigmoid"`` (Platt scaling, keeps the ranking: AUC unchanged) or ``"isotonic"``.
    cv
        Folds of the stratified cross-validation that yields the out-of-fold raw scores.
    random_state
        Seed of the folds and of LightGBM's row and column sampling.

    Attributes
    ----------
    features_ : list[str]
        Feature columns, in the order the booster expects.
    booster_ : lightgbm.LGBMClassifier
        The booster fitted on all training rows with the chosen number of rounds.
    calibrator_ : LogisticRegression | IsotonicRegression
        Map from raw score to probability, fitted on the out-of-fold raw scores.
    n_rounds_ : int
        Boosting rounds of :attr:`booster_`.
    oof_raw_ : numpy.ndarray
        Out-of-fold raw score of each training row.
    feature_importance_ : pandas.Series
        Share of the total split gain per feature, largest first.
    """

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.1,
        num_leaves: int = 7,
        min_child_samples: int = 40,
        calibration: str = "sigmoid",
        cv: int = 3,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def _booster(self, n_estimators: int) -> LGBMClassifier:
        return LGBMClassifier(
            n_estimators=n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            reg_lambda=1.0,
            max_bin=63,
            random_state=self.random_state,
            n_jobs=1,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )

    def fit(self, X: pd.DataFrame, y: object) -> ChurnModel:
        """Fit the booster and its calibration.

        Parameters
        ----------
        X
            One row per customer, numeric feature columns (null = missing).
        y
            1 = churned, 0 = stayed; both classes with at least ``cv`` rows each.

        Returns
        -------
        self

        Raises
        ------
        ConfigError
            ``calibration`` is not ``sigmoid`` or ``isotonic``, or ``cv`` is below 2.
        ValueError
            ``y`` does not have ``cv`` rows of each class.
        """
        if self.calibration not in ("sigmoid", "isotonic"):
            raise ConfigError(where="calibration", detail=f"expected sigmoid or isotonic; got {self.calibration!r}")
        if self.cv < 2:
            raise ConfigError(where="cv", detail=f"at least 2 folds are needed; got {self.cv}")
        X = _as_matrix(X)
        labels = np.asarray(y, dtype=np.int64)
        if labels.shape != (len(X),):
            raise ValueError(f"y has {labels.size} values for {len(X)} rows")
        counts = np.bincount(labels, minlength=2)
        if counts.min() < self.cv:
            raise ValueError(f"each class needs at least {self.cv} rows; got {counts.tolist()}")
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        oof = np.zeros(len(X))
        rounds = []
        for train, held in folds.split(X, labels):
            booster = self._booster(self.n_estimators)
            booster.fit(
                X.iloc[train], labels[train],
                eval_X=X.iloc[held], eval_y=labels[held],
                callbacks=[early_stopping(30, first_metric_only=True, verbose=False)],
            )
            best = booster.best_iteration_ or self.n_estimators
            rounds.append(best)
            oof[held] = booster.predict(X.iloc[held], raw_score=True, num_iteration=best)
        self.n_rounds_ = max(int(round(float(np.mean(rounds)))), 1)
        self.oof_raw_ = oof
        if self.calibration == "sigmoid":
            calibrator = LogisticRegression(C=1e6).fit(oof.reshape(-1, 1), labels)
        else:
            calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(oof, labels)
        self.calibrator_ = calibrator
        self.booster_ = self._booster(self.n_rounds_).fit(X, labels)
        self.features_ = list(X.columns)
        gain = self.booster_.booster_.feature_importance(importance_type="gain")
        total = float(gain.sum()) or 1.0
        self.feature_importance_ = pd.Series(gain / total, index=self.features_).sort_values(ascending=False)
        return self

    def _check_fitted(self) -> None:
        if getattr(self, "booster_", None) is None:
            raise NotFittedError(model=type(self).__name__)

    def _matrix(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check_fitted()
        return _as_matrix(X.reindex(columns=self.features_))

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """The booster's raw score (log-odds of churn before calibration) per row."""
        matrix = self._matrix(X)
        return self.booster_.predict(matrix, raw_score=True, num_threads=PREDICT_THREADS)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Probabilities in [0, 1] from raw scores, through the fitted calibration."""
        self._check_fitted()
        raw = np.asarray(raw, dtype=float)
        if isinstance(self.calibrator_, LogisticRegression):
            p = self.calibrator_.predict_proba(raw.reshape(-1, 1))[:, 1]
        else:
            p = self.calibrator_.predict(raw)
        return np.clip(np.nan_to_num(p, nan=0.5), 0.0, 1.0)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated churn probability per row (a 1-D array in [0, 1])."""
        return self.calibrate(self.raw_score(X))

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per row and feature, the contribution to the raw score (columns: features + ``bias``)."""
        matrix = self._matrix(X)
        values = self.booster_.predict(matrix, pred_contrib=True, num_threads=PREDICT_THREADS)
        return pd.DataFrame(values, columns=[*self.features_, "bias"], index=X.index)

    def top_factors(self, X: pd.DataFrame, k: int = 3) -> tuple[list[list[str]], list[list[float | None]]]:
        """The ``k`` features pushing each row's churn risk up most, and their values.

        Only features with a positive contribution and a value are listed, largest first, so a
        row may have fewer than ``k`` (none for a customer every feature says is safe). A missing
        value can push the risk up too (a one-time buyer has no purchase cycle), but "cycle: none"
        explains nothing, so such features are left out of the list.

        Returns
        -------
        Per row the feature keys and the row's values of those features.
        """
        contrib = self.contributions(X).drop(columns="bias").to_numpy()
        values = self._matrix(X).to_numpy()
        contrib = np.where(np.isnan(values), 0.0, contrib)
        order = np.argsort(-contrib, axis=1, kind="stable")[:, :k]
        keys, shown = [], []
        for row, top in enumerate(order):
            picked = [j for j in top if contrib[row, j] > 0]
            keys.append([self.features_[j] for j in picked])
            shown.append([float(values[row, j]) for j in picked])
        return keys, shown


def _as_matrix(X: pd.DataFrame) -> pd.DataFrame:
    """Features as float64 columns (nulls become NaN, which LightGBM treats as missing)."""
    return X.apply(lambda column: pd.to_numeric(column, errors="coerce")).astype("float64")
