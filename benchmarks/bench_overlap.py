"""What running probes at the same time does to their figures: the measurement behind checks/scheduler.py.

A quiet probe is a run of sequential round trips over one keep-alive connection (what a vantage-point
latency probe, a datastore timing or a header check does). Each is measured:
- alone;
- beside 3 other quiet probes (4 at once: the scheduler's default `workers`);
- beside a load phase (the open-loop engine at `--rate` req/s against the same server).
against two servers: the delay server (20 ms + Exp(30 ms) of sleep per request: server time dominates, as
for a remote target or an emulated city) and nginx serving a static file (sub-millisecond: client and
server CPU dominate, as on loopback). Figures are the probe's p50 and p95 in ms, median of `--rounds`
rounds, and the shift against "alone".

    python benchmarks/bench_overlap.py [--rounds 3] [--requests 200] [--rate 200]

`--geo` instead probes the sandbox's vantage points (targets.yaml `local`; bring the sandbox up first,
under the sandbox lock): every vantage point one after another, then all at once through the scheduler,
each `--requests` requests; per vantage point the time to first byte p50/p95 and the connect p50 (the
emulated round trip), and each mode's wall time.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.servers import Server, delay_server, nginx
from checks.collect.load import LoadPlan, run_open_loop

ROOT = Path(__file__).resolve().parents[1]
PATHS = {"delay": "/", "nginx": "/index.html"}


def quiet_probe(server: Server, path: str, requests: int) -> list[float]:
    """Sequential round trips over one connection; each in ms."""
    host, port = server.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            conn.request("GET", path)
            conn.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return times


def _beside(background: Callable[[], object], probe: Callable[[], list[float]]) -> list[float]:
    thread = threading.Thread(target=background, daemon=True)
    thread.start()
    time.sleep(0.3)  # the background is under way before the probe starts
    try:
        return probe()
    finally:
        thread.join(timeout=120)


def scenarios(server: Server, path: str, requests: int, rate: float) -> dict[str, list[float]]:
    """The probe's round trips alone, beside three others, and beside a load phase."""

    def probe() -> list[float]:
        return quiet_probe(server, path, requests)

    def three_others() -> None:
        threads = [threading.Thread(target=probe) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def load() -> None:
        with tempfile.TemporaryDirectory(prefix="bench-overlap-") as out:
            seconds = max(3.0, requests * 0.06)
            run_open_loop(LoadPlan(server.base_url, path, rate, seconds), max_rps=rate, out_dir=Path(out))

    return {
        "alone": probe(),
        "beside 3 quiet": _beside(three_others, probe),
        "beside load": _beside(load, probe),
    }


def geo(requests: int, rounds: int) -> None:
    """The sandbox's vantage points probed one after another and all at once (see the docstring)."""
    from checks.collect.geo import collect_vantage_latency
    from checks.ledger import project_root
    from checks.scheduler import Kind, Probe, Scheduler, serial
    from checks.targets import load_runtime_env, select_target

    _, target = select_target(ROOT / "targets.yaml", "local")
    load_runtime_env(target, project_root())
    assert target.http is not None
    path = target.http.routes.get("health", "/")
    rps = target.max_rps / len(target.vantage_points)
    probes = [
        Probe(v.name, Kind.QUIET, rps, partial(collect_vantage_latency, v, target.http, path, requests,
                                               min_interval_s=1 / rps))
        for v in target.vantage_points
    ]  # fmt: skip
    figures: dict[str, dict[str, list[tuple[float, float, float]]]] = {"serial": {}, "parallel": {}}
    walls: dict[str, list[float]] = {"serial": [], "parallel": []}
    for _ in range(rounds):
        for mode in ("serial", "parallel"):
            started = time.perf_counter()
            if mode == "serial":
                seen = serial(probes)
            else:
                with Scheduler(target.max_rps, workers=len(probes)) as scheduler:
                    seen = scheduler.run_all(probes)
            walls[mode].append(time.perf_counter() - started)
            for name, s in seen.items():
                row = (float(np.percentile(s.ttfb_ms, 50)), float(np.percentile(s.ttfb_ms, 95)),
                       float(np.percentile(s.connect_ms, 50)))  # fmt: skip
                figures[mode].setdefault(name, []).append(row)
    print(f"sandbox vantage points, {requests} requests each, median of {rounds} rounds (ms)")
    for name in figures["serial"]:
        one = [statistics.median(r[i] for r in figures["serial"][name]) for i in range(3)]
        par = [statistics.median(r[i] for r in figures["parallel"][name]) for i in range(3)]
        print(
            f"  {name:<14} ttfb p50 {one[0]:7.2f} -> {par[0]:7.2f} ({par[0] - one[0]:+6.2f})  "
            f"p95 {one[1]:7.2f} -> {par[1]:7.2f} ({par[1] - one[1]:+6.2f})  "
            f"connect p50 {one[2]:7.2f} -> {par[2]:7.2f} ({par[2] - one[2]:+6.2f})"
        )
    one_wall, par_wall = statistics.median(walls["serial"]), statistics.median(walls["parallel"])
    print(f"  wall: serial {one_wall:.1f} s, parallel {par_wall:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--geo", action="store_true", help="the sandbox's vantage points (see above)")
    args = parser.parse_args()
    if args.geo:
        geo(args.requests, args.rounds)
        return
    for name, start in (("delay", delay_server), ("nginx", nginx)):
        per: dict[str, list[tuple[float, float]]] = {}
        with start(cpu=None) as server:
            for _ in range(args.rounds):
                for scenario, times in scenarios(server, PATHS[name], args.requests, args.rate).items():
                    per.setdefault(scenario, []).append(
                        (float(np.percentile(times, 50)), float(np.percentile(times, 95)))
                    )
        print(f"\n{name} server, {args.requests} round trips per probe, median of {args.rounds} rounds")
        base = [statistics.median(x[i] for x in per["alone"]) for i in (0, 1)]
        for scenario, figures in per.items():
            p50, p95 = (statistics.median(x[i] for x in figures) for i in (0, 1))
            print(
                f"  {scenario:<15} p50 {p50:8.2f} ms ({p50 - base[0]:+7.2f})   "
                f"p95 {p95:8.2f} ms ({p95 - base[1]:+7.2f})"
            )


if __name__ == "__main__":
    main()
