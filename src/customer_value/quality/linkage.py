"""Record linkage: the same customer entered twice under different ids becomes one master customer.

:func:`link_customers` scores candidate pairs of customer records with a Fellegi-Sunter model
(Splink on DuckDB), keeps the pairs that pass the evidence rule below, joins them into clusters and
maps every customer id to the master id of its cluster.

The evidence rule
-----------------
A name is not an identity: thousands of people are called 王伟, 李娜 or 张伟. A phone number or an
e-mail address is not one either: a company switchboard rings for many colleagues, a family shares
one mailbox. So two records are merged only when

1. the model's match probability is at least ``threshold``, **and**
2. they share a contact point — the same phone, the same e-mail, or (with agreeing names) the same
   address, **and**
3. their names do not clearly disagree: both names normalise to the same text, the same letters in
   another spacing or word order, or (Latin script) one typo apart; or one name is missing.

Hence a shared name never merges two records without a shared contact point, and a shared phone or
e-mail never merges two clearly different names. Within those bounds the model weighs the evidence:
term-frequency adjustments make a common name (王伟) and a phone number shared by many records (a
switchboard) count for little; disagreeing e-mails, phones, addresses or places count against.

Why a rule on top of the model: Fellegi-Sunter treats each agreement as independent evidence, but
colleagues behind one switchboard share the phone *and* the office address, so the model alone can
add those up to a high probability for two different names (on the 100k-row benchmark, one in six
switchboard pairs scored ≥ 0.9 by the model alone, up to 0.96).
Rules 2 and 3 stop that without touching the model's ranking of genuine candidates.

Contact points that identify nobody are set aside before scoring:

- a *shared line* — a phone, e-mail or address on records whose names clearly disagree (a
  switchboard, an office, a family mailbox) — is not evidence for anyone on it, not even for two
  namesake colleagues there (names that agree, e.g. typo variants, count as one person);
- a *placeholder* — a phone or e-mail held by more than :data:`MAX_SHARED_VALUE` records
  (13800000000, none@none.com) — likewise, and a
  :class:`~customer_value.errors.DataQualityWarning` says how many records held one.

Names are compared after normalisation: Unicode NFKC (full-width ``Ｊｏｈｎ`` → ``John``, ideographic
space → space), case folding, whitespace stripped and collapsed, and no space next to a CJK
character (``王 伟`` → ``王伟``). A one-character difference in a Chinese name is a different name
(王伟/王玮), not a typo.

The deterministic rule *same normalised name (non-empty) AND (same phone OR same e-mail)*, on
contacts that identify one person (no shared line, no placeholder), always merges: a customer who
re-registered with a new phone but the same e-mail and name is one customer even though the
model counts the disagreeing phone against it. Tables too small to train the model (fewer than
:data:`MIN_TRAINING_ROWS` rows) use only that rule, and ``LinkResult.method`` says so.

Master id
---------
Each cluster's master is the record signed up earliest (``signup_at``; records without one come
last), ties and tables without ``signup_at`` broken by the smallest ``customer_id`` in string order.
The result does not depend on the order of the input rows.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from customer_value.errors import ConfigError, DataQualityWarning, LinkageInputError, MissingColumnError
from customer_value.quality._linkage_splink import score_pairs

logger = logging.getLogger(__name__)

MIN_TRAINING_ROWS = 500
"""Below this many records the model is not trained; the deterministic rule links instead."""

EVIDENCE_COLUMNS = ("name", "phone", "email", "address", "region")

MAX_SHARED_VALUE = 25
"""A phone or e-mail held by more than this many records is a placeholder (13800000000,
none@none.com), not a contact point: it is not used to link, and the caller is warned. The same cap
bounds the same-name-and-address blocks, so the cost stays near-linear."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")
_HAS_CJK = re.compile(rf"[{_CJK}]")

