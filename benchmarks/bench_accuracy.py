"""Latency accuracy against a server with a known injected delay (20 ms + Exp(mean 30 ms)).

Truth two ways: the distribution's quantiles (theory) and the service times the server itself measured.
Compared: our open-loop engine (raw microseconds, with a 95% order-statistic CI) and plain Locust's own
statistics (closed loop at a similar rate; Locust rounds response times >= 100 ms to 10 ms).

    python benchmarks/bench_accuracy.py [--rate 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.delay_server import BASE_MS, MEAN_EXTRA_MS, true_quantile_ms
from benchmarks.servers import delay_server, plain_locust_stats
from checks.collect.load import LoadPlan, run_open_loop
from checks.stats import quantile_ci

QUANTILES = (0.50, 0.95, 0.99)


def server_times_ms(base_url: str) -> np.ndarray:
    """The service times the delay server recorded since the last call (and clears them)."""
    with urllib.request.urlopen(base_url + "/__times", timeout=10) as resp:
        return np.array([float(x) for x in resp.read().decode().split()])


def ours(base_url: str, rate: float, seconds: float) -> list[str]:
    samples = run_open_loop(LoadPlan(base_url, "/delay", rate=rate, duration_s=seconds), max_rps=rate)
    cells = []
    for q in QUANTILES:
        ci = quantile_ci(samples.latencies_us, q)
        cells.append(f"{ci.estimate / 1e3:.2f} [{ci.lower / 1e3:.2f}, {ci.upper / 1e3:.2f}]")
    n, rate_ok = len(samples.latencies_us), samples.achieved_rate
    print(f"  ours: n={n}, achieved {rate_ok:.1f} req/s, errors {samples.errors}")
    return cells


def locust(base_url: str, rate: float, seconds: float) -> list[str]:
    """Plain Locust, closed loop with users = rate x mean delay (Little's law), its CSV percentiles."""
    users = max(1, round(rate * (BASE_MS + MEAN_EXTRA_MS) / 1000))
    row = plain_locust_stats(base_url, "/delay", users, seconds)
    print(f"  Locust: {users} users, n={row['Request Count']}, {float(row['Requests/s']):.1f} req/s")
    return [f"{float(row[f'{round(q * 100)}%']):.2f}" for q in QUANTILES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with delay_server(cpu=0) as server:
        os.sched_setaffinity(0, {1})
        server_times_ms(server.base_url)
        our_cells = ours(server.base_url, args.rate, args.seconds)
        served_ours = server_times_ms(server.base_url)
        locust_cells = locust(server.base_url, args.rate, args.seconds)
        served_locust = server_times_ms(server.base_url)
    print("\nlatency in ms (ours: estimate [95% CI])")
    print(f"{'':5} {'theory':>8} {'server@ours':>12} {'ours':>24} {'server@locust':>14} {'Locust':>8}")
    for i, q in enumerate(QUANTILES):
        so, sl = np.percentile(served_ours, q * 100), np.percentile(served_locust, q * 100)
        truth = true_quantile_ms(q)
        print(f"p{q * 100:<4g} {truth:8.2f} {so:12.2f} {our_cells[i]:>24} {sl:14.2f} {locust_cells[i]:>8}")


if __name__ == "__main__":
    main()
