"""Dynamic behavioural clusters that write their own rules ("orders ≥ 5 and days since last order ≤ 30").

Method:

1. **Scale.** Skewed dimensions (counts, days, money, ratios) are compressed with a signed
   ``log1p``; every dimension is then standardised on the fitting sample and clipped to ±5
   standard deviations, so a few extreme customers can't claim a cluster of their own.
   Dimensions constant over all customers (e.g. the hour of day when orders carry only a date)
   are dropped and reported.
2. **Choose k and cluster.** k-means (k-means++, 4 starts, seeded) for every k in
   ``min_k..max_k`` on a seeded random sample of at most ``sample_size`` customers; the k with
   the best silhouette (measured on at most 5,000 of them; ties → fewer clusters) wins. Every
   customer is then assigned to the nearest centre. At most one cluster per 10 customers.
3. **Number.** Clusters are numbered 1..k by mean net spend (``monetary``), highest first.
4. **Describe.** Each cluster gets a name from its two most distinctive traits
   (:mod:`~customer_value.scoring.cluster_names`) and a rule of at most ``rule_depth``
   conditions on the original dimensions (:mod:`~customer_value.scoring.cluster_rules`); the
   agreement says how many customers the rules put in their own cluster.

Fallback: fewer than ``min_customers`` customers, or no dimension that varies, gives one cluster
(``all customers``, agreement 1) and ``fallback`` says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from customer_value.config import ClusterConfig
from customer_value.errors import ConfigError
from customer_value.features.behaviour import DIMENSION_BY_NAME
from customer_value.i18n import message
from customer_value.scoring.cluster_names import name_clusters, render_name
from customer_value.scoring.cluster_rules import (
    RuleFit,
    decision_list,
    dimension,
    learn_rule,
    predict_by_rules,
    render_rule,
    rule_mask,
)

logger = logging.getLogger(__name__)

CLIP = 5.0
SILHOUETTE_SAMPLE = 5000
CUSTOMERS_PER_CLUSTER = 10
N_INIT = 4


@dataclass
class ClusterProfile:
    """One cluster: who is in it, what it looks like and the rule that describes it.

    Attributes
    ----------
    cluster
        Id, 1..k by mean net spend (highest first).
    size, share
        Customers in the cluster and their share of all customers.
    name
        Traits ``{dimension, direction}`` naming the cluster (empty = all customers).
    number
        Set when another cluster has the same traits; rendered after the name.
    rule
        Conditions ``{dimension, op, value}``, all of which hold (empty = all customers).
    precision, recall
        Of the customers the rule matches, the share in the cluster; of the cluster, the share
        the rule matches (on every customer).
    agreement
        Share of the cluster's customers the decision list of all rules puts in this cluster.
    means, medians
        Per dimension, over the cluster's customers.
    """

    cluster: int
    size: int
    share: float
    name: list[dict[str, str]]
    rule: list[dict[str, Any]]
    precision: float
    recall: float
    agreement: float
    means: dict[str, float]
    medians: dict[str, float]
    number: int | None = None

    def name_text(self, lang: str = "en") -> str:
        """The name in ``lang``."""
        return render_name(self.name, lang, number=self.number)

    def rule_text(self, lang: str = "en") -> str:
        """The rule in ``lang``."""
        return render_rule(self.rule, lang)


@dataclass
class Clustering:
    """The clusters of a set of customers.

    Attributes
    ----------
    labels
        Cluster id of every customer (same index as the input).
    k
        Number of clusters.
    scores
        Silhouette of each k tried.
    profiles
        One :class:`ClusterProfile` per cluster, by id.
    agreement
        Share of customers whose rule-predicted cluster is their cluster.
    rule_order, default_cluster
        The decision list: rules tried in this order, the first match wins, else the default.
    used
        Dimensions clustered on.
    skipped
        Dimensions left out and why (``constant``, ``excluded``).
    fallback
        Why everyone is in one cluster (``too_few_customers``, ``no_variation``), else None.
    sample_size
        Customers the clusters and rules were fitted on.
    """

    labels: pd.Series
    k: int
    scores: dict[int, float]
    profiles: list[ClusterProfile]
    agreement: float
    rule_order: list[int]
    default_cluster: int
    used: list[str]
    skipped: dict[str, str] = field(default_factory=dict)
    fallback: str | None = None
    sample_size: int = 0

    def names(self, lang: str = "en") -> pd.Series:
        """Each customer's cluster name in ``lang``."""
        texts = {p.cluster: p.name_text(lang) for p in self.profiles}
        return self.labels.map(texts).astype(object)

    def rules(self, lang: str = "en") -> pd.Series:
        """Each customer's cluster rule in ``lang``."""
        texts = {p.cluster: p.rule_text(lang) for p in self.profiles}
        return self.labels.map(texts).astype(object)

    def diagnostics(self) -> dict[str, Any]:
        """JSON-able, language-free facts: k, scores per k, agreement, the dimensions skipped (each
        with its reason as a message) and per cluster size, profile, name traits and rule."""
        return {
            "k": self.k,
            "method": "kmeans" if self.fallback is None else "single_cluster",
            "selection": {"metric": "silhouette", "scores": {str(k): v for k, v in self.scores.items()}},
            "fallback": self.fallback,
            "customers": int(len(self.labels)),
            "sample_size": self.sample_size,
            "agreement": self.agreement,
            "rule_order": self.rule_order,
            "default_cluster": self.default_cluster,
            "dimensions_used": self.used,
            "dimensions_skipped": {name: message(f"cluster.skipped_{why}") for name, why in self.skipped.items()},
            "clusters": [
                {
                    "cluster": p.cluster,
                    "size": p.size,
                    "share": p.share,
                    "name": p.name,
                    "rule": p.rule,
                    "precision": p.precision,
                    "recall": p.recall,
                    "agreement": p.agreement,
                    "means": p.means,
                    "medians": p.medians,
                }
                for p in self.profiles
            ],
        }