MAPPING_SCHEMA = pa.schema(
    [("source_id", pa.string()), ("customer_id", pa.string()), ("match_probability", pa.float64())]
)
PAIRS_SCHEMA = pa.schema(
    [
        ("customer_id_l", pa.string()),
        ("customer_id_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("evidence", pa.string()),
    ]
)


@dataclass(frozen=True)
class LinkResult:
    """The outcome of :func:`link_customers`.

    Attributes
    ----------
    mapping
        One row per input customer id: ``source_id`` (the input id), ``customer_id`` (its master
        id; equal to ``source_id`` for masters and singletons) and ``match_probability`` (the
        highest probability among the accepted pairs that put the record into its cluster; 1.0 for
        a master or singleton).
    merged
        Number of source ids mapped to another id.
    method
        How the pairs were decided: ``"splink"``, ``"splink (default m-probabilities: …)"``,
        ``"deterministic (too few records to train: …)"`` or ``"none (…)"``.
    pairs
        The accepted pairs, for audit: ``customer_id_l < customer_id_r``, ``match_probability``,
        ``match_weight`` (log2 Bayes factor; null for the deterministic rule) and ``evidence``
        (what agreed, e.g. ``phone+name``).
    """

    mapping: pa.Table
    merged: int
    method: str
    pairs: pa.Table


# -- normalisation --------------------------------------------------------------------------------


def normalise_name(value: object) -> str | None:
    """NFKC, case-folded, whitespace collapsed, no space next to CJK characters; ``None`` if empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = _SPACE_NEXT_TO_CJK.sub("", _WHITESPACE.sub(" ", text).strip())
    return text or None


def _normalise_text(value: object) -> str | None:
    """Free text (address, region) as a comparison key: NFKC, case-folded, without whitespace."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(value)).casefold()) or None


def _clean_contact(column: pa.ChunkedArray) -> pa.ChunkedArray:
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _without_placeholders(values: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, int]:
    """``values`` with every value held by more than :data:`MAX_SHARED_VALUE` records set to null.

    Returns the cleaned array and the number of records whose value was dropped.
    """
    values = pa.chunked_array([values]) if isinstance(values, pa.Array) else values
    counts = pc.value_counts(values)
    crowded = counts.filter(
        pc.and_(pc.greater(counts.field("counts"), MAX_SHARED_VALUE), pc.is_valid(counts.field("values")))
    )
    if len(crowded) == 0:
        return values.combine_chunks(), 0
    drop = pc.fill_null(pc.is_in(values, value_set=crowded.field("values"), skip_nulls=True), False)
    cleaned = pc.if_else(drop, pa.scalar(None, values.type), values).combine_chunks()
    return cleaned, int(pc.sum(drop).as_py() or 0)


def _one_edit_apart(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours turns ``a`` into ``b``."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])


def names_agree(a: str, b: str) -> bool:
    """Two normalised names that the linkage does not count as clearly different.

    The same text without spaces, the same words in another order, or Latin-script names of five or
    more letters one typo apart — the agreeing levels of the model's name comparison.
    """
    if a.replace(" ", "") == b.replace(" ", "") or sorted(a.split()) == sorted(b.split()):
        return True
    latin = not _HAS_CJK.search(a) and not _HAS_CJK.search(b)
    return latin and min(len(a), len(b)) >= 5 and _one_edit_apart(a, b)


def _people_among(names: list[str]) -> int:
    """How many groups of mutually agreeing names (joined through any agreeing pair) ``names`` hold."""
    group = list(range(len(names)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if root(i) != root(j) and names_agree(names[i], names[j]):
                group[root(j)] = root(i)
    return len({root(i) for i in range(len(names))})


def _without_shared_lines(values: pa.Array, names: pa.Array | None) -> tuple[pa.Array, int]:
    """``values`` with every shared line set to null: a value whose names clearly disagree.

    A phone, e-mail or address used by 王伟 and by 李娜 (a switchboard, an office, a family mailbox)
    identifies neither, so it is not evidence for anyone on it — not even for two 王伟 there.
    Returns the cleaned array and the number of records whose value was dropped.
    """
    if names is None:
        return values, 0
    frame = pd.DataFrame({"value": values.to_pandas(), "name": names.to_pandas()}).dropna().drop_duplicates()
    candidates = frame[frame.duplicated("value", keep=False)]
    shared = [
        value
        for value, group in candidates.groupby("value", sort=False)["name"]
        if _people_among(group.tolist()) > 1
    ]
    if not shared:
        return values, 0
    drop = pc.fill_null(pc.is_in(values, value_set=pa.array(shared, values.type), skip_nulls=True), False)
    return pc.if_else(drop, pa.scalar(None, values.type), values), int(pc.sum(drop).as_py() or 0)


def _prepare(table: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """The comparison columns of every record, sorted by ``customer_id``.

    Also returns, per contact column, how many records held a placeholder value (one shared by
    more than :data:`MAX_SHARED_VALUE` records), which is not used to link.
    """
    present = set(table.column_names)
    columns: dict[str, Any] = {"customer_id": table["customer_id"]}
    placeholders: dict[str, int] = {}
    if "name" in present and table["name"].null_count < table.num_rows:
        names = [normalise_name(v) for v in table["name"].to_pylist()]
        if any(names):
            columns["name_norm"] = pa.array(names, pa.string())
            columns["name_key"] = pa.array([n.replace(" ", "") if n else None for n in names], pa.string())
            columns["name_tokens"] = pa.array([" ".join(sorted(n.split())) if n else None for n in names])
            columns["name_latin"] = pa.array([bool(n) and not _HAS_CJK.search(n) for n in names])
    names_on_record = columns.get("name_norm")
    for column in ("phone", "email"):
        if column in present:
            cleaned = _clean_contact(table[column])
            if column == "email":
                cleaned = pc.utf8_lower(cleaned)
            cleaned, dropped = _without_placeholders(cleaned)
            if dropped:
                placeholders[column] = dropped
            cleaned, shared = _without_shared_lines(cleaned, names_on_record)
            if shared:
                logger.info("%d records share a %s with clearly different names; not used to link", shared, column)
            if cleaned.null_count < table.num_rows:
                columns[column] = cleaned
    for column, key in (("address", "address_key"), ("region", "region_key")):
        if column in present:
            keys = pa.array([_normalise_text(v) for v in table[column].to_pylist()], pa.string())
            if key == "address_key":
                keys, shared = _without_shared_lines(keys, names_on_record)
                if shared:
                    logger.info("%d records share an address with clearly different names; not used to link", shared)
            if keys.null_count < table.num_rows:
                columns[key] = keys
    if "name_key" in columns and "address_key" in columns:  # blocking key of the name + address path
        joined = pc.binary_join_element_wise(columns["name_key"], columns["address_key"], "\x1f")
        columns["name_address"] = _without_placeholders(joined)[0]
    prepared = pa.table(columns)
    return prepared.take(pc.sort_indices(prepared, [("customer_id", "ascending")])), placeholders


# -- validation ---------------------------------------------------------------------------------


def _to_arrow(customers: pa.Table | pd.DataFrame) -> pa.Table:
    if isinstance(customers, pa.Table):
        return customers
    if not isinstance(customers, pd.DataFrame):
        raise ConfigError(where="link_customers(customers)", detail=f"expected a table, not {type(customers).__name__}")
    try:
        return pa.Table.from_pandas(customers, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a text column: read it as text
        mixed = {c: customers[c].astype("string") for c in customers.columns if customers[c].dtype == object}
        return pa.Table.from_pandas(customers.assign(**mixed), preserve_index=False)


def _validated_ids(table: pa.Table) -> pa.Table:
    if "customer_id" not in table.column_names:
        raise MissingColumnError(
            column="customer_id", table="customers", source="link_customers", seen=", ".join(table.column_names)
        )
    ids = table["customer_id"].cast(pa.string())
    if ids.null_count:
        raise LinkageInputError("linkage.null_ids", count=ids.null_count)
    counts = pc.value_counts(ids)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values").to_pylist()
    if repeated:
        shown = ", ".join(sorted(repeated)[:5])
        raise LinkageInputError("linkage.duplicate_ids", count=len(repeated), examples=shown)
    return table.set_column(table.column_names.index("customer_id"), "customer_id", ids)


# -- pairs ----------------------------------------------------------------------------------------


def _deterministic_pairs(prepared: pa.Table) -> pa.Table:
    """Same normalised name (ignoring spacing) AND (same phone OR same e-mail)."""
    frame = prepared.to_pandas()
    contacts = [c for c in ("phone", "email") if c in frame]
    if "name_key" not in frame or not contacts:
        return PAIRS_SCHEMA.empty_table()
    found = []
    for contact in contacts:
        keyed = frame.loc[frame["name_key"].notna() & frame[contact].notna(), ["customer_id", "name_key", contact]]
        joined = keyed.merge(keyed, on=["name_key", contact], suffixes=("_l", "_r"))
        joined = joined[joined["customer_id_l"] < joined["customer_id_r"]]
        found.append(joined[["customer_id_l", "customer_id_r"]].assign(contact=contact))
    pairs = (
        pd.concat(found)
        .groupby(["customer_id_l", "customer_id_r"], as_index=False)["contact"]
        .agg(lambda shared: "+".join(c for c in contacts if c in set(shared)) + "+name")
        .rename(columns={"contact": "evidence"})
        .sort_values(["customer_id_l", "customer_id_r"])
        .assign(match_probability=1.0, match_weight=None)
    )
    return pa.Table.from_pandas(pairs[PAIRS_SCHEMA.names], schema=PAIRS_SCHEMA, preserve_index=False)


def _union_pairs(model: pa.Table, rule: pa.Table) -> pa.Table:
    """The model's pairs plus the rule's pairs it missed (a pair listed once, the model's first)."""
    seen = set(zip(model["customer_id_l"].to_pylist(), model["customer_id_r"].to_pylist()))
    keys = zip(rule["customer_id_l"].to_pylist(), rule["customer_id_r"].to_pylist())
    extra = rule.filter(pa.array([key not in seen for key in keys], pa.bool_()))
    return pa.concat_tables([model, extra]) if extra.num_rows else model


# -- clusters -------------------------------------------------------------------------------------


def _mapping(table: pa.Table, pairs: pa.Table) -> pa.Table:
    """Connected components of the accepted pairs → master id and probability per source id."""
    ids = np.array(table["customer_id"].to_pylist(), dtype=object)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    n = len(ids)
    position = {customer_id: i for i, customer_id in enumerate(ids)}
    left = np.array([position[v] for v in pairs["customer_id_l"].to_pylist()], dtype=np.int64)
    right = np.array([position[v] for v in pairs["customer_id_r"].to_pylist()], dtype=np.int64)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, component = connected_components(graph, directed=False)

    # Master: earliest signup_at (missing last), then smallest id; ids are already sorted.
    rank = np.zeros(n, dtype=np.int64)
    if "signup_at" in table.column_names:
        values = table["signup_at"].to_pandas().iloc[order]
        textual = not pa.types.is_temporal(table["signup_at"].type)
        signup = pd.DatetimeIndex(
            pd.to_datetime(values, errors="coerce", utc=True, format="mixed" if textual else None)
        )
        rank = np.where(signup.isna(), np.iinfo(np.int64).max, signup.asi8)
    by_master = np.lexsort((np.arange(n), rank, component))  # component, then signup, then id
    first = np.ones(n, dtype=bool)
    first[1:] = component[by_master][1:] != component[by_master][:-1]
    master_of_component = np.empty(component.max() + 1 if n else 0, dtype=np.int64)
    master_of_component[component[by_master][first]] = by_master[first]
    master = master_of_component[component]

    probability = np.zeros(n)
    if len(left):
        p = pairs["match_probability"].to_numpy(zero_copy_only=False)
        np.maximum.at(probability, left, p)
        np.maximum.at(probability, right, p)
    probability = np.where(master == np.arange(n), 1.0, probability)
    return pa.table(
        {"source_id": ids.tolist(), "customer_id": ids[master].tolist(), "match_probability": probability},
        schema=MAPPING_SCHEMA,
    )


# -- entry point ----------------------------------------------------------------------------------


def link_customers(
    customers: pa.Table | pd.DataFrame, *, threshold: float = 0.9, seed: int = 0
) -> LinkResult:
    """Find customers entered more than once and map every id to one master id.

    Parameters
    ----------
    customers
        One row per ``customer_id`` (string, unique, not null). Optional evidence columns:
        ``name``, ``phone`` (E.164), ``email`` (lower-case), ``address``, ``region``; optional
        ``signup_at`` chooses the master. Other columns are ignored.
    threshold
        Match probability at or above which a pair that passes the evidence rule is merged
        (``QualityConfig.link_threshold``; 0 < threshold ≤ 1).
    seed
        Seed of the random sample that estimates the u-probabilities.

    Returns
    -------
    LinkResult
        The mapping (one row per input id, ordered by ``source_id``), the count of merged ids,
        the method used and the accepted pairs.

    Raises
    ------
    MissingColumnError
        There is no ``customer_id`` column.
    LinkageInputError
        A ``customer_id`` is null or appears more than once.
    ConfigError
        ``threshold`` is outside (0, 1].
    """
    if not 0 < threshold <= 1:
        raise ConfigError(where="link_customers(threshold)", detail=f"{threshold!r} is not in (0, 1]")
    table = _validated_ids(_to_arrow(customers))
    if table.num_rows == 0:
        return LinkResult(MAPPING_SCHEMA.empty_table(), 0, "none (no records)", PAIRS_SCHEMA.empty_table())

    prepared, placeholders = _prepare(table)
    for column, records in placeholders.items():
        warnings.warn(
            DataQualityWarning.of("linkage.placeholders", column=column, records=records, limit=MAX_SHARED_VALUE),
            stacklevel=2,
        )
    given = {c for c in EVIDENCE_COLUMNS if c in table.column_names and table[c].null_count < table.num_rows}
    trainable = table.num_rows >= MIN_TRAINING_ROWS
    if not given & {"phone", "email"} and not (trainable and {"name", "address"} <= given):
        warnings.warn(DataQualityWarning.of("linkage.no_contact", rows=table.num_rows), stacklevel=2)
        method = "none (no phone, e-mail, or name with address to link on)"
        pairs = PAIRS_SCHEMA.empty_table()
    elif not trainable:
        method = f"deterministic (too few records to train: {table.num_rows} < {MIN_TRAINING_ROWS})"
        pairs = _deterministic_pairs(prepared)
    else:
        scored = score_pairs(prepared, threshold=threshold, seed=seed)
        model_pairs = scored.pairs.cast(PAIRS_SCHEMA) if scored.pairs.num_columns else PAIRS_SCHEMA.empty_table()
        pairs = _union_pairs(model_pairs, _deterministic_pairs(prepared))
        method = "splink" if scored.trained else "splink (default m-probabilities: EM could not run)"

    mapping = _mapping(table, pairs)
    merged = int(pc.sum(pc.not_equal(mapping["source_id"], mapping["customer_id"])).as_py() or 0)
    logger.info("record linkage (%s): %d of %d customer ids merged into another", method, merged, table.num_rows)
    return LinkResult(mapping=mapping, merged=merged, method=method, pairs=pairs)
