"""CPU per request at fixed offered rates (1,000, 2,000 and 5,000 req/s): our engine vs Locust paced.

nginx pinned to CPU 0, the generators to CPU 1. Ours: the CPU its process spent from t0 to the last
response (user + system, from getrusage, reported with the run's evidence), divided by requests sent.
Locust: FastHttpUser users paced by constant_throughput (50 req/s each, so rate/50 users; Locust's own
pacing, closed loop per user, the closest it has to an offered rate), the CPU its process spent from
test start to test stop, divided by its request count. CPU per request is what a core can give, so it
holds on a busy machine where the rate a generator sustains does not.

    python benchmarks/bench_cpu.py [--seconds 10] [--rounds 3] [--rates 1000,2000,5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.servers import nginx, plain_locust_stats
from checks.collect.load import LoadPlan, run_open_loop

PATH = "/index.html"
PER_USER_RPS = 50.0


def engine_us(base_url: str, rate: float, seconds: float) -> tuple[float, float]:
    """(CPU us per request, achieved rate) of one engine run."""
    samples = run_open_loop(LoadPlan(base_url, PATH, rate=rate, duration_s=seconds), max_rps=rate)
    assert samples.generator_cpu_s is not None
    return samples.generator_cpu_s / samples.sent * 1e6, samples.achieved_rate


def locust_us(base_url: str, rate: float, seconds: float) -> tuple[float, float]:
    """(CPU us per request, achieved rate) of one paced Locust run."""
    users = max(1, round(rate / PER_USER_RPS))
    row = plain_locust_stats(base_url, PATH, users, seconds, per_user_rps=PER_USER_RPS)
    return float(row["cpu_s"]) / int(row["Request Count"]) * 1e6, float(row["Requests/s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rates", default="1000,2000,5000")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    cpu: dict[tuple[str, float], list[float]] = {}
    with nginx(cpu=0) as server:
        os.sched_setaffinity(0, {1})
        for n in range(args.rounds):
            for rate in rates:
                for name, measure in (("engine", engine_us), ("locust", locust_us)):
                    us, achieved = measure(server.base_url, rate, args.seconds)
                    cpu.setdefault((name, rate), []).append(us)
                    print(f"round {n + 1}: {name:6s} at {rate:5.0f} req/s: {us:6.1f} us/request "
                          f"(achieved {achieved:.0f} req/s)")  # fmt: skip
    print("\nCPU per request, median of the rounds (us; lower is better):")
    print(f"  {'offered req/s':>14} {'engine':>8} {'Locust paced':>13} {'Locust / engine':>16}")
    for rate in rates:
        ours, theirs = statistics.median(cpu["engine", rate]), statistics.median(cpu["locust", rate])
        print(f"  {rate:14.0f} {ours:8.1f} {theirs:13.1f} {theirs / ours:16.2f}")


if __name__ == "__main__":
    main()
