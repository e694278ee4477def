"""Fit lifetimes 0.11.3 models on data saved by bench_models.py and print the timings as JSON.

Runs inside the throwaway venv bench/.work/lifetimes-venv (lifetimes needs numpy<2, pandas<2.1,
scipy<1.13), never in the project's venv:

    bench/.work/lifetimes-venv/bin/python bench/_lifetimes_env.py DATA.npz bgnbd:customers bgnbd:triples ...

A job is ``MODEL:MODE`` with MODEL in bgnbd, pareto_nbd, mbgnbd, gamma_gamma and MODE
``customers`` (one row per customer, as lifetimes' users call it) or ``triples`` (the distinct
(frequency, recency, T) triples with their counts as ``weights``). The JSON is the last line.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np


def _fit(job: str, data: dict[str, np.ndarray]) -> dict[str, object]:
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    model, mode = job.split(":")
    if model == "gamma_gamma":
        repeat = data["frequency"] > 0
        args, kwargs = (data["frequency"][repeat], data["monetary"][repeat]), {}
        fitter = GammaGammaFitter()
    else:
        fitter = {"bgnbd": BetaGeoFitter, "pareto_nbd": ParetoNBDFitter, "mbgnbd": ModifiedBetaGeoFitter}[model]()
        if mode == "customers":
            args, kwargs = (data["frequency"], data["recency"], data["T"]), {}
        else:
            args, kwargs = (data["tx_x"], data["tx_tx"], data["tx_T"]), {"weights": data["tx_counts"]}
    start, cpu = time.perf_counter(), time.process_time()
    fitter.fit(*args, **kwargs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "params": {str(k): float(v) for k, v in fitter.params_.items()},
    }


def main() -> None:
    path, *jobs = sys.argv[1:]
    with np.load(path) as saved:
        data = {name: saved[name] for name in saved.files}
    results: dict[str, object] = {}
    for job in jobs:
        try:
            results[job] = _fit(job, data)
        except Exception as exc:  # lifetimes raises ConvergenceError and others: record, go on
            results[job] = {"error": f"{type(exc).__name__}: {exc}".strip()}
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write("\n" + json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