def _round(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}") if np.isfinite(value) else 0.0


def _check_exclude(exclude: list[str]) -> None:
    unknown = [name for name in exclude if name not in DIMENSION_BY_NAME]
    if unknown:
        raise ConfigError(
            where="clusters.exclude",
            detail=message("cluster.unknown_dimensions", unknown=", ".join(unknown), known=", ".join(DIMENSION_BY_NAME)),
        )


def scale_dimensions(values: np.ndarray, names: list[str], fit_rows: np.ndarray) -> np.ndarray:
    """Signed log1p of skewed dimensions, standardised on ``fit_rows``, clipped to ±5.

    Parameters
    ----------
    values
        ``(n, d)`` original values.
    names
        The ``d`` dimension names (their kind decides the log).
    fit_rows
        Row positions the mean and standard deviation are taken from.
    """
    out = values.astype("float64", copy=True)
    for j, name in enumerate(names):
        if dimension(name).skewed:
            out[:, j] = np.sign(out[:, j]) * np.log1p(np.abs(out[:, j]))
    fit = out[fit_rows]
    mean, sd = fit.mean(axis=0), fit.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    out -= mean
    out /= sd
    np.clip(out, -CLIP, CLIP, out=out)
    return out


def _single_cluster(
    frame: pd.DataFrame, index: pd.Index, used: list[str], skipped: dict[str, str], reason: str
) -> Clustering:
    labels = pd.Series(np.ones(len(frame), dtype=np.int64), index=index, name="cluster")
    means = {c: _round(float(frame[c].mean())) for c in used} if len(frame) else {}
    medians = {c: _round(float(frame[c].median())) for c in used} if len(frame) else {}
    profile = ClusterProfile(1, len(frame), 1.0, [], [], 1.0, 1.0, 1.0, means, medians)
    logger.info("one cluster for %d customers: %s", len(frame), reason)
    return Clustering(labels, 1, {}, [profile], 1.0, [1], 1, used, skipped, reason, len(frame))


def _choose_k(scaled: np.ndarray, ks: list[int], seed: int) -> tuple[dict[int, float], KMeans | None]:
    """The silhouette of each k tried and the best model (None when no k splits the customers)."""
    scores: dict[int, float] = {}
    best: tuple[float, KMeans] | None = None
    n = len(scaled)
    for k in ks:
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit(scaled)
        if len(np.unique(model.labels_)) < 2:
            continue
        try:
            score = float(
                silhouette_score(scaled, model.labels_, sample_size=min(n, SILHOUETTE_SAMPLE), random_state=seed)
            )
        except ValueError:  # the silhouette sample drew a single cluster
            continue
        scores[k] = round(score, 4)
        if best is None or score > best[0] + 1e-9:
            best = (score, model)
    return scores, best[1] if best else None


