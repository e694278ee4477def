"""Benchmark churn scoring: seconds, peak memory and holdout AUC / Brier against the baselines.

    .venv/bin/python bench/bench_churn.py                              # sample CRM, 2,000 and 20,000 customers
    .venv/bin/python bench/bench_churn.py --online-retail FILE.csv.gz  # also the UCI Online Retail II file
    .venv/bin/python bench/bench_churn.py --append                     # also appends a table to bench/RESULTS.md

Each case runs ``score_churn`` (features at three cut-offs, the holdout model, both baselines,
the refit and the factors) once with the orders alone and once with interactions, tickets and
surveys where the data has them. The sample CRM comes from ``generate_crm`` (seeded); Online
Retail II (Chen 2019, UCI, CC BY 4.0) is read as published: ``Customer ID`` rows only, amount =
``Quantity`` × ``Price``, ``C…`` invoices are refunds; analysis date = its last day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import ibis
import pandas as pd
from _results import append_section, peak_rss_mb

from customer_value.config import ChurnConfig
from customer_value.sample import generate_crm
from customer_value.scoring.churn import score_churn

OPTIONAL = ("interactions", "tickets", "surveys")


def read_online_retail(path: Path) -> pd.DataFrame:
    """Online Retail II invoice lines as clean orders (one row per line)."""
    raw = pd.read_csv(path, dtype={"Invoice": str, "StockCode": str, "Customer ID": "float64"})
    raw = raw[raw["Customer ID"].notna()]
    return pd.DataFrame({
        "customer_id": raw["Customer ID"].astype("int64").astype(str),
        "order_id": raw["Invoice"],
        "ordered_at": pd.to_datetime(raw["InvoiceDate"]),
        "amount": raw["Quantity"] * raw["Price"],
        "status": raw["Invoice"].str.startswith("C").map({True: "refund", False: "completed"}),
    })


def measure(name: str, orders: pd.DataFrame, as_of: dt.date, tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Score one data set; return its sizes, timing and the holdout metrics."""
    start = time.perf_counter()
    result = score_churn(ibis.memtable(orders), as_of, ChurnConfig(),
                         **{k: ibis.memtable(v) for k, v in tables.items()})
    seconds = time.perf_counter() - start
    d = result.diagnostics
    metrics = d.get("metrics", {})
    row: dict[str, object] = {
        "data": name,
        "tables": "+".join(d["tables"]),
        "customers": d["customers"],
        "train/test": f"{d.get('train', {}).get('customers', '-')}/{d.get('test', {}).get('customers', '-')}",
        "base rate (test)": d.get("test", {}).get("base_rate", "-"),
        "method": d["method"],
        "seconds": round(seconds, 2),
        "peak MB": round(peak_rss_mb()),
    }
    for model in ("model", "btyd", "recency"):
        row[f"AUC {model}"] = metrics.get(model, {}).get("auc", "-")
        row[f"Brier {model}"] = metrics.get(model, {}).get("brier", "-")
    row["mean p (test)"] = metrics.get("model", {}).get("mean_probability", "-")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000], help="sample CRM customers")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample CRM")
    parser.add_argument("--online-retail", type=Path, help="path of online_retail_II_2009_2010.csv.gz")
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()

    rows = []
    for size in args.sizes:
        crm = generate_crm(size, seed=args.seed)
        name = f"generate_crm({size}, seed={args.seed})"
        rows.append(measure(name, crm.orders, crm.end, {}))
        rows.append(measure(name, crm.orders, crm.end, {t: getattr(crm, t) for t in OPTIONAL}))
    if args.online_retail:
        orders = read_online_retail(args.online_retail)
        as_of = orders["ordered_at"].max().date()
        rows.append(measure("Online Retail II 2009-12..2010-11", orders, as_of, {}))

    header = list(rows[0])
    table = [[row[h] for h in header] for row in rows]
    notes = ["Window 90 days; train cut-off as_of − 180 d, test cut-off as_of − 90 d (temporal holdout). "
             "AUC: model = calibrated LightGBM, btyd = −BG/NBD expected purchases, recency = days since last order; "
             "Brier: btyd = BG/NBD P(no purchase), recency = isotonic map fitted at the train cut-off."]
    if args.append:
        print(append_section("Churn scoring (bench_churn.py)", header, table, notes))
    else:
        print(" | ".join(header))
        for line in table:
            print(" | ".join(str(v) for v in line))


if __name__ == "__main__":
    main()
