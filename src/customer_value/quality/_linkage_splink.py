"""The Splink model behind :func:`customer_value.quality.link_customers`: settings, training, scoring.

The input is the *prepared* table of :mod:`customer_value.quality.linkage` (normalised keys, one row
per customer id, sorted by id). The output is the candidate pairs that pass the evidence rule, with
Splink's match probability; clustering and master ids are the caller's business.

Comparisons (each level's default m / u in brackets; m = share among true duplicate pairs,
u = share among random pairs):

- ``name``: exact after normalisation, with term-frequency adjustment so 王伟 counts for little
  [0.85 / 1e-3]; the same letters in another spacing or word order [0.07 / 1e-4]; Latin-script
  names (5+ letters) one typo apart — one insertion, deletion, substitution or transposition of
  neighbours [0.05 / 1e-4]; else [0.03]. Not two edits: Henry/Harry Phillips sharing a family
  mailbox are two people, and Jaro-Winkler misses early typos (``brbara`` vs ``barbara`` ≈ 0.88).
- ``phone``, ``email``: exact, with term-frequency adjustment so a switchboard or family mailbox
  shared by many records counts for less [0.85 and 0.80 / 1e-5]; else.
- ``place``: same address (term-frequency adjusted) / close address / same region / else. One
  comparison, because a shared address implies a shared region; two would count it twice.

Training: the prior match rate from the deterministic rule "same name and same phone or e-mail"
(assumed recall 0.7); u-probabilities from a seeded random sample of pairs; m-probabilities of
phone, e-mail and place by expectation maximisation on pairs that share a name (see :func:`_train`);
every m kept within [0.01, 0.99] so no single disagreement is an absolute veto.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on

logger = logging.getLogger(__name__)

U_MAX_PAIRS = 2e6
"""Pairs sampled at random to estimate the u-probabilities (seeded, hash-based, so reproducible)."""
EM_MAX_PAIRS = 1e6
"""Cap on the same-name pairs that EM iterates over (a deterministic hash sample above it)."""
M_FLOOR = 0.01
"""No level's m-probability is let below this (nor above 1 - it): EM on clean blocks can drive
"different phone" to m = 0, which would make a changed phone number an absolute veto."""
DETERMINISTIC_RECALL = 0.7
"""Assumed recall of "same name and same phone or e-mail" when estimating the prior match rate."""
DEFAULT_DUPLICATE_SHARE = 0.1
"""Prior used where no deterministic rule can estimate it: about one record in ten has a twin, so
two random records match with probability 0.1 / (n - 1)."""


@dataclass(frozen=True)
class Scored:
    """Accepted pairs and the model that scored them."""

    pairs: pa.Table  # customer_id_l, customer_id_r, match_probability, match_weight, evidence
    trained: bool  # False when EM could not run and the m-probabilities are the defaults
    model: dict[str, Any]  # the Splink settings with the m- and u-probabilities used


# -- Splink's logging ------------------------------------------------------------------------------


class _Forward(logging.Handler):
    """Re-log Splink's records under our logger: errors as they are, everything else at DEBUG."""

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelno if record.levelno >= logging.ERROR else logging.DEBUG
        logger.log(level, "splink: %s", record.getMessage().strip())


@contextlib.contextmanager
def quiet_splink() -> Iterator[None]:
    """Keep Splink's chatter out of the caller's logs unless its logger was configured explicitly.

    Splink logs progress at INFO and routine training notes ("level not observed, unable to train
    m value") at WARNING; both are forwarded to this module's logger at DEBUG, errors unchanged.
    """
    splink_logger = logging.getLogger("splink")
    if splink_logger.level != logging.NOTSET or splink_logger.handlers:
        yield
        return
    handler = _Forward()
    splink_logger.addHandler(handler)
    splink_logger.propagate = False
    splink_logger.setLevel(logging.INFO if logger.isEnabledFor(logging.DEBUG) else logging.WARNING)
    try:
        yield
    finally:
        splink_logger.removeHandler(handler)
        splink_logger.propagate = True
        splink_logger.setLevel(logging.NOTSET)


# -- the model ------------------------------------------------------------------------------------


def _level(sql: str, label: str, m: float, u: float, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u, **extra}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


def _tf(column: str) -> dict[str, Any]:
    return {"tf_adjustment_column": column, "tf_adjustment_weight": 1.0}


