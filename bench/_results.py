"""Append benchmark figures to bench/RESULTS.md with the machine, date and commit."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import subprocess
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """Cores, CPU model and memory of this machine, in one line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        memory = f"{mem_kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        memory = "?"
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores, {cpu}, {memory}; load average {load} (other jobs share the cores)"


def commit() -> str:
    """The short hash of HEAD (with + when the tree has changes)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
        return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children) in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def append_section(title: str, header: list[str], rows: list[list[object]], notes: list[str] = ()) -> str:
    """Append a dated table to RESULTS.md and return the markdown written."""
    lines = [
        f"\n## {title} — {dt.date.today().isoformat()}",
        f"Machine: {machine()}; commit {commit()}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(v) for v in row) + " |" for row in rows),
        *(["", *notes] if notes else []),
        "",
    ]
    text = "\n".join(lines)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nFigures appended by the scripts in bench/ (newest last).\n")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(text)
    return text
