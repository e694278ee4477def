"""Tier and stage migrations between two runs."""

import pandas as pd

from customer_value.scoring.migrations import customer_moves, migration_counts, migrations


def runs():
    previous = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"], "tier": ["A", "B", "B", "C", "C"]})
    current = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "f", "g"], "tier": ["A", "A", "C", "C", "B", "B"]})
    return previous, current


def test_each_customer_moves_once_new_ones_come_from_none_and_gone_ones_go_to_none():
    moves = customer_moves(*runs(), "tier")
    assert moves.to_dict("list") == {
        "customer_id": ["a", "b", "c", "d", "e", "f", "g"],
        "from": ["A", "B", "B", "C", "C", "none", "none"],
        "to": ["A", "A", "C", "C", "none", "B", "B"],
    }


def test_counts_list_the_moves_largest_first_and_add_up():
    counts = migrations(*runs(), "tier")
    rows = [(r["from"], r["to"], r["count"], r["customers"], r["changed"]) for _, r in counts.iterrows()]
    assert rows == [
        ("none", "B", 2, ["f", "g"], True),
        ("B", "A", 1, ["b"], True),
        ("B", "C", 1, ["c"], True),
        ("C", "none", 1, ["e"], True),
        ("A", "A", 1, ["a"], False),
        ("C", "C", 1, ["d"], False),
    ]
    assert counts["count"].sum() == 7


def test_without_a_previous_run_everyone_is_new():
    _, current = runs()
    counts = migrations(None, current, "tier")
    assert set(counts["from"]) == {"none"} and counts["count"].sum() == len(current)


def test_lifecycle_stages_migrate_the_same_way():
    previous = pd.DataFrame({"customer_id": ["a", "b"], "lifecycle_stage": ["growth", "maturity"]})
    current = pd.DataFrame({"customer_id": ["a", "b"], "lifecycle_stage": ["maturity", "decline"]})
    counts = migrations(previous, current, "lifecycle_stage")
    assert counts[["from", "to", "count"]].values.tolist() == [["growth", "maturity", 1], ["maturity", "decline", 1]]


def test_no_customers_no_moves():
    empty = pd.DataFrame({"customer_id": pd.Series([], dtype=object), "tier": pd.Series([], dtype=object)})
    assert migration_counts(customer_moves(empty, empty, "tier")).empty
