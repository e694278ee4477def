"""Turn one mapped source table into clean rows, quarantined rows and counts.

Nothing is silently dropped or changed:

- a row whose required field is missing or can't be read is *rejected*: it goes to quarantine
  with the field and the reason, and is not kept;
- a row whose optional field can't be read, or whose value had to be changed (a refund written
  as a positive amount made negative), is kept with that field cleared or changed and a copy goes
  to quarantine as *flagged*, with the field and the reason;
- exact duplicates (rows equal in every clean column, within the source or with rows already
  stored) are counted and not kept.

So ``rows_in = rows_kept + rows_rejected + exact_duplicates`` for every source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.config import QualityConfig
from customer_value.ingest import REQUIRED
from customer_value.pipeline.fields import AMOUNT_COLUMNS, field_kind
from customer_value.pipeline.lines import fill_continuation_rows, zero_repeated_order_totals
from customer_value.pipeline.money import averaged_amount_notes, currency_from_symbols, main_currency
from customer_value.quality import (
    classify_status,
    clean_ids,
    normalise_emails,
    normalise_phones,
    null_missing,
    parse_amounts,
    parse_datetimes,
    parse_quantities,
    refund_amounts_negative,
)
from customer_value.quality.ids import without_excel_guard
from customer_value.workspace.store import INTERNAL_COLUMNS

QUARANTINE_SCHEMA = pa.schema(
    [
        ("table", pa.string()),
        ("reason", pa.string()),
        ("field", pa.string()),
        ("action", pa.string()),
        ("row", pa.int64()),
        ("source", pa.string()),
        ("batch", pa.string()),
        ("raw", pa.string()),
    ]
)


@dataclass
class CleanResult:
    """The outcome of cleaning one source (``notes``: what a user should know about a column, as message parts)."""

    kept: pa.Table
    quarantine: pa.Table
    rows_in: int
    rejected: Counter = field(default_factory=Counter)
    flagged: Counter = field(default_factory=Counter)
    exact_duplicates: int = 0
    duplicates_by_status: dict[str, dict[str, float]] = field(default_factory=dict)
    rules: dict[str, list] = field(default_factory=dict)
    notes: list = field(default_factory=list)


def _missing_errors(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.is_null(values), pa.scalar("missing"), pa.scalar(None, pa.string()))


def _own_rule(key: str) -> list:
    """A rule of this module as message parts (``pipeline.rule.<key>``)."""
    return [(f"pipeline.rule.{key}", {})]


def _parse_column(name: str, values: pa.Array, config: QualityConfig) -> tuple[pa.Array, pa.Array, list, dict]:
    """Parsed values, per-row error codes, the rule used (message parts), and extra columns."""
    kind = field_kind(name)
    if kind == "datetime":
        parsed = parse_datetimes(values, order=config.date_order)
    elif kind == "amount":
        parsed = parse_amounts(values)
    elif kind == "number":
        parsed = parse_quantities(values)
    elif kind == "phone":
        parsed = normalise_phones(values, region=config.phone_region)
        valid = pc.fill_null(pc.is_null(parsed.errors), False)
        return parsed.values, parsed.errors, list(parsed.rule_parts), {"phone_raw": values, "phone_valid": valid}
    elif kind == "email":
        parsed = normalise_emails(values)
        return parsed.values, parsed.errors, list(parsed.rule_parts), {"email_valid": pc.is_null(parsed.errors)}
    elif kind == "id":
        parsed = clean_ids(values, placeholders=config.placeholder_ids)
    else:
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            values = null_missing(without_excel_guard(pc.utf8_trim_whitespace(values)))
        return values, _missing_errors(values), [], {}
    return parsed.values, parsed.errors, list(parsed.rule_parts), {}


def _first_error(errors: dict[str, np.ndarray], columns: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first of ``columns`` with an error, and that error (None where fine)."""
    failed_field = np.full(n, None, dtype=object)
    failed_reason = np.full(n, None, dtype=object)
    for column in columns:
        reason = errors[column]
        hit = (failed_field == None) & (reason != None)  # noqa: E711 - object arrays
        failed_field[hit] = column
        failed_reason[hit] = reason[hit]
    return failed_field, failed_reason


