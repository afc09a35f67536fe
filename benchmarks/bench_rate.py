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


def wrk_rate(base_url: str, seconds: float) -> float:
    """wrk -t1 -c20: Requests/sec."""
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", base_url + PATH]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"unexpected wrk output: {out}")
    return float(match[1])


def locust_rate(base_url: str, seconds: float) -> tuple[float, float]:
    """Plain Locust FastHttpUser, 20 users, no wait: (the Aggregated Requests/s of its CSV stats, its
    requests per CPU-second)."""
    row = plain_locust_stats(base_url, PATH, CONNECTIONS, seconds)
    return float(row["Requests/s"]), int(row["Request Count"]) / float(row["cpu_s"])


def sustains(base_url: str, rate: float, seconds: float) -> bool:
    samples = run_open_loop(LoadPlan(base_url, PATH, rate=rate, duration_s=seconds), max_rps=rate)
    if samples.generator_cpu_s:
        ENGINE_PER_CPU_S[rate] = samples.sent / samples.generator_cpu_s
    kept = min(samples.achieved_rate, samples.completion_rate) >= 0.98 * rate
    ok = kept and samples.errors == 0 and samples.lateness_us["p99"] <= MAX_LATENESS_P99_US
    late_ms = samples.lateness_us["p99"] / 1000
    verdict = "sustained" if ok else "not sustained"
    print(f"    engine at {rate:7.0f} req/s: achieved {samples.achieved_rate:7.0f}, completed "
          f"{samples.completion_rate:7.0f}, lateness p99 {late_ms:6.1f} ms -> {verdict}")  # fmt: skip
    return ok


def engine_rate(base_url: str, seconds: float, start: float, ceiling: float) -> tuple[float, bool]:
    """(highest sustained rate, whether it sits at `ceiling`): grow from `start` until a rate fails,
    then bisect between the last sustained and the first failed rate."""
    low, high = 500.0, start
    while sustains(base_url, high, seconds):
        low = high
        if high >= ceiling:
            return low, True
        high = min(ceiling, high * GROWTH)
    while (high - low) / low > PRECISION:
        mid = (low + high) / 2
        low, high = (mid, high) if sustains(base_url, mid, seconds) else (low, mid)
    return low, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {
        "wrk": [],
        "locust": [],
        "engine": [],
        "locust/cpu": [],
        "engine/cpu": [],
    }
    capped = []
    with nginx(cpu=0) as server:
        os.sched_setaffinity(0, {1})  # generators (children inherit) on CPU 1, nginx on CPU 0
        for n in range(args.rounds):
            print(f"round {n + 1}")
            results["wrk"].append(wrk_rate(server.base_url, args.seconds))
            locust, locust_per_cpu = locust_rate(server.base_url, args.seconds)
            results["locust"].append(locust)
            results["locust/cpu"].append(locust_per_cpu)
            print(f"    wrk {results['wrk'][-1]:.0f} req/s, plain Locust {results['locust'][-1]:.0f} req/s")
            start, ceiling = 1.5 * results["locust"][-1], CEILING_X_WRK * results["wrk"][-1]
            rate, at_ceiling = engine_rate(server.base_url, args.seconds, start, ceiling)
            results["engine"].append(rate)
            results["engine/cpu"].append(ENGINE_PER_CPU_S.get(rate, 0.0))
            capped.append(at_ceiling)
            ratio = rate / results["locust"][-1]
            print(
                f"    engine {rate:.0f} req/s: {ratio:.2f}x Locust{' (AT THE CEILING)' if at_ceiling else ''}"
            )
    report(results, capped)


def report(results: dict[str, list[float]], capped: list[bool]) -> None:
    med = {k: statistics.median(v) for k, v in results.items() if v}
    print("\nmedian requests/s on one core (nginx on the other):")
    labels = {"wrk": "wrk -t1 -c20", "locust": "Locust FastHttpUser x20, closed loop",
              "engine": "claimcheck open-loop engine (raw latencies)"}  # fmt: skip
    for name, label in labels.items():
        print(f"  {label:46s} {med[name]:8.0f}   runs: {', '.join(f'{x:.0f}' for x in results[name])}")
    ratios = [e / loc for e, loc in zip(results["engine"], results["locust"], strict=True)]
    shares = [e / w for e, w in zip(results["engine"], results["wrk"], strict=True)]
    print(f"  engine / Locust = {med['engine'] / med['locust']:.2f} of the medians; per round "
          f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f})")  # fmt: skip
    print(f"  engine / wrk    = {med['engine'] / med['wrk']:.2f} of the medians; per round "
          f"{', '.join(f'{r:.2f}' for r in shares)}")  # fmt: skip
    print(f"  rounds at the search ceiling: {sum(capped)} of {len(capped)}")
    per_cpu = [e / loc for e, loc in zip(results["engine/cpu"], results["locust/cpu"], strict=True)]
    print("requests per CPU-second of the generator (a per-core capacity that CPU taken by other processes")
    print(
        "does not lower; engine: its send phase at its highest sustained rate, Locust: test start to stop):"
    )
    print(f"  Locust {', '.join(f'{x:.0f}' for x in results['locust/cpu'])}; engine "
          f"{', '.join(f'{x:.0f}' for x in results['engine/cpu'])}; engine / Locust per round "
          f"{', '.join(f'{r:.2f}' for r in per_cpu)} (median {statistics.median(per_cpu):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
