"""A 1 s server stall in the middle of a run: the p99 each load tool reports.

nginx is paused (SIGSTOP) for `--stall` seconds, `--after` seconds after traffic starts. Closed-loop tools
(wrk, hey, Locust) stop sending while their connections wait, so the stall touches only ~one request per
connection and their p99 hides it (coordinated omission). Our open-loop engine keeps sending on schedule
and measures from the scheduled time, so every request due during the stall reports the wait.

    python benchmarks/bench_stall.py [--seconds 10] [--rate 500]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.servers import Server, nginx, plain_locust_stats, stalled
from checks.collect.load import LoadPlan, run_open_loop

PATH = "/index.html"
CONNECTIONS = 20
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk_p99_ms(server: Server, seconds: float) -> float:
    cmd = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency", server.base_url + PATH]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no p99 in wrk output: {out}")
    return float(match[1]) * UNIT_MS[match[2]]


def hey_p99_ms(server: Server, seconds: float) -> float:
    cmd = ["hey", "-z", f"{seconds:g}s", "-c", str(CONNECTIONS), server.base_url + PATH]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"99% in ([\d.]+) secs", out)
    if not match:
        raise RuntimeError(f"no p99 in hey output: {out}")
    return float(match[1]) * 1e3


def locust_p99_ms(server: Server, seconds: float) -> float:
    return float(plain_locust_stats(server.base_url, PATH, CONNECTIONS, seconds)["99%"])


def ours_p99_ms(server: Server, seconds: float, rate: float) -> float:
    samples = run_open_loop(LoadPlan(server.base_url, PATH, rate=rate, duration_s=seconds), max_rps=rate)
    return float(np.percentile(samples.latencies_us, 99)) / 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--after", type=float, default=4.0)
    parser.add_argument("--stall", type=float, default=1.0)
    args = parser.parse_args()
    tools = {
        f"wrk -t1 -c{CONNECTIONS} (closed loop)": lambda s: wrk_p99_ms(s, args.seconds),
        f"hey -c {CONNECTIONS} (closed loop)": lambda s: hey_p99_ms(s, args.seconds),
        f"Locust FastHttpUser x{CONNECTIONS} (closed loop)": lambda s: locust_p99_ms(s, args.seconds),
        f"claimcheck open loop, {args.rate:g} req/s": lambda s: ours_p99_ms(s, args.seconds, args.rate),
    }
    results = {}
    with nginx(cpu=0) as server:
        os.sched_setaffinity(0, {1})
        for name, run in tools.items():
            with stalled(server, args.after, args.stall):
                results[name] = run(server)
            print(f"  {name}: p99 {results[name]:.1f} ms")
    print(f"\np99 reported with a {args.stall:g} s stall {args.after:g} s into a {args.seconds:g} s run:")
    for name, p99 in results.items():
        print(f"  {name:44s} {p99:9.1f} ms")


if __name__ == "__main__":
    main()
