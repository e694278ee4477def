"""Behavioural clusters: k from the data, readable rules that reproduce the clusters, both languages."""

import datetime as dt
import json

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from customer_value.config import ClusterConfig
from customer_value.errors import ConfigError
from customer_value.features.behaviour import behaviour_dimensions
from customer_value.i18n import message, msg
from customer_value.runs.execute import execute_run
from customer_value.runs.snapshot import read_run_table
from customer_value.sample import read_cdnow_transactions
from customer_value.scoring.cluster_names import render_name
from customer_value.scoring.cluster_rules import (
    Condition,
    RuleFit,
    decision_list,
    predict_by_rules,
    render_rule,
    roundest_between,
)
from customer_value.scoring.clusters import cluster_customers
from tests.factories import make_orders, workspace_with_orders

AS_OF = dt.date(2024, 12, 31)


def planted_orders(per_type: int = 150, *, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Orders of three behaviour types: loyal regulars, lapsed one- or two-time buyers, newcomers."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(AS_OF)
    rows, truth = [], {}

    def add(customer, days_ago, mean_amount):
        for k, days in enumerate(sorted(days_ago, reverse=True)):
            at = end - pd.Timedelta(days=int(days)) + pd.Timedelta(minutes=int(rng.integers(8 * 60, 22 * 60)))
            amount = round(float(rng.lognormal(np.log(mean_amount), 0.3)), 2)
            rows.append((customer, f"{customer}-{k}", at, amount, "completed"))

    for i in range(per_type):  # a year and more of orders every two weeks or so, up to now
        start = int(rng.integers(400, 700))
        add(f"L{i:03d}", np.arange(start, 0, -1)[rng.random(start) < 1 / 14], 300)
        truth[f"L{i:03d}"] = "loyal"
    for i in range(per_type):  # one or two orders more than a year ago
        first = int(rng.integers(380, 700))
        add(f"P{i:03d}", [first] + ([first - int(rng.integers(5, 30))] if rng.random() < 0.4 else []), 60)
        truth[f"P{i:03d}"] = "lapsed"
    for i in range(per_type):  # first order in the last five weeks
        first = int(rng.integers(1, 35))
        add(f"N{i:03d}", [first] + ([int(rng.integers(0, first))] if rng.random() < 0.3 else []), 120)
        truth[f"N{i:03d}"] = "new"
    orders = pd.DataFrame(rows, columns=["customer_id", "order_id", "ordered_at", "amount", "status"])
    return orders, pd.Series(truth)


def dimensions_of(orders: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    orders = orders.assign(ordered_at=orders["ordered_at"].dt.floor("s"))
    behaviour = behaviour_dimensions(ibis.memtable(orders), as_of)
    return ibis.duckdb.connect().execute(behaviour.table).set_index("customer_id").sort_index()


def rule_predictions(clustering, dims: pd.DataFrame) -> np.ndarray:
    """Apply the rules as stored in the diagnostics, independently of the library's helpers."""
    diagnostics = clustering.diagnostics()
    rules = {c["cluster"]: c["rule"] for c in diagnostics["clusters"]}
    predicted = np.full(len(dims), diagnostics["default_cluster"])
    decided = np.zeros(len(dims), dtype=bool)
    for cluster in diagnostics["rule_order"]:
        mask = np.ones(len(dims), dtype=bool)
        for cond in rules[cluster]:
            values = dims[cond["dimension"]].to_numpy()
            mask &= {">=": values >= cond["value"], "<=": values <= cond["value"], "<": values < cond["value"]}[
                cond["op"]
            ]
        predicted[mask & ~decided] = cluster
        decided |= mask
    return predicted


@pytest.fixture(scope="module")
def planted():
    orders, truth = planted_orders()
    dims = dimensions_of(orders, AS_OF)
    return dims, truth.reindex(dims.index), cluster_customers(dims)


def test_three_planted_behaviour_types_give_k_3(planted):
    dims, truth, clustering = planted
    assert clustering.k == 3 and clustering.fallback is None
    assert max(clustering.scores, key=clustering.scores.get) == 3 and set(clustering.scores) == set(range(3, 9))
    assert adjusted_rand_score(truth, clustering.labels) > 0.95


def test_rules_recover_the_planted_types(planted):
    dims, truth, clustering = planted
    assert clustering.agreement >= 0.9
    for profile in clustering.profiles:
        assert 1 <= len(profile.rule) <= 3
        assert profile.precision >= 0.9 and profile.recall >= 0.9 and profile.agreement >= 0.9
    # the rule-predicted clusters match the planted types as well as the clusters do
    assert adjusted_rand_score(truth, rule_predictions(clustering, dims)) > 0.9


def test_agreement_is_the_share_of_customers_the_rules_put_in_their_cluster(planted):
    dims, _, clustering = planted
    predicted = rule_predictions(clustering, dims)
    labels = clustering.labels.to_numpy()
    assert clustering.agreement == pytest.approx(np.mean(predicted == labels), abs=1e-4)
    for profile in clustering.profiles:
        members = labels == profile.cluster
        assert profile.agreement == pytest.approx(np.mean(predicted[members] == profile.cluster), abs=1e-4)
        assert profile.size == members.sum()


def test_decision_list_on_a_tiny_case():
    columns = {"frequency": np.array([1.0, 6, 9, 2]), "recency_days": np.array([400.0, 10, 200, 5])}
    labels = np.array([3, 1, 2, 3])
    rules = {
        1: RuleFit((Condition("frequency", ">=", 5), Condition("recency_days", "<=", 30)), 1.0, 1.0),
        2: RuleFit((Condition("frequency", ">=", 5),), 0.5, 1.0),
        3: RuleFit((Condition("recency_days", ">=", 300),), 1.0, 0.5),
    }
    order, default = decision_list(rules, columns, 4, labels)
    assert order == [1, 3, 2] and default == 3  # customer 4 matches nothing and is in cluster 3
    assert predict_by_rules(rules, order, default, columns, 4).tolist() == [3, 1, 2, 3]


def test_clusters_are_numbered_by_mean_spend(planted):
    means = [p.means["monetary"] for p in planted[2].profiles]
    assert means == sorted(means, reverse=True)
    assert [p.cluster for p in planted[2].profiles] == [1, 2, 3]


def test_same_seed_same_clusters_whatever_the_row_order(planted):
    dims, _, clustering = planted
    shuffled = dims.sample(frac=1.0, random_state=7)
    again = cluster_customers(shuffled)
    pd.testing.assert_series_equal(again.labels.reindex(dims.index), clustering.labels)
    assert again.diagnostics() == clustering.diagnostics()


def test_fitting_on_a_sample_assigns_everyone(planted):
    dims = planted[0]
    clustering = cluster_customers(dims, ClusterConfig(sample_size=1000, min_k=3, max_k=4))
    assert clustering.sample_size == len(dims) == 450  # smaller than the sample: all of them
    big = pd.concat([dims.set_axis([f"{i}{c}" for c in dims.index]) for i in range(3)])
    sampled = cluster_customers(big, ClusterConfig(sample_size=1000, min_k=3, max_k=4))
    assert sampled.sample_size == 1000 and sampled.labels.notna().all() and len(sampled.labels) == 1350
    assert sampled.k == 3 and sampled.agreement >= 0.9


@pytest.mark.parametrize(
    ("low", "high", "scale", "expected"),
    [(27, 33, 1, 30), (4, 5, 1, 5), (0.8655, 0.888, 100, 0.88), (-5, 3, 1, 0), (1234, 1290, 1, 1250),
     (0.1, 0.13, 1, 0.12), (7.0, 7.5, 1, 7.5)],
)
def test_thresholds_are_the_roundest_number_in_between(low, high, scale, expected):
    assert roundest_between(low, high, scale=scale) == pytest.approx(expected)


@given(
    st.floats(-1e7, 1e7, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
    st.sampled_from([1.0, 100.0]),
)
def test_the_rounded_threshold_always_lies_in_between(low, width, scale):
    high = low + width
    if not low < high:  # width lost to rounding at this magnitude
        return
    cut = roundest_between(low, high, scale=scale)
    assert low < cut <= high or cut == high


def test_rules_read_in_both_languages():
    rule = [{"dimension": "frequency", "op": ">=", "value": 5.0},
            {"dimension": "recency_days", "op": "<=", "value": 30.0}]
    assert render_rule(rule, "en") == "orders ≥ 5 and days since last order ≤ 30"
    assert render_rule(rule, "zh") == "订单数 ≥ 5 且 距上次购买天数 ≤ 30"
    other = (Condition("top_category_share", ">=", 0.4), Condition("monetary", "<", 1200.0),
             Condition("order_trend", "<", 0.45))
    assert render_rule(other, "en") == (
        "share of the top category ≥ 40% and net spend < 1,200 and order trend (recent ÷ usual rate) < 0.45"
    )
    assert render_rule(other, "zh") == "首要品类占比 ≥ 40% 且 净消费额 < 1,200 且 购买趋势（近期÷平常频率） < 0.45"
    assert (render_rule([], "en"), render_rule([], "zh")) == ("all customers", "全部客户")


def test_names_read_in_both_languages(planted):
    traits = [{"dimension": "frequency", "direction": "high"}, {"dimension": "monetary", "direction": "high"}]
    assert render_name(traits, "en") == "frequent, high-spend"
    assert render_name(traits, "zh") == "高频、高消费"
    assert render_name(traits, "en", number=4) == "frequent, high-spend (4)"
    clustering = planted[2]
    for lang in ("en", "zh"):
        names = clustering.names(lang)
        assert names.nunique() == 3 and not names.str.contains(r"cluster\.|dimension\.").any()
        assert not clustering.rules(lang).str.contains(r"cluster\.|dimension\.").any()
    loyal = clustering.profiles[0]  # the biggest spenders are the loyal regulars
    assert loyal.name_text("en") == "frequent, recently active"


def test_small_data_is_one_cluster():
    dims = dimensions_of(make_orders(12, seed=3), dt.date(2024, 12, 31))
    clustering = cluster_customers(dims)
    assert clustering.k == 1 and clustering.fallback == "too_few_customers"
    assert (clustering.labels == 1).all() and clustering.agreement == 1.0
    assert set(clustering.names("zh")) == {"全部客户"} and set(clustering.rules("en")) == {"all customers"}
    json.dumps(clustering.diagnostics())


def test_thirty_customers_get_at_most_three_clusters():
    dims = dimensions_of(make_orders(40, seed=5), dt.date(2024, 12, 31))
    clustering = cluster_customers(dims)
    assert len(dims) >= 30 and 1 < clustering.k <= len(dims) // 10
    assert clustering.labels.notna().all() and clustering.names().notna().all()


def test_constant_and_excluded_dimensions_are_left_out(planted):
    dims = planted[0].assign(hour_mean=12.0)
    clustering = cluster_customers(dims, ClusterConfig(exclude=["weekend_share"]))
    assert clustering.skipped["hour_mean"] == "constant" and clustering.skipped["weekend_share"] == "excluded"
    assert "hour_mean" not in clustering.used and "weekend_share" not in clustering.used
    with pytest.raises(ConfigError, match="weekday_share"):
        cluster_customers(dims, ClusterConfig(exclude=["weekday_share"]))


def test_nothing_varies_is_one_cluster():
    dims = pd.DataFrame({"frequency": [1.0] * 50, "monetary": [10.0] * 50}, index=[f"c{i}" for i in range(50)])
    clustering = cluster_customers(dims)
    assert clustering.k == 1 and clustering.fallback == "no_variation"


def test_missing_values_do_not_leak_into_the_result(planted):
    dims = planted[0].copy()
    dims.iloc[::7, 2] = np.nan
    dims.iloc[::11, 3] = np.inf
    clustering = cluster_customers(dims)
    assert clustering.labels.notna().all() and np.isfinite(clustering.agreement)
    json.dumps(clustering.diagnostics())


def test_orders_only_cdnow_clusters_with_readable_rules():
    cdnow = read_cdnow_transactions()
    cdnow["order_id"] = [f"o{i}" for i in range(len(cdnow))]
    cdnow["status"] = "completed"
    dims = dimensions_of(cdnow, dt.date(1998, 6, 30))
    clustering = cluster_customers(dims)
    assert len(clustering.labels) == 2357 and clustering.labels.notna().all()
    assert 3 <= clustering.k <= 8 and clustering.agreement >= 0.85
    assert {"hour_mean", "refund_rate", "cancellation_rate"} <= set(clustering.skipped)
    assert all(p.rule for p in clustering.profiles)
    json.dumps(clustering.diagnostics(), ensure_ascii=False)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_stage_adds_cluster_columns_and_diagnostics(tmp_path, language):
    workspace = workspace_with_orders(tmp_path / "ws", make_orders(120, seed=2))
    settings = workspace.settings().model_copy(update={"language": language})
    manifest = execute_run(workspace, settings, now=dt.datetime(2025, 1, 2, 9, 0))
    summary = read_run_table(workspace, manifest.run_id, "summary").to_pandas()
    columns = summary[["cluster", "cluster_name", "cluster_rule"]]
    assert not columns.isna().any().any() and (columns["cluster_rule"] != "").all()
    diagnostics = manifest.diagnostics["clusters"]
    assert set(summary["cluster"]) == set(range(1, diagnostics["k"] + 1))
    assert diagnostics["customers"] == len(summary) and 0 <= diagnostics["agreement"] <= 1
    skipped = diagnostics["dimensions_skipped"]
    assert skipped["category_count"] == message("cluster.skipped_missing", needs="orders.category")
    assert len(diagnostics["dimensions_used"]) >= 10
    first = diagnostics["clusters"][0]
    assert render_rule(first["rule"], language) == summary.loc[summary["cluster"] == 1, "cluster_rule"].iloc[0]
    assert {"dimension", "op", "value"} == set(first["rule"][0])
    assert "rule_text" not in first and "name_text" not in first  # stored language-free
    word = "且" if language == "zh" else " and "
    assert any(word in render_rule(c["rule"], language) for c in diagnostics["clusters"]) or all(
        len(c["rule"]) == 1 for c in diagnostics["clusters"]
    )
    note = next(m for m in manifest.messages if m["key"] == "cluster.dimensions_skipped")
    text = msg(note["key"], language, **note["fields"])
    assert msg("dimension.category_count", language) in text and "orders.category" in text