def _name_comparison() -> dict[str, Any]:
    typo = (
        "name_latin_l AND name_latin_r AND least(length(name_norm_l), length(name_norm_r)) >= 5 "
        "AND damerau_levenshtein(name_norm_l, name_norm_r) <= 1"
    )
    return {
        "output_column_name": "name",
        "comparison_levels": [
            _null("name_norm_l IS NULL OR name_norm_r IS NULL"),
            _level("name_norm_l = name_norm_r", "same name", 0.85, 1e-3, **_tf("name_norm")),
            _level(
                "name_key_l = name_key_r OR name_tokens_l = name_tokens_r",
                "same name in another spacing or word order", 0.07, 1e-4,
            ),  # fmt: skip
            _level(typo, "Latin-script name within a typo", 0.05, 1e-4),
            _level("ELSE", "different name", 0.03, 0.9988),
        ],
    }


def _contact_comparison(column: str, m: float) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", f"same {column}", m, 1e-5, **_tf(column)),
            _level("ELSE", f"different {column}", 1 - m, 1 - 1e-5),
        ],
    }


def _place_comparison(columns: set[str]) -> dict[str, Any]:
    address, region = "address_key" in columns, "region_key" in columns
    nulls = []
    if address:
        nulls.append("(address_key_l IS NULL OR address_key_r IS NULL)")
    if region:
        nulls.append("(region_key_l IS NULL OR region_key_r IS NULL)")
    levels = [_null(" AND ".join(nulls))]
    if address:
        levels.append(_level("address_key_l = address_key_r", "same address", 0.6, 1e-4, **_tf("address_key")))
        levels.append(
            _level("jaro_winkler_similarity(address_key_l, address_key_r) >= 0.92", "close address", 0.1, 5e-4)
        )
    if region:
        levels.append(_level("region_key_l = region_key_r", "same region", 0.25 if address else 0.9, 0.03))
    levels.append(_level("ELSE", "different place", 0.05 if address else 0.1, 0.97))
    return {"output_column_name": "place", "comparison_levels": levels}


def build_settings(columns: set[str], prior: float) -> dict[str, Any]:
    """Splink settings for the evidence columns present, with default m- and u-probabilities."""
    comparisons: list[dict[str, Any]] = []
    blocking: list[str] = []
    if "name_norm" in columns:
        comparisons.append(_name_comparison())
    for column, m in (("phone", 0.85), ("email", 0.80)):
        if column in columns:
            comparisons.append(_contact_comparison(column, m))
            blocking.append(f"l.{column} = r.{column}")
    if columns & {"address_key", "region_key"}:
        comparisons.append(_place_comparison(columns))
    if "name_address" in columns:  # the one merge path without a shared phone or e-mail
        blocking.append("l.name_address = r.name_address")
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "customer_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking,
        "probability_two_random_records_match": prior,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 20,
        "em_convergence": 1e-4,
    }


def _gate_sql(table: str, columns: set[str], threshold: float) -> str:
    """The candidate pairs that pass the evidence rule (see the ``linkage`` module docstring)."""
    has_name = "name_norm" in columns
    contact = [f"{c}_l = {c}_r" for c in ("phone", "email") if c in columns]
    if "address_key" in columns and has_name:
        contact.append("(address_key_l = address_key_r AND gamma_name > 0)")
    evidence = [f"CASE WHEN {c}_l = {c}_r THEN '{c}' END" for c in ("phone", "email") if c in columns]
    if "address_key" in columns:
        evidence.append("CASE WHEN address_key_l = address_key_r THEN 'address' END")
    if has_name:
        evidence.append(
            "CASE gamma_name WHEN 3 THEN 'name' WHEN 2 THEN 'name (spacing/order)' WHEN 1 THEN 'name (typo)' END"
        )
    return f"""
        SELECT customer_id_l, customer_id_r, match_probability, match_weight,
               concat_ws('+', {", ".join(evidence)}) AS evidence
        FROM {table}
        WHERE match_probability >= {threshold!r}
          AND ({" OR ".join(contact) or "FALSE"})
          AND {"gamma_name <> 0" if has_name else "TRUE"}
        ORDER BY customer_id_l, customer_id_r
    """


# -- training -------------------------------------------------------------------------------------


