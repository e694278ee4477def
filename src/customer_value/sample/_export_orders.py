"""The yearly order exports, each in the style of a different system, with counted dirt.

Styles: ``csv_zh`` (UTF-8 with BOM, comma, Chinese headers, ¥1,234.50 / 1,234.50元 / 1.23万,
missing as 无/-/empty), ``xlsx_zh`` (real datetime and number cells mixed with text), ``csv_en``
(``;``-separated, English headers, ``NA``, US dates with 2-digit years and no seconds).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from customer_value.sample import _dirt
from customer_value.sample._export_tables import pick
from customer_value.sample._headers import EXPORT_HEADERS, STATUS_LABELS
from customer_value.sample._xlsx import write_xlsx
from customer_value.sample.crm import CRMData

_SHARE = {"missing_customer_id": 0.002, "unparseable_dates": 0.0015, "unparseable_amounts": 0.0015}
_DUPLICATE_SHARE = 0.005
_MISSING_FIELD_SHARE = 0.02
_AMOUNT_STYLES = {
    "csv_zh": {"yen": 0.40, "yuan": 0.20, "plain": 0.25, "comma": 0.15},
    "xlsx_zh": {"number": 0.75, "yen": 0.15, "yuan": 0.05, "comma": 0.05},
    "csv_en": {"plain": 0.50, "comma": 0.30, "yen": 0.20},
}


def _amount_cells(rng: np.random.Generator, amounts: np.ndarray, style: str) -> tuple[list[Any], np.ndarray]:
    styles = _dirt.amount_styles(rng, amounts, _AMOUNT_STYLES[style])
    if style == "csv_en":
        styles[styles == "wan"] = "comma"  # 万 only in Chinese exports
    cells = [float(a) if s == "number" else _dirt.format_amount(a, s) for a, s in zip(amounts, styles, strict=True)]
    return cells, styles == "wan"


def _date_cells(rng: np.random.Generator, at: np.ndarray, style: str) -> list[Any]:
    if style == "csv_en":
        return _dirt.format_datetimes(at, "us_short")
    text = rng.random(len(at)) < (0.10 if style == "xlsx_zh" else 0.15)
    cells = _dirt.format_datetimes(at, np.where(text, "slash_time", "iso"))
    if style == "xlsx_zh":  # real datetime cells, except the rows typed as text
        native = at.astype("datetime64[s]").astype(datetime)
        cells = [c if x else n for c, x, n in zip(cells, text, native, strict=True)]
    return cells


def _missing_token(rng: np.random.Generator, style: str) -> Any:
    if style == "csv_en":
        return "NA"
    token = _dirt.MISSING_ZH[int(rng.integers(0, len(_dirt.MISSING_ZH)))]
    return None if (style == "xlsx_zh" and token == "") else token


def write_orders_year(
    rng: np.random.Generator, data: CRMData, out: Path, year: int, style: str
) -> tuple[Path, dict[str, Any]]:
    """Write the orders of one calendar year in ``style``; return the path and manifest entry."""
    orders = data.orders[data.orders["ordered_at"].dt.year == year].reset_index(drop=True)
    n = len(orders)
    headers = EXPORT_HEADERS["orders_en" if style == "csv_en" else "orders_zh"]
    labels = STATUS_LABELS["en" if style == "csv_en" else "zh"]

    # row-level dirt, disjoint
    free = np.arange(n)
    chosen: dict[str, np.ndarray] = {}
    for kind, share in _SHARE.items():
        chosen[kind] = pick(rng, free, share, 2, n)
        free = np.setdiff1d(free, chosen[kind])

    customer = orders["customer_id"].to_numpy(dtype=object).copy()
    dup = data.duplicates
    moved = np.zeros(n, dtype=bool)
    if len(dup):
        source = dict(zip(dup["true_id"], dup["source_id"], strict=True))
        since = dict(zip(dup["true_id"], dup["signup_at"].to_numpy(), strict=True))
        at = orders["ordered_at"].to_numpy()
        no_id = set(chosen["missing_customer_id"].tolist())
        for i in np.flatnonzero(orders["customer_id"].isin(dup["true_id"]).to_numpy()):
            if at[i] >= since[customer[i]] and rng.random() < 0.5 and i not in no_id:
                customer[i], moved[i] = source[customer[i]], True
    for i in chosen["missing_customer_id"]:
        customer[i] = _missing_token(rng, style)

    amount = orders["amount"].to_numpy()
    amount_cells, in_wan = _amount_cells(rng, amount, style)
    date_cells = _date_cells(rng, orders["ordered_at"].to_numpy(), style)
    bad_dates = _dirt.BAD_DATES_EN if style == "csv_en" else _dirt.BAD_DATES_ZH
    for i in chosen["unparseable_dates"]:
        date_cells[i] = bad_dates[int(rng.integers(0, len(bad_dates)))]
    for i in chosen["unparseable_amounts"]:
        amount_cells[i] = _dirt.BAD_AMOUNTS[int(rng.integers(0, len(_dirt.BAD_AMOUNTS)))]
        in_wan[i] = False

    columns: dict[str, list[Any]] = {
        "order_id": orders["order_id"].tolist(),
        "customer_id": list(customer),
        "ordered_at": date_cells,
        "amount": amount_cells,
        "status": [labels[s] for s in orders["status"]],
        "channel": orders["channel"].tolist(),
        "category": orders["category"].tolist(),
        "quantity": orders["quantity"].astype(int).tolist(),
        "cost": [float(c) if style == "xlsx_zh" else f"{c:.2f}" for c in orders["cost"]],
    }
    missing_fields = {}
    for field in ("channel", "category"):
        gone = np.flatnonzero(rng.random(n) < _MISSING_FIELD_SHARE)
        for i in gone:
            columns[field][i] = _missing_token(rng, style)
        missing_fields[field] = gone
    if style != "xlsx_zh":
        columns["quantity"] = [str(q) for q in columns["quantity"]]

    dirty = np.zeros(n, dtype=bool)
    for rows in chosen.values():
        dirty[rows] = True
    copies = pick(rng, np.flatnonzero(~dirty), _DUPLICATE_SHARE, 1, n)
    key = np.r_[np.arange(n, dtype=float), copies + rng.uniform(0.5, 40.5, len(copies))]
    row_order = np.r_[np.arange(n), copies][np.argsort(key, kind="stable")]
    if style == "xlsx_zh":
        path = out / f"orders_{year}.xlsx"
        rows = ([columns[c][i] for c in headers] for i in row_order)
        write_xlsx(path, "订单", list(headers.values()), rows)
        fmt, encoding, delimiter, na = "xlsx", None, None, ["无", "-", ""]
    else:
        path = out / f"orders_{year}.csv"
        delimiter = ";" if style == "csv_en" else ","
        encoding = "utf-8" if style == "csv_en" else "utf-8-sig"
        frame = pd.DataFrame({headers[c]: np.asarray(columns[c], dtype=object)[row_order] for c in headers})
        frame.to_csv(path, index=False, sep=delimiter, encoding=encoding, lineterminator="\n")
        fmt, na = "csv", (["NA"] if style == "csv_en" else ["无", "-", ""])

    ids = orders["order_id"].to_numpy()
    wan_rows = np.flatnonzero(in_wan)
    wan_error = max((abs(_dirt.wan_value(amount[i]) - amount[i]) for i in wan_rows), default=0.0)
    entry = {
        "table": "orders",
        "format": fmt,
        "style": style,
        "encoding": encoding,
        "delimiter": delimiter,
        "na_values": na,
        "columns": headers,
        "status_labels": labels,
        "datetime_precision": "minute" if style == "csv_en" else "second",
        "rows": len(row_order),
        "clean_rows": n,
        "status_counts": {labels[k]: int(v) for k, v in orders["status"].value_counts().sort_index().items()},
        "dirt": {
            "exact_duplicates": len(copies),
            "missing_customer_id": len(chosen["missing_customer_id"]),
            "unparseable_dates": len(chosen["unparseable_dates"]),
            "unparseable_amounts": len(chosen["unparseable_amounts"]),
            "orders_under_duplicate_id": int(moved.sum()),
            "amounts_in_wan": len(wan_rows),
            "missing_channel": len(missing_fields["channel"]),
            "missing_category": len(missing_fields["category"]),
        },
        "max_wan_rounding_error": round(float(wan_error), 2),
        "ids": {
            "exact_duplicates": ids[copies].tolist(),
            "missing_customer_id": ids[chosen["missing_customer_id"]].tolist(),
            "unparseable_dates": ids[chosen["unparseable_dates"]].tolist(),
            "unparseable_amounts": ids[chosen["unparseable_amounts"]].tolist(),
            "orders_under_duplicate_id": ids[moved].tolist(),
            "amounts_in_wan": ids[wan_rows].tolist(),
        },
    }
    return path, entry
