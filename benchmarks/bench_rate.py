"""Requests/s on one core: our open-loop engine vs wrk vs plain Locust FastHttpUser, same nginx static file.

nginx runs pinned to CPU 0, every load generator to CPU 1. wrk and Locust are closed-loop (20 connections /
users, no think time): their rate is their maximum. Our engine is open-loop: its rate is the highest
requested rate it sustains (achieved send rate and successful completions both >= 98% of requested, no
errors, 99% of sends within 50 ms of their scheduled time) while recording every latency raw. It is
found in two steps: from 1.5x Locust's rate the offered rate grows by half until the engine fails to
sustain it (so the maximum is bracketed, never capped), then bisection narrows the bracket to 2%. A
maximum at the hard ceiling (3x wrk's rate, far above what a Python generator can reach) is flagged.
Prints the three, engine/Locust and engine/wrk, per round and as medians.

    python benchmarks/bench_rate.py [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.servers import nginx, plain_locust_stats
from checks.collect.load import LoadPlan, run_open_loop

CONNECTIONS = 20
MAX_LATENESS_P99_US = 50_000  # keeps its schedule: 99% of sends within 50 ms (saturation shows as seconds)
PATH = "/index.html"
GROWTH = 1.5
PRECISION = 0.02
CEILING_X_WRK = 3.0
ENGINE_PER_CPU_S: dict[float, float] = {}  # offered rate -> the engine's requests per CPU-second there


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk_rate(base_url: str, seconds: float) -> tuple[float, float]:
    """wrk -t1 -c20: (Requests/sec, requests per CPU-second of the wrk process)."""
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", base_url + PATH]
    before = _children_cpu_s()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu_s = _children_cpu_s() - before
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not match or not total:
        raise RuntimeError(f"unexpected wrk output: {out}")
    return float(match[1]), int(total[1]) / cpu_s


def locust_rate(base_url: str, seconds: float) -> tuple[float, float]:
    """Plain Locust FastHttpUser, 20 users, no wait: (the Aggregated Requests/s of its CSV stats, its
    requests per CPU-second)."""
    row = plain_locust_stats(base_url, PATH, CONNECTIONS, seconds)
    return float(row["Requests/s"]), int(row["Request Count"]) / float(row["cpu_s"])


def sustains(base_url: str, rate: float, seconds: float, workers: int = 1) -> bool:
    plan = LoadPlan(base_url, PATH, rate=rate, duration_s=seconds, workers=workers)
    samples = run_open_loop(plan, max_rps=rate)
    if samples.generator_cpu_s:
        ENGINE_PER_CPU_S[rate] = samples.sent / samples.generator_cpu_s
    kept = min(samples.achieved_rate, samples.completion_rate) >= 0.98 * rate
    ok = kept and samples.errors == 0 and samples.lateness_us["p99"] <= MAX_LATENESS_P99_US
    late_ms = samples.lateness_us["p99"] / 1000
    verdict = "sustained" if ok else "not sustained"
    print(f"    engine at {rate:7.0f} req/s: achieved {samples.achieved_rate:7.0f}, completed "
          f"{samples.completion_rate:7.0f}, lateness p99 {late_ms:6.1f} ms -> {verdict}")  # fmt: skip
    return ok


def engine_rate(
    base_url: str, seconds: float, start: float, ceiling: float, workers: int = 1
) -> tuple[float, bool]:
    """(highest sustained rate, whether it sits at `ceiling`): grow from `start` until a rate fails,
    then bisect between the last sustained and the first failed rate."""
    low, high = 500.0, start
    while sustains(base_url, high, seconds, workers):
        low = high
        if high >= ceiling:
            return low, True
        high = min(ceiling, high * GROWTH)
    while (high - low) / low > PRECISION:
        mid = (low + high) / 2
        low, high = (mid, high) if sustains(base_url, mid, seconds, workers) else (low, mid)
    return low, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {k: [] for k in LABELS} | {f"{k}/cpu": [] for k in LABELS}
    capped = []
    with nginx(cpu=0) as server:
        os.sched_setaffinity(0, {1})  # generators (children inherit) on CPU 1, nginx on CPU 0
        for n in range(args.rounds):
            print(f"round {n + 1}")
            for name, measure in (("wrk", wrk_rate), ("locust", locust_rate)):
                rate, per_cpu = measure(server.base_url, args.seconds)
                results[name].append(rate)
                results[f"{name}/cpu"].append(per_cpu)
            print(f"    wrk {results['wrk'][-1]:.0f} req/s, plain Locust {results['locust'][-1]:.0f} req/s")
            start, ceiling = 1.5 * results["locust"][-1], CEILING_X_WRK * results["wrk"][-1]
            rate, at_ceiling = engine_rate(server.base_url, args.seconds, start, ceiling)
            results["engine"].append(rate)
            results["engine/cpu"].append(ENGINE_PER_CPU_S.get(rate, 0.0))
            capped.append(at_ceiling)
            flag = " (AT THE CEILING)" if at_ceiling else ""
            print(f"    engine {rate:.0f} req/s: {rate / results['locust'][-1]:.2f}x Locust{flag}")
    report(results, capped)


LABELS = {
    "wrk": "wrk -t1 -c20",
    "locust": "Locust FastHttpUser x20, closed loop",
    "engine": "claimcheck open-loop engine (raw latencies)",
}


def _ratios(results: dict[str, list[float]], a: str, b: str) -> str:
    per_round = [x / y for x, y in zip(results[a], results[b], strict=True)]
    return f"{', '.join(f'{r:.2f}' for r in per_round)} (median {statistics.median(per_round):.2f})"


def _table(results: dict[str, list[float]], suffix: str) -> None:
    for name, label in LABELS.items():
        runs = results[name + suffix]
        print(f"  {label:46s} {statistics.median(runs):8.0f}   runs: {', '.join(f'{x:.0f}' for x in runs)}")


def report(results: dict[str, list[float]], capped: list[bool]) -> None:
    print("\nmedian requests/s on one core (nginx on the other):")
    _table(results, "")
    print(f"  engine / Locust per round {_ratios(results, 'engine', 'locust')}")
    print(f"  engine / wrk per round    {_ratios(results, 'engine', 'wrk')}")
    print(f"  rounds at the search ceiling: {sum(capped)} of {len(capped)}")
    print("\nrequests per CPU-second of each generator (what one core would give it; CPU taken by other")
    print("processes does not lower it. Engine: its send phase at its highest sustained rate; Locust: test")
    print("start to stop; wrk: the whole process):")
    _table(results, "/cpu")
    print(f"  engine / Locust per round {_ratios(results, 'engine/cpu', 'locust/cpu')}")
    print(f"  engine / wrk per round    {_ratios(results, 'engine/cpu', 'wrk/cpu')}")


if __name__ == "__main__":
    main()
