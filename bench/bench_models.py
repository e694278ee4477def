"""Benchmark the BTYD models: fit and scoring time, peak memory, and agreement with lifetimes.

    .venv/bin/python bench/bench_models.py                        # 10k, 100k, 1M, 10M customers
    .venv/bin/python bench/bench_models.py --sizes 10000 100000   # a subset
    .venv/bin/python bench/bench_models.py --no-lifetimes         # our models only
    .venv/bin/python bench/bench_models.py --append               # also append to bench/RESULTS.md

Customers are drawn from BG/NBD itself with the published CDNOW parameters (weeks): first
purchases spread over 12 weeks, observation to day 273, purchase times rounded to whole days
(same-day purchases count once) so that triples repeat as in real data; mean repeat spend from
Gamma-Gamma (p=6.25, q=3.74, γ=15.44). Sizes above 1M are generated in chunks of 1M. Each size
runs in its own subprocess, so its peak RSS is its own (simulation included).

lifetimes 0.11.3 runs side by side, on the same data saved to an .npz file, in a throwaway venv
bench/.work/lifetimes-venv created here with ``python3 -m venv`` (it needs numpy<2, pandas<2.1,
scipy<1.13): per customer, as its users call it, and on the same weighted triples. Agreement is
measured with our likelihood evaluated at both sets of estimates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from customer_value.models import (
    BetaGeoModel,
    GammaGammaModel,
    ModifiedBetaGeoModel,
    ParetoNBDModel,
    customer_lifetime_value,
    group_triples,
    simulate_bgnbd,
    simulate_gamma_gamma,
)
from customer_value.models._data import prepare_triples
from customer_value.models.gamma_gamma import prepare_spend

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
VENV = WORK / "lifetimes-venv"
RESULTS = HERE / "RESULTS.md"
SIZES = [10_000, 100_000, 1_000_000, 10_000_000]
CHUNK = 1_000_000
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
HOLDOUT_WEEKS = 39.0
LIFETIMES_PINS = ["lifetimes==0.11.3", "numpy<2", "pandas<2.1", "scipy<1.13"]
MODELS = {"bgnbd": BetaGeoModel, "pareto_nbd": ParetoNBDModel, "mbgnbd": ModifiedBetaGeoModel}


# -- data ------------------------------------------------------------------------------------------


def simulate(size: int, seed: int) -> dict[str, np.ndarray]:
    """Customers drawn from BG/NBD and Gamma-Gamma in chunks of 1M, times in weeks rounded to days."""
    parts: list[dict[str, np.ndarray]] = []
    for chunk, start in enumerate(range(0, size, CHUNK)):
        n = min(CHUNK, size - start)
        rng = np.random.default_rng([seed, chunk])
        ages = (273 - rng.integers(0, 84, n)) / 7.0
        frame = simulate_bgnbd(n, T=ages, seed=seed * 1000 + chunk, round_to_days=True, **BGNBD)
        frequency = frame["frequency"].to_numpy(dtype=np.float64)
        parts.append(
            {
                "frequency": frequency,
                "recency": frame["recency"].to_numpy(),
                "T": frame["T"].to_numpy(),
                "monetary": simulate_gamma_gamma(frequency, seed=seed * 1000 + chunk, **GAMMA_GAMMA),
            }
        )
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def timed(fn: Any, repeat: int = 1) -> tuple[float, float, Any]:
    """Best wall and CPU seconds over ``repeat`` calls, and the last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


# -- one size, in a subprocess ---------------------------------------------------------------------


