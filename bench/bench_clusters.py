"""Benchmark behavioural clustering: dimensions (Ibis on DuckDB) and clusters with rules, at 1M customers.

    .venv/bin/python bench/bench_clusters.py                    # 1,000,000 customers, prints only
    .venv/bin/python bench/bench_clusters.py --sizes 100000 --seed 3
    .venv/bin/python bench/bench_clusters.py --append           # also appends a table to bench/RESULTS.md

Orders are generated vectorised: 1 + negative-binomial orders per customer (mean ≈ 5) over two
years, lognormal amounts, 8 categories, 4 channels, 3% cancelled and 2% refunded. The timings
cover computing the dimensions (``behaviour_dimensions`` executed on DuckDB) and
``cluster_customers`` (k = 3..8 on a 50,000 sample, everyone assigned, rules and names), not the
generation. Peak memory is the process's peak resident set after each phase.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import ibis
import numpy as np
import pyarrow as pa

from customer_value.features.behaviour import behaviour_dimensions
from customer_value.scoring.clusters import cluster_customers

AS_OF = dt.date(2024, 12, 31)
DAYS = 730


def make_orders(customers: int, seed: int) -> pa.Table:
    """About five order lines per customer with categories, channels, cancellations and refunds."""
    rng = np.random.default_rng(seed)
    counts = 1 + rng.negative_binomial(0.6, 0.6 / (0.6 + 4.0), customers)
    who = np.repeat(np.arange(customers), counts)
    n = len(who)
    first = rng.integers(0, DAYS, customers)
    span = (DAYS - first) * rng.beta(0.8, 1.2, customers)
    offset = first[who] + rng.random(n) * span[who]
    origin = np.datetime64(AS_OF - dt.timedelta(days=DAYS), "s")
    at = origin + (offset * 86400).astype("int64").astype("timedelta64[s]")
    level = rng.lognormal(4.5, 0.7, customers)
    amount = np.round(level[who] * rng.lognormal(0, 0.4, n), 2)
    roll = rng.random(n)
    status = np.where(roll < 0.03, "cancelled", np.where(roll < 0.05, "refund", "completed"))
    amount = np.where(status == "refund", -amount, amount)
    favourite = rng.integers(0, 8, customers)
    category = np.where(rng.random(n) < 0.7, favourite[who], rng.integers(0, 8, n))
    channel = rng.integers(0, 4, customers)[who]
    return pa.table({
        "customer_id": pa.array(np.char.add("C", who.astype(str))),
        "order_id": pa.array(np.char.add("O", np.arange(n).astype(str))),
        "ordered_at": pa.array(at, pa.timestamp("s")),
        "amount": amount,
        "status": status,
        "category": pa.array(np.char.add("cat", category.astype(str))),
        "channel": pa.array(np.char.add("ch", channel.astype(str))),
        "quantity": rng.integers(1, 4, n),
    })  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(customers: int, seed: int) -> dict[str, object]:
    """Dimensions and clusters of one generated data set; timings, peak memory, k and agreement."""
    orders = make_orders(customers, seed)
    con = ibis.duckdb.connect()
    lines = orders.num_rows
    generated_mb = peak_mb()
    start = time.perf_counter()
    behaviour = behaviour_dimensions(ibis.memtable(orders), AS_OF)
    dims = con.execute(behaviour.table).set_index("customer_id")
    dims_seconds = time.perf_counter() - start
    dims_mb = peak_mb()
    start = time.perf_counter()
    clustering = cluster_customers(dims)
    cluster_seconds = time.perf_counter() - start
    return {
        "customers": len(dims),
        "order_lines": lines,
        "dimensions": len(clustering.used),
        "dims_s": round(dims_seconds, 1),
        "cluster_s": round(cluster_seconds, 1),
        "total_s": round(dims_seconds + cluster_seconds, 1),
        "peak_mb_data": round(generated_mb),
        "peak_mb_dims": round(dims_mb),
        "peak_mb": round(peak_mb()),
        "k": clustering.k,
        "agreement": clustering.agreement,
        "rules": " | ".join(p.rule_text("en") for p in clustering.profiles),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000], help="numbers of customers")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated orders")
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        result = measure(size, args.seed)
        print(result)
        rows.append(result)
    if args.append:
        from _results import append_section

        header = [k for k in rows[0] if k != "rules"]
        append_section("Behavioural clusters", header, [[r[k] for k in header] for r in rows])


if __name__ == "__main__":
    main()
