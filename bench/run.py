"""Run every benchmark of bench/ with its default sizes and append the figures to RESULTS.md.

Usage: ``python bench/run.py [NAME ...]`` (names like ``ingest``, ``models``; default: all).
The Online Retail II file is passed to the churn benchmark when it lies beside the checkout.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ONLINE_RETAIL = HERE.parent.parent / "shared" / "data" / "online_retail_ii" / "online_retail_II_2009_2010.csv.gz"
BENCHMARKS = ("ingest", "parsers", "linkage", "models", "churn", "clusters", "run")


def command(name: str) -> list[str]:
    """The command line of one benchmark, recording its figures."""
    args = [sys.executable, str(HERE / f"bench_{name}.py"), "--append"]
    if name == "churn" and ONLINE_RETAIL.is_file():
        args += ["--online-retail", str(ONLINE_RETAIL)]
    return args


def main() -> int:
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = [name for name in names if subprocess.run(command(name)).returncode != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
