"""Benchmark: `cva ingest` of one million order rows from CSV (target: < 15 s, < 2 GB on 2 cores).

Each case runs in a fresh child process, so the peak memory is the ingest's own. Files are
generated with a fixed seed: clean UTF-8 (ISO dates, plain amounts) and messy (BOM, Chinese
headers, ``¥1,234.50`` amounts, Chinese statuses, ``2024/3/5 14:22:10`` dates), and the messy file
re-encoded as GBK. Usage: ``python bench/bench_ingest.py [--rows N] [--append]``.
"""

from __future__ import annotations

import argparse
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
from customer_value.pipeline.ingest import ingest_file
from customer_value.workspace import init_workspace
ws = init_workspace(Path(sys.argv[2]))
started = time.perf_counter()
outcome = ingest_file(ws, ws.settings(), Path(sys.argv[1]), table="orders")
seconds = time.perf_counter() - started
r = outcome.record
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows_in": r.rows_in, "kept": r.rows_kept, "quarantined": r.rows_quarantined,
                  "duplicates": r.exact_duplicates}))
"""


def _to_gbk(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8-sig") as src, target.open("w", encoding="gbk", errors="strict") as dst:
        for line in src:
            dst.write(line.replace("¥", "￥"))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    from customer_value.sample import write_orders_csv

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {
            "clean UTF-8": write_orders_csv(tmp / "clean.csv", args.rows, seed=0),
            "messy UTF-8 (Chinese headers, ¥ amounts)": write_orders_csv(tmp / "messy.csv", args.rows, seed=0,
                                                                         messy=True),
        }
        files["messy GBK"] = _to_gbk(files["messy UTF-8 (Chinese headers, ¥ amounts)"], tmp / "messy_gbk.csv")
        for i, (label, path) in enumerate(files.items()):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(tmp / f"ws{i}")],
                                  capture_output=True, text=True, check=True)
            wall = time.perf_counter() - started
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            size_mb = path.stat().st_size / 1e6
            ok = figures["seconds"] < 15 and figures["peak_mb"] < 2048
            rows.append([label, f"{figures['rows_in']:,}", f"{size_mb:.0f} MB", f"{figures['seconds']:.1f} s",
                         f"{wall:.1f} s", f"{figures['peak_mb']:.0f} MB", "< 15 s, < 2 GB", "met" if ok else "NOT met"])
            print(label, figures, f"process wall {wall:.1f} s", flush=True)
    if not args.append:
        return
    text = append_section(
        "Ingest (bench_ingest.py)",
        ["file", "rows", "size", "ingest time", "process wall (with imports)", "peak memory", "target", "result"],
        rows,
        ["Ingest time = read + map + clean + dedupe + store, measured inside the child process; "
         "peak memory = the child's max RSS."],
    )
    print(text)


if __name__ == "__main__":
    main()
