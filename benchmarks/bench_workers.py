"""Locust's distributed mode on this machine: the rate the engine sustains with 1, 2 and 4 workers.

nginx is pinned to CPU 0 and every load process (master and workers) to the CPUs given (default CPU 1,
so N workers share one core and the figures show what the distribution itself costs; `--cpus 0,1` lets
them spread over both cores, beside nginx). Each row: the highest sustained rate (the search of
bench_rate.py: grow until a rate fails, then bisect to 2%), that rate per worker, the efficiency
rate_N / (N x rate_1), and the requests per CPU-second summed over the workers (flat across rows means
a worker costs nothing per request: on N cores of their own, N workers would give N times the rate).
One worker is one process with no master (`load_workers: 1`); more are a master with N worker processes.

    python benchmarks/bench_workers.py [--seconds 5] [--rounds 3] [--cpus 1] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rate import ENGINE_PER_CPU_S, engine_rate
from benchmarks.servers import nginx

START = 4000.0
CEILING = 200_000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpus", default="1")
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    rows: dict[int, list[tuple[float, float]]] = {}
    with nginx(cpu=0) as server:
        os.sched_setaffinity(0, {int(c) for c in args.cpus.split(",")})
        for n in range(args.rounds):
            for workers in counts:
                print(f"round {n + 1}, {workers} worker(s):")
                rate, _ = engine_rate(server.base_url, args.seconds, START, CEILING, workers)
                rows.setdefault(workers, []).append((rate, ENGINE_PER_CPU_S.get(rate, 0.0)))
    report(rows)


def report(rows: dict[int, list[tuple[float, float]]]) -> None:
    rounds = len(next(iter(rows.values())))
    print(f"\nhighest sustained rate, load processes on the CPUs given (median of {rounds} round(s)):")
    print(f"  {'workers':>8} {'req/s':>8} {'per worker':>11} {'efficiency':>11} {'req per CPU-s':>14}")
    one = statistics.median(r for r, _ in rows[min(rows)]) / min(rows)
    for workers, runs in sorted(rows.items()):
        rate = statistics.median(r for r, _ in runs)
        per_cpu = statistics.median(c for _, c in runs)
        efficiency = rate / (workers * one)
        print(f"  {workers:8d} {rate:8.0f} {rate / workers:11.0f} {efficiency:11.2f} {per_cpu:14.0f}")


if __name__ == "__main__":
    main()
