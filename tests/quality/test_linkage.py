"""Record linkage: the same customer entered twice is merged; namesakes, colleagues and families are not."""

from __future__ import annotations

import logging
import string
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.errors import ConfigError, DataQualityWarning, MissingColumnError, UserError
from customer_value.quality import LinkResult, link_customers
from customer_value.quality._linkage_synth import KINDS_DUPLICATE, KINDS_TRAP, make_linkage_customers
from customer_value.quality.linkage import MIN_TRAINING_ROWS, LinkageInputError, names_agree, normalise_name

# -- helpers --------------------------------------------------------------------------------------


def _truth(table: pa.Table, result: LinkResult) -> pd.DataFrame:
    """The mapping joined with the ground truth of the source and of its master."""
    truth = table.select(["customer_id", "entity_id", "kind"]).to_pandas().set_index("customer_id")
    mapping = result.mapping.to_pandas()
    mapping["entity"] = truth.loc[mapping["source_id"], "entity_id"].to_numpy()
    mapping["master_entity"] = truth.loc[mapping["customer_id"], "entity_id"].to_numpy()
    mapping["kind"] = truth.loc[mapping["source_id"], "kind"].to_numpy()
    return mapping


def _recall(mapping: pd.DataFrame, kinds: tuple[str, ...]) -> float:
    """Share of injected duplicates that ended up in one cluster with every record of their person."""
    masters_per_entity = mapping.groupby("entity")["customer_id"].nunique()
    duplicates = mapping[mapping["kind"].isin(kinds)]
    return float((duplicates["entity"].map(masters_per_entity) == 1).mean())


def _pair_set(result: LinkResult) -> set[tuple[str, str]]:
    return set(zip(result.pairs["customer_id_l"].to_pylist(), result.pairs["customer_id_r"].to_pylist(), strict=True))


def _customers(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "name", "phone", "email"])


# -- on realistic data (Splink trains) ------------------------------------------------------------


@pytest.fixture(scope="module")
def customers() -> pa.Table:
    return make_linkage_customers(3000, seed=7)


@pytest.fixture(scope="module")
def linked(customers: pa.Table) -> LinkResult:
    return link_customers(customers)


def test_realistic_table_is_linked_by_the_trained_model(linked: LinkResult) -> None:
    assert linked.method == "splink"
    assert linked.merged > 100


@pytest.mark.parametrize("kind", KINDS_DUPLICATE)
def test_injected_duplicates_are_merged(customers: pa.Table, linked: LinkResult, kind: str) -> None:
    assert _recall(_truth(customers, linked), (kind,)) >= 0.95


def test_recall_over_all_injected_duplicates(customers: pa.Table, linked: LinkResult) -> None:
    assert _recall(_truth(customers, linked), KINDS_DUPLICATE) >= 0.95


@pytest.mark.parametrize("kind", KINDS_TRAP)
def test_traps_are_never_merged(customers: pa.Table, linked: LinkResult, kind: str) -> None:
    mapping = _truth(customers, linked)
    traps = mapping[mapping["kind"] == kind]
    assert len(traps) > 10
    people_per_master = mapping.groupby("customer_id")["entity"].nunique()
    assert (traps["customer_id"].map(people_per_master) == 1).all()
    assert (traps["entity"] == traps["master_entity"]).all()


def test_precision_of_merges(customers: pa.Table, linked: LinkResult) -> None:
    mapping = _truth(customers, linked)
    merged = mapping[mapping["source_id"] != mapping["customer_id"]]
    assert (merged["entity"] == merged["master_entity"]).mean() >= 0.99


def test_mapping_covers_every_id_exactly_once(customers: pa.Table, linked: LinkResult) -> None:
    mapping = linked.mapping.to_pandas()
    assert linked.mapping.schema.names == ["source_id", "customer_id", "match_probability"]
    assert sorted(mapping["source_id"]) == sorted(customers["customer_id"].to_pylist())
    assert mapping["source_id"].is_unique
    assert linked.merged == int((mapping["source_id"] != mapping["customer_id"]).sum())