def worker(size: int, seed: int, score: bool, save: Path | None) -> dict[str, Any]:
    """Simulate one size, fit every model, optionally score and save the data for lifetimes."""
    sim_seconds, _, data = timed(lambda: simulate(size, seed))
    f, r, T, m = data["frequency"], data["recency"], data["T"], data["monetary"]
    repeat = 3 if size <= CHUNK else 1
    out: dict[str, Any] = {"size": size, "simulate_seconds": sim_seconds, "repeat_buyers": int((f > 0).sum())}
    group_wall, group_cpu, triples = timed(lambda: group_triples(f, r, T), repeat)
    x, t_x, T_t, counts, _ = triples
    out["triples"] = len(x)
    out["group"] = {"seconds": group_wall, "cpu_seconds": group_cpu}
    fitted: dict[str, Any] = {}
    for name, cls in MODELS.items():
        wall, cpu, model = timed(lambda cls=cls: cls().fit(f, r, T), repeat if name != "pareto_nbd" else 1)
        fitted[name] = model
        out[name] = {"seconds": wall, "cpu_seconds": cpu, "params": model.params_, "log_likelihood": model.log_likelihood_}
    wall, cpu, weighted = timed(lambda: BetaGeoModel().fit(x, t_x, T_t, weights=counts), repeat)
    out["bgnbd_triples"] = {"seconds": wall, "cpu_seconds": cpu, "params": weighted.params_}
    wall, cpu, spend = timed(lambda: GammaGammaModel().fit(f, m), repeat)
    out["gamma_gamma"] = {"seconds": wall, "cpu_seconds": cpu, "params": spend.params_, "log_likelihood": spend.log_likelihood_}
    if score:
        bg = fitted["bgnbd"]
        out["score"] = {
            "p_alive": timed(lambda: bg.p_alive(f, r, T))[0],
            "conditional_expected_purchases": timed(lambda: bg.conditional_expected_purchases(HOLDOUT_WEEKS, f, r, T))[0],
            "customer_lifetime_value": timed(lambda: customer_lifetime_value(bg, spend, f, r, T, m, months=12))[0],
        }
    if save is not None:
        np.savez(save, frequency=f, recency=r, T=T, monetary=m, tx_x=x, tx_tx=t_x, tx_T=T_t, tx_counts=counts)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# -- lifetimes -------------------------------------------------------------------------------------


def ensure_lifetimes() -> Path:
    """The python of the lifetimes venv, created and installed on first use."""
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import lifetimes; assert lifetimes.__version__ == '0.11.3'"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *LIFETIMES_PINS], check=True)
    return python


def run_lifetimes(python: Path, data: Path, jobs: list[str], timeout: float) -> dict[str, Any]:
    """Run the jobs in the lifetimes venv; a timeout or crash is recorded, not raised."""
    try:
        done = subprocess.run(
            [str(python), str(HERE / "_lifetimes_env.py"), str(data), *jobs],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {job: {"error": f"timed out after {timeout:.0f} s"} for job in jobs}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {job: {"error": done.stderr.strip().splitlines()[-1:] or ["no output"]} for job in jobs}
    return json.loads(lines[-1])


def agreement(name: str, ours: dict[str, Any], theirs: dict[str, float], data: Path) -> dict[str, float]:
    """Largest relative parameter difference, and the relative gap of our log-likelihood at theirs."""
    with np.load(data) as saved:
        if name == "gamma_gamma":
            model = GammaGammaModel()
            prepared = prepare_spend(name, saved["frequency"], saved["monetary"])
        else:
            model = MODELS[name]()
            prepared = prepare_triples(name, saved["frequency"], saved["recency"], saved["T"])
    names = list(ours["params"])
    theta_ours = np.array([ours["params"][n] for n in names])
    theta_theirs = np.array([theirs[n] for n in names])
    ll_ours = model._final_loglik(theta_ours, prepared)
    ll_theirs = model._final_loglik(theta_theirs, prepared)
    return {
        "param_rel_diff": float(np.max(np.abs(theta_theirs - theta_ours) / theta_ours)),
        "ll_rel_diff": float(abs(ll_ours - ll_theirs) / abs(ll_ours)),
        "ll_ours_minus_theirs": float(ll_ours - ll_theirs),
    }


# -- report ----------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    return f"nproc {os.cpu_count()}, {cpu}, {mem_kb / 1024 / 1024:.0f} GB RAM"


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE)
    return done.stdout.strip() or "?"


def fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def human(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def report(rows: list[dict[str, Any]], load: tuple[float, float, float]) -> str:
    lines = [
        "",
        "## Models (bench_models.py)",
        "",
        f"Date {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; commit {commit()}; machine: {machine()}; "
        f"load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (other sessions share the 2 cores).",
        "",
        "Data: customers drawn from BG/NBD (CDNOW estimates, weeks) with order dates in whole days, mean",
        "repeat spend from Gamma-Gamma; seed 0. Fit times are wall seconds from per-customer arrays",
        "(validation and grouping into distinct triples included), best of 3 up to 1M, one run above.",
        "",
        "| customers | distinct triples | group s | BG/NBD s | Gamma-Gamma s | BG/NBD + GG s (CPU s) | Pareto/NBD s | MBG/NBD s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        o = row["ours"]
        lines.append(
            f"| {human(o['size'])} | {o['triples']:,} | {fmt(o['group']['seconds'])} | {fmt(o['bgnbd']['seconds'])} | "
            f"{fmt(o['gamma_gamma']['seconds'])} | {fmt(o['bgnbd']['seconds'] + o['gamma_gamma']['seconds'])} "
            f"({fmt(o['bgnbd']['cpu_seconds'] + o['gamma_gamma']['cpu_seconds'])}) | "
            f"{fmt(o['pareto_nbd']['seconds'])} | {fmt(o['mbgnbd']['seconds'])} | {o['peak_rss_mb']:.0f} |"
        )
    compared = [row for row in rows if row.get("lifetimes")]
    if compared:
        lines += [
            "",
            "lifetimes 0.11.3 on the same data: wall seconds (CPU seconds); ratio = lifetimes / ours, wall (CPU);",
            "agreement = largest relative parameter difference and relative log-likelihood gap, both",
            "likelihoods evaluated by our code. Our \"triples\" time for Pareto/NBD and MBG/NBD is the",
            "per-customer fit, which groups into the same triples itself.",
            "",
            "| customers | model | mode | lifetimes s | ours s | ratio | max param rel diff | LL rel diff |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in compared:
            for job, result in row["lifetimes"].items():
                if job == "peak_rss_mb":
                    continue
                name, mode = job.split(":")
                ours_key = "bgnbd_triples" if (name == "bgnbd" and mode == "triples") else name
                ours_s = row["ours"][ours_key]["seconds"]
                ours_cpu = row["ours"][ours_key]["cpu_seconds"]
                if "error" in result:
                    lines.append(f"| {human(row['ours']['size'])} | {name} | {mode} | {result['error']} | {fmt(ours_s)} | — | — | — |")
                    continue
                agree = row["agreement"].get(job, {})
                lines.append(
                    f"| {human(row['ours']['size'])} | {name} | {mode} | {fmt(result['seconds'])} ({fmt(result['cpu_seconds'])}) | "
                    f"{fmt(ours_s)} ({fmt(ours_cpu)}) | {result['seconds'] / ours_s:.0f}× ({result['cpu_seconds'] / ours_cpu:.0f}×) | "
                    f"{agree.get('param_rel_diff', float('nan')):.1e} | "
                    f"{agree.get('ll_rel_diff', float('nan')):.1e} |"
                )
    scored = [row for row in rows if "score" in row["ours"]]
    for row in scored:
        s = row["ours"]["score"]
        total = sum(s.values())
        lines += [
            "",
            f"Scoring {human(row['ours']['size'])} customers with the fitted BG/NBD + Gamma-Gamma (wall s): P(alive) {fmt(s['p_alive'])}, "
            f"conditional expected purchases (39 weeks) {fmt(s['conditional_expected_purchases'])}, "
            f"12-month CLV {fmt(s['customer_lifetime_value'])}; total {fmt(total)}.",
        ]
    lines += ["", "Targets:", *targets(rows), ""]
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]]) -> list[str]:
    by_size = {row["ours"]["size"]: row for row in rows}
    out = []
    if 1_000_000 in by_size:
        o = by_size[1_000_000]["ours"]
        total = o["bgnbd"]["seconds"] + o["gamma_gamma"]["seconds"]
        cpu = o["bgnbd"]["cpu_seconds"] + o["gamma_gamma"]["cpu_seconds"]
        out.append(f"- BG/NBD + Gamma-Gamma fit on 1M customers < 1 s: {total:.2f} s wall ({cpu:.2f} s CPU) — {'met' if total < 1 else 'NOT met'}.")
        lt = by_size[1_000_000].get("lifetimes") or {}
        for job, target, label in (("bgnbd:customers", 100, "per customer"), ("bgnbd:triples", 10, "on the same weighted triples")):
            result = lt.get(job)
            if result and "error" not in result:
                ours_key = "bgnbd_triples" if job.endswith("triples") else "bgnbd"
                ratio = result["seconds"] / o[ours_key]["seconds"]
                cpu_ratio = result["cpu_seconds"] / o[ours_key]["cpu_seconds"]
                out.append(
                    f"- BG/NBD ≥{target}× faster than lifetimes {label} at 1M: {ratio:.0f}× wall ({cpu_ratio:.0f}× CPU) — "
                    f"{'met' if ratio >= target else 'NOT met'}."
                )
            else:
                out.append(f"- BG/NBD ≥{target}× faster than lifetimes {label} at 1M: not measured.")
    gaps = [agree for row in rows for job, agree in row.get("agreement", {}).items() if job.startswith("bgnbd")]
    if gaps:
        worst = max(agree["ll_rel_diff"] for agree in gaps)
        higher = all(agree["ll_ours_minus_theirs"] >= -1e-9 for agree in gaps)
        out.append(
            f"- BG/NBD log-likelihood equal to lifetimes within 1e-6 relative: worst {worst:.1e} — "
            f"{'met' if worst <= 1e-6 else 'NOT met'}; our maximum is "
            f"{'never below' if higher else 'sometimes below'} lifetimes' (as evaluated by our likelihood)."
        )
    scored = [row["ours"] for row in rows if "score" in row["ours"]]
    for o in scored:
        total = sum(o["score"].values())
        verdict = "met" if total < 30 else "NOT met"
        out.append(f"- Scoring {human(o['size'])} customers (P(alive), expected purchases, CLV) < 30 s: {total:.1f} s — {verdict}.")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="numbers of customers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-lifetimes", action="store_true", help="skip the lifetimes comparison")
    parser.add_argument("--lifetimes-max", type=int, default=1_000_000, help="largest size run through lifetimes")
    parser.add_argument("--lifetimes-slow-max", type=int, default=100_000, help="largest size for lifetimes Pareto/NBD and MBG/NBD")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed for each lifetimes run")
    parser.add_argument("--append", action="store_true", help="append the results to bench/RESULTS.md")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--score", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        sys.stdout.write(json.dumps(worker(args.worker, args.seed, args.score, args.save)) + "\n")
        return

    load = os.getloadavg()
    python = None if args.no_lifetimes else ensure_lifetimes()
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    largest = max(args.sizes)
    for size in sorted(args.sizes):
        compare = python is not None and size <= args.lifetimes_max
        data = WORK / f"models_{size}.npz"
        command = [sys.executable, __file__, "--worker", str(size), "--seed", str(args.seed)]
        if size == largest:
            command.append("--score")
        if compare:
            command += ["--save", str(data)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        ours = json.loads(done.stdout.strip().splitlines()[-1])
        row: dict[str, Any] = {"ours": ours}
        print(f"{human(size)}: ours {json.dumps(ours, default=str)}", flush=True)
        if compare:
            jobs = ["bgnbd:customers", "bgnbd:triples", "gamma_gamma:customers"]
            if size <= args.lifetimes_slow_max:
                jobs += ["pareto_nbd:customers", "pareto_nbd:triples", "mbgnbd:customers", "mbgnbd:triples"]
            theirs = run_lifetimes(python, data, jobs, args.timeout)
            row["lifetimes"] = theirs
            row["agreement"] = {}
            for job, result in theirs.items():
                if job == "peak_rss_mb" or "error" in result:
                    continue
                name, mode = job.split(":")
                ours_key = "bgnbd_triples" if (name == "bgnbd" and mode == "triples") else name
                row["agreement"][job] = agreement(name, ours[ours_key], result["params"], data)
            print(f"{human(size)}: lifetimes {json.dumps(theirs)}", flush=True)
            print(f"{human(size)}: agreement {json.dumps(row['agreement'])}", flush=True)
            data.unlink(missing_ok=True)
        rows.append(row)
    (WORK / "models_results.json").write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    text = report(rows, load)
    print(text)
    if args.append:
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\nFigures appended by the scripts in bench/ (newest last).\n", encoding="utf-8")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
