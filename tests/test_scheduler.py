"""The probe scheduler (checks/scheduler.py): quiet probes overlap, a load phase overlaps nothing, the sum of
the running probes' rates stays within max_rps, and results are the same as one after another."""

from __future__ import annotations

import random
import threading
import time

import pytest

from checks.scheduler import GovernorExceeded, Kind, Probe, Ran, Scheduler, serial


def _sleeper(name: str, kind: Kind, rps: float, seconds: float, seen: list[str] | None = None) -> Probe[str]:
    def run() -> str:
        time.sleep(seconds)
        if seen is not None:
            seen.append(name)
        return f"{name} done"

    return Probe(name, kind, rps, run)


def _overlap(a: Ran, b: Ran) -> bool:
    return a.started < b.finished and b.started < a.finished


def test_quiet_probes_run_at_the_same_time() -> None:
    with Scheduler(max_rps=100, workers=4) as scheduler:
        scheduler.run_all([_sleeper(f"q{i}", Kind.QUIET, 10, 0.2) for i in range(4)])
    log = scheduler.log
    assert all(_overlap(a, b) for a in log for b in log)


def test_a_load_phase_overlaps_no_probe_and_waits_for_running_ones() -> None:
    rng = random.Random(3)
    probes = [
        _sleeper(f"p{i}", Kind.LOAD if i % 4 == 1 else Kind.QUIET, 5, rng.uniform(0.01, 0.05))
        for i in range(24)
    ]
    with Scheduler(max_rps=100, workers=4) as scheduler:
        scheduler.run_all(probes)
    log = scheduler.log
    loads = [r for r in log if r.kind is Kind.LOAD]
    assert len(loads) == 6 and len(log) == 24
    for load in loads:
        assert not any(_overlap(load, other) for other in log if other is not load)


def test_the_running_probes_never_exceed_max_rps_together() -> None:
    rng = random.Random(5)
    probes = [
        _sleeper(f"q{i}", Kind.QUIET, rng.choice([10, 20, 40]), rng.uniform(0.01, 0.04)) for i in range(30)
    ]
    with Scheduler(max_rps=50, workers=8) as scheduler:
        scheduler.run_all(probes)
    log = scheduler.log
    for moment in (r.started for r in log):
        assert sum(r.rps for r in log if r.started <= moment < r.finished) <= 50
    assert max(sum(1 for r in log if r.started <= m < r.finished) for m in (r.started for r in log)) >= 2


def test_a_probe_faster_than_the_governor_alone_is_refused_before_it_starts() -> None:
    started = threading.Event()
    refused = pytest.raises(GovernorExceeded, match="21 req/s exceeds the governor limit of 20")
    with Scheduler(max_rps=20) as scheduler, refused:
        scheduler.submit(Probe("too fast", Kind.QUIET, 21, started.set))
    assert not started.is_set()


def test_a_failing_probe_fails_its_future_only() -> None:
    def boom() -> str:
        raise RuntimeError("refused")

    with Scheduler(max_rps=10) as scheduler:
        bad = scheduler.submit(Probe("bad", Kind.QUIET, 1, boom))
        good = scheduler.submit(_sleeper("good", Kind.QUIET, 1, 0.01))
        with pytest.raises(RuntimeError, match="refused"):
            bad.result()
        assert good.result() == "good done"


def test_the_results_are_those_of_a_serial_run() -> None:
    probes = [_sleeper(f"p{i}", Kind.LOAD if i == 3 else Kind.QUIET, 1, 0.01) for i in range(8)]
    with Scheduler(max_rps=10, workers=4) as scheduler:
        assert scheduler.run_all(probes) == serial(probes)


def test_a_waiting_load_phase_is_not_starved_by_quiet_probes() -> None:
    order: list[str] = []
    with Scheduler(max_rps=100, workers=3) as scheduler:
        first = scheduler.submit(_sleeper("quiet-1", Kind.QUIET, 1, 0.2, order))
        time.sleep(0.05)
        load = scheduler.submit(_sleeper("load", Kind.LOAD, 1, 0.01, order))
        time.sleep(0.05)
        later = scheduler.submit(_sleeper("quiet-2", Kind.QUIET, 1, 0.01, order))
        for future in (first, load, later):
            future.result()
    assert order == ["quiet-1", "load", "quiet-2"]