def test_masters_map_to_themselves_with_probability_one(linked: LinkResult) -> None:
    mapping = linked.mapping.to_pandas().set_index("source_id")
    masters = mapping["customer_id"].unique()
    assert (mapping.loc[masters, "customer_id"] == masters).all()
    assert (mapping.loc[masters, "match_probability"] == 1.0).all()
    others = mapping[mapping.index != mapping["customer_id"]]
    assert others["match_probability"].between(0.9, 1.0).all()


def test_master_is_the_earliest_signup(customers: pa.Table, linked: LinkResult) -> None:
    signup = customers.select(["customer_id", "signup_at"]).to_pandas().set_index("customer_id")["signup_at"]
    mapping = linked.mapping.to_pandas()
    mapping["signup_at"] = signup.loc[mapping["source_id"]].to_numpy()
    earliest = mapping.sort_values(["signup_at", "source_id"]).groupby("customer_id")["source_id"].first()
    assert (earliest.index == earliest.to_numpy()).all()


def test_a_re_entry_with_a_new_phone_but_same_name_and_email_is_merged(customers: pa.Table) -> None:
    frame = customers.to_pandas()
    person = frame[frame["email"].notna() & frame["name"].notna() & frame["phone"].notna()].iloc[0]
    again = person.copy()
    again["customer_id"], again["phone"] = "ZZ-REENTRY", "+8613900001111"
    again["name"] = person["name"].upper() + " "
    result = link_customers(pd.concat([frame, again.to_frame().T], ignore_index=True))
    mapping = dict(zip(result.mapping["source_id"].to_pylist(), result.mapping["customer_id"].to_pylist()))
    assert mapping["ZZ-REENTRY"] == mapping[person["customer_id"]]


def test_pairs_are_an_audit_trail(linked: LinkResult) -> None:
    pairs = linked.pairs.to_pandas()
    assert len(pairs) >= linked.merged
    assert (pairs["customer_id_l"] < pairs["customer_id_r"]).all()
    assert pairs["match_probability"].between(0.9, 1.0).all()
    assert pairs["evidence"].str.contains("phone|email|address").all()
    assert pairs["evidence"].str.contains("name").mean() > 0.9


def test_result_does_not_depend_on_row_order_or_input_type(customers: pa.Table, linked: LinkResult) -> None:
    shuffled = customers.take(np.random.default_rng(1).permutation(customers.num_rows)).to_pandas()
    again = link_customers(shuffled)
    assert again.mapping.equals(linked.mapping)
    assert again.pairs.equals(linked.pairs)


def test_stricter_threshold_merges_no_more(customers: pa.Table, linked: LinkResult) -> None:
    strict = link_customers(customers, threshold=0.999)
    assert strict.merged <= linked.merged
    assert _pair_set(strict) <= _pair_set(linked)


def test_without_names_the_model_uses_default_m_and_still_links(customers: pa.Table) -> None:
    result = link_customers(customers.drop_columns(["name"]))
    assert result.method.startswith("splink (default m-probabilities")
    assert result.merged > 0


def test_splink_chatter_stays_out_of_info_logs(caplog: pytest.LogCaptureFixture) -> None:
    table = make_linkage_customers(MIN_TRAINING_ROWS + 100, seed=3)
    splink_logger = logging.getLogger("splink")
    with caplog.at_level(logging.INFO):
        result = link_customers(table)
    assert result.method == "splink"
    assert not [r for r in caplog.records if r.name.startswith("splink") or r.getMessage().startswith("splink:")]
    assert any(r.name == "customer_value.quality.linkage" for r in caplog.records)
    assert splink_logger.level == logging.NOTSET and splink_logger.propagate and not splink_logger.handlers


def test_placeholder_phone_links_nobody_and_is_reported() -> None:
    table = make_linkage_customers(MIN_TRAINING_ROWS + 100, seed=5).to_pandas()
    dummy = table.index[:60]  # a dummy number typed into sixty records, two of them namesakes
    table.loc[dummy, "phone"] = "+8613800000000"
    table.loc[dummy[:2], ["name", "email"]] = [["王伟", "a@example.com"], ["王伟", "b@example.com"]]
    with pytest.warns(DataQualityWarning, match="60 customers have a value in column phone"):
        result = link_customers(table)
    mapping = result.mapping.to_pandas().set_index("source_id")["customer_id"]
    first, second = table.loc[dummy[:2], "customer_id"]
    assert mapping[first] != mapping[second]
    pairs = result.pairs.to_pandas()
    dummy_ids = set(table.loc[dummy, "customer_id"])
    touching = pairs[pairs["customer_id_l"].isin(dummy_ids) | pairs["customer_id_r"].isin(dummy_ids)]
    assert not touching["evidence"].str.contains("phone").any()