def cluster_customers(dimensions: pd.DataFrame, config: ClusterConfig | None = None) -> Clustering:
    """Cluster customers on their behavioural dimensions and describe each cluster by a rule.

    Parameters
    ----------
    dimensions
        One row per customer, one numeric column per dimension (names from
        :data:`~customer_value.features.behaviour.DIMENSIONS`), no missing values; any other
        column (such as ``customer_id``) must be the index.
    config
        The ``clusters`` settings.

    Returns
    -------
    Clustering
        Labels for every row, the k chosen and each cluster's profile, name and rule.

    Raises
    ------
    ConfigError
        ``config.exclude`` names an unknown dimension.
    """
    config = config or ClusterConfig()
    _check_exclude(config.exclude)
    # sorted by customer, so the sample and the result don't depend on the row order
    by_customer = np.argsort(dimensions.index.to_numpy(), kind="stable")
    frame = dimensions.astype("float64").iloc[by_customer]
    frame = frame.replace([np.inf, -np.inf], np.nan)
    frame = frame.fillna(frame.median()).fillna(0.0)
    used, skipped = _usable(frame, config.exclude)
    n = len(frame)
    if n < config.min_customers:
        return _single_cluster(frame, dimensions.index, used, skipped, "too_few_customers")
    if not used:
        return _single_cluster(frame, dimensions.index, used, skipped, "no_variation")

    rng = np.random.default_rng(config.seed)
    m = min(n, config.sample_size)
    fit_rows = np.sort(rng.choice(n, size=m, replace=False)) if m < n else np.arange(n)
    values = frame[used].to_numpy()
    scaled = scale_dimensions(values, used, fit_rows)
    sample = scaled[fit_rows]
    distinct = len(np.unique(sample, axis=0))
    high = min(config.max_k, m // CUSTOMERS_PER_CLUSTER, distinct)
    low = min(config.min_k, high)
    if high < 2:
        return _single_cluster(frame, dimensions.index, used, skipped, "no_variation")
    # one thread (OpenMP and BLAS): k-means on a busy machine otherwise spins; results stay bit-identical
    with threadpool_limits(limits=1):
        scores, model = _choose_k(sample, list(range(max(low, 2), high + 1)), config.seed)
        if model is None:
            return _single_cluster(frame, dimensions.index, used, skipped, "no_variation")
        raw = model.predict(scaled)
    labels = _number_by_spend(raw, frame["monetary"].to_numpy() if "monetary" in frame else np.zeros(n))
    ids = sorted(int(c) for c in np.unique(labels))

    sample_values, sample_labels = values[fit_rows], labels[fit_rows]
    rules: dict[int, RuleFit] = {
        c: learn_rule(sample_values, used, sample_labels == c, depth=config.rule_depth, seed=config.seed) for c in ids
    }
    sample_columns = {name: sample_values[:, j] for j, name in enumerate(used)}
    order, default = decision_list(rules, sample_columns, m, sample_labels)
    columns = {name: values[:, j] for j, name in enumerate(used)}
    predicted = predict_by_rules(rules, order, default, columns, n)
    agreement = float(np.mean(predicted == labels))

    traits = name_clusters(sample, sample_labels, ids, used)
    profiles = _profiles(frame[used], labels, predicted, rules, traits, columns)
    in_input_order = np.empty(n, dtype=np.int64)
    in_input_order[by_customer] = labels
    return Clustering(
        labels=pd.Series(in_input_order, index=dimensions.index, name="cluster"),
        k=len(ids),
        scores=scores,
        profiles=profiles,
        agreement=round(agreement, 4),
        rule_order=order,
        default_cluster=default,
        used=used,
        skipped=skipped,
        sample_size=m,
    )


def _usable(frame: pd.DataFrame, exclude: list[str]) -> tuple[list[str], dict[str, str]]:
    """Dimensions to cluster on, and those left out: ``excluded`` by the settings or ``constant``."""
    skipped = {name: "excluded" for name in frame.columns if name in exclude}
    used = []
    for name in frame.columns:
        if name in skipped:
            continue
        column = frame[name].to_numpy()
        if len(column) and column.min() == column.max():
            skipped[name] = "constant"
        else:
            used.append(name)
    return used, skipped


def _number_by_spend(raw: np.ndarray, spend: np.ndarray) -> np.ndarray:
    """Cluster ids 1..k by mean net spend, highest first (ties: the larger cluster first)."""
    stats = pd.DataFrame({"raw": raw, "spend": spend}).groupby("raw")
    stats = stats.agg(spend=("spend", "mean"), size=("spend", "size"))
    ranked = stats.sort_values(["spend", "size"], ascending=[False, False]).index.to_list()
    renumber = np.zeros(int(raw.max()) + 1, dtype=np.int64)
    for position, cluster in enumerate(ranked, start=1):
        renumber[cluster] = position
    return renumber[raw]


def _profiles(
    frame: pd.DataFrame,
    labels: np.ndarray,
    predicted: np.ndarray,
    rules: dict[int, RuleFit],
    traits: dict[int, list[dict[str, str]]],
    columns: dict[str, np.ndarray],
) -> list[ClusterProfile]:
    n = len(frame)
    grouped = frame.groupby(labels)
    means, medians = grouped.mean(), grouped.median()
    seen: set[tuple[tuple[str, str], ...]] = set()
    profiles = []
    for c in sorted(rules):
        members = labels == c
        size = int(members.sum())
        matched = rule_mask(rules[c].conditions, columns, n)
        hits = int(np.count_nonzero(matched & members))
        key = tuple((t["dimension"], t["direction"]) for t in traits[c])
        profiles.append(
            ClusterProfile(
                cluster=c,
                size=size,
                share=round(size / n, 4),
                name=traits[c],
                number=c if key in seen else None,
                rule=[cond.to_dict() for cond in rules[c].conditions],
                precision=round(hits / max(int(matched.sum()), 1), 4),
                recall=round(hits / max(size, 1), 4),
                agreement=round(float(np.mean(predicted[members] == c)) if size else 0.0, 4),
                means={d: _round(float(means.at[c, d])) for d in frame.columns},
                medians={d: _round(float(medians.at[c, d])) for d in frame.columns},
            )
        )
        seen.add(key)
    return profiles
