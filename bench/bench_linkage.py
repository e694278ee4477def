"""Benchmark record linkage: seconds, accepted pairs, precision and recall on seeded synthetic customers.

    .venv/bin/python bench/bench_linkage.py                  # 5,000 and 100,000 rows, prints only
    .venv/bin/python bench/bench_linkage.py --sizes 20000 --seed 3
    .venv/bin/python bench/bench_linkage.py --append         # also appends a table to bench/RESULTS.md

Seconds are wall-clock time, CPU is this process's CPU time over all its threads (steadier on a
shared machine). The first size also pays one-off start-up costs (DuckDB, Splink's SQL templates).
The customers come from ``make_linkage_customers`` (Chinese and English names with realistic
surname frequencies, ~8% injected re-entries, namesake / switchboard / family-mailbox traps); the
time covers ``link_customers`` only, not the generation of the table.
"""

from __future__ import annotations

import argparse
import resource
import time

import pyarrow as pa

from customer_value.quality import link_customers
from customer_value.quality._linkage_synth import KINDS_DUPLICATE, KINDS_TRAP, make_linkage_customers


def measure(size: int, seed: int) -> dict[str, object]:
    """Link one generated table; return its size, timing and accuracy against the ground truth."""
    table = make_linkage_customers(size, seed=seed)
    start, cpu_start = time.perf_counter(), time.process_time()
    result = link_customers(table, seed=seed)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    truth = table.select(["customer_id", "entity_id", "kind"]).to_pandas().set_index("customer_id")
    mapping = result.mapping.to_pandas()
    mapping["entity"] = truth.loc[mapping["source_id"], "entity_id"].to_numpy()
    mapping["master_entity"] = truth.loc[mapping["customer_id"], "entity_id"].to_numpy()
    mapping["kind"] = truth.loc[mapping["source_id"], "kind"].to_numpy()
    merged = mapping[mapping["source_id"] != mapping["customer_id"]]
    masters_per_entity = mapping.groupby("entity")["customer_id"].nunique()
    duplicates = mapping[mapping["kind"].isin(KINDS_DUPLICATE)]
    people_per_master = mapping.groupby("customer_id")["entity"].nunique()
    traps = mapping[mapping["kind"].isin(KINDS_TRAP)]
    return {
        "rows": table.num_rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "pairs": result.pairs.num_rows,
        "merged": result.merged,
        "precision": round(float((merged["entity"] == merged["master_entity"]).mean()) if len(merged) else 1.0, 4),
        "recall": round(float((duplicates["entity"].map(masters_per_entity) == 1).mean()), 4),
        "trap_false_merges": int((traps["customer_id"].map(people_per_master) > 1).sum()),
        "method": result.method,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 100_000], help="approximate row counts")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator and of the u sample")
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()

    rows = []
    for size in args.sizes:
        figures = measure(size, args.seed)
        rows.append(figures)
        print(
            f"{figures['rows']:>8,} rows  {figures['seconds']:>6.2f} s (CPU {figures['cpu_seconds']:.2f} s)  "
            f"{figures['pairs']:>6,} pairs  "
            f"{figures['merged']:>6,} merged  precision {figures['precision']:.4f}  recall {figures['recall']:.4f}  "
            f"trap false merges {figures['trap_false_merges']}  [{figures['method']}]"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB; pyarrow {pa.__version__}")
    if args.append:
        from _results import append_section  # bench/ helper, only needed when appending

        header = ["rows", "seconds", "cpu seconds", "pairs", "merged", "precision", "recall"]
        header += ["trap false merges", "method"]
        append_section(
            f"record linkage (seed {args.seed})",
            header,
            [[r[h.replace(" ", "_")] for h in header] for r in rows],
            [f"Peak RSS {peak:,.0f} MB."],
        )


if __name__ == "__main__":
    main()