# -- small tables: the deterministic rule ---------------------------------------------------------


def test_tiny_table_uses_the_deterministic_rule() -> None:
    table = _customers(
        ("C1", "王伟", "+8613800000001", None),
        ("C2", "王　伟 ", "+8613800000001", None),  # same phone, ideographic space
        ("C3", "Ｊｏｈｎ　Ｓｍｉｔｈ", None, "john@example.com"),  # full-width
        ("C4", "  JOHN   smith", None, "john@example.com"),  # case and spaces
        ("C5", "王伟", "+8613800000002", "wangwei@example.com"),  # a namesake: other phone and e-mail
        ("C6", "李娜", "+861088886666", None),  # colleagues behind one switchboard
        ("C7", "赵敏", "+861088886666", None),
        ("C8", "张敏", None, "family@example.com"),  # a family sharing one mailbox
        ("C9", "张伟", None, "family@example.com"),
    )
    result = link_customers(table)
    assert result.method.startswith("deterministic (too few records to train")
    master = dict(zip(result.mapping["source_id"].to_pylist(), result.mapping["customer_id"].to_pylist(), strict=True))
    assert master == {"C1": "C1", "C2": "C1", "C3": "C3", "C4": "C3"} | {f"C{i}": f"C{i}" for i in range(5, 10)}
    assert result.merged == 2
    assert result.pairs["evidence"].to_pylist() == ["phone+name", "email+name"]


def test_shared_lines_are_no_evidence_even_for_namesakes() -> None:
    table = _customers(
        ("C1", "杨娜", "+861057571136", "yn1@example.com"),  # two colleagues called 杨娜 and a third
        ("C2", "杨娜", "+861057571136", "yn2@example.com"),  # one, all behind one switchboard
        ("C3", "李梅", "+861057571136", None),
        ("C4", "张伟", None, "family@example.com"),  # a family mailbox: 张伟 entered twice, and 张敏
        ("C5", "张 伟", None, "family@example.com"),
        ("C6", "张敏", None, "family@example.com"),
        ("C7", "Thomas Gray", None, "tg@example.com"),  # one person typed three ways: not a shared line
        ("C8", "THOMAS  GRAY", None, "tg@example.com"),
        ("C9", "Thmoas Gray", None, "tg@example.com"),
    )
    result = link_customers(table)
    master = dict(zip(result.mapping["source_id"].to_pylist(), result.mapping["customer_id"].to_pylist(), strict=True))
    assert [master[f"C{i}"] for i in range(1, 7)] == [f"C{i}" for i in range(1, 7)]
    assert master["C8"] == "C7"  # exact after normalisation; the typo needs the trained model


def test_tiny_table_master_is_earliest_signup_then_smallest_id() -> None:
    table = _customers(("B", "Ann Lee", "+441", None), ("A", "ann lee", "+441", None), ("C", "ANN LEE", "+441", None))
    table["signup_at"] = ["2021-05-01", None, "2020-01-01T00:00:00+08:00"]
    assert set(link_customers(table).mapping["customer_id"].to_pylist()) == {"C"}
    assert set(link_customers(table.drop(columns="signup_at")).mapping["customer_id"].to_pylist()) == {"A"}


def test_empty_table_gives_an_empty_mapping() -> None:
    result = link_customers(pa.table({"customer_id": pa.array([], pa.string())}))
    assert result.mapping.num_rows == 0
    assert result.mapping.schema.names == ["source_id", "customer_id", "match_probability"]
    assert result.merged == 0
    assert result.pairs.num_rows == 0


def test_without_contact_columns_nothing_is_merged_and_a_warning_says_why() -> None:
    table = pd.DataFrame({"customer_id": ["a", "b"], "name": ["王伟", "王伟"]})
    with pytest.warns(DataQualityWarning, match="no phone"):
        result = link_customers(table)
    assert result.method.startswith("none")
    assert result.mapping["customer_id"].to_pylist() == ["a", "b"]


