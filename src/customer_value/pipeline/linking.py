"""Keep the customer map (source id → master id) in step with the stored customers."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from customer_value.config import QualityConfig
from customer_value.errors import CVAWarning
from customer_value.quality import link_customers
from customer_value.workspace import Workspace
from customer_value.workspace.store import parquet_scan, table_files, write_customer_map

logger = logging.getLogger(__name__)

EVIDENCE = ("name", "phone", "phone_raw", "email", "region", "address", "signup_at")
#: Digits an invalid phone needs to count as evidence (a typed-in or unallocated number such as
#: 16312345678 that phonenumbers rejects is still the same number on two records).
MIN_PHONE_DIGITS = 7


def latest_profiles(workspace: Workspace) -> pa.Table:
    """One row per source customer id: its values from the newest batch that has it.

    ``phone`` is the valid E.164 number, else the digits of the phone as written
    (``phone_raw``) when it failed validation but has at least :data:`MIN_PHONE_DIGITS`: two
    records with the same invalid number are still evidence of one person.
    """
    files = table_files(workspace, "customers")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW c AS SELECT * FROM {parquet_scan(files, filename=True)}")
    present = {row[0] for row in con.execute("DESCRIBE c").fetchall()}
    order = {f"{f}": i for i, f in enumerate(files)}
    con.execute("CREATE TEMP TABLE file_order (filename VARCHAR, position INTEGER)")
    con.executemany("INSERT INTO file_order VALUES (?, ?)", list(order.items()))
    picks = ", ".join(
        f'arg_max("{c}", position * 1e9 + _row) FILTER (WHERE "{c}" IS NOT NULL) AS "{c}"'
        for c in EVIDENCE
        if c in present
    )
    picks = ", " + picks if picks else ""
    query = f"SELECT customer_id{picks} FROM c JOIN file_order USING (filename) GROUP BY customer_id"
    profiles = con.execute(query + " ORDER BY customer_id").to_arrow_table()
    if "phone_raw" not in profiles.column_names:
        return profiles
    con.register("p", profiles)
    digits = "regexp_replace(phone_raw, '[^0-9]', '', 'g')"  # phone_raw comes with phone (pipeline.clean)
    return con.execute(
        f"SELECT * EXCLUDE (phone_raw) REPLACE (coalesce(phone, CASE WHEN length({digits}) >= {MIN_PHONE_DIGITS} "
        f"THEN {digits} END) AS phone) FROM p ORDER BY customer_id"
    ).to_arrow_table()


@dataclass(frozen=True)
class Relinked:
    """What recomputing the customer map did: ids merged into another, notes (message key, fields)."""

    merged: int
    notes: list[tuple[str, dict]] = field(default_factory=list)


def relink_customers(workspace: Workspace, config: QualityConfig) -> Relinked:
    """Recompute the customer map and store it with the linkage's notes.

    The data-quality warnings of the linkage (a phone shared by too many records, nothing to
    link on) become notes, shown by ``cva ingest`` and ``cva quality`` in the user's language;
    other warnings are logged, never printed.
    """
    profiles = latest_profiles(workspace)
    notes: list[tuple[str, dict]] = []
    if config.link_customers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = link_customers(profiles, threshold=config.link_threshold)
        mapping, merged = result.mapping, result.merged
        for warning in caught:
            if isinstance(warning.message, CVAWarning) and warning.message.key:
                notes.append((warning.message.key, warning.message.fields or {}))
            else:
                logger.debug("record linkage: %s", warning.message)
    else:
        ids = profiles.column("customer_id")
        mapping = pa.table({"source_id": ids, "customer_id": ids, "match_probability": pa.array([1.0] * len(ids))})
        merged = 0
    write_customer_map(workspace, mapping, notes)
    return Relinked(merged=merged, notes=notes)