def _estimate_prior(linker: Linker, columns: set[str], n: int) -> None:
    contacts = [c for c in ("phone", "email") if c in columns]
    name = "l.name_key = r.name_key AND " if "name_key" in columns else ""
    try:
        linker.training.estimate_probability_two_random_records_match(
            [f"{name}l.{c} = r.{c}" for c in contacts], recall=DETERMINISTIC_RECALL
        )
    except ValueError as exc:  # more rule matches than the assumed recall allows
        logger.info("prior match rate not estimated (%s); 1/n kept", exc)
    settings = linker._settings_obj  # noqa: SLF001 - Splink has no public setter for the prior
    floor = 1.0 / (n * (n - 1) / 2)
    if not settings._probability_two_random_records_match >= floor:  # noqa: SLF001
        settings._probability_two_random_records_match = floor  # noqa: SLF001


def _train(linker: Linker, columns: set[str], n: int, seed: int) -> bool:
    """Prior from deterministic rules, u by seeded random sampling, m by EM where it can run.

    EM runs on pairs that share a normalised name. Their non-matches are namesakes, whom the
    random-pair u-probabilities describe well, so the m-probabilities of phone, e-mail and place
    are identified. Blocks on a shared phone would not do: colleagues behind one switchboard also
    share an address, and EM takes that for a match. The name's own m-probabilities stay at their
    defaults (normalisation makes re-entered names agree exactly). Returns whether EM ran.
    """
    if columns & {"phone", "email"}:
        _estimate_prior(linker, columns, n)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, n * (n - 1) / 2), seed=seed)
    if "name_key" not in columns or len(linker._settings_obj.comparisons) < 2:  # noqa: SLF001
        return False
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("name_key"), estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )
    except Exception as exc:  # noqa: BLE001 - Splink raises assorted errors on degenerate blocks
        logger.info("EM on pairs sharing a name could not run (%s); default m-probabilities kept", exc)
        return False
    return True


def _sane_model(model: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Fill levels training never saw with their defaults, clamp m into [M_FLOOR, 1 - M_FLOOR].

    Each comparison's m and u are renormalised to sum to 1.
    """
    model = copy.deepcopy(model)
    default_levels = {c["output_column_name"]: c["comparison_levels"] for c in defaults["comparisons"]}
    for comparison in model["comparisons"]:
        pairs = [
            (level, default)
            for level, default in zip(
                comparison["comparison_levels"], default_levels[comparison["output_column_name"]], strict=True
            )
            if not level.get("is_null_level")
        ]
        for name in ("m_probability", "u_probability"):
            values = [default[name] if level.get(name) is None else level[name] for level, default in pairs]
            if name == "m_probability":
                values = [min(max(v, M_FLOOR), 1 - M_FLOOR) for v in values]
            total = sum(values)
            for (level, _), value in zip(pairs, values, strict=True):
                level[name] = value / total
    return model


def score_pairs(records: pa.Table, *, threshold: float, seed: int) -> Scored:
    """Train the model on ``records`` and return the pairs that pass the evidence rule.

    Parameters
    ----------
    records
        Prepared customers: ``customer_id`` plus any of ``name_norm, name_key, name_tokens,
        name_latin, phone, email, address_key, region_key, name_address`` (blocking key).
    threshold
        Minimum match probability of an accepted pair.
    seed
        Seed of the u-probability sample.
    """
    columns = set(records.column_names) - {"customer_id"}
    n = records.num_rows
    defaults = build_settings(columns, prior=min(0.5, DEFAULT_DUPLICATE_SHARE / max(n - 1, 1)))
    if not defaults["blocking_rules_to_generate_predictions"]:  # nothing to block on: no candidates
        return Scored(pairs=pa.table({}), trained=False, model=defaults)
    con = duckdb.connect()
    try:
        with quiet_splink():
            table = DuckDBAPI(con).register(records, table_name="customers_for_linkage")
            linker = Linker(table, copy.deepcopy(defaults), log_level=None)
            trained = _train(linker, columns, n, seed)
            model = _sane_model(linker.misc.save_model_to_json(), defaults)
            linker = Linker(table, copy.deepcopy(model), log_level=None)
            predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            pairs = con.sql(_gate_sql(predictions.physical_name, columns, threshold)).to_arrow_table()
    finally:
        con.close()
    logger.info(
        "linkage model: prior match rate %.3g; %d pairs accepted at p >= %s",
        model["probability_two_random_records_match"],
        pairs.num_rows,
        threshold,
    )
    return Scored(pairs=pairs, trained=trained, model=model)
