"""Benchmark: `cva run` on 1M customers / 10M orders (target: < 2 minutes, < 8 GB on 2 cores).

Orders come from the seeded bulk generator and are stored as clean batches of a workspace (the
ingest is measured by bench_ingest.py); the run is then timed stage by stage in a child process,
whose peak memory is the run's own. Usage: ``python bench/bench_run.py [--customers N] [--append]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import append_section  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from customer_value.runs.execute import execute_run
from customer_value.workspace import open_workspace
ws = open_workspace(Path(sys.argv[1]))
started = time.perf_counter()
manifest = execute_run(ws, ws.settings())
print(json.dumps({"seconds": time.perf_counter() - started, "stages": manifest.stage_seconds,
                  "customers": manifest.customers,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def store_orders(root: Path, n_customers: int, seed: int) -> int:
    """Write the generated orders into a new workspace as clean batches; returns the row count."""
    import numpy as np
    import pyarrow as pa

    from customer_value.sample import iter_orders_chunks
    from customer_value.workspace import init_workspace
    from customer_value.workspace.store import BatchRecord, write_batch

    workspace = init_workspace(root)
    rows = 0
    for i, chunk in enumerate(iter_orders_chunks(n_customers, seed=seed, chunk_customers=100_000)):
        table = pa.Table.from_pandas(chunk.astype({c: "str" for c in ("status", "category", "channel")}),
                                     preserve_index=False)
        n = table.num_rows
        batch = f"bench{i:04d}"
        table = table.append_column("_row", pa.array(np.arange(1, n + 1), pa.int64()))
        table = table.append_column("_batch", pa.array([batch] * n))
        table = table.append_column("_row_hash", pa.array(np.arange(rows, rows + n, dtype=np.uint64)))
        record = BatchRecord(batch_id=batch, table="orders", source="bench", fingerprint=batch, format="parquet",
                             ingested_at=dt.datetime(2025, 7, 1, 0, 0, i).isoformat(), rows_in=n, rows_kept=n,
                             rows_quarantined=0, exact_duplicates=0)
        write_batch(workspace, record, table, pa.table({"table": pa.array([], pa.string())}))
        rows += n
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        started = time.perf_counter()
        rows = store_orders(root, args.customers, args.seed)
        print(f"stored {rows:,} orders in {time.perf_counter() - started:.1f} s", flush=True)
        done = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(done.stderr)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(figures, indent=2))
    if not args.append:
        return
    ok = figures["seconds"] < 120 and figures["peak_mb"] < 8192
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in figures["stages"].items())
    append_section(
        "Run (bench_run.py)",
        ["customers", "orders", "run time", "peak memory", "target", "result"],
        [[f"{figures['customers']:,}", f"{rows:,}", f"{figures['seconds']:.1f} s", f"{figures['peak_mb']:.0f} MB",
          "< 120 s, < 8 GB", "met" if ok else "NOT met"]],
        [f"Stages: {stages}."],
    )


if __name__ == "__main__":
    main()