def test_integer_ids_and_mixed_value_types_are_read_as_text() -> None:
    table = pd.DataFrame({"customer_id": [2, 1], "name": ["Ann", 5], "phone": ["+441", "+441"], "email": [None, None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = link_customers(table)
    assert result.mapping["source_id"].to_pylist() == ["1", "2"]
    assert result.merged == 0


# -- bad input ------------------------------------------------------------------------------------


def test_repeated_ids_are_a_user_error_naming_them() -> None:
    table = _customers(("C1", "a", None, None), ("C1", "b", None, None), ("C2", "c", None, None))
    with pytest.raises(LinkageInputError) as info:
        link_customers(table)
    assert isinstance(info.value, UserError) and isinstance(info.value, ValueError)
    assert "C1" in str(info.value)
    assert "C1" in info.value.render("zh") and "不止一次" in info.value.render("zh")


def test_null_ids_are_a_user_error() -> None:
    with pytest.raises(LinkageInputError, match="1 customer records have no customer_id"):
        link_customers(_customers((None, "a", None, None), ("C2", "b", None, None)))


def test_missing_id_column_names_the_column() -> None:
    with pytest.raises(MissingColumnError, match="customer_id"):
        link_customers(pd.DataFrame({"name": ["a"]}))


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5])
def test_threshold_outside_zero_one_is_a_config_error(threshold: float) -> None:
    with pytest.raises(ConfigError):
        link_customers(_customers(("C1", "a", None, None)), threshold=threshold)


# -- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("thomas gray", "thomas grray", True),  # an extra letter
        ("thomas gray", "thmoas gray", True),  # two neighbours swapped
        ("gray thomas", "thomas gray", True),  # word order
        ("王伟", "王伟", True),
        ("王伟", "王玮", False),  # one character of a Chinese name is another name
        ("henry phillips", "harry phillips", False),  # two edits: another person
        ("ann", "anne", False),  # too short to call it a typo
    ],
)
def test_names_agree(a: str, b: str, agree: bool) -> None:
    assert names_agree(a, b) is agree
    assert names_agree(b, a) is agree


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ＪＯＨＮ　 Smith ", "john smith"),
        ("王　伟", "王伟"),
        (" 王 伟 ", "王伟"),
        ("Straße", "strasse"),
        ("欧阳 Na", "欧阳na"),
        ("   ", None),
        (None, None),
    ],
)
def test_normalise_name(raw: str | None, expected: str | None) -> None:
    assert normalise_name(raw) == expected


@given(st.text())
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


_names = st.sampled_from(["王伟", "王 伟", "李娜", "ＬＩ　ＮＡ", "li na", "Ann Lee", None])
_contacts = st.sampled_from(["+8613800000001", "+8613800000002", None])
_rows = st.lists(st.tuples(_names, _contacts, _contacts), max_size=40)


@settings(max_examples=60, deadline=None)
@given(_rows, st.randoms(use_true_random=False))
def test_small_tables_map_every_id_once_to_a_master_of_itself(rows: list, rnd) -> None:
    table = pd.DataFrame(rows, columns=["name", "phone", "email"])
    table.insert(0, "customer_id", [f"C{i:03d}" for i in range(len(rows))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # a table without any contact says so
        result = link_customers(table)
        order = list(range(len(rows)))
        rnd.shuffle(order)
        shuffled = link_customers(table.iloc[order])
    mapping = result.mapping.to_pandas()
    assert sorted(mapping["source_id"]) == sorted(table["customer_id"])
    lookup = dict(zip(mapping["source_id"], mapping["customer_id"], strict=True))
    assert all(lookup[master] == master for master in lookup.values())
    assert shuffled.mapping.equals(result.mapping)
    rows_by_id = table.set_index("customer_id")
    for left, right in _pair_set(result):  # the rule: same name, and a shared phone or e-mail
        a, b = rows_by_id.loc[left], rows_by_id.loc[right]
        assert normalise_name(a["name"]).replace(" ", "") == normalise_name(b["name"]).replace(" ", "")
        assert any(pd.notna(a[c]) and a[c] == b[c] for c in ("phone", "email"))