def _raw_rows(raw: pa.Table, indices: np.ndarray) -> pa.Array:
    """The rows at ``indices`` as JSON objects keyed by the original headers."""
    if len(indices) == 0:
        return pa.array([], pa.string())
    picked = raw.take(pa.array(indices, pa.int64()))
    con = duckdb.connect()
    con.register("picked", picked)
    return con.execute("SELECT to_json(p)::VARCHAR FROM picked p").to_arrow_table().column(0).combine_chunks()


def _order_level_refunds(
    columns: dict[str, pa.Array], rejected: np.ndarray, has_sale: Callable[[list[str]], set[str]] | None
) -> np.ndarray:
    """Refund rows written with a positive amount whose order has no sale row anywhere.

    Such a row is the order itself, marked refunded by the shop (Shopify ``refunded``, 退款成功 on
    the order): the sale happened and was reversed. A positive refund row whose order does have a
    sale row (here or stored) is a reversal written without its sign, and is negated instead.
    """
    status = np.asarray(columns["status"].to_pylist(), dtype=object)
    amount = columns["amount"].to_numpy(zero_copy_only=False)
    candidate = (status == "refund") & (np.nan_to_num(amount, nan=0.0) > 0) & ~rejected
    if "order_id" not in columns or not candidate.any():
        return np.zeros(len(status), dtype=bool)
    order_ids = np.asarray(columns["order_id"].to_pylist(), dtype=object)
    sold_here = set(order_ids[(status == "completed") & ~rejected])
    asked = sorted({o for o in order_ids[candidate] if o is not None} - sold_here)
    sold = sold_here | (has_sale(asked) if has_sale and asked else set())
    return candidate & np.array([o not in sold for o in order_ids], dtype=bool)


def _keep_as_refunded_sale(columns: dict[str, pa.Array], rows: np.ndarray) -> None:
    """Make ``rows`` completed sales whose whole amount was refunded (``refunded_amount``)."""
    mask = pa.array(rows)
    columns["status"] = pc.if_else(mask, pa.scalar("completed"), columns["status"])
    refunded = columns.get("refunded_amount")
    whole = pc.if_else(mask, columns["amount"], pa.scalar(None, pa.float64()))
    columns["refunded_amount"] = whole if refunded is None else pc.if_else(
        pc.and_(mask, pc.is_null(refunded)), columns["amount"], refunded
    )


def _one_order_per_row_without_id(columns: dict[str, pa.Array], rules: dict[str, list], batch_id: str) -> None:
    """Give each order row without an order id (none in the file, missing, a placeholder) its own id.

    Rows without one would count as no order at all, and rows sharing a placeholder as one order.
    """
    n = len(columns["amount"])
    generated = pa.array([f"{batch_id[:8]}-{i + 1}" for i in range(n)])
    if "order_id" not in columns:
        columns["order_id"] = generated
        rules["order_id"] = _own_rule("one_order_per_row")
        return
    absent = pc.is_null(columns["order_id"])
    count = pc.sum(absent).as_py() or 0
    if count:
        columns["order_id"] = pc.if_else(absent, generated, columns["order_id"])
        rules["order_id"] = rules.get("order_id", []) + [("pipeline.rule.order_id_absent", {"count": count})]


def _row_hashes(table: pa.Table, *, ignore: tuple[str, ...] = ()) -> np.ndarray:
    """A hash per row of its clean columns (``ignore``: columns that are not the row's own content)."""
    columns = [c for c in table.column_names if c not in INTERNAL_COLUMNS and c not in ignore]
    con = duckdb.connect()
    con.register("t", table.select(columns))
    quoted = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT hash({quoted}) FROM t").to_arrow_table().column(0).to_numpy()


