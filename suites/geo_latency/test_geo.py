"""Latency seen from the cities the documents name, measured from the target's vantage points."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial

import pytest

from checks.collect.geo import collect_vantage_latency
from checks.evaluate.declared.physics import load_geo
from checks.evaluate.geo import DEFAULT_STATISTIC, geo_latency_within, physics_floor_ms
from checks.evaluate.observed import params_of
from checks.evidence.geo import VantageLatency
from checks.ledger import Claim
from checks.params import GeoParams
from checks.scheduler import Kind, Probe, Scheduler
from checks.sequential import sequential_quantile
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Target, VantagePoint
from checks.units import is_unit
from fixtures.claims import claim_params
from fixtures.endpoints import route_for
from fixtures.judging import Judge
from fixtures.once import CollectOnce

SAMPLES = 80  # at most, per (vantage point, route)
BATCH = 20  # requests per probe call; a sequential probe decides after each
PROBE_RPS = 50.0  # at most, per vantage point's probe (each request is a new TCP + TLS connection)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def vantage_for(target: Target, claim: Claim) -> VantagePoint | None:
    """The vantage point in the claim's city (scope.vantage or params.vantage_city)."""
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city
    if not city:
        return None
    return next((v for v in target.vantage_points if v.city and _plain(v.city) == _plain(city)), None)


@dataclass(frozen=True)
class Pair:
    """One (vantage point, route) the run measures, and the claims judged on its samples."""

    vantage: VantagePoint
    route: str
    claims: tuple[Claim, ...]

    @property
    def sequential(self) -> bool:
        """Every claim a latency percentile: sampling may stop once all are decided (a mean, or a claim the
        evaluator refuses, keeps the fixed count)."""
        return bool(self.claims) and all(_percentile_claim(c) for c in self.claims)


def _percentile_claim(claim: Claim) -> bool:
    stat = claim.scope.statistic or DEFAULT_STATISTIC
    return (
        re.fullmatch(r"p\d+(\.\d+)?", stat) is not None
        and claim.comparator in ("<", "<=", ">", ">=")
        and is_unit(claim.unit, "time")
    )


@dataclass(frozen=True)
class Sampled:
    samples: VantageLatency
    sequential: bool  # taken until its claims were decided: judge percentiles sequentially


def _pairs(items: list[pytest.Item], target: Target) -> dict[tuple[str, str], Pair]:
    """Every (vantage point, route) the run's geo claims measure."""
    from fixtures.claims import claim_of

    found: dict[tuple[str, str], Pair] = {}
    for item in items:
        claim = claim_of(item)
        if claim is not None and claim.check == "geo.latency":
            vantage, route = vantage_for(target, claim), route_for(target, claim, "health")
            if vantage is not None and route is not None:
                had = found.get((vantage.name, route))
                found[(vantage.name, route)] = Pair(vantage, route, (*(had.claims if had else ()), claim))
    return found


def _all_decided(samples: VantageLatency, pair: Pair, policy: SufficiencyPolicy) -> bool:
    if any(not 200 <= s < 400 for s in samples.statuses):
        return True  # failed requests: ERROR whatever comes next
    return all(
        sequential_quantile(
            samples.ttfb_ms, float((c.scope.statistic or DEFAULT_STATISTIC)[1:]) / 100, str(c.comparator),
            c.bound_in("ms"), policy,
        ).decided
        for c in pair.claims
    )  # fmt: skip


def _joined(a: VantageLatency, b: VantageLatency) -> VantageLatency:
    return replace(
        a, connect_ms=a.connect_ms + b.connect_ms, tls_ms=a.tls_ms + b.tls_ms, ttfb_ms=a.ttfb_ms + b.ttfb_ms,
        total_ms=a.total_ms + b.total_ms, statuses=a.statuses + b.statuses, errors=a.errors + b.errors,
    )  # fmt: skip


@pytest.fixture(scope="session")
def vantage_latency(
    request: pytest.FixtureRequest,
    target: Target,
    target_name: str,
    probe_scheduler: Scheduler,
    policy: SufficiencyPolicy,
) -> Callable[[VantagePoint, str], Sampled]:
    """Latency samples per (vantage point, route), taken once per session and shared by the claims. The
    first claim starts every vantage point's probe at once (independent hosts: checks/scheduler.py), each
    within its share of max_rps; each claim then waits for its own. A probe whose claims are percentiles
    stops once every one is decided (checks/sequential.py), at most SAMPLES requests."""
    once: CollectOnce[tuple[str, str], Sampled] = CollectOnce("vantage latency")
    pairs = _pairs(request.session.items, target)
    rps = min(target.max_rps / max(len(pairs), 1), PROBE_RPS) if target.max_rps > 0 else PROBE_RPS
    started: dict[tuple[str, str], Future[Sampled]] = {}

    def probe(vantage: VantagePoint, path: str, count: int) -> VantageLatency:
        assert target.http is not None
        return collect_vantage_latency(
            vantage, target.http, path, count, kube=target.kubernetes, target=target_name,
            min_interval_s=1 / rps,
        )  # fmt: skip

    def collect(pair: Pair) -> Sampled:
        if not pair.sequential:
            return Sampled(probe(pair.vantage, pair.route, SAMPLES), False)
        taken = probe(pair.vantage, pair.route, BATCH)
        while taken.n < SAMPLES and not _all_decided(taken, pair, policy):
            taken = _joined(taken, probe(pair.vantage, pair.route, min(BATCH, SAMPLES - taken.n)))
        return Sampled(taken, True)

    def get(vantage: VantagePoint, path: str) -> Sampled:
        if not started:
            for key, pair in pairs.items():
                task = Probe(f"geo {key[0]} {key[1]}", Kind.QUIET, rps, partial(collect, pair))
                started[key] = probe_scheduler.submit(task)
        key = (vantage.name, path)
        alone = Pair(vantage, path, ())
        return once.get(key, lambda: started[key].result() if key in started else collect(alone))

    return get


@pytest.mark.parametrize("claim", claim_params("geo.latency"))
def test_latency_from_city_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    vantage_latency: Callable[[VantagePoint, str], Sampled],
    policy: SufficiencyPolicy,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city or claim.scope.regions
    vantage = judge.need(vantage_for(target, claim), f"a vantage point in {city}")
    route = judge.need(route_for(target, claim, "health"), "a route to measure")
    floor = physics_floor_ms(claim, load_geo())
    sampled = vantage_latency(vantage, route)
    judge(geo_latency_within(sampled.samples, claim, floor, policy, sequential=sampled.sequential))
