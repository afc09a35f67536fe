"""Latency seen from the cities the documents name, measured from the target's vantage points."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial

import pytest

from checks.collect.geo import collect_vantage_latency
from checks.evaluate.declared.physics import load_geo
from checks.evaluate.geo import geo_latency_within, physics_floor_ms
from checks.evaluate.observed import params_of
from checks.evidence.geo import VantageLatency
from checks.ledger import Claim
from checks.params import GeoParams
from checks.scheduler import Kind, Probe, Scheduler
from checks.sufficiency import SufficiencyPolicy
from checks.targets import Target, VantagePoint
from fixtures.claims import claim_params
from fixtures.endpoints import route_for
from fixtures.judging import Judge
from fixtures.once import CollectOnce

SAMPLES = 80
PROBE_RPS = 50.0  # at most, per vantage point's probe (each request is a new TCP + TLS connection)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def vantage_for(target: Target, claim: Claim) -> VantagePoint | None:
    """The vantage point in the claim's city (scope.vantage or params.vantage_city)."""
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city
    if not city:
        return None
    return next((v for v in target.vantage_points if v.city and _plain(v.city) == _plain(city)), None)


def _measured(items: list[pytest.Item], target: Target) -> dict[tuple[str, str], VantagePoint]:
    """Every (vantage point, route) the run's geo claims measure."""
    from fixtures.claims import claim_of

    found = {}
    for item in items:
        claim = claim_of(item)
        if claim is not None and claim.check == "geo.latency":
            vantage, route = vantage_for(target, claim), route_for(target, claim, "health")
            if vantage is not None and route is not None:
                found[(vantage.name, route)] = vantage
    return found


@pytest.fixture(scope="session")
def vantage_latency(
    request: pytest.FixtureRequest, target: Target, target_name: str, probe_scheduler: Scheduler
) -> Callable[[VantagePoint, str], VantageLatency]:
    """Latency samples per (vantage point, route), taken once per session and shared by the claims. The
    first claim starts every vantage point's probe at once (independent hosts: checks/scheduler.py), each
    within its share of max_rps; each claim then waits for its own."""
    once: CollectOnce[tuple[str, str], VantageLatency] = CollectOnce("vantage latency")
    wanted = _measured(request.session.items, target)
    rps = min(target.max_rps / max(len(wanted), 1), PROBE_RPS) if target.max_rps > 0 else PROBE_RPS
    started: dict[tuple[str, str], Future[VantageLatency]] = {}

    def collect(vantage: VantagePoint, path: str) -> VantageLatency:
        assert target.http is not None
        return collect_vantage_latency(
            vantage, target.http, path, SAMPLES, kube=target.kubernetes, target=target_name,
            min_interval_s=1 / rps,
        )  # fmt: skip

    def get(vantage: VantagePoint, path: str) -> VantageLatency:
        if not started:
            for (name, route), point in wanted.items():
                probe = Probe(f"geo {name} {route}", Kind.QUIET, rps, partial(collect, point, route))
                started[(name, route)] = probe_scheduler.submit(probe)
        key = (vantage.name, path)
        return once.get(key, lambda: started[key].result() if key in started else collect(vantage, path))

    return get


@pytest.mark.parametrize("claim", claim_params("geo.latency"))
def test_latency_from_city_within_bound(
    claim: Claim,
    judge: Judge,
    target: Target,
    vantage_latency: Callable[[VantagePoint, str], VantageLatency],
    policy: SufficiencyPolicy,
) -> None:
    judge.need(target.http, "an HTTP endpoint")
    city = claim.scope.vantage or params_of(claim, GeoParams).vantage_city or claim.scope.regions
    vantage = judge.need(vantage_for(target, claim), f"a vantage point in {city}")
    route = judge.need(route_for(target, claim, "health"), "a route to measure")
    floor = physics_floor_ms(claim, load_geo())
    judge(geo_latency_within(vantage_latency(vantage, route), claim, floor, policy))