def clean_table(
    raw: pa.Table,
    mapped: pa.Table,
    *,
    table: str,
    amount_rule: str | None,
    config: QualityConfig,
    source: str,
    batch_id: str,
    existing_hashes: np.ndarray | None = None,
    has_sale: Callable[[list[str]], set[str]] | None = None,
    currency: str | None = None,
) -> CleanResult:
    """Clean ``mapped`` (the source with canonical column names).

    Parameters
    ----------
    raw
        The source as read (original headers), for the quarantine's raw rows.
    mapped
        The same rows with canonical column names; extra columns are kept.
    amount_rule
        ``quantity_x_unit_price`` when orders come as lines with quantity and unit price.
    existing_hashes
        Row hashes already stored for this table; equal rows count as exact duplicates.
    has_sale
        Of the given order ids, those with a completed row already stored (for refunds).
    currency
        The configured currency (what a bare ``$`` or ``¥`` means, see :func:`currency_from_symbols`).
    """
    n = mapped.num_rows
    columns: dict[str, pa.Array] = {}
    errors: dict[str, np.ndarray] = {}
    rules: dict[str, list] = {}
    for name in mapped.column_names:
        values, errs, rule, extra = _parse_column(name, mapped.column(name).combine_chunks(), config)
        columns[name] = values
        errors[name] = np.asarray(errs.to_pylist(), dtype=object)
        columns.update(extra)
        if rule:
            rules[name] = rule

    continued = np.zeros(n, dtype=bool)
    if table == "orders" and "order_id" in columns:
        continued = fill_continuation_rows(columns, errors, amount_from_lines=amount_rule == "quantity_x_unit_price")
    required = [c for c in REQUIRED[table] if c in columns]
    if amount_rule == "quantity_x_unit_price":
        required = [c for c in required if c != "amount"] + ["quantity", "unit_price"]
        columns["amount"] = pc.multiply(columns["quantity"], columns["unit_price"])
        errors["amount"] = np.full(n, None, dtype=object)
        rules["amount"] = _own_rule("quantity_x_unit_price")
    elif "amount" in columns and table == "orders":
        rules["amount"] = _own_rule("amount_column")
    failed_field, failed_reason = _first_error(errors, required, n)
    rejected = failed_field != None  # noqa: E711

    flagged_field = np.full(n, None, dtype=object)
    flagged_reason = np.full(n, None, dtype=object)
    flagged_field[continued & ~rejected] = "order_id"
    flagged_reason[continued & ~rejected] = "order_continuation"
    if table == "orders" and "order_id" in columns and amount_rule != "quantity_x_unit_price":
        repeated = zero_repeated_order_totals(columns, ~rejected & ~continued)
        flagged_field[repeated] = "amount"
        flagged_reason[repeated] = "order_total_repeated"
    optional = [c for c in errors if c not in required]
    for column in optional:
        reason = errors[column]
        hit = (flagged_field == None) & (reason != None) & (reason != "missing") & ~rejected  # noqa: E711
        flagged_field[hit] = column
        flagged_reason[hit] = reason[hit]

    derived_currency = table == "orders" and "currency" not in columns
    if table == "orders":
        currency_from_symbols(mapped, columns, rules, default=currency)
        status = classify_status(columns.get("status"), columns["amount"], columns.get("order_id"))
        columns["status"] = status.values
        rules["status"] = list(status.rule_parts)
        status_errors = np.asarray(status.errors.to_pylist(), dtype=object)
        hit = (flagged_field == None) & (status_errors != None) & ~rejected  # noqa: E711
        flagged_field[hit], flagged_reason[hit] = "status", status_errors[hit]
        refunded_orders = _order_level_refunds(columns, rejected, has_sale)
        if refunded_orders.any():
            _keep_as_refunded_sale(columns, refunded_orders)
            flagged_field[refunded_orders & (flagged_field == None)] = "status"  # noqa: E711
            flagged_reason[refunded_orders & (flagged_reason == None)] = "refunded_order"  # noqa: E711
        amounts, changed = refund_amounts_negative(columns["amount"], columns["status"])
        columns["amount"] = amounts
        changed = np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool) & ~rejected
        flagged_field[changed & (flagged_field == None)] = "amount"  # noqa: E711
        flagged_reason[changed & (flagged_reason == None)] = "refund_negated"  # noqa: E711
        _one_order_per_row_without_id(columns, rules, batch_id)

    amounts = [c for c in AMOUNT_COLUMNS if c in columns and not (c == "amount" and amount_rule == "quantity_x_unit_price")]
    notes = averaged_amount_notes({c: columns[c] for c in amounts}, main_currency(columns.get("currency"), currency))
    clean = pa.table(columns)
    clean = clean.append_column("_row", pa.array(np.arange(1, n + 1), pa.int64()))
    clean = clean.append_column("_batch", pa.array([batch_id] * n, pa.string()))
    keep_idx = np.flatnonzero(~rejected)
    candidates = clean.take(pa.array(keep_idx, pa.int64()))
    # A currency read from the file's symbols can come from other rows: the same row exported without
    # a symbol elsewhere is still a duplicate.
    ignore = ("currency",) if derived_currency else ()
    hashes = _row_hashes(candidates, ignore=ignore) if candidates.num_rows else np.array([], dtype=np.uint64)
    _, first = np.unique(hashes, return_index=True)
    unique = np.zeros(len(hashes), dtype=bool)
    unique[first] = True
    if existing_hashes is not None and len(existing_hashes):
        unique &= ~np.isin(hashes, existing_hashes)
    kept = candidates.filter(pa.array(unique)).append_column("_row_hash", pa.array(hashes[unique], pa.uint64()))
    duplicates = candidates.filter(pa.array(~unique))
    by_status = {}
    if table == "orders" and duplicates.num_rows:
        grouped = duplicates.group_by("status").aggregate([("amount", "sum"), ("amount", "count")])
        by_status = {
            status: {"rows": int(count), "amount": float(total or 0.0)}
            for status, total, count in zip(*(grouped.column(c).to_pylist() for c in ("status", "amount_sum", "amount_count")))
        }

    flagged = (flagged_field != None) & ~rejected  # noqa: E711
    q_idx = np.concatenate([np.flatnonzero(rejected), np.flatnonzero(flagged)])
    q_field = np.concatenate([failed_field[rejected], flagged_field[flagged]])
    q_reason = np.concatenate([failed_reason[rejected], flagged_reason[flagged]])
    q_action = ["rejected"] * int(rejected.sum()) + ["flagged"] * int(flagged.sum())
    quarantine = pa.table(
        {
            "table": pa.array([table] * len(q_idx), pa.string()),
            "reason": pa.array(q_reason.tolist(), pa.string()),
            "field": pa.array(q_field.tolist(), pa.string()),
            "action": pa.array(q_action, pa.string()),
            "row": pa.array(q_idx + 1, pa.int64()),
            "source": pa.array([source] * len(q_idx), pa.string()),
            "batch": pa.array([batch_id] * len(q_idx), pa.string()),
            "raw": _raw_rows(raw, q_idx),
        },
        schema=QUARANTINE_SCHEMA,
    )
    return CleanResult(
        kept=kept,
        quarantine=quarantine,
        rows_in=n,
        rejected=Counter(f"{f}.{r}" for f, r in zip(failed_field[rejected], failed_reason[rejected])),
        flagged=Counter(f"{f}.{r}" for f, r in zip(flagged_field[flagged], flagged_reason[flagged])),
        exact_duplicates=duplicates.num_rows,
        duplicates_by_status=by_status,
        rules=rules,
        notes=notes,
    )
