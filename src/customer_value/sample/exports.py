"""Write a synthetic CRM as real exports arrive: mixed formats, encodings, headers and dirt.

``write_messy_exports`` writes one or more files per table and a manifest, ``dirt.json``, that
counts every kind of dirt per file, per table and in total (and names the affected rows), so
ingest and quality tests can reconcile exactly. Row-level dirt in the order files is disjoint: a row has at
most one of missing customer id / unparseable date / unparseable amount, and exact duplicates
are copies of rows without any of those.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from customer_value.sample import _export_tables as tables
from customer_value.sample._export_orders import write_orders_year
from customer_value.sample._headers import EXPORT_HEADERS, OPPORTUNITY_LABELS, ORDER_STYLES, STATUS_LABELS
from customer_value.sample.crm import CRMData

__all__ = [
    "EXPORT_HEADERS",
    "MANIFEST_NAME",
    "OPPORTUNITY_LABELS",
    "ORDER_STYLES",
    "STATUS_LABELS",
    "write_messy_exports",
]

MANIFEST_NAME = "dirt.json"


def _streams(seed: int, n: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 0xD127]).spawn(n)]


def write_messy_exports(data: CRMData, out_dir: str | Path, *, seed: int = 0) -> dict[str, list[Path]]:
    """Write every table of ``data`` as messy export files in ``out_dir``, plus ``dirt.json``.

    customers → ``customers.csv`` (GBK, Chinese headers, CRLF): duplicate customer records, bad
    phones, invalid emails, mixed 注册时间 formats. orders → one file per calendar year, cycling
    ``orders_<year>.csv`` (UTF-8 with BOM, Chinese headers), ``orders_<year>.xlsx`` and
    ``orders_<year>.csv`` (``;``-separated, English headers, ``NA``, ``2/20/25 11:39`` dates):
    ¥/元/万 amounts, missing values, exact duplicate rows, rows without a customer id,
    unparseable dates and amounts, orders filed under duplicate customer ids. interactions →
    ``interactions.jsonl``; tickets → ``tickets.csv``; surveys → ``surveys.xlsx``; referrals,
    opportunities, marketing_spend → CSV.

    Parameters
    ----------
    data
        The clean CRM from :func:`generate_crm`.
    out_dir
        Directory to write into (created if needed).
    seed
        Seed of the dirt; the same data and seed always give byte-identical files.

    Returns
    -------
    dict
        Table name → the files written for it, in order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = _streams(seed, 8)
    files: dict[str, dict[str, Any]] = {}
    paths: dict[str, list[Path]] = {}

    path, entry = tables.write_customers(rng[0], data, out)
    paths["customers"], files[path.name] = [path], entry
    paths["orders"] = []
    for year in sorted(set(data.orders["ordered_at"].dt.year)):
        style = ORDER_STYLES[(year - data.start.year) % len(ORDER_STYLES)]
        path, entry = write_orders_year(rng[1], data, out, year, style)
        paths["orders"].append(path)
        files[path.name] = entry
    for table, writer, stream in (
        ("interactions", tables.write_interactions, rng[2]),
        ("tickets", tables.write_tickets, rng[3]),
        ("surveys", tables.write_surveys, rng[4]),
        ("referrals", tables.write_referrals, rng[5]),
        ("opportunities", tables.write_opportunities, rng[6]),
        ("marketing_spend", tables.write_marketing_spend, rng[7]),
    ):
        path, entry = writer(stream, data, out)
        paths[table], files[path.name] = [path], entry

    totals: Counter[str] = Counter()
    by_table: dict[str, Counter[str]] = {}
    for entry in files.values():
        counts = {k: v for k, v in entry["dirt"].items() if isinstance(v, int)}
        totals.update(counts)
        by_table.setdefault(entry["table"], Counter()).update(counts)
    manifest = {
        "generator": {
            "n_customers": len(data.customers),
            "crm_seed": data.seed,
            "export_seed": seed,
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
        },
        "files": files,
        "totals": dict(sorted(totals.items())),
        "totals_by_table": {table: dict(sorted(counts.items())) for table, counts in by_table.items()},
        "duplicates": data.duplicates[["source_id", "true_id", "match_on", "name_variant"]].to_dict("records"),
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    (out / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return paths


