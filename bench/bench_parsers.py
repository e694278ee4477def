"""Seconds per value parser of ``customer_value.quality`` on generated columns of fixed size and seed.

    .venv/bin/python bench/bench_parsers.py [--size 1000000] [--seed 0] [--repeat 3] [--append]

Each column is generated once; each parser runs ``--repeat`` times and the best wall-clock and
CPU seconds (all threads of the process) are printed with the number of distinct values
(parsers work per distinct value, so that is what costs). Most columns are close to
all-distinct on purpose: the worst case. On a shared machine wall time grows with the load;
CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality import (
    classify_status,
    normalise_emails,
    normalise_names,
    normalise_phones,
    null_missing,
    parse_amounts,
    parse_datetimes,
    parse_quantities,
)

STATUSES = ["已完成", "已付款", "已发货", "交易成功", "已取消", "交易关闭", "退款", "paid", "shipped", "cancelled", "NA", "待付款"]


def _join(parts: list[np.ndarray]) -> np.ndarray:
    out = parts[0].astype(object)
    for part in parts[1:]:
        out = out + part.astype(object)
    return out


def columns(size: int, seed: int) -> dict[str, tuple[Callable[..., object], tuple[pa.Array, ...]]]:
    """Parser name → (parser, its input columns)."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 3 * 365 * 86400, size)
    moments = pa.array(np.datetime64("2010-01-01") + seconds.astype("timedelta64[s]"))
    cents = rng.integers(-50_000, 5_000_000, size)
    amounts = pa.array([f"¥{c / 100:,.2f}" for c in cents])
    prefixes = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 158, 159, 186, 188, 199])
    mobiles = (rng.choice(prefixes, size) * 10**8 + rng.integers(0, 10**8, size)).astype(str)
    typos = rng.random(size) < 0.01  # a digit short: phonenumbers decides, once per distinct value
    mobiles[typos] = np.array([m[:-1] for m in mobiles[typos]])
    styles = rng.integers(0, 4, size)
    written = [_join([np.full(size, "+86 "), mobiles]), mobiles, _join([np.full(size, "0086"), mobiles])]
    phones = np.select([styles == 0, styles == 1, styles == 2], written, "(010) 6552-9988")
    users = rng.integers(0, 10**9, size).astype(str)
    domains = rng.choice(np.array(["qq.com", "163.com", "Example.COM", "gmail.com", "sina.cn"]), size)
    emails = _join([np.full(size, "user."), users, np.full(size, "@"), domains])
    given = rng.choice(np.array(["Zhang", "Li", "王", "张", "ＷＡＮＧ", "Müller"]), size)
    names = _join([given, np.full(size, "  "), users])
    return {
        "parse_datetimes (ISO, all distinct)": (parse_datetimes, (pc.strftime(moments, "%Y-%m-%d %H:%M:%S"),)),
        "parse_datetimes (US m/d/yy h:mm)": (parse_datetimes, (pc.strftime(moments, "%m/%d/%y %H:%M"),)),
        "parse_datetimes (native timestamps)": (parse_datetimes, (moments,)),
        "parse_amounts (¥1,234.50)": (parse_amounts, (amounts,)),
        "parse_quantities": (parse_quantities, (pa.array(rng.integers(-5, 500, size).astype(str)),)),
        "classify_status": (
            classify_status,
            (
                pa.array(rng.choice(np.array(STATUSES), size)),
                pa.array(cents / 100),
                pa.array(_join([rng.choice(np.array(["", "C"]), size, p=[0.98, 0.02]), seconds.astype(str)])),
            ),
        ),
        "normalise_phones (CN, 1% invalid)": (normalise_phones, (pa.array(phones),)),
        "normalise_emails": (normalise_emails, (pa.array(emails),)),
        "normalise_names": (normalise_names, (pa.array(names),)),
        "null_missing": (null_missing, (pa.array(rng.choice(np.array(["NA", "x", "", "无", "value"]), size)),)),
    }


def run(size: int = 1_000_000, seed: int = 0, repeat: int = 3) -> dict[str, tuple[float, float, int]]:
    """Best wall-clock seconds, best CPU seconds and distinct input values per parser."""
    results = {}
    for name, (parser, inputs) in columns(size, seed).items():
        wall = cpu = float("inf")
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            parser(*inputs)
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        results[name] = (wall, cpu, len(pc.unique(inputs[0])))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    args = parser.parse_args()
    results = run(args.size, args.seed, args.repeat)
    print(f"{'parser':<40} {'values':>10} {'distinct':>10} {'wall s':>7} {'cpu s':>7}")
    for name, (wall, cpu, distinct) in results.items():
        print(f"{name:<40} {args.size:>10,} {distinct:>10,} {wall:>7.2f} {cpu:>7.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB; load average {os.getloadavg()[0]:.1f}")
    if args.append:
        from _results import append_section  # bench/ helper, only needed when appending

        append_section(
            f"value parsers ({args.size:,} values, seed {args.seed}, best of {args.repeat})",
            ["parser", "distinct values", "seconds", "cpu seconds"],
            [[name, f"{distinct:,}", f"{wall:.2f}", f"{cpu:.2f}"] for name, (wall, cpu, distinct) in results.items()],
            [f"Peak RSS {peak:,.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."],
        )


if __name__ == "__main__":
    main()
