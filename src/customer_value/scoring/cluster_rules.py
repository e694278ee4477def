"""Rules that describe clusters in words: shallow decision trees turned into readable conditions.

For each cluster a depth-limited tree separates it from the rest (one-vs-rest, classes
balanced) on the original, unscaled dimensions. Every node of the tree is the conjunction of
the splits on its path; the node with the best F1 score for the cluster, less 0.01 per
condition, becomes the cluster's rule, and a condition whose removal costs less than 0.01 of F1
is dropped. Each threshold is replaced by the roundest number that
moves at most 0.5% of the fitting sample to the other side of the split (27.5 between 25 and
33 → 30; 0.876 → 88%), so the rule reads well; precision, recall and agreement are measured
with the rounded rule, never with the tree's own thresholds.

A rule is stored language-neutral as a list of conditions ``{dimension, op, value}`` with ``op``
one of ``<``, ``<=``, ``>=``; :func:`render_rule` writes it in ``en`` or ``zh``.

The rules are applied as a decision list: the most precise rule first, the first that matches
wins, and customers no rule matches go to a default cluster (the commonest among them). The
agreement is the share of customers whose rule-predicted cluster is their cluster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier

from customer_value.features.behaviour import DIMENSION_BY_NAME, Dimension
from customer_value.i18n import msg

OP_SYMBOLS = {"<": "<", "<=": "≤", ">=": "≥"}
_NICE_STEPS = (5.0, 2.0, 1.0)
#: Share of the fitting sample a rounded threshold may move to the other side of a split.
ROUNDING_TOLERANCE = 0.005
#: F1 a condition must add to stay in a rule (shorter rules read better).
CONDITION_COST = 0.01


@dataclass(frozen=True)
class Condition:
    """One condition of a rule: ``dimension op value``."""

    dimension: str
    op: str
    value: float

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Which of ``values`` satisfy the condition."""
        if self.op == ">=":
            return values >= self.value
        if self.op == "<=":
            return values <= self.value
        return values < self.value

    def to_dict(self) -> dict[str, object]:
        """The language-neutral, JSON-able form."""
        return {"dimension": self.dimension, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class RuleFit:
    """A cluster's rule and how well it matches the cluster on the fitting sample."""

    conditions: tuple[Condition, ...]
    precision: float
    recall: float


def dimension(name: str) -> Dimension:
    """The catalog entry of ``name``; unknown names are continuous ratios."""
    return DIMENSION_BY_NAME.get(name) or Dimension(name, "ratio")


def roundest_between(low: float, high: float, *, scale: float = 1.0) -> float:
    """The roundest number ``r`` with ``low < r <= high`` (``scale`` = 100 rounds shares in percent).

    Tries steps 5·10ⁿ, 2·10ⁿ, 10ⁿ from coarse to fine and returns the smallest multiple of the
    first step that lands in the interval.
    """
    a, b = low * scale, high * scale
    if not a < b:
        return high
    power = 10.0 ** math.ceil(math.log10(max(abs(a), abs(b), 1e-12))) * 10
    for _ in range(40):
        for factor in _NICE_STEPS:
            step = power * factor / 10
            candidate = round((math.floor(a / step) + 1) * step, 10) / scale
            if low < candidate <= high:
                return candidate
        power /= 10
    return high


def _split(name: str, threshold: float, column_sorted: np.ndarray) -> tuple[Condition, Condition]:
    """The (left, right) conditions of the tree split ``name <= threshold``, rounded readably.

    ``column_sorted`` holds the sample's values of the dimension, sorted (with repeats).
    """
    n = len(column_sorted)
    slack = int(ROUNDING_TOLERANCE * n)
    at = int(np.searchsorted(column_sorted, threshold, side="right"))
    low = float(column_sorted[max(at - 1 - slack, 0)]) if at > 0 else threshold
    high = float(column_sorted[min(at + slack, n - 1)]) if at < n else threshold
    dim = dimension(name)
    cut = roundest_between(low, high, scale=100.0 if dim.kind == "share" else 1.0)
    if dim.integer and float(cut).is_integer() and not (cut >= 10 and cut % 5 == 0):
        return Condition(name, "<=", cut - 1), Condition(name, ">=", cut)  # orders ≤ 4 | ≥ 5
    return Condition(name, "<", cut), Condition(name, ">=", cut)


def _simplify(conditions: list[Condition]) -> tuple[Condition, ...]:
    """Keep the tightest lower and upper bound per dimension, in first-seen order."""
    lower: dict[str, Condition] = {}
    upper: dict[str, Condition] = {}
    order: list[str] = []
    for c in conditions:
        if c.dimension not in order:
            order.append(c.dimension)
        if c.op == ">=":
            if c.dimension not in lower or c.value > lower[c.dimension].value:
                lower[c.dimension] = c
        else:
            kept = upper.get(c.dimension)
            if kept is None or c.value < kept.value or (c.value == kept.value and c.op == "<"):
                upper[c.dimension] = c
    out: list[Condition] = []
    for name in order:
        out.extend(c for c in (lower.get(name), upper.get(name)) if c is not None)
    return tuple(out)


def rule_mask(conditions: tuple[Condition, ...], columns: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Which of the ``n`` customers satisfy every condition."""
    mask = np.ones(n, dtype=bool)
    for c in conditions:
        mask &= c.holds(columns[c.dimension])
    return mask


def _f1(mask: np.ndarray, target: np.ndarray) -> tuple[float, float, float]:
    hits = int(np.count_nonzero(mask & target))
    matched, positives = int(np.count_nonzero(mask)), int(np.count_nonzero(target))
    if hits == 0:
        return 0.0, 0.0, 0.0
    precision, recall = hits / matched, hits / positives
    return 2 * precision * recall / (precision + recall), precision, recall


def learn_rule(
    values: np.ndarray, names: list[str], target: np.ndarray, *, depth: int = 3, seed: int = 0
) -> RuleFit:
    """The best single-path rule separating ``target`` from the rest.

    Parameters
    ----------
    values
        ``(n, d)`` original dimension values of the fitting sample.
    names
        The ``d`` dimension names.
    target
        ``(n,)`` booleans: in the cluster or not.
    depth
        Most conditions (tree depth).
    seed
        Seed of the tree (ties between equally good splits).
    """
    n = len(target)
    tree = DecisionTreeClassifier(
        max_depth=depth, class_weight="balanced", min_samples_leaf=max(1, n // 200), random_state=seed
    ).fit(values, target)
    columns = {name: values[:, j] for j, name in enumerate(names)}
    sorted_columns: dict[int, np.ndarray] = {}
    structure = tree.tree_
    best = RuleFit((), 0.0, 0.0)
    best_key = (-1.0, 0)
    stack: list[tuple[int, list[Condition]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        if path:
            conditions = _simplify(path)
            score, precision, recall = _f1(rule_mask(conditions, columns, n), target)
            key = (round(score - CONDITION_COST * len(conditions), 12), -len(conditions))
            if key > best_key:
                best, best_key = RuleFit(conditions, precision, recall), key
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # a leaf
            continue
        j = int(structure.feature[node])
        if j not in sorted_columns:
            sorted_columns[j] = np.sort(values[:, j])
        go_left, go_right = _split(names[j], float(structure.threshold[node]), sorted_columns[j])
        stack.append((right, [*path, go_right]))
        stack.append((left, [*path, go_left]))
    return _prune(best, columns, target)


def _prune(rule: RuleFit, columns: dict[str, np.ndarray], target: np.ndarray) -> RuleFit:
    """Drop conditions whose removal costs less than ``CONDITION_COST`` of F1, weakest first."""
    n = len(target)
    conditions = rule.conditions
    score = _f1(rule_mask(conditions, columns, n), target)[0]
    while len(conditions) > 1:
        trials = [
            (_f1(rule_mask(conditions[:i] + conditions[i + 1 :], columns, n), target)[0], i)
            for i in range(len(conditions))
        ]
        best_score, drop = max(trials, key=lambda t: (t[0], -t[1]))
        if best_score < score - CONDITION_COST:
            break
        conditions = conditions[:drop] + conditions[drop + 1 :]
        score = best_score
    _, precision, recall = _f1(rule_mask(conditions, columns, n), target)
    return RuleFit(conditions, precision, recall)


def decision_list(
    rules: dict[int, RuleFit], columns: dict[str, np.ndarray], n: int, labels: np.ndarray | None = None
) -> tuple[list[int], int]:
    """The order rules are tried in (most precise first) and the default cluster.

    The default is the commonest cluster among customers no rule matches (``labels`` given), or
    else the cluster whose rule is least precise.
    """
    order = sorted(rules, key=lambda c: (-rules[c].precision, c))
    default = order[-1]
    if labels is not None:
        matched = np.zeros(n, dtype=bool)
        for c in order:
            matched |= rule_mask(rules[c].conditions, columns, n)
        rest = labels[~matched]
        if len(rest):
            ids, counts = np.unique(rest, return_counts=True)
            default = int(ids[np.argmax(counts)])
    return order, default


def predict_by_rules(
    rules: dict[int, RuleFit], order: list[int], default: int, columns: dict[str, np.ndarray], n: int
) -> np.ndarray:
    """The cluster each customer's first matching rule gives (``default`` when none matches)."""
    predicted = np.full(n, default, dtype=np.int64)
    for c in reversed(order):
        predicted[rule_mask(rules[c].conditions, columns, n)] = c
    return predicted


def format_value(name: str, value: float, lang: str = "en") -> str:
    """A threshold as it reads in a rule: shares in percent, money with thousands separators."""
    dim = dimension(name)
    if dim.kind == "share":
        return msg("cluster.percent", lang, value=f"{round(value * 100, 6):g}")
    if dim.integer or (abs(value) >= 100 and float(value).is_integer()):
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def render_rule(conditions: list[dict[str, object]] | tuple[Condition, ...], lang: str = "en") -> str:
    """A rule in words, e.g. ``orders ≥ 5 and days since last order ≤ 30``; empty = all customers."""
    items = [c if isinstance(c, Condition) else Condition(str(c["dimension"]), str(c["op"]), float(c["value"]))
             for c in conditions]
    if not items:
        return msg("cluster.rule_all", lang)
    parts = [
        msg(
            "cluster.condition",
            lang,
            dimension=msg(f"dimension.{c.dimension}", lang),
            op=OP_SYMBOLS[c.op],
            value=format_value(c.dimension, c.value, lang),
        )
        for c in items
    ]
    return msg("cluster.and", lang).join(parts)
