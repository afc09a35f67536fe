"""Vantage points probed at once through the scheduler give the verdicts they give one after another.

Four vantage points (kind local) probe a throwaway HTTPS gateway; claims with bounds on both sides of what
the gateway does (and one the sample size leaves open) are judged from a serial run and from a parallel run
of the same probes. The verdicts, rules and sample sizes match; the parallel run's probes overlapped.
"""

from __future__ import annotations

from functools import partial

import pytest

from checks.collect.geo import collect_vantage_latency
from checks.evaluate.geo import geo_latency_within
from checks.evidence.geo import VantageLatency
from checks.ledger import Claim, Source
from checks.scheduler import Kind, Probe, Scheduler, serial
from checks.sufficiency import SufficiencyPolicy
from checks.targets import VantagePoint
from checks.verdicts import Outcome
from tests.collect.test_geo import endpoint
from tests.collect.test_http import TlsServer

pytestmark = pytest.mark.integration
CITIES = ("Buenos Aires", "Córdoba", "Rosario", "Mendoza")
POLICY = SufficiencyPolicy(min_samples=30)


def claim(n: int, statistic: str, comparator: str, bound: float) -> Claim:
    return Claim(
        id=f"GEO-PAR-{n:02d}",
        system="Parallel",
        category="geo-latency",
        statement=f"Users see {statistic} {comparator} {bound} ms.",
        sources=(Source(file="doc.txt", line=n, quote=f"{statistic} {comparator} {bound} ms"),),
        metric="latency",
        comparator=comparator,
        bound=bound,
        unit="ms",
        check="geo.latency",
        method="Probe from the city's vantage point.",
        scope={"statistic": statistic},
    )


CLAIMS = (
    claim(1, "p50", "<", 5000.0),  # far above a loopback round trip: PROVEN
    claim(2, "p50", "<", 0.001),  # far below it: DISPROVEN
    claim(3, "p99", "<", 5000.0),  # p99 needs more samples than a probe takes: INCONCLUSIVE
)


def verdicts(samples: dict[str, VantageLatency]) -> dict[tuple[str, str], tuple[Outcome, str, int | None]]:
    found = {}
    for vantage, seen in samples.items():
        for c in CLAIMS:
            v = geo_latency_within(seen, c, None, POLICY)
            found[(vantage, c.id)] = (v.outcome, v.reason.split(":")[0], v.n)
    return found


def test_parallel_and_serial_probes_reach_the_same_verdicts(gateway: TlsServer) -> None:
    points = [VantagePoint(name=f"local-{i}", kind="local", city=city) for i, city in enumerate(CITIES)]
    probes = [
        Probe(p.name, Kind.QUIET, 60.0, partial(collect_vantage_latency, p, endpoint(gateway), "/ok", 32,
                                                min_interval_s=1 / 60))
        for p in points
    ]  # fmt: skip
    one_by_one = verdicts(serial(probes))
    with Scheduler(max_rps=240, workers=4) as scheduler:
        at_once = verdicts(scheduler.run_all(probes))
    assert at_once == one_by_one
    assert {o for o, _, _ in at_once.values()} == {Outcome.PROVEN, Outcome.DISPROVEN, Outcome.INCONCLUSIVE}
    log = scheduler.log
    assert all(a.started < b.finished and b.started < a.finished for a in log for b in log)


def test_probes_beyond_the_governor_wait_their_turn(gateway: TlsServer) -> None:
    points = [VantagePoint(name=f"local-{i}", kind="local", city=city) for i, city in enumerate(CITIES)]
    probes = [
        Probe(p.name, Kind.QUIET, 20.0, partial(collect_vantage_latency, p, endpoint(gateway), "/ok", 10,
                                                min_interval_s=1 / 20))
        for p in points
    ]  # fmt: skip
    with Scheduler(max_rps=40, workers=4) as scheduler:
        scheduler.run_all(probes)
    log = scheduler.log
    for moment in (r.started for r in log):
        assert sum(r.rps for r in log if r.started <= moment < r.finished) <= 40
